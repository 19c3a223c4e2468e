"""Files and rows the exchange's tests import."""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.db import connection, transaction

from exchange.hsds_write import write_package
from exchange.readers import read_table
from exchange.resource import OrganizationResource


def csv_bytes(rows, *, encoding="utf-8", delimiter=","):
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    return text.encode(encoding)


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def cut_in_half(kind):
    dataset = tablib.Dataset(headers=["Name"])
    dataset.append(["Biedrība A"])
    content = dataset.export(kind)
    return content[: len(content) // 2]


HOSTILE_FILES = {
    "a cell over the csv field limit": (b"Name,Purpose\nA," + b"x" * 140_000 + b"\n", "a.csv"),
    "a zip signature then garbage, as xlsx": (b"PK\x03\x04" + b"garbage" * 20, "a.xlsx"),
    "a zip signature then garbage, as zip": (b"PK\x03\x04" + b"garbage" * 20, "a.zip"),
    "a truncated xlsx": (cut_in_half("xlsx"), "a.xlsx"),
    "a truncated ods": (cut_in_half("ods"), "a.ods"),
    "an xlsx whose workbook is no xml": (zip_of({"xl/workbook.xml": "<not xml"}), "a.xlsx"),
    "an ods whose content is no xml": (zip_of({"content.xml": "<not xml"}), "a.ods"),
    "an hsds zip with broken csv": (
        zip_of({"organizations.csv": b'id,name\n1,"open' + b"x" * 140_000}),
        "hsds.zip",
    ),
    "an hsds zip that is not utf-8": (
        zip_of({"organizations.csv": b"id,name\n1,\xff\xfe\n"}),
        "h.zip",
    ),
}


def rows_file(*rows):
    return read_table(
        csv_bytes([["Name", "Home municipality", "Registration number", "Contact e-mail"], *rows]),
        "f.csv",
    )


def full_row_file(*rows):
    header = [
        "Name", "Home municipality", "Fields of activity", "Target groups", "Can offer partners",
        "Is looking for", "Other municipalities it serves", "Programmes and services",
        "Working languages", "Social enterprise status", "Year founded", "Type",
    ]  # fmt: skip
    return read_table(csv_bytes([header, *rows], delimiter="\t"), "f.csv")


def refuse_in_the_database(*args, **kwargs):
    # A statement the database refuses: on PostgreSQL the transaction is aborted after it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM no_such_table")


def lose_the_write(monkeypatch):
    """The write is rolled back while the import goes on as if it were kept: what the
    library did on an exception in a cell."""
    write = OrganizationResource._write_relations

    def lost(self, *args, **kwargs):
        write(self, *args, **kwargs)
        transaction.set_rollback(True)

    monkeypatch.setattr(OrganizationResource, "_write_relations", lost)


def quoted_file(header, row):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    return read_table(buffer.getvalue().encode(), "f.csv")


TAKEOVER = [
    ["Name", "Registration number", "Home municipality", "Purpose", "Contact e-mail"],
    [
        "Hijacked by Talsi staff",
        "40008999999",
        "Talsu novads",
        "Overwritten by Talsi import",
        "attacker@evil.example",
    ],
]


BAD_CELLS = [
    "12abc", "2,001", "20 01", "2001.5", "NaN", "Infinity", "-1", "1e400", "9" * 5000,
    "x" * 20_000, "\x00", "a\x00b", "\ud800", "\x0b", 2004.5, True,
    datetime.datetime(2004, 1, 1), "=cmd|' /C calc'!A0", "; ;", "\u202e", "ja; nē",
]  # fmt: skip


SHARED = Path(settings.BASE_DIR).parent / "shared" / "data"


HSDS_3 = SHARED / "hsds-3.0"


HSDS_1_1 = SHARED / "hsds-1.1-sample"


needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the Open Referral schemas and samples are not in {SHARED}"
)


def package(content):
    """{file name: [rows as dicts]} and the datapackage of an export's zip."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        tables = {}
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8")
                reader = csv.DictReader(io.StringIO(text, newline=""))
                tables[name] = (reader.fieldnames, list(reader))
        descriptor = json.loads(archive.read("datapackage.json"))
    return tables, descriptor


def export(organizations):
    buffer = io.BytesIO()
    write_package(organizations, buffer)
    return buffer.getvalue()
