"""Partnerships (roadmap step 3): who works together on what, their action plan and
communication plan, and the revisions both sides sign.

The partnership and its rows are the live draft that members edit. Signing freezes the
draft into a PartnershipRevision (canonical JSON and its SHA-256, roadmap_portal.lib.history);
a Signature is given to one revision's hash and is void for any other content. The signed
PDF is printed from the revision's content, never from the live rows.
"""

import secrets
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap_portal.lib.history import Event, Revision
from roadmap_portal.lib.locking import FIRST_VERSION
from roadmap_portal.lib.text import (
    max_length_check,
    one_of,
    single_line_check,
    validate_single_line,
)

TITLE_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 5_000
SHORT_TEXT_MAX_LENGTH = 300
NAME_MAX_LENGTH = 200
# Rows per plan: a plan is a working document, not a database (the benchmark prints 200).
MAX_ACTION_ITEMS = 300
MAX_COMMUNICATION_ITEMS = 100
MAX_MEMBERS = 50


def calendar_key():
    return secrets.token_urlsafe(32)


def verification_code():
    # 10 characters of an alphabet without look-alikes: short enough to type from paper.
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class CooperationForm(models.TextChoices):
    """Forms of cooperation between a municipality and community organizations (seed 000)."""

    PUBLIC_PROCUREMENT = "public_procurement", _("Public procurement of services")
    PREMISES = "premises", _("Premises and resources from the municipality")
    PROJECT_FUNDING = "project_funding", _("Project funding")
    GRANTS = "grants", _("Sponsorship, grants and subsidies")
    SERVICE_CONTRACT = "service_contract", _("Service contract")
    OTHER = "other", _("Other")


class PartnershipQuerySet(models.QuerySet):
    def with_municipality(self):
        return self.select_related("municipality")


class Partnership(models.Model):
    """A municipality and one or more community organizations working toward a shared
    result. The seed's five steps of cooperation frame its details: shared result, shared
    strategy, agreed roles and responsibilities, compatible procedures, monitoring and
    communication of results."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended")

    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="partnerships"
    )
    title = models.CharField(
        _("title"), max_length=TITLE_MAX_LENGTH, validators=[validate_single_line]
    )
    shared_result = models.TextField(
        _("shared result"),
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=_("What the partners want to achieve together."),
    )
    strategy = models.TextField(_("shared strategy"), max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    roles_and_responsibilities = models.TextField(
        _("agreed roles and responsibilities"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    procedures = models.TextField(
        _("compatible policies and procedures"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    monitoring = models.TextField(
        _("monitoring and communication of results"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    target_groups = models.ManyToManyField(
        "orgs.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    target_group_detail = models.TextField(
        _("target group in your words"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    # {"<NeedKind slug>": "detail"}, as a roadmap's "needs" answer holds them.
    needs = models.JSONField(_("resources needed"), default=dict, blank=True)
    # CooperationForm values, sorted: a partnership may combine several.
    cooperation_forms = models.JSONField(_("forms of cooperation"), default=list, blank=True)
    cooperation_other = models.CharField(
        _("other form of cooperation"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    roadmap = models.ForeignKey(
        "checklists.Roadmap",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("started from the roadmap"),
    )
    # Optimistic locking, one version per page that saves as a whole, so that editing the
    # details never conflicts with someone reordering the action plan.
    version = models.PositiveIntegerField(default=FIRST_VERSION)
    members_version = models.PositiveIntegerField(default=FIRST_VERSION)
    actions_version = models.PositiveIntegerField(default=FIRST_VERSION)
    communications_version = models.PositiveIntegerField(default=FIRST_VERSION)
    # The secret of the iCalendar feed's address; a new one revokes the old address.
    calendar_key = models.CharField(max_length=64, unique=True, default=calendar_key)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # What the details page edits, and what its events record the changes of.
    DETAILS_FIELDS = (
        "title",
        "shared_result",
        "strategy",
        "roles_and_responsibilities",
        "procedures",
        "monitoring",
        "target_groups",
        "target_group_detail",
        "needs",
        "cooperation_forms",
        "cooperation_other",
        "starts_on",
        "ends_on",
        "status",
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-updated_at", "-id"]
        # The list pages, one page at a time: a municipality's partnerships, most recently
        # changed first, and the public list in title order.
        indexes = [
            models.Index(
                fields=["municipality", "-updated_at", "-id"], name="actionplans_partner_muni_idx"
            ),
            models.Index(fields=["title", "id"], name="actionplans_partner_title_idx"),
        ]
        constraints = [
            max_length_check("title", TITLE_MAX_LENGTH),
            single_line_check("title"),
            max_length_check("shared_result", LONG_TEXT_MAX_LENGTH),
            max_length_check("strategy", LONG_TEXT_MAX_LENGTH),
            max_length_check("roles_and_responsibilities", LONG_TEXT_MAX_LENGTH),
            max_length_check("procedures", LONG_TEXT_MAX_LENGTH),
            max_length_check("monitoring", LONG_TEXT_MAX_LENGTH),
            max_length_check("target_group_detail", LONG_TEXT_MAX_LENGTH),
            max_length_check("cooperation_other", SHORT_TEXT_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="actionplans_partnership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=one_of("status", ["draft", "active", "completed", "ended"]),
                name="actionplans_partnership_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actionplans:partnership", kwargs={"pk": self.pk})

    def local_today(self) -> date:
        """Today in the municipality's time zone: what "overdue" is measured against."""
        zone = zoneinfo.ZoneInfo(self.municipality.time_zone)
        return timezone.now().astimezone(zone).date()


