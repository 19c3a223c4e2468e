"""Check and sign, revisions and what changed between them, publication."""

from django.http import Http404


def check(request, **kwargs):
    raise Http404("Not built yet.")


def revision_list(request, **kwargs):
    raise Http404("Not built yet.")


def revision_detail(request, **kwargs):
    raise Http404("Not built yet.")


def revision_compare(request, **kwargs):
    raise Http404("Not built yet.")


def publication(request, **kwargs):
    raise Http404("Not built yet.")


def public_list(request, **kwargs):
    raise Http404("Not built yet.")


def public_detail(request, **kwargs):
    raise Http404("Not built yet.")
