from collections import Counter
from copy import copy
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from itertools import batched

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.services import email_confirmation_send, language_for_address, user_register
from roadmap_portal.lib.email import email_address, email_user
from roadmap_portal.lib.history import snapshot
from roadmap_portal.lib.locking import bump_version, lock_at_version
from roadmap_portal.lib.pagecache import public_pages_changed
from roadmap_portal.lib.ratelimit import rate_limited
from roadmap_portal.lib.signing import LinkInvalid, SignedLink

from .access import (
    claim_concerned_ids,
    claim_deciders,
    coordinated_municipalities,
    entry_concerned_ids,
    entry_deciders,
    move_concerned_ids,
    move_deciders,
    municipality_staff,
)
from .counts import directory_counts_changed
from .models import (
    EditableField,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMembership,
    OrganizationMove,
    Service,
    StaffChange,
    language_of_country,
)
from .search import normalize


def organization_reindex(*, organization: Organization) -> None:
    """Refresh what the directory search reads after any change to an organization,
    its services or its taxonomies (orgs/search/)."""
    search_text = organization.build_search_text()
    facet_tokens = organization.build_facet_tokens()
    # .update(): the search material is not an edit, so updated_at stays as it is.
    Organization.objects.filter(pk=organization.pk).update(
        search_text=search_text, facet_tokens=facet_tokens
    )
    organization.search_text, organization.facet_tokens = search_text, facet_tokens
    public_pages_changed(entry=organization.slug)
    if organization.is_public:
        search_words_add(organization_ids=[organization.pk])


