from django.http import Http404


def evidence_list(request, **kwargs):
    raise Http404  # not built yet


def evidence_new(request, **kwargs):
    raise Http404  # not built yet


def evidence_edit(request, **kwargs):
    raise Http404  # not built yet


def evidence_delete(request, **kwargs):
    raise Http404  # not built yet


def evidence_file(request, **kwargs):
    raise Http404  # not built yet
