"""The signed PDF of a revision and the public page that verifies one."""

from django.http import Http404


def revision_pdf(request, **kwargs):
    raise Http404("Not built yet.")


def verify(request, **kwargs):
    raise Http404("Not built yet.")
