from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from evaluation.models import EvaluationEvent, Measurement
from tests.factories import OrganizationMembershipFactory

from .conftest import url_of

POST = {"value": "47,5", "measured_on": "2026-06-30", "source": "NVA", "note": ""}


def lv(url):
    return url.replace("/en/", "/lv/", 1)


def test_staff_enter_a_measurement_for_the_municipality_waiting_for_approval(
    client, partnership, kpi, staff
):
    client.force_login(staff)
    response = client.post(lv(url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)), POST)
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.status) == (Decimal("47.5"), "pending")
    assert (measurement.entered_for, measurement.entered_by) == (None, staff)
    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.MEASURED).exists()


def test_a_representative_enters_for_their_organization(
    client, partnership, kpi, representative, organization
):
    client.force_login(representative)
    client.post(lv(url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)), POST)
    assert Measurement.objects.get().entered_for == organization


def test_someone_who_acts_for_two_parties_chooses_one(
    client, partnership, kpi, staff, organization
):
    OrganizationMembershipFactory(user=staff, organization=organization)
    client.force_login(staff)
    url = lv(url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk))
    page = client.get(url).content.decode()
    assert organization.name in page
    response = client.post(url, POST)
    assert response.status_code == 200
    assert "party" in response.context["form"].errors
    client.post(url, POST | {"party": str(organization.pk)})
    assert Measurement.objects.get().entered_for == organization


def test_a_party_that_is_not_the_users_is_refused(client, partnership, kpi, staff, organization):
    OrganizationMembershipFactory(user=staff, organization=organization)
    client.force_login(staff)
    url = url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)
    response = client.post(url, POST | {"value": "47.5", "party": "999999"})
    assert response.status_code == 200
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("N/A", "Enter the value as a number, like 12.5"),
        ("47.55", "Enter the value with at most 1 decimal place"),
        (str(10**20), "The value must be between"),
        ("\x00", "Enter the value as a number, like 12.5"),
        ("4" * 100_000, "The value must be between"),
        ("", "Enter the value"),
    ],
)
def test_a_bad_value_is_refused_with_a_message(client, partnership, kpi, staff, value, message):
    client.force_login(staff)
    url = url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)
    response = client.post(url, POST | {"value": value})
    assert response.status_code == 200
    assert response.context["form"].errors["value"][0].startswith(message)
    assert not Measurement.objects.exists()


def test_the_date_is_not_after_today_in_the_municipalitys_time_zone(
    client, partnership, kpi, staff
):
    client.force_login(staff)
    today = partnership.local_today()
    url = url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)
    tomorrow = {"value": "47.5", "measured_on": (today + timedelta(days=1)).isoformat()}
    response = client.post(url, POST | tomorrow)
    assert response.context["form"].errors["measured_on"] == [
        "The date of the measurement must be today or in the past"
    ]
    client.post(url, POST | {"value": "47.5", "measured_on": today.isoformat()})
    assert Measurement.objects.get().measured_on == today


def test_bad_text_is_refused(client, partnership, kpi, staff):
    client.force_login(staff)
    url = url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)
    for changes in ({"source": "NVA\x00"}, {"note": "x" * 100_000}, {"measured_on": "N/A"}):
        response = client.post(url, POST | {"value": "47.5"} | changes)
        assert response.status_code == 200
    assert not Measurement.objects.exists()


def test_at_most_max_measurements_per_kpi(client, partnership, kpi, staff):
    client.force_login(staff)
    with mock.patch("evaluation.services.MAX_MEASUREMENTS_PER_KPI", 0):
        response = client.post(
            url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk), POST | {"value": "47.5"}
        )
    assert response.status_code == 200
    assert "at most 0 measurements" in response.content.decode()
    assert not Measurement.objects.exists()


def test_outsiders_get_404(client, partnership, kpi, outsider):
    client.force_login(outsider)
    url = url_of("measurement_new", pk=partnership.pk, kpi=kpi.pk)
    assert client.post(url, POST).status_code == 404
