"""Every revision of a partnership (actionplans:revisions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.models import PartnershipRevision
from tests.factories import ActionItemFactory, UserFactory

from .signoff_helpers import sign, sign_by_both, signable_partnership, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization)


def test_each_revision_shows_its_status_and_signatures_valid_or_void(
    client, partnership, coordinator, organization, representative
):
    sign_by_both(partnership, coordinator, organization, representative)
    ActionItemFactory(partnership=partnership, activity="Jauna")
    sign(partnership, MUNICIPALITY_PARTY, coordinator)  # revision 2, waiting
    ActionItemFactory(partnership=partnership, activity="Vēl viena")
    sign(partnership, organization, representative)  # revision 3; 2 superseded
    client.force_login(representative)
    response = client.get(url("revisions", partnership))
    assert response.status_code == 200
    page = response.content.decode()
    for number, status in ((1, "Signed"), (2, "Superseded"), (3, "Waiting for signatures")):
        assert f"Revision {number}</a></td>\n            <td>{status}</td>" in page
    assert page.count(": valid") == 3  # both of revision 1, the one of revision 3
    assert page.count("<strong>void</strong>") == 1  # the coordinator's of revision 2
    assert "The draft is the same as the latest revision." in page


def test_the_page_says_when_the_draft_differs_from_the_latest_revision(
    client, partnership, coordinator, staff
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    ActionItemFactory(partnership=partnership)
    client.force_login(staff)
    page = client.get(url("revisions", partnership)).content.decode()
    assert "The draft differs from the latest revision." in page
    assert url("compare", partnership) in page


def test_a_tampered_revision_shows_its_signatures_as_void(
    client, partnership, coordinator, organization, representative
):
    revision = sign_by_both(partnership, coordinator, organization, representative)
    PartnershipRevision.objects.filter(pk=revision.pk).update(content_hash="0" * 64)
    client.force_login(coordinator)
    page = client.get(url("revisions", partnership)).content.decode()
    assert page.count("<strong>void</strong>") == 2 and ": valid" not in page


def test_the_number_of_queries_does_not_grow_with_revisions_and_rows(
    client, partnership, coordinator, organization, representative, django_assert_num_queries
):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(coordinator)
    client.get(url("revisions", partnership))  # the session and the like, once

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("revisions", partnership)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        ActionItemFactory.create_batch(3, partnership=partnership)
        sign(partnership, organization, representative)
        sign(partnership, MUNICIPALITY_PARTY, coordinator)
    with django_assert_num_queries(few):
        assert client.get(url("revisions", partnership)).status_code == 200


def test_outsiders_get_404_and_post_is_refused(client, partnership, staff):
    client.force_login(UserFactory())
    assert client.get(url("revisions", partnership)).status_code == 404
    client.force_login(staff)
    assert client.post(url("revisions", partnership)).status_code == 405
