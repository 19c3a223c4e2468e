"""The django-import-export resource that turns rows into directory entries.

Files are read into rows by exchange/readers.py (spreadsheets) and exchange/hsds_read.py
(packages); exchange/services.py runs this resource. `OrganizationResource` matches an
existing entry (same registration number in the same country, else the same folded name
in the same municipality), refuses rows for another municipality, rows that match an
entry the importer may not edit (another municipality's), two rows of one file for the
same organization, and what the model's validation refuses; any cell a widget cannot
take is its row's error, never the file's.
"""

import contextlib
import difflib
import functools
import logging
import re
from collections import defaultdict
from itertools import batched

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import fields, resources, widgets
from import_export.results import RowResult

from orgs.models import (
    FIRST_YEAR_FOUNDED,
    WORKING_LANGUAGES,
    FieldOfActivity,
    Municipality,
    NeedKind,
    Organization,
    OrganizationChange,
    Service,
    TargetGroup,
    language_of_country,
)
from orgs.search import search_index_settle
from orgs.services import (
    RELATION_FIELDS,
    SIMPLE_FIELDS,
    organization_snapshot,
    search_words_add,
    unique_slugs,
)
from orgs.templatetags.orgs_history import field_label
from roadmap_portal.lib.bulk import bulk_insert, bulk_update
from roadmap_portal.lib.locking import bump_versions
from roadmap_portal.lib.pagecache import public_pages_changed

from .export import RELATIONS, related_ids
from .readers import cell_text, folded_name

logger = logging.getLogger(__name__)

# The columns the import reads: an entry's declared fields (Organization.EDITABLE_FIELDS)
# but the choices only its representatives make (to show the contact person, the e-mail,
# the phone). The export's other columns (status, dates) are ignored.
NOT_IMPORTED = {"contact_person_consent", "email_public", "phone_public"}
IMPORT_COLUMNS = [field.name for field in Organization.editable() if field.name not in NOT_IMPORTED]
SERVICE_NAME_MAX = Service._meta.get_field("name").max_length
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A value in the preview's "before and after" is cut at this length: the report is kept.
CHANGE_SHOWN = 300


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


YEAR = re.compile(r"\d{4}(?:\.0+)?")  # "2004", or "2004.0" from a spreadsheet's number cell


