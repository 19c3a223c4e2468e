"""Evaluation of a partnership (roadmap steps 3.3 and 3.4, seed 000's fifth step): the stages
at which the partners evaluate, the KPIs they measure before and after, the measurements one
party enters and another approves, and the qualitative evidence they gather.

Nothing computed is stored: a KPI's value, its progress and whether it is on track come from
evaluation.progress.kpi_progress, which every page, dashboard, export and PDF calls. Numbers
are decimals in number columns, never text ("N/A" is an empty value, not a number).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actionplans.models import LONG_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from roadmap_portal.lib.background_pdf import BackgroundPdf
from roadmap_portal.lib.history import Event
from roadmap_portal.lib.locking import FIRST_VERSION
from roadmap_portal.lib.text import (
    max_length_check,
    one_of,
    single_line_check,
    validate_single_line,
)

# Per partnership: an evaluation plan is read by people, not a database.
MAX_STAGES = 50
MAX_KPIS = 50
MAX_MEASUREMENTS_PER_KPI = 500
MAX_EVIDENCE = 200
# Every number: 14 digits before the decimal point, 4 after (99,999,999,999,999.9999).
MAX_DIGITS = 18
DECIMAL_PLACES = 4
MAX_DECIMALS = DECIMAL_PLACES
LARGEST_NUMBER = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - Decimal(10) ** -DECIMAL_PLACES


def number_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


class CooperationSubject(models.TextChoices):
    """What of the cooperation itself a stage evaluates (seed 003, step 3.3)."""

    COMMUNICATION = "communication", _("Communication")
    DECISION_MAKING = "decision_making", _("Decision-making")
    COORDINATION = "coordination", _("Coordination")


class ResponsibleMixin(models.Model):
    """Who is responsible: a user of the portal, or the partner whose contact person is
    (reminders go there when there is no user)."""

    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    responsible_member = models.ForeignKey(
        "actionplans.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible partner"),
    )

    class Meta:
        abstract = True


# A stage (and, in the reminders, an action row) due within this many days of the
# municipality's today, or overdue, is "due": on the dashboards and in the reminders.
DUE_WITHIN_DAYS = 7


class EvaluationStage(ResponsibleMixin):
    """A point or period of the cooperation at which the partners evaluate it: before it
    starts (baseline), during, at a milestone, or at the end."""

    class Kind(models.TextChoices):
        # Not the KPI's baseline (a number): the evaluation before the cooperation starts.
        BASELINE = "baseline", pgettext_lazy("evaluation stage", "Baseline")
        DURING = "during", _("During the cooperation")
        MILESTONE = "milestone", _("At a milestone")
        FINAL = "final", _("Final")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    partnership = models.ForeignKey(
        "actionplans.Partnership", on_delete=models.CASCADE, related_name="evaluation_stages"
    )
    name = models.CharField(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # A day (starts_on empty) or a period: ends_on is when the stage is due.
    starts_on = models.DateField(_("start of the period"), null=True, blank=True)
    ends_on = models.DateField(_("date, or end of the period"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    # CooperationSubject values, sorted.
    subjects = models.JSONField(_("the cooperation itself"), default=list, blank=True)
    questions = models.TextField(
        _("what you will evaluate"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    findings = models.TextField(_("findings"), max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=FIRST_VERSION)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    EDITABLE_FIELDS = (
        "name",
        "kind",
        "starts_on",
        "ends_on",
        "status",
        "subjects",
        "questions",
        "findings",
        "responsible_user",
        "responsible_member",
    )

    class Meta:
        verbose_name = _("evaluation stage")
        verbose_name_plural = _("evaluation stages")
        ordering = ["partnership", "ends_on", "id"]
        constraints = [
            max_length_check("name", NAME_MAX_LENGTH),
            single_line_check("name"),
            max_length_check("questions", LONG_TEXT_MAX_LENGTH),
            max_length_check("findings", LONG_TEXT_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="evaluation_stage_ends_after_start",
            ),
            models.CheckConstraint(
                condition=one_of("kind", ["baseline", "during", "milestone", "final"]),
                name="evaluation_stage_kind_valid",
            ),
            models.CheckConstraint(
                condition=one_of("status", ["planned", "open", "done"]),
                name="evaluation_stage_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def is_due(self, today, *, within_days=DUE_WITHIN_DAYS) -> bool:
        """Not done and due within `within_days` of `today` (the municipality's date)."""
        return self.status != self.Status.DONE and (self.ends_on - today).days <= within_days

    def is_overdue(self, today) -> bool:
        return self.status != self.Status.DONE and self.ends_on < today


class Kpi(models.Model):
    """A key performance indicator: what is measured, how its measurements add up (stated
    by the partners, never guessed), where it starts (baseline) and where it should be by
    when (target)."""

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    class Aggregation(models.TextChoices):
        # Each measurement is an amount new since the one before (people trained this
        # month): the value is the baseline plus all of them.
        SUM = "sum", _("Add them up")
        # Each measurement is the level at its date (a rate, a running total): the value is
        # the latest one.
        LATEST = "latest", _("The latest one")
        # Each measurement is one reading of a level that varies (a satisfaction score):
        # the value is their average.
        AVERAGE = "average", _("Their average")

    partnership = models.ForeignKey(
        "actionplans.Partnership", on_delete=models.CASCADE, related_name="kpis"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line]
    )
    unit = models.CharField(
        _("unit"),
        max_length=40,
        blank=True,
        validators=[validate_single_line],
        help_text=_("For example: %, people, events."),
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    aggregation = models.CharField(
        _("how measurements add up"), max_length=8, choices=Aggregation.choices
    )
    baseline_value = number_field(_("baseline"))
    baseline_on = models.DateField(_("date of the baseline"))
    target_value = number_field(_("target"))
    target_on = models.DateField(_("date of the target"))
    source = models.CharField(
        _("source of the data"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    method = models.TextField(_("how it is measured"), max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    actions = models.ManyToManyField(
        "actionplans.ActionItem", blank=True, related_name="kpis", verbose_name=_("actions")
    )
    version = models.PositiveIntegerField(default=FIRST_VERSION)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    EDITABLE_FIELDS = (
        "name",
        "unit",
        "decimals",
        "direction",
        "aggregation",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "source",
        "method",
        "actions",
    )

    # What every approved measurement is read by: fixed once one is approved, so that
    # neither side alone changes what the other approved (the way of adding up turned 44
    # into 126 in review).
    FIXED_ONCE_MEASURED = ("direction", "aggregation", "baseline_value", "baseline_on")

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["partnership", "position", "id"]
        constraints = [
            max_length_check("name", NAME_MAX_LENGTH),
            single_line_check("name"),
            max_length_check("unit", 40),
            single_line_check("unit"),
            max_length_check("source", SHORT_TEXT_MAX_LENGTH),
            single_line_check("source"),
            max_length_check("method", LONG_TEXT_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(decimals__lte=MAX_DECIMALS), name="evaluation_kpi_decimals_range"
            ),
            models.CheckConstraint(
                condition=one_of("direction", ["up", "down"]),
                name="evaluation_kpi_direction_valid",
            ),
            models.CheckConstraint(
                condition=one_of("aggregation", ["sum", "latest", "average"]),
                name="evaluation_kpi_aggregation_valid",
            ),
            models.CheckConstraint(
                condition=Q(target_on__gt=models.F("baseline_on")),
                name="evaluation_kpi_target_after_baseline",
            ),
            # The target lies in the good direction from the baseline, or equals it (keep a
            # level).
            models.CheckConstraint(
                condition=Q(direction="up", target_value__gte=models.F("baseline_value"))
                | Q(direction="down", target_value__lte=models.F("baseline_value")),
                name="evaluation_kpi_target_in_direction",
            ),
        ]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    """One value of a KPI at a date, entered for one party (the municipality, or a partner
    organization) and approved or rejected by a member of another. Only approved ones count."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    value = number_field(_("value"))
    measured_on = models.DateField(_("date"))
    source = models.CharField(
        _("source"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
    )
    note = models.TextField(_("note"), max_length=SHORT_TEXT_MAX_LENGTH * 2, blank=True)
    is_estimate = models.BooleanField(_("an estimate"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # The party it was entered for: an organization, or empty for the municipality.
    entered_for = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    # Who decided, for which party, when, and why a rejection.
    reviewed_for = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reason"), max_length=SHORT_TEXT_MAX_LENGTH * 2, blank=True)
    version = models.PositiveIntegerField(default=FIRST_VERSION)

    EDITABLE_FIELDS = ("value", "measured_on", "source", "note", "is_estimate")

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi", "measured_on", "id"]
        indexes = [models.Index(fields=["kpi", "status", "measured_on"])]
        constraints = [
            max_length_check("source", SHORT_TEXT_MAX_LENGTH),
            single_line_check("source"),
            max_length_check("note", SHORT_TEXT_MAX_LENGTH * 2),
            max_length_check("review_note", SHORT_TEXT_MAX_LENGTH * 2),
            models.CheckConstraint(
                condition=one_of("status", ["pending", "approved", "rejected"]),
                name="evaluation_measurement_status_valid",
            ),
            # Decided means when; pending means not yet.
            models.CheckConstraint(
                condition=Q(status="pending", reviewed_at__isnull=True)
                | (one_of("status", ["approved", "rejected"]) & Q(reviewed_at__isnull=False)),
                name="evaluation_measurement_reviewed_at",
            ),
            # A rejection says why.
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="evaluation_measurement_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} · {self.measured_on} · {self.value}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Evidence(models.Model):
    """Qualitative evidence: what an interview, a survey, a case study, an external
    evaluation or an impact-indicator list found. Participants are counted, never named."""

    class Method(models.TextChoices):
        INTERVIEWS = "interviews", _("Interviews or focus groups")
        SURVEY = "survey", _("Survey of the community or beneficiaries")
        CASE_STUDY = "case_study", _("Case study")
        EXTERNAL = "external", _("External evaluation")
        IMPACT_INDICATORS = "impact_indicators", _("Impact-indicator list")

    partnership = models.ForeignKey(
        "actionplans.Partnership", on_delete=models.CASCADE, related_name="evidence"
    )
    stage = models.ForeignKey(
        EvaluationStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("evaluation stage"),
    )
    method = models.CharField(_("method"), max_length=24, choices=Method.choices)
    title = models.CharField(
        _("title"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line]
    )
    gathered_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=LONG_TEXT_MAX_LENGTH)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=FIRST_VERSION)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    EDITABLE_FIELDS = ("method", "title", "gathered_on", "summary", "participants", "stage")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["partnership", "-gathered_on", "-id"]
        constraints = [
            max_length_check("title", NAME_MAX_LENGTH),
            single_line_check("title"),
            max_length_check("summary", LONG_TEXT_MAX_LENGTH),
            models.CheckConstraint(
                condition=one_of(
                    "method",
                    ["interviews", "survey", "case_study", "external", "impact_indicators"],
                ),
                name="evaluation_evidence_method_valid",
            ),
        ]

    def __str__(self):
        return self.title


class EvidenceFile(models.Model):
    """The file attached to a piece of evidence, kept in the database (every app server
    reads it; the backup holds it) and served only to the partnership's members. Its type
    is what its first bytes say, never what the upload claimed."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name


class ReminderSent(models.Model):
    """That one item ("action-12", "stage-3", "measurement-7") was in a reminder to one
    address: the daily command sends it again only a week later."""

    item = models.CharField(max_length=40)
    address = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "address"], name="evaluation_reminder_once")
        ]

    def __str__(self):
        return f"{self.item} → {self.address}"


class EvaluationEvent(Event):
    """What happened to a partnership's evaluation, with who and when."""

    class Kind(models.TextChoices):
        STAGE_SAVED = "stage", _("Evaluation stage saved")
        STAGE_DELETED = "stage_deleted", _("Evaluation stage removed")
        KPI_SAVED = "kpi", _("KPI saved")
        KPI_DELETED = "kpi_deleted", _("KPI removed")
        MEASURED = "measured", _("Measurement entered")
        MEASUREMENT_CHANGED = "measure_changed", _("Measurement changed")
        MEASUREMENT_WITHDRAWN = "measure_gone", _("Measurement withdrawn")
        APPROVED = "approved", _("Measurement approved")
        REJECTED = "rejected", _("Measurement rejected")
        EVIDENCE_SAVED = "evidence", _("Evidence saved")
        EVIDENCE_DELETED = "evidence_gone", _("Evidence removed")

    partnership = models.ForeignKey(
        "actionplans.Partnership", on_delete=models.CASCADE, related_name="evaluation_events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What it concerns, as it was named then: the row may be gone since.
    subject = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    fields = models.JSONField(default=dict, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")

    def __str__(self):
        return f"{self.partnership} · {self.get_kind_display()}"


class EvaluationReportPdf(BackgroundPdf):
    """A large evaluation report's PDF, made by the task worker: printing it would hold a
    web worker for too long (evaluation/report.py says when). Only the newest per
    partnership and language is kept; its fingerprint is of the report's printed HTML,
    which carries its date (the municipality's today): a new approval, or a new day, makes
    another."""

    partnership = models.ForeignKey(
        "actionplans.Partnership", on_delete=models.CASCADE, related_name="evaluation_pdfs"
    )

    class Meta(BackgroundPdf.Meta):
        verbose_name = _("evaluation report PDF")
        verbose_name_plural = _("evaluation report PDFs")
        indexes = [
            models.Index(fields=["partnership", "language"], name="evaluation_pdf_partnership")
        ]

    def __str__(self):
        return f"{self.partnership} · {self.language} · {self.status}"
