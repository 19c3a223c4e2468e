"""Open Referral HSDS: the directory as an HSDS 3.0 tabular data package, and packages
(HSDS 3.0 or 1.1) read back as rows for the import.

`write_package` writes a zip of CSV files and the `datapackage.json` that describes them.
`TABLES` describes, by hand, only the columns the export writes: their type, format,
whether HSDS requires them and the values they may take, as the HSDS 3.0 schemas say
(tests/orgs/test_hsds.py checks that they agree). HSDS is machine data: values are written
as they are (no spreadsheet formula escaping), and a value the schema would refuse (a
website that is no URI) is left out rather than making the package invalid. Ids are UUIDs
derived from the portal's own ids: every export gives an entry the same id.

`read_package` turns a package into one row per organization with the import's columns,
joining its services, phone, address and contact person from the other tables. What it has
to leave out (a phone of a service the package does not have, blank rows) it says in the
table's notes.
"""

import csv
import html
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from collections import defaultdict
from pathlib import Path, PurePosixPath

import nh3
import tablib
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .export import value_chunks
from .models import Service
from .tables import (
    MAX_BYTES,
    ImportFileError,
    Table,
    check_size,
    check_unpacked,
    refuses_unreadable_files,
)

# Fixed for good: every export's ids derive from it.
NAMESPACE = uuid.UUID("6e4ada59-3e34-421f-8f1a-4b60bd3735c3")
# Tables of an export past this size wait in a temporary file, not in memory.
SPOOL_BYTES = 1024 * 1024


def field(name, type="string", format=None, enum=None):
    """A Frictionless field descriptor, the choices as a constraint. As in HSDS's own
    tabular profile (schema/tabular.json), no field is marked required: the schemas'
    required fields are columns of every table written (tests/orgs/test_hsds.py checks it),
    though a cell stays empty where the directory has no value (an organization without a
    purpose, an address that does not split into street, city and postal code)."""
    descriptor = {"name": name, "type": type}
    if format:
        descriptor["format"] = format
    if enum:
        descriptor["constraints"] = {"enum": enum}
    return descriptor


def uuid_field(name):
    return field(name, format="uuid")