class Member(models.Model):
    """One partner in one role. A partner is the partnership's municipality, an
    organization of the directory, or a group not in the directory yet, named as text
    (linked to its entry later). One organization appears once per role."""

    class Role(models.TextChoices):
        LEAD_MUNICIPALITY = "lead_municipality", _("Lead municipality")
        LEAD_ORGANIZATION = "lead_organization", _("Lead organization")
        IMPLEMENTING = "implementing", _("Implementing partner")
        FUNDING = "funding", _("Funding partner")
        TECHNICAL = "technical", _("Technical partner")
        # Signs the plans on its side; must be an organization of the directory.
        SIGNATORY = "signatory", _("Signatory")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnership_memberships",
        verbose_name=_("organization"),
    )
    name = models.CharField(
        _("name of a group not in the directory"),
        max_length=NAME_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=NAME_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[validate_single_line]
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["partnership", "position", "id"]
        constraints = [
            # Exactly one of: the municipality, a directory entry, a name.
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organization__isnull=True, name="")
                    | Q(municipality__isnull=True, organization__isnull=False, name="")
                    | (Q(municipality__isnull=True, organization__isnull=True) & ~Q(name=""))
                ),
                name="actionplans_member_one_partner",
            ),
            # A municipality only as lead municipality, and that role only for one.
            models.CheckConstraint(
                condition=Q(role="lead_municipality", municipality__isnull=False)
                | (~Q(role="lead_municipality") & Q(municipality__isnull=True)),
                name="actionplans_member_lead_municipality",
            ),
            # Only a directory entry signs: its representatives are who sign for it.
            models.CheckConstraint(
                condition=~Q(role="signatory") | Q(organization__isnull=False),
                name="actionplans_member_signatory_in_directory",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organization", "role"],
                condition=Q(organization__isnull=False),
                name="actionplans_member_organization_once_per_role",
            ),
            models.UniqueConstraint(
                fields=["partnership", "name", "role"],
                condition=~Q(name=""),
                name="actionplans_member_name_once_per_role",
            ),
            models.UniqueConstraint(
                fields=["partnership", "municipality"],
                condition=Q(municipality__isnull=False),
                name="actionplans_member_municipality_once",
            ),
            max_length_check("name", NAME_MAX_LENGTH),
            single_line_check("name"),
            max_length_check("contact_name", NAME_MAX_LENGTH),
            single_line_check("contact_name"),
            max_length_check("contact_email", 254),
            max_length_check("contact_phone", 40),
            single_line_check("contact_phone"),
        ]

    def __str__(self):
        return f"{self.partner_name} · {self.get_role_display()}"

    @property
    def partner_name(self) -> str:
        partner = self.organization or self.municipality
        return partner.name if partner else self.name


class ActionItemQuerySet(models.QuerySet):
    # Rows that no deadline concerns any more.
    CLOSED = ("done", "cancelled")

    def overdue(self, today: date):
        """Rows past their deadline (before `today`, the municipality's date) and not
        done or cancelled. Computed, never stored."""
        return self.filter(deadline__lt=today, ongoing=False).exclude(status__in=self.CLOSED)

    def needing_attention(self):
        """Rows blocked, or perhaps overdue, of partnerships in any time zone: no
        municipality's today is later than tomorrow in UTC, so this bounds them in one
        query, and each row's is_overdue(its municipality's today) then decides."""
        latest_today = timezone.now().date() + timedelta(days=1)
        return self.filter(
            Q(status=ActionItem.Status.BLOCKED)
            | (Q(deadline__lt=latest_today, ongoing=False) & ~Q(status__in=self.CLOSED))
        )


