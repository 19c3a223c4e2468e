from datetime import date
from decimal import Decimal

from evaluation.forms_kpis import kpi_initial
from evaluation.models import EvaluationEvent
from tests.factories import ActionItemFactory

from .conftest import approved, url_of


def posted(kpi, **changes):
    data = {k: v for k, v in kpi_initial(kpi).items() if v is not None}
    data["actions"] = data["actions"]
    return data | changes


def test_a_member_changes_the_definition_and_what_changed_is_recorded(
    client, partnership, kpi, staff, action
):
    client.force_login(staff)
    response = client.post(
        url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk),
        posted(kpi, name="Jauniešu nodarbinātība", actions=[action.pk]),
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.name == "Jauniešu nodarbinātība"
    assert kpi.version == 2
    assert list(kpi.actions.all()) == [action]
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.KPI_SAVED)
    assert event.fields["name"]["new"] == "Jauniešu nodarbinātība"


def test_saving_unchanged_keeps_the_version(client, partnership, kpi, staff):
    client.force_login(staff)
    client.post(url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk), posted(kpi))
    kpi.refresh_from_db()
    assert kpi.version == 1


def test_a_second_editor_sees_the_conflict_with_their_own_text_kept(
    client, partnership, kpi, staff, representative
):
    url = url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk)
    loaded = posted(kpi)
    client.force_login(staff)
    client.post(url, loaded | {"name": "Pirmā redaktora nosaukums"})
    client.force_login(representative)
    response = client.post(url, loaded | {"name": "Otrā redaktora nosaukums"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this KPI while you were editing" in page
    assert "Pirmā redaktora nosaukums" in page  # theirs, as saved
    assert 'value="Otrā redaktora nosaukums"' in page  # mine, kept in the form
    assert 'name="version" id="id_version" value="2"' in page
    kpi.refresh_from_db()
    assert kpi.name == "Pirmā redaktora nosaukums"


def test_a_page_without_its_version_is_refused(client, partnership, kpi, staff):
    client.force_login(staff)
    data = posted(kpi, name="Cits")
    del data["version"]
    response = client.post(url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk), data)
    assert response.status_code == 200
    assert "out of date" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.name != "Cits"


def test_another_partnerships_action_is_never_linked(client, partnership, kpi, staff):
    client.force_login(staff)
    elsewhere = ActionItemFactory()
    response = client.post(
        url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk), posted(kpi, actions=[elsewhere.pk])
    )
    assert response.status_code == 200
    assert not kpi.actions.exists()


def test_bad_numbers_change_nothing(client, partnership, kpi, staff):
    client.force_login(staff)
    for bad in ("N/A", str(10**20), "\x00", "9" * 100_000):
        response = client.post(
            url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk), posted(kpi, baseline_value=bad)
        )
        assert response.status_code == 200
    kpi.refresh_from_db()
    assert kpi.version == 1


def test_a_kpi_of_another_partnership_is_404(client, partnership, staff):
    from tests.factories import KpiFactory

    client.force_login(staff)
    other = KpiFactory()
    assert client.get(url_of("kpi_edit", pk=partnership.pk, kpi=other.pk)).status_code == 404


def test_once_a_measurement_is_approved_neither_side_changes_how_it_is_read(
    client, partnership, kpi, staff
):
    """Found in review: turning "the latest one" into "add them up" made 44 into 126."""
    approved(kpi, Decimal(42), date(2026, 3, 1))
    client.force_login(staff)
    url = url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk)
    page = client.get(url)
    assert "stay as they are" in page.content.decode()
    data = posted(kpi, aggregation="sum")
    response = client.post(url, data)
    assert response.status_code == 200
    kpi.refresh_from_db()
    assert kpi.aggregation == "latest"
    # The target may still move.
    response = client.post(url, posted(kpi, target_value="60"))
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target_value == 60


def test_decimals_are_not_lowered_below_what_measurements_hold(client, partnership, kpi, staff):
    approved(kpi, Decimal("42.5"), date(2026, 3, 1))
    client.force_login(staff)
    url = url_of("kpi_edit", pk=partnership.pk, kpi=kpi.pk)
    response = client.post(url, posted(kpi, decimals="0"))
    assert response.status_code == 200
    kpi.refresh_from_db()
    assert kpi.decimals == 1