def search_words_rebuild() -> int:
    """Replace the spelling suggestions with the words of all published organizations."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # TRUNCATE, not DELETE: no dead rows left in the trigram index to slow it down.
        cursor.execute("TRUNCATE orgs_searchword")
        cursor.execute(
            "INSERT INTO orgs_searchword (word) SELECT word FROM ts_stat("
            "'SELECT search_vector FROM orgs_organization WHERE status = ''published''')"
            " WHERE length(word) BETWEEN 3 AND 100 AND word !~ '[0-9]'"
        )
        return cursor.rowcount


def search_words_add(*, organization_ids: list[int]) -> None:
    """Add the words of these published organizations to the spelling suggestions."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orgs_searchword (word)
            SELECT DISTINCT lexeme FROM orgs_organization, unnest(search_vector)
            WHERE id = ANY(%s) AND status = 'published' AND length(lexeme) BETWEEN 3 AND 100
                AND lexeme !~ '[0-9]'
            ON CONFLICT (word) DO NOTHING
            """,
            [organization_ids],
        )


# What a representative edits, and what the history records and can revert, by its
# snapshot keys (Organization.EDITABLE_FIELDS).
SIMPLE_FIELDS = [field.key for field in Organization.editable(EditableField.SIMPLE)]
RELATION_FIELDS = [field.key for field in Organization.editable(EditableField.MANY_TO_MANY)]
SNAPSHOT_KEYS = [field.key for field in Organization.editable()]
_SIMPLE_NAMES = [field.name for field in Organization.editable(EditableField.SIMPLE)]


class AlreadyDecided(Exception):
    """Someone else approved or rejected this first."""


def organization_snapshot(organization, relations=None) -> dict:
    """Every recorded field of an entry as plain JSON values.

    `relations` ({relation: sorted ids, "services": [[name, description]]}), when the
    caller has them (the import reads them for thousands of entries at once), saves
    reading them."""
    if relations is not None:
        return snapshot(organization, _SIMPLE_NAMES) | {
            key: relations.get(key, []) for key in [*RELATION_FIELDS, "services"]
        }
    values = snapshot(organization, _SIMPLE_NAMES + RELATION_FIELDS)
    values["services"] = [
        [service.name, service.description] for service in organization.services.all()
    ]
    return values


def _apply(organization, values: dict) -> None:
    """Write snapshot values (all or some fields) to an entry and its relations."""
    for field in SIMPLE_FIELDS:
        if field in values:
            setattr(organization, field, values[field])
    if "home_municipality_id" in values:
        organization.country = Municipality.objects.get(pk=values["home_municipality_id"]).country
    if not organization.description_language:
        # Not chosen: most entries are written in their country's language.
        organization.description_language = language_of_country(organization.country)
    organization.save()
    for field in RELATION_FIELDS:
        if field in values:
            getattr(organization, field).set(values[field])
    if "services" in values:
        organization.services.all().delete()
        Service.objects.bulk_create(
            Service(organization=organization, name=name, description=text, position=position)
            for position, (name, text) in enumerate(values["services"])
        )


def _record(
    organization, actor, before, after, *, kind=OrganizationChange.Kind.EDITED, reverts=None
):
    change = OrganizationChange.between(
        before, after, organization=organization, actor=actor, kind=kind, reverts=reverts
    )
    if change is not None:
        change.save()
    return change


# Paths under organizations/ that an entry's address must not take.
RESERVED_SLUGS = {"register", "invitations", "still-correct"}


def unique_slug(name: str) -> str:
    return unique_slugs([name])[0]


def unique_slugs(names: list[str]) -> list[str]:
    """A free address for each name, reading the taken ones in a few queries however
    many names there are (an import brings thousands)."""
    # Latin letters without accents as the search folds them (Latvian and Lithuanian
    # addresses stay as they were), then other scripts transliterated: slugify drops
    # whatever is not ASCII, so a Greek name would leave nothing.
    bases = [slugify(anyascii(normalize(name)))[:100] or "organization" for name in names]
    taken = set(RESERVED_SLUGS)
    for chunk in batched(sorted(set(bases)), 1000):
        taken.update(Organization.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    repeated = {base for base, count in Counter(bases).items() if count > 1}
    for base in sorted({base for base in bases if base in taken} | repeated):
        taken.update(
            Organization.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
        )
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


@transaction.atomic
def organization_register(
    *, values: dict, base_url: str, representative=None, new_account: dict | None = None
) -> Organization | None:
    """A new pending entry with its representative; staff of its municipality are told.

    Someone not signed in gives `new_account` (email, full_name, password, language): the
    account is created in the same transaction as the entry, its membership and the
    e-mails (sent once it commits), so a failure leaves none of them and a retry works.

    When that address already has an account, nothing is created and None is returned:
    the owner is told by e-mail, and the page answers as for a new account, so it tells
    nobody which addresses have accounts."""
    if representative is None:
        representative = _new_representative(new_account, values=values, base_url=base_url)
        if representative is None:
            return None
    organization = Organization(
        slug=unique_slug(values["name"]), status=Organization.Status.PENDING
    )
    _apply(organization, values)
    OrganizationMembership.objects.create(user=representative, organization=organization)
    organization_reindex(organization=organization)
    _record(
        organization,
        representative,
        {},
        organization_snapshot(organization),
        kind=OrganizationChange.Kind.CREATED,
    )
    _tell_moderators(organization, base_url=base_url)
    return organization


def _new_representative(new_account: dict, *, values: dict, base_url: str):
    """The account registration creates, or None when the address already has one (whose
    owner is then told)."""
    User = get_user_model()
    email = User.objects.normalize_email(new_account["email"])
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        # None when another request created this account a moment ago: user_register has
        # told its owner then.
        return user_register(**new_account, base_url=base_url)
    # As long as creating the account would take: the answer's timing tells nothing.
    make_password(new_account["password"])
    _tell_owner_of_registration(owner, organization_name=values["name"], base_url=base_url)
    return None


def _tell_owner_of_registration(owner, *, organization_name: str, base_url: str) -> None:
    if owner.is_deactivated:
        return  # its owner can neither sign in nor reset the password: nothing to offer
    register_path = reverse("orgs:register")
    email_user(
        owner,
        "registration_existing_account",
        {
            "organization": organization_name,
            "url": f"{base_url}{reverse('accounts:login')}?{urlencode({'next': register_path})}",
            "password_reset_url": base_url + reverse("accounts:password_reset"),
        },
    )
    if owner.awaiting_confirmation:
        # A sign-up never confirmed: without a new link its owner cannot sign in.
        email_confirmation_send(user=owner, base_url=base_url)


def _tell_moderators(organization, *, base_url):
    url = base_url + reverse("orgs:moderate", kwargs={"pk": organization.pk})
    for user in moderators_of(organization):
        email_user(user, "entry_waiting", {"organization": organization.name, "url": url})


def moderators_of(organization):
    """Who decides on a pending entry: staff of its municipality, portal administrators
    where it has none; never someone who registered or represents it (orgs.access)."""
    return entry_deciders(organization)


@dataclass
class EditResult:
    change: OrganizationChange | None  # None when no field changed
    move: "OrganizationMove | None" = None  # a move to another municipality now waiting


# Entries whose move to another municipality the new municipality decides.
MOVE_NEEDS_APPROVAL = (Organization.Status.PUBLISHED, Organization.Status.ARCHIVED)


@transaction.atomic
def organization_update(
    *, organization, values: dict, actor, version: int, base_url: str
) -> EditResult:
    """Save an edit; refused if someone saved in between. A corrected rejected entry goes
    back to the queue.

    A new home municipality: for a published entry edited by a representative, a request
    to the new municipality (the rest of the edit is saved now, the entry stays where it
    is until that municipality approves); an entry not yet published simply moves to the
    other municipality's queue; portal administrators move any entry at once. Both
    municipalities are told."""
    locked = lock_at_version(Organization.objects, pk=organization.pk, version=version)
    values = dict(values)
    old_home = locked.home_municipality_id
    new_home = values.get("home_municipality_id", old_home)
    move_needs_approval = locked.status in MOVE_NEEDS_APPROVAL and not actor.is_superuser
    if move_needs_approval:
        values.pop("home_municipality_id", None)
    before = organization_snapshot(locked)
    _apply(locked, values)
    change = _record(locked, actor, before, organization_snapshot(locked))
    if change:
        bump_version(locked)
        organization_reindex(organization=locked)
    move = None
    moved = not move_needs_approval and new_home != old_home
    if move_needs_approval:
        move = _move_request(locked, to_municipality_id=new_home, actor=actor, base_url=base_url)
    if moved:
        _moves_withdraw(locked, actor=actor)
    was_published = locked.status in MOVE_NEEDS_APPROVAL
    if change and locked.status == Organization.Status.REJECTED:
        _resubmit(locked, base_url=base_url)  # to the queue of its municipality, new or not
    elif moved and locked.status == Organization.Status.PENDING:
        _tell_moderators(locked, base_url=base_url)
    if moved:
        # An entry waiting for a check is in the new municipality's queue, which was told.
        _tell_of_move(
            locked, from_id=old_home, actor=actor, base_url=base_url, tell_new=was_published
        )
    return EditResult(change=change, move=move)


def pending_move(organization):
    return OrganizationMove.objects.filter(
        organization=organization, status=OrganizationMove.Status.PENDING
    ).first()


def _moves_withdraw(organization, *, actor):
    OrganizationMove.objects.filter(
        organization=organization, status=OrganizationMove.Status.PENDING
    ).update(status=OrganizationMove.Status.WITHDRAWN, decided_by=actor, decided_at=timezone.now())


def _move_context(move, *, base_url, **extra):
    return {
        "organization": move.organization.name,
        "from": move.from_municipality.name,
        "to": move.to_municipality.name,
        "url": base_url + move.organization.get_absolute_url(),
        **extra,
    }


def _move_request(organization, *, to_municipality_id, actor, base_url):
    """The representative's new home municipality, as a request to that municipality.
    The same request again changes nothing and sends nothing; going back to the current
    municipality withdraws it."""
    pending = pending_move(organization)
    if pending and pending.to_municipality_id == to_municipality_id:
        return pending
    _moves_withdraw(organization, actor=actor)
    if to_municipality_id == organization.home_municipality_id:
        return None
    move = OrganizationMove.objects.create(
        organization=organization,
        from_municipality_id=organization.home_municipality_id,
        to_municipality_id=to_municipality_id,
        requested_by=actor,
    )
    move = OrganizationMove.objects.select_related(
        "organization", "from_municipality", "to_municipality"
    ).get(pk=move.pk)
    waiting = _move_context(move, base_url=base_url, queue=base_url + reverse("orgs:moderation"))
    for user in move_deciders(move):
        email_user(user, "move_waiting", waiting)
    for user in municipality_staff(move.from_municipality_id).exclude(pk=actor.pk):
        email_user(user, "move_requested", _move_context(move, base_url=base_url))
    return move


def _tell_of_move(organization, *, from_id, actor, base_url, tell_new):
    """An entry moved at once (not yet published, or by an administrator): the former
    municipality is told, and the new one unless its queue already told it."""
    context = {
        "organization": organization.name,
        "from": Municipality.objects.get(pk=from_id).name,
        "to": Municipality.objects.get(pk=organization.home_municipality_id).name,
        "url": base_url + organization.get_absolute_url(),
        "published": organization.is_public,
    }
    told = {actor.pk}
    for municipality_id in [from_id] + ([organization.home_municipality_id] if tell_new else []):
        for user in municipality_staff(municipality_id):
            if user.pk not in told:
                told.add(user.pk)
                email_user(user, "entry_moved", context)


class MoveRefused(Exception):
    """The move cannot be made as it stands (said in words to the one deciding)."""


def _decide_request(request, *, actor, status, reason, concerned_ids):
    """Decide a pending claim or move, once (AlreadyDecided for the second), and never by
    someone it concerns (`concerned_ids` of the locked request)."""
    model = type(request)
    locked = model.objects.select_for_update().get(pk=request.pk)
    if locked.status != model.Status.PENDING:
        raise AlreadyDecided
    if actor.pk in concerned_ids(locked):
        raise PermissionDenied("Nobody decides on their own request.")
    locked.status, locked.reason = status, reason
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return locked


def _decide_move(move, *, actor, status, reason=""):
    return _decide_request(
        move, actor=actor, status=status, reason=reason, concerned_ids=move_concerned_ids
    )


def _tell_of_move_decision(move, *, base_url, approved, reason=""):
    context = _move_context(move, base_url=base_url, approved=approved, reason=reason)
    told = set()
    for users in (
        municipality_staff(move.from_municipality_id),
        municipality_staff(move.to_municipality_id),
        representatives_of(move.organization),
    ):
        for user in users:
            if user.pk not in told:
                told.add(user.pk)
                email_user(user, "move_decided", context)


@transaction.atomic
def move_approve(*, move, actor, base_url: str) -> OrganizationMove:
    """Move the entry to the municipality that approved it (its country too), record it
    in the history and tell both municipalities and the representatives."""
    organization = Organization.objects.select_for_update().get(pk=move.organization_id)
    move = _decide_move(move, actor=actor, status=OrganizationMove.Status.APPROVED)
    target = move.to_municipality
    number = organization.registration_number
    if (
        number
        and Organization.objects.holding_number(
            number, countries=[target.country], excluding=organization.pk
        ).exists()
    ):
        raise MoveRefused(number)
    before = organization_snapshot(organization)
    served = [pk for pk in before["municipalities_served"] if pk != target.pk]
    _apply(organization, {"home_municipality_id": target.pk, "municipalities_served": served})
    _record(
        organization,
        actor,
        before,
        organization_snapshot(organization),
        kind=OrganizationChange.Kind.MODERATED,
    )
    bump_version(organization)
    organization_reindex(organization=organization)
    if organization.is_public:
        directory_counts_changed()
    _tell_of_move_decision(move, base_url=base_url, approved=True)
    return move


@transaction.atomic
def move_reject(*, move, actor, reason: str, base_url: str) -> OrganizationMove:
    """The entry stays where it is; both municipalities and the representatives are told why."""
    move = _decide_move(move, actor=actor, status=OrganizationMove.Status.REJECTED, reason=reason)
    _tell_of_move_decision(move, base_url=base_url, approved=False, reason=reason)
    return move


@transaction.atomic
def organization_admin_record(
    *, organization, actor, before: dict | None, status_before: str | None, base_url: str
):
    """Record an edit made in the admin in the entry's history, as the portal records
    its own, and bump the version so that an editor with the page open gets the
    conflict. `before` is the snapshot read before the edit (and `status_before` its
    status), None for a new entry. A new home municipality is a move made by an
    administrator: both municipalities are told. A new status (archived, or published
    again) is recorded as a decision."""
    after = organization_snapshot(organization)
    kind = OrganizationChange.Kind.EDITED if before is not None else OrganizationChange.Kind.CREATED
    change = _record(organization, actor, before or {}, after, kind=kind)
    if status_before is not None and status_before != organization.status:
        status = {"status": {"old": status_before, "new": organization.status}}
        change = OrganizationChange.objects.create(
            organization=organization,
            actor=actor,
            kind=OrganizationChange.Kind.MODERATED,
            fields=status,
        )
    if _counted_differently(organization, before=before, status_before=status_before):
        directory_counts_changed()
    if change and before is not None:
        bump_version(organization)
        old_home = before["home_municipality_id"]
        if old_home != organization.home_municipality_id:
            _moves_withdraw(organization, actor=actor)
            _tell_of_move(
                organization, from_id=old_home, actor=actor, base_url=base_url, tell_new=True
            )
    organization_reindex(organization=organization)
    return change


def _counted_differently(organization, *, before, status_before) -> bool:
    """Whether an administrator's save changes the published counts per municipality."""
    published = Organization.Status.PUBLISHED
    if before is None:
        return organization.status == published
    if published not in (status_before, organization.status):
        return False
    return (
        status_before != organization.status
        or before["home_municipality_id"] != organization.home_municipality_id
    )


