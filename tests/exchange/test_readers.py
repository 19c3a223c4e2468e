"""Reading uploaded files into rows (exchange/readers.py): encodings, separators, spreadsheets,
and the files refused with a reason."""

import io
import zipfile

import pytest
import tablib

from exchange.readers import ImportFileError, read_table
from exchange.services import read_upload
from tests.exchange.helpers import (
    HOSTILE_FILES,
    csv_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-8", "Biedrība „Ūdensroze”"),
        ("utf-8-sig", "Biedrība „Ūdensroze”"),
        ("cp1257", "Žalgirio jaunimo klubas Ąžuolas"),
        ("cp1252", "Associação Ação Jovem Gårdsbageriet"),
        ("cp1253", "Σύνδεσμος Νέων Αγλαντζιάς"),
    ],
)
def test_it_reads_each_encoding(encoding, name, municipality):
    content = csv_bytes([["Name", "Home municipality"], [name, "Talsu novads"]], encoding=encoding)
    table = read_table(content, "file.csv")
    assert table.dataset[0][0] == name
    assert table.encoding == ("utf-8" if encoding.startswith("utf-8") else encoding)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_finds_the_separator_and_reads_latvian_headers(delimiter, municipality):
    content = csv_bytes(
        [["Nosaukums", "Pašvaldība", "E-pasts"], ["Biedrība A", "Talsu novads", "a@b.lv"]],
        delimiter=delimiter,
    )
    table = read_table(content, "file.csv")
    assert table.delimiter == delimiter
    assert table.dataset.headers == ["name", "home_municipality", "email"]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_it_reads_spreadsheets(kind, municipality):
    dataset = tablib.Dataset(headers=["Name", "Home municipality"])
    dataset.append(["Biedrība Ābele", "Talsu novads"])
    table = read_table(dataset.export(kind), f"file.{kind}")
    assert table.kind == kind
    assert table.dataset[0][0] == "Biedrība Ābele"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"Name\n", "header-only.csv", "no rows"),
        (b"Foo,Bar\n1,2\n", "nameless.csv", "Name"),
        (b"\x00\x01\x02binary" * 10, "image.csv", "not a spreadsheet"),
        (b"not really a zip", "fake.xlsx", "not a valid spreadsheet"),
        (b"x" * (50 * 1024 * 1024), "huge.csv", "larger than"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_reason(content, name, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(content, name)


def test_a_spreadsheet_that_unpacks_to_far_more_than_its_size_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (200 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="unpacks"):
        read_table(buffer.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_files_are_refused_with_a_reason_not_an_exception(case):
    content, name = HOSTILE_FILES[case]
    with pytest.raises(ImportFileError):
        read_upload(content, name)


def test_a_cell_over_the_limit_is_named_in_the_message():
    content, name = HOSTILE_FILES["a cell over the csv field limit"]
    with pytest.raises(ImportFileError, match="more than 131,072 characters"):
        read_upload(content, name)
