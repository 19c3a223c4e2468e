"""Importing the directory from spreadsheets (CSV, XLSX, ODS) and Open Referral packages
with django-import-export.

Files are read into rows by orgs/tables.py (spreadsheets) and orgs/hsds.py (packages).
`OrganizationResource` turns rows into entries: it matches an existing entry (same
registration number in the same country, else the same folded name in the same
municipality), refuses rows for another municipality, two rows of one file for the same
organization, and what the model's validation refuses. `run_import` runs it as a dry run
(the preview) or for real, in one transaction.
"""

import difflib
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from roadmap_portal.lib.bulk import bulk_insert, bulk_update
from roadmap_portal.lib.text import LINE_BREAKS

from .export import RELATIONS, related_ids
from .hsds import read_package
from .models import (
    WORKING_LANGUAGES,
    FieldOfActivity,
    ImportRecord,
    Municipality,
    NeedKind,
    Organization,
    OrganizationChange,
    Service,
    TargetGroup,
)
from .services import (
    RELATION_FIELDS,
    SIMPLE_FIELDS,
    organization_snapshot,
    search_words_add,
    unique_slugs,
)
from .tables import ImportFileError, Table, cell_text, folded_name, kind_of, read_table

logger = logging.getLogger(__name__)

# The columns the import reads; the export's other columns (status, dates) are ignored.
IMPORT_COLUMNS = [
    "name", "short_name", "type", "legal_form", "is_social_enterprise", "registration_number",
    "home_municipality", "municipalities_served", "address", "description", "services",
    "fields_of_activity", "target_groups", "offers", "seeks", "languages", "year_founded",
    "email", "phone", "website", "contact_person",
]  # fmt: skip
SERVICE_NAME_MAX = Service._meta.get_field("name").max_length
SERVICE_DESCRIPTION_MAX = Service._meta.get_field("description").max_length


class TypeWidget(widgets.Widget):
    """The type by its code (youth_organization) or its label in any portal language."""

    def __init__(self):
        super().__init__()
        self.codes = {}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None  # an entry keeps its type; a new one gets "other"
        if not self.codes:  # built once per import
            self.codes = {folded_name(code): code for code in Organization.Type.values}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in Organization.Type.choices:
                        self.codes[folded_name(str(label))] = code
        code = self.codes.get(folded_name(text))
        if code is None:
            raise ValueError(_("Unknown type “%(value)s”.") % {"value": text})
        return code


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class BlankIsNoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value) or None


class YesNoWidget(widgets.Widget):
    # Folded: yes/no, jā/nē, taip/ne, ja/nej, sim/não, ναι/όχι.
    YES = {"yes", "true", "1", "x", "ja", "taip", "sim", "ναι"}
    NO = {"no", "false", "0", "", "ne", "nej", "nao", "οχι"}

    def clean(self, value, row=None, **kwargs):
        text = folded_name(cell_text(value))
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write “yes” or “no”, not “%(value)s”.") % {"value": cell_text(value)})


def _split(value, separator=";"):
    return [part.strip() for part in cell_text(value).split(separator) if part.strip()]


class NamesWidget(widgets.Widget):
    """Several entries by name ("Sports; Culture"), matched in any portal language.

    The resource reads, once per import, `names` ({folded name in any language: id}) and
    `labels` ({id: name in the user's language}), for the suggestion an unknown name gets.
    """

    def __init__(self, unknown_message):
        super().__init__()
        self.unknown_message = unknown_message
        self.names = {}
        self.labels = {}

    def clean(self, value, row=None, **kwargs):
        ids, problems = set(), []
        for name in _split(value):
            pk = self.names.get(folded_name(name))
            if pk is None:
                problems.append(self._unknown(name))
            else:
                ids.add(pk)
        if problems:
            raise ValueError(" ".join(problems))
        return sorted(ids)

    def _unknown(self, name):
        return self.unknown_message % {"value": name} + did_you_mean(name, self.names, self.labels)


