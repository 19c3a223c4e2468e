"""Who may use the directory's file exchange. Views fetch through here only.

As in orgs/access.py: an outsider gets 404 for what is not theirs, a signed-in user whose
role is too low gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from orgs.access import is_municipal_staff

from .models import ImportRecord


def get_import_for_user(user, pk):
    """An import is seen by the staff member who uploaded it only: the file may hold
    personal data. Other signed-in users get 403, other staff 404."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    return get_object_or_404(
        ImportRecord.objects.select_related("created_by", "municipality"), pk=pk, created_by=user
    )
