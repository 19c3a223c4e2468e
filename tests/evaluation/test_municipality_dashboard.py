"""evaluation:municipality: a municipality's partnerships' evaluation, for its staff."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MeasurementFactory, MunicipalityMembershipFactory, OrganizationFactory

from .dash_helpers import a_bit_of_everything, kpi_at, make_partnership, stage_in

pytestmark = pytest.mark.django_db


def url_of(municipality):
    with translation.override("en"):
        return reverse("evaluation:municipality", kwargs={"slug": municipality.slug})


def test_each_partnership_has_a_row_with_its_counts(client, staff, municipality, organization):
    first = make_partnership(municipality, staff, organization, title="Atelpa")
    a_bit_of_everything(first, organization)
    second = make_partnership(municipality, staff, organization, title="Bērni")
    kpi_at(second, 55)
    client.force_login(staff)
    response = client.get(url_of(municipality))
    assert response.status_code == 200
    rows = {
        s.partnership.title: (
            s.on_track,
            s.off_track,
            len(s.stages_due),
            len(s.overdue_actions),
            len(s.blocked_actions),
        )
        for s in response.context["summaries"]
    }
    assert rows == {"Atelpa": (1, 2, 2, 1, 1), "Bērni": (1, 0, 0, 0, 0)}
    page = response.content.decode()
    assert f'href="/en/partnerships/{first.pk}/evaluation/"' in page
    assert f'href="/en/partnerships/{second.pk}/evaluation/"' in page


def test_it_lists_the_kpis_at_risk_or_off_track_the_stages_due_and_what_waits_for_me(
    client, staff, representative, municipality, organization
):
    partnership = make_partnership(municipality, staff, organization)
    a_bit_of_everything(partnership, organization)
    kpi = partnership.kpis.first()
    for_the_partner = MeasurementFactory(
        kpi=kpi, entered_for=organization, entered_by=representative
    )
    client.force_login(staff)
    response = client.get(url_of(municipality))
    assert [p.kpi.name for p in response.context["kpis_at_risk"]] == ["At risk", "Off track"]
    assert [s.name for s in response.context["stages_due"]] == ["Overdue stage", "Due soon"]
    assert response.context["to_review"] == [for_the_partner]
    page = response.content.decode()
    assert f"/evaluation/measurements/{for_the_partner.pk}/review/" in page


def test_another_municipalitys_partnerships_are_not_counted(
    client, staff, municipality, organization
):
    other = MunicipalityMembershipFactory()
    elsewhere = make_partnership(
        other.municipality,
        other.user,
        OrganizationFactory(home_municipality=other.municipality),
        title="Citur",
    )
    stage_in(elsewhere, 1)
    client.force_login(staff)
    response = client.get(url_of(municipality))
    assert response.context["summaries"] == []
    assert "Citur" not in response.content.decode()
    assert "No partnerships yet." in response.content.decode()


def test_only_its_staff_and_coordinators_see_it(
    client, staff, coordinator, representative, outsider, municipality
):
    for user in (staff, coordinator):
        client.force_login(user)
        assert client.get(url_of(municipality)).status_code == 200
    other_staff = MunicipalityMembershipFactory().user
    for user in (representative, outsider, other_staff):
        client.force_login(user)
        assert client.get(url_of(municipality)).status_code == 404


def test_a_post_is_refused(client, staff, municipality):
    client.force_login(staff)
    assert client.post(url_of(municipality)).status_code == 405


# The session and user, the municipality, its partnerships, their KPIs, the approved
# measurements, stages, action rows, the measurements waiting for me, the header's
# moderation menu (2).
MUNICIPALITY_QUERIES = 11


def test_the_number_of_queries_is_the_same_with_one_and_with_five_partnerships(
    client, staff, municipality, organization, django_assert_num_queries
):
    first = make_partnership(municipality, staff, organization, title="P0")
    a_bit_of_everything(first, organization)
    client.force_login(staff)
    with django_assert_num_queries(MUNICIPALITY_QUERIES):
        assert client.get(url_of(municipality)).status_code == 200
    for number in range(1, 5):
        partnership = make_partnership(municipality, staff, organization, title=f"P{number}")
        a_bit_of_everything(partnership, organization)
    with django_assert_num_queries(MUNICIPALITY_QUERIES):
        response = client.get(url_of(municipality))
    assert len(response.context["summaries"]) == 5
    assert len(response.context["kpis_at_risk"]) == 10