def did_you_mean(name, names, labels):
    """ " Did you mean “Talsu novads”?" for an unknown name, or "". `names` maps folded
    names (any language) to ids, `labels` ids to names in the user's language."""
    wanted = folded_name(name)
    # The start of a name ("Sports" for "Sports un aktīvā atpūta"), else a name or a word
    # of one spelt nearly so ("Talsi" for "Talsu novads", "Bern" for "Bērni").
    words = {word: key for key in names for word in key.split()}
    near = (
        [key for key in names if key.startswith(wanted)]
        or difflib.get_close_matches(wanted, names, n=1, cutoff=0.75)
        or [words[word] for word in difflib.get_close_matches(wanted, words, n=1, cutoff=0.75)]
    )
    if not near:
        return ""
    return " " + _("Did you mean “%(name)s”?") % {"name": labels[names[near[0]]]}


class LanguagesWidget(widgets.Widget):
    """Working languages by code ("lv, en") or by name in English or their own language."""

    def clean(self, value, row=None, **kwargs):
        known = _language_codes()
        codes, unknown = [], []
        for name in _split(str(value or "").replace(";", ","), ","):
            code = known.get(folded_name(name))
            if code is None:
                unknown.append(name)
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise ValueError(_("Unknown language “%(value)s”.") % {"value": ", ".join(unknown)})
        return codes


@functools.cache  # the same on every row and in every import
def _language_codes():
    """{folded code or name: code} of the working languages."""
    known = {}
    for code in WORKING_LANGUAGES:
        info = translation.get_language_info(code) if code in LANG_INFO else {}
        for name in (code, info.get("name", ""), info.get("name_local", "")):
            if name:
                known[folded_name(name)] = code
    return known


