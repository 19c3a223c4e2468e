from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orgs.models import Department, Municipality, NeedKind, Organization, TargetGroup
from orgs.sides import Side
from roadmap_portal.lib.locking import OUT_OF_DATE, VersionField
from roadmap_portal.lib.translated import name_label, translated_html, translated_text

from .models import (
    ANSWER_TEXT_MAX_LENGTH,
    NEED_DETAIL_MAX_LENGTH,
    NOT_APPLICABLE_REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Answer,
    Checkpoint,
    TemplateVersion,
)

SUGGESTION_LIMIT = 12
# The checkpoints whose plan a partnership holds (its action plan, its communication plan).
PLAN_CHECKPOINTS = ("3.1", "3.2")


class LimitedTextField(forms.CharField):
    """Text with a length limit said in the user's words and numbers ("20 000"), and no
    `maxlength` on the widget: a browser would silently cut pasted text there."""

    def __init__(self, *, limit, too_long, **kwargs):
        super().__init__(**kwargs)
        self.limit, self.too_long = limit, too_long

    def validate(self, value):
        super().validate(value)
        if len(value) > self.limit:
            raise ValidationError(
                self.too_long,
                code="max_length",
                params={
                    "limit": number_format(self.limit, force_grouping=True),
                    "count": number_format(len(value), force_grouping=True),
                },
            )


