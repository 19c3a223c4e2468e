"""Importing the directory from spreadsheets (CSV, XLSX, ODS) with django-import-export.

Reading a file (`read_table`) finds its encoding and separator, refuses what is too big or
unpacks to far more than its size, and maps the headers (English or Latvian) to fields.
`OrganizationResource` turns rows into entries: it matches an existing entry (same
registration number in the same country, else the same folded name in the same
municipality), refuses rows for another municipality, two rows of one file for the same
organization, and what the model's validation refuses. `run_import` runs it as a dry run
(the preview) or for real, in one transaction.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from .models import Municipality, Organization, OrganizationChange
from .search import normalize
from .services import organization_reindex, organization_snapshot, unique_slug

MAX_BYTES = settings.IMPORT_MAX_BYTES
# XLSX and ODS are zip files: refuse one that unpacks to far more than its size.
MAX_UNPACKED_RATIO = 50
ENCODINGS = ["utf-8", "cp1257", "cp1252", "cp1253"]
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1252": "Windows-1252 (Western)",
    "cp1253": "Windows-1253 (Greek)",
}
DELIMITERS = {",": gettext_lazy("comma"), ";": gettext_lazy("semicolon"), "\t": gettext_lazy("tab")}
# Letters each single-byte code page exists for: the guess that yields most of them wins.
EXPECTED_LETTERS = {
    "cp1257": set("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽąęėįųĄĘĖĮŲ"),
    "cp1252": set("éèêëàâäçôöüùûïîñóíáúÉÈÀÇÖÜÑåÅæøÆØãõÃÕ"),
    "cp1253": set("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"),
}

# Column headers, as the portal exports them (English) and in Latvian.
HEADERS = {
    "name": ["name", "nosaukums", "organizācijas nosaukums"],
    "short_name": ["short name", "īsais nosaukums"],
    "type": ["type", "veids"],
    "legal_form": ["legal form", "juridiskā forma"],
    "registration_number": ["registration number", "reģistrācijas numurs", "reģ. nr."],
    "home_municipality": ["home municipality", "municipality", "pašvaldība", "novads"],
    "address": ["address", "adrese"],
    "description": ["purpose", "description", "mērķis", "apraksts", "darbības apraksts"],
    "email": ["contact e-mail", "e-mail", "email", "e-pasts"],
    "phone": ["phone", "tālrunis", "telefons"],
    "website": ["website", "mājaslapa", "tīmekļvietne"],
    "year_founded": ["year founded", "dibināšanas gads"],
    "contact_person": ["contact person", "kontaktpersona"],
}
FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


class ImportFileError(Exception):
    """The file cannot be read: the message says why, in the user's language."""


@dataclass
class Table:
    dataset: tablib.Dataset
    kind: str
    encoding: str = ""
    delimiter: str = ""
    unknown_headers: list = field(default_factory=list)


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _kind(content, filename):
    name = filename.lower()
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max(len(content), 1) * MAX_UNPACKED_RATIO or unpacked > MAX_BYTES * 10:
                raise ImportFileError(
                    _("The file unpacks to far more than its size: it is refused.")
                )
            names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ImportFileError(_("The file is a zip archive but not a spreadsheet."))
    if name.endswith((".xlsx", ".ods", ".xls")):
        raise ImportFileError(
            _("The file is not a valid spreadsheet. Save it again as XLSX, ODS or CSV.")
        )
    return "csv"


def guess_encoding(content: bytes) -> str:
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass

    def score(encoding):
        text = content.decode(encoding, errors="replace")
        letters = sum(char in EXPECTED_LETTERS[encoding] for char in text)
        return letters - 5 * text.count("\ufffd")

    return max(["cp1257", "cp1252", "cp1253"], key=score)


def guess_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        return max(counts, key=counts.get)


def check_size(size: int) -> None:
    """Refuse a file over the limit, before anyone reads it into memory."""
    if size > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )


def read_table(content: bytes, filename: str, *, encoding="", delimiter="") -> Table:
    """Read an uploaded file into rows with field names as headers."""
    check_size(len(content))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    kind = _kind(content, filename)
    if kind == "csv":
        if b"\x00" in content[:4096]:
            raise ImportFileError(_("The file is not a spreadsheet or a CSV text file."))
        encoding = encoding or guess_encoding(content)
        try:
            text = content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file is not in the %(encoding)s encoding. Choose another one.")
                % {"encoding": ENCODING_LABELS.get(encoding, encoding)}
            ) from None
        delimiter = delimiter or guess_delimiter(text)
        dataset = tablib.Dataset()
        dataset.load(text, format="csv", delimiter=delimiter)
    else:
        try:
            dataset = tablib.Dataset().load(io.BytesIO(content), format=kind)
        except Exception as error:
            raise ImportFileError(
                _("The spreadsheet cannot be read: it may be damaged.")
            ) from error
    if not dataset.headers or len(dataset) == 0:
        raise ImportFileError(_("The file has no rows under its header."))
    table = Table(dataset=dataset, kind=kind, encoding=encoding, delimiter=delimiter)
    _map_headers(table)
    return table


