"""The form of a piece of qualitative evidence: how it was gathered, what it found, how
many took part (a count, never names), the stage it belongs to, and optionally a file whose
type its bytes say (roadmap_portal.lib.uploads)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actionplans.models import LONG_TEXT_MAX_LENGTH, NAME_MAX_LENGTH
from checklists.forms import LimitedTextField
from roadmap_portal.lib import uploads
from roadmap_portal.lib.forms import DateInput, FirstRadioSelect
from roadmap_portal.lib.locking import OUT_OF_DATE, VersionField
from roadmap_portal.lib.text import validate_single_line

from .models import Evidence
from .services import KEEP, REMOVE, REPLACE

EVIDENCE_KINDS = (uploads.PDF, *uploads.IMAGES, *uploads.SPREADSHEETS)
# A PositiveIntegerField's largest.
MAX_PARTICIPANTS = 2**31 - 1


class EvidenceForm(forms.Form):
    version = VersionField(required=False)
    method = forms.ChoiceField(
        label=_("How it was gathered"),
        choices=Evidence.Method.choices,
        widget=FirstRadioSelect,
        error_messages={
            "required": _("Choose how the evidence was gathered"),
            "invalid_choice": _("Choose how the evidence was gathered"),
        },
    )
    title = LimitedTextField(
        label=_("Title"),
        limit=NAME_MAX_LENGTH,
        too_long=_("The title must be %(limit)s characters or fewer (it has %(count)s)"),
        validators=[validate_single_line],
        help_text=_("For example “Focus group with young job seekers”."),
        error_messages={"required": _("Enter a title for the evidence")},
    )
    gathered_on = forms.DateField(
        label=_("Date"),
        help_text=_("When it was gathered. For example 2027-03-31."),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date the evidence was gathered"),
            "invalid": _("Enter the date as a real date, like 2027-03-31"),
        },
    )
    summary = LimitedTextField(
        label=_("Summary"),
        limit=LONG_TEXT_MAX_LENGTH,
        too_long=_("The summary must be %(limit)s characters or fewer (it has %(count)s)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What it found, in a few sentences."),
        error_messages={"required": _("Enter a summary of what the evidence found")},
    )
    participants = forms.IntegerField(
        label=_("Number of participants (optional)"),
        help_text=_("How many people took part: a number, never their names."),
        required=False,
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-width-10"}),
        error_messages={
            "invalid": _("Enter the number of participants as a whole number, like 12"),
            "min_value": _("The number of participants cannot be below 0"),
            "max_value": _("The number of participants is too large"),
        },
    )
    stage = forms.TypedChoiceField(
        label=_("Evaluation stage (optional)"),
        help_text=_("The stage it was gathered at."),
        coerce=int,
        required=False,
        empty_value=None,
    )
    file_action = forms.ChoiceField(
        label=_("The attached file"),
        choices=[(KEEP, _("Keep it")), (REMOVE, _("Remove it"))],
        widget=FirstRadioSelect,
        required=False,
        initial=KEEP,
    )
    file = forms.FileField(
        label=_("Upload a file (optional)"),
        required=False,
        error_messages={
            "invalid": _("The file could not be read. Choose it again."),
            "empty": _("The file is empty."),
            "missing": _("The file could not be read. Choose it again."),
            "contradiction": _("Upload a file or remove it, not both."),
        },
    )

    def __init__(self, *args, stages, current_file=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = editing
        self.current_file = current_file
        self.fields["stage"].choices = [("", _("None"))] + [(s.pk, str(s)) for s in stages]
        self.fields["stage"].error_messages["invalid_choice"] = OUT_OF_DATE
        limit = uploads.megabytes(settings.EVIDENCE_MAX_BYTES)
        self.fields["file"].help_text = _(
            "A PDF, an image (PNG, JPEG, WebP) or a spreadsheet (XLSX, ODS, CSV), smaller than "
            "%(size)s MB. Only the partnership's members can open it."
        ) % {"size": limit}
        if current_file is None:
            del self.fields["file_action"]
        else:
            self.fields["file"].label = _("Or upload a file to replace it (optional)")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            return uploads.check_upload(
                upload, limit=settings.EVIDENCE_MAX_BYTES, allowed=EVIDENCE_KINDS
            )
        except uploads.UploadError as error:
            raise ValidationError(str(error), code="file") from None

    def clean(self):
        data = super().clean()
        if data.get("file_action") == REMOVE and data.get("file"):
            self.add_error("file", _("Remove the file or upload another, not both"))
        return data

    @property
    def what_to_do_with_the_file(self) -> str:
        if self.cleaned_data.get("file"):
            return REPLACE
        return self.cleaned_data.get("file_action") or KEEP

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "title": data["title"].strip(),
            "gathered_on": data["gathered_on"],
            "summary": data["summary"].strip(),
            "participants": data["participants"],
            "stage_id": data["stage"],
        }

    @staticmethod
    def initial_of(evidence) -> dict:
        return {
            "version": evidence.version,
            "method": evidence.method,
            "title": evidence.title,
            "gathered_on": evidence.gathered_on,
            "summary": evidence.summary,
            "participants": evidence.participants,
            "stage": evidence.stage_id,
            "file_action": KEEP,
        }
