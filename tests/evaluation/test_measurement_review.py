import pytest

from evaluation.access import measurements_to_review
from evaluation.models import EvaluationEvent, Measurement
from evaluation.services import EvaluationError, measurement_change, measurement_review
from tests.factories import OrganizationMembershipFactory

from .conftest import enter, url_of


def review_url(partnership, measurement):
    return url_of("measurement_review", pk=partnership.pk, measurement=measurement.pk)


def test_the_other_party_approves_and_it_counts(
    client, partnership, kpi, staff, representative, organization
):
    measurement = enter(kpi, staff)
    client.force_login(representative)
    page = client.get(review_url(partnership, measurement)).content.decode()
    assert "Approve or reject the measurement" in page
    assert " checked" not in page
    response = client.post(
        review_url(partnership, measurement), {"version": 1, "decision": "approve"}
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.status, measurement.reviewed_by, measurement.reviewed_for) == (
        Measurement.Status.APPROVED,
        representative,
        organization,
    )
    detail = client.get(url_of("kpi", pk=partnership.pk, kpi=kpi.pk)).content.decode()
    assert "Not measured yet" not in detail


def test_a_rejection_needs_a_reason(client, partnership, kpi, staff, representative):
    measurement = enter(kpi, staff)
    client.force_login(representative)
    url = review_url(partnership, measurement)
    response = client.post(url, {"version": 1, "decision": "reject", "note": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Say why you reject the measurement"]
    client.post(url, {"version": 1, "decision": "reject", "note": "Nav avota"})
    measurement.refresh_from_db()
    assert (measurement.status, measurement.review_note) == ("rejected", "Nav avota")
    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.REJECTED).exists()


def test_nobody_approves_their_own_partys_entry(client, partnership, kpi, staff, coordinator):
    measurement = enter(kpi, staff)
    for user, reason in ((staff, "You entered this measurement"), (coordinator, "your side")):
        client.force_login(user)
        response = client.post(
            review_url(partnership, measurement), {"version": 1, "decision": "approve"}
        )
        assert response.status_code == 403
        assert reason in response.content.decode()
    assert Measurement.objects.get().is_pending


def test_the_service_refuses_the_entrys_own_party_too(kpi, staff, coordinator):
    measurement = enter(kpi, staff)
    with pytest.raises(EvaluationError):
        measurement_review(
            measurement=measurement, version=1, approve=True, party=None, actor=coordinator
        )


def test_a_measurement_is_not_decided_twice(
    client, partnership, kpi, representative, organization, staff, municipality
):
    measurement = enter(kpi, representative, party=organization)
    measurement_review(measurement=measurement, version=1, approve=True, party=None, actor=staff)
    with pytest.raises(EvaluationError):
        measurement_review(
            measurement=measurement, version=2, approve=False, party=None, actor=staff, note="x"
        )
    from tests.factories import MunicipalityMembershipFactory

    other_staff = MunicipalityMembershipFactory(municipality=municipality).user
    client.force_login(other_staff)
    response = client.post(
        review_url(partnership, measurement),
        {"version": 1, "decision": "reject", "note": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "decided already" in response.content.decode()
    assert Measurement.objects.get().is_approved


def test_a_measurement_changed_while_deciding_is_shown_again_with_the_reason_kept(
    client, partnership, kpi, staff, representative
):
    measurement = enter(kpi, staff)
    measurement_change(measurement=measurement, version=1, values={"note": "Labots"}, actor=staff)
    client.force_login(representative)
    response = client.post(
        review_url(partnership, measurement),
        {"version": 1, "decision": "reject", "note": "Mans iemesls"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The measurement was changed while you were deciding" in page
    assert "Mans iemesls" in page
    assert 'name="version" value="2"' in page
    assert Measurement.objects.get().is_pending


def test_bad_input_decides_nothing(client, partnership, kpi, staff, representative):
    measurement = enter(kpi, staff)
    client.force_login(representative)
    url = review_url(partnership, measurement)
    for data in (
        {},
        {"version": "x", "decision": "approve"},
        {"version": 1, "decision": "maybe"},
        {"version": 1, "decision": "reject", "note": "x" * 100_000},
        {"version": 1, "decision": "reject", "note": "\x00"},
    ):
        assert client.post(url, data).status_code == 200
    assert Measurement.objects.get().is_pending


def test_staff_who_also_represent_the_partner_do_not_approve_what_their_colleague_entered(
    client, partnership, kpi, staff, colleague, organization
):
    """Found in review: they could change a colleague's entry for the municipality, then
    approve it "for the partner". Acting for the entering party in any role rules them out."""
    OrganizationMembershipFactory(organization=organization, user=staff)
    measurement = enter(kpi, colleague)
    client.force_login(staff)
    page = client.get(url_of("measurement_review", pk=partnership.pk, measurement=measurement.pk))
    assert page.status_code == 403
    assert not measurements_to_review(staff).exists()
    with pytest.raises(EvaluationError):
        measurement_review(
            measurement=measurement,
            version=measurement.version,
            approve=True,
            party=organization,
            actor=staff,
        )
    measurement.refresh_from_db()
    assert measurement.is_pending


def test_the_partner_still_decides_what_staff_entered(partnership, kpi, colleague, representative):
    measurement = enter(kpi, colleague)
    assert list(measurements_to_review(representative)) == [measurement]
