"""The signing rule (actionplans.services.partnership_sign and revision_signed), and the
e-mails it sends."""

import pytest
from django.core import mail

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash, partnership_content
from actionplans.models import Partnership, PartnershipEvent, PartnershipRevision, Signature
from actionplans.services import NotSignable, partnership_sign
from orgs.models import MunicipalityMembership
from roadmap_portal.lib.history import content_hash
from roadmap_portal.lib.locking import Conflict
from tests.factories import (
    ActionItemFactory,
    MemberFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PartnershipFactory,
    UserFactory,
)

from .signoff_helpers import sign, signable_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization, title="Atelpas brīži")


def test_the_first_signature_freezes_revision_1_with_the_content_and_its_hash(
    partnership, coordinator
):
    content = partnership_content(partnership)
    signature = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    revision = signature.revision
    assert (revision.number, revision.status) == (1, PartnershipRevision.Status.OPEN)
    assert revision.content == content
    assert revision.content_hash == content_hash(content) == signature.content_hash
    assert signature.organization is None and signature.signer == coordinator
    assert signature.is_valid and signature.is_new
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.DRAFT


def test_the_second_signer_of_the_same_content_makes_the_revision_signed(
    partnership, coordinator, organization, representative
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    revision = sign(partnership, organization, representative).revision
    revision.refresh_from_db()
    assert revision.status == PartnershipRevision.Status.SIGNED and revision.signed_at
    assert revision.signatures.count() == 2
    assert PartnershipRevision.objects.filter(partnership=partnership).count() == 1
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    assert partnership.events.filter(kind=PartnershipEvent.Kind.REVISION_SIGNED).count() == 1


def test_an_edit_since_the_page_was_loaded_is_a_conflict_and_signs_nothing(
    partnership, coordinator
):
    seen = current_hash(partnership)
    Partnership.objects.filter(pk=partnership.pk).update(shared_result="Cits rezultāts")
    with pytest.raises(Conflict):
        partnership_sign(
            partnership=partnership, party=MUNICIPALITY_PARTY, signer=coordinator, checked_hash=seen
        )
    assert not PartnershipRevision.objects.exists()
    assert not Signature.objects.exists()


def test_a_signature_for_a_superseded_revision_is_void_and_does_not_count(
    partnership, coordinator, organization, representative
):
    first = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    ActionItemFactory(partnership=partnership, activity="Jauna rinda")
    second = sign(partnership, organization, representative)
    first.revision.refresh_from_db()
    assert first.revision.status == PartnershipRevision.Status.SUPERSEDED
    assert not Signature.objects.get(pk=first.pk).is_valid
    # The representative's signature of revision 2 and the coordinator's of revision 1 do
    # not add up to a signed plan.
    assert second.revision.number == 2
    assert second.revision.status == PartnershipRevision.Status.OPEN
    third = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert third.revision == second.revision
    third.revision.refresh_from_db()
    assert third.revision.is_signed


def test_a_revision_whose_content_was_edited_in_the_database_is_not_intact_and_its_signatures_void(
    partnership, coordinator
):
    signature = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    revision = signature.revision
    content = revision.content
    content["actions"][0]["activity"] = "Pavisam cita darbība"
    PartnershipRevision.objects.filter(pk=revision.pk).update(content=content)
    revision.refresh_from_db()
    assert not revision.is_intact
    assert not Signature.objects.get(pk=signature.pk).is_valid


def test_a_revision_whose_hash_was_edited_is_not_intact_and_its_signatures_void(
    partnership, coordinator
):
    signature = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    PartnershipRevision.objects.filter(pk=signature.revision_id).update(content_hash="0" * 64)
    assert not PartnershipRevision.objects.get(pk=signature.revision_id).is_intact
    assert not Signature.objects.get(pk=signature.pk).is_valid


def test_a_signature_whose_hash_is_another_contents_is_void(partnership, coordinator):
    signature = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    Signature.objects.filter(pk=signature.pk).update(content_hash="f" * 64)
    assert not Signature.objects.get(pk=signature.pk).is_valid


def test_signing_a_partnership_without_a_signatory_partner_or_actions_is_refused(
    municipality, coordinator
):
    partnership = PartnershipFactory(municipality=municipality)
    with pytest.raises(NotSignable) as refused:
        sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert len(refused.value.reasons) == 2
    assert not PartnershipRevision.objects.exists()


def test_signing_the_same_content_twice_does_nothing_new(partnership, coordinator):
    first = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    again = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert again.pk == first.pk and not again.is_new
    assert Signature.objects.count() == 1
    assert partnership.events.filter(kind=PartnershipEvent.Kind.SIGNED).count() == 1


# --- E-mails --------------------------------------------------------------------------


def _mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_first_signature_asks_those_who_sign_for_the_other_parties_and_not_the_signer(
    partnership, coordinator, organization, representative, django_capture_on_commit_callbacks
):
    representative.language = "sv"
    representative.save(update_fields=["language"])
    other_coordinator = MunicipalityMembershipFactory(
        municipality=partnership.municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    staff = MunicipalityMembershipFactory(municipality=partnership.municipality).user
    with django_capture_on_commit_callbacks(execute=True):
        sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert {message.to[0] for message in mail.outbox} == {representative.email}
    (message,) = _mail_to(representative.email)
    assert "Atelpas brīži" in message.subject
    # The link opens the check page in the reader's language.
    assert f"/sv/partnerships/{partnership.pk}/check/" in message.body
    assert not _mail_to(other_coordinator.email) and not _mail_to(staff.email)


def test_a_signed_revision_is_announced_to_signers_staff_and_partners_not_to_the_last_signer(
    partnership, coordinator, organization, representative, django_capture_on_commit_callbacks
):
    staff = MunicipalityMembershipFactory(municipality=partnership.municipality).user
    implementing = OrganizationFactory(home_municipality=partnership.municipality)
    MemberFactory(partnership=partnership, organization=implementing, role="implementing")
    partner_representative = OrganizationMembershipFactory(organization=implementing).user
    outsider = UserFactory()
    OrganizationMembershipFactory(user=outsider)
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        sign(partnership, organization, representative)
    signed = {message.to[0] for message in mail.outbox}  # only the "signed" mails ran
    assert signed == {coordinator.email, staff.email, partner_representative.email}
    (message,) = _mail_to(coordinator.email)
    path = f"/{coordinator.language}/partnerships/{partnership.pk}/revisions/1/"
    assert path in message.body


def test_nothing_is_mailed_when_signing_is_refused(
    partnership, coordinator, representative, django_capture_on_commit_callbacks
):
    seen = current_hash(partnership)
    Partnership.objects.filter(pk=partnership.pk).update(title="Cits")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        partnership_sign(
            partnership=partnership, party=MUNICIPALITY_PARTY, signer=coordinator, checked_hash=seen
        )
    assert mail.outbox == []


def test_one_person_does_not_sign_for_both_sides(partnership, coordinator, organization):
    OrganizationMembershipFactory(organization=organization, user=coordinator)
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    with pytest.raises(NotSignable):
        sign(partnership, organization, coordinator)
    revision = partnership.revisions.get()
    assert revision.status == PartnershipRevision.Status.OPEN
    assert revision.signatures.count() == 1


def test_the_signature_that_activates_the_partnership_outdates_an_open_details_page(
    partnership, coordinator, organization, representative
):
    loaded = Partnership.objects.get(pk=partnership.pk).version
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    sign(partnership, organization, representative)
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    assert partnership.version == loaded + 1


def test_a_signer_without_a_full_name_is_named_without_their_address(
    partnership, coordinator, organization, representative
):
    representative.full_name = ""
    representative.save(update_fields=["full_name"])
    action = partnership.actions.first()
    action.responsible_user, action.responsible_name = representative, ""
    action.save(update_fields=["responsible_user", "responsible_name"])
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    signature = sign(partnership, organization, representative)
    local_part, _at, domain = representative.email.partition("@")
    assert signature.signer_name == local_part
    content = str(signature.revision.content)
    assert local_part in content and domain not in content


def test_a_draft_back_at_a_signed_content_leaves_no_revision_waiting(
    partnership, coordinator, organization, representative
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    first = sign(partnership, organization, representative).revision
    action = partnership.actions.first()
    activity = action.activity
    action.activity = "Cita darbība"
    action.save(update_fields=["activity"])
    second = sign(partnership, MUNICIPALITY_PARTY, coordinator).revision
    assert second.status == PartnershipRevision.Status.OPEN
    action.activity = activity
    action.save(update_fields=["activity"])
    again = sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert again.revision == first and not again.is_new
    second.refresh_from_db()
    assert second.status == PartnershipRevision.Status.SUPERSEDED
