"""The vocabulary of the permission matrix (tests/test_permission_matrix.py): the roles, how
an expected answer is written, the URL patterns as the resolver has them, and the cast of
users and objects each case is about.

Roles are relative to the case's object: "staff" and "coordinator" work for the home
municipality of the entry (or the roadmap's owner), "other_staff" for another municipality;
"representative" represents the entry of the case (the pending entry in the pending cases,
the published one otherwise), "other_representative" another entry of the same municipality.

A new case: a constant below, its object in build_cast's `objects` (a dict by role if the
object depends on who asks, its case in `per_role`), and the case in PENDING_CASES if its
representative is the pending entry's.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import now

from accounts.services import email_confirmation_send
from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.services import partnership_sign, publication_consent_give
from checklists.models import Roadmap
from checklists.services import roadmap_share, roadmap_start, template_publish
from evaluation.services import measurement_enter
from exchange.models import ImportRecord
from orgs.models import (
    MunicipalityMembership,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMove,
    StaffChange,
)
from orgs.services import representative_invite, staff_invite, still_correct_token
from orgs.sides import Side

from .factories import (
    ActionItemFactory,
    CommunicationItemFactory,
    EvaluationStageFactory,
    EvidenceFactory,
    EvidenceFileFactory,
    KpiFactory,
    MemberFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PartnershipFactory,
    UserFactory,
)

LANGUAGE = "en"

ROLES = (
    "anonymous",
    "no_role",
    "representative",
    "other_representative",
    "other_staff",
    "staff",
    "coordinator",
    "administrator",
)

# A 302 to the portal's sign-in page with ?next= the page asked for.
LOGIN = "login"

# The case of a URL about no object in particular.
NO_OBJECT = "no object"


@dataclass(frozen=True)
class Xfail:
    """The answer the portal should give, which it does not give yet."""

    expected: int | str
    reason: str


def xfail(expected, reason):
    return Xfail(expected, reason)


def everybody(expected, **by_role):
    """A row: `expected` for every role but those named."""
    unknown = by_role.keys() - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; the roles are {ROLES}")
    return {role: by_role.get(role, expected) for role in ROLES}


def signed_in(expected, **by_role):
    """A row for a page behind the sign-in: anonymous visitors are sent to sign in."""
    return everybody(expected, **({"anonymous": LOGIN} | by_role))


@dataclass(frozen=True)
class Url:
    """One URL name's rows: per method, per object case, the answer of each role. A URL
    without objects takes its row directly (GET=everybody(200)).

    kwargs turns the case's object into the URL's arguments; data is the POST body, or a
    function of the case's object that returns it (a version read from the object); path
    is for what is served outside the URL patterns (static files)."""

    GET: dict
    POST: dict = field(default_factory=dict)
    kwargs: Callable[[Any], dict] | None = None
    data: dict | Callable[[Any], dict] = field(default_factory=dict)
    path: str | None = None

    def __post_init__(self):
        for method in ("GET", "POST"):
            rows = getattr(self, method)
            if rows and set(rows) == set(ROLES):
                object.__setattr__(self, method, {NO_OBJECT: rows})

    def rows(self):
        """(method, case, row) for each row."""
        for method in ("GET", "POST"):
            for case, row in getattr(self, method).items():
                yield method, case, row

    def body(self, obj):
        return self.data(obj) if callable(self.data) else self.data


def login_url(path, *, name="accounts:login"):
    """Where a page sends a visitor who must sign in first."""
    with translation.override(LANGUAGE):
        return f"{reverse(name)}?{urlencode({'next': path}, safe='/')}"


def admin_login_url(path):
    return login_url(path, name="admin:login")


# --- The URL configuration --------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None  # namespaced: "orgs:edit"
    route: str  # as written, prefixes joined: "en/organizations/<slug:slug>/edit/"
    kwarg_names: tuple[str, ...]

    @property
    def is_admin(self):
        return self.route.startswith(f"{LANGUAGE}/admin/")

    @property
    def label(self):
        return self.name or self.route


def _kwarg_names(pattern):
    return tuple(pattern.pattern.regex.groupindex)


def _walk(patterns, prefix, namespace, kwarg_names):
    for pattern in patterns:
        names = kwarg_names + _kwarg_names(pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, names)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Pattern(name=name, route=prefix + str(pattern.pattern), kwarg_names=names)


def url_patterns():
    """Every URL pattern of the project, the language-prefixed ones included."""
    with translation.override(LANGUAGE):
        return list(_walk(get_resolver().url_patterns, "", None, ()))


def path_of(pattern, kwargs):
    """The path of a pattern; unnamed patterns are filled in from their route."""
    with translation.override(LANGUAGE):
        if pattern.name:
            return reverse(pattern.name, kwargs=kwargs)
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), pattern.route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), route)
        return "/" + route.replace("^", "").replace("$", "")


def admin_sample_kwargs(pattern):
    """Arguments for an admin URL: a sample object of its model where a pk is needed."""
    model = _admin_model(pattern.route)
    values = {}
    for name in pattern.kwarg_names:
        if name == "object_id":
            values[name] = str(_sample_pk(model or Organization))
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(Organization).pk
        elif name == "app_label":
            values[name] = "orgs"
        elif name == "id":  # the user admin's password page
            values[name] = _sample_pk(apps.get_model("accounts", "User"))
        elif name == "url":  # the admin's catch-all
            values[name] = "no-such-page/"
        else:
            raise LookupError(
                f"admin URL {pattern.route}: no sample value for <{name}> in tests/matrix.py"
            )
    return values


def _admin_model(route):
    match = re.match(rf"{LANGUAGE}/admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def _sample_pk(model):
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
    return pk if pk is not None else 1


# --- The cast ---------------------------------------------------------------------------

# Object cases. A case's object turns into the URL's arguments (Url.kwargs).
PUBLISHED = "published entry"
PENDING = "pending entry"
MUNICIPALITY = "municipality"
EDIT_OF_PUBLISHED = "edit of a published entry"
EDIT_OF_PENDING = "edit of a pending entry"
MY_IMPORT = "import of mine"
COLLEAGUES_IMPORT = "import of another staff member"
CLAIM = "claim by someone else"
STAFFS_OWN_CLAIM = "claim by the staff member"
MOVE_HERE = "move of another municipality's entry to this one"
MOVE_AWAY = "move of this municipality's entry to another"
MOVED_HERE = "entry that moved here from another municipality"
MUNICIPAL_ROADMAP = "municipal roadmap"
UNSHARED_ROADMAP = "unshared roadmap"
SHARED_ROADMAP = "roadmap shared with the municipality"
COMPLETED_ROADMAP = "completed roadmap"
PENDING_ENTRYS_ROADMAP = "roadmap of an entry now pending"
COMMUNITY_FORM = "community form"
UNKNOWN_FORM = "unknown form"
VALID_INVITATION = "valid invitation"
VALID_STAFF_INVITATION = "valid staff invitation"
STAFF_MEMBERSHIP = "membership of a staff member"
OPEN_STAFF_INVITATION = "open staff invitation"
VALID_STILL_CORRECT = "valid still-correct link"
VALID_CONFIRMATION = "valid confirmation link"
VALID_RESET = "valid reset link"
INVALID_RESET = "invalid reset link"
INVALID_TOKEN = "invalid token"
# Talsi's partnership, the published entry a signatory partner (the neighbour is none).
PARTNERSHIP = "partnership"
# Another of Talsi's partnerships with the same signatory, signed by both sides (revision 1).
SIGNED_PARTNERSHIP = "signed partnership"
# A third, signed, that both sides agreed to make public.
PUBLIC_PARTNERSHIP = "public partnership"
# The partnership's evaluation: a stage, a KPI, a measurement entered by staff for the
# municipality (waiting for the partner's approval), evidence with a file.
EVALUATION = "evaluation (measurement entered for the municipality)"
# The same KPI's measurement entered by the representative for their organization.
PARTNERS_MEASUREMENT = "measurement entered for the partner"

# Cases whose "representative" is the pending entry's; every other case's is the
# published entry's.
PENDING_CASES = {PENDING, EDIT_OF_PENDING, PENDING_ENTRYS_ROADMAP}

BAD_TOKEN = "not-a-valid-token"


@dataclass
class Cast:
    users: dict  # role -> user (None for anonymous)
    pending_representative: Any
    objects: dict  # case -> object, or role -> object for cases that depend on who asks
    per_role: set
    sessions: dict = field(default_factory=dict)  # user pk -> a signed-in session's key

    def user(self, role, case):
        if role == "representative" and case in PENDING_CASES:
            return self.pending_representative
        return self.users[role]

    def sign_in(self, client, user):
        """Sign in with the user's session made once for the module (force_login would
        write a new one for each of the matrix's thousand requests)."""
        if user is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]

    def object(self, case, role):
        found = self.objects[case]
        return found[role] if case in self.per_role else found