def answer_text_field(**kwargs):
    return LimitedTextField(
        limit=ANSWER_TEXT_MAX_LENGTH,
        too_long=_("Your answer must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        **kwargs,
    )


class StartRoadmapForm(forms.Form):
    owner = forms.ChoiceField(
        label=_("Whose roadmap is it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whose roadmap it is")},
    )
    title = LimitedTextField(
        label=_("Name of the initiative"),
        limit=TITLE_MAX_LENGTH,
        too_long=_(
            "The name of the initiative must be %(limit)s characters or fewer (it has %(count)s)"
        ),
        help_text=_("A short name, for example “Day centre for children with disabilities”."),
        error_messages={"required": _("Enter a name for the initiative")},
    )

    KEY_PREFIXES = {Side.MUNICIPALITY: "m", Side.COMMUNITY: "o"}

    def __init__(self, *args, owners=(), **kwargs):
        """`owners`: [(side, owner), ...] from checklists.access.roadmap_owners_for_user."""
        super().__init__(*args, **kwargs)
        self.owners = {
            f"{self.KEY_PREFIXES[side]}{owner.pk}": (side, owner) for side, owner in owners
        }
        self.fields["owner"].choices = [
            (key, _("%(name)s – municipality form") % {"name": owner.name})
            if form == Side.MUNICIPALITY
            else (key, _("%(name)s – community organization form") % {"name": owner.name})
            for key, (form, owner) in self.owners.items()
        ]
        if len(self.owners) == 1:
            self.fields["owner"].initial = next(iter(self.owners))

    def form_and_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class AnswerForm(forms.Form):
    """One checkpoint's answer: the text, the structure its kind asks for, and a status."""

    STATUS_CHOICES = [
        (Answer.Status.COMPLETED, _("Yes, I have completed this checkpoint")),
        (Answer.Status.IN_PROGRESS, _("No, I’ll come back to it later")),
        (Answer.Status.NOT_APPLICABLE, _("It does not apply to us")),
    ]

    version = VersionField()
    text = answer_text_field(
        label=_("Your answer in detail"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "As detailed as you can, up to 20,000 characters: it saves itself while you type."
        ),
    )
    status = forms.ChoiceField(
        label=_("Have you completed this checkpoint?"),
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have completed this checkpoint")},
    )
    not_applicable_reason = LimitedTextField(
        label=_("Why does it not apply? (if it does not)"),
        limit=NOT_APPLICABLE_REASON_MAX_LENGTH,
        too_long=_("The reason must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        checkpoint,
        roadmap,
        answer,
        later=False,
        departments_url="",
        departments_of=None,
        **kwargs,
    ):
        """`later`: "Save and come back later", which saves without a status ticked.
        `departments_url` answers htmx with the department field; `departments_of`, a
        municipality's id, narrows the departments to that municipality's."""
        super().__init__(*args, **kwargs)
        self.checkpoint, self.roadmap, self.answer = checkpoint, roadmap, answer
        self.later = later
        if checkpoint.code in PLAN_CHECKPOINTS:
            # The plan itself is a partnership's (the page links to it): this text is notes.
            self.fields["text"].label = _("Notes on the plan")
            self.fields["text"].help_text = _(
                "Anything about the plan that does not fit in it. It saves itself while you type."
            )
        if later:
            self.fields["status"].required = False
        kind = checkpoint.kind
        if kind == Checkpoint.Kind.TARGET_GROUP:
            self.fields["target_groups"] = forms.ModelMultipleChoiceField(
                label=_("Target groups"),
                queryset=TargetGroup.objects.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose all that fit, then describe the group in your own words."),
            )
            self.fields["target_groups"].label_from_instance = name_label
        elif kind == Checkpoint.Kind.NEEDS:
            self.need_kinds = list(NeedKind.objects.all())
            for need in self.need_kinds:
                self.fields[f"need_{need.slug}"] = LimitedTextField(
                    label=translated_html(translated_text(need, "name")),
                    limit=NEED_DETAIL_MAX_LENGTH,
                    too_long=_(
                        "What you need must be %(limit)s characters or fewer (it has %(count)s)"
                    ),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=self.need_help_text(checkpoint, need),
                )
        elif kind in (Checkpoint.Kind.SIMILAR_ORGANIZATIONS, Checkpoint.Kind.ORGANIZATIONS):
            self.fields["organizations"] = forms.ModelMultipleChoiceField(
                label=_("Organizations from the directory"),
                queryset=self.organization_choices(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        elif kind == Checkpoint.Kind.DEPARTMENT:
            municipalities = self.municipality_choices()
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Municipality to work with"),
                queryset=municipalities,
                required=False,
                empty_label=_("Choose a municipality"),
                help_text=_("Those your organization works in come first."),
            )
            self.fields["municipality"].widget.attrs |= {
                # htmx: choosing the municipality narrows the departments (see the view);
                # without JavaScript the departments are grouped by municipality.
                "hx-get": departments_url,
                "hx-trigger": "change",
                "hx-target": "#department-field",
                "hx-swap": "outerHTML",
                "aria-controls": "id_department",
            }
            self.fields["department"] = forms.ModelChoiceField(
                label=_("Its most suitable department and contact person"),
                queryset=Department.objects.select_related("municipality"),
                required=False,
                empty_label=_("Choose a department"),
                help_text=_("From the departments municipalities list in the portal."),
            )
            self.fields["department"].choices = self.department_choices(
                municipalities, only=departments_of
            )

    def municipality_choices(self):
        """Every municipality: the organization's home first, then those it serves."""
        organization = self.roadmap.organization
        return Municipality.objects.annotate(
            distance=Case(
                When(pk=organization.home_municipality_id, then=Value(0)),
                When(pk__in=organization.municipalities_served.values("pk"), then=Value(1)),
                default=Value(2),
            )
        ).order_by("distance", "name")

    def department_choices(self, municipalities, *, only=None):
        """The departments grouped by municipality (<optgroup>), in the municipalities'
        order; only one municipality's, ungrouped, when `only` is its id."""
        empty = [("", self.fields["department"].empty_label)]
        departments = Department.objects.order_by("name")
        if only is not None:
            return empty + [
                (d.pk, _department_label(d)) for d in departments.filter(municipality=only)
            ]
        by_municipality = {}
        for department in departments:
            by_municipality.setdefault(department.municipality_id, []).append(
                (department.pk, _department_label(department))
            )
        return empty + [
            (municipality.name, by_municipality[municipality.pk])
            for municipality in municipalities
            if municipality.pk in by_municipality
        ]

    @staticmethod
    def need_help_text(checkpoint, need):
        """The checkpoint's sentence for this kind of need in the active language, else the
        kind's own description, marked with its language when that fell back."""
        guidance = checkpoint.need_guidance.get(need.slug, {}).get(get_language())
        if guidance:
            return conditional_escape(guidance)
        return translated_html(translated_text(need, "description"))

    def organization_choices(self):
        """Suggestions: published organizations of the same municipality that work with the
        same target groups or in the same fields, and those already attached."""
        roadmap = self.roadmap
        municipality_id = (
            roadmap.municipality_id
            if roadmap.form == Side.MUNICIPALITY
            else roadmap.organization.home_municipality_id
        )
        related = Answer.objects.filter(roadmap=roadmap)
        group_ids = list(
            related.values_list("target_groups", flat=True).exclude(target_groups=None)
        )
        field_ids = []
        if roadmap.organization_id:
            group_ids += list(roadmap.organization.target_groups.values_list("pk", flat=True))
            field_ids = list(roadmap.organization.fields_of_activity.values_list("pk", flat=True))
        nearby = Organization.objects.published().filter(
            Q(home_municipality_id=municipality_id) | Q(municipalities_served=municipality_id)
        )
        if group_ids or field_ids:
            nearby = nearby.filter(
                Q(target_groups__in=group_ids) | Q(fields_of_activity__in=field_ids)
            )
        nearby = nearby.exclude(pk=roadmap.organization_id)
        suggested = list(
            nearby.distinct().order_by("name").values_list("pk", flat=True)[:SUGGESTION_LIMIT]
        )
        attached = list(self.answer.organizations.values_list("pk", flat=True))
        return Organization.objects.filter(pk__in=set(suggested + attached)).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if self.later and not cleaned.get("status") and "status" not in self.errors:
            # Whatever is written is kept as a draft; nothing written leaves it not started.
            cleaned["status"] = (
                Answer.Status.IN_PROGRESS
                if self.has_content(cleaned)
                else Answer.Status.NOT_STARTED
            )
        status = cleaned.get("status")
        if status == Answer.Status.NOT_APPLICABLE and not cleaned.get("not_applicable_reason"):
            self.add_error(
                "not_applicable_reason", _("Say why this checkpoint does not apply to you")
            )
        department, municipality = cleaned.get("department"), cleaned.get("municipality")
        if department and municipality and department.municipality_id != municipality.pk:
            self.add_error(
                "department",
                _("Choose a department of %(municipality)s, or another municipality")
                % {"municipality": municipality.name},
            )
        if status == Answer.Status.COMPLETED and not self.has_content(cleaned):
            self.add_error("text", _("Write your answer, or say that it does not apply"))
        return cleaned

    def has_content(self, cleaned):
        return bool(
            (cleaned.get("text") or "").strip()
            or cleaned.get("target_groups")
            or cleaned.get("organizations")
            or cleaned.get("department")
            or any(
                (cleaned.get(f"need_{n.slug}") or "").strip()
                for n in getattr(self, "need_kinds", [])
            )
        )

    def values(self):
        """The cleaned answer as checklists.services.answer_save takes it."""
        data = self.cleaned_data
        values = {
            "text": data["text"],
            "status": data["status"],
            "not_applicable_reason": data["not_applicable_reason"]
            if data["status"] == Answer.Status.NOT_APPLICABLE
            else "",
        }
        if "target_groups" in self.fields:
            values["target_groups"] = [g.pk for g in data["target_groups"]]
        if "organizations" in self.fields:
            values["organizations"] = [o.pk for o in data["organizations"]]
        if "department" in self.fields:
            values["department_id"] = data["department"].pk if data["department"] else None
        if hasattr(self, "need_kinds"):
            values["needs"] = {
                n.slug: data[f"need_{n.slug}"].strip()
                for n in self.need_kinds
                if data.get(f"need_{n.slug}", "").strip()
            }
        return values


def _department_label(department):
    if department.contact_person:
        return f"{department.name} ({department.contact_person})"
    return department.name


def answer_initial(answer):
    initial = {
        "version": answer.version,
        "text": answer.text,
        "status": answer.status if answer.status != Answer.Status.NOT_STARTED else "",
        "not_applicable_reason": answer.not_applicable_reason,
        "target_groups": list(answer.target_groups.all()),
        "organizations": list(answer.organizations.all()),
        "department": answer.department,
        "municipality": answer.department.municipality_id if answer.department_id else None,
    }
    initial |= {f"need_{slug}": detail for slug, detail in answer.needs.items()}
    return initial


class AutosaveForm(forms.Form):
    version = VersionField()
    text = answer_text_field()


class ShareForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("Its coordinators will be able to read this roadmap, not change it."),
        error_messages={"required": _("Choose the municipality to share the roadmap with")},
    )


class UpgradeForm(forms.Form):
    """Move to a newer version: the version the confirm page showed and the roadmap's lock
    as it was then, so that the move is the one the editor saw."""

    to_version = forms.ModelChoiceField(
        queryset=TemplateVersion.objects.all(),
        to_field_name="number",
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(["required", "invalid_choice"], OUT_OF_DATE),
    )
    lock_version = VersionField()
