"""The forms of the partnership itself: starting one, its details, its partners."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from checklists.forms import LimitedTextField
from checklists.models import NEED_DETAIL_MAX_LENGTH
from orgs.models import NeedKind, Organization, TargetGroup
from roadmap_portal.lib.forms import DateInput
from roadmap_portal.lib.formsets import RowFormSet
from roadmap_portal.lib.locking import VersionField
from roadmap_portal.lib.text import validate_single_line
from roadmap_portal.lib.translated import name_label, translated_html, translated_text

from .models import (
    LONG_TEXT_MAX_LENGTH,
    MAX_MEMBERS,
    NAME_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    CooperationForm,
    Member,
    Partnership,
)


def _title_field():
    return LimitedTextField(
        label=_("Title"),
        limit=TITLE_MAX_LENGTH,
        too_long=_("The title must be %(limit)s characters or fewer (it has %(count)s)"),
        validators=[validate_single_line],
        help_text=_("A short name, for example “Respite care for families”."),
        error_messages={"required": _("Enter a title for the partnership")},
    )


def _long_text(label, *, required=False, help_text="", required_message=None):
    return LimitedTextField(
        label=label,
        limit=LONG_TEXT_MAX_LENGTH,
        too_long=_("This text must be %(limit)s characters or fewer (it has %(count)s)"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={"required": required_message} if required_message else None,
    )


def _shared_result_field():
    return _long_text(
        _("Shared result"),
        required=True,
        help_text=_("What the partners want to achieve together."),
        required_message=_("Enter the shared result the partnership aims at"),
    )


class StartPartnershipForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the municipality of the partnership"),
            "invalid_choice": _("Choose the municipality of the partnership"),
        },
    )
    title = _title_field()
    shared_result = _shared_result_field()

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class DetailsForm(forms.Form):
    """Every field of the partnership but its relations and versions."""

    version = VersionField()
    title = _title_field()
    shared_result = _shared_result_field()
    strategy = _long_text(_("Shared strategy (optional)"))
    roles_and_responsibilities = _long_text(_("Agreed roles and responsibilities (optional)"))
    procedures = _long_text(_("Compatible policies and procedures (optional)"))
    monitoring = _long_text(_("Monitoring and communication of results (optional)"))
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups (optional)"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose target groups from the list")},
    )
    target_group_detail = _long_text(_("The target group in your words (optional)"))
    cooperation_forms = forms.MultipleChoiceField(
        label=_("Forms of cooperation (optional)"),
        choices=CooperationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose forms of cooperation from the list")},
    )
    cooperation_other = LimitedTextField(
        label=_("The other form of cooperation (if other)"),
        limit=SHORT_TEXT_MAX_LENGTH,
        too_long=_("This text must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        validators=[validate_single_line],
    )
    starts_on = forms.DateField(
        label=_("Start date (optional)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter the start date as a real date")},
    )
    ends_on = forms.DateField(
        label=_("End date (optional)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter the end date as a real date")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Partnership.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the status of the partnership"),
            "invalid_choice": _("Choose the status of the partnership"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].label_from_instance = name_label
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
                help_text=translated_html(translated_text(need, "description")),
            )

    @property
    def need_fields(self):
        return [self[f"need_{need.slug}"] for need in self.need_kinds]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be the same as or after the start date"))
        other = CooperationForm.OTHER in (cleaned.get("cooperation_forms") or [])
        if other and not (cleaned.get("cooperation_other") or "").strip():
            self.add_error("cooperation_other", _("Say what the other form of cooperation is"))
        return cleaned

    def values(self):
        """The cleaned details as actionplans.services.partnership_details_save takes them."""
        data = self.cleaned_data
        forms_chosen = sorted(data["cooperation_forms"])
        return {
            "title": data["title"].strip(),
            "shared_result": data["shared_result"].strip(),
            **{
                name: data[name].strip()
                for name in (
                    "strategy",
                    "roles_and_responsibilities",
                    "procedures",
                    "monitoring",
                    "target_group_detail",
                )
            },
            "target_groups": list(data["target_groups"]),
            "needs": {
                n.slug: data[f"need_{n.slug}"].strip()
                for n in self.need_kinds
                if data.get(f"need_{n.slug}", "").strip()
            },
            "cooperation_forms": forms_chosen,
            "cooperation_other": data["cooperation_other"].strip()
            if CooperationForm.OTHER in forms_chosen
            else "",
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "status": data["status"],
        }


def details_initial(partnership):
    # The relations and the needs' JSON take their own fields below.
    initial = {
        name: getattr(partnership, name)
        for name in ("version", *Partnership.DETAILS_FIELDS)
        if name not in ("target_groups", "needs")
    }
    initial["target_groups"] = list(partnership.target_groups.all())
    initial |= {f"need_{slug}": detail for slug, detail in partnership.needs.items()}
    return initial


def organization_label(organization):
    """How an entry is written in the partner field: the name, with the registration
    number when it has one (names repeat; numbers do not, per country)."""
    if organization.registration_number:
        return f"{organization.name} ({organization.registration_number})"
    return organization.name


def organization_choices(partnership):
    """Who may be chosen as a partner: the published entries of the municipality's
    country, and those already partners (whatever their status now)."""
    return Organization.objects.filter(
        Q(status=Organization.Status.PUBLISHED, country=partnership.municipality.country)
        | Q(pk__in=partnership.members.values("organization_id"))
    )


def find_organization(queryset, text):
    """The entry `text` names: its exact name (any case), its registration number, or
    both as organization_label writes them. (organization, error) with one of them None."""
    text = " ".join(text.split())
    candidates = [Q(name__iexact=text), Q(registration_number=text)]
    if text.endswith(")") and " (" in text:
        name, _sep, number = text[:-1].rpartition(" (")
        candidates.insert(0, Q(name__iexact=name, registration_number=number))
    for condition in candidates:
        found = list(queryset.filter(condition)[:2])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, _(
                "Several organizations have this name: choose one from the list, or enter its"
                " registration number"
            )
    return None, _(
        "No published organization of the directory has this name or registration number:"
        " choose one from the list, or name the group in the next field instead"
    )


PARTNER_ROLES = [
    (value, label) for value, label in Member.Role.choices if value != Member.Role.LEAD_MUNICIPALITY
]


class MemberForm(forms.Form):
    """One partner: an entry of the directory or a group named as text, a role, a contact."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organization = forms.CharField(
        label=_("Organization from the directory"),
        required=False,
        max_length=NAME_MAX_LENGTH + 40,
        help_text=_("Its name or registration number, as the directory lists it."),
        widget=forms.TextInput(attrs={"list": "directory-organizations", "autocomplete": "off"}),
    )
    name = LimitedTextField(
        label=_("Or the name of a group not in the directory"),
        limit=NAME_MAX_LENGTH,
        too_long=_("The name must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        validators=[validate_single_line],
        help_text=_("Choose its entry above once it is in the directory: the name is cleared."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose a role")), *PARTNER_ROLES],
        error_messages={
            "required": _("Choose the partner's role"),
            "invalid_choice": _("Choose the partner's role"),
        },
    )
    contact_name = LimitedTextField(
        label=_("Contact person (optional)"),
        limit=NAME_MAX_LENGTH,
        too_long=_("The name must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        validators=[validate_single_line],
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail (optional)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an e-mail address like name@example.org")},
    )
    contact_phone = LimitedTextField(
        label=_("Contact phone (optional)"),
        limit=40,
        too_long=_("The phone number must be %(limit)s characters or fewer (it has %(count)s)"),
        required=False,
        validators=[validate_single_line],
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = organizations

    def clean(self):
        cleaned = super().clean()
        text, name = (cleaned.get("organization") or "").strip(), cleaned.get("name", "").strip()
        cleaned["organization"] = None
        cleaned["name"] = name
        if text:
            organization, error = find_organization(self.organizations, text)
            if error:
                self.add_error("organization", error)
            else:
                cleaned["organization"], cleaned["name"] = organization, ""
        elif not name and "name" not in self.errors:
            self.add_error(
                "organization",
                _("Choose an organization from the directory, or name the group"),
            )
        if (
            cleaned.get("role") == Member.Role.SIGNATORY
            and not cleaned["organization"]
            and "organization" not in self.errors
        ):
            self.add_error(
                "organization", _("A signatory must be an organization of the directory")
            )
        return cleaned

    def row(self):
        data = self.cleaned_data
        return {
            "id": data.get("id"),
            "role": data["role"],
            "organization": data["organization"],
            "name": data["name"],
            "contact_name": data["contact_name"].strip(),
            "contact_email": data["contact_email"].strip(),
            "contact_phone": data["contact_phone"].strip(),
        }


class LeadContactForm(forms.Form):
    """The lead municipality's row: always there, only its contact changes."""

    contact_name = MemberForm.base_fields["contact_name"]
    contact_email = MemberForm.base_fields["contact_email"]
    contact_phone = MemberForm.base_fields["contact_phone"]


class BaseMemberFormSet(RowFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Enter at most %(num)d partner", "Enter at most %(num)d partners", "num"
        ),
    }
    row_heading = _("Partner %(number)s")
    row_name = _("partner %(number)s")
    add_row_label = _("Add another partner")

    def clean(self):
        """One organization (or named group) once per role: the second row says so."""
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None):
                continue
            data = form.cleaned_data
            partner = data.get("organization") or data.get("name", "").casefold()
            key = (partner, data.get("role"))
            if not partner or not data.get("role"):
                continue
            if key in seen:
                form.add_error(
                    "role", _("This partner is already listed in this role: choose another role")
                )
            seen.add(key)

    def member_rows(self):
        """The filled rows, in their order (empty extra rows left out)."""
        return [form.row() for form in self.forms if form.cleaned_data]


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=1,
    max_num=MAX_MEMBERS - 1,
    absolute_max=MAX_MEMBERS - 1,
    validate_max=True,
)


def member_initial(member):
    return {
        "id": member.pk,
        "organization": organization_label(member.organization) if member.organization else "",
        "name": member.name,
        "role": member.role,
        "contact_name": member.contact_name,
        "contact_email": member.contact_email,
        "contact_phone": member.contact_phone,
    }
