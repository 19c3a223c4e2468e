"""Check your answers and sign (actionplans:check)."""

import pytest

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.models import Partnership, PartnershipRevision, Signature
from orgs.models import MunicipalityMembership
from tests.factories import (
    ActionItemFactory,
    MemberFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PartnershipFactory,
    UserFactory,
)

from .signoff_helpers import sign, signable_partnership, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization, title="Atelpas brīži <b>kopā</b>")


def test_members_see_every_section_with_change_links_the_hash_and_who_must_sign(
    client, partnership, staff
):
    client.force_login(staff)
    response = client.get(url("check", partnership))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Atelpas brīži &lt;b&gt;kopā&lt;/b&gt;" in page
    assert "Atelpas brīži ģimenēm" in page and "Ziņas vecākiem" in page
    for name, hidden in (
        ("details", "the details"),
        ("partners", "the partners"),
        ("actions", "the action plan"),
        ("communications", "the communication plan"),
    ):
        link = f'href="{url(name, partnership)}?from=check">Change'
        assert f'{link}<span class="visually-hidden"> {hidden}' in page
    full = current_hash(partnership)
    assert full[:12] in page and full in page
    assert "A coordinator, for Talsu novads" in page
    assert "A representative, for Biedrība „Brīnumiņš”" in page
    # Staff who do not coordinate check, and are not offered to sign.
    assert "Sign off the action plan" not in page
    assert "liga.kalnina@example.org" not in page


def test_a_signer_for_one_party_gets_the_button_and_no_question(client, partnership, coordinator):
    client.force_login(coordinator)
    response = client.get(url("check", partnership))
    page = response.content.decode()
    assert "Sign off the action plan" in page
    assert f'name="content_hash" value="{current_hash(partnership)}"' in page
    assert 'type="radio"' not in page
    assert 'name="party" value="municipality"' in page


def test_signing_signs_the_content_seen_and_goes_to_the_task_list_with_a_message(
    client, partnership, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        url("check", partnership),
        {"content_hash": current_hash(partnership), "party": "municipality"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == partnership.get_absolute_url()
    assert "You signed revision 1" in response.content.decode()
    signature = Signature.objects.get()
    assert (signature.signer, signature.organization) == (coordinator, None)


def test_the_last_signature_says_the_revision_is_signed(
    client, partnership, coordinator, organization, representative
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(representative)
    response = client.post(
        url("check", partnership),
        {"content_hash": current_hash(partnership), "party": str(organization.pk)},
        follow=True,
    )
    assert "Revision 1 is signed by everyone" in response.content.decode()
    assert PartnershipRevision.objects.get().is_signed


def test_a_change_since_the_page_was_loaded_shows_the_conflict_and_the_new_content(
    client, partnership, coordinator
):
    seen = current_hash(partnership)
    Partnership.objects.filter(pk=partnership.pk).update(title="Jauns nosaukums")
    client.force_login(coordinator)
    response = client.post(
        url("check", partnership), {"content_hash": seen, "party": "municipality"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The plan changed since you opened this page" in page
    assert "There is a problem" in page and "<title>Error: " in page
    assert "Jauns nosaukums" in page
    partnership.refresh_from_db()
    assert f'name="content_hash" value="{current_hash(partnership)}"' in page
    assert not Signature.objects.exists()


def test_a_partnership_that_cannot_be_signed_shows_why_and_refuses_to_sign(
    client, municipality, coordinator
):
    partnership = PartnershipFactory(municipality=municipality)
    client.force_login(coordinator)
    page = client.get(url("check", partnership)).content.decode()
    assert "Add at least one row to the action plan." in page
    assert "Sign off the action plan" not in page
    response = client.post(
        url("check", partnership),
        {"content_hash": current_hash(partnership), "party": "municipality"},
    )
    assert response.status_code == 200
    assert "Add at least one partner organization as a signatory." in response.content.decode()
    assert not PartnershipRevision.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"content_hash": "not a hash", "party": "municipality"},
        {"content_hash": "a" * 64, "party": "999"},
    ],
)
def test_bad_input_shows_the_form_again_and_signs_nothing(client, partnership, coordinator, data):
    client.force_login(coordinator)
    response = client.post(url("check", partnership), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Signature.objects.exists()


def test_someone_who_signs_for_two_parties_chooses_which(
    client, partnership, municipality, organization
):
    both = MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    OrganizationMembershipFactory(user=both, organization=organization)
    client.force_login(both)
    page = client.get(url("check", partnership)).content.decode()
    assert page.count('type="radio"') == 2
    response = client.post(url("check", partnership), {"content_hash": current_hash(partnership)})
    page = response.content.decode()
    assert '<a href="#id_party_0">Select who you sign for</a>' in page
    assert 'id="id_party_0"' in page
    client.post(
        url("check", partnership),
        {"content_hash": current_hash(partnership), "party": str(organization.pk)},
    )
    assert Signature.objects.get().organization == organization


def test_signing_the_same_content_twice_says_so_and_adds_nothing(client, partnership, coordinator):
    client.force_login(coordinator)
    data = {"content_hash": current_hash(partnership), "party": "municipality"}
    client.post(url("check", partnership), data)
    response = client.post(url("check", partnership), data, follow=True)
    assert "This content was already signed for Talsu novads." in response.content.decode()
    assert Signature.objects.count() == 1


def test_staff_who_do_not_coordinate_and_non_signing_partners_cannot_sign(
    client, partnership, staff, municipality
):
    implementing = OrganizationFactory(home_municipality=municipality)
    MemberFactory(partnership=partnership, organization=implementing, role="implementing")
    partner = OrganizationMembershipFactory(organization=implementing).user
    data = {"content_hash": current_hash(partnership), "party": "municipality"}
    for user in (staff, partner):
        client.force_login(user)
        assert client.get(url("check", partnership)).status_code == 200
        assert client.post(url("check", partnership), data).status_code == 403
    assert not Signature.objects.exists()


def test_outsiders_get_404_and_other_methods_405(client, partnership, coordinator):
    client.force_login(UserFactory())
    assert client.get(url("check", partnership)).status_code == 404
    assert client.post(url("check", partnership), {}).status_code == 404
    client.force_login(coordinator)
    assert client.put(url("check", partnership)).status_code == 405


def test_a_revision_waiting_for_content_that_changed_since_is_announced_as_replaced(
    client, partnership, coordinator, representative
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    ActionItemFactory(partnership=partnership)
    client.force_login(representative)
    page = client.get(url("check", partnership)).content.decode()
    assert "Revision 1 waits for signatures, but the plans have changed since." in page
    assert "not signed yet" in page and "signed by" not in page
