from datetime import date
from decimal import Decimal

import pytest

from evaluation.services import measurement_review
from tests.factories import KpiFactory, MunicipalityFactory, MunicipalityMembershipFactory

from .conftest import enter, url_of


def approve(measurement, user, party):
    return measurement_review(
        measurement=measurement, version=measurement.version, approve=True, party=party, actor=user
    )


def test_members_see_each_kpi_with_its_value_target_progress_and_state_in_words(
    client, partnership, kpi, staff, representative, organization
):
    approve(
        enter(kpi, staff, value=Decimal("47.5"), measured_on=date(2026, 6, 1)),
        representative,
        organization,
    )
    client.force_login(representative)
    response = client.get(url_of("kpis", pk=partnership.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert kpi.name in page
    assert "47.5" in page  # the value, with the KPI's one decimal place
    assert "55.0" in page  # the target
    assert "50&nbsp;%" in page  # 7.5 of 15, written as every evaluation page writes it
    assert "On track" in page or "At risk" in page or "Off track" in page
    assert "Add a KPI" in page
    for export in ("kpis_csv", "kpis_xlsx", "measurements_csv", "measurements_xlsx"):
        assert url_of(export, pk=partnership.pk) in page


def test_a_pending_measurement_does_not_count_on_the_list(client, partnership, kpi, staff):
    enter(kpi, staff, value=Decimal("50"))
    client.force_login(staff)
    response = client.get(url_of("kpis", pk=partnership.pk))
    assert "Not measured yet" in response.content.decode()


def test_numbers_are_written_as_the_language_writes_them(
    client, partnership, kpi, staff, representative, organization
):
    approve(
        enter(kpi, staff, value=Decimal("47.5"), measured_on=date(2026, 6, 1)),
        representative,
        organization,
    )
    client.force_login(staff)
    with_lv = client.get(url_of("kpis", pk=partnership.pk).replace("/en/", "/lv/", 1))
    assert "47,5" in with_lv.content.decode()


def test_the_number_of_queries_does_not_grow_with_kpis_or_measurements(
    client, partnership, staff, representative, organization, django_assert_num_queries
):
    client.force_login(staff)
    url = url_of("kpis", pk=partnership.pk)
    kpi = KpiFactory(partnership=partnership)
    approve(enter(kpi, staff), representative, organization)
    client.get(url)  # the session and the language, read once
    with django_assert_num_queries(9) as first:
        client.get(url)
    for _number in range(5):
        more = KpiFactory(partnership=partnership)
        for day in (date(2026, 3, 1), date(2026, 6, 1)):
            approve(enter(more, staff, measured_on=day), representative, organization)
            enter(more, staff, measured_on=day)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('scope="row"') == 6


@pytest.mark.parametrize("who", ["outsider", "administrator"])
def test_outsiders_and_administrators_get_404(client, partnership, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url_of("kpis", pk=partnership.pk)).status_code == 404


def test_staff_of_another_municipality_get_404(client, partnership):
    client.force_login(MunicipalityMembershipFactory(municipality=MunicipalityFactory()).user)
    assert client.get(url_of("kpis", pk=partnership.pk)).status_code == 404


def test_post_is_405(client, partnership, staff):
    client.force_login(staff)
    assert client.post(url_of("kpis", pk=partnership.pk)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, partnership):
    response = client.get(url_of("kpis", pk=partnership.pk))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
