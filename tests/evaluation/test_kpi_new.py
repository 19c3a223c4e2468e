from datetime import date
from decimal import Decimal

import pytest

from evaluation.models import MAX_KPIS, EvaluationEvent, Kpi
from tests.factories import ActionItemFactory, KpiFactory

from .conftest import url_of

POST = {
    "name": "Nodarbināto jauniešu īpatsvars",
    "unit": "%",
    "decimals": "1",
    "direction": "up",
    "aggregation": "sum",
    "baseline_value": "40",
    "baseline_on": "2026-01-01",
    "target_value": "55,5",
    "target_on": "2028-01-01",
    "source": "",
    "method": "",
}


def lv(url):
    return url.replace("/en/", "/lv/", 1)


def test_a_member_adds_a_kpi_with_numbers_as_latvian_writes_them(
    client, partnership, representative, action
):
    client.force_login(representative)
    response = client.post(
        lv(url_of("kpi_new", pk=partnership.pk)), POST | {"actions": [action.pk]}
    )
    kpi = Kpi.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/kpis/{kpi.pk}/")
    assert (kpi.partnership, kpi.target_value, kpi.aggregation) == (
        partnership,
        Decimal("55.5"),
        "sum",
    )
    assert list(kpi.actions.all()) == [action]
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.KPI_SAVED)
    assert (event.actor, event.subject) == (representative, kpi.name)


def test_the_page_asks_how_measurements_add_up_with_nothing_chosen(client, partnership, staff):
    client.force_login(staff)
    page = client.get(url_of("kpi_new", pk=partnership.pk)).content.decode()
    assert "How do measurements add up?" in page
    assert "<legend" in page
    assert page.count('type="radio"') == 5
    assert " checked" not in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"baseline_value": "N/A"}, "baseline_value"),
        ({"target_value": str(10**20)}, "target_value"),
        ({"aggregation": ""}, "aggregation"),
        ({"target_on": "2025-01-01"}, "target_on"),
        ({"target_value": "30"}, "target_value"),
        ({"name": "x" * 100_000}, "name"),
        ({"name": "Jaunieši\x00"}, "name"),
        ({"baseline_on": "\x00"}, "baseline_on"),
    ],
)
def test_bad_input_is_shown_with_an_error_summary_and_nothing_is_saved(
    client, partnership, staff, changes, field
):
    client.force_login(staff)
    with_lv = lv(url_of("kpi_new", pk=partnership.pk))
    response = client.post(with_lv, POST | changes)
    assert response.status_code == 200
    assert not Kpi.objects.exists()
    errors = " ".join(str(e) for e in response.context["form"].errors[field])
    assert errors
    page = response.content.decode()
    assert "error-summary" in page
    assert f'href="#id_{field}' in page


def test_a_kpi_in_english_with_a_comma_is_refused(client, partnership, staff):
    client.force_login(staff)
    response = client.post(url_of("kpi_new", pk=partnership.pk), POST)
    assert response.context["form"].errors["target_value"] == [
        "Enter the target as a number, like 12.5"
    ]


def test_another_partnerships_action_cannot_be_linked(client, partnership, staff, action):
    client.force_login(staff)
    elsewhere = ActionItemFactory()
    response = client.post(
        url_of("kpi_new", pk=partnership.pk),
        POST | {"target_value": "55", "actions": [elsewhere.pk]},
    )
    assert response.status_code == 200
    assert not Kpi.objects.exists()


def test_at_most_max_kpis_per_partnership(client, partnership, staff):
    KpiFactory.create_batch(MAX_KPIS, partnership=partnership)
    client.force_login(staff)
    response = client.post(url_of("kpi_new", pk=partnership.pk), POST | {"target_value": "55"})
    assert response.status_code == 200
    assert f"at most {MAX_KPIS} KPIs" in response.content.decode()
    assert partnership.kpis.count() == MAX_KPIS


def test_outsiders_get_404_and_other_methods_405(client, partnership, outsider, staff):
    client.force_login(outsider)
    assert client.get(url_of("kpi_new", pk=partnership.pk)).status_code == 404
    client.force_login(staff)
    assert client.put(url_of("kpi_new", pk=partnership.pk)).status_code == 405


def test_the_dates_are_kept_as_given(client, partnership, staff):
    client.force_login(staff)
    client.post(url_of("kpi_new", pk=partnership.pk), POST | {"target_value": "55"})
    kpi = Kpi.objects.get()
    assert (kpi.baseline_on, kpi.target_on) == (date(2026, 1, 1), date(2028, 1, 1))