LOCATION_KINDS = ["physical", "postal", "virtual"]
SERVICE_STATUSES = ["active", "inactive", "defunct", "temporarily closed"]
# The tables of an export: the CSV file HSDS 3.0 names for each, and the columns written,
# the fields HSDS requires (in its tabular form: with the link to the parent) and those
# the directory has data for.
TABLES = {
    "organization": ("organizations.csv", [
        uuid_field("id"),
        field("name"),
        field("alternate_name"),
        field("description"),
        field("email", format="email"),
        field("website", format="uri"),
        field("year_incorporated", type="number"),
        field("legal_status"),
    ]),
    "organization_identifier": ("organization_identifiers.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("identifier_type"),
        field("identifier"),
    ]),
    "service": ("services.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("name"),
        field("description"),
        field("status", enum=SERVICE_STATUSES),
    ]),
    "location": ("locations.csv", [
        uuid_field("id"),
        field("location_type", enum=LOCATION_KINDS),
        uuid_field("organization_id"),
    ]),
    "address": ("addresses.csv", [
        uuid_field("id"),
        uuid_field("location_id"),
        field("address_1"),
        field("city"),
        field("state_province"),
        field("postal_code"),
        field("country"),
        field("address_type", enum=LOCATION_KINDS),
    ]),
    "phone": ("phones.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("number"),
    ]),
    "contact": ("contacts.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("name"),
    ]),
}  # fmt: skip
# The header of each table's CSV.
HEADERS = {name: [column["name"] for column in fields] for name, (_path, fields) in TABLES.items()}
ORGANIZATION_FIELDS = [
    "id", "name", "short_name", "legal_form", "registration_number", "country", "address",
    "description", "email", "phone", "website", "year_founded", "contact_person",
    "contact_person_consent", "email_public", "phone_public", "home_municipality__name",
]  # fmt: skip
# A postal code as the portal's countries write it: LV-3201, LT-01100, 123 45, 1000-001.
POSTAL_CODE = re.compile(r"(?:[A-Z]{2}-)?\d{3,5}(?:[- ]\d{2,4})?")
# What RFC 3986 allows in a URI (the schemas' "uri" format).
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def stable_id(kind, pk):
    """The HSDS id of a portal row: the same in every export of this database."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def datapackage():
    """The package descriptor: each CSV with its fields as the HSDS schema defines them."""
    resources = []
    for name, (path, fields) in TABLES.items():
        columns = HEADERS[name]
        references = {
            f"{table}_id": table for table in TABLES if f"{table}_id" in columns and table != name
        }
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": [column], "reference": {"resource": table, "fields": ["id"]}}
                        for column, table in references.items()
                    ],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "roadmap-portal-organizations",
        "title": "Community organizations (Open Referral HSDS 3.0)",
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": resources,
    }


def _email(value):
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _uri(value):
    """The website as an RFC 3986 URI (an address with non-Latin letters percent-encoded),
    or nothing when it is no web address at all."""
    if not value:
        return ""
    try:
        URLValidator()(value)
    except ValidationError:
        return ""
    uri = iri_to_uri(value)
    return uri if URI_CHARACTERS.fullmatch(uri) else ""


def split_address(text):
    """(address_1, city, postal_code) of an address written "street, city, postal code".

    Split only where the parts are plain, so that joining them again with ", " (as
    read_package does) gives the address back exactly."""
    parts = text.split(", ")
    if any(not part or part != part.strip() for part in parts):
        return text, "", ""
    postal_code = parts.pop() if len(parts) > 1 and POSTAL_CODE.fullmatch(parts[-1]) else ""
    city = parts.pop() if len(parts) > 1 else ""
    return ", ".join(parts), city, postal_code


def _package_rows(row, services):
    """(table, {column: value}) for one organization and what belongs to it."""
    pk = row["id"]
    organization_id = stable_id("organization", pk)
    yield (
        "organization",
        {
            "id": organization_id,
            "name": row["name"],
            "alternate_name": row["short_name"],
            "description": row["description"],
            # A package is public: the e-mail and phone only where the entry shows them.
            "email": _email(row["email"]) if row["email_public"] else "",
            "website": _uri(row["website"]),
            "year_incorporated": "" if row["year_founded"] is None else row["year_founded"],
            "legal_status": row["legal_form"],
        },
    )
    if row["registration_number"]:
        yield (
            "organization_identifier",
            {
                "id": stable_id("organization_identifier", pk),
                "organization_id": organization_id,
                "identifier_type": "Registration number",
                "identifier": row["registration_number"],
            },
        )
    for service_pk, name, description in services:
        yield (
            "service",
            {
                "id": stable_id("service", service_pk),
                "organization_id": organization_id,
                "name": name,
                "description": description,
                # The directory lists what organizations offer now.
                "status": "active",
            },
        )
    if row["address"].strip():
        location_id = stable_id("location", pk)
        yield (
            "location",
            {"id": location_id, "location_type": "physical", "organization_id": organization_id},
        )
        address_1, city, postal_code = split_address(row["address"])
        yield (
            "address",
            {
                "id": stable_id("address", pk),
                "location_id": location_id,
                "address_1": address_1,
                "city": city,
                "postal_code": postal_code,
                # The nearest the pilot countries have to a state or province.
                "state_province": row["home_municipality__name"],
                "country": str(row["country"] or ""),
                "address_type": "physical",
            },
        )
    if row["phone"].strip() and row["phone_public"]:
        yield (
            "phone",
            {
                "id": stable_id("phone", pk),
                "organization_id": organization_id,
                "number": row["phone"],
            },
        )
    # Personal data: public only with the person's consent.
    if row["contact_person"].strip() and row["contact_person_consent"]:
        yield (
            "contact",
            {
                "id": stable_id("contact", pk),
                "organization_id": organization_id,
                "name": row["contact_person"],
            },
        )


def _services_of(ids):
    services = defaultdict(list)
    for organization_id, *service in (
        Service.objects.filter(organization_id__in=ids)
        .order_by("organization_id", "position", "id")
        .values_list("organization_id", "id", "name", "description")
    ):
        services[organization_id].append(service)
    return services


def _zip_text(archive, table):
    path, _fields = TABLES[table]
    return io.TextIOWrapper(archive.open(path, "w"), encoding="utf-8", newline="")


def write_package(organizations, target):
    """Write the organizations (a queryset: the caller chooses which) as an HSDS 3.0
    tabular data package, a zip, to the binary file `target`. Returns the rows per table.

    One pass over the organizations, a chunk at a time: organizations.csv goes into the
    zip as it is written, the other tables into temporary files (a zip takes one file at
    a time) that follow it. Every row of a chunk comes from the same two queries, so no
    service or phone points at an organization that is not in the package."""
    counts = dict.fromkeys(TABLES, 0)
    spools = {
        name: tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in the finally clause)
            max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
        )
        for name in TABLES
        if name != "organization"
    }
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            with _zip_text(archive, "organization") as organizations_csv:
                writers = {name: csv.writer(spool) for name, spool in spools.items()}
                writers["organization"] = csv.writer(organizations_csv)
                for name, writer in writers.items():
                    writer.writerow(HEADERS[name])
                for chunk in value_chunks(organizations, ORGANIZATION_FIELDS):
                    services = _services_of([row["id"] for row in chunk])
                    for row in chunk:
                        for name, values in _package_rows(row, services.get(row["id"], [])):
                            writers[name].writerow([values.get(key, "") for key in HEADERS[name]])
                            counts[name] += 1
            for name, spool in spools.items():
                spool.seek(0)
                with _zip_text(archive, name) as table_csv:
                    shutil.copyfileobj(spool, table_csv)
            archive.writestr(
                "datapackage.json", json.dumps(datapackage(), ensure_ascii=False, indent=2)
            )
    finally:
        for spool in spools.values():
            spool.close()
    return counts


# Reading a package.

# Tags that end a line of text; the others are dropped, their text kept.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
}  # fmt: skip
BLOCK_TAG = re.compile(r"</?(?:{})>".format("|".join(sorted(BLOCK_TAGS))))
LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!]|&(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);")


def html_to_text(value):
    """Plain text of an HSDS description, which may be HTML: each paragraph, line break
    and list item on a line of its own, entities decoded, no tag left. Text without tags
    or entities is returned as it is."""
    text = str(value or "")
    if not LOOKS_LIKE_HTML.search(text):
        return text
    # As a browser reads HTML: line breaks in the source are spaces.
    text = re.sub(r"\s+", " ", text)
    # nh3 (ammonia) parses the HTML and keeps only bare block tags, in a canonical form
    # that the BLOCK_TAG pattern can then turn into line breaks; script and style go
    # with their content.
    cleaned = nh3.clean(text, tags=BLOCK_TAGS, attributes={"*": set()}, link_rel=None)
    text = html.unescape(BLOCK_TAG.sub("\n", cleaned)).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# The tables read, in the order they are joined; the other tables are named in a note.
READ_FILES = [
    "organizations.csv", "organization_identifiers.csv", "services.csv", "locations.csv",
    "addresses.csv", "physical_addresses.csv", "postal_addresses.csv", "phones.csv",
    "contacts.csv",
]  # fmt: skip
# Read only for their ids, to tell a link to them from a broken one.
LINKED_FILES = ["service_at_location.csv"]
# Where the table each id column points at is kept.
REFERENCE_FILES = {
    "organization_id": "organizations.csv",
    "location_id": "locations.csv",
    "service_id": "services.csv",
    "contact_id": "contacts.csv",
    "service_at_location_id": "service_at_location.csv",
}
COLUMNS = [
    "name", "short_name", "legal_form", "registration_number", "address", "description",
    "email", "phone", "website", "year_founded", "contact_person", "services",
]  # fmt: skip


def _not_a_package():
    return ImportFileError(
        _(
            "This is not an Open Referral (HSDS) package: it has no organizations.csv. "
            "Give a zip of the package's CSV files or the folder that holds them."
        )
    )


def _zip_files(content):
    check_size(len(content))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFileError(
            _(
                "The file is not a zip archive. An Open Referral (HSDS) package is a zip of "
                "CSV files."
            )
        ) from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    check_unpacked(sum(info.file_size for info in members), len(content))
    # The package may sit in a folder of the zip: the one that holds organizations.csv.
    roots = sorted(
        (
            PurePosixPath(info.filename).parent
            for info in members
            if PurePosixPath(info.filename).name.lower() == "organizations.csv"
        ),
        key=lambda path: len(path.parts),
    )
    if not roots:
        raise _not_a_package()

    def reader(info):
        def read():
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError):
                raise ImportFileError(
                    _("The zip archive is damaged: %(file)s cannot be unpacked.")
                    % {"file": info.filename}
                ) from None

        return read

    return {
        PurePosixPath(info.filename).name.lower(): reader(info)
        for info in members
        if PurePosixPath(info.filename).parent == roots[0]
    }


def _folder_files(folder):
    paths = [path for path in folder.iterdir() if path.is_file()]
    # A folder is not compressed: the bound is that of everything a zip may unpack to.
    check_unpacked(sum(path.stat().st_size for path in paths), MAX_BYTES * 10)
    return {path.name.lower(): path.read_bytes for path in paths}


def _package_files(source):
    """{file name, lower case: a function that reads it} of a package."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _zip_files(bytes(source))
    path = Path(source)
    if path.is_dir():
        return _folder_files(path)
    if path.is_file():
        check_size(path.stat().st_size)
        return _zip_files(path.read_bytes())
    raise ImportFileError(_("There is no file or folder %(path)s.") % {"path": path})


