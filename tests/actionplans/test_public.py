"""The public pages: the list of public partnerships (actionplans:public_list) and one
(actionplans:public), without anyone's contact details."""

import pytest
from django.urls import reverse
from django.utils import translation

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.services import publication_consent_give, publication_consent_withdraw
from tests.factories import (
    ActionItemFactory,
    MemberFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)

from .signoff_helpers import sign_by_both, signable_partnership, url

pytestmark = pytest.mark.django_db


def public_list_url():
    with translation.override("en"):
        return reverse("actionplans:public_list")


def make_public(partnership, coordinator, organization, representative):
    sign_by_both(partnership, coordinator, organization, representative)
    publication_consent_give(partnership=partnership, party=MUNICIPALITY_PARTY, actor=coordinator)
    publication_consent_give(partnership=partnership, party=organization, actor=representative)
    return partnership


@pytest.fixture
def public(municipality, organization, coordinator, representative):
    partnership = signable_partnership(municipality, organization, title="Atelpas brīži")
    partnership.shared_result = "Ģimenes saņem atbalstu."
    partnership.save(update_fields=["shared_result"])
    return make_public(partnership, coordinator, organization, representative)


def test_anyone_reads_a_public_partnership_without_contact_details(client, public):
    response = client.get(url("public", public))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Atelpas brīži" in page and "Ģimenes saņem atbalstu." in page
    assert "Biedrība „Brīnumiņš” – Signatory" in page
    assert "Atelpas brīži ģimenēm" in page  # the signed plan's action
    revision = public.revisions.get()
    assert url("revision_pdf", public, number=1) in page
    assert revision.get_verification_url() in page
    for contact in ("Līga Kalniņa", "liga.kalnina@example.org", "+371 2000 0000"):
        assert contact not in page


def test_the_public_page_shows_the_signed_revision_not_later_edits(client, public):
    ActionItemFactory(partnership=public, activity="Neparakstīta darbība")
    page = client.get(url("public", public)).content.decode()
    assert "Neparakstīta darbība" not in page


def test_a_partnership_not_every_party_agreed_to_publish_is_404(
    client, public, organization, representative
):
    publication_consent_withdraw(partnership=public, party=organization, actor=representative)
    assert client.get(url("public", public)).status_code == 404
    assert "Atelpas brīži" not in client.get(public_list_url()).content.decode()


def test_the_list_shows_title_municipality_partners_and_status_of_public_ones_only(
    client, public, municipality, organization
):
    signable_partnership(municipality, organization, title="Privāta sadarbība")
    response = client.get(public_list_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert url("public", public) in page and "Atelpas brīži" in page
    assert "Talsu novads · Biedrība „Brīnumiņš” · Active" in page
    assert "Privāta sadarbība" not in page
    assert "liga.kalnina@example.org" not in page


def test_the_lists_queries_do_not_grow_with_partnerships_and_partners(
    client, public, municipality, coordinator, django_assert_num_queries
):
    client.get(public_list_url())
    for number in range(3):
        organization = OrganizationFactory(home_municipality=municipality)
        representative = OrganizationMembershipFactory(organization=organization).user
        partnership = signable_partnership(municipality, organization, title=f"Nr. {number}")
        MemberFactory(partnership=partnership, role="implementing")
        make_public(partnership, coordinator, organization, representative)
    # The capped count and the page (roadmap_portal/lib/pagination.py).
    with django_assert_num_queries(2) as captured:
        response = client.get(public_list_url())
    assert captured.captured_queries[1]["sql"].endswith("LIMIT 21")
    assert response.content.decode().count('class="border-bottom py-2"') == 4


def test_the_footer_links_to_the_public_list(client, public):
    assert f'href="{public_list_url()}"' in client.get(url("public", public)).content.decode()


def test_post_is_refused(client, public):
    assert client.post(url("public", public)).status_code == 405
    assert client.post(public_list_url()).status_code == 405


def test_a_signer_taken_off_the_partners_still_has_to_agree_before_it_is_public(
    client, municipality, organization, coordinator, representative
):
    partnership = signable_partnership(municipality, organization, title="Atelpas brīži")
    sign_by_both(partnership, coordinator, organization, representative)
    publication_consent_give(partnership=partnership, party=MUNICIPALITY_PARTY, actor=coordinator)
    # The organization's signature is on revision 1: dropping it from the partners does not
    # make the municipality's agreement enough.
    partnership.members.filter(organization=organization).update(role="implementing")
    assert client.get(url("public", partnership)).status_code == 404
    publication_consent_give(partnership=partnership, party=organization, actor=representative)
    assert client.get(url("public", partnership)).status_code == 200


def test_the_public_pages_name_the_partnership_as_signed_not_as_renamed_since(client, public):
    public.title = "Jauns nosaukums"
    public.save(update_fields=["title"])
    MemberFactory(partnership=public, name="Jauna grupa", organization=None, role="funding")
    for page in (client.get(url("public", public)), client.get(public_list_url())):
        text = page.content.decode()
        assert "Atelpas brīži" in text
        assert "Jauns nosaukums" not in text and "Jauna grupa" not in text
