"""Open Referral HSDS packages (3.0 or 1.1, a zip or a folder) read back as rows for the
import.

`read_package` turns a package into one row per organization with the import's columns,
joining its services, phone, address and contact person from the other tables. What it has
to leave out (a phone of a service the package does not have, blank rows) it says in the
table's notes.
"""

import csv
import html
import io
import re
import zipfile
import zlib
from collections import defaultdict
from pathlib import Path, PurePosixPath

import nh3
import tablib
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .readers import (
    MAX_BYTES,
    ImportFileError,
    Table,
    check_size,
    check_unpacked,
    refuses_unreadable_files,
)

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
