"""The form of an evaluation stage: what, when, what of the cooperation itself it evaluates,
and who is responsible (someone of the partnership, or a partner whose contact person gets
the reminders)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.access import partnership_people
from actionplans.models import LONG_TEXT_MAX_LENGTH, NAME_MAX_LENGTH
from checklists.forms import LimitedTextField
from roadmap_portal.lib.forms import DateInput, FirstCheckboxSelectMultiple, FirstRadioSelect
from roadmap_portal.lib.locking import OUT_OF_DATE, VersionField
from roadmap_portal.lib.text import validate_single_line

from .models import CooperationSubject, EvaluationStage


def long_text(label, *, help_text=""):
    return LimitedTextField(
        label=label,
        limit=LONG_TEXT_MAX_LENGTH,
        too_long=_("This text must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


def responsible_choices(partnership, *, keep_user=None):
    """(people, members) a stage's responsible fields choose from: the partnership's people
    (and whoever was chosen before, though they left since) and its partners."""
    people = list(partnership_people(partnership).order_by("full_name", "email"))
    if keep_user is not None and keep_user.pk not in {person.pk for person in people}:
        people.append(keep_user)
    members = list(
        partnership.members.select_related("organization", "municipality").order_by(
            "position", "id"
        )
    )
    return people, members


class StageForm(forms.Form):
    version = VersionField(required=False)
    name = LimitedTextField(
        label=_("Name of the stage"),
        limit=NAME_MAX_LENGTH,
        too_long=_("The name must be %(limit)s characters or fewer (it has %(count)s)"),
        validators=[validate_single_line],
        help_text=_("For example “Mid-term review with the families”."),
        error_messages={"required": _("Enter the name of the stage")},
    )
    kind = forms.ChoiceField(
        label=_("When in the cooperation"),
        choices=EvaluationStage.Kind.choices,
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose when in the cooperation the stage is"),
            "invalid_choice": _("Choose when in the cooperation the stage is"),
        },
    )
    starts_on = forms.DateField(
        label=_("Start of the period (optional)"),
        help_text=_("Leave it empty for a stage on one day. For example 2027-03-01."),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter the start as a real date, like 2027-03-01")},
    )
    ends_on = forms.DateField(
        label=_("Date, or end of the period"),
        help_text=_("When the stage is due. For example 2027-03-31."),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the stage"),
            "invalid": _("Enter the date as a real date, like 2027-03-31"),
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=EvaluationStage.Status.choices,
        initial=EvaluationStage.Status.PLANNED,
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose the status of the stage"),
            "invalid_choice": _("Choose the status of the stage"),
        },
    )
    subjects = forms.MultipleChoiceField(
        label=_("The cooperation itself (optional)"),
        help_text=_("What of the way the partners work together this stage evaluates."),
        choices=CooperationSubject.choices,
        required=False,
        widget=FirstCheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list")},
    )
    questions = long_text(
        _("What you will evaluate (optional)"),
        help_text=_("The questions the stage answers."),
    )
    findings = long_text(_("Findings (optional)"))
    responsible_user = forms.TypedChoiceField(
        label=_("Responsible person (optional)"),
        help_text=_("Someone of the municipality or of a partner organization."),
        coerce=int,
        required=False,
        empty_value=None,
    )
    responsible_member = forms.TypedChoiceField(
        label=_("Or the responsible partner (optional)"),
        help_text=_("Reminders go to this partner's contact person."),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, people, members, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A new stage has no version yet; a saved one is changed at the version loaded.
        self.fields["version"].required = editing
        none = [("", _("Not chosen"))]
        self.fields["responsible_user"].choices = none + [(p.pk, str(p)) for p in people]
        self.fields["responsible_member"].choices = none + [(m.pk, str(m)) for m in members]
        for name in ("responsible_user", "responsible_member"):
            # An id of another partnership's (or one gone since): the page is out of date.
            self.fields[name].error_messages["invalid_choice"] = OUT_OF_DATE

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end of the period must be after its start"))
        elif starts_on and starts_on == ends_on:
            data["starts_on"] = None  # a period of one day is that day
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "kind": data["kind"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "status": data["status"],
            "subjects": sorted(set(data["subjects"])),
            "questions": data["questions"].strip(),
            "findings": data["findings"].strip(),
            "responsible_user_id": data["responsible_user"],
            "responsible_member_id": data["responsible_member"],
        }

    @staticmethod
    def initial_of(stage) -> dict:
        return {
            "version": stage.version,
            "name": stage.name,
            "kind": stage.kind,
            "starts_on": stage.starts_on,
            "ends_on": stage.ends_on,
            "status": stage.status,
            "subjects": stage.subjects,
            "questions": stage.questions,
            "findings": stage.findings,
            "responsible_user": stage.responsible_user_id,
            "responsible_member": stage.responsible_member_id,
        }
