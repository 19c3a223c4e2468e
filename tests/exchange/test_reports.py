"""What an import reports (exchange/reports.py), kept as JSON on the record."""

import pytest
from django.utils import translation

from exchange.reports import ImportReport, RowReport

pytestmark = pytest.mark.usefixtures("in_english")


def a_report():
    return ImportReport(
        rows=[
            RowReport(number=2, status="new", name="Biedrība A", messages=[]),
            RowReport(
                number=3,
                status="updated",
                name="Biedrība B",
                messages=[],
                changes=[["Phone", "", "+371 2000 0000"]],
            ),
            RowReport(number=4, status="error", name="", messages=["Name: required"]),
        ],
        counts={"error": 1, "new": 1, "updated": 1},
        written=True,
        notes=["Columns not imported: Fax"],
    )


def test_a_report_kept_as_json_reads_back_the_same():
    report = a_report()
    assert ImportReport.from_json(report.as_json()) == report


def test_a_report_kept_before_failed_was_recorded_reads_as_not_failed():
    stored = a_report().as_json()
    del stored["failed"]
    assert ImportReport.from_json(stored).failed is False


def test_the_counts_are_labelled_in_a_fixed_order_in_the_users_language():
    assert [(str(label), count) for label, count in a_report().labelled_counts] == [
        ("New", 1),
        ("Updated", 1),
        ("Error", 1),
    ]
    with translation.override("lv"):
        assert str(a_report().labelled_counts[0][0]) != "New"


def test_errors_and_every_row_refused_are_told_apart():
    report = a_report()
    assert report.has_errors and not report.every_row_refused
    refused = ImportReport(
        rows=[RowReport(number=2, status="error", name="", messages=["x"])], counts={"error": 1}
    )
    assert refused.every_row_refused
    assert not ImportReport(rows=[], counts={}).every_row_refused
