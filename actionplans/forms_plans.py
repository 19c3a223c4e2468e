"""The rows of the action plan and of the communication plan, each plan on one page.

Both plans are a RowFormSet (roadmap_portal/lib/formsets.py) of plain forms saved as a
whole list, in the order shown: a hidden `id` keeps a saved row's identity when it moves.
The choices that depend on the partnership (its people, its partners, the saved rows a
row may depend on) are read once per page (PlanChoices) and handed to every row, so the
page's queries do not grow with its rows.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from roadmap_portal.lib.formsets import RowFormSet
from roadmap_portal.lib.locking import OUT_OF_DATE
from roadmap_portal.lib.text import validate_single_line

from .access import partnership_people
from .models import (
    MAX_ACTION_ITEMS,
    MAX_COMMUNICATION_ITEMS,
    ActionItem,
    CommunicationItem,
)


def _max_length(model, name):
    return model._meta.get_field(name).max_length


@dataclass
class PlanChoices:
    """What the rows of one partnership's plans choose from, read once for the page."""

    people: list = field(default_factory=list)
    members: list = field(default_factory=list)
    # The saved action rows, in their order: (id, number, activity).
    saved_actions: list = field(default_factory=list)

    @classmethod
    def for_actions(cls, partnership, actions):
        """`actions`: the saved rows, in order, with their responsible_user loaded."""
        people = list(partnership_people(partnership).order_by("full_name", "email"))
        # Someone responsible for a saved row who has left the partnership since stays a
        # choice, so the row can be saved unchanged (and given to someone else).
        known = {person.pk for person in people}
        for action in actions:
            if action.responsible_user_id and action.responsible_user_id not in known:
                known.add(action.responsible_user_id)
                people.append(action.responsible_user)
        return cls(
            people=people,
            members=list(
                partnership.members.select_related("organization", "municipality").order_by(
                    "position", "id"
                )
            ),
            saved_actions=[
                (action.pk, number, action.activity)
                for number, action in enumerate(actions, start=1)
            ],
        )

    @property
    def saved_ids(self) -> set[int]:
        return {pk for pk, _number, _activity in self.saved_actions}


