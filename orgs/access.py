"""Who may see and change what in the directory. Views fetch through here only.

An outsider gets 404 for anything not public (nothing tells them it exists); a signed-in
user whose role is too low for something they can see gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    ImportRecord,
    MunicipalityMembership,
    Organization,
    OrganizationClaim,
    OrganizationMembership,
)


def staffed_municipality_ids(user):
    """Municipalities the user works for (staff or coordinator)."""
    if not user.is_authenticated:
        return set()
    return set(
        MunicipalityMembership.objects.filter(user=user).values_list("municipality_id", flat=True)
    )


def is_municipal_staff(user):
    return user.is_authenticated and (
        user.is_superuser or MunicipalityMembership.objects.filter(user=user).exists()
    )


def represents(user, organization):
    return (
        user.is_authenticated
        and OrganizationMembership.objects.filter(user=user, organization=organization).exists()
    )


def can_moderate(user, organization):
    """Staff of the entry's home municipality; portal administrators everywhere."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organization.home_municipality_id in staffed_municipality_ids(user)


def can_see_unpublished(user, organization):
    return can_moderate(user, organization) or represents(user, organization)


def _in_queue_of(user, municipality_path):
    """A condition on municipality_path: the user's municipalities; for portal
    administrators, also municipalities with no staff yet."""
    own = Q(**{f"{municipality_path}__in": staffed_municipality_ids(user)})
    if user.is_superuser:
        has_staff = MunicipalityMembership.objects.filter(
            municipality_id=OuterRef(municipality_path)
        )
        own |= ~Exists(has_staff)
    return own


def moderation_queryset(user):
    """Pending entries waiting for this user's decision."""
    pending = Organization.objects.filter(status=Organization.Status.PENDING)
    return pending.filter(_in_queue_of(user, "home_municipality_id"))


def claim_queryset(user):
    """Pending claims waiting for this user's decision."""
    claims = OrganizationClaim.objects.filter(status=OrganizationClaim.Status.PENDING)
    return claims.filter(_in_queue_of(user, "organization__home_municipality_id"))


def _get(slug=None, pk=None):
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    return get_object_or_404(Organization.objects.select_related("home_municipality"), **lookup)


def get_organization_for_viewer(user, slug):
    """The public page: published entries for everyone, others for insiders only."""
    organization = _get(slug=slug)
    if organization.is_public or can_see_unpublished(user, organization):
        return organization
    raise Http404


def _visible_or_404(user, organization):
    if not (organization.is_public or can_see_unpublished(user, organization)):
        raise Http404


def get_organization_for_edit(user, slug):
    """Representatives edit their entry (portal administrators too)."""
    organization = _get(slug=slug)
    if user.is_superuser or represents(user, organization):
        return organization
    _visible_or_404(user, organization)
    raise PermissionDenied


def get_organization_for_moderation(user, pk):
    """Staff of the home municipality (or portal administrators) moderate an entry."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    organization = _get(pk=pk)
    if not can_moderate(user, organization):
        raise Http404
    return organization


def get_organization_for_history(user, slug):
    """Staff of the home municipality read the history and revert changes."""
    organization = _get(slug=slug)
    if can_moderate(user, organization):
        return organization
    _visible_or_404(user, organization)
    raise PermissionDenied


def get_claim_for_moderation(user, pk):
    if not is_municipal_staff(user):
        raise PermissionDenied
    claim = get_object_or_404(
        OrganizationClaim.objects.select_related("organization", "user"), pk=pk
    )
    if not can_moderate(user, claim.organization):
        raise Http404
    return claim


def get_import_for_user(user, pk):
    """An import is seen by the staff member who uploaded it only: the file may hold
    personal data. Other signed-in users get 403, other staff 404."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    return get_object_or_404(
        ImportRecord.objects.select_related("created_by", "municipality"), pk=pk, created_by=user
    )