def _records(files, name):
    """[(row number, {column: text})] of one CSV; the header is row 1."""
    try:
        text = files[name]().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("%(file)s is not in the UTF-8 encoding, which HSDS packages use.") % {"file": name}
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise ImportFileError(_("%(file)s cannot be read as CSV.") % {"file": name}) from None
    if not rows:
        return []
    header = [str(cell).strip().lower() for cell in rows[0]]
    return [
        (number, {key: value.strip() for key, value in zip(header, cells, strict=False)})
        for number, cells in enumerate(rows[1:], start=2)
    ]


def _whole_number(value):
    """ "2011" for "2011" or "2011.0" (a number column written by a spreadsheet)."""
    return value.split(".")[0] if re.fullmatch(r"\d+(\.0*)?", value) else value


def _address_text(record):
    parts = ("address_1", "address_2", "city", "postal_code")
    return ", ".join(record[key] for key in parts if record.get(key))


class _PackageReader:
    """Joins a package's tables into organization rows; broken links become notes."""

    def __init__(self, files):
        self.notes = []
        self.tables = {}
        for name in READ_FILES + LINKED_FILES:
            if name in files:
                self.tables[name] = self._without_blank_rows(name, _records(files, name))
        # Every id each file has, to tell a link to a skipped row from a broken one.
        self.ids = {
            name: {record["id"] for _number, record in rows if record.get("id")}
            for name, rows in self.tables.items()
        }
        self.organizations = {}  # HSDS id -> row
        self.rows = []
        self.locations = {}  # HSDS id -> the organization row it belongs to
        self.locations_of = defaultdict(list)  # id(row) -> its location ids, in file order
        self.ignored_links = defaultdict(list)  # (file, column) -> rows kept without that link
        unread = sorted(name for name in files if name.endswith(".csv") and name not in READ_FILES)
        if unread:
            self.notes.append(
                _("Not imported, as the directory has no place for them: %(files)s.")
                % {"files": ", ".join(unread)}
            )

    def _without_blank_rows(self, name, records):
        blank = [number for number, record in records if not any(record.values())]
        if blank:
            self.notes.append(
                ngettext(
                    "%(file)s: %(count)s blank row was skipped (row %(rows)s).",
                    "%(file)s: %(count)s blank rows were skipped (rows %(rows)s).",
                    len(blank),
                )
                % {"file": name, "count": len(blank), "rows": ", ".join(map(str, blank))}
            )
        return [(number, record) for number, record in records if any(record.values())]

    def _skipped(self, name, number, column, value):
        self.notes.append(
            _("%(file)s row %(row)s: %(column)s %(id)s is not in the package; the row was skipped.")
            % {"file": name, "row": number, "column": column, "id": value}
        )

    def _organization(self, name, number, record):
        """The row of the organization a record names, or None (and a note)."""
        reference = record.get("organization_id", "")
        if reference in self.organizations:
            return self.organizations[reference]
        if reference:
            self._skipped(name, number, "organization_id", reference)
        else:
            self.notes.append(
                _("%(file)s row %(row)s names no organization; the row was skipped.")
                % {"file": name, "row": number}
            )
        return None

    def _broken_links(self, record):
        """(column, id) of each link of a record to a row that is not in the package."""
        return [
            (column, record[column])
            for column, name in REFERENCE_FILES.items()
            if record.get(column) and record[column] not in self.ids.get(name, ())
        ]

    def _kept(self, name, number, record):
        """A row is imported: links of it that lead nowhere are noted, not followed."""
        for column, _value in self._broken_links(record):
            self.ignored_links[(name, column)].append(number)

    def _note_ignored_links(self):
        for (name, column), numbers in self.ignored_links.items():
            self.notes.append(
                ngettext(
                    "%(file)s row %(rows)s: its %(column)s names a row that is not in the "
                    "package; that link was ignored, the row kept.",
                    "%(file)s rows %(rows)s: their %(column)s names rows that are not in the "
                    "package; those links were ignored, the rows kept.",
                    len(numbers),
                )
                % {"file": name, "rows": ", ".join(map(str, numbers)), "column": column}
            )

    def read(self):
        self._read_organizations()
        self._read_identifiers()
        self._read_services()
        self._read_addresses()
        self._read_phones()
        self._read_contacts()
        self._note_ignored_links()
        columns = [key for key in COLUMNS if key == "name" or any(row[key] for row in self.rows)]
        dataset = tablib.Dataset(headers=columns)
        for row in self.rows:
            dataset.append([row[key] for key in columns])
        return dataset

    def _read_organizations(self):
        records = self.tables["organizations.csv"]
        if not records:
            raise ImportFileError(_("organizations.csv has no rows under its header."))
        if "name" not in records[0][1]:
            raise ImportFileError(_("organizations.csv has no “name” column."))
        first_row = {}
        for number, record in records:
            row = {
                "name": record.get("name", ""),
                "short_name": record.get("alternate_name", ""),
                "legal_form": record.get("legal_status", ""),
                "registration_number": record.get("tax_id", ""),
                "address": "",
                "description": html_to_text(record.get("description", "")),
                "email": record.get("email", ""),
                "phone": "",
                # HSDS 1.1 calls it url.
                "website": record.get("website") or record.get("url", ""),
                "year_founded": _whole_number(
                    record.get("year_incorporated") or record.get("year_founded", "")
                ),
                "contact_person": "",
                "services": [],
            }
            self.rows.append(row)
            hsds_id = record.get("id", "")
            if hsds_id in first_row:
                self.notes.append(
                    _(
                        "organizations.csv row %(row)s has the same id as row %(first)s: "
                        "what the other files link to it goes to row %(first)s."
                    )
                    % {"row": number, "first": first_row[hsds_id]}
                )
            elif hsds_id:
                first_row[hsds_id] = number
                self.organizations[hsds_id] = row

    def _read_identifiers(self):
        name = "organization_identifiers.csv"
        numbered = set()
        for number, record in self.tables.get(name, []):
            row = self._organization(name, number, record)
            # The first identifier of an organization is its registration number; it
            # replaces tax_id, which HSDS 3.0 deprecates.
            if row is not None and record.get("identifier") and id(row) not in numbered:
                row["registration_number"] = record["identifier"]
                numbered.add(id(row))

    def _read_services(self):
        name = "services.csv"
        for number, record in self.tables.get(name, []):
            row = self._organization(name, number, record)
            if row is None:
                continue
            if not record.get("name"):
                self.notes.append(
                    _("%(file)s row %(row)s: the service has no name; the row was skipped.")
                    % {"file": name, "row": number}
                )
                continue
            row["services"].append((record["name"], html_to_text(record.get("description", ""))))
            self._kept(name, number, record)

    def _read_addresses(self):
        name = "locations.csv"
        for number, record in self.tables.get(name, []):
            # A location without an organization is a service's (service_at_location),
            # not the organization's address.
            if record.get("organization_id") and record.get("id"):
                row = self._organization(name, number, record)
                if row is not None:
                    self.locations[record["id"]] = row
                    self.locations_of[id(row)].append(record["id"])
        candidates = defaultdict(list)  # location id -> [(postal?, address text)]
        for name in ("addresses.csv", "physical_addresses.csv", "postal_addresses.csv"):
            for number, record in self.tables.get(name, []):
                location = record.get("location_id", "")
                if location not in self.ids.get("locations.csv", ()):
                    if location:
                        self._skipped(name, number, "location_id", location)
                    continue
                kind = record.get("address_type", "").lower()
                text = _address_text(record)
                if location in self.locations and text and kind != "virtual":
                    postal = name == "postal_addresses.csv" or kind == "postal"
                    candidates[location].append((postal, text))
        for row in self.rows:
            # The first location's physical address, else its postal one.
            found = [
                (postal, position, text)
                for position, location in enumerate(self.locations_of[id(row)])
                for postal, text in candidates[location]
            ]
            if found:
                row["address"] = min(found, key=lambda item: item[:2])[2]

    def _read_phones(self):
        name = "phones.csv"
        direct, via_location = defaultdict(list), defaultdict(list)
        rows = {}
        for number, record in self.tables.get(name, []):
            phone = record.get("number", "").strip('"').strip()
            if not phone:
                self.notes.append(
                    _("%(file)s row %(row)s has no number; the row was skipped.")
                    % {"file": name, "row": number}
                )
                continue
            extension = _whole_number(record.get("extension", ""))
            if extension:
                phone = f"{phone} ext. {extension}"
            if record.get("organization_id"):
                row = self._organization(name, number, record)
                if row is not None:
                    direct[id(row)].append(phone)
                    rows[id(row)] = row
                    self._kept(name, number, record)
                continue
            row = self.locations.get(record.get("location_id", ""))
            if row is not None:
                via_location[id(row)].append(phone)
                rows[id(row)] = row
                self._kept(name, number, record)
                continue
            broken = self._broken_links(record)
            if broken:
                self._skipped(name, number, *broken[0])
            else:
                self.notes.append(
                    _(
                        "%(file)s row %(row)s: the phone is not an organization's (it belongs "
                        "to a service, a contact person or a location of none), and the "
                        "directory keeps only organizations' phones; the row was skipped."
                    )
                    % {"file": name, "row": number}
                )
        for key, row in rows.items():
            row["phone"] = (direct[key] or via_location[key])[0]

    def _read_contacts(self):
        name = "contacts.csv"
        for number, record in self.tables.get(name, []):
            if not record.get("name"):
                continue  # nothing the directory keeps
            if record.get("organization_id"):
                row = self._organization(name, number, record)
            else:
                row = self.locations.get(record.get("location_id", ""))
                if row is None:
                    # A service's contact: the directory keeps one person per organization.
                    continue
            if row is not None and not row["contact_person"]:
                row["contact_person"] = record["name"]
                self._kept(name, number, record)


@refuses_unreadable_files
def read_package(source) -> Table:
    """Read an HSDS package (3.0, or 1.1) for the import: `source` is the folder (a Path)
    or the bytes of a zip. Raises ImportFileError when it is no package it can read."""
    files = _package_files(source)
    if "organizations.csv" not in files:
        raise _not_a_package()
    reader = _PackageReader(files)
    dataset = reader.read()
    return Table(dataset=dataset, kind="hsds", encoding="utf-8", notes=reader.notes)
