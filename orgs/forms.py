from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FieldOfActivity, Municipality, NeedKind, Organization, TargetGroup
from .search import DirectoryQuery, Sort


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters (GET). Invalid values are ignored and reported."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Any municipality"),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type")), *Organization.Type.choices],
    )
    field = forms.ModelChoiceField(
        label=_("Field of activity"),
        queryset=FieldOfActivity.objects.all(),
        required=False,
        empty_label=_("Any field"),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("Any target group"),
    )
    offers = forms.ModelChoiceField(
        label=_("Can offer partners"),
        queryset=NeedKind.objects.all(),
        required=False,
        empty_label=_("Anything"),
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

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def directory_query(self):
        """The search the valid part of the form asks for."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        municipality = data.get("municipality")
        field = data.get("field")
        target_group = data.get("target_group")
        offers = data.get("offers")
        return DirectoryQuery(
            text=data.get("q") or "",
            country=data.get("country") or "",
            municipality_id=municipality.pk if municipality else None,
            type=data.get("type") or "",
            field_id=field.pk if field else None,
            target_group_id=target_group.pk if target_group else None,
            offers_id=offers.pk if offers else None,
            social_enterprise=bool(data.get("social_enterprise")),
            sort=data.get("sort") or "",
            page=data.get("page") or 1,
        )