class ActionItem(models.Model):
    """A row of the action plan (the seed's table: activity / action, responsible person,
    goal(s), deadline), in the order the members set."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        PAUSED = "paused", _("Paused")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    activity = models.TextField(_("activity or action"), max_length=SHORT_TEXT_MAX_LENGTH * 2)
    # A user of the portal, or a name for someone who has no account.
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_actions",
        verbose_name=_("responsible person"),
    )
    responsible_name = models.CharField(
        _("responsible person (name)"),
        max_length=NAME_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    # The partner the responsible person belongs to: where reminders go for a bare name.
    responsible_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goals = models.TextField(_("goals"), max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    blocked_reason = models.TextField(
        _("why it is blocked"), max_length=SHORT_TEXT_MAX_LENGTH * 2, blank=True
    )
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
        verbose_name=_("depends on"),
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("action plan")
        ordering = ["partnership", "position", "id"]
        constraints = [
            max_length_check("activity", SHORT_TEXT_MAX_LENGTH * 2),
            max_length_check("responsible_name", NAME_MAX_LENGTH),
            single_line_check("responsible_name"),
            max_length_check("goals", LONG_TEXT_MAX_LENGTH),
            max_length_check("blocked_reason", SHORT_TEXT_MAX_LENGTH * 2),
            # "Ongoing" instead of a deadline, never both.
            models.CheckConstraint(
                condition=Q(ongoing=False) | Q(deadline__isnull=True),
                name="actionplans_action_deadline_or_ongoing",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gte=models.F("starts_on")),
                name="actionplans_action_deadline_after_start",
            ),
            # A blocked row says why.
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocked_reason=""),
                name="actionplans_action_blocked_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(depends_on=models.F("pk")),
                name="actionplans_action_not_own_dependency",
            ),
            models.CheckConstraint(
                condition=one_of(
                    "status",
                    ["not_started", "in_progress", "paused", "blocked", "done", "cancelled"],
                ),
                name="actionplans_action_status_valid",
            ),
        ]

    def __str__(self):
        return self.activity[:80]

    @property
    def responsible(self) -> str:
        """Who is responsible, as the plan prints it."""
        if self.responsible_user_id:
            return self.responsible_user.public_name
        return self.responsible_name

    def is_overdue(self, today: date) -> bool:
        """As ActionItemQuerySet.overdue, for one row already loaded."""
        return bool(
            self.deadline
            and not self.ongoing
            and self.deadline < today
            and self.status not in ActionItemQuerySet.CLOSED
        )

    @property
    def is_blocked(self) -> bool:
        return self.status == self.Status.BLOCKED


class CommunicationItem(models.Model):
    """A row of the communication plan: so that every party stays informed (roadmap 3.2)."""

    # What the communication plan's page edits and saves of a row.
    EDITABLE_FIELDS = (
        "subject",
        "audience",
        "sender",
        "channel",
        "frequency",
        "format",
        "escalation",
    )

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="communications"
    )
    position = models.PositiveSmallIntegerField(default=0)
    subject = models.TextField(_("what is communicated"), max_length=SHORT_TEXT_MAX_LENGTH * 2)
    audience = models.CharField(
        _("to whom"), max_length=SHORT_TEXT_MAX_LENGTH, validators=[validate_single_line]
    )
    sender = models.CharField(
        _("by whom"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    channel = models.CharField(
        _("channel"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    frequency = models.CharField(
        _("frequency or date"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    format = models.CharField(
        _("format"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    escalation = models.TextField(
        _("how urgent changes and problems are raised"),
        max_length=SHORT_TEXT_MAX_LENGTH * 2,
        blank=True,
    )

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communication plan")
        ordering = ["partnership", "position", "id"]
        constraints = [
            max_length_check("subject", SHORT_TEXT_MAX_LENGTH * 2),
            *(
                check
                for name in ("audience", "sender", "channel", "frequency", "format")
                for check in (
                    max_length_check(name, SHORT_TEXT_MAX_LENGTH),
                    single_line_check(name),
                )
            ),
            max_length_check("escalation", SHORT_TEXT_MAX_LENGTH * 2),
        ]

    def __str__(self):
        return self.subject[:80]


class PartnershipRevision(Revision):
    """The partnership and both plans frozen at one moment, to be signed: `content` is what
    actionplans.content.partnership_content made of them, `content_hash` its SHA-256.
    Numbered from 1 per partnership. Signed once every required party has signed it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for signatures")
        SIGNED = "signed", _("Signed")
        # The draft changed before everyone had signed: its signatures count for nothing.
        SUPERSEDED = "superseded", _("Superseded")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    # The short code of the verification link printed (with a QR code) on the signed PDF.
    verification_code = models.CharField(max_length=16, unique=True, default=verification_code)

    class Meta(Revision.Meta):
        verbose_name = _("partnership revision")
        verbose_name_plural = _("partnership revisions")
        ordering = ["partnership", "-number"]
        constraints = [
            *Revision.Meta.constraints,
            models.UniqueConstraint(
                fields=["partnership", "number"], name="actionplans_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status="signed", signed_at__isnull=False)
                | (one_of("status", ["open", "superseded"]) & Q(signed_at__isnull=True)),
                name="actionplans_revision_signed_at",
            ),
        ]

    def __str__(self):
        return f"{self.partnership} · {self.number}"

    def get_verification_url(self):
        return reverse("actionplans:verify", kwargs={"code": self.verification_code})

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class Signature(models.Model):
    """One party's signature of one revision's content: the municipality's (by a
    coordinator; `organization` empty) or a signatory organization's (by one of its
    representatives). It holds the hash it was given to: compared with a revision's hash,
    it is void for any other content."""

    revision = models.ForeignKey(
        PartnershipRevision, on_delete=models.PROTECT, related_name="signatures"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # As they were when signing: the record names the signer after their account is gone.
    signer_name = models.CharField(max_length=NAME_MAX_LENGTH)
    signer_role = models.CharField(max_length=NAME_MAX_LENGTH)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["revision", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision"],
                condition=Q(organization__isnull=True),
                name="actionplans_signature_one_for_the_municipality",
            ),
            models.UniqueConstraint(
                fields=["revision", "organization"],
                condition=Q(organization__isnull=False),
                name="actionplans_signature_one_per_organization",
            ),
        ]

    def __str__(self):
        return f"{self.revision} · {self.signer_name}"

    @property
    def is_valid(self) -> bool:
        """Given to this revision's content, which is still intact, and not superseded
        (the draft changed before everyone signed: its signatures count for nothing)."""
        revision = self.revision
        return (
            self.content_hash == revision.content_hash
            and revision.status != PartnershipRevision.Status.SUPERSEDED
            and revision.is_intact
        )