class RowIdField(forms.IntegerField):
    """The id of the saved row a form edits, hidden; empty for a new row. An id that is
    not one of this plan's saved rows makes a new row (the formset checks)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, max_value=2**31 - 1, **kwargs)
        self.error_messages = dict.fromkeys(["invalid", "min_value", "max_value"], OUT_OF_DATE)


class ActionItemForm(forms.Form):
    id = RowIdField()
    activity = forms.CharField(
        label=_("Activity or action"),
        max_length=_max_length(ActionItem, "activity"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the activity or action")},
    )
    responsible_user = forms.TypedChoiceField(
        label=_("Responsible person"),
        help_text=_("Someone of the municipality or a partner organization, or type a name below."),
        coerce=int,
        required=False,
        empty_value=None,
    )
    responsible_name = forms.CharField(
        label=_("Or the responsible person's name"),
        help_text=_("For someone without an account on the portal."),
        max_length=_max_length(ActionItem, "responsible_name"),
        validators=[validate_single_line],
        required=False,
    )
    responsible_member = forms.TypedChoiceField(
        label=_("The partner they belong to (optional)"),
        help_text=_("Reminders for a name without an account go to this partner's contact."),
        coerce=int,
        required=False,
        empty_value=None,
    )
    goals = forms.CharField(
        label=_("Goals (optional)"),
        max_length=_max_length(ActionItem, "goals"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    starts_on = forms.DateField(
        label=_("Start date (optional)"),
        help_text=_("For example 2027-03-31."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        error_messages={"invalid": _("Enter the start date as a real date, like 2027-03-31")},
    )
    deadline = forms.DateField(
        label=_("Deadline (optional)"),
        help_text=_("For example 2027-03-31. Leave it empty for an ongoing activity."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        error_messages={"invalid": _("Enter the deadline as a real date, like 2027-03-31")},
    )
    ongoing = forms.BooleanField(label=_("Ongoing, without a deadline"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionItem.Status.choices,
        initial=ActionItem.Status.NOT_STARTED,
        error_messages={"required": _("Choose the status"), "invalid_choice": _("Choose a status")},
    )
    blocked_reason = forms.CharField(
        label=_("Why it is blocked (if it is)"),
        help_text=_("Needed when the status is Blocked."),
        max_length=_max_length(ActionItem, "blocked_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    depends_on = forms.TypedChoiceField(
        label=_("Depends on (optional)"),
        help_text=_("Another row of the plan that must be done first (saved rows only)."),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, choices: PlanChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        none = [("", _("Not chosen"))]
        self.fields["responsible_user"].choices = none + [
            (person.pk, str(person)) for person in choices.people
        ]
        self.fields["responsible_member"].choices = none + [
            (member.pk, str(member)) for member in choices.members
        ]
        self.fields["depends_on"].choices = [("", _("Nothing"))] + [
            (pk, _("Row %(number)s: %(activity)s") % {"number": number, "activity": activity[:60]})
            for pk, number, activity in choices.saved_actions
        ]
        for name in ("responsible_user", "responsible_member", "depends_on"):
            self.fields[name].error_messages["invalid_choice"] = OUT_OF_DATE

    def clean(self):
        data = super().clean()
        if data.get("responsible_user") and data.get("responsible_name"):
            self.add_error(
                "responsible_name",
                _("Choose the responsible person or type their name, not both"),
            )
        elif not (
            data.get("responsible_user")
            or data.get("responsible_name")
            or self.has_error("responsible_user")
            or self.has_error("responsible_name")
        ):
            self.add_error(
                "responsible_user", _("Choose the responsible person or type their name")
            )
        if data.get("ongoing") and data.get("deadline"):
            self.add_error("deadline", _("Give a deadline or tick Ongoing, not both"))
        starts_on, deadline = data.get("starts_on"), data.get("deadline")
        if starts_on and deadline and deadline < starts_on:
            self.add_error("deadline", _("The deadline must be on or after the start date"))
        if data.get("status") == ActionItem.Status.BLOCKED and not data.get("blocked_reason"):
            self.add_error("blocked_reason", _("Say why the activity is blocked"))
        depends_on = data.get("depends_on")
        if depends_on and depends_on == data.get("id"):
            self.add_error("depends_on", _("A row cannot depend on itself"))
        return data

    def values(self) -> dict:
        """The row as the service saves it (foreign keys as ids)."""
        data = self.cleaned_data
        blocked = data["status"] == ActionItem.Status.BLOCKED
        return {
            "activity": data["activity"],
            "responsible_user_id": data["responsible_user"],
            "responsible_name": data["responsible_name"],
            "responsible_member_id": data["responsible_member"],
            "goals": data["goals"],
            "starts_on": data["starts_on"],
            "deadline": data["deadline"],
            "ongoing": data["ongoing"],
            "status": data["status"],
            "blocked_reason": data["blocked_reason"] if blocked else "",
            "depends_on_id": data["depends_on"],
        }

    @staticmethod
    def initial_of(action) -> dict:
        return {
            "id": action.pk,
            "activity": action.activity,
            "responsible_user": action.responsible_user_id,
            "responsible_name": action.responsible_name,
            "responsible_member": action.responsible_member_id,
            "goals": action.goals,
            "starts_on": action.starts_on,
            "deadline": action.deadline,
            "ongoing": action.ongoing,
            "status": action.status,
            "blocked_reason": action.blocked_reason,
            "depends_on": action.depends_on_id,
        }


class CommunicationItemForm(forms.Form):
    id = RowIdField()
    subject = forms.CharField(
        label=_("What is communicated"),
        max_length=_max_length(CommunicationItem, "subject"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter what is communicated")},
    )
    audience = forms.CharField(
        label=_("To whom"),
        max_length=_max_length(CommunicationItem, "audience"),
        validators=[validate_single_line],
        error_messages={"required": _("Enter to whom it is communicated")},
    )
    sender = forms.CharField(
        label=_("By whom (optional)"),
        max_length=_max_length(CommunicationItem, "sender"),
        validators=[validate_single_line],
        required=False,
    )
    channel = forms.CharField(
        label=_("Channel (optional)"),
        help_text=_("For example e-mail, a meeting, the website, social media."),
        max_length=_max_length(CommunicationItem, "channel"),
        validators=[validate_single_line],
        required=False,
    )
    frequency = forms.CharField(
        label=_("Frequency or date (optional)"),
        max_length=_max_length(CommunicationItem, "frequency"),
        validators=[validate_single_line],
        required=False,
    )
    format = forms.CharField(
        label=_("Format (optional)"),
        max_length=_max_length(CommunicationItem, "format"),
        validators=[validate_single_line],
        required=False,
    )
    escalation = forms.CharField(
        label=_("How urgent changes and problems are raised (optional)"),
        max_length=_max_length(CommunicationItem, "escalation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, choices: PlanChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in CommunicationItem.EDITABLE_FIELDS}

    @classmethod
    def initial_of(cls, item) -> dict:
        return {
            "id": item.pk,
            **{name: getattr(item, name) for name in CommunicationItem.EDITABLE_FIELDS},
        }


class BasePlanFormSet(RowFormSet):
    """A plan's rows: each form takes the page's PlanChoices (form_kwargs "choices").

    Cleaning settles each row's identity: `row_id(form)` is the saved row it edits, or
    None for a new one (an id that is not one of this plan's saved rows, gone since the
    page was loaded or never this plan's, makes a new row and changes nothing else)."""

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Enter at most %(num)d row", "Enter at most %(num)d rows", "num"
        ),
    }

    def __init__(self, *args, saved_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_ids = set(saved_ids)

    def filled_forms(self):
        """The forms that hold a row (a new row left empty is no row)."""
        return [form for form in self.forms if form.cleaned_data]

    def row_id(self, form):
        pk = form.cleaned_data.get("id")
        return pk if pk in self.saved_ids else None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.filled_forms():
            pk = self.row_id(form)
            if pk is not None and pk in seen:
                raise forms.ValidationError(OUT_OF_DATE, code="duplicate_row")
            seen.add(pk)

    def plan_rows(self) -> list[dict]:
        """The valid rows in order, as the services take them: {"id": ..., **values}."""
        return [{"id": self.row_id(form), **form.values()} for form in self.filled_forms()]


class BaseActionFormSet(BasePlanFormSet):
    row_heading = _("Action %(number)s")
    row_name = _("action %(number)s")
    add_row_label = _("Add another action")

    def clean(self):
        super().clean()
        if any(self.errors) or self.non_form_errors():
            return
        kept = {}
        for form in self.filled_forms():
            pk = self.row_id(form)
            if pk is not None:
                kept[pk] = form
        for form in self.filled_forms():
            depends_on = form.cleaned_data.get("depends_on")
            if depends_on is None:
                continue
            if depends_on not in kept:
                form.add_error(
                    "depends_on", _("The row it depends on is removed: choose another or Nothing")
                )
            elif self._in_cycle(self.row_id(form), depends_on, kept):
                form.add_error(
                    "depends_on",
                    _("The rows would depend on each other in a circle: choose another row"),
                )

    @staticmethod
    def _in_cycle(start, depends_on, kept) -> bool:
        """Following "depends on" from this row comes back to it."""
        if start is None:  # a new row: nothing depends on it yet
            return False
        seen, current = set(), depends_on
        while current is not None and current not in seen:
            if current == start:
                return True
            seen.add(current)
            form = kept.get(current)
            current = form.cleaned_data.get("depends_on") if form else None
        return False


class BaseCommunicationFormSet(BasePlanFormSet):
    row_heading = _("Communication %(number)s")
    row_name = _("communication %(number)s")
    add_row_label = _("Add another communication")


# validate_max and absolute_max: without them Django takes up to 1,000 more forms than
# max_num. A plan's rows are saved as they are shown, in that order.
ActionFormSet = forms.formset_factory(
    ActionItemForm,
    formset=BaseActionFormSet,
    extra=1,
    max_num=MAX_ACTION_ITEMS,
    absolute_max=MAX_ACTION_ITEMS,
    validate_max=True,
)

CommunicationFormSet = forms.formset_factory(
    CommunicationItemForm,
    formset=BaseCommunicationFormSet,
    extra=1,
    max_num=MAX_COMMUNICATION_ITEMS,
    absolute_max=MAX_COMMUNICATION_ITEMS,
    validate_max=True,
)