class ServicesWidget(widgets.Widget):
    """Programmes and services: names separated by ";" (a spreadsheet) or (name,
    description) pairs (an HSDS package). Returned as [name, description] lists."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (list, tuple)):
            return [[cell_text(name), cell_text(text)] for name, text in value if cell_text(name)]
        return [[name, ""] for name in _split(value)]


class MunicipalityWidget(widgets.Widget):
    """A municipality by its name, however the file writes the case and accents."""

    def __init__(self):
        super().__init__()
        self.by_name = {}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        match = self.by_name.get(folded_name(text))
        if match is None:
            names = {name: m.pk for name, m in self.by_name.items()}
            labels = {m.pk: m.name for m in self.by_name.values()}
            raise ValueError(
                _("Unknown municipality “%(value)s”.") % {"value": text}
                + did_you_mean(text, names, labels)
            )
        return match


# Fields the import sets itself, not from a cell, so full_clean need not check them: the
# municipality and its country come from the ones read for the file (checking the country
# walks the 250 countries on every row), the address and search material are made here.
NOT_FROM_THE_FILE = ["home_municipality", "country", "slug", "search_text", "facet_tokens"]
EMPTY_VALUES = ("", [], None, False)
# Where before_import_row leaves the entry a row matches, for get_instance.
MATCHED = "__matched_id"
# Columns kept beside the entry's own fields: written after it, in bulk.
RELATION_COLUMNS = [*RELATION_FIELDS, "services"]


class OrganizationResource(resources.ModelResource):
    """Rows to entries, a thousand at a time.

    Everything a row is checked against (municipalities, taxonomies, the entries it may
    update, their relations, registration numbers) is read once per file in
    `before_import`, so a row costs no query; new and changed entries are written with
    bulk_create/bulk_update, their relations, change records and search material with
    them. Errors still belong to rows: every check runs in `import_row`, before the write.
    A dry run writes nothing at all.
    """

    name = fields.Field("name", "name", widget=TextWidget())
    short_name = fields.Field("short_name", "short_name", widget=TextWidget())
    type = fields.Field("type", "type", widget=TypeWidget(), saves_null_values=False)
    legal_form = fields.Field("legal_form", "legal_form", widget=TextWidget())
    is_social_enterprise = fields.Field(
        "is_social_enterprise", "is_social_enterprise", widget=YesNoWidget()
    )
    registration_number = fields.Field(
        "registration_number", "registration_number", widget=TextWidget()
    )
    home_municipality = fields.Field(
        "home_municipality", "home_municipality", widget=MunicipalityWidget()
    )
    address = fields.Field("address", "address", widget=TextWidget())
    description = fields.Field("description", "description", widget=TextWidget())
    languages = fields.Field("languages", "languages", widget=LanguagesWidget())
    email = fields.Field("email", "email", widget=TextWidget())
    phone = fields.Field("phone", "phone", widget=TextWidget())
    website = fields.Field("website", "website", widget=TextWidget())
    year_founded = fields.Field("year_founded", "year_founded", widget=widgets.IntegerWidget())
    # An empty cell keeps the contact person: public exports (CSV and HSDS) leave out the
    # ones who have not agreed to be shown, and reading one back must not erase them.
    contact_person = fields.Field(
        "contact_person", "contact_person", widget=BlankIsNoneWidget(), saves_null_values=False
    )
    # Relations: no attribute, so the library leaves them to import_instance below.
    municipalities_served = fields.Field(
        column_name="municipalities_served",
        widget=NamesWidget(gettext_lazy("Unknown municipality “%(value)s”.")),
    )
    fields_of_activity = fields.Field(
        column_name="fields_of_activity",
        widget=NamesWidget(gettext_lazy("Unknown field of activity “%(value)s”.")),
    )
    target_groups = fields.Field(
        column_name="target_groups",
        widget=NamesWidget(gettext_lazy("Unknown target group “%(value)s”.")),
    )
    offers = fields.Field(
        column_name="offers", widget=NamesWidget(gettext_lazy("Unknown kind of need “%(value)s”."))
    )
    seeks = fields.Field(
        column_name="seeks", widget=NamesWidget(gettext_lazy("Unknown kind of need “%(value)s”."))
    )
    services = fields.Field(column_name="services", widget=ServicesWidget())

    class Meta:
        model = Organization
        fields = IMPORT_COLUMNS
        use_bulk = True
        batch_size = 1000
        skip_diff = True  # unchanged rows are found by skip_row below, without deep copies
        report_skipped = True
        use_transactions = True

    def __init__(self, *, actor, default_municipality=None, progress=None):
        super().__init__()
        self.actor = actor
        self.default_municipality = default_municipality
        self.progress = progress
        self.allowed_municipality_ids = (
            None
            if actor is None or actor.is_superuser
            else set(actor.municipality_memberships.values_list("municipality_id", flat=True))
        )
        self.seen = {}  # identity of an organization -> the row that brought it first
        self.before = {}  # id -> snapshot of an entry the file matches, as it was
        self.instances = {}
        self.by_number = {}  # (country, registration number) -> id
        self.by_name = {}  # (municipality id, folded name) -> (id, registration number)

    # The library's per-row plumbing, made cheap: the field list is the same on every
    # row, and an absent column is skipped without formatting a debug message first.

    @functools.cached_property
    def _import_fields(self):
        return super().get_import_fields()

    def get_import_fields(self):
        return self._import_fields

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute and field.column_name in row:
            field.save(instance, row, is_m2m, **kwargs)

    # Read once per file.

    def before_import(self, dataset, **kwargs):
        municipalities = {folded_name(m.name): m for m in Municipality.objects.all()}
        self.country_of = {m.pk: m.country.code for m in municipalities.values()}
        self.fields["home_municipality"].widget.by_name = municipalities
        served = self.fields["municipalities_served"].widget
        served.names = {name: m.pk for name, m in municipalities.items()}
        served.labels = {m.pk: m.name for m in municipalities.values()}
        for key, model in TAXONOMY_COLUMNS.items():
            widget = self.fields[key].widget
            widget.names, widget.labels = _taxonomy_names(model)
        rows = [self._with_default(dict(zip(dataset.headers, row, strict=True))) for row in dataset]
        numbers = defaultdict(set)  # country -> registration numbers in the file
        for row in rows:
            if (number := cell_text(row.get("registration_number"))) and (
                municipality := self._municipality(row)
            ):
                numbers[self.country_of[municipality.pk]].add(number)
        for country, in_country in numbers.items():
            for chunk in batched(sorted(in_country), 1000):
                # As the unique constraint's partial index is written, so the query uses it.
                for pk, number in (
                    Organization.objects.filter(country=country, registration_number__in=chunk)
                    .exclude(registration_number="")
                    .values_list("pk", "registration_number")
                ):
                    self.by_number[(country, number)] = pk
        municipality_ids = {m.pk for row in rows if (m := self._municipality(row))}
        for pk, municipality_id, name, number in Organization.objects.filter(
            home_municipality_id__in=municipality_ids
        ).values_list("pk", "home_municipality_id", "name", "registration_number"):
            self.by_name[(municipality_id, folded_name(name))] = (pk, number)
        matched = sorted({pk for row in rows if (pk := self._match(row))})
        for chunk in batched(matched, 1000):
            entries = Organization.objects.filter(pk__in=chunk)
            if kwargs.get("lock_entries"):
                # Nobody else changes them between this read and the write.
                entries = entries.select_for_update()
            for instance in entries:
                self.instances[instance.pk] = instance
            relations = related_ids(chunk)
            for pk in chunk:
                instance = self.instances.get(pk)
                if instance is not None:
                    self.before[pk] = organization_snapshot(
                        instance, {key: relations[key].get(pk, []) for key in RELATION_COLUMNS}
                    )

    def _with_default(self, row):
        if not cell_text(row.get("home_municipality")) and self.default_municipality:
            row["home_municipality"] = self.default_municipality.name
        return row

    def _municipality(self, row):
        try:
            return self.fields["home_municipality"].clean(row)
        except (ValueError, KeyError):
            return None

    def _match(self, row):
        """The entry this row updates: the same registration number in the same country,
        else the same folded name in the same municipality (unless that entry has another
        registration number)."""
        municipality = self._municipality(row)
        if municipality is None:
            return None
        number = cell_text(row.get("registration_number"))
        if number and (pk := self.by_number.get((self.country_of[municipality.pk], number))):
            return pk
        pk, its_number = self.by_name.get(
            (municipality.pk, folded_name(cell_text(row.get("name")))), (None, "")
        )
        if pk and (not its_number or its_number == number):
            return pk
        return None

    # Each row: no queries.

    def before_import_row(self, row, **kwargs):
        self._with_default(row)
        number = cell_text(row.get("registration_number"))
        municipality = cell_text(row.get("home_municipality"))
        identities = [("name", folded_name(cell_text(row.get("name"))), folded_name(municipality))]
        if number:
            identities.append(("number", number))
        row[MATCHED] = pk = self._match(row)
        if pk:
            identities.append(("id", pk))
        for identity in identities:
            if identity in self.seen:
                raise ValidationError(
                    {
                        "name": _("The same organization as row %(row)s.")
                        % {"row": self.seen[identity]}
                    }
                )
        for identity in identities:
            self.seen[identity] = kwargs["row_number"] + 1  # the spreadsheet's own numbering

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress:
            self.progress(kwargs["row_number"])

    def get_instance(self, instance_loader, row):
        pk = row.get(MATCHED)
        return self.instances.get(pk) if pk else None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.imported_relations = {}
        for key in RELATION_COLUMNS:
            if key in row:
                try:
                    instance.imported_relations[key] = self.fields[key].clean(row)
                except ValueError as error:
                    errors[key] = [str(error)]
        for name, text in instance.imported_relations.get("services", []):
            if len(name) > SERVICE_NAME_MAX:
                errors["services"] = [
                    _("A programme or service name is longer than %(max)s characters.")
                    % {"max": SERVICE_NAME_MAX}
                ]
            # The database's checks would refuse these for the whole file (Service's CHECKs).
            if any(char in name for char in LINE_BREAKS):
                errors["services"] = [_("A programme or service name is on several lines.")]
            if len(text) > SERVICE_DESCRIPTION_MAX:
                errors["services"] = [
                    _("A programme or service description is longer than %(max)s characters.")
                    % {"max": SERVICE_DESCRIPTION_MAX}
                ]
        instance.type = instance.type or Organization.Type.OTHER  # the column is optional
        if not instance.pk:
            # Staff vouch for imported entries; the contact person stays private until a
            # representative claims the entry and consents.
            instance.status = Organization.Status.PUBLISHED
            instance.published_at = instance.last_confirmed_at = timezone.now()
            instance.contact_person_consent = False
        municipality = instance.home_municipality if instance.home_municipality_id else None
        if municipality is None:
            errors.setdefault("home_municipality", [_("Give the organization's municipality.")])
        else:
            instance.country = self.country_of[municipality.pk]
            if (
                self.allowed_municipality_ids is not None
                and municipality.pk not in self.allowed_municipality_ids
            ):
                errors["home_municipality"] = [_("You can import only into your own municipality.")]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own validation of each field. Uniqueness and the check constraint
        are answered in import_instance and by the field's validator, from what
        before_import read: asking the database would cost queries on every row."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *NOT_FROM_THE_FILE],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: the row gives every recorded field and relation the value it has."""
        before = self.before.get(instance.pk, {})
        relations = {
            key: instance.imported_relations.get(key, before.get(key, []))
            for key in RELATION_COLUMNS
        }
        services_by_name = dict(before.get("services", []))
        # A spreadsheet lists services by name: an existing one keeps its description.
        relations["services"] = [
            [name, text or services_by_name.get(name, "")] for name, text in relations["services"]
        ]
        instance.relations_after = relations
        after = organization_snapshot(instance, relations)
        instance.changed_fields = {
            key: {"old": before.get(key), "new": value}
            for key, value in after.items()
            # A new entry's record lists the values it was given, not every empty field.
            if before.get(key) != value and (before or value not in EMPTY_VALUES)
        }
        return bool(instance.pk) and not instance.changed_fields and not import_validation_errors

    # A thousand rows at a time.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run or not self.create_instances:
            self.create_instances.clear()
            return
        try:
            new = self.create_instances
            for instance, slug in zip(new, unique_slugs([i.name for i in new]), strict=True):
                instance.slug = slug
                _set_search_material(instance)
            bulk_insert(Organization, new, new_ids=True)
            self._write_relations(new, created=True)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run or not self.update_instances:
            self.update_instances.clear()
            return
        try:
            changed = self.update_instances
            now = timezone.now()
            by_fields = defaultdict(list)
            for instance in changed:
                instance.updated_at = now
                instance.version += 1  # an editor holding the old version gets a conflict
                _set_search_material(instance)
                fields = {key.removesuffix("_id") for key in instance.changed_fields}
                by_fields[frozenset(fields & UPDATABLE)].append(instance)
            # Only the columns that changed.
            for fields, instances in by_fields.items():
                bulk_update(Organization, instances, [*fields, *ALWAYS_UPDATED])
            self._write_relations(changed, created=False)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def _write_relations(self, instances, *, created):
        for key in RELATION_COLUMNS:
            replaced = [i for i in instances if created or key in i.changed_fields]
            if not replaced:
                continue
            if key == "services":
                model = Service
                rows = (
                    Service(organization=i, name=name, description=text, position=position)
                    for i in replaced
                    for position, (name, text) in enumerate(i.relations_after["services"])
                )
            else:
                model, column = RELATIONS[key]
                rows = (
                    model(organization_id=i.pk, **{column: target})
                    for i in replaced
                    for target in i.relations_after[key]
                )
            if not created:
                model.objects.filter(organization__in=replaced).delete()
            bulk_insert(model, rows)
        kind = OrganizationChange.Kind.CREATED if created else OrganizationChange.Kind.EDITED
        bulk_insert(
            OrganizationChange,
            (
                OrganizationChange(
                    organization=i, actor=self.actor, kind=kind, fields=i.changed_fields
                )
                for i in instances
            ),
        )
        search_words_add(organization_ids=[instance.pk for instance in instances])


