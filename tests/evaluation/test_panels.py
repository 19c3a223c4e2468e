"""evaluation.panels: My work's evaluation panel, and the partnership page's."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from evaluation.panels import my_evaluation, partnership_evaluation
from tests.factories import MeasurementFactory

from .dash_helpers import a_bit_of_everything, kpi_at, make_partnership

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/en/my-work/")
    request.user = user
    return request


@pytest.fixture
def partnership(municipality, staff, organization):
    return make_partnership(municipality, staff, organization)


def test_the_measurements_waiting_for_my_approval_are_due(
    representative, partnership, organization
):
    a_bit_of_everything(partnership, organization)
    (waiting,) = partnership.kpis.first().measurements.filter(status="pending")
    with translation.override("en"):
        panel = my_evaluation(request_of(representative))
    (due,) = panel.due
    assert due.text.startswith("Approve or reject the measurement of On track")
    assert due.url == (
        f"/en/partnerships/{partnership.pk}/evaluation/measurements/{waiting.pk}/review/"
    )
    assert panel.context["municipalities"] == []


def test_staff_are_led_to_their_municipalitys_dashboard(staff, municipality):
    panel = my_evaluation(request_of(staff))
    assert panel.due == []
    with translation.override("en"):
        html = panel.render(request_of(staff))
    assert f'href="/en/evaluation/municipalities/{municipality.slug}/"' in html


def test_someone_with_nothing_to_decide_and_no_municipality_gets_no_panel(outsider, representative):
    assert my_evaluation(request_of(outsider)) is None
    assert my_evaluation(request_of(representative)) is None


def test_what_i_entered_myself_is_not_due_for_me(staff, representative, partnership, organization):
    kpi = kpi_at(partnership, 50)
    MeasurementFactory(kpi=kpi, entered_for=organization, entered_by=representative)
    assert my_evaluation(request_of(representative)) is None
    assert len(my_evaluation(request_of(staff)).due) == 1


def test_the_partnership_page_shows_its_kpis_how_many_are_on_track_and_the_stages_due(
    client, staff, partnership, organization
):
    a_bit_of_everything(partnership, organization)
    with translation.override("en"):
        panel = partnership_evaluation(request_of(staff), partnership)
        html = panel.render(request_of(staff))
    assert "4 KPIs, 1 on track or reached, 2 at risk or off track · 2 stages due" in " ".join(
        html.split()
    )
    assert f'href="/en/partnerships/{partnership.pk}/evaluation/"' in html


def test_the_partnership_page_leads_to_the_evaluation(client, staff, partnership):
    client.force_login(staff)
    page = client.get(f"/en/partnerships/{partnership.pk}/").content.decode()
    assert "No KPIs yet." in page
    assert f'href="/en/partnerships/{partnership.pk}/evaluation/"' in page
