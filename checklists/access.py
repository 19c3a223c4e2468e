"""Who may see and change which roadmap. Views fetch roadmaps only through here.

Staff of a municipality see and edit its roadmaps; representatives their organization's;
a coordinator reads the roadmaps organizations have shared with the municipality. Nobody
else, portal administrators included: an outsider gets 404, a reader who tries to write 403.

Only representatives of a published entry start or change its roadmaps: an entry still
pending (or rejected, or archived) is not vouched for by the municipality yet. Roadmaps
started before that rule stay readable to its representatives, and editable once the entry
is published.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from orgs.models import Municipality, MunicipalityMembership, Organization
from orgs.sides import Side
from roadmap_portal.lib.http import PermissionDeniedWithReason

from .models import Roadmap


def own_roadmaps(user):
    """The roadmaps of the municipalities and organizations this user belongs to."""
    if not user.is_authenticated:
        return Roadmap.objects.none()
    return Roadmap.objects.filter(
        Q(form=Side.MUNICIPALITY, municipality__in=Municipality.objects.staffed_by(user))
        | Q(form=Side.COMMUNITY, organization__in=Organization.objects.represented_by(user))
    )


# The rule that makes an own roadmap read-only: it is an unpublished entry's (see above).
_OF_AN_UNPUBLISHED_ENTRY = Q(form=Side.COMMUNITY) & ~Q(
    organization__status=Organization.Status.PUBLISHED
)


def editable_roadmaps(user):
    """The user's own roadmaps but those of an entry that is not published."""
    return own_roadmaps(user).exclude(_OF_AN_UNPUBLISHED_ENTRY)


def shared_roadmaps(user):
    """Roadmaps organizations shared with a municipality this user coordinates."""
    if not user.is_authenticated:
        return Roadmap.objects.none()
    coordinated = Municipality.objects.staffed_by(
        user, role=MunicipalityMembership.Role.COORDINATOR
    )
    return Roadmap.objects.filter(
        form=Side.COMMUNITY, shares__municipality__in=coordinated
    ).distinct()


def _owners_for_start(user):
    """(municipalities, organizations) whose roadmaps this user may start: those they
    work for, those they represent if published."""
    municipalities = Municipality.objects.staffed_by(user)
    organizations = Organization.objects.published().represented_by(user)
    return municipalities, organizations.order_by("name")


def roadmap_owners_for_user(user):
    """[(side, owner), ...]: the municipalities (their form) and published organizations
    (the community form) this user may start a roadmap for."""
    if not user.is_authenticated:
        return []
    municipalities, organizations = _owners_for_start(user)
    return [(Side.MUNICIPALITY, m) for m in municipalities] + [
        (Side.COMMUNITY, o) for o in organizations
    ]


def may_start_roadmap(user):
    """Whether "Start a roadmap" is offered: the user may start one for someone."""
    if not user.is_authenticated:
        return False
    municipalities, organizations = _owners_for_start(user)
    return municipalities.exists() or organizations.exists()


def get_roadmap_owners_for_start(user):
    """roadmap_owners_for_user, or 403 if there is nobody, saying so when an entry they
    represent is only waiting to be published."""
    owners = roadmap_owners_for_user(user)
    if not owners:
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
    return owners


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
    """The roadmap with `may_edit`, whether this user may change it, found in one lookup.
    An outsider gets 404; a reader (or an unpublished entry's representative) who writes 403."""
    roadmap = (
        own_roadmaps(user)
        .with_owner()
        .annotate(
            may_edit=Case(
                When(_OF_AN_UNPUBLISHED_ENTRY, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if roadmap is None:
        roadmap = shared_roadmaps(user).with_owner().filter(pk=pk).first()
        if roadmap is None:
            raise Http404
        roadmap.may_edit = False
    if write and not roadmap.may_edit:
        raise PermissionDenied
    return roadmap


def get_roadmap_for_answers(user, pk, *, write=False):
    """get_roadmap_for_user, with `may_answer`: whether this user may change its answers
    now. A completed roadmap is reopened first: writing to one is 403."""
    roadmap = get_roadmap_for_user(user, pk, write=write)
    roadmap.may_answer = roadmap.may_edit and not roadmap.is_completed
    if write and not roadmap.may_answer:
        raise PermissionDenied
    return roadmap


def get_roadmap_for_sharing(user, pk):
    """A roadmap this user may share or stop sharing: an organization's (municipalities do
    not share theirs with each other, 404); 403 for a reader."""
    roadmap = get_roadmap_for_user(user, pk, write=True)
    if roadmap.form != Side.COMMUNITY:
        raise Http404
    return roadmap


def share_readers(municipality):
    """Who reads the roadmaps shared with a municipality: its active coordinators."""
    return get_user_model().objects.filter(
        is_active=True,
        municipality_memberships__municipality=municipality,
        municipality_memberships__role=MunicipalityMembership.Role.COORDINATOR,
    )