def _resubmit(organization, *, base_url):
    """A rejected entry, once corrected, goes back to the municipality's queue."""
    Organization.objects.filter(pk=organization.pk).update(
        status=Organization.Status.PENDING, rejection_reason=""
    )
    organization.status = Organization.Status.PENDING
    _tell_moderators(organization, base_url=base_url)


# A revert never moves an entry: a move is decided by the new municipality.
NOT_REVERTED = {"home_municipality_id"}


def revert_values(change) -> dict:
    """What reverting a change writes back: the values it replaced."""
    return {
        field: values["old"]
        for field, values in change.fields.items()
        if field in SNAPSHOT_KEYS and field not in NOT_REVERTED
    }


def later_changes_of_the_same_fields(change) -> list[tuple[OrganizationChange, list[str]]]:
    """Changes made after this one that changed some of its fields again, with those
    fields: reverting puts the older value back over theirs."""
    fields = set(revert_values(change))
    later = change.organization.changes.filter(pk__gt=change.pk).select_related("actor")
    found = []
    for other in sorted(later, key=lambda c: c.pk):
        overlap = [field for field in other.fields if field in fields]
        if overlap:
            found.append((other, overlap))
    return found


class RevertRefused(Exception):
    """The values a revert would put back are not valid now; nothing was written."""

    def __init__(self, problems):
        super().__init__("The change cannot be reverted.")
        self.problems = problems


