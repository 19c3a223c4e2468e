"""Every measurement as CSV and XLSX (evaluation.views.documents measurements_csv,
measurements_xlsx)."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from evaluation.models import Measurement
from tests.factories import KpiFactory, MeasurementFactory

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db

HEADER = [
    "KPI",
    "Date",
    "Value",
    "Unit",
    "Estimate",
    "Status",
    "Entered for",
    "Entered by",
    "Decided by",
    "Decided at",
    "Reason",
    "Source",
    "Note",
]
DECIDED = datetime(2026, 7, 2, 9, 30, 15, 123456, tzinfo=timezone.UTC)  # 12:30:15 in Riga


@pytest.fixture
def measurements(partnership, staff, representative, organization):
    kpi = KpiFactory(partnership=partnership, name="Nodarbinātība")
    first = approved(
        kpi,
        Decimal("42.5"),
        date(2026, 6, 30),
        entered_by=staff,
        reviewed_by=representative,
        reviewed_for=organization,
        reviewed_at=DECIDED,
        source="CSP",
        note="=1+1",
    )
    MeasurementFactory(
        kpi=kpi,
        value=Decimal("30"),
        measured_on=date(2026, 7, 31),
        entered_for=organization,
        entered_by=representative,
        reviewed_by=staff,
        status=Measurement.Status.REJECTED,
        reviewed_at=DECIDED,
        review_note="Nepareizs periods",
        is_estimate=True,
    )
    MeasurementFactory(kpi=kpi, value=Decimal("44"), measured_on=date(2026, 8, 31))
    return first


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_every_measurement_of_every_status_by_date(
    client, partnership, staff, representative, organization, measurements
):
    client.force_login(staff)
    response = client.get(url_of("measurements_csv", pk=partnership.pk))
    assert response.status_code == 200
    today = partnership.local_today().isoformat()
    assert f'filename="atelpas-brizi-measurements-{today}.csv"' in response["Content-Disposition"]
    header, first, rejected, pending = csv_rows(response)
    assert header == HEADER
    assert first == [
        "Nodarbinātība",
        "2026-06-30",
        "42.5",
        "%",
        "no",
        "Approved",
        "Talsu novads",
        str(staff),
        str(representative),
        "2026-07-02 12:30:15",  # the municipality's clock, to the second
        "",
        "CSP",
        "'=1+1",
    ]
    assert rejected[4:7] == ["yes", "Rejected", organization.name]
    assert rejected[10] == "Nepareizs periods"
    assert pending[5] == "Waiting for approval" and pending[8:10] == ["", ""]


def test_the_xlsx_holds_values_as_numbers_and_dates_as_dates(
    client, partnership, representative, measurements
):
    client.force_login(representative)
    response = client.get(url_of("measurements_xlsx", pk=partnership.pk))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, first, *_rest = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADER
    assert first[1] == datetime(2026, 6, 30)
    assert first[2] == pytest.approx(42.5)
    assert first[9] == datetime(2026, 7, 2, 12, 30, 15)


@pytest.mark.parametrize("name", ["measurements_csv", "measurements_xlsx"])
def test_outsiders_get_404_and_a_post_is_not_allowed(
    client, partnership, outsider, other_representative, administrator, staff, name
):
    url = url_of(name, pk=partnership.pk)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.post(url).status_code == 405


def test_an_anonymous_visitor_is_sent_to_sign_in(client, partnership):
    response = client.get(url_of("measurements_csv", pk=partnership.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["measurements_csv", "measurements_xlsx"])
def test_the_export_takes_the_same_queries_however_many_measurements(
    client, partnership, staff, representative, django_assert_num_queries, name
):
    client.force_login(staff)
    url = url_of(name, pk=partnership.pk)
    counts = []
    for count in (3, 30):
        kpi = KpiFactory(partnership=partnership)
        for _number in range(count):
            approved(
                kpi, Decimal("42"), date(2026, 6, 30), entered_by=staff, reviewed_by=representative
            )
        with django_assert_num_queries(6) as captured:
            b"".join(client.get(url).streaming_content)
        counts.append(len(captured))
    assert counts[0] == counts[1]
