"""Each signing party agrees, or withdraws, that the partnership may be public
(actionplans:publication; services publication_consent_give / _withdraw)."""

import pytest

from actionplans.access import MUNICIPALITY_PARTY, is_public
from actionplans.models import PartnershipEvent, PublicationConsent
from actionplans.services import publication_consent_give, publication_consent_withdraw
from tests.factories import (
    MemberFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .signoff_helpers import sign_by_both, signable_partnership, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization)


@pytest.fixture
def signed(partnership, coordinator, organization, representative):
    sign_by_both(partnership, coordinator, organization, representative)
    return partnership


def test_one_partys_consent_is_not_enough(signed, coordinator):
    publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    assert not is_public(signed)


def test_every_partys_consent_and_a_signed_revision_make_it_public(
    signed, coordinator, organization, representative
):
    publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    publication_consent_give(partnership=signed, party=organization, actor=representative)
    assert is_public(signed)
    assert signed.events.filter(kind=PartnershipEvent.Kind.CONSENTED).count() == 2


def test_consent_without_a_signed_revision_does_not_make_it_public(
    partnership, coordinator, organization, representative
):
    publication_consent_give(partnership=partnership, party=MUNICIPALITY_PARTY, actor=coordinator)
    publication_consent_give(partnership=partnership, party=organization, actor=representative)
    assert not is_public(partnership)


def test_withdrawal_hides_it_at_once_and_giving_twice_changes_nothing(
    signed, coordinator, organization, representative
):
    assert publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    assert not publication_consent_give(
        partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator
    )
    publication_consent_give(partnership=signed, party=organization, actor=representative)
    assert publication_consent_withdraw(
        partnership=signed, party=organization, actor=representative
    )
    assert not is_public(signed)
    assert not publication_consent_withdraw(
        partnership=signed, party=organization, actor=representative
    )
    assert signed.events.filter(kind=PartnershipEvent.Kind.CONSENT_WITHDRAWN).count() == 1


def test_members_see_which_parties_agreed(client, signed, coordinator, staff):
    publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    client.force_login(staff)
    response = client.get(url("publication", signed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Talsu novads</span>:\n      agreed on" in page
    assert "Biedrība „Brīnumiņš”</span>:\n      has not agreed" in page
    assert "The partnership is not public." in page
    # Staff who do not coordinate answer for nobody: no buttons.
    assert "Agree to make it public" not in page and "Withdraw agreement" not in page


def test_a_signer_agrees_and_withdraws_with_a_button(
    client, signed, coordinator, organization, representative
):
    publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    client.force_login(representative)
    page = client.get(url("publication", signed)).content.decode()
    assert "Agree to make it public" in page
    response = client.post(
        url("publication", signed),
        {"party": str(organization.pk), "decision": "agree"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("publication", signed)
    assert "The partnership is public." in response.content.decode()
    client.post(url("publication", signed), {"party": str(organization.pk), "decision": "withdraw"})
    assert not is_public(signed)


@pytest.mark.parametrize(
    "data",
    [{}, {"party": "municipality", "decision": "agree"}, {"party": "1", "decision": "maybe"}],
)
def test_bad_input_or_a_party_the_user_does_not_sign_for_changes_nothing(
    client, signed, representative, data
):
    client.force_login(representative)
    response = client.post(url("publication", signed), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not PublicationConsent.objects.exists()


def test_staff_who_do_not_coordinate_and_non_signing_partners_cannot_answer(
    client, signed, staff, municipality
):
    implementing = OrganizationFactory(home_municipality=municipality)
    MemberFactory(partnership=signed, organization=implementing, role="implementing")
    partner = OrganizationMembershipFactory(organization=implementing).user
    for user in (staff, partner):
        client.force_login(user)
        assert client.get(url("publication", signed)).status_code == 200
        response = client.post(
            url("publication", signed), {"party": "municipality", "decision": "agree"}
        )
        assert response.status_code == 403
    assert not PublicationConsent.objects.exists()


def test_outsiders_get_404_and_other_methods_405(client, signed, coordinator):
    client.force_login(UserFactory())
    assert client.get(url("publication", signed)).status_code == 404
    client.force_login(coordinator)
    assert client.delete(url("publication", signed)).status_code == 405


def test_one_person_in_both_roles_agrees_for_one_party_only(
    client, signed, coordinator, organization
):
    OrganizationMembershipFactory(organization=organization, user=coordinator)
    publication_consent_give(partnership=signed, party=MUNICIPALITY_PARTY, actor=coordinator)
    client.force_login(coordinator)
    response = client.post(
        url("publication", signed),
        {"party": str(organization.pk), "decision": "agree"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Each party agrees by a different person." in response.content.decode()
    assert PublicationConsent.objects.filter(partnership=signed).count() == 1
    assert not is_public(signed)
