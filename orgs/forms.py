import copy

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language, get_language_info, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from roadmap_portal.lib.formsets import RowFormSet
from roadmap_portal.lib.pagecache import cached_value
from roadmap_portal.lib.text import validate_email_local_part, validate_single_line
from roadmap_portal.lib.translated import name_label, translated_text

from .models import (
    WORKING_LANGUAGES,
    EditableField,
    FieldOfActivity,
    Municipality,
    MunicipalityMembership,
    NeedKind,
    Organization,
    OrganizationClaim,
    Service,
    TargetGroup,
)
from .search import DirectoryQuery, Sort

# A message through the contact form: as long as a claim's message or a service description.
CONTACT_MESSAGE_MAX_LENGTH = 2000


def _choices_key(language):
    return f"orgs:directory-choices:{language}"


def directory_choices():
    """The directory's filter lists in the active language, cached for a few minutes:
    they change rarely, and reading them is most of a page's queries. Saving or deleting
    a municipality or a taxonomy entry drops them at once (directory_choices_changed)."""
    key = _choices_key(get_language())

    def build():
        countries_in_use = sorted(
            {str(c) for c in Municipality.objects.values_list("country", flat=True)}
        )
        return {
            "country": [(code, all_countries.name(code)) for code in countries_in_use],
            "municipality": list(Municipality.objects.order_by("name").values_list("pk", "name")),
            "field": [(t.pk, translated_text(t, "name")) for t in FieldOfActivity.objects.all()],
            "target_group": [(t.pk, translated_text(t, "name")) for t in TargetGroup.objects.all()],
            "offers": [(t.pk, translated_text(t, "name")) for t in NeedKind.objects.all()],
        }

    return cached_value(key, build, timeout=300)


def directory_choices_changed(**_signal):
    """Drop the cached lists in every language, once the change is committed (connected
    in orgs.apps to the saves and deletes of the models they list)."""
    keys = [_choices_key(code) for code, _name in settings.LANGUAGES]
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters (GET). Invalid values are ignored and reported."""

    @classmethod
    def of_request(cls, request):
        """The filters as the visitor set them: the directory page and its exports read
        them the same way. Invalid ones are reported and left out of the search."""
        form = cls(request.GET or None)
        if form.is_bound:
            form.is_valid()
        return form

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), required=False, coerce=int, empty_value=None
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type")), *Organization.Type.choices],
    )
    field = forms.TypedChoiceField(
        label=_("Field of activity"), required=False, coerce=int, empty_value=None
    )
    target_group = forms.TypedChoiceField(
        label=_("Target group"), required=False, coerce=int, empty_value=None
    )
    offers = forms.TypedChoiceField(
        label=_("Can offer partners"), required=False, coerce=int, empty_value=None
    )
    social_enterprise = forms.BooleanField(
        label=_("Only organizations with social enterprise status"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match")),
            (Sort.NAME, _("Name")),
            (Sort.UPDATED, _("Recently updated")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    EMPTY_LABELS = {
        "country": _("Any country"),
        "municipality": _("Any municipality"),
        "field": _("Any field"),
        "target_group": _("Any target group"),
        "offers": _("Anything"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in directory_choices().items():
            self.fields[name].choices = [("", self.EMPTY_LABELS[name]), *choices]
        self.fields["social_enterprise"].widget.attrs["class"] = "form-check-input"

    def directory_query(self):
        """The search the valid part of the form asks for."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return DirectoryQuery(
            text=data.get("q") or "",
            country=data.get("country") or "",
            municipality_id=data.get("municipality"),
            type=data.get("type") or "",
            field_id=data.get("field"),
            target_group_id=data.get("target_group"),
            offers_id=data.get("offers"),
            social_enterprise=bool(data.get("social_enterprise")),
            sort=data.get("sort") or "",
            page=data.get("page") or 1,
        )


def _working_language_choices():
    return [(code, get_language_info(code)["name_translated"]) for code in WORKING_LANGUAGES]


