from django.http import Http404


def kpi_list(request, **kwargs):
    raise Http404  # not built yet


def kpi_new(request, **kwargs):
    raise Http404  # not built yet


def kpi_detail(request, **kwargs):
    raise Http404  # not built yet


def kpi_edit(request, **kwargs):
    raise Http404  # not built yet


def kpi_delete(request, **kwargs):
    raise Http404  # not built yet


def measurement_new(request, **kwargs):
    raise Http404  # not built yet


def measurement_edit(request, **kwargs):
    raise Http404  # not built yet


def measurement_withdraw(request, **kwargs):
    raise Http404  # not built yet


def measurement_review(request, **kwargs):
    raise Http404  # not built yet
