"""Claims: nobody decides their own; the representatives are told; a limit per person."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from orgs.access import claim_queryset
from orgs.models import OrganizationClaim, OrganizationMembership
from orgs.services import claim_approve, claim_create, claim_reject
from tests.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CLAIMS_PER_DAY = 5  # orgs.services.CLAIMS_PER_DAY, as the README states it


def claim_url(organization):
    return f"/en/organizations/{organization.slug}/claim/"


def decide_url(claim):
    return f"/en/moderation/claims/{claim.pk}/"


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


class TestOwnClaims:
    def test_staff_cannot_approve_their_own_claim(
        self, client, organization, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        client.post(claim_url(organization), {"message": "Es tur strādāju."})
        claim = OrganizationClaim.objects.get()

        assert "Es tur strādāju." not in client.get("/en/moderation/").text
        response = client.post(decide_url(claim), {"decision": "approve"})

        assert response.status_code == 403
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.PENDING
        assert not OrganizationMembership.objects.filter(user=staff).exists()

    def test_the_service_refuses_a_decision_on_ones_own_claim(self, organization, staff):
        claim = OrganizationClaim.objects.create(organization=organization, user=staff, message="x")
        with pytest.raises(PermissionDenied):
            claim_approve(claim=claim, actor=staff, base_url="http://x")
        with pytest.raises(PermissionDenied):
            claim_reject(claim=claim, actor=staff, reason="x")
        assert not OrganizationMembership.objects.filter(user=staff).exists()

    def test_a_staff_claim_goes_to_another_staff_member_of_the_municipality(
        self, client, organization, staff, administrator, django_capture_on_commit_callbacks
    ):
        colleague = MunicipalityMembershipFactory(municipality=organization.home_municipality).user
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(organization), {"message": "Es tur strādāju."})
        claim = OrganizationClaim.objects.get()

        assert recipients() == [colleague.email]
        assert list(claim_queryset(colleague)) == [claim]
        assert list(claim_queryset(staff)) == []
        assert list(claim_queryset(administrator)) == []  # the municipality has staff to decide

        client.force_login(colleague)
        assert "Es tur strādāju." in client.get("/en/moderation/").text
        client.post(decide_url(claim), {"decision": "approve"})
        assert OrganizationMembership.objects.filter(user=staff, organization=organization).exists()

    def test_a_claim_by_the_only_staff_member_goes_to_an_administrator(
        self, client, organization, staff, administrator, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(organization), {"message": "Es tur strādāju."})
        claim = OrganizationClaim.objects.get()

        assert recipients() == [administrator.email]
        assert list(claim_queryset(administrator)) == [claim]
        client.force_login(administrator)
        assert "Es tur strādāju." in client.get("/en/moderation/").text
        client.post(decide_url(claim), {"decision": "approve"})
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.APPROVED

    def test_an_administrators_own_claim_goes_to_another_administrator(
        self, client, administrator, django_capture_on_commit_callbacks
    ):
        unstaffed = OrganizationFactory(name="Bez personāla")
        other_administrator = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(administrator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(unstaffed), {"message": "Vadu to."})
        claim = OrganizationClaim.objects.get()

        assert recipients() == [other_administrator.email]
        assert list(claim_queryset(administrator)) == []
        assert list(claim_queryset(other_administrator)) == [claim]
        assert client.post(decide_url(claim), {"decision": "approve"}).status_code == 403
        client.force_login(other_administrator)
        client.post(decide_url(claim), {"decision": "approve"})
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.APPROVED

    def test_inactive_staff_leave_the_claim_to_administrators(
        self,
        client,
        organization,
        staff,
        administrator,
        outsider,
        django_capture_on_commit_callbacks,
    ):
        staff.is_active = False
        staff.save()
        client.force_login(outsider)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(organization), {"message": "x"})
        assert recipients() == [administrator.email]
        assert list(claim_queryset(administrator)) == [OrganizationClaim.objects.get()]


class TestRepresentativesAreTold:
    def test_of_a_claim_with_who_claims_and_their_message(
        self, client, organization, representative, staff, django_capture_on_commit_callbacks
    ):
        claimant = UserFactory(full_name="Jānis Kalniņš", email="janis@example.org")
        client.force_login(claimant)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(claim_url(organization), {"message": "Esmu jaunais valdes loceklis."})

        assert recipients() == sorted([staff.email, representative.email])
        notice = next(m for m in mail.outbox if m.to == [representative.email])
        assert "Jānis Kalniņš" in notice.body
        assert "janis@example.org" in notice.body
        assert "Esmu jaunais valdes loceklis." in notice.body
        assert "&" not in notice.subject

    @pytest.mark.parametrize("decision", ["approve", "reject"])
    def test_of_its_outcome(
        self,
        client,
        organization,
        representative,
        staff,
        decision,
        django_capture_on_commit_callbacks,
    ):
        claimant = UserFactory(full_name="Jānis Kalniņš")
        claim = OrganizationClaim.objects.create(
            organization=organization, user=claimant, message="x"
        )
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(decide_url(claim), {"decision": decision, "reason": "Nepazīstam."})

        assert recipients() == sorted([claimant.email, representative.email])
        notice = next(m for m in mail.outbox if m.to == [representative.email])
        assert "Jānis Kalniņš" in notice.subject + notice.body


class TestLimits:
    def test_sending_the_same_claim_again_creates_nothing_and_sends_nothing(
        self, client, organization, staff, outsider, django_capture_on_commit_callbacks
    ):
        client.force_login(outsider)
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(claim_url(organization), {"message": "Esmu biedre."})
            assert response.status_code == 302
        assert OrganizationClaim.objects.count() == 1
        assert len(mail.outbox) == 1
        page = client.get(response["Location"])
        assert "You have already claimed this organization" in page.text

    def test_one_person_sends_at_most_five_claims_a_day(
        self, client, municipality, staff, outsider, django_capture_on_commit_callbacks
    ):
        organizations = OrganizationFactory.create_batch(
            CLAIMS_PER_DAY + 1, home_municipality=municipality
        )
        client.force_login(outsider)
        for organization in organizations[:CLAIMS_PER_DAY]:
            with django_capture_on_commit_callbacks(execute=True):
                assert client.post(claim_url(organization), {"message": "x"}).status_code == 302
        sent = len(mail.outbox)

        response = client.post(claim_url(organizations[-1]), {"message": "x"})

        assert response.status_code == 429
        assert "There is a problem" in response.text
        assert "Try again tomorrow" in response.text
        assert OrganizationClaim.objects.count() == CLAIMS_PER_DAY
        assert len(mail.outbox) == sent
        other = UserFactory()
        _claim, created = claim_create(
            organization=organizations[-1], user=other, message="x", base_url="http://x"
        )
        assert created  # the limit is per person

    def test_form_mistakes_do_not_count(self, client, municipality, outsider):
        organization = OrganizationFactory(home_municipality=municipality)
        client.force_login(outsider)
        for _ in range(CLAIMS_PER_DAY + 3):
            client.post(claim_url(organization), {"message": ""})
        assert client.post(claim_url(organization), {"message": "x"}).status_code == 302
        assert OrganizationClaim.objects.count() == 1


class TestDecisionInput:
    def test_a_nul_byte_in_the_reason_is_a_clear_error_and_changes_nothing(
        self, client, organization, staff, outsider
    ):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        client.force_login(staff)
        response = client.post(decide_url(claim), {"decision": "reject", "reason": "nav\x00labi"})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "Null characters are not allowed" in response.text
        assert response.text.count(f'href="#claimdecisionform-{claim.pk}-reason"') == 1
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.PENDING

    def test_a_rejection_without_a_reason_is_shown_beside_its_claim(
        self, client, organization, staff, outsider
    ):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        client.force_login(staff)
        response = client.post(decide_url(claim), {"decision": "reject", "reason": "  "})
        assert response.status_code == 200
        assert "<title>Error:" in response.text
        assert "Enter a reason for rejecting the claim" in response.text
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.PENDING

    def test_a_claim_decided_in_between_says_so_and_stays_decided(
        self, client, organization, staff, coordinator, outsider
    ):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        claim_reject(claim=claim, actor=coordinator, reason="Nepazīstam.")
        client.force_login(staff)
        response = client.post(decide_url(claim), {"decision": "approve"}, follow=True)
        assert response.redirect_chain == [("/en/moderation/", 302)]
        assert "Someone else has already decided on this claim." in response.text
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.REJECTED
        assert not OrganizationMembership.objects.filter(user=outsider).exists()

    def test_an_unknown_decision_changes_nothing(self, client, organization, staff, outsider):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        client.force_login(staff)
        response = client.post(decide_url(claim), {"decision": "approve\x00"})
        assert response.status_code == 200
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.PENDING
