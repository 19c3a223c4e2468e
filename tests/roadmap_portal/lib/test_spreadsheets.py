import csv
import datetime
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from roadmap_portal.lib.spreadsheets import (
    csv_response,
    safe_cell,
    unescape_cell,
    xlsx_file,
    xlsx_response,
)

ROWS = [
    ["Name", "Note", "Phone", "Founded"],
    ["Biedrība „Brīnumiņš”", None, "+371 2000 0000", 2004],
    ["Δήμος Αγλαντζιάς", "line\nbreak", '=HYPERLINK("http://x")', 1990],
]


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return workbook, list(workbook.active.iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+371 2000", "'+371 2000"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Biedrība", "Biedrība"),
        ("'quoted", "'quoted"),
        (2004, 2004),
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_are_escaped(value, safe):
    assert safe_cell(value) == safe


@pytest.mark.parametrize("text", ["=SUM(A1)", "+371", "-2", "@cmd", "\tx", "\rx", "'quoted", "a"])
def test_an_escaped_cell_reads_back_as_it_was(text):
    assert unescape_cell(safe_cell(text)) == text


def test_the_csv_response_streams_utf8_with_a_byte_order_mark():
    produced = []

    def rows():
        for row in ROWS:
            produced.append(row)
            yield row

    response = csv_response(rows(), filename="organizations.csv")

    assert isinstance(response, StreamingHttpResponse)
    assert not produced  # nothing is read before the response is sent
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organizations.csv"'
    assert read_csv(response) == [
        ["Name", "Note", "Phone", "Founded"],
        ["Biedrība „Brīnumiņš”", "", "'+371 2000 0000", "2004"],
        ["Δήμος Αγλαντζιάς", "line\nbreak", '\'=HYPERLINK("http://x")', "1990"],
    ]


def test_the_xlsx_response_is_a_workbook_with_safe_cells():
    response = xlsx_response(iter(ROWS), filename="organizations.xlsx", sheet_title="Organizations")

    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="organizations.xlsx"'
    workbook, rows = read_xlsx(response)
    assert workbook.sheetnames == ["Organizations"]
    assert rows == [
        ("Name", "Note", "Phone", "Founded"),
        ("Biedrība „Brīnumiņš”", None, "'+371 2000 0000", 2004),
        # A text cell, not a formula: openpyxl would store "=..." as one.
        ("Δήμος Αγλαντζιάς", "line\nbreak", '\'=HYPERLINK("http://x")', 1990),
    ]


def test_the_xlsx_response_keeps_dates_and_numbers_as_such():
    day = datetime.date(2026, 12, 1)
    response = xlsx_response([["When", "How many"], [day, 3.5]], filename="x.xlsx", sheet_title="S")
    _workbook, rows = read_xlsx(response)
    assert rows[1][0].date() == day and rows[1][1] == 3.5


def test_a_sheet_title_longer_than_a_workbook_allows_is_cut_to_31_characters():
    with xlsx_file([["a"]], sheet_title="Ģimenes, kas saņem atelpas brīžus katru mēnesi") as handle:
        workbook = load_workbook(handle, read_only=True)
    assert workbook.sheetnames == ["Ģimenes, kas saņem atelpas brīž"]
