"""What changed between two revisions, or a revision and the draft (actionplans:compare)."""

import pytest

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.models import Partnership
from tests.factories import ActionItemFactory, UserFactory

from .signoff_helpers import sign, sign_by_both, signable_partnership, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization, title="Atelpas brīži")


def test_by_default_the_latest_signed_revision_is_compared_with_the_draft(
    client, partnership, coordinator, organization, representative
):
    sign_by_both(partnership, coordinator, organization, representative)
    ActionItemFactory(partnership=partnership, activity="Jauna darbība")
    sign(partnership, MUNICIPALITY_PARTY, coordinator)  # revision 2, not signed
    Partnership.objects.filter(pk=partnership.pk).update(title="Jauns nosaukums")
    client.force_login(coordinator)
    response = client.get(url("compare", partnership))
    assert response.status_code == 200
    page = response.content.decode()
    assert "From revision 1 to the draft" in page
    assert "<del>Atelpas brīži</del>" in page and "<ins>Jauns nosaukums</ins>" in page
    assert "Added" in page and "Jauna darbība" in page


def test_two_revisions_are_compared_and_the_same_content_has_no_changes(
    client, partnership, coordinator, organization, representative
):
    sign_by_both(partnership, coordinator, organization, representative)
    ActionItemFactory(partnership=partnership, activity="Jauna darbība")
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(representative)
    page = client.get(url("compare", partnership) + "?from=1&to=2").content.decode()
    assert "From revision 1 to revision 2" in page and "Jauna darbība" in page
    page = client.get(url("compare", partnership) + "?from=2&to=draft").content.decode()
    assert "Nothing changed." in page


@pytest.mark.parametrize(
    "query", ["?from=7&to=draft", "?from=abc&to=1", "?from=1&to=%00", "?from=&to=", "?from=1&to=9"]
)
def test_bad_parameters_give_a_clear_message_and_the_form(client, partnership, coordinator, query):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    client.force_login(coordinator)
    response = client.get(url("compare", partnership) + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error: " in page
    assert "Select" in page and 'name="from"' in page


def test_without_revisions_the_page_says_there_is_nothing_to_compare(client, partnership, staff):
    client.force_login(staff)
    response = client.get(url("compare", partnership) + "?from=1&to=draft")
    assert response.status_code == 200
    assert "There is no revision to compare yet" in response.content.decode()


def test_outsiders_get_404_and_post_is_refused(client, partnership, staff):
    client.force_login(UserFactory())
    assert client.get(url("compare", partnership)).status_code == 404
    client.force_login(staff)
    assert client.post(url("compare", partnership)).status_code == 405


def test_changed_values_are_escaped(client, partnership, coordinator):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    Partnership.objects.filter(pk=partnership.pk).update(title="<b>Treknrakstā</b>")
    client.force_login(coordinator)
    page = client.get(url("compare", partnership)).content.decode()
    assert "<ins>&lt;b&gt;Treknrakstā&lt;/b&gt;</ins>" in page
