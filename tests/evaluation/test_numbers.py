"""One rounding everywhere (evaluation.progress.rounded): found in review, the pages rounded
half up (|floatformat) while the report, the chart's table and the exports rounded half to
even, so an average of 42 and 43 read 43 on one page and 42 on another."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from evaluation.models import Kpi
from evaluation.progress import kpi_progress, number_text, rounded

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db


def test_halves_round_away_from_zero_in_every_language():
    assert rounded(Decimal("42.5"), 0) == 43
    assert rounded(Decimal("-42.5"), 0) == -43
    assert rounded(Decimal("0.125"), 2) == Decimal("0.13")
    assert number_text(Decimal("1234.5"), 0) in {"1\xa0235", "1,235", "1 235", "1.235"}


def test_a_percentage_of_a_half_rounds_up():
    kpi = Kpi(
        direction="up",
        aggregation="latest",
        baseline_value=Decimal(0),
        baseline_on=date(2026, 1, 1),
        target_value=Decimal(200),
        target_on=date(2027, 1, 1),
    )
    progress = kpi_progress(kpi, [], today=date(2026, 1, 1))
    assert progress.percent is None
    measured = type("M", (), {"status": "approved", "measured_on": date(2026, 2, 1), "pk": 1})
    measured.value, measured.is_estimate = Decimal("1"), False
    assert kpi_progress(kpi, [measured], today=date(2026, 2, 1)).percent == 1  # 0.5 %


def test_the_list_the_report_and_the_export_show_the_same_rounded_average(
    client, partnership, kpi, staff
):
    Kpi.objects.filter(pk=kpi.pk).update(aggregation="average", decimals=0)
    approved(kpi, Decimal(42), date(2026, 3, 1))
    approved(kpi, Decimal(43), date(2026, 4, 1))
    client.force_login(staff)
    listing = client.get(url_of("kpis", pk=partnership.pk)).content.decode()
    report = client.get(url_of("report", pk=partnership.pk)).content.decode()
    exported = b"".join(client.get(url_of("kpis_csv", pk=partnership.pk)).streaming_content)
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert ">43<" in listing.replace(" ", "") and ">42<" not in listing.replace(" ", "")
    assert "43" in report and "42,5" not in report
    value_column = rows[0].index(
        next(h for h in rows[0] if h.lower().startswith(("value", "vērtība")))
    )
    assert rows[1][value_column] == "43"
