"""Who may see what in the directory. Views fetch organizations only through here."""

from django.http import Http404

from .models import MunicipalityMembership, Organization


def can_see_unpublished(user, organization):
    """Representatives of the entry, staff of its home municipality, administrators."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if organization.memberships.filter(user=user).exists():
        return True
    return MunicipalityMembership.objects.filter(
        user=user, municipality_id=organization.home_municipality_id
    ).exists()


def get_organization_for_viewer(user, slug):
    """The organization page: published entries for everyone, others only for insiders (404)."""
    try:
        organization = Organization.objects.select_related("home_municipality").get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404 from None
    if organization.is_public or can_see_unpublished(user, organization):
        return organization
    raise Http404
