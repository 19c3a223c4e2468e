"""Who may see and change what in the directory. Views fetch through here only.

An outsider gets 404 for anything not public (nothing tells them it exists); a signed-in
user whose role is too low for something they can see gets 403.
"""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from roadmap_portal.lib.pagination import COUNT_CAP

from .models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMembership,
    OrganizationMove,
    StaffChange,
)


def staffed_municipality_ids(user):
    """Municipalities the user works for (staff or coordinator)."""
    return set(Municipality.objects.staffed_by(user).values_list("pk", flat=True))


def is_municipal_staff(user):
    return user.is_authenticated and (
        user.is_superuser or Municipality.objects.staffed_by(user).exists()
    )


def represents(user, organization):
    return Organization.objects.represented_by(user).filter(pk=organization.pk).exists()


def can_moderate(user, organization):
    """Staff of the entry's home municipality; portal administrators everywhere."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organization.home_municipality_id in staffed_municipality_ids(user)


def can_see_private_contact(user, organization):
    """An e-mail or phone the representatives keep from the public is still seen by
    municipal staff (of any municipality: the staff export gives them every entry's
    details), portal administrators and the entry's own representatives."""
    return is_municipal_staff(user) or represents(user, organization)


# Nobody decides on their own request. Each request has the people it concerns (a claim:
# the claimant; an entry: those who registered or represent it; a move: those too and who
# asked). It goes to the active staff of its municipality who are not among them, and to
# portal administrators (again not among them) where no such staff member exists. The
# e-mails (*_deciders) and the queues (*_queryset) follow the same rule. Portal
# administrators may still decide any request, anywhere (get_*_for_moderation): a request
# waits for them, in their queue and by e-mail, only where nobody else may decide it.


def municipality_staff(municipality_id, *, excluding=()):
    """The active staff of a municipality but those excluded; the portal administrators
    (but those excluded) while it has no such staff. Who decides a request there, and who
    is told of what happens to its entries."""
    User = get_user_model()
    staff = (
        User.objects.filter(is_active=True, municipality_memberships__municipality=municipality_id)
        .exclude(pk__in=excluding)
        .distinct()
    )
    if staff.exists():
        return staff
    return User.objects.filter(is_active=True, is_superuser=True).exclude(pk__in=excluding)


def entry_concerned_ids(organization):
    """Who registered or represents an entry: they do not decide on it."""
    registrants = OrganizationChange.objects.filter(
        organization=organization, kind=OrganizationChange.Kind.CREATED, actor__isnull=False
    ).values_list("actor_id", flat=True)
    representatives = OrganizationMembership.objects.filter(organization=organization).values_list(
        "user_id", flat=True
    )
    return {*registrants, *representatives}


def claim_concerned_ids(claim):
    return {claim.user_id}


def move_concerned_ids(move):
    """Who asked for a move, and who registered or represents the entry."""
    return entry_concerned_ids(move.organization) | {move.requested_by_id}


def entry_deciders(organization):
    """Who decides on a pending entry (and is told of it)."""
    return municipality_staff(
        organization.home_municipality_id, excluding=entry_concerned_ids(organization)
    )


def claim_deciders(claim):
    return municipality_staff(
        claim.organization.home_municipality_id, excluding=claim_concerned_ids(claim)
    )


def move_deciders(move):
    """Staff of the municipality an entry asks to move to."""
    return municipality_staff(move.to_municipality_id, excluding=move_concerned_ids(move))


def _concerned_in(user, entry_path):
    """A condition on entry_path (an entry's id): an entry the user registered or
    represents. Two lookups by the user's own rows: an OR across a join of the entries and
    their changes reads every entry of the directory, on each page of the queue."""
    represented = Organization.objects.represented_by(user).values("pk")
    registered = OrganizationChange.objects.filter(
        kind=OrganizationChange.Kind.CREATED, actor=user
    ).values("organization_id")
    return Q(**{f"{entry_path}__in": represented}) | Q(**{f"{entry_path}__in": registered})


