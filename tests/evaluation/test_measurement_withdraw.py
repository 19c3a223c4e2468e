from evaluation.models import EvaluationEvent, Measurement
from evaluation.services import measurement_review

from .conftest import enter, url_of


def test_get_asks_to_confirm_and_post_withdraws(client, partnership, kpi, staff):
    measurement = enter(kpi, staff)
    client.force_login(staff)
    url = url_of("measurement_withdraw", pk=partnership.pk, measurement=measurement.pk)
    assert "Withdraw this measurement?" in client.get(url).content.decode()
    assert Measurement.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Measurement.objects.exists()
    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.MEASUREMENT_WITHDRAWN).exists()


def test_another_party_may_not_withdraw_it(client, partnership, kpi, staff, representative):
    measurement = enter(kpi, staff)
    client.force_login(representative)
    url = url_of("measurement_withdraw", pk=partnership.pk, measurement=measurement.pk)
    assert client.post(url).status_code == 403
    assert Measurement.objects.exists()


def test_a_decided_one_is_not_withdrawn(
    client, partnership, kpi, staff, representative, organization
):
    measurement = enter(kpi, staff)
    measurement_review(
        measurement=measurement, version=1, approve=True, party=organization, actor=representative
    )
    client.force_login(staff)
    url = url_of("measurement_withdraw", pk=partnership.pk, measurement=measurement.pk)
    assert client.post(url).status_code == 403
    assert Measurement.objects.get().is_approved
