"""The forms of KPIs and their measurements: a KPI's definition, a measurement's value, and
a measurement's approval or rejection.

Numbers are typed as the user's language writes them (Latvian 12,5; English 12.5) and
checked here, each with a message in words: text such as "N/A", a number too large for the
database's columns, more decimal places than the KPI shows. Nothing is guessed: how a KPI's
measurements add up and which direction is good have no initial choice.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.models import NAME_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from checklists.forms import LimitedTextField
from roadmap_portal.lib.forms import DateInput, FirstCheckboxSelectMultiple, FirstRadioSelect
from roadmap_portal.lib.locking import VersionField
from roadmap_portal.lib.text import lazy_format, validate_single_line

from .models import DECIMAL_PLACES, LARGEST_NUMBER, MAX_DECIMALS, Kpi, Measurement

TOO_LONG = _("This text must be %(limit)s characters or fewer (it has %(count)s)")
MUNICIPALITY_CHOICE = "municipality"


def _date_field(label, *, what):
    return forms.DateField(
        label=label,
        help_text=_("For example 2027-03-31."),
        widget=DateInput(),
        error_messages={
            "required": lazy_format(_("Enter %(what)s"), what=what),
            "invalid": lazy_format(_("Enter %(what)s as a real date, like 2027-03-31"), what=what),
        },
    )


def options(bound_field, hints=None):
    """(radio or checkbox, hint) for each choice of a bound field, for the template."""
    hints = hints or {}
    return [(option, hints.get(option.data["value"])) for option in bound_field]


class NumberField(forms.DecimalField):
    """A decimal number in the user's language (localized input), at most `decimals`
    places after the point and no larger than the database holds, each limit said in words.
    `what` names the number in the messages ("the baseline")."""

    def __init__(self, *, what, decimals=DECIMAL_PLACES, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(max_digits=None, decimal_places=None, **kwargs)
        self.what, self.decimals = what, decimals
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.error_messages["required"] = lazy_format(_("Enter %(what)s"), what=what)

    def _not_a_number(self):
        return ValidationError(
            _("Enter %(what)s as a number, like %(example)s"),
            code="invalid",
            params={"what": self.what, "example": number_format(Decimal("12.5"))},
        )

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = re.sub(r"[ \u00a0\u202f]", "", value)
            if not self._plain_number(value):
                raise self._not_a_number()
        try:
            return super().to_python(value)
        except ValidationError:
            raise self._not_a_number() from None

    @staticmethod
    def _plain_number(text) -> bool:
        """Digits 0-9 with one decimal mark, nothing else (no exponent, no other scripts'
        digits, no underscores). Spaces are thousands separators in lv, lt, sv; where the
        point separates thousands (pt, el) it is refused, so "1.234" never becomes 1.234."""
        marks = "." if get_format("THOUSAND_SEPARATOR") != "." else ""
        marks += get_format("DECIMAL_SEPARATOR")
        return bool(re.fullmatch(rf"[+-]?[0-9]+(?:[{re.escape(marks)}][0-9]+)?", text))

    def validate(self, value):
        if value not in self.empty_values and not value.is_finite():  # NaN, Infinity
            raise self._not_a_number()
        super().validate(value)
        if value in self.empty_values:
            return
        if abs(value) > LARGEST_NUMBER:
            raise ValidationError(
                _("%(what)s must be between %(smallest)s and %(largest)s"),
                code="too_large",
                params={
                    "what": str(self.what).capitalize(),
                    "smallest": number_format(-LARGEST_NUMBER, force_grouping=True),
                    "largest": number_format(LARGEST_NUMBER, force_grouping=True),
                },
            )
        if decimal_places(value) > self.decimals:
            raise ValidationError(too_many_places(self.what, self.decimals), code="places")


def decimal_places(value) -> int:
    """How many places after the point `value` needs (12.50 needs 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def places_hint(decimals):
    if decimals == 0:
        return _("A whole number.")
    return ngettext(
        "At most %(count)s decimal place.", "At most %(count)s decimal places.", decimals
    ) % {"count": decimals}


def too_many_places(what, decimals):
    if decimals == 0:
        return _("Enter %(what)s as a whole number") % {"what": what}
    return ngettext(
        "Enter %(what)s with at most %(count)s decimal place",
        "Enter %(what)s with at most %(count)s decimal places",
        decimals,
    ) % {"what": what, "count": decimals}


# What each way of adding up means, shown beside its choice (the choice is the user's).
AGGREGATION_HINTS = {
    Kpi.Aggregation.SUM: _(
        "Each measurement is an amount new since the last one (people trained this month). "
        "The value is the baseline plus all of them."
    ),
    Kpi.Aggregation.LATEST: _(
        "Each measurement is the level at its date (a rate, a running total). "
        "The value is the latest one."
    ),
    Kpi.Aggregation.AVERAGE: _(
        "Each measurement is one reading of a level that varies (a satisfaction score). "
        "The value is their average."
    ),
}
DIRECTION_HINTS = {
    Kpi.Direction.UP: _("The target is above the baseline, or equal to it to keep a level."),
    Kpi.Direction.DOWN: _("The target is below the baseline, or equal to it to keep a level."),
}


class KpiForm(forms.Form):
    """Every field of Kpi.EDITABLE_FIELDS, and the version the editor loaded."""

    version = VersionField(required=False)
    name = LimitedTextField(
        label=_("Name"),
        limit=NAME_MAX_LENGTH,
        too_long=TOO_LONG,
        validators=[validate_single_line],
        help_text=_("What is measured, for example “Share of young people in employment”."),
        error_messages={"required": _("Enter the name of the KPI")},
    )
    unit = LimitedTextField(
        label=_("Unit (optional)"),
        limit=Kpi._meta.get_field("unit").max_length,
        too_long=TOO_LONG,
        validators=[validate_single_line],
        required=False,
        help_text=_("For example: %, people, events."),
    )
    decimals = forms.TypedChoiceField(
        label=_("Decimal places"),
        help_text=_("How many digits after the decimal point the values have."),
        choices=[(n, str(n)) for n in range(MAX_DECIMALS + 1)],
        coerce=int,
        initial=0,
        error_messages={
            "required": _("Choose how many decimal places the values have"),
            "invalid_choice": _("Choose how many decimal places the values have"),
        },
    )
    direction = forms.ChoiceField(
        label=_("Which direction is good?"),
        choices=Kpi.Direction.choices,
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose which direction is good"),
            "invalid_choice": _("Choose which direction is good"),
        },
    )
    aggregation = forms.ChoiceField(
        label=_("How do measurements add up?"),
        choices=Kpi.Aggregation.choices,
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose how the measurements add up"),
            "invalid_choice": _("Choose how the measurements add up"),
        },
    )
    baseline_value = NumberField(label=_("Baseline"), what=_("the baseline"))
    baseline_on = _date_field(_("Date of the baseline"), what=_("the date of the baseline"))
    target_value = NumberField(label=_("Target"), what=_("the target"))
    target_on = _date_field(_("Date of the target"), what=_("the date of the target"))
    source = LimitedTextField(
        label=_("Source of the data (optional)"),
        limit=SHORT_TEXT_MAX_LENGTH,
        too_long=TOO_LONG,
        validators=[validate_single_line],
        required=False,
        help_text=_("For example: the State Employment Agency's statistics."),
    )
    method = LimitedTextField(
        label=_("How it is measured (optional)"),
        limit=Kpi._meta.get_field("method").max_length,
        too_long=TOO_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.TypedMultipleChoiceField(
        label=_("Linked actions (optional)"),
        help_text=_("The rows of the action plan this KPI measures."),
        coerce=int,
        required=False,
        widget=FirstCheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose actions of this partnership's action plan")},
    )

    def __init__(self, *args, actions=(), versioned=False, **kwargs):
        """`actions`: the partnership's action rows, in their order; `versioned`: an
        edit, at the version the editor loaded."""
        super().__init__(*args, **kwargs)
        if versioned:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.fields["actions"].choices = [
            (
                action.pk,
                _("Row %(number)s: %(activity)s")
                % {"number": number, "activity": action.activity[:80]},
            )
            for number, action in enumerate(actions, start=1)
        ]

    @property
    def aggregation_options(self):
        return options(self["aggregation"], AGGREGATION_HINTS)

    @property
    def direction_options(self):
        return options(self["direction"], DIRECTION_HINTS)

    @property
    def action_options(self):
        return options(self["actions"])

    def clean(self):
        data = super().clean()
        baseline_on, target_on = data.get("baseline_on"), data.get("target_on")
        if baseline_on and target_on and target_on <= baseline_on:
            self.add_error("target_on", _("The date of the target must be after the baseline's"))
        decimals = data.get("decimals")
        numbers = (("baseline_value", _("the baseline")), ("target_value", _("the target")))
        for name, what in numbers:
            value = data.get(name)
            if value is not None and decimals is not None and decimal_places(value) > decimals:
                self.add_error(name, too_many_places(what, decimals))
        baseline, target = data.get("baseline_value"), data.get("target_value")
        direction = data.get("direction")
        if None not in (baseline, target, direction) and not self.has_error("target_value"):
            if direction == Kpi.Direction.UP and target < baseline:
                self.add_error(
                    "target_value",
                    _("Higher is better: the target must be the same as the baseline or above it"),
                )
            elif direction == Kpi.Direction.DOWN and target > baseline:
                self.add_error(
                    "target_value",
                    _("Lower is better: the target must be the same as the baseline or below it"),
                )
        return data

    def values(self) -> dict:
        """The cleaned definition as kpi_create and kpi_save take it."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "unit": data["unit"].strip(),
            "decimals": data["decimals"],
            "direction": data["direction"],
            "aggregation": data["aggregation"],
            "baseline_value": data["baseline_value"],
            "baseline_on": data["baseline_on"],
            "target_value": data["target_value"],
            "target_on": data["target_on"],
            "source": data["source"].strip(),
            "method": data["method"].strip(),
            "actions": sorted(set(data["actions"])),
        }


def kpi_initial(kpi) -> dict:
    initial = {name: getattr(kpi, name) for name in Kpi.EDITABLE_FIELDS if name != "actions"}
    initial["actions"] = sorted(kpi.actions.values_list("pk", flat=True))
    initial["version"] = kpi.version
    return initial


def party_choice(party) -> str:
    return MUNICIPALITY_CHOICE if party is MUNICIPALITY_PARTY else str(party.pk)


class MeasurementForm(forms.Form):
    """One measurement of `kpi`: its value (at most the KPI's decimal places), its date
    (not after `today`, the municipality's), and for a user who acts for several parties,
    the party it is entered for."""

    version = VersionField(required=False)
    party = forms.ChoiceField(
        label=_("Who is it entered for?"),
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose who the measurement is entered for"),
            "invalid_choice": _("Choose who the measurement is entered for"),
        },
    )
    value = NumberField(label=_("Value"), what=_("the value"))
    measured_on = _date_field(_("Date"), what=_("the date of the measurement"))
    source = LimitedTextField(
        label=_("Source (optional)"),
        limit=SHORT_TEXT_MAX_LENGTH,
        too_long=TOO_LONG,
        validators=[validate_single_line],
        required=False,
    )
    note = LimitedTextField(
        label=_("Note (optional)"),
        limit=Measurement._meta.get_field("note").max_length,
        too_long=TOO_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_estimate = forms.BooleanField(label=_("This value is an estimate"), required=False)

    def __init__(self, *args, kpi, today, parties=(), versioned=False, **kwargs):
        """`parties`: whom the user may enter for (none when a change keeps the party it
        was entered for); `versioned`: a change, at the version the editor loaded."""
        super().__init__(*args, **kwargs)
        self.kpi, self.today = kpi, today
        value = self.fields["value"]
        value.decimals = kpi.decimals
        if kpi.unit:
            value.label = _("Value (%(unit)s)") % {"unit": kpi.unit}
        value.help_text = places_hint(kpi.decimals)
        if versioned:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.parties = {party_choice(p): p for p in parties}
        if len(self.parties) > 1:
            self.fields["party"].choices = [
                (key, _("The municipality") if p is MUNICIPALITY_PARTY else p.name)
                for key, p in self.parties.items()
            ]
        else:
            del self.fields["party"]

    @property
    def party_options(self):
        return options(self["party"])

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day > self.today:
            raise ValidationError(
                _("The date of the measurement must be today or in the past"), code="future"
            )
        return day

    def chosen_party(self):
        """The party chosen, or the only one."""
        if "party" in self.fields:
            return self.parties[self.cleaned_data["party"]]
        return next(iter(self.parties.values()))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "value": data["value"],
            "measured_on": data["measured_on"],
            "source": data["source"].strip(),
            "note": data["note"].strip(),
            "is_estimate": data["is_estimate"],
        }


def measurement_initial(measurement) -> dict:
    initial = {name: getattr(measurement, name) for name in Measurement.EDITABLE_FIELDS}
    initial["version"] = measurement.version
    return initial


class ReviewForm(forms.Form):
    """Approve or reject, with a reason for a rejection, at the version the reviewer saw."""

    APPROVE, REJECT = "approve", "reject"

    version = VersionField()
    decision = forms.ChoiceField(
        label=_("Do you approve this measurement?"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose whether you approve or reject the measurement"),
            "invalid_choice": _("Choose whether you approve or reject the measurement"),
        },
    )
    note = LimitedTextField(
        label=_("Reason (needed for a rejection)"),
        limit=Measurement._meta.get_field("review_note").max_length,
        too_long=TOO_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner who entered it reads this."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why you reject the measurement"))
        return data

    @property
    def decision_options(self):
        return options(self["decision"])

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