class PublicationConsent(models.Model):
    """One signing party agrees that the partnership may be public (title, partners, shared
    result, status and the signed plan, without contact details). Public only when every
    party that signs has agreed; `organization` empty is the municipality's consent."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="publication_consents"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(organization__isnull=True),
                name="actionplans_consent_one_for_the_municipality",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                condition=Q(organization__isnull=False),
                name="actionplans_consent_one_per_organization",
            ),
        ]

    def __str__(self):
        return f"{self.partnership} · {self.organization or self.partnership.municipality}"


class SignedPdf(models.Model):
    """The PDF of a signed revision in one language, sealed (PAdES), made once by the task
    worker and kept: the file a coordinator downloads is the same every time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    revision = models.ForeignKey(PartnershipRevision, on_delete=models.CASCADE, related_name="pdfs")
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signed PDF")
        verbose_name_plural = _("signed PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "language"], name="actionplans_signedpdf_unique"
            ),
        ]

    def __str__(self):
        return f"{self.revision} · {self.language}"


class PartnershipEvent(Event):
    """What happened to a partnership, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Started")
        DETAILS_SAVED = "details", _("Details changed")
        MEMBERS_SAVED = "members", _("Partners changed")
        ACTIONS_SAVED = "actions", _("Action plan changed")
        COMMUNICATIONS_SAVED = "communications", _("Communication plan changed")
        SIGNED = "signed", _("Signed a revision")
        REVISION_SIGNED = "revision_signed", _("Revision signed by everyone")
        CONSENTED = "consented", _("Agreed to make it public")
        CONSENT_WITHDRAWN = "unconsented", _("Withdrew agreement to make it public")
        CALENDAR_RESET = "calendar_reset", _("Calendar link replaced")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    revision = models.ForeignKey(
        PartnershipRevision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What changed, for the history page ({"field": {"old", "new"}} or counts of rows).
    fields = models.JSONField(default=dict, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("partnership event")
        verbose_name_plural = _("partnership events")

    def __str__(self):
        return f"{self.partnership} · {self.get_kind_display()}"
