"""Reading an uploaded file into rows: CSV (its encoding and separator found), XLSX and
ODS; refusing what is too big, unpacks to far more than its size or is no spreadsheet; and
the column headers (the export's, in any portal language, or Latvian ones) mapped to fields.
"""

import csv
import functools
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import tablib
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.search import normalize
from roadmap_portal.lib.spreadsheets import unescape_cell

from .export import STAFF_COLUMNS

logger = logging.getLogger(__name__)

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

# Column headers besides the export's own (read in every portal language by header_names):
# the ones Latvian spreadsheets use.
HEADERS = {
    "name": ["nosaukums", "organizācijas nosaukums"],
    "short_name": ["īsais nosaukums"],
    "type": ["veids"],
    "legal_form": ["juridiskā forma"],
    "registration_number": ["reģistrācijas numurs", "reģ. nr."],
    "home_municipality": ["municipality", "pašvaldība", "novads"],
    "address": ["adrese"],
    "description": ["description", "mērķis", "apraksts", "darbības apraksts"],
    "email": ["e-mail", "email", "e-pasts"],
    "phone": ["tālrunis", "telefons"],
    "website": ["mājaslapa", "tīmekļvietne"],
    "year_founded": ["dibināšanas gads"],
    "contact_person": ["kontaktpersona"],
}


@functools.cache
def header_names():
    """{header as written, lower case: column}: the export's headers in every portal
    language, so an exported file reads back whatever language it was saved in."""
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for key, label in STAFF_COLUMNS:
                names[str(label).strip().lower()] = key
    for key, aliases in HEADERS.items():
        names |= dict.fromkeys(aliases, key)
    return names


class ImportFileError(Exception):
    """The file cannot be read: the message says why, in the user's language."""


def refuses_unreadable_files(reader):
    """Whatever a hostile or damaged file makes the readers raise (csv, zipfile, zlib,
    openpyxl, odfpy, tablib) becomes an ImportFileError with a message, here only: an
    upload never gives a server error, and nothing is stored for a file not read."""

    @functools.wraps(reader)
    def read(*args, **kwargs):
        try:
            return reader(*args, **kwargs)
        except ImportFileError:
            raise
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    _(
                        "A cell of the file holds more than %(limit)s characters, more than "
                        "any field of the directory takes. Shorten it and upload the file again."
                    )
                    % {"limit": f"{csv.field_size_limit():,}"}
                ) from error
            raise ImportFileError(_("The file cannot be read as CSV.")) from error
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            raise ImportFileError(
                _(
                    "The file looks like a zip archive (XLSX, ODS or an Open Referral package) "
                    "but is damaged or incomplete. Save or download it again."
                )
            ) from error
        except Exception as error:
            logger.warning("Unreadable import file", exc_info=error)
            raise ImportFileError(
                _("The file cannot be read: it may be damaged. Save it again as XLSX, ODS or CSV.")
            ) from error

    return read


@dataclass
class Table:
    dataset: tablib.Dataset
    kind: str
    encoding: str = ""
    delimiter: str = ""
    unknown_headers: list = field(default_factory=list)
    # Problems with the file as a whole (an HSDS package's broken links), shown with the rows.
    notes: list = field(default_factory=list)


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def kind_of(content, filename):
    name = filename.lower()
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_unpacked(sum(info.file_size for info in archive.infolist()), len(content))
            names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        if any(PurePosixPath(name).name.lower() == "organizations.csv" for name in names):
            return "hsds"  # an Open Referral package: exchange/hsds_read.py reads it
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


def check_unpacked(unpacked: int, size: int) -> None:
    """Refuse a zip (XLSX, ODS, an HSDS package) that unpacks to far more than its size."""
    if unpacked > max(size, 1) * MAX_UNPACKED_RATIO or unpacked > MAX_BYTES * 10:
        raise ImportFileError(_("The file unpacks to far more than its size: it is refused."))


def check_size(size: int) -> None:
    """Refuse a file over the limit, before anyone reads it into memory."""
    if size > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )


@refuses_unreadable_files
def read_table(content: bytes, filename: str, *, encoding="", delimiter="") -> Table:
    """Read an uploaded file into rows with field names as headers."""
    check_size(len(content))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    kind = kind_of(content, filename)
    if kind == "hsds":
        raise ImportFileError(_("This is an Open Referral (HSDS) package, not a spreadsheet."))
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
    lookup = header_names()
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
    return unescape_cell(text)


@functools.lru_cache(maxsize=100_000)  # an import folds each name of its file several times
def folded_name(name):
    """Names that differ only in case, accents, spaces or quotation marks are one name."""
    return re.sub(r"[\s\"'„“”«»‘’]+", " ", normalize(name)).strip()
