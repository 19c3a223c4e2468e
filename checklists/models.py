from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from orgs.models import NeedKind
from orgs.sides import Side
from roadmap_portal.lib.background_pdf import BackgroundPdf
from roadmap_portal.lib.history import Event, Revision
from roadmap_portal.lib.locking import FIRST_VERSION
from roadmap_portal.lib.translated import translated_text

# Length limits of what people write in a roadmap, in characters. An answer is a few pages
# at most; the limits keep every page and PDF of a roadmap bounded (issue 9, point 10).
TITLE_MAX_LENGTH = 200
ANSWER_TEXT_MAX_LENGTH = 20_000
NOT_APPLICABLE_REASON_MAX_LENGTH = 2_000
NEED_DETAIL_MAX_LENGTH = 2_000
# The database's bound on the needs as stored JSON: seven kinds of need at their limit, even
# when every character is stored as a 12-character escape (SQLite keeps JSON ASCII-escaped).
NEEDS_JSON_MAX_LENGTH = 200_000


# The roadmap has one form ("veidlapa") per side; a roadmap's and a checkpoint's `form` is a Side.
FORM_NAMES = {
    Side.MUNICIPALITY: _("Municipality form"),
    Side.COMMUNITY: _("Community organization form"),
}


class TemplateVersion(models.Model):
    """One published version of the roadmap's content. Never changed once published:
    a roadmap keeps the version it was started on."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.JSONField(_("source file"), help_text=_("The fixture as it was published."))

    class Meta:
        verbose_name = _("roadmap template version")
        verbose_name_plural = _("roadmap template versions")
        ordering = ["-number"]

    def __str__(self):
        return f"{self.title} v{self.number}"


class Step(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="checklists_step_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Checkpoint(models.Model):
    """A checkpoint ("pieturas punkts") as one form states it: one row per form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        TARGET_GROUP = "target_group", _("Target group")
        NEEDS = "needs", _("Resources needed")
        SIMILAR_ORGANIZATIONS = "similar_organizations", _("Organizations doing similar work")
        ORGANIZATIONS = "organizations", _("Organizations to work with")
        DEPARTMENT = "department", _("Department and contact person")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="checkpoints")
    form = models.CharField(_("form"), max_length=16, choices=Side.choices)
    code = models.CharField(_("code"), max_length=8, help_text="1.1")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.TEXT)
    statement = models.CharField(_("statement"), max_length=300)
    hint = models.CharField(_("hint"), max_length=300, blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    methods = models.TextField(_("how to check it"), blank=True, help_text=_("One per line."))
    examples = models.TextField(_("examples"), blank=True, help_text=_("Paragraphs."))
    # For "needs": one sentence per kind of need (orgs.NeedKind slug), per language.
    need_guidance = models.JSONField(_("guidance per kind of need"), default=dict, blank=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["step__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "form", "code"], name="checklists_checkpoint_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.statement}"


class RoadmapQuerySet(models.QuerySet):
    def with_owner(self):
        return self.select_related("municipality", "organization", "version")


class Roadmap(models.Model):
    """One filled roadmap: a municipality's or an organization's, for one initiative."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="roadmaps")
    form = models.CharField(_("form"), max_length=16, choices=Side.choices)
    title = models.CharField(
        _("initiative"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A short name for the initiative, for example “Day centre for children”."),
    )
    municipality = models.ForeignKey(
        "orgs.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roadmaps",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roadmaps",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Optimistic locking of what the roadmap is made of (its template version): moving it
    # to a newer version from a page loaded before another move is refused. (`version` is
    # the template version; each answer keeps its own lock.) A database default too, for
    # rows an app server of the version before writes while this one is deployed.
    lock_version = models.PositiveIntegerField(default=FIRST_VERSION, db_default=FIRST_VERSION)
    shared_with = models.ManyToManyField(
        "orgs.Municipality",
        through="RoadmapShare",
        related_name="shared_roadmaps",
        blank=True,
    )

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["-updated_at"]
        constraints = [
            # A municipality's form belongs to a municipality, a community form to an organization.
            models.CheckConstraint(
                condition=(
                    Q(form="municipality", municipality__isnull=False, organization__isnull=True)
                    | Q(form="community", organization__isnull=False, municipality__isnull=True)
                ),
                name="checklists_roadmap_owner_matches_form",
            ),
            # PostgreSQL's varchar enforces max_length; SQLite does not.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("title"), TITLE_MAX_LENGTH),
                name="checklists_roadmap_title_length",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("checklists:roadmap", kwargs={"pk": self.pk})

    @property
    def owner(self):
        return self.municipality if self.form == Side.MUNICIPALITY else self.organization

    @property
    def form_name(self):
        return FORM_NAMES[self.form]

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED

    def checkpoints(self):
        return Checkpoint.objects.filter(step__version=self.version_id, form=self.form)

    def newer_version(self):
        """The newest template version after the roadmap's own that has its form, or None."""
        return (
            TemplateVersion.objects.filter(
                number__gt=self.version.number, steps__checkpoints__form=self.form
            )
            .order_by("-number")
            .first()
        )

    def answers_by_step(self):
        """[{step, answers, done, total}, ...] in order, with each step's progress."""
        answers = (
            self.answers.select_related("checkpoint__step", "department__municipality")
            .prefetch_related("target_groups", "organizations")
            .order_by("checkpoint__step__number", "checkpoint__position")
        )
        steps = {}
        for answer in with_need_items(answers):
            steps.setdefault(answer.checkpoint.step, []).append(answer)
        return [
            {
                "step": step,
                "answers": items,
                "done": sum(a.is_done for a in items),
                "total": len(items),
            }
            for step, items in steps.items()
        ]


# What a checkpoint says: "changed" in a new version when it differs in the source language
# (the seed's, LANGUAGE_CODE) or in the page's. A version that only brings more languages
# does not flag every checkpoint to someone who reads neither of them.
WORDING_FIELDS = ("statement", "hint", "guidance", "methods", "examples")


def _wording(checkpoint):
    languages = dict.fromkeys([settings.LANGUAGE_CODE, translation.get_language()])
    return [checkpoint.kind, checkpoint.need_guidance] + [
        getattr(checkpoint, f"{name}_{code}", None) for name in WORDING_FIELDS for code in languages
    ]


@dataclass
class UpgradePlan:
    """What moving a roadmap to another template version does, checkpoint by code:
    `carried` [(answer, its checkpoint in the new version)], of which `changed` are worded
    differently there; `new` checkpoints, which start empty; `removed` answers, whose
    checkpoint the new version does not have."""

    to_version: TemplateVersion
    carried: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    new: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def removed_kept(self):
        """The removed answers the roadmap's history keeps (Answer.is_kept_when_removed):
        what the confirm page flags is what the move keeps."""
        return [answer for answer in self.removed if answer.is_kept_when_removed]


def upgrade_plan(roadmap, to_version) -> UpgradePlan:
    """Compare the roadmap's checkpoints with `to_version`'s by code. Reads only (two
    queries): the confirm page shows the plan and checklists.services.roadmap_upgrade
    carries it out."""
    plan = UpgradePlan(to_version=to_version)
    targets = {
        checkpoint.code: checkpoint
        for checkpoint in Checkpoint.objects.filter(step__version=to_version, form=roadmap.form)
        .select_related("step")
        .order_by("step__number", "position")
    }
    answered_codes = set()
    for answer in roadmap.answers.select_related("checkpoint__step").order_by(
        "checkpoint__step__number", "checkpoint__position"
    ):
        target = targets.get(answer.checkpoint.code)
        answered_codes.add(answer.checkpoint.code)
        if target is None:
            plan.removed.append(answer)
            continue
        plan.carried.append((answer, target))
        if _wording(answer.checkpoint) != _wording(target):
            plan.changed.append((answer.checkpoint, target))
    plan.new = [c for code, c in targets.items() if code not in answered_codes]
    return plan


def with_need_items(answers):
    """The answers, each with `need_items`: [(name of the kind of need, detail), ...], as
    templates/checklists/includes/answer.html shows them."""
    answers = list(answers)
    need_names = {kind.slug: translated_text(kind, "name") for kind in NeedKind.objects.all()}
    for answer in answers:
        answer.need_items = [
            (need_names.get(slug, slug), detail) for slug, detail in answer.needs.items()
        ]
    return answers


class RoadmapShare(models.Model):
    """An organization's roadmap shared with a municipality (its coordinators read it)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="shares")
    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "municipality"], name="checklists_share_unique"
            ),
        ]

    def __str__(self):
        return f"{self.roadmap} → {self.municipality}"


class Answer(models.Model):
    """The answer to one checkpoint of one roadmap.

    Step 3's checkpoints are text for now; partnerships (action plans, communication plans,
    KPIs) will point at their answers from the actionplans app.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="answers")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    text = models.TextField(_("your answer"), blank=True)
    not_applicable_reason = models.TextField(_("why it does not apply"), blank=True)
    target_groups = models.ManyToManyField("orgs.TargetGroup", blank=True, related_name="+")
    # For "needs": {"<NeedKind slug>": "detail"}.
    needs = models.JSONField(_("resources needed"), default=dict, blank=True)
    organizations = models.ManyToManyField(
        "orgs.Organization", blank=True, related_name="roadmap_answers"
    )
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: a save based on an older version is refused, never overwrites.
    version = models.PositiveIntegerField(default=FIRST_VERSION)
    updated_at = models.DateTimeField(_("saved"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "checkpoint"], name="checklists_answer_unique"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), ANSWER_TEXT_MAX_LENGTH),
                name="checklists_answer_text_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Length("not_applicable_reason"), NOT_APPLICABLE_REASON_MAX_LENGTH
                ),
                name="checklists_answer_reason_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Length(Cast("needs", TextField())), NEEDS_JSON_MAX_LENGTH
                ),
                name="checklists_answer_needs_length",
            ),
        ]

    def __str__(self):
        return f"{self.roadmap} · {self.checkpoint.code}"

    @property
    def is_done(self):
        return self.status in (self.Status.COMPLETED, self.Status.NOT_APPLICABLE)

    @property
    def is_answered(self):
        """Whether anything was said: a status chosen or something written. (Target groups
        and organizations are always saved with a status, so no query is needed.)"""
        return self.status != self.Status.NOT_STARTED or bool(
            self.text.strip()
            or self.not_applicable_reason.strip()
            or self.needs
            or self.department_id
        )

    @property
    def is_kept_when_removed(self):
        """Whether a newer version that removes its checkpoint keeps it in the roadmap's
        history: it says something, or it was saved once (it has revisions)."""
        return self.is_answered or self.updated_at is not None


