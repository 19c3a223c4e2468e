"""The KPIs as CSV and XLSX (evaluation.views.documents kpis_csv, kpis_xlsx)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from evaluation.models import Kpi
from evaluation.progress import progress_of_kpis
from tests.factories import KpiFactory, MeasurementFactory

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db

HEADER = [
    "KPI",
    "Unit",
    "Direction",
    "How measurements add up",
    "Baseline",
    "Date of the baseline",
    "Target",
    "Date of the target",
    "Value",
    "Progress (%)",
    "State",
    "Measurements counted",
    "Source of the data",
    "How it is measured",
]


@pytest.fixture
def kpis(partnership):
    employment = KpiFactory(
        partnership=partnership,
        position=0,
        name='=HYPERLINK("http://example.org")',
        source="CSP",
        method="Reizi ceturksnī",
    )
    approved(employment, Decimal("43"), date(2026, 6, 30))
    approved(employment, Decimal("44.5"), date(2026, 9, 30))
    MeasurementFactory(kpi=employment, value=Decimal("50"), measured_on=date(2026, 10, 31))
    trained = KpiFactory(
        partnership=partnership,
        position=1,
        name="Apmācīti jaunieši",
        unit="",
        decimals=0,
        aggregation=Kpi.Aggregation.SUM,
        baseline_value=Decimal("0"),
        target_value=Decimal("100"),
    )
    return employment, trained


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_the_csv_has_a_row_per_kpi_with_its_value_progress_and_state(
    client, partnership, staff, kpis
):
    client.force_login(staff)
    response = client.get(url_of("kpis_csv", pk=partnership.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = partnership.local_today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="atelpas-brizi-kpis-{today}.csv"'
    )
    header, employment, trained = csv_rows(response)
    assert header == HEADER
    progress = progress_of_kpis(kpis, today_of=lambda kpi: partnership.local_today())[0]
    assert employment == [
        '\'=HYPERLINK("http://example.org")',  # a formula made text
        "%",
        "Higher is better",
        "The latest one",
        "40.0",
        "2026-01-01",
        "55.0",
        "2028-01-01",
        "44.5",  # the pending 50 is not counted
        str(progress.percent),
        str(progress.state.label),
        "2",
        "CSP",
        "Reizi ceturksnī",
    ]
    assert trained[:2] == ["Apmācīti jaunieši", ""]
    assert trained[8:12] == ["", "", "Not measured yet", "0"]


def test_the_xlsx_holds_numbers_as_number_cells_and_dates_as_dates(
    client, partnership, representative, kpis
):
    client.force_login(representative)
    response = client.get(url_of("kpis_xlsx", pk=partnership.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    header, employment, trained = xlsx_rows(response)
    assert list(header) == HEADER
    assert employment[0].startswith("'=")
    assert employment[4] == 40 and isinstance(employment[4], (int, float))
    assert employment[5].date() == date(2026, 1, 1)
    assert employment[8] == pytest.approx(44.5)
    assert isinstance(employment[9], int) and isinstance(employment[11], int)
    assert trained[8] is None and trained[9] is None


def test_the_headers_and_labels_are_in_the_users_language(client, partnership, staff, kpis):
    client.force_login(staff)
    response = client.get(url_of("kpis_csv", pk=partnership.pk).replace("/en/", "/lv/", 1))
    with translation.override("lv"):
        expected = [str(Kpi.Direction.UP.label), str(Kpi.Aggregation.LATEST.label)]
    assert csv_rows(response)[1][2:4] == expected


def test_an_average_is_printed_at_the_kpis_decimals(client, partnership, staff):
    kpi = KpiFactory(partnership=partnership, aggregation=Kpi.Aggregation.AVERAGE, decimals=1)
    for value in ("41", "42", "42"):
        approved(kpi, Decimal(value), date(2026, 6, 30))
    client.force_login(staff)
    rows = csv_rows(client.get(url_of("kpis_csv", pk=partnership.pk)))
    assert rows[1][8] == "41.7"


@pytest.mark.parametrize("name", ["kpis_csv", "kpis_xlsx"])
def test_outsiders_get_404_and_a_post_is_not_allowed(
    client, partnership, outsider, other_representative, administrator, staff, name
):
    url = url_of(name, pk=partnership.pk)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["kpis_csv", "kpis_xlsx"])
def test_the_export_takes_the_same_queries_however_many_kpis(
    client, partnership, staff, django_assert_num_queries, name
):
    client.force_login(staff)
    url = url_of(name, pk=partnership.pk)
    counts = []
    for count in (2, 20):
        for kpi in KpiFactory.create_batch(count, partnership=partnership):
            approved(kpi, Decimal("42"), date(2026, 6, 30))
        with django_assert_num_queries(7) as captured:
            b"".join(client.get(url).streaming_content)
        counts.append(len(captured))
    assert counts[0] == counts[1]
