from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Municipality

from .readers import DELIMITERS, ENCODING_LABELS


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV, XLSX or ODS, up to 10 MB, the first row holding the column names; or an "
            "Open Referral (HSDS) data package as a zip file."
        ),
        error_messages={"required": _("Choose the file to import")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of rows that name none"),
        queryset=Municipality.objects.none(),
        required=False,
    )
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: if any row is refused, import none"), required=False
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class ImportReadingForm(forms.Form):
    """How to read a CSV file, when the guess was wrong."""

    encoding = forms.ChoiceField(label=_("Encoding"), required=False)
    delimiter = forms.ChoiceField(label=_("Separator"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["encoding"].choices = list(ENCODING_LABELS.items())
        self.fields["delimiter"].choices = [
            ("tab" if key == "\t" else key, label) for key, label in DELIMITERS.items()
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