def _eligible_staff_exist(municipality_path, *, concerned_user_path, organization_path=None):
    """Active staff of the municipality at municipality_path who are not concerned by
    the request: neither its author (concerned_user_path) nor, when organization_path is
    given, someone who registered or represents that entry."""
    staff = MunicipalityMembership.objects.filter(
        municipality_id=OuterRef(municipality_path), user__is_active=True
    )
    if concerned_user_path:
        staff = staff.exclude(user_id=OuterRef(concerned_user_path))
    if organization_path:
        organization = OuterRef(OuterRef(organization_path))
        staff = staff.exclude(
            Exists(
                OrganizationMembership.objects.filter(
                    user_id=OuterRef("user_id"), organization_id=organization
                )
            )
        ).exclude(
            Exists(
                OrganizationChange.objects.filter(
                    organization_id=organization,
                    kind=OrganizationChange.Kind.CREATED,
                    actor_id=OuterRef("user_id"),
                )
            )
        )
    return Exists(staff)


def _in_queue_of(user, municipality_path, **concerned):
    """A condition on municipality_path: the user's municipalities; for portal
    administrators, also municipalities with no staff who may decide."""
    # A subquery, not the ids: the queues are counted in one query (moderation_waiting_count).
    staffed = Municipality.objects.staffed_by(user).values("pk")
    own = Q(**{f"{municipality_path}__in": staffed})
    if user.is_superuser:
        own |= ~_eligible_staff_exist(municipality_path, **concerned)
    return own


def moderation_queryset(user):
    """Pending entries waiting for this user's decision: their municipalities' entries;
    for a portal administrator, also those with nobody else to decide (they may decide any
    other entry too: get_organization_for_moderation)."""
    pending = Organization.objects.filter(status=Organization.Status.PENDING)
    queue = pending.filter(
        _in_queue_of(user, "home_municipality_id", concerned_user_path=None, organization_path="pk")
    )
    return queue.exclude(_concerned_in(user, "pk"))


def claim_queryset(user):
    """Pending claims waiting for this user's decision (never the user's own): claims of
    their municipalities' entries; for a portal administrator, also those with nobody else
    to decide (they may decide any other claim too: get_claim_for_moderation)."""
    claims = OrganizationClaim.objects.filter(status=OrganizationClaim.Status.PENDING)
    return claims.filter(
        _in_queue_of(
            user,
            "organization__home_municipality_id",
            concerned_user_path="user_id",
        )
    ).exclude(user=user)


def move_queryset(user):
    """Pending moves waiting for this user's decision: moves to one of their
    municipalities; for a portal administrator, also moves to municipalities with nobody
    else to decide (they may decide any other move too: get_move_for_moderation)."""
    moves = OrganizationMove.objects.filter(status=OrganizationMove.Status.PENDING)
    queue = moves.filter(
        _in_queue_of(
            user,
            "to_municipality_id",
            concerned_user_path="requested_by_id",
            organization_path="organization_id",
        )
    )
    return queue.exclude(requested_by=user).exclude(_concerned_in(user, "organization_id"))


def works_for_a_municipality(user):
    """Staff and coordinators (portal administrators only if they are too)."""
    return Municipality.objects.staffed_by(user).exists()


def moderation_waiting_count(user):
    """How many entries, claims and moves wait for this user, in one query, counted up
    to COUNT_CAP + 1 (more means "1,000+", as on every list: roadmap_portal/lib/pagination.py;
    the menu shows it on every page); None for someone who does not moderate."""
    if not is_municipal_staff(user):
        return None
    return (
        moderation_queryset(user)
        .order_by()
        .values("pk")
        .union(
            claim_queryset(user).order_by().values("pk"),
            move_queryset(user).order_by().values("pk"),
            all=True,
        )[: COUNT_CAP + 1]
        .count()
    )


