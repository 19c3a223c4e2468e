"""Spreadsheet responses: CSV streamed (UTF-8 with a byte-order mark, for Excel) and XLSX
built in openpyxl's write-only mode, row by row from an iterable, so that a long export
never sits in memory at once. Every text cell a spreadsheet would run as a formula is made
safe on the way out (CSV injection), and `unescape_cell` undoes it when such a file comes
back in.

Rows are lists of cell values; the first is usually the header.
"""

import csv
import re
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SHEET_TITLE_LENGTH = 31
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_FORMULA = re.compile("^'(?=[" + re.escape("".join(FORMULA_STARTS)) + "])")


def safe_cell(value):
    """Text as text: a leading formula character is escaped with an apostrophe, which
    spreadsheets show as a text prefix. Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(text):
    """The text a cell held before safe_cell escaped it; other text unchanged."""
    return _ESCAPED_FORMULA.sub("", text)


def safe_rows(rows):
    for row in rows:
        yield [safe_cell(value) for value in row]


class _Echo:
    """A file that hands back what is written, so csv.writer yields lines."""

    def write(self, value):
        return value


def csv_chunks(rows):
    """CSV text for Excel: a byte-order mark first, then a line per row, cells made safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in safe_rows(rows):
        yield writer.writerow(row)


def csv_response(rows, *, filename):
    """A download of the rows as CSV, streamed as they are produced."""
    response = StreamingHttpResponse(csv_chunks(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_file(rows, *, sheet_title):
    """An XLSX workbook of one sheet in a temporary file, cells made safe, written row by
    row (openpyxl write-only), and rewound. Closing it deletes it."""
    workbook = Workbook(write_only=True)
    # A sheet's title holds 31 characters at most (a translated one may be longer).
    sheet = workbook.create_sheet(title=str(sheet_title)[:SHEET_TITLE_LENGTH])
    for row in safe_rows(rows):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(rows, *, filename, sheet_title):
    """A download of the rows as an XLSX workbook. The workbook (a zip) is written whole
    into a temporary file before the first byte is sent; FileResponse then sends it in
    blocks and closes, so deletes, it."""
    return FileResponse(
        xlsx_file(rows, sheet_title=sheet_title),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )
