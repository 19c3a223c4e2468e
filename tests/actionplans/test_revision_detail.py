"""One revision (actionplans:revision): printed from what it froze."""

from datetime import UTC, datetime

import pytest

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.models import ActionItem, Partnership, PartnershipRevision
from tests.factories import UserFactory

from .signoff_helpers import sign, sign_by_both, signable_partnership, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization, title="Atelpas brīži")


def test_a_revision_shows_its_frozen_content_not_the_live_rows(
    client, partnership, coordinator, organization, representative
):
    revision = sign_by_both(partnership, coordinator, organization, representative)
    ActionItem.objects.filter(partnership=partnership).update(activity="Mainīta darbība")
    Partnership.objects.filter(pk=partnership.pk).update(title="Jauns nosaukums")
    client.force_login(representative)
    response = client.get(url("revision", partnership, number=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Atelpas brīži ģimenēm" in page and "Mainīta darbība" not in page
    assert revision.content_hash in page
    assert "Yes: the content matches its hash." in page
    assert page.count(": valid") == 2
    assert url("revision_pdf", partnership, number=1) in page
    assert revision.get_verification_url() in page
    assert "liga.kalnina@example.org" not in page and "+371 2000 0000" not in page


def test_user_text_in_a_revision_is_escaped(client, partnership, coordinator):
    ActionItem.objects.filter(partnership=partnership).update(activity="<script>alert(1)</script>")
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(coordinator)
    page = client.get(url("revision", partnership, number=1)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_tampered_revision_says_it_is_not_intact_and_its_signatures_void(
    client, partnership, coordinator
):
    revision = sign(partnership, MUNICIPALITY_PARTY, coordinator).revision
    content = revision.content
    content["partnership"]["shared_result"] = "Kas cits"
    PartnershipRevision.objects.filter(pk=revision.pk).update(content=content)
    client.force_login(coordinator)
    page = client.get(url("revision", partnership, number=1)).content.decode()
    assert "This revision is not intact" in page
    assert "<strong>void</strong>" in page and ": valid" not in page


def test_a_number_that_does_not_exist_is_404(client, partnership, coordinator):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(coordinator)
    assert client.get(url("revision", partnership, number=2)).status_code == 404


def test_outsiders_get_404_and_post_is_refused(client, partnership, coordinator):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(UserFactory())
    assert client.get(url("revision", partnership, number=1)).status_code == 404
    client.force_login(coordinator)
    assert client.post(url("revision", partnership, number=1)).status_code == 405


def test_dates_are_shown_in_the_municipalitys_time_zone(
    client, partnership, coordinator, organization, representative, municipality
):
    municipality.time_zone = "Europe/Riga"
    municipality.save(update_fields=["time_zone"])
    revision = sign_by_both(partnership, coordinator, organization, representative)
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 01:30 on 2 March in Riga
    PartnershipRevision.objects.filter(pk=revision.pk).update(signed_at=late)
    client.force_login(coordinator)
    page = client.get(url("revision", partnership, number=1)).content.decode()
    assert "02/03/2026" in page


def test_a_number_beyond_what_the_database_holds_is_404_not_500(client, partnership, coordinator):
    client.force_login(coordinator)
    assert client.get(url("revision", partnership, number=2**40)).status_code == 404
