"""Who may see and change which roadmap. Views fetch roadmaps only through here.

Staff of a municipality see and edit its roadmaps; representatives their organization's;
a coordinator reads the roadmaps organizations have shared with the municipality. Nobody
else, portal administrators included: an outsider gets 404, a reader who tries to write 403.

Only representatives of a published entry start or change its roadmaps: an entry still
pending (or rejected, or archived) is not vouched for by the municipality yet. Roadmaps
started before that rule stay readable to its representatives, and editable once the entry
is published.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from orgs.models import Municipality, MunicipalityMembership, Organization
from roadmap_portal.lib.http import PermissionDeniedWithReason

from .models import Form, Roadmap


def own_roadmaps(user):
    """The roadmaps of the municipalities and organizations this user belongs to."""
    if not user.is_authenticated:
        return Roadmap.objects.none()
    return Roadmap.objects.filter(
        Q(form=Form.MUNICIPALITY, municipality__in=Municipality.objects.staffed_by(user))
        | Q(form=Form.COMMUNITY, organization__in=Organization.objects.represented_by(user))
    )


def editable_roadmaps(user):
    """The user's own roadmaps but those of an entry that is not published."""
    return own_roadmaps(user).exclude(
        Q(form=Form.COMMUNITY) & ~Q(organization__status=Organization.Status.PUBLISHED)
    )


def shared_roadmaps(user):
    """Roadmaps organizations shared with a municipality this user coordinates."""
    if not user.is_authenticated:
        return Roadmap.objects.none()
    coordinated = Municipality.objects.staffed_by(
        user, role=MunicipalityMembership.Role.COORDINATOR
    )
    return Roadmap.objects.filter(
        form=Form.COMMUNITY, shares__municipality__in=coordinated
    ).distinct()


def roadmap_owners_for_user(user):
    """(municipalities, organizations) this user may start a roadmap for."""
    if not user.is_authenticated:
        return Municipality.objects.none(), Organization.objects.none()
    municipalities = Municipality.objects.staffed_by(user)
    organizations = Organization.objects.published().represented_by(user).order_by("name")
    return municipalities, organizations


def get_roadmap_owners_for_start(user):
    """(municipalities, organizations) this user may start a roadmap for; 403 if none,
    saying so when an entry they represent is only waiting to be published."""
    municipalities, organizations = roadmap_owners_for_user(user)
    if not municipalities and not organizations:
        raise PermissionDeniedWithReason(
            *(
                _(
                    "The entry of %(name)s is not published yet. Its roadmaps can be started"
                    " and changed once the municipality has published it; those started"
                    " before can be read."
                )
                % {"name": organization.name}
                for organization in unpublished_organizations_of(user)
            )
        )
    return municipalities, organizations


def unpublished_organizations_of(user):
    """The entries this user represents that are not published: their roadmaps are read-only."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.represented_by(user)
        .exclude(status=Organization.Status.PUBLISHED)
        .order_by("name")
    )


def get_roadmap_for_user(user, pk, *, write=False):
    roadmap = own_roadmaps(user).with_owner().filter(pk=pk).first()
    if roadmap is not None:
        if write and not can_edit(user, roadmap):
            raise PermissionDenied
        return roadmap
    if shared_roadmaps(user).filter(pk=pk).exists():
        if write:
            raise PermissionDenied
        return Roadmap.objects.with_owner().get(pk=pk)
    raise Http404


def can_edit(user, roadmap):
    return editable_roadmaps(user).filter(pk=roadmap.pk).exists()