def _map_headers(table):
    lookup = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    mapped = []
    for header in table.dataset.headers:
        key = lookup.get(str(header or "").strip().lower())
        if key is None:
            table.unknown_headers.append(str(header))
        mapped.append(key or f"ignored:{header}")
    if "name" not in mapped:
        raise ImportFileError(_("The file has no “Name” column (or “Nosaukums”)."))
    table.dataset.headers = mapped


def cell_text(value):
    """A cell as text: spaces trimmed, the export's formula escaping undone."""
    if value is None:
        return ""
    text = str(value).strip()
    return FORMULA_ESCAPE.sub("", text)


def folded_name(name):
    """Names that differ only in case, accents, spaces or quotation marks are one name."""
    return re.sub(r"[\s\"'„“”«»‘’]+", " ", normalize(name)).strip()


class TypeWidget(widgets.Widget):
    """The type by its code (youth_organization) or its label in any portal language."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return Organization.Type.OTHER
        wanted = folded_name(text)
        for code, label in Organization.Type.choices:
            if wanted in (folded_name(code), folded_name(str(label))):
                return code
        raise ValueError(_("Unknown type “%(value)s”.") % {"value": text})


class MunicipalityWidget(widgets.ForeignKeyWidget):
    """A municipality by its name, however the file writes the case and accents."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._by_name = None

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if self._by_name is None:  # read once per import, not once per row
            self._by_name = {folded_name(m.name): m for m in Municipality.objects.all()}
        match = self._by_name.get(folded_name(text))
        if match is None:
            raise ValueError(_("Unknown municipality “%(value)s”.") % {"value": text})
        return match


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class OrganizationResource(resources.ModelResource):
    name = fields.Field("name", "name", widget=TextWidget())
    short_name = fields.Field("short_name", "short_name", widget=TextWidget())
    type = fields.Field("type", "type", widget=TypeWidget())
    legal_form = fields.Field("legal_form", "legal_form", widget=TextWidget())
    registration_number = fields.Field(
        "registration_number", "registration_number", widget=TextWidget()
    )
    home_municipality = fields.Field(
        "home_municipality", "home_municipality", widget=MunicipalityWidget(Municipality)
    )
    address = fields.Field("address", "address", widget=TextWidget())
    description = fields.Field("description", "description", widget=TextWidget())
    email = fields.Field("email", "email", widget=TextWidget())
    phone = fields.Field("phone", "phone", widget=TextWidget())
    website = fields.Field("website", "website", widget=TextWidget())
    year_founded = fields.Field("year_founded", "year_founded", widget=widgets.IntegerWidget())
    contact_person = fields.Field("contact_person", "contact_person", widget=TextWidget())

    class Meta:
        model = Organization
        fields = list(HEADERS)
        clean_model_instances = True  # the model's validation runs only when asked
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, *, actor, default_municipality=None):
        super().__init__()
        self.actor = actor
        self.default_municipality = default_municipality
        self.allowed_municipality_ids = (
            None
            if actor is None or actor.is_superuser
            else set(actor.municipality_memberships.values_list("municipality_id", flat=True))
        )
        self.seen = {}
        self.before = {}
        self.names_by_municipality = {}

    def before_import_row(self, row, **kwargs):
        if not row.get("home_municipality") and self.default_municipality:
            row["home_municipality"] = self.default_municipality.name
        key = self._identity(row)
        number = kwargs.get("row_number")
        if key in self.seen:
            raise ValidationError(
                {"name": _("The same organization as row %(row)s.") % {"row": self.seen[key]}}
            )
        self.seen[key] = number + 1  # the spreadsheet's row number, after the header

    def _identity(self, row):
        number = cell_text(row.get("registration_number"))
        if number:
            return ("number", number)
        return (
            "name",
            folded_name(cell_text(row.get("name"))),
            folded_name(cell_text(row.get("home_municipality"))),
        )

    def get_instance(self, instance_loader, row):
        try:
            municipality = self.fields["home_municipality"].clean(row)
        except ValueError:
            # Reported as the row's validation error by import_instance; an exception
            # here would count as a failure and roll back every other row too.
            return None
        number = cell_text(row.get("registration_number"))
        if municipality is None:
            return None
        if number:
            return Organization.objects.filter(
                country=municipality.country, registration_number=number
            ).first()
        pk = self._names_in(municipality).get(folded_name(cell_text(row.get("name"))))
        return Organization.objects.get(pk=pk) if pk else None

    def _names_in(self, municipality):
        """{folded name: id} of a municipality's entries, read once per import."""
        if municipality.pk not in self.names_by_municipality:
            self.names_by_municipality[municipality.pk] = {
                folded_name(name): pk
                for pk, name in Organization.objects.filter(
                    home_municipality=municipality
                ).values_list("pk", "name")
            }
        return self.names_by_municipality[municipality.pk]

    def import_instance(self, instance, row, **kwargs):
        if instance.pk:
            self.before[instance.pk] = organization_snapshot(instance)
        super().import_instance(instance, row, **kwargs)
        instance.type = instance.type or Organization.Type.OTHER  # the column is optional
        if not instance.pk:
            instance.slug = unique_slug(instance.name or "organization")
            # Staff vouch for imported entries; the contact person stays private until a
            # representative claims the entry and consents.
            instance.status = Organization.Status.PUBLISHED
            instance.published_at = instance.last_confirmed_at = timezone.now()
            instance.contact_person_consent = False
        municipality = instance.home_municipality if instance.home_municipality_id else None
        if municipality is None:
            raise ValidationError({"home_municipality": _("Give the organization's municipality.")})
        instance.country = municipality.country
        if (
            self.allowed_municipality_ids is not None
            and municipality.pk not in self.allowed_municipality_ids
        ):
            raise ValidationError(
                {"home_municipality": _("You can import only into your own municipality.")}
            )

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        before = self.before.pop(instance.pk, {})
        after = organization_snapshot(instance)
        changed = {
            key: {"old": before.get(key), "new": value}
            for key, value in after.items()
            if before.get(key) != value
        }
        if changed:
            OrganizationChange.objects.create(
                organization=instance,
                actor=self.actor,
                kind=OrganizationChange.Kind.EDITED if before else OrganizationChange.Kind.CREATED,
                fields=changed,
            )
        organization_reindex(organization=instance)


