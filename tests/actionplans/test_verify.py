"""actionplans:verify: the public page that says whether a revision was signed and is
unchanged."""

import pytest
from django.urls import reverse
from django.utils import translation

from actionplans.models import PartnershipRevision, PublicationConsent, Signature
from actionplans.views.documents import VERIFY_MISSES_PER_HOUR

from .signed_revisions import signed_revision


@pytest.fixture
def revision(people):
    return signed_revision(**people, actions=1, title="Atelpas brīži kopā")


def url(code):
    with translation.override("en"):
        return reverse("actionplans:verify", kwargs={"code": code})


def make_public(revision):
    partnership = revision.partnership
    PublicationConsent.objects.create(partnership=partnership, organization=None)
    for member in partnership.members.filter(role="signatory"):
        PublicationConsent.objects.create(partnership=partnership, organization=member.organization)


def test_a_signed_intact_revision_is_valid_with_its_number_full_hash_and_date(client, revision):
    response = client.get(url(revision.verification_code))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in page and "Not valid" not in page
    assert revision.content_hash in page
    assert "Verification of revision 1" in page
    assert revision.signed_at.astimezone().strftime("%Y") in page


def test_a_partnership_that_is_not_public_shows_no_title_names_or_content(
    client, revision, coordinator
):
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Atelpas brīži kopā" not in page
    assert "Brīnumiņš" not in page and coordinator.full_name not in page
    assert "Darbība" not in page and "atelpas brīžus" not in page
    assert reverse("actionplans:public", kwargs={"pk": revision.partnership_id}) not in page


def test_a_public_partnership_also_shows_its_title_partners_and_public_page(client, revision):
    make_public(revision)
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Atelpas brīži kopā" in page and "Biedrība „Brīnumiņš” – Signatory" in page
    with translation.override("en"):
        assert reverse("actionplans:public", kwargs={"pk": revision.partnership_id}) in page


def test_a_revision_edited_in_the_database_after_signing_is_not_valid(client, revision):
    content = revision.content
    content["actions"][0]["activity"] = "Changed after signing"
    PartnershipRevision.objects.filter(pk=revision.pk).update(content=content)
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Not valid" in page and "no longer matches" in page


def test_a_tampered_hash_with_its_signatures_unchanged_is_not_valid(client, revision):
    content = revision.content
    content["partnership"]["title"] = "Forged"
    forged = PartnershipRevision(content=content).freeze().content_hash
    PartnershipRevision.objects.filter(pk=revision.pk).update(content=content, content_hash=forged)
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Not valid" in page


def test_a_signature_given_to_other_content_makes_it_not_valid(client, revision):
    Signature.objects.filter(revision=revision).update(content_hash="0" * 64)
    assert "Not valid" in client.get(url(revision.verification_code)).content.decode()


def test_a_superseded_revision_is_not_valid(client, revision):
    PartnershipRevision.objects.filter(pk=revision.pk).update(
        status=PartnershipRevision.Status.SUPERSEDED, signed_at=None
    )
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Not valid" in page and "has not been signed by every party" in page


def test_an_unknown_code_is_a_404_page_that_says_so(client, revision):
    response = client.get(url("zzzzzzzzzz"))
    assert response.status_code == 404
    assert "Verification code not known" in response.content.decode()


def test_an_address_that_tries_too_many_unknown_codes_is_stopped_even_for_a_known_one(
    client, revision
):
    for _ in range(VERIFY_MISSES_PER_HOUR):
        assert client.get(url("zzzzzzzzzz")).status_code == 404
    assert client.get(url(revision.verification_code)).status_code == 429
    other = client.get(url("yyyyyyyyyy"), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 404  # another address counts on its own


def test_known_codes_do_not_count_against_the_limit(client, revision):
    for _ in range(VERIFY_MISSES_PER_HOUR + 5):
        assert client.get(url(revision.verification_code)).status_code == 200


def test_the_code_is_read_whatever_its_case(client, revision):
    assert client.get(url(revision.verification_code.upper())).status_code == 200


def test_only_get_and_head_are_allowed(client, revision):
    assert client.post(url(revision.verification_code)).status_code == 405


def test_the_page_of_a_public_partnership_takes_three_queries(
    client, revision, django_assert_num_queries
):
    make_public(revision)
    client.get(url(revision.verification_code))  # warm: the site's caches
    # The revision with its partnership, its signatures, whether it is public; the partners
    # come from the revision's content, not from a query per partner.
    with django_assert_num_queries(3):
        client.get(url(revision.verification_code))


def test_a_signed_revision_missing_a_partys_signature_is_not_valid(client, revision):
    revision.signatures.filter(organization__isnull=False).delete()
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Not valid" in page


def test_a_public_partnership_is_named_as_it_was_signed(client, revision):
    make_public(revision)
    revision.partnership.title = "Pārdēvēta"
    revision.partnership.save(update_fields=["title"])
    page = client.get(url(revision.verification_code)).content.decode()
    assert "Atelpas brīži kopā" in page and "Pārdēvēta" not in page