class OrganizationForm(forms.ModelForm):
    """The details of an entry, as its representatives enter and edit them."""

    description_language = forms.ChoiceField(
        label=_("Language of the purpose"),
        required=False,
        choices=lambda: [("", _("The language of its country")), *settings.LANGUAGES],
        help_text=_("The language your description is written in."),
    )

    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_working_language_choices,
    )

    class Meta:
        model = Organization
        # The services are a formset of their own (ServiceFormSet).
        fields = [
            field.name
            for field in Organization.editable(EditableField.SIMPLE, EditableField.MANY_TO_MANY)
        ]
        widgets = {
            **{
                field.name: forms.CheckboxSelectMultiple
                for field in Organization.editable(EditableField.MANY_TO_MANY)
            },
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "name": _("Name of the organization"),
            "type": _("Type of organization"),
            "is_social_enterprise": _("It has social enterprise status"),
            "email_public": _("Show the e-mail address on the organization's public page"),
            "phone_public": _("Show the phone number on the organization's public page"),
            "offers": _("What can it offer partners?"),
            "seeks": _("What is it looking for?"),
        }
        error_messages = {
            "name": {"required": _("Enter the name of the organization")},
            "type": {"required": _("Choose the type of organization")},
            "home_municipality": {"required": _("Choose the municipality where it is based")},
        }
        help_texts = {
            "name": _("As registered, with the country's own letters."),
            "registration_number": _("From the country's register, if it has one."),
            "home_municipality": _("Where it is based. Its staff will check the entry."),
            "description": _("What it does and for whom, in a few sentences."),
            "contact_person": _("Shown publicly only if the person agrees below."),
            "email": _(
                "Messages sent through the portal's contact form come here. If it is not "
                "shown, people can still write to you through the form without seeing it."
            ),
            "email_public": _(
                "Leave it unticked if it is someone's own address. Municipal staff and your "
                "organization's representatives see it either way."
            ),
            "phone_public": _(
                "Leave it unticked if it is someone's own number. Municipal staff and your "
                "organization's representatives see it either way."
            ),
        }

    def __init__(self, *args, instance=None, **kwargs):
        # Validating writes what was typed into the instance, refused values too; the page
        # shows the entry as stored (its heading, its links), so the form gets a copy.
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        self.fields["home_municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["municipalities_served"].queryset = Municipality.objects.order_by("name")
        self.fields["municipalities_served"].label = _("Other municipalities it works in")
        self.fields["year_founded"].widget.attrs.update(inputmode="numeric")
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["description_language"] = instance.description_lang
        for name in ("fields_of_activity", "target_groups", "offers", "seeks"):
            self.fields[name].label_from_instance = name_label
        for name, field in self.fields.items():
            if not field.required and not isinstance(field.widget, forms.CheckboxInput):
                field.label = _("%(label)s (optional)") % {"label": field.label}
            if name == "email":
                field.widget.attrs.update(autocomplete="email", spellcheck="false")

    def clean_year_founded(self):
        year = self.cleaned_data.get("year_founded")
        if year is not None and not 1800 <= year <= timezone.now().year:
            raise forms.ValidationError(
                _("Enter a year between 1800 and %(year)s."), params={"year": timezone.now().year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        home = cleaned.get("home_municipality")
        served = cleaned.get("municipalities_served")
        if home and served and home in served:
            cleaned["municipalities_served"] = [m for m in served if m != home]
        return cleaned

    def same_registration_number(self):
        """Another entry of the same country with this registration number, if any."""
        number = (self.cleaned_data.get("registration_number") or "").strip()
        home = self.cleaned_data.get("home_municipality")
        if not number or not home:
            return None
        # An entry asking to move keeps its present country until the move is approved:
        # the number must be free in both.
        countries = {str(home.country)}
        if self.instance.pk:
            countries.add(str(self.instance.country))
        return Organization.objects.holding_number(
            number, countries=countries, excluding=self.instance.pk
        ).first()

    def values(self):
        """The cleaned data as the services take it: by snapshot key, a foreign key as
        its id, many-to-many as sorted ids (Organization.editable)."""
        data = self.cleaned_data
        values = {}
        for field in Organization.editable(EditableField.SIMPLE, EditableField.MANY_TO_MANY):
            value = data[field.name]
            if field.kind == EditableField.MANY_TO_MANY:
                value = sorted(item.pk for item in value)
            elif isinstance(value, models.Model):
                value = value.pk
            values[field.key] = value
        values["registration_number"] = values["registration_number"].strip()
        return values


class ServiceForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the programme or service"),
        max_length=Service._meta.get_field("name").max_length,
        validators=[validate_single_line],
        error_messages={"required": _("Enter the name of the programme or service")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=Service._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseServiceFormSet(RowFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Enter at most %(num)d programme or service",
            "Enter at most %(num)d programmes and services",
            "num",
        ),
    }
    row_heading = _("Programme or service %(number)s")
    row_name = _("programme or service %(number)s")
    add_row_label = _("Add another programme or service")


# validate_max and absolute_max: without them Django takes up to 1,000 more forms than
# max_num, and that many services overflow PostgreSQL's search tsvector (500). Rows are
# removed and reordered with the formset's buttons: the list is saved as it is shown.
ServiceFormSet = forms.formset_factory(
    ServiceForm,
    formset=BaseServiceFormSet,
    extra=1,
    max_num=Organization.SERVICES_MAX,
    absolute_max=Organization.SERVICES_MAX,
    validate_max=True,
)


def services_from(formset):
    return [
        [form.cleaned_data["name"], form.cleaned_data.get("description", "")]
        for form in formset.forms
        if form.cleaned_data
    ]


class RegistrationForm(OrganizationForm):
    """A new entry: the organization's details, consent, and a trap for robots."""

    publication_consent = forms.BooleanField(
        label=_("I agree that these details are published in the directory"),
        help_text=_(
            "The organization's details are public, its e-mail address and phone number only "
            "if you chose so above; your account's name and address are not."
        ),
        error_messages={
            "required": _(
                "Tick the box to agree that the details are published,"
                " or the entry cannot be listed"
            )
        },
    )
    not_a_duplicate = forms.BooleanField(
        label=_("My organization is not one of these: register it anyway"), required=False
    )
    # A honeypot: hidden from people, filled in by robots.
    fax = forms.CharField(required=False, label=_("Leave this empty"))


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        help_text=_("The representatives receive it by e-mail."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class DecisionForm(forms.Form):
    """Approve or reject a request in the moderation queue; a rejection needs a reason,
    which its author receives. Prefixed per request: the queue shows several."""

    APPROVE, REJECT = "approve", "reject"
    reason_required = _("Enter a reason for rejecting")

    decision = forms.ChoiceField(choices=[(APPROVE, APPROVE), (REJECT, REJECT)])
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        reason_refused = "reason" in self.errors
        if (
            cleaned.get("decision") == self.REJECT
            and not cleaned.get("reason")
            and not reason_refused
        ):
            self.add_error("reason", self.reason_required)
        return cleaned

    @property
    def approves(self):
        return self.cleaned_data["decision"] == self.APPROVE


class ClaimDecisionForm(DecisionForm):
    reason_required = _("Enter a reason for rejecting the claim")


class MoveDecisionForm(DecisionForm):
    reason_required = _("Enter a reason for rejecting the move")


class ClaimForm(forms.ModelForm):
    class Meta:
        model = OrganizationClaim
        fields = ["message"]
        help_texts = {
            "message": _("For example your role in it. Staff of the municipality read this.")
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}


class ContactForm(forms.Form):
    """A message to an organization from anyone. The name and the address go into the
    e-mail's headers (Reply-To), so they must be one line each."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        validators=[validate_single_line],
        error_messages={"required": _("Enter your name")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The organization replies to this address. It is not published."),
        max_length=254,  # the standard's limit (RFC 5321); Django would take 320
        validators=[validate_email_local_part, validate_single_line],
        error_messages={
            "required": _("Enter your e-mail address"),
            "invalid": _("Enter an e-mail address in the right format, like name@example.org"),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=CONTACT_MESSAGE_MAX_LENGTH,
        help_text=_("At most 2,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter your message")},
    )
    # A honeypot: hidden from people, filled in by robots.
    fax = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["name"].widget.attrs.update(autocomplete="name")


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your colleague"),
        help_text=_("They become a representative when they accept with this address."),
        max_length=254,  # the standard's limit (RFC 5321); Django would take 320
        validators=[validate_email_local_part],
    )


class StaffRoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=MunicipalityMembership.Role.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose a role")},
            help_text=_(
                "Staff moderate the directory and work on the municipality's roadmaps."
                " Coordinators also manage staff accounts and read the roadmaps"
                " organizations share with the municipality."
            ),
            **kwargs,
        )


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("They join the municipality when they accept with this address."),
        max_length=254,  # the standard's limit (RFC 5321); Django would take 320
        validators=[validate_email_local_part],
        error_messages={"required": _("Enter the e-mail address of the person to invite")},
    )
    role = StaffRoleField(label=_("Role"), initial=MunicipalityMembership.Role.STAFF)


class StaffRoleForm(forms.Form):
    role = StaffRoleField(label=_("Role"))