def _last_link(path_start):
    body = mail.outbox[-1].body
    return re.search(rf"{re.escape(path_start)}([^/\s]+)/", body)[1]


def _upload_import(user):
    """An import checked and waiting for its uploader's confirmation, made through the
    upload page as staff make it."""
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/{LANGUAGE}/moderation/import/",
        {"file": SimpleUploadedFile("dati.csv", b"Name,Home municipality\nBiedriba A,Talsi\n")},
    )
    assert response.status_code == 302, response.context["form"].errors
    return ImportRecord.objects.filter(created_by=user).latest("pk")


def build_cast():
    talsi = MunicipalityFactory(name="Talsi", slug="talsi")
    ventspils = MunicipalityFactory(name="Ventspils", slug="ventspils")
    published = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=talsi)
    pending = OrganizationFactory(
        name="Biedrība „Gaida”", home_municipality=talsi, status=Organization.Status.PENDING
    )
    neighbour = OrganizationFactory(name="Biedrība „Kaimiņi”", home_municipality=talsi)
    users = {
        "anonymous": None,
        "no_role": UserFactory(),
        "representative": OrganizationMembershipFactory(organization=published).user,
        "other_representative": OrganizationMembershipFactory(organization=neighbour).user,
        "other_staff": MunicipalityMembershipFactory(municipality=ventspils).user,
        "staff": MunicipalityMembershipFactory(municipality=talsi).user,
        "coordinator": MunicipalityMembershipFactory(
            municipality=talsi, role=MunicipalityMembership.Role.COORDINATOR
        ).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
    }
    pending_representative = OrganizationMembershipFactory(organization=pending).user
    colleague = MunicipalityMembershipFactory(municipality=talsi).user

    def edit_of(organization):
        return OrganizationChange.objects.create(
            organization=organization,
            kind=OrganizationChange.Kind.EDITED,
            actor=users["representative"],
            fields={"description": {"old": "", "new": "Atbalsts ģimenēm"}},
        )

    # Everyone has an import of their own: staff who have since left (no role now) too.
    my_imports = {}
    for role, user in users.items():
        if user is None:
            continue
        membership = None
        if not (user.is_superuser or user.municipality_memberships.exists()):
            membership = MunicipalityMembershipFactory(user=user, municipality=talsi)
        my_imports[role] = _upload_import(user)
        if membership:
            membership.delete()
    colleagues_import = _upload_import(colleague)
    my_imports["anonymous"] = colleagues_import

    template_publish()
    representative = users["representative"]

    def community_roadmap(title):
        return roadmap_start(
            form=Side.COMMUNITY, owner=published, title=title, actor=representative
        )

    shared = community_roadmap("Atelpas brīži")
    roadmap_share(roadmap=shared, municipality=talsi, actor=representative)
    completed = community_roadmap("Pabeigts")
    Roadmap.objects.filter(pk=completed.pk).update(
        status=Roadmap.Status.COMPLETED, completed_at=timezone.now()
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        representative_invite(
            organization=published,
            inviter=representative,
            email="invited.colleague@example.org",
            language=LANGUAGE,
            base_url="http://testserver",
        )
    invitation = _last_link("/organizations/invitations/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        staff_invite(
            municipality=talsi,
            inviter=users["coordinator"],
            email="invited.staff@example.org",
            role=MunicipalityMembership.Role.STAFF,
            language=LANGUAGE,
            base_url="http://testserver",
        )
    staff_invitation = _last_link("/staff-invitations/")
    unconfirmed = UserFactory(is_active=False, awaiting_confirmation=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        email_confirmation_send(user=unconfirmed, base_url="http://testserver")
    confirmation = _last_link("/accounts/confirm-email/")
    # Sample objects for the admin's pages of groups and of django-axes' records.
    Group.objects.create(name="Moderatori")
    seen = {"ip_address": "192.0.2.7", "username": users["staff"].email, "attempt_time": now()}
    attempt = AccessAttempt.objects.create(**seen, failures_since_start=1)
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=now())
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)

    forgetful = UserFactory()
    forgetful_uid = urlsafe_base64_encode(force_bytes(forgetful.pk))

    # Ventspils asks to move an entry of its own to Talsi; Talsi's published entry asks to
    # go to Ventspils; an entry that came to Talsi from Ventspils keeps its history there.
    incoming = OrganizationFactory(name="Biedrība „Jūra”", home_municipality=ventspils)
    moved_here = OrganizationFactory(name="Biedrība „Ceļš”", home_municipality=talsi)
    OrganizationChange.objects.create(
        organization=moved_here,
        kind=OrganizationChange.Kind.MODERATED,
        fields={"home_municipality_id": {"old": ventspils.pk, "new": talsi.pk}},
    )

    def move(organization, *, to):
        return OrganizationMove.objects.create(
            organization=organization,
            from_municipality=organization.home_municipality,
            to_municipality=to,
            requested_by=OrganizationMembershipFactory(organization=organization).user,
        )

    partnership = PartnershipFactory(
        municipality=talsi, title="Atelpas brīži kopā", created_by=users["staff"]
    )
    MemberFactory(partnership=partnership, organization=published)
    ActionItemFactory(partnership=partnership, responsible_user=users["representative"])
    CommunicationItemFactory(partnership=partnership)
    signed = PartnershipFactory(municipality=talsi, title="Parakstīts", created_by=users["staff"])
    MemberFactory(partnership=signed, organization=published)
    ActionItemFactory(partnership=signed)
    for party, signer in ((MUNICIPALITY_PARTY, "coordinator"), (published, "representative")):
        partnership_sign(
            partnership=signed,
            party=party,
            signer=users[signer],
            checked_hash=current_hash(signed),
        )

    public = PartnershipFactory(municipality=talsi, title="Publisks", created_by=users["staff"])
    MemberFactory(
        partnership=public,
        organization=published,
        contact_email="kontakts@example.org",
        contact_phone="+371 2000 0000",
    )
    ActionItemFactory(partnership=public)
    for party, signer in ((MUNICIPALITY_PARTY, "coordinator"), (published, "representative")):
        partnership_sign(
            partnership=public,
            party=party,
            signer=users[signer],
            checked_hash=current_hash(public),
        )
        publication_consent_give(partnership=public, party=party, actor=users[signer])

    stage = EvaluationStageFactory(partnership=partnership)
    kpi = KpiFactory(partnership=partnership)
    evidence = EvidenceFactory(partnership=partnership, stage=stage)
    EvidenceFileFactory(evidence=evidence)

    def evaluation(measurement):
        return SimpleNamespace(
            partnership=partnership,
            stage=stage,
            kpi=kpi,
            evidence=evidence,
            measurement=measurement,
        )

    objects = {
        NO_OBJECT: None,
        PARTNERSHIP: partnership,
        EVALUATION: evaluation(
            measurement_enter(
                kpi=kpi,
                party=MUNICIPALITY_PARTY,
                actor=users["staff"],
                value=Decimal("42"),
                measured_on=date(2026, 6, 30),
            )
        ),
        PARTNERS_MEASUREMENT: evaluation(
            measurement_enter(
                kpi=kpi,
                party=published,
                actor=users["representative"],
                value=Decimal("44"),
                measured_on=date(2026, 9, 30),
            )
        ),
        SIGNED_PARTNERSHIP: signed,
        PUBLIC_PARTNERSHIP: public,
        MOVE_HERE: move(incoming, to=talsi),
        MOVE_AWAY: move(neighbour, to=ventspils),
        MOVED_HERE: moved_here,
        PUBLISHED: published,
        PENDING: pending,
        MUNICIPALITY: talsi,
        EDIT_OF_PUBLISHED: edit_of(published),
        EDIT_OF_PENDING: edit_of(pending),
        MY_IMPORT: my_imports,
        COLLEAGUES_IMPORT: colleagues_import,
        CLAIM: OrganizationClaim.objects.create(
            organization=published, user=UserFactory(), message="Esmu valdes locekle."
        ),
        STAFFS_OWN_CLAIM: OrganizationClaim.objects.create(
            organization=published, user=users["staff"], message="Esmu biedre."
        ),
        MUNICIPAL_ROADMAP: roadmap_start(
            form=Side.MUNICIPALITY, owner=talsi, title="Dienas centrs", actor=users["staff"]
        ),
        UNSHARED_ROADMAP: community_roadmap("Nedalīts"),
        SHARED_ROADMAP: shared,
        COMPLETED_ROADMAP: completed,
        # Started while the entry was published; it went back to the queue since.
        PENDING_ENTRYS_ROADMAP: roadmap_start(
            form=Side.COMMUNITY, owner=pending, title="Gaidām", actor=pending_representative
        ),
        COMMUNITY_FORM: Side.COMMUNITY,
        UNKNOWN_FORM: "no-such-form",
        VALID_INVITATION: invitation,
        VALID_STAFF_INVITATION: staff_invitation,
        STAFF_MEMBERSHIP: MunicipalityMembership.objects.get(user=colleague),
        OPEN_STAFF_INVITATION: StaffChange.objects.get(email="invited.staff@example.org"),
        VALID_STILL_CORRECT: still_correct_token(published),
        VALID_CONFIRMATION: confirmation,
        VALID_RESET: {
            "uidb64": forgetful_uid,
            "token": default_token_generator.make_token(forgetful),
        },
        INVALID_RESET: {"uidb64": forgetful_uid, "token": BAD_TOKEN},
        INVALID_TOKEN: BAD_TOKEN,
    }
    sessions = {}
    for user in [*users.values(), pending_representative]:
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Cast(
        users=users,
        pending_representative=pending_representative,
        objects=objects,
        per_role={MY_IMPORT},
        sessions=sessions,
    )
