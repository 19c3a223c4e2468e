from django.http import Http404


def stage_list(request, **kwargs):
    raise Http404  # not built yet


def stage_new(request, **kwargs):
    raise Http404  # not built yet


def stage_edit(request, **kwargs):
    raise Http404  # not built yet


def stage_delete(request, **kwargs):
    raise Http404  # not built yet
