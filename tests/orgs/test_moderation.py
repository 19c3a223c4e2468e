import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from orgs.access import moderation_queryset
from orgs.models import Organization, OrganizationClaim, OrganizationMembership
from orgs.services import AlreadyDecided, organization_approve, organization_register
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(municipality):
    organization = OrganizationFactory(
        name="Gaidošā biedrība", home_municipality=municipality, status=Organization.Status.PENDING
    )
    OrganizationMembershipFactory(organization=organization, user__email="rep@example.org")
    return organization


@pytest.fixture
def other_staff(db):
    return MunicipalityMembershipFactory(municipality=MunicipalityFactory(name="Citur")).user


class TestQueue:
    def test_staff_see_entries_of_their_municipality_only(self, client, staff, pending):
        elsewhere = OrganizationFactory(name="Citur gaida", status=Organization.Status.PENDING)
        client.force_login(staff)
        response = client.get("/en/moderation/")
        assert response.status_code == 200
        assert "Gaidošā biedrība" in response.text
        assert elsewhere.name not in response.text

    def test_administrators_see_entries_of_municipalities_without_staff(
        self, client, administrator, pending, staff
    ):
        unstaffed = OrganizationFactory(name="Bez personāla", status=Organization.Status.PENDING)
        client.force_login(administrator)
        response = client.get("/en/moderation/")
        assert "Bez personāla" in response.text
        assert "Gaidošā biedrība" not in response.text  # its municipality has staff
        assert unstaffed.pk

    def test_a_representative_gets_403(self, client, representative):
        client.force_login(representative)
        assert client.get("/en/moderation/").status_code == 403

    def test_the_public_is_sent_to_sign_in(self, client, db):
        response = client.get("/en/moderation/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_it_refuses_post(self, client, staff):
        client.force_login(staff)
        assert client.post("/en/moderation/").status_code == 405


class TestDecision:
    def url(self, organization):
        return f"/en/moderation/organizations/{organization.pk}/"

    def test_staff_approve_and_the_representative_is_told(
        self, client, staff, pending, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        assert client.get(self.url(pending)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(pending), {"decision": "approve"})
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == Organization.Status.PUBLISHED
        assert pending.published_at is not None
        assert pending.last_confirmed_at is not None
        assert [m.to for m in mail.outbox] == [["rep@example.org"]]
        assert "publicēts" in mail.outbox[0].subject  # in the representative's language
        assert client.get(f"/en/organizations/{pending.slug}/").status_code == 200

    def test_staff_reject_with_a_reason_the_representative_receives(
        self, client, staff, pending, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                self.url(pending), {"decision": "reject", "reason": "Nav vietējā organizācija."}
            )
        pending.refresh_from_db()
        assert pending.status == Organization.Status.REJECTED
        assert pending.rejection_reason == "Nav vietējā organizācija."
        assert "Nav vietējā organizācija." in mail.outbox[0].body
        client.logout()
        assert client.get(f"/en/organizations/{pending.slug}/").status_code == 404

    def test_a_rejection_without_a_reason_is_refused(self, client, staff, pending):
        client.force_login(staff)
        response = client.post(self.url(pending), {"decision": "reject", "reason": ""})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        pending.refresh_from_db()
        assert pending.status == Organization.Status.PENDING

    def test_a_second_decision_is_refused(self, client, staff, pending):
        organization_approve(organization=pending, actor=staff, base_url="http://x")
        with pytest.raises(AlreadyDecided):
            organization_approve(organization=pending, actor=staff, base_url="http://x")
        client.force_login(staff)
        response = client.post(
            self.url(pending), {"decision": "reject", "reason": "x"}, follow=True
        )
        assert "already decided" in response.text
        pending.refresh_from_db()
        assert pending.status == Organization.Status.PUBLISHED

    def test_staff_of_another_municipality_get_404(self, client, other_staff, pending):
        client.force_login(other_staff)
        assert client.get(self.url(pending)).status_code == 404
        assert client.post(self.url(pending), {"decision": "approve"}).status_code == 404
        pending.refresh_from_db()
        assert pending.status == Organization.Status.PENDING

    def test_a_representative_gets_403(self, client, pending):
        representative = pending.memberships.get().user
        client.force_login(representative)
        assert client.post(self.url(pending), {"decision": "approve"}).status_code == 403
        pending.refresh_from_db()
        assert pending.status == Organization.Status.PENDING


class TestClaims:
    def test_someone_claims_a_listed_entry_and_staff_approve(
        self, client, organization, staff, outsider, django_capture_on_commit_callbacks
    ):
        client.force_login(outsider)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/en/organizations/{organization.slug}/claim/", {"message": "Esmu valdes locekle."}
            )
        assert response.status_code == 302
        claim = OrganizationClaim.objects.get()
        assert claim.status == OrganizationClaim.Status.PENDING
        assert mail.outbox[0].to == [staff.email]

        client.force_login(staff)
        assert "Esmu valdes locekle." in client.get("/en/moderation/").text
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/en/moderation/claims/{claim.pk}/", {"decision": "approve"})
        assert OrganizationMembership.objects.filter(
            user=outsider, organization=organization
        ).exists()
        assert mail.outbox[-1].to == [outsider.email]

    def test_a_claim_needs_a_message(self, client, organization, outsider):
        client.force_login(outsider)
        response = client.post(f"/en/organizations/{organization.slug}/claim/", {"message": ""})
        assert "There is a problem" in response.text
        assert not OrganizationClaim.objects.exists()

    def test_a_rejected_claim_gives_no_membership(self, client, organization, staff, outsider):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        client.force_login(staff)
        client.post(
            f"/en/moderation/claims/{claim.pk}/", {"decision": "reject", "reason": "Nepazīstam."}
        )
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.REJECTED
        assert not OrganizationMembership.objects.filter(user=outsider).exists()

    def test_staff_of_another_municipality_cannot_decide_a_claim(
        self, client, organization, other_staff, outsider
    ):
        claim = OrganizationClaim.objects.create(
            organization=organization, user=outsider, message="x"
        )
        client.force_login(other_staff)
        assert (
            client.post(f"/en/moderation/claims/{claim.pk}/", {"decision": "approve"}).status_code
            == 404
        )
        assert client.get(f"/en/moderation/claims/{claim.pk}/").status_code == 405
        claim.refresh_from_db()
        assert claim.status == OrganizationClaim.Status.PENDING

    def test_a_pending_entry_cannot_be_claimed_by_an_outsider(self, client, pending):
        client.force_login(UserFactory())
        assert client.get(f"/en/organizations/{pending.slug}/claim/").status_code == 404


class TestOwnEntries:
    def register(self, municipality, representative, capture):
        with capture(execute=True):
            return organization_register(
                values={
                    "name": "Mana biedrība",
                    "type": Organization.Type.ASSOCIATION,
                    "home_municipality_id": municipality.pk,
                },
                representative=representative,
                base_url="http://x",
            )

    def test_staff_cannot_approve_an_entry_they_registered(
        self, client, municipality, staff, administrator, django_capture_on_commit_callbacks
    ):
        colleague = MunicipalityMembershipFactory(municipality=municipality).user
        organization = self.register(municipality, staff, django_capture_on_commit_callbacks)

        assert [m.to for m in mail.outbox] == [[colleague.email]]
        assert list(moderation_queryset(staff)) == []
        assert list(moderation_queryset(colleague)) == [organization]
        assert list(moderation_queryset(administrator)) == []
        client.force_login(staff)
        url = f"/en/moderation/organizations/{organization.pk}/"
        assert client.get(url).status_code == 403
        assert client.post(url, {"decision": "approve"}).status_code == 403
        organization.refresh_from_db()
        assert organization.status == Organization.Status.PENDING
        with pytest.raises(PermissionDenied):
            organization_approve(organization=organization, actor=staff, base_url="http://x")

    def test_an_entry_registered_by_the_only_staff_member_goes_to_an_administrator(
        self, client, municipality, staff, administrator, django_capture_on_commit_callbacks
    ):
        organization = self.register(municipality, staff, django_capture_on_commit_callbacks)
        assert [m.to for m in mail.outbox] == [[administrator.email]]
        assert list(moderation_queryset(administrator)) == [organization]
        client.force_login(administrator)
        client.post(f"/en/moderation/organizations/{organization.pk}/", {"decision": "approve"})
        organization.refresh_from_db()
        assert organization.status == Organization.Status.PUBLISHED

    def test_a_representative_who_is_staff_does_not_decide_on_the_entry(
        self, client, municipality, staff, pending
    ):
        OrganizationMembership.objects.create(user=staff, organization=pending)
        assert list(moderation_queryset(staff)) == []
        client.force_login(staff)
        assert client.get(f"/en/moderation/organizations/{pending.pk}/").status_code == 403


def test_a_nul_byte_in_an_entry_rejection_reason_is_a_clear_error(client, staff, pending):
    client.force_login(staff)
    response = client.post(
        f"/en/moderation/organizations/{pending.pk}/", {"decision": "reject", "reason": "a\x00b"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    pending.refresh_from_db()
    assert pending.status == Organization.Status.PENDING