def _with_rights_of(user):
    """Entries with what this user may do with each, in the query that fetches them:
    viewer_represents (the user represents it), can_edit (representatives and portal
    administrators), can_moderate (staff of its home municipality and portal
    administrators)."""
    entries = Organization.objects.select_related("home_municipality")
    if not user.is_authenticated:
        # Nothing to ask the database, and two subqueries fewer to compile for every visitor.
        nothing = Value(False)
        return entries.annotate(viewer_represents=nothing, can_edit=nothing, can_moderate=nothing)
    represents_it = Exists(Organization.objects.represented_by(user).filter(pk=OuterRef("pk")))
    staffs_its_home = Exists(
        Municipality.objects.staffed_by(user).filter(pk=OuterRef("home_municipality_id"))
    )
    if user.is_superuser:
        can_edit = can_moderate = Value(True)
    else:
        can_edit, can_moderate = represents_it, staffs_its_home
    return entries.annotate(
        viewer_represents=represents_it, can_edit=can_edit, can_moderate=can_moderate
    )


def _visible_or_404(organization):
    """For an entry fetched with _with_rights_of: published, or the user is an insider."""
    if not (organization.is_public or organization.can_moderate or organization.viewer_represents):
        raise Http404


def get_organization_for_viewer(user, slug):
    """The public page: published entries for everyone, others for insiders only. The
    entry comes with the user's rights on it (_with_rights_of), from the same query."""
    organization = get_object_or_404(_with_rights_of(user), slug=slug)
    _visible_or_404(organization)
    return organization


def can_be_written_to(organization):
    """A published entry with someone to write to: its contact address, or a
    representative with an active account."""
    return organization.is_public and bool(
        organization.email
        or OrganizationMembership.objects.filter(
            organization=organization, user__is_active=True
        ).exists()
    )


def get_organization_for_contact(slug):
    """The contact form, for everyone, of an entry that can be written to; 404 otherwise."""
    organization = get_object_or_404(Organization, slug=slug)
    if not can_be_written_to(organization):
        raise Http404
    return organization


def get_organization_for_edit(user, slug):
    """Representatives edit their entry (portal administrators too)."""
    organization = get_object_or_404(_with_rights_of(user), slug=slug)
    if organization.can_edit:
        return organization
    _visible_or_404(organization)
    raise PermissionDenied


def get_organization_for_moderation(user, pk):
    """Staff of the home municipality moderate an entry, and portal administrators any
    entry (it waits in their queue only where nobody else may decide it:
    moderation_queryset); nobody one they registered or represent (403)."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    organization = get_object_or_404(_with_rights_of(user), pk=pk)
    if not organization.can_moderate:
        raise Http404
    if user.pk in entry_concerned_ids(organization):
        raise PermissionDenied
    return organization


def former_home_municipality_ids(organization):
    """Every municipality that was the entry's home, as its change records tell."""
    ids = {organization.home_municipality_id}
    recorded = OrganizationChange.objects.filter(
        organization=organization, fields__has_key="home_municipality_id"
    ).values_list("fields", flat=True)
    for fields in recorded:
        values = fields["home_municipality_id"]
        if isinstance(values, dict):
            ids.update(pk for pk in (values.get("old"), values.get("new")) if pk is not None)
    return ids


def can_read_history(user, organization):
    """Staff of every municipality the entry ever belonged to read its history (a move
    does not take it from the former one), the home municipality's included; portal
    administrators too."""
    if user.is_superuser:
        return True
    staffed = staffed_municipality_ids(user)
    return bool(staffed) and bool(staffed & former_home_municipality_ids(organization))


def get_organization_for_history(user, slug, *, write=False):
    """Staff of the home municipality read the history and revert changes; staff of a
    former home municipality read it only (403 to revert). The entry says which:
    can_revert."""
    organization = get_object_or_404(_with_rights_of(user), slug=slug)
    organization.can_revert = organization.can_moderate
    if organization.can_revert:
        return organization
    if can_read_history(user, organization):
        if write:
            raise PermissionDenied
        return organization
    _visible_or_404(organization)
    raise PermissionDenied


class ModerationQueues(NamedTuple):
    entries: QuerySet
    claims: QuerySet
    moves: QuerySet


