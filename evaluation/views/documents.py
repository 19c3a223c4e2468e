from django.http import Http404


def kpis_csv(request, **kwargs):
    raise Http404  # not built yet


def kpis_xlsx(request, **kwargs):
    raise Http404  # not built yet


def measurements_csv(request, **kwargs):
    raise Http404  # not built yet


def measurements_xlsx(request, **kwargs):
    raise Http404  # not built yet


def report(request, **kwargs):
    raise Http404  # not built yet


def report_pdf(request, **kwargs):
    raise Http404  # not built yet