def revert_problems(change, organization=None) -> list[tuple[str | None, str]]:
    """Why the values a revert would write are refused now, as (field, message): the
    history keeps values from before today's limits, numbers another entry has taken
    since, and taxonomy entries since deleted. Empty when the revert may go ahead."""
    organization = organization or change.organization
    values = revert_values(change)
    problems = []
    simple = {field: values[field] for field in SIMPLE_FIELDS if field in values}
    if simple:
        candidate = copy(organization)
        for field, value in simple.items():
            setattr(candidate, field, value)
        # Only what the revert writes is checked (and country, for the number's uniqueness).
        written = {Organization._meta.get_field(field).name for field in simple} | {"country"}
        exclude = [f.name for f in Organization._meta.concrete_fields if f.name not in written]
        try:
            # The text CHECKs validate nothing here (the field validators say it, with the
            # field's name); the number's uniqueness is said in words below.
            candidate.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            problems += [
                (None if field == NON_FIELD_ERRORS else field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        number = simple.get("registration_number")
        if (
            number
            and Organization.objects.holding_number(
                number, countries=[organization.country], excluding=organization.pk
            ).exists()
        ):
            problems.append(
                (
                    "registration_number",
                    _("Another entry in this country now has the registration number %(number)s.")
                    % {"number": number},
                )
            )
    for field in RELATION_FIELDS:
        if field in values:
            related = Organization._meta.get_field(field).related_model
            ids = set(values[field])
            if ids - set(related.objects.filter(pk__in=ids).values_list("pk", flat=True)):
                problems.append((field, _("Some of the values it would put back were deleted.")))
    services = values.get("services", [])
    if len(services) > Organization.SERVICES_MAX:
        problems.append(
            (
                "services",
                ngettext(
                    "Enter at most %(num)d programme or service",
                    "Enter at most %(num)d programmes and services",
                    Organization.SERVICES_MAX,
                )
                % {"num": Organization.SERVICES_MAX},
            )
        )
    for position, (name, description) in enumerate(services):
        service = Service(
            organization=organization, name=name, description=description, position=position
        )
        try:
            service.clean_fields(exclude=["organization"])
        except ValidationError as error:
            for messages in error.message_dict.values():
                problems += [
                    ("services", _("%(service)s: %(problem)s") % {"service": name, "problem": m})
                    for m in messages
                ]
    return problems


@transaction.atomic
def organization_change_revert(*, change, actor, version: int):
    """Put back the values a change replaced; the revert is itself recorded. Refused
    (roadmap_portal.lib.locking.Conflict) if the entry changed since the one reverting saw
    what it would undo; refused (RevertRefused), writing nothing, if those values are not
    valid now."""
    locked = lock_at_version(Organization.objects, pk=change.organization_id, version=version)
    problems = revert_problems(change, locked)
    if problems:
        raise RevertRefused(problems)
    before = organization_snapshot(locked)
    try:
        # A savepoint: another entry may take a number, or a taxonomy entry be deleted,
        # between the checks and the write.
        with transaction.atomic():
            _apply(locked, revert_values(change))
    except IntegrityError:
        raise RevertRefused(
            [(None, _("Another change made at the same time conflicts with these values."))]
        ) from None
    revert = _record(
        locked,
        actor,
        before,
        organization_snapshot(locked),
        kind=OrganizationChange.Kind.REVERTED,
        reverts=change,
    )
    bump_version(locked)
    organization_reindex(organization=locked)
    return revert


def _decide(organization, *, actor, status, reason=""):
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.status != Organization.Status.PENDING:
        raise AlreadyDecided
    if actor.pk in entry_concerned_ids(locked):
        raise PermissionDenied("Nobody decides on an entry they registered or represent.")
    now = timezone.now()
    locked.status = status
    locked.rejection_reason = reason
    update_fields = ["status", "rejection_reason", "updated_at"]
    if status == Organization.Status.PUBLISHED:
        locked.published_at = locked.published_at or now
        locked.last_confirmed_at = now
        update_fields += ["published_at", "last_confirmed_at"]
    locked.save(update_fields=update_fields)
    OrganizationChange.objects.create(
        organization=locked,
        actor=actor,
        kind=OrganizationChange.Kind.MODERATED,
        fields={"status": {"old": Organization.Status.PENDING, "new": status, "reason": reason}},
    )
    organization_reindex(organization=locked)
    return locked


@transaction.atomic
def organization_approve(*, organization, actor, base_url: str):
    """Publish a pending entry and tell its representatives."""
    organization = _decide(organization, actor=actor, status=Organization.Status.PUBLISHED)
    directory_counts_changed()
    url = base_url + organization.get_absolute_url()
    for user in representatives_of(organization):
        email_user(user, "entry_approved", {"organization": organization.name, "url": url})
    return organization


@transaction.atomic
def organization_reject(*, organization, actor, reason: str):
    """Reject a pending entry with a reason its representatives are told."""
    organization = _decide(
        organization, actor=actor, status=Organization.Status.REJECTED, reason=reason
    )
    for user in representatives_of(organization):
        email_user(user, "entry_rejected", {"organization": organization.name, "reason": reason})
    return organization


def representatives_of(organization):
    return get_user_model().objects.filter(
        is_active=True, organization_memberships__organization=organization
    )


def organization_contact_send(
    *, organization, sender_name: str, sender_email: str, message: str, language: str
) -> None:
    """A message from anyone, through the entry's contact form: e-mailed to its contact
    address or, when it has none, to each of its representatives, with Reply-To the
    sender. The sender never learns the address unless the organization answers.

    In the representatives' language (the one most of them chose) when known, else in
    `language`, the one the sender wrote in."""
    reply_to = [str(Address(display_name=sender_name, addr_spec=sender_email))]
    context = {
        "organization": organization.name,
        "name": sender_name,
        "email": sender_email,
        "message": message,
    }
    representatives = list(representatives_of(organization).order_by("pk"))
    if not organization.email:
        for user in representatives:
            email_user(user, "contact_message", context, reply_to=reply_to)
        return
    chosen = Counter(user.language for user in representatives if user.language)
    if chosen:
        language = chosen.most_common(1)[0][0]
    email_address(
        organization.email, "contact_message", context, language=language, reply_to=reply_to
    )


class TooManyClaims(Exception):
    """The person sent as many claims as one may in a day."""


CLAIMS_PER_DAY = 5


@transaction.atomic
def claim_create(*, organization, user, message: str, base_url: str):
    """Ask to become a representative of a listed entry: (claim, created).

    One pending claim per person and entry: sending it again creates nothing and sends no
    e-mail. At most CLAIMS_PER_DAY new claims per person (TooManyClaims). The deciders
    (orgs.access.claim_deciders) and the entry's current representatives are told."""
    pending = OrganizationClaim.objects.filter(
        organization=organization, user=user, status=OrganizationClaim.Status.PENDING
    )
    if existing := pending.first():
        return existing, False
    # Counted only here, when a claim is about to be created (not for form mistakes or
    # repeats); the counter lives in the shared cache, so it holds across app processes.
    if rate_limited(f"claims:{user.pk}", limit=CLAIMS_PER_DAY, window_seconds=24 * 3600):
        raise TooManyClaims
    try:
        with transaction.atomic():
            claim = OrganizationClaim.objects.create(
                organization=organization, user=user, message=message
            )
    except IntegrityError:  # the same claim sent twice at once: the other one stands
        return pending.get(), False
    url = base_url + reverse("orgs:moderation")
    for moderator in claim_deciders(claim):
        email_user(moderator, "claim_waiting", {"organization": organization.name, "url": url})
    notice = {
        "organization": organization.name,
        "person": user.get_full_name(),
        "email": user.email,
        "message": message,
        "municipality": organization.home_municipality.name,
    }
    for representative in representatives_of(organization):
        email_user(representative, "claim_notice", notice)
    return claim, True


def _decide_claim(claim, *, actor, status, reason=""):
    locked = _decide_request(
        claim, actor=actor, status=status, reason=reason, concerned_ids=claim_concerned_ids
    )
    # Told before the claimant joins them (claim_approve): those who represented it so far.
    representatives = list(representatives_of(locked.organization))
    notice = {
        "organization": locked.organization.name,
        "person": locked.user.get_full_name(),
        "email": locked.user.email,
        "approved": status == OrganizationClaim.Status.APPROVED,
    }
    for representative in representatives:
        email_user(representative, "claim_decided", notice)
    return locked


@transaction.atomic
def claim_approve(*, claim, actor, base_url: str):
    """The claimant becomes a representative of the entry."""
    claim = _decide_claim(claim, actor=actor, status=OrganizationClaim.Status.APPROVED)
    OrganizationMembership.objects.get_or_create(user=claim.user, organization=claim.organization)
    public_pages_changed(entry=claim.organization.slug)  # it can now be written to
    url = base_url + claim.organization.get_absolute_url()
    email_user(claim.user, "claim_approved", {"organization": claim.organization.name, "url": url})
    return claim


@transaction.atomic
def claim_reject(*, claim, actor, reason: str):
    claim = _decide_claim(
        claim, actor=actor, status=OrganizationClaim.Status.REJECTED, reason=reason
    )
    email_user(
        claim.user, "claim_rejected", {"organization": claim.organization.name, "reason": reason}
    )
    return claim


# The purpose's name is the salt of the links sent before SignedLink: they keep working.
INVITATION = SignedLink(
    "orgs.invitation", max_age=timedelta(days=14), fields=("organization", "email")
)


def representative_invite(
    *, organization, inviter, email: str, language: str, base_url: str
) -> None:
    """E-mail a link that makes whoever signs in with that address a representative: in
    its account's language, or `language` (the inviter's page) when it has none."""
    token = INVITATION.make({"organization": organization.pk, "email": email.lower()})
    language = language_for_address(email, default=language)
    with translation.override(language):
        url = base_url + reverse("orgs:invitation", kwargs={"token": token})
    email_address(
        email,
        "invitation",
        {"organization": organization.name, "inviter": inviter.get_full_name(), "url": url},
        language=language,
    )


def invitation_read(*, token: str):
    """(organization, invited e-mail) of an invitation link; raises LinkInvalid."""
    data = INVITATION.read(token)
    try:
        return Organization.objects.get(pk=data["organization"]), data["email"]
    except Organization.DoesNotExist as error:
        raise LinkInvalid(LinkInvalid.STALE) from error


@transaction.atomic
def invitation_accept(*, token: str, user):
    organization, email = invitation_read(token=token)
    if user.email.lower() != email:
        raise PermissionError("The invitation is for another e-mail address.")
    OrganizationMembership.objects.get_or_create(user=user, organization=organization)
    public_pages_changed(entry=organization.slug)  # it can now be written to
    return organization


STILL_CORRECT = SignedLink(
    "orgs.still-correct", max_age=timedelta(days=60), fields=("organization",)
)
CONFIRMATION_REMINDER_INTERVAL = timedelta(days=30)


def still_correct_token(organization) -> str:
    return STILL_CORRECT.make({"organization": organization.pk})


def organization_for_still_correct(*, token: str):
    """The published entry of a "still correct" link; raises LinkInvalid."""
    data = STILL_CORRECT.read(token)
    try:
        return Organization.objects.published().get(pk=data["organization"])
    except Organization.DoesNotExist as error:
        raise LinkInvalid(LinkInvalid.STALE) from error


def organization_confirm_still_correct(*, organization) -> None:
    """Someone responsible says the entry is still right: it is fresh for another year."""
    Organization.objects.filter(pk=organization.pk).update(last_confirmed_at=timezone.now())
    public_pages_changed(entry=organization.slug)  # no longer marked as possibly out of date


def stale_organizations(now=None):
    """Published entries nobody confirmed for Organization.FRESHNESS_DAYS."""
    now = now or timezone.now()
    limit = now - timedelta(days=Organization.FRESHNESS_DAYS)
    return Organization.objects.published().filter(
        Q(last_confirmed_at__lt=limit) | Q(last_confirmed_at__isnull=True, published_at__lt=limit)
    )


def confirmation_requests_send(*, base_url: str, now=None) -> int:
    """Ask the representatives of stale entries to confirm them (at most monthly each)."""
    now = now or timezone.now()
    due = stale_organizations(now).filter(
        Q(confirmation_requested_at__isnull=True)
        | Q(confirmation_requested_at__lt=now - CONFIRMATION_REMINDER_INTERVAL)
    )
    sent = 0
    for organization in due.iterator():
        url = base_url + reverse(
            "orgs:still_correct", kwargs={"token": still_correct_token(organization)}
        )
        with transaction.atomic():
            for user in representatives_of(organization):
                email_user(user, "still_correct", {"organization": organization.name, "url": url})
                sent += 1
            Organization.objects.filter(pk=organization.pk).update(confirmation_requested_at=now)
    return sent


# --- A municipality's staff accounts, managed by its coordinators ------------------------


class StaffChangeRefused(Exception):
    """A change of a municipality's staff that the rules refuse; `message` says why, in
    the reader's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StaffInvitationForAnotherAddress(Exception):
    """The staff invitation is for another e-mail address than the user's."""


STAFF_INVITATION = SignedLink(
    "orgs.staff-invitation", max_age=timedelta(days=14), fields=("invitation",)
)


def _staff_invitation_pk(token: str) -> int:
    pk = STAFF_INVITATION.read(token)["invitation"]
    if not isinstance(pk, int):
        raise LinkInvalid(LinkInvalid.STALE)
    return pk


def _lock_memberships(municipality_id) -> dict:
    """Lock every membership of the municipality until the transaction ends, and return
    them by pk: two coordinators acting at once then count the coordinators one after the
    other, and cannot both remove one of the last two."""
    return {
        membership.pk: membership
        for membership in MunicipalityMembership.objects.select_for_update()
        .filter(municipality_id=municipality_id)
        .select_related("user")
        .order_by("pk")
    }


def _record_staff_change(*, municipality_id, kind, actor, person, email, role="", previous=""):
    return StaffChange.objects.create(
        municipality_id=municipality_id,
        kind=kind,
        actor=actor,
        person=person,
        email=email,
        role=role,
        previous_role=previous,
    )


def _tell_member(user, template, *, municipality, actor, **context):
    email_user(
        user,
        template,
        {"municipality": municipality.name, "actor": actor.get_full_name(), **context},
    )


def _role_label(role: str, language: str) -> str:
    with translation.override(language):
        return str(MunicipalityMembership.Role(role).label)


def _open_invitations():
    """Invitations not yet accepted, replaced by a newer one, or followed by another change
    of that address's membership (a removal, say): those whose link still works."""
    later = StaffChange.objects.filter(
        municipality_id=OuterRef("municipality_id"), email=OuterRef("email"), pk__gt=OuterRef("pk")
    )
    return StaffChange.objects.filter(kind=StaffChange.Kind.INVITED).exclude(Exists(later))


def open_staff_invitations(municipality):
    """The municipality's invitations whose link still works, newest first."""
    since = timezone.now() - STAFF_INVITATION.max_age
    return (
        _open_invitations()
        .filter(municipality=municipality, created_at__gte=since)
        .select_related("actor")
    )


@transaction.atomic
def staff_invite(
    *, municipality, inviter, email: str, role: str, language: str, base_url: str
) -> StaffChange:
    """Invite an address to work for the municipality in `role`, by e-mail: in its
    account's language, or `language` (the inviter's page) when it has none. Inviting the
    same address again replaces the earlier invitation (its link stops working)."""
    User = get_user_model()
    email = User.objects.normalize_email(email)
    members = _lock_memberships(municipality.pk)
    if any(member.user.email.lower() == email for member in members.values()):
        raise StaffChangeRefused(
            _("%(email)s already works for %(municipality)s. Change their role instead.")
            % {"email": email, "municipality": municipality.name}
        )
    invitation = _record_staff_change(
        municipality_id=municipality.pk,
        kind=StaffChange.Kind.INVITED,
        actor=inviter,
        person=User.objects.filter(email__iexact=email).first(),
        email=email,
        role=role,
    )
    language = language_for_address(email, default=language)
    with translation.override(language):
        path = reverse(
            "orgs:staff_invitation",
            kwargs={"token": STAFF_INVITATION.make({"invitation": invitation.pk})},
        )
    email_address(
        email,
        "staff_invitation",
        {
            "municipality": municipality.name,
            "inviter": inviter.get_full_name(),
            "role": _role_label(role, language),
            "url": base_url + path,
        },
        language=language,
    )
    return invitation


def staff_invitation_read(*, token: str) -> StaffChange:
    """The invitation of a link while it can still be accepted; raises LinkInvalid (USED
    once accepted, replaced by a newer invitation or followed by another change of that
    address's membership)."""
    pk = _staff_invitation_pk(token)
    invitation = _open_invitations().filter(pk=pk).select_related("municipality", "actor").first()
    if invitation is None:
        raise LinkInvalid(LinkInvalid.USED)
    if not _may_still_invite(invitation):
        raise LinkInvalid(LinkInvalid.STALE)
    return invitation


def _may_still_invite(invitation) -> bool:
    """An invitation holds only while its inviter may still invite: a coordinator who was
    removed or demoted (or whose account was closed) cannot come back through a link they
    sent before, to a second address of their own, say."""
    inviter = invitation.actor
    if inviter is None or not inviter.is_active:
        return False
    return (
        inviter.is_superuser
        or coordinated_municipalities(inviter).filter(pk=invitation.municipality_id).exists()
    )


@transaction.atomic
def staff_invitation_withdraw(*, invitation, actor) -> StaffChange:
    """Withdraw an open invitation: its link stops working (a later change of the address
    ends an invitation), and the record says who withdrew it."""
    list(StaffChange.objects.select_for_update().filter(pk=invitation.pk))
    if not _open_invitations().filter(pk=invitation.pk).exists():
        raise StaffChangeRefused(
            _("The invitation to %(email)s was already used or replaced.")
            % {"email": invitation.email}
        )
    return _record_staff_change(
        municipality_id=invitation.municipality_id,
        kind=StaffChange.Kind.WITHDRAWN,
        actor=actor,
        person=invitation.person,
        email=invitation.email,
        role=invitation.role,
    )


@transaction.atomic
def staff_invitation_accept(*, token: str, user) -> MunicipalityMembership:
    """Make the signed-in user a member with the invitation's role, once: accepting uses
    the invitation up (as does any later change of that address's membership)."""
    # The invitation's row lock makes two presses of the button at once accept it once.
    list(StaffChange.objects.select_for_update().filter(pk=_staff_invitation_pk(token)))
    invitation = staff_invitation_read(token=token)
    if user.email.lower() != invitation.email:
        raise StaffInvitationForAnotherAddress
    municipality = invitation.municipality
    members = _lock_memberships(municipality.pk)
    if any(member.user_id == user.pk for member in members.values()):
        raise StaffChangeRefused(
            _("You already work for %(municipality)s.") % {"municipality": municipality.name}
        )
    membership = MunicipalityMembership.objects.create(
        user=user, municipality=municipality, role=invitation.role
    )
    _record_staff_change(
        municipality_id=municipality.pk,
        kind=StaffChange.Kind.JOINED,
        actor=user,
        person=user,
        email=invitation.email,
        role=invitation.role,
    )
    return membership


def _coordinators(members: dict) -> list:
    """The coordinators who can act: a closed account works nowhere (staffed_by), so it
    does not keep the municipality's staff managed."""
    return [
        m
        for m in members.values()
        if m.role == MunicipalityMembership.Role.COORDINATOR and m.user.is_active
    ]


def _is_last_coordinator(membership, members: dict) -> bool:
    return _coordinators(members) == [membership]


def _locked(membership, members: dict):
    locked = members.get(membership.pk)
    if locked is None:
        raise StaffChangeRefused(
            _("%(name)s no longer works for the municipality.")
            % {"name": membership.user.get_full_name()}
        )
    return locked


def _last_coordinator_refusal(membership):
    return StaffChangeRefused(
        _(
            "%(name)s is the only coordinator of %(municipality)s. Make someone else"
            " coordinator first."
        )
        % {
            "name": membership.user.get_full_name(),
            "municipality": membership.municipality.name,
        }
    )


@transaction.atomic
def staff_role_change(*, membership, role: str, actor) -> MunicipalityMembership:
    """Give a member another role, and tell them. Nobody changes their own role, and the
    last coordinator stays one."""
    members = _lock_memberships(membership.municipality_id)
    locked = _locked(membership, members)
    if locked.user_id == actor.pk:
        raise StaffChangeRefused(_("You cannot change your own role."))
    if locked.role == role:
        return locked
    if _is_last_coordinator(locked, members):
        raise _last_coordinator_refusal(membership)
    previous = locked.role
    locked.role = role
    locked.save(update_fields=["role"])
    _record_staff_change(
        municipality_id=locked.municipality_id,
        kind=StaffChange.Kind.ROLE_CHANGED,
        actor=actor,
        person=locked.user,
        email=locked.user.email,
        role=role,
        previous=previous,
    )
    _tell_member(
        locked.user,
        "staff_role_changed",
        municipality=membership.municipality,
        actor=actor,
        role=_role_label(role, locked.user.language),
    )
    return locked


@transaction.atomic
def staff_remove(*, membership, actor) -> None:
    """Remove a member from the municipality's staff, and tell them. A coordinator may
    remove themselves while another coordinator remains; the last one stays."""
    members = _lock_memberships(membership.municipality_id)
    locked = _locked(membership, members)
    if _is_last_coordinator(locked, members):
        raise _last_coordinator_refusal(membership)
    locked.delete()
    _record_staff_change(
        municipality_id=membership.municipality_id,
        kind=StaffChange.Kind.REMOVED,
        actor=actor,
        person=locked.user,
        email=locked.user.email,
        previous=locked.role,
    )
    _tell_member(locked.user, "staff_removed", municipality=membership.municipality, actor=actor)