def get_moderation_queues(user):
    """The entries, claims and moves waiting for this user's decision; 403 for a user who
    works for no municipality (portal administrators work for all)."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    return ModerationQueues(
        entries=moderation_queryset(user),
        claims=claim_queryset(user),
        moves=move_queryset(user),
    )


def get_claim_for_moderation(user, pk):
    """Staff of the entry's municipality decide a claim, and portal administrators any
    claim (it waits in their queue only where nobody else may decide it: claim_queryset);
    never their own (403)."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    claim = get_object_or_404(
        OrganizationClaim.objects.select_related("organization", "user"), pk=pk
    )
    if claim.user_id == user.pk:
        raise PermissionDenied
    if not can_moderate(user, claim.organization):
        raise Http404
    return claim


def get_move_for_moderation(user, pk):
    """Staff of the municipality an entry asks to move to decide, and portal
    administrators any move (it waits in their queue only where nobody else may decide it:
    move_queryset); staff of the municipality it leaves see it (403); nobody decides their
    own request or one for an entry they registered or represent (403)."""
    if not is_municipal_staff(user):
        raise PermissionDenied
    move = get_object_or_404(
        OrganizationMove.objects.select_related(
            "organization", "from_municipality", "to_municipality", "requested_by"
        ),
        pk=pk,
    )
    staffed = staffed_municipality_ids(user)
    if not (user.is_superuser or move.to_municipality_id in staffed):
        if move.from_municipality_id in staffed:
            raise PermissionDenied
        raise Http404
    if user.pk == move.requested_by_id or user.pk in entry_concerned_ids(move.organization):
        raise PermissionDenied
    return move


def get_municipality_for_viewer(user, slug):
    """A municipality's public page, with whether the user manages its staff accounts
    (`may_manage_staff`: its coordinators and portal administrators), from one query."""
    municipality = get_object_or_404(
        Municipality.objects.annotate(
            viewer_coordinates=Exists(coordinated_municipalities(user).filter(pk=OuterRef("pk")))
        ),
        slug=slug,
    )
    municipality.may_manage_staff = user.is_superuser or municipality.viewer_coordinates
    return municipality


def get_municipality_for_staff_management(user, slug):
    """The municipality whose staff accounts the user manages: its coordinators do, and
    portal administrators. Its other staff see that it has a staff page (403); anyone else
    gets 404, since who works for a municipality is not public. The user's standing there
    comes in the query that fetches it."""
    staffed = Municipality.objects.staffed_by(user)
    coordinated = coordinated_municipalities(user)
    municipality = get_object_or_404(
        Municipality.objects.annotate(
            viewer_works_here=Exists(staffed.filter(pk=OuterRef("pk"))),
            viewer_coordinates=Exists(coordinated.filter(pk=OuterRef("pk"))),
        ),
        slug=slug,
    )
    if user.is_superuser or municipality.viewer_coordinates:
        return municipality
    if municipality.viewer_works_here:
        raise PermissionDenied
    raise Http404


def get_membership_for_management(user, slug, pk):
    """A membership of a municipality the user manages staff of (404 for a membership of
    another municipality)."""
    municipality = get_municipality_for_staff_management(user, slug)
    return get_object_or_404(
        MunicipalityMembership.objects.select_related("user", "municipality"),
        pk=pk,
        municipality=municipality,
    )


def get_invitation_for_management(user, slug, pk):
    """A staff invitation of a municipality the user manages staff of (404 for one of
    another municipality). Whether it is still open is the services' to say."""
    municipality = get_municipality_for_staff_management(user, slug)
    return get_object_or_404(
        StaffChange.objects.select_related("municipality"),
        pk=pk,
        municipality=municipality,
        kind=StaffChange.Kind.INVITED,
    )


def coordinated_municipalities(user):
    """Municipalities whose staff accounts the user manages as their coordinator."""
    return Municipality.objects.staffed_by(user, role=MunicipalityMembership.Role.COORDINATOR)