TAXONOMY_COLUMNS = {
    "fields_of_activity": FieldOfActivity,
    "target_groups": TargetGroup,
    "offers": NeedKind,
    "seeks": NeedKind,
}
# What an import may change, for bulk_update; and what changes with every update.
UPDATABLE = {key.removesuffix("_id") for key in SIMPLE_FIELDS}
ALWAYS_UPDATED = ["country", "updated_at", "version", "search_text", "facet_tokens"]


def _taxonomy_names(model):
    """{folded name: id}, each entry by its name in every portal language and its slug;
    and {id: name in the active language}."""
    names, labels = {}, {}
    for entry in model.objects.all():
        labels[entry.pk] = entry.name
        for code, _language in settings.LANGUAGES:
            names[folded_name(getattr(entry, f"name_{code}") or entry.slug)] = entry.pk
        names[folded_name(entry.slug)] = entry.pk
    return names, labels


def _set_search_material(instance):
    relations = instance.relations_after
    instance.search_text = instance.build_search_text(services=relations["services"])
    instance.facet_tokens = instance.build_facet_tokens(relations=relations)


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

    def as_json(self):
        return [self.number, self.status, self.name, self.messages]


@dataclass
class ImportReport:
    rows: list
    counts: dict
    written: bool = False
    notes: list = field(default_factory=list)  # about the whole file, not one row

    @property
    def has_errors(self):
        return self.counts.get("error", 0) > 0

    @property
    def labelled_counts(self):
        return [
            (STATUS_LABELS[key], self.counts[key]) for key in STATUS_LABELS if key in self.counts
        ]

    def as_json(self):
        return {
            "rows": [row.as_json() for row in self.rows],
            "counts": self.counts,
            "written": self.written,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            rows=[RowReport(*row) for row in data["rows"]],
            counts=data["counts"],
            written=data["written"],
            notes=data["notes"],
        )


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
    table: Table,
    *,
    actor,
    default_municipality=None,
    dry_run=True,
    all_or_nothing=False,
    progress=None,
):
    """Import the rows; a dry run writes nothing. With all_or_nothing, one refused row
    means nothing is written. `progress(rows_done)` is called as rows are checked."""
    resource = OrganizationResource(
        actor=actor, default_municipality=default_municipality, progress=progress
    )
    report = None
    try:
        with transaction.atomic():
            result = resource.import_data(
                table.dataset, dry_run=dry_run, raise_errors=False, lock_entries=not dry_run
            )
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
            report = ImportReport(
                rows=rows, counts=counts, written=not dry_run, notes=list(table.notes)
            )
            if result.base_errors:
                # The database refused a write that the checks let through (another import
                # at the same moment, say): the library rolled it all back.
                logger.error("Import failed", exc_info=result.base_errors[0].error)
                report.notes.append(
                    _("Nothing was written: the database refused the import. Try again.")
                )
            if dry_run or result.base_errors or (all_or_nothing and report.has_errors):
                report.written = False
                raise _RollBack
    except _RollBack:
        pass
    return report


