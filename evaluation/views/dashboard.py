from django.http import Http404


def partnership_dashboard(request, **kwargs):
    raise Http404  # not built yet


def municipality_dashboard(request, **kwargs):
    raise Http404  # not built yet
