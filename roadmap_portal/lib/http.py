from django.core.exceptions import PermissionDenied


class PermissionDeniedWithReason(PermissionDenied):
    """A 403 that tells the visitor why: `reasons` are plain text in their language
    (escaped on the page, never markup), shown by the 403 page instead of the general
    words. Other PermissionDenied messages are for the logs and never shown."""

    def __init__(self, *reasons):
        super().__init__(*reasons)
        self.reasons = [str(reason) for reason in reasons]


def base_url(request):
    """scheme://host of the request, for links in e-mails."""
    return f"{request.scheme}://{request.get_host()}"
