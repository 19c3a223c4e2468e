from datetime import date

from evaluation.services import measurement_review

from .conftest import enter, url_of


def test_the_page_shows_the_definition_value_and_what_each_member_may_do(
    client, partnership, kpi, staff, representative, organization, action
):
    kpi.actions.add(action)
    mine = enter(kpi, staff, measured_on=date(2026, 6, 1))
    theirs = enter(kpi, representative, party=organization, measured_on=date(2026, 7, 1))
    old = enter(kpi, representative, party=organization, measured_on=date(2025, 6, 1))
    measurement_review(measurement=old, version=1, approve=True, party=None, actor=staff)
    client.force_login(staff)
    response = client.get(url_of("kpi", pk=partnership.pk, kpi=kpi.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Higher is better" in page and "The latest one" in page
    assert "Row 1: Darba prakses jauniešiem" in page
    assert "1 approved measurement dated before the baseline is not counted." in page
    assert "Not measured yet" in page

    def link(name, measurement):
        return f'href="{url_of(name, pk=partnership.pk, measurement=measurement.pk)}"'

    assert link("measurement", mine) in page
    assert link("measurement_withdraw", mine) in page
    assert link("measurement_review", theirs) in page
    assert link("measurement_review", mine) not in page
    assert link("measurement", theirs) not in page
    assert "Add a measurement" in page
    assert '<th scope="col">' in page and "<caption" in page


def test_values_are_shown_with_the_kpis_decimals_in_the_language(client, partnership, kpi, staff):
    enter(kpi, staff)
    client.force_login(staff)
    page = client.get(url_of("kpi", pk=partnership.pk, kpi=kpi.pk).replace("/en/", "/lv/", 1))
    assert "42,0" in page.content.decode()


def test_post_is_405_and_outsiders_404(client, partnership, kpi, staff, outsider):
    client.force_login(staff)
    assert client.post(url_of("kpi", pk=partnership.pk, kpi=kpi.pk)).status_code == 405
    client.force_login(outsider)
    assert client.get(url_of("kpi", pk=partnership.pk, kpi=kpi.pk)).status_code == 404
