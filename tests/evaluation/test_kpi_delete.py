import pytest

from evaluation.models import EvaluationEvent, Kpi, Measurement
from evaluation.services import EvaluationError, kpi_delete, measurement_review

from .conftest import enter, url_of


def test_the_page_asks_to_confirm_and_says_what_goes_with_it(client, partnership, kpi, staff):
    enter(kpi, staff)
    client.force_login(staff)
    page = client.get(url_of("kpi_delete", pk=partnership.pk, kpi=kpi.pk)).content.decode()
    assert "Remove the KPI" in page
    assert "1 measurement waiting for approval or rejected is removed with it" in page
    assert Kpi.objects.filter(pk=kpi.pk).exists()


def test_post_removes_it_with_its_pending_measurements_and_records_it(
    client, partnership, kpi, staff
):
    enter(kpi, staff)
    client.force_login(staff)
    response = client.post(url_of("kpi_delete", pk=partnership.pk, kpi=kpi.pk))
    assert response.status_code == 302
    assert response["Location"] == url_of("kpis", pk=partnership.pk)
    assert not Kpi.objects.exists()
    assert not Measurement.objects.exists()
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.KPI_DELETED)
    assert event.subject == kpi.name


def test_a_kpi_with_an_approved_measurement_is_not_removed(
    client, partnership, kpi, staff, representative, organization
):
    measurement = enter(kpi, staff)
    measurement_review(
        measurement=measurement,
        version=1,
        approve=True,
        party=organization,
        actor=representative,
    )
    client.force_login(staff)
    response = client.post(url_of("kpi_delete", pk=partnership.pk, kpi=kpi.pk), follow=True)
    assert "it cannot be removed" in response.content.decode()
    assert Kpi.objects.filter(pk=kpi.pk).exists()
    with pytest.raises(EvaluationError):
        kpi_delete(kpi=kpi, actor=staff)
    assert not EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.KPI_DELETED).exists()


def test_outsiders_get_404(client, partnership, kpi, outsider):
    client.force_login(outsider)
    assert client.post(url_of("kpi_delete", pk=partnership.pk, kpi=kpi.pk)).status_code == 404
    assert Kpi.objects.filter(pk=kpi.pk).exists()
