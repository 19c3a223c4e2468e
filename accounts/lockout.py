"""How django-axes names the account of a sign-in attempt (settings.AXES_USERNAME_CALLABLE)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from roadmap_portal.lib.ratelimit import client_ip

from .models import UserManager


def username_from_request(request, credentials=None) -> str:
    """The address as the account stores it: "Anna@Example.org " and "anna@example.org" are
    one account, so their failures count together and a reset for it clears them all."""
    if credentials and "username" in credentials:
        username = credentials["username"]
    else:
        username = request.POST.get("username", "") if request is not None else ""
    return UserManager.normalize_email(username or "")


def lockout_ends_at(request, credentials=None):
    """When the lockout of this account from this address ends: the cool-off after the last
    failure axes recorded (tries during the lockout are not recorded)."""
    last_failure = AccessAttempt.objects.filter(
        username=username_from_request(request, credentials), ip_address=client_ip(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last_failure or timezone.now()) + settings.AXES_COOLOFF_TIME
