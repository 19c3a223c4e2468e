"""Forms of check and sign, what changed, and publication. They validate; they write nothing."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from roadmap_portal.lib.forms import FirstRadioSelect
from roadmap_portal.lib.locking import OUT_OF_DATE

from .access import MUNICIPALITY_PARTY

MUNICIPALITY_KEY = "municipality"
DRAFT = "draft"


def party_key(party) -> str:
    """A party as a form value: "municipality", or the organization's id."""
    return MUNICIPALITY_KEY if party is MUNICIPALITY_PARTY else str(party.pk)


def party_name(party, partnership) -> str:
    if party is MUNICIPALITY_PARTY:
        return partnership.municipality.name
    return party.name


class PartyForm(forms.Form):
    """Which of the user's parties: a radio question when they sign for several, a hidden
    value when for one."""

    party = forms.ChoiceField(
        label=_("Who do you sign for?"),
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Select who you sign for"),
            "invalid_choice": _("Select who you sign for"),
        },
    )

    def __init__(self, *args, parties, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {party_key(party): party for party in parties}
        field = self.fields["party"]
        field.choices = [(key, party_name(p, partnership)) for key, p in self.parties.items()]
        if len(self.parties) == 1:
            field.widget = forms.HiddenInput()
            field.initial = next(iter(self.parties))

    @property
    def asks_party(self) -> bool:
        return len(self.parties) > 1

    def clean_party(self):
        return self.parties[self.cleaned_data["party"]]


class SignForm(PartyForm):
    """Sign the content whose hash the page showed."""

    content_hash = forms.CharField(
        widget=forms.HiddenInput,
        validators=[RegexValidator(r"^[0-9a-f]{64}$", message=OUT_OF_DATE)],
        error_messages={"required": OUT_OF_DATE},
    )

    field_order = ["party", "content_hash"]


class PublicationForm(PartyForm):
    party = forms.ChoiceField(
        error_messages={
            "required": _("Select who you answer for"),
            "invalid_choice": _("Select who you answer for"),
        },
    )
    decision = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("withdraw", _("Withdraw agreement"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose whether you agree"),
            "invalid_choice": _("Choose whether you agree"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One button per party on the page: the party travels with the button.
        self.fields["party"].widget = forms.HiddenInput()


class CompareForm(forms.Form):
    """Two revisions, or a revision and the draft, by number (?from=1&to=draft)."""

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        revisions = [(str(n), _("Revision %(number)s") % {"number": n}) for n in numbers]
        self.fields["from"] = forms.ChoiceField(
            label=_("From"),
            choices=revisions,
            error_messages={
                "required": _("Select the revision to compare from"),
                "invalid_choice": _("Select a revision that exists"),
            },
        )
        self.fields["to"] = forms.ChoiceField(
            label=_("To"),
            choices=[*revisions, (DRAFT, _("The draft"))],
            error_messages={
                "required": _("Select the revision to compare to"),
                "invalid_choice": _("Select a revision that exists, or the draft"),
            },
        )

    def clean_from(self):
        return int(self.cleaned_data["from"])

    def clean_to(self):
        value = self.cleaned_data["to"]
        return value if value == DRAFT else int(value)