class YearWidget(widgets.Widget):
    """A year: four digits, from 1800 to this year. Anything else ("12abc", "2,001",
    "2001.5") is refused in words, never truncated."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = cell_text(value)
        if not text:
            return None
        if isinstance(value, bool) or not YEAR.fullmatch(text):
            raise ValueError(
                _("Year founded must be a year, such as 2004, not “%(value)s”.") % {"value": text}
            )
        year = int(text.split(".")[0])
        this_year = timezone.localdate().year
        if not FIRST_YEAR_FOUNDED <= year <= this_year:
            raise ValueError(
                _("Year founded must be between %(first)s and %(last)s, not %(value)s.")
                % {"first": FIRST_YEAR_FOUNDED, "last": this_year, "value": year}
            )
        return year


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class BlankIsNoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value) or None


class ShownOrKeptField(fields.Field):
    """The e-mail or the phone. An empty cell clears one the public sees, and keeps one it
    does not: the public exports (CSV and HSDS) leave that out, and reading one back must
    not erase it."""

    def __init__(self, attribute, *, shown_by):
        super().__init__(attribute, attribute, widget=TextWidget())
        self.shown_by = shown_by

    def save(self, instance, row, is_m2m=False, **kwargs):
        if instance.pk and not getattr(instance, self.shown_by) and not self.clean(row, **kwargs):
            return
        super().save(instance, row, is_m2m, **kwargs)


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


class DescriptionLanguageWidget(widgets.Widget):
    """The language of the purpose: a portal language by code or name. Empty keeps it (a new
    entry's is then its country's)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        code = _language_codes().get(folded_name(text))
        if code not in dict(settings.LANGUAGES):
            raise ValueError(
                _("Unknown language of the purpose “%(value)s”.") % {"value": text[:100]}
            )
        return code


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
    description_language = fields.Field(
        "description_language",
        "description_language",
        widget=DescriptionLanguageWidget(),
        saves_null_values=False,
    )
    languages = fields.Field("languages", "languages", widget=LanguagesWidget())
    email = ShownOrKeptField("email", shown_by="email_public")
    phone = ShownOrKeptField("phone", shown_by="phone_public")
    website = fields.Field("website", "website", widget=TextWidget())
    year_founded = fields.Field("year_founded", "year_founded", widget=YearWidget())
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

    def __init__(self, *, actor, default_municipality=None, progress=None, record=None):
        super().__init__()
        self.actor = actor
        self.record = record
        self.last_changes = None  # what skip_row found the row changes, for its report
        self.default_municipality = default_municipality
        self.progress = progress
        self.allowed_municipality_ids = (
            None
            if actor is None or actor.is_superuser
            else set(Municipality.objects.staffed_by(actor).values_list("pk", flat=True))
        )
        self.seen = {}  # identity of an organization -> the row that brought it first
        self.before = {}  # id -> snapshot of an entry the file matches, as it was
        self.instances = {}
        self.by_number = {}  # (country, registration number) -> id
        self.by_name = {}  # (municipality id, folded name) -> (id, registration number)
        self.home_of = {}  # id of an entry the file may match -> its home municipality id

    # The library's per-row plumbing, made cheap: the field list is the same on every
    # row, and an absent column is skipped without formatting a debug message first.

    @functools.cached_property
    def _import_fields(self):
        return super().get_import_fields()

    def get_import_fields(self):
        return self._import_fields

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute and field.column_name in row:
            with _cell_problems_as_value_errors(row.get(field.column_name)):
                field.save(instance, row, is_m2m, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        """The general guard: whatever a row's cells make any step raise is that row's
        error, in words. The library would count an exception as an error of the whole
        import and roll it all back, while the report listed the other rows as written."""
        queued = len(self.create_instances), len(self.update_instances)
        self.last_changes = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and self.last_changes:
            row_result.readable_changes = self._readable(self.last_changes)
        if row_result.errors:
            for error in row_result.errors:
                logger.warning(
                    "Import row %s refused", kwargs.get("row_number"), exc_info=error.error
                )
            # Not written after all, if it was queued before the step that failed.
            del self.create_instances[queued[0] :]
            del self.update_instances[queued[1] :]
            row_result.errors = []
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                _("This row cannot be read. Check its cells for unusual characters or values.")
            )
        return row_result

    # Read once per file.

    def before_import(self, dataset, **kwargs):
        municipalities = {folded_name(m.name): m for m in Municipality.objects.all()}
        self.country_of = {m.pk: m.country.code for m in municipalities.values()}
        self.municipality_names = {m.pk: m.name for m in municipalities.values()}
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
            number = cell_text(row.get("registration_number"))
            if UNSTORABLE.search(number):
                continue  # the row is refused; the database would refuse the query
            if number and (municipality := self._municipality(row)):
                numbers[self.country_of[municipality.pk]].add(number)
        for country, in_country in numbers.items():
            for chunk in batched(sorted(in_country), 1000):
                # As the unique constraint's partial index is written, so the query uses it.
                for pk, number, home_id in (
                    Organization.objects.filter(country=country, registration_number__in=chunk)
                    .exclude(registration_number="")
                    .values_list("pk", "registration_number", "home_municipality_id")
                ):
                    self.by_number[(country, number)] = pk
                    self.home_of[pk] = home_id
        municipality_ids = {m.pk for row in rows if (m := self._municipality(row))}
        for pk, municipality_id, name, number in Organization.objects.filter(
            home_municipality_id__in=municipality_ids
        ).values_list("pk", "home_municipality_id", "name", "registration_number"):
            self.by_name[(municipality_id, folded_name(name))] = (pk, number)
            self.home_of[pk] = municipality_id
        # Only the entries this importer may change are read (and locked).
        matched = sorted({pk for row in rows if (pk := self._match(row)) and self._may_update(pk)})
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

    def _may_update(self, pk):
        """A row updates only an entry its importer may edit: one of their own
        municipality's (portal administrators and the command line: any)."""
        return (
            self.allowed_municipality_ids is None
            or self.home_of.get(pk) in self.allowed_municipality_ids
        )

    # Each row: no queries.

    def before_import_row(self, row, **kwargs):
        # Text no database stores (a NUL, half of a surrogate pair) is refused here: it
        # cannot make the write of the whole file fail.
        unstorable = {
            column: [_("The cell holds a character that cannot be stored.")]
            for column, value in row.items()
            if isinstance(value, str) and UNSTORABLE.search(value) and column in self.fields
        }
        if unstorable:
            raise ValidationError(unstorable)
        self._with_default(row)
        number = cell_text(row.get("registration_number"))
        municipality = cell_text(row.get("home_municipality"))
        identities = [("name", folded_name(cell_text(row.get("name"))), folded_name(municipality))]
        if number:
            identities.append(("number", number))
        row[MATCHED] = pk = self._match(row)
        if pk and not self._may_update(pk):
            # The same registration number in the country: another municipality's entry,
            # which neither this row nor a new duplicate may replace.
            raise ValidationError(
                {
                    "registration_number": _(
                        "This organization is already listed by %(municipality)s: only its "
                        "staff can change the entry."
                    )
                    % {"municipality": self.municipality_names.get(self.home_of.get(pk), "")}
                }
            )
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
                    with _cell_problems_as_value_errors(row[key]):
                        instance.imported_relations[key] = self.fields[key].clean(row)
                except ValueError as error:
                    errors[key] = [str(error)]
        services = instance.imported_relations.get("services", [])
        if len(services) > Organization.SERVICES_MAX:
            # As in the forms: more would overflow the search tsvector and fail the write
            # of the whole batch, the other rows with it.
            errors["services"] = [
                ngettext(
                    "This row has %(count)s programme or service; an entry can have at most "
                    "%(max)s.",
                    "This row has %(count)s programmes and services; an entry can have at most "
                    "%(max)s.",
                    len(services),
                )
                % {"count": len(services), "max": Organization.SERVICES_MAX}
            ]
            services = []
        for name, text in services:
            if len(name) > SERVICE_NAME_MAX:
                errors["services"] = [
                    _("A programme or service name is longer than %(max)s characters.")
                    % {"max": SERVICE_NAME_MAX}
                ]
                break
            try:
                # The model's own limits on a service, whatever they are.
                Service(name=name, description=text).clean_fields(
                    exclude=["organization", "position"]
                )
            except ValidationError as error:
                errors["services"] = [
                    _("Programme or service “%(name)s”: %(problem)s")
                    % {"name": name[:80], "problem": " ".join(error.messages)}
                ]
                break
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
            if not instance.description_language:
                instance.description_language = language_of_country(instance.country)
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
        self.last_changes = instance.changed_fields
        return bool(instance.pk) and not instance.changed_fields and not import_validation_errors

    # What an updated row overwrites, for staff to see in the preview.

    def readable_changes(self, row_result):
        return getattr(row_result, "readable_changes", [])

    def _readable(self, changed_fields):
        """[[field, before, after]] in words: names of municipalities and list entries,
        not their ids; long texts shortened."""
        return [
            [
                field_label(key),
                self._readable_value(key, values["old"]),
                self._readable_value(key, values["new"]),
            ]
            for key, values in changed_fields.items()
        ]

    def _readable_value(self, key, value):
        if value in (None, "", []):
            return "–"
        if key == "home_municipality_id":
            text = self.municipality_names.get(value, str(value))
        elif key == "services":
            text = "; ".join(name for name, _text in value)
        elif key in RELATION_FIELDS:
            labels = self.fields[key].widget.labels
            text = "; ".join(str(labels.get(pk, pk)) for pk in value)
        elif isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif key == "type" and value in Organization.Type.values:
            text = str(Organization.Type(value).label)
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = str(value)
        return text if len(text) <= CHANGE_SHOWN else text[:CHANGE_SHOWN] + "…"

    # A thousand rows at a time.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run or not self.create_instances:
            self.create_instances.clear()
            return
        try:
            # A savepoint: on PostgreSQL a refused statement aborts the transaction, and
            # only rolling back to it lets the import end in its report, not an exception.
            with transaction.atomic():
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
            with transaction.atomic():  # a savepoint, as in bulk_create
                changed = self.update_instances
                now = timezone.now()
                by_fields = defaultdict(list)
                for instance in changed:
                    instance.updated_at = now
                    _set_search_material(instance)
                    fields = {key.removesuffix("_id") for key in instance.changed_fields}
                    by_fields[frozenset(fields & UPDATABLE)].append(instance)
                # Only the columns that changed.
                for fields, instances in by_fields.items():
                    bulk_update(Organization, instances, [*fields, *ALWAYS_UPDATED])
                # An editor holding the version they loaded gets a conflict.
                bump_versions(Organization.objects.filter(pk__in=[i.pk for i in changed]))
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
                    organization=i,
                    actor=self.actor,
                    kind=kind,
                    fields=i.changed_fields,
                    import_record=self.record,
                )
                for i in instances
            ),
        )
        search_words_add(organization_ids=[instance.pk for instance in instances])
        search_index_settle()
        public_pages_changed()


TAXONOMY_COLUMNS = {
    "fields_of_activity": FieldOfActivity,
    "target_groups": TargetGroup,
    "offers": NeedKind,
    "seeks": NeedKind,
}
# What an import may change, for bulk_update; and what changes with every update.
UPDATABLE = {key.removesuffix("_id") for key in SIMPLE_FIELDS}
ALWAYS_UPDATED = ["country", "updated_at", "search_text", "facet_tokens"]


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


@contextlib.contextmanager
def _cell_problems_as_value_errors(value):
    """A cell a widget cannot take (ValueError, or anything else the library's own
    widgets raise, decimal.InvalidOperation say) is the row's problem in words."""
    try:
        yield
    except ValueError:
        raise
    except Exception as error:
        logger.info("A cell cannot be read", exc_info=error)
        text = cell_text(value)
        raise ValueError(
            _("“%(value)s” cannot be read here.")
            % {"value": text[:60] + "…" if len(text) > 60 else text}
        ) from error