class _RollBack(Exception):
    pass


def read_upload(content: bytes, filename: str, *, encoding="", delimiter="") -> Table:
    """A spreadsheet, or an Open Referral package (a zip that holds organizations.csv)."""
    if kind_of(content, filename) == "hsds":
        return read_package(content)
    return read_table(content, filename, encoding=encoding, delimiter=delimiter)


def read_record(record) -> Table:
    return read_upload(
        bytes(record.content), record.filename, encoding=record.encoding, delimiter=record.delimiter
    )


def import_record(record, *, write: bool, language: str, progress=None, table=None) -> None:
    """Check (a dry run) or import the file a record holds, and keep the report (its
    messages in `language`, the one of the page that started it) on the record. `table`:
    the file as the caller has just read it, so it is not read again."""
    Status = ImportRecord.Status
    with translation.override(language):
        try:
            table = table or read_record(record)
        except ImportFileError as error:
            record.report = {"file_error": str(error)}
            record.status = Status.NOTHING_WRITTEN if write else Status.PREVIEWED
        else:
            report = run_import(
                table,
                actor=record.created_by,
                default_municipality=record.municipality,
                dry_run=not write,
                all_or_nothing=record.all_or_nothing,
                progress=progress,
            )
            record.report = report.as_json() | {"unknown_headers": table.unknown_headers}
            record.counts = report.counts
            record.rows_done = record.rows_total = len(table.dataset)
            if write:
                record.status = Status.IMPORTED if report.written else Status.NOTHING_WRITTEN
            else:
                record.status = Status.PREVIEWED
    if write:
        # The file held personal data (contact persons): once imported, its name, checksum
        # and report are the record; the content is not kept.
        record.content = b""
    record.save(update_fields=["report", "counts", "rows_done", "rows_total", "status", "content"])


class ProgressWriter:
    """Writes a background import's rows done on a database connection of its own: the
    import's transaction stays open to the end, and the page must see progress before.
    PostgreSQL only (SQLite has one writer at a time): elsewhere the page shows no count.
    """

    EVERY = 250

    def __init__(self, record):
        self.record_id = record.pk
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows_done):
        if self.connection is None or rows_done % self.EVERY:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orgs_importrecord SET rows_done = %s WHERE id = %s",
                [rows_done, self.record_id],
            )

    def close(self):
        if self.connection is not None:
            self.connection.close()
