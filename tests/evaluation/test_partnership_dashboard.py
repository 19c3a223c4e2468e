"""evaluation:dashboard: a partnership's evaluation at a glance."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MeasurementFactory, MunicipalityMembershipFactory

from .dash_helpers import a_bit_of_everything, kpi_at, make_partnership, stage_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, staff, organization):
    return make_partnership(municipality, staff, organization)


def url_of(partnership, language="en"):
    with translation.override(language):
        return reverse("evaluation:dashboard", kwargs={"pk": partnership.pk})


def test_it_counts_the_kpis_by_state_and_lists_them_with_their_progress(
    client, staff, partnership, organization
):
    a_bit_of_everything(partnership, organization)
    client.force_login(staff)
    response = client.get(url_of(partnership))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert dict(summary.counts) == {"good": 1, "at_risk": 1, "off_track": 1, "not_measured": 1}
    page = response.content.decode()
    for words in ("On track", "At risk", "Off track", "Not measured yet"):
        assert words in page
    # 55 of 40 -> 60: 75 %; the pending 57 does not count.
    assert "55.0&nbsp;%</td>" in page and "75&nbsp;%" in page and "57.0" not in page
    kpi = summary.progress[0].kpi
    assert f'href="/en/partnerships/{partnership.pk}/evaluation/kpis/{kpi.pk}/"' in page


def test_it_shows_the_stages_due_and_overdue_and_the_next_one(
    client, staff, partnership, organization
):
    a_bit_of_everything(partnership, organization)
    client.force_login(staff)
    response = client.get(url_of(partnership))
    summary = response.context["summary"]
    assert [s.name for s in summary.stages_due] == ["Overdue stage", "Due soon"]
    assert summary.next_stage.name == "Later stage"
    page = response.content.decode()
    assert "Done stage" not in page
    assert "overdue" in page


def test_it_lists_overdue_and_blocked_actions_with_why(client, staff, partnership, organization):
    a_bit_of_everything(partnership, organization)
    client.force_login(staff)
    page = client.get(url_of(partnership)).content.decode()
    assert "Overdue action" in page
    assert "Blocked action" in page and "No room" in page
    assert "Fine action" not in page and "Done action" not in page


def test_the_partner_sees_what_waits_for_their_approval_and_staff_do_not(
    client, staff, representative, partnership, organization
):
    a_bit_of_everything(partnership, organization)
    client.force_login(representative)
    response = client.get(url_of(partnership))
    (measurement,) = response.context["to_review"]
    review = f"/en/partnerships/{partnership.pk}/evaluation/measurements/{measurement.pk}/review/"
    assert review in response.content.decode()
    client.force_login(staff)  # entered for the municipality: not theirs to decide
    response = client.get(url_of(partnership))
    assert response.context["to_review"] == []
    assert "Nothing waits for your approval." in response.content.decode()


def test_it_links_to_every_part_and_export(client, staff, partnership):
    client.force_login(staff)
    page = client.get(url_of(partnership)).content.decode()
    base = f"/en/partnerships/{partnership.pk}/evaluation/"
    for path in (
        "stages/",
        "kpis/",
        "evidence/",
        "report/",
        "report.pdf",
        "kpis.csv",
        "kpis.xlsx",
        "measurements.csv",
        "measurements.xlsx",
    ):
        assert f'href="{base}{path}"' in page
    assert "No KPIs yet." in page


def test_numbers_are_written_as_the_language_writes_them(client, staff, partnership):
    kpi_at(partnership, "55.5", name="Daļa")
    client.force_login(staff)
    page = client.get(url_of(partnership, "lv")).content.decode()
    assert "55,5&nbsp;%</td>" in page


def test_text_from_users_is_escaped(client, staff, partnership):
    kpi_at(partnership, 50, name="<script>x</script>")
    stage_in(partnership, 1, name="<b>stage</b>")
    client.force_login(staff)
    page = client.get(url_of(partnership)).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "<b>stage</b>" not in page


def test_an_outsider_gets_404(client, outsider, partnership):
    other_staff = MunicipalityMembershipFactory().user
    for user in (outsider, other_staff):
        client.force_login(user)
        assert client.get(url_of(partnership)).status_code == 404


def test_a_post_is_refused(client, staff, partnership):
    client.force_login(staff)
    assert client.post(url_of(partnership)).status_code == 405


# The session and user, the partnership, the parties I act for (2), KPIs, their approved
# measurements, stages, action rows, measurements waiting for me, the header's moderation
# menu.
DASHBOARD_QUERIES = 11


def test_the_number_of_queries_does_not_grow_with_kpis_measurements_stages_or_actions(
    client, representative, partnership, organization, django_assert_num_queries
):
    a_bit_of_everything(partnership, organization)
    client.force_login(representative)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url_of(partnership)).status_code == 200
    for _ in range(3):
        a_bit_of_everything(partnership, organization)
        MeasurementFactory(kpi=partnership.kpis.first())
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url_of(partnership)).status_code == 200
