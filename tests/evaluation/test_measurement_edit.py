from decimal import Decimal

import pytest

from evaluation.models import EvaluationEvent
from evaluation.services import EvaluationError, measurement_change, measurement_review
from roadmap_portal.lib.locking import Conflict

from .conftest import enter, url_of


def posted(measurement, **changes):
    return {
        "version": measurement.version,
        "value": str(measurement.value),
        "measured_on": measurement.measured_on.isoformat(),
        "source": measurement.source,
        "note": measurement.note,
    } | changes


def test_its_party_changes_a_pending_measurement(client, partnership, kpi, staff, colleague):
    measurement = enter(kpi, staff)
    client.force_login(colleague)  # the same party: the municipality
    response = client.post(
        url_of("measurement", pk=partnership.pk, measurement=measurement.pk),
        posted(measurement, value="43.5", is_estimate="on"),
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.is_estimate, measurement.version) == (
        Decimal("43.5"),
        True,
        2,
    )
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.MEASUREMENT_CHANGED)
    assert event.fields["value"]["new"] == "43.5"


def test_another_party_may_not_change_it(client, partnership, kpi, staff, representative):
    measurement = enter(kpi, staff)
    client.force_login(representative)
    response = client.get(url_of("measurement", pk=partnership.pk, measurement=measurement.pk))
    assert response.status_code == 403
    assert "only they change it" in response.content.decode()


def test_a_decided_measurement_is_fixed(
    client, partnership, kpi, staff, representative, organization
):
    measurement = enter(kpi, staff)
    measurement_review(
        measurement=measurement, version=1, approve=True, party=organization, actor=representative
    )
    client.force_login(staff)
    url = url_of("measurement", pk=partnership.pk, measurement=measurement.pk)
    response = client.post(url, posted(measurement, value="1"))
    assert response.status_code == 403
    assert "decided already" in response.content.decode()
    with pytest.raises(Conflict):
        measurement_change(measurement=measurement, version=1, values={}, actor=staff)
    with pytest.raises(EvaluationError):
        measurement_change(measurement=measurement, version=2, values={}, actor=staff)


def test_a_second_editor_sees_the_conflict_with_their_value_kept(
    client, partnership, kpi, staff, colleague
):
    measurement = enter(kpi, staff)
    url = url_of("measurement", pk=partnership.pk, measurement=measurement.pk)
    loaded = posted(measurement)
    client.force_login(staff)
    client.post(url, loaded | {"value": "44"})
    client.force_login(colleague)
    response = client.post(url, loaded | {"value": "45", "note": "Mana piezīme"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this measurement while you were editing" in page
    assert "Mana piezīme" in page
    measurement.refresh_from_db()
    assert measurement.value == Decimal("44")


def test_bad_input_changes_nothing(client, partnership, kpi, staff):
    measurement = enter(kpi, staff)
    client.force_login(staff)
    url = url_of("measurement", pk=partnership.pk, measurement=measurement.pk)
    for changes in ({"value": "N/A"}, {"value": str(10**20)}, {"value": "1.25"}, {"version": "x"}):
        assert client.post(url, posted(measurement, **changes)).status_code == 200
    measurement.refresh_from_db()
    assert measurement.version == 1


def test_a_measurement_of_another_partnership_is_404(client, partnership, staff):
    from tests.factories import MeasurementFactory

    other = MeasurementFactory()
    client.force_login(staff)
    assert (
        client.get(url_of("measurement", pk=partnership.pk, measurement=other.pk)).status_code
        == 404
    )