class AnswerRevision(Revision):
    """The history of an answer: one revision per explicit save or per editing session of
    autosaves (autosaves within a session update its revision, and its hash)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField()
    autosave = models.BooleanField(default=False)
    version = models.PositiveIntegerField()

    class Meta(Revision.Meta):
        ordering = ["-saved_at", "-id"]
        # An answer's history, newest first, one page at a time.
        indexes = [
            models.Index(
                fields=["answer", "-saved_at", "-id"], name="checklists_revision_answer_idx"
            )
        ]

    def __str__(self):
        return f"{self.answer} · v{self.version}"


class RoadmapEvent(Event):
    """Started, completed, reopened, shared, unshared: recorded with who and when."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Marked as completed")
        REOPENED = "reopened", _("Reopened")
        SHARED = "shared", _("Shared")
        UNSHARED = "unshared", _("Stopped sharing")
        UPGRADED = "upgraded", _("Moved to a newer version")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The version a roadmap moved to (UPGRADED).
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(Event.Meta):
        pass

    def __str__(self):
        return f"{self.roadmap} · {self.get_kind_display()}"


class RemovedAnswer(Revision):
    """An answer whose checkpoint the roadmap's new template version does not have, as it
    was when the roadmap moved (`event`): its content (checklists.services.answer_content)
    with its code and its own history, frozen. The checkpoint is the old version's, kept
    for its wording."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="removed_answers")
    event = models.ForeignKey(
        RoadmapEvent, on_delete=models.CASCADE, related_name="removed_answers"
    )
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="+")

    class Meta(Revision.Meta):
        verbose_name = _("answer to a removed checkpoint")
        verbose_name_plural = _("answers to removed checkpoints")
        ordering = ["-event__created_at", "checkpoint__step__number", "checkpoint__position"]

    def __str__(self):
        return f"{self.roadmap} · {self.checkpoint.code}"

    @property
    def needs(self):
        """As an answer's: with_need_items names them."""
        return self.content.get("needs") or {}

    def get_status_display(self):
        return Answer.Status(self.content["status"]).label


class RoadmapPdf(BackgroundPdf):
    """A long roadmap's PDF, made by the task worker: printing it would hold a web worker
    for too long (roadmap_portal/lib/background_pdf.py). Only the newest per roadmap and
    language is kept; its fingerprint is checklists.pdf.RoadmapPrint.fingerprint."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="pdfs")

    class Meta(BackgroundPdf.Meta):
        verbose_name = _("roadmap PDF")
        verbose_name_plural = _("roadmap PDFs")
        indexes = [models.Index(fields=["roadmap", "language"], name="checklists_pdf_roadmap")]

    def __str__(self):
        return f"{self.roadmap} · {self.language} · {self.status}"
