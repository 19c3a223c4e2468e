"""Who may use the directory's file exchange. Views fetch through here only.

As in orgs/access.py: people who work for no municipality get 403; staff get 404 for an
import that is not theirs to see.

An import is its municipality's work (staff "import and export the directory for their
municipality", docs/DOMAIN.md), and what it wrote is in the entries' history, which the
municipality's staff read. So the uploader's colleagues, and the staff of the municipality
the import is for, see it: in the list of imports and on its page alike. Only the uploader
acts on it (imports, reads it again, starts it again), as only they chose the file and
its options. Portal administrators see every import.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from orgs.access import is_municipal_staff, staffed_municipality_ids
from orgs.models import Municipality, MunicipalityMembership, Organization

from .models import ImportRecord


def _require_staff(user):
    if not is_municipal_staff(user):
        raise PermissionDenied


def imports_visible_to(user):
    """The imports the user sees: their own, those uploaded by someone who works for one
    of their municipalities, and those for one of their municipalities; every import for
    a portal administrator."""
    _require_staff(user)
    if user.is_superuser:
        return ImportRecord.objects.all()
    mine = staffed_municipality_ids(user)
    by_a_colleague = MunicipalityMembership.objects.filter(
        user_id=OuterRef("created_by_id"), municipality_id__in=mine
    )
    return ImportRecord.objects.filter(
        Q(created_by=user) | Q(municipality_id__in=mine) | Exists(by_a_colleague)
    )


def get_import_for_user(user, pk, *, write=False):
    """An import the user sees (imports_visible_to), or 404; with write, one they may act
    on: their own (403 for a colleague's)."""
    record = get_object_or_404(
        imports_visible_to(user).select_related("created_by", "municipality"), pk=pk
    )
    if write and not may_act_on_import(user, record):
        raise PermissionDenied
    return record


def may_act_on_import(user, record):
    """Its uploader imports it, reads it again or starts it again; nobody else."""
    return record.created_by_id is not None and record.created_by_id == user.pk


def import_municipalities(user):
    """The municipalities staff import into (rows that name none go to the one chosen):
    their own; every one for portal administrators."""
    _require_staff(user)
    if user.is_superuser:
        return Municipality.objects.order_by("name")
    return Municipality.objects.filter(pk__in=staffed_municipality_ids(user)).order_by("name")


def organizations_for_staff_export(user):
    """What staff export: the published directory and every entry of their
    municipalities, pending and rejected included; everything for portal administrators."""
    _require_staff(user)
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(status=Organization.Status.PUBLISHED)
        | Q(home_municipality_id__in=staffed_municipality_ids(user))
    )
