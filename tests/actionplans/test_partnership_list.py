"""actionplans:list: the partnerships the user works on, and the way to start one."""

import pytest

from tests.factories import MemberFactory, PartnershipFactory
from tests.listpages import paged_queries, queries_of

pytestmark = pytest.mark.django_db

URL = "/en/partnerships/"
# The session and user, the partnerships' capped count and page, may-start, the header's
# moderation menu (2).
LIST_QUERIES = 7


def test_staff_see_their_municipalitys_partnerships_and_the_start_link(client, staff, partnership):
    PartnershipFactory(title="Svešs")
    client.force_login(staff)
    response = client.get(URL)
    assert list(response.context["partnerships"]) == [partnership]
    assert 'href="/en/partnerships/new/"' in response.content.decode()


def test_a_representative_sees_the_partnerships_of_their_organization_but_no_start_link(
    client, representative, partnership
):
    client.force_login(representative)
    response = client.get(URL)
    assert list(response.context["partnerships"]) == [partnership]
    assert "/en/partnerships/new/" not in response.content.decode()


def test_someone_with_no_partnership_sees_none(client, outsider, partnership):
    client.force_login(outsider)
    assert list(client.get(URL).context["partnerships"]) == []


def test_the_number_of_queries_does_not_grow_with_the_partnerships(
    client, staff, municipality, django_assert_num_queries
):
    client.force_login(staff)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(URL)
    for _ in range(5):
        MemberFactory(partnership=PartnershipFactory(municipality=municipality))
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(URL).context["partnerships"]) == 5


def test_the_list_only_shows(client, staff):
    client.force_login(staff)
    assert client.post(URL).status_code == 405


def test_the_header_links_here_for_signed_in_users(client, staff):
    assert 'href="/en/partnerships/"' not in client.get("/en/").content.decode()
    client.force_login(staff)
    assert 'href="/en/partnerships/"' in client.get("/en/").content.decode()


def test_the_second_page_shows_the_21st_partnership_and_links_back(client, staff, municipality):
    for n in range(25):
        PartnershipFactory(municipality=municipality, title=f"Sadarbība {n:02d}")
    client.force_login(staff)
    response, sqls = queries_of(client, URL + "?page=2")
    # Most recently changed first: the 21st is the fifth made.
    assert "Sadarbība 04" in response.text and "Sadarbība 05" not in response.text
    assert 'href="?" rel="prev">Previous' in response.text
    assert paged_queries(sqls, "actionplans_partnership")