STATUS_LABELS = {
    "new": gettext_lazy("New"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
    "error": gettext_lazy("Error"),
}


@dataclass
class RowReport:
    number: int
    status: str  # new, updated, unchanged, error
    name: str
    messages: list

    @property
    def label(self):
        return STATUS_LABELS[self.status]


@dataclass
class ImportReport:
    rows: list
    counts: dict
    written: bool

    @property
    def has_errors(self):
        return self.counts.get("error", 0) > 0

    @property
    def labelled_counts(self):
        return [
            (STATUS_LABELS[key], self.counts[key]) for key in STATUS_LABELS if key in self.counts
        ]


STATUS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "updated",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}


def _column_label(column):
    if column == "__all__":
        return ""
    try:
        return str(Organization._meta.get_field(column).verbose_name).capitalize()
    except Exception:
        return column


def _messages(row_result):
    messages = []
    error = row_result.validation_error
    if error is not None:
        if hasattr(error, "error_dict"):
            for column, errors in error.message_dict.items():
                label = _column_label(column)
                messages += [f"{label}: {text}" if label else text for text in errors]
        else:
            messages += list(error.messages)
    for error in row_result.errors:
        messages.append(str(error.error))
    return messages


def run_import(
    table: Table, *, actor, default_municipality=None, dry_run=True, all_or_nothing=False
):
    """Import the rows; a dry run writes nothing. With all_or_nothing, one refused row
    means nothing is written."""
    resource = OrganizationResource(actor=actor, default_municipality=default_municipality)
    report = None
    try:
        with transaction.atomic():
            result = resource.import_data(table.dataset, dry_run=dry_run, raise_errors=False)
            rows = []
            for number, row_result in enumerate(result.rows, 1):
                values = dict(zip(table.dataset.headers, table.dataset[number - 1], strict=False))
                rows.append(
                    RowReport(
                        number=number + 1,  # the spreadsheet's own row number, after the header
                        status=STATUS.get(row_result.import_type, "error"),
                        name=cell_text(values.get("name")),
                        messages=_messages(row_result),
                    )
                )
            counts = {}
            for row in rows:
                counts[row.status] = counts.get(row.status, 0) + 1
            report = ImportReport(rows=rows, counts=counts, written=not dry_run)
            if dry_run or (all_or_nothing and report.has_errors):
                report.written = False
                raise _RollBack
    except _RollBack:
        pass
    return report


class _RollBack(Exception):
    pass
