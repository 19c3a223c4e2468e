import pytest

from actionplans.models import Partnership, PartnershipEvent

from .conftest import url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(partnership):
    return url_of("calendar", pk=partnership.pk)


def test_members_see_the_secret_link_as_an_absolute_address(
    client, partnership, representative, url
):
    client.force_login(representative)
    response = client.get(url)
    assert response.status_code == 200
    feed = f"http://testserver/en/calendar/{partnership.calendar_key}.ics"
    assert response.context["feed_url"] == feed
    assert f'value="{feed}"' in response.content.decode()


def test_replacing_the_link_makes_a_new_key_and_the_old_link_stops_working(
    client, partnership, staff, url
):
    old = partnership.calendar_key
    client.force_login(staff)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    new = Partnership.objects.get(pk=partnership.pk).calendar_key
    assert new != old and len(new) >= 40
    event = PartnershipEvent.objects.exclude(kind="created").get()
    assert (event.kind, event.actor) == (PartnershipEvent.Kind.CALENDAR_RESET, staff)
    client.logout()
    assert client.get(url_of("calendar_feed", key=old)).status_code == 404
    assert client.get(url_of("calendar_feed", key=new)).status_code == 200


def test_outsiders_get_404_and_change_nothing(
    client, partnership, outsider, other_representative, url
):
    key = partnership.calendar_key
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Partnership.objects.get(pk=partnership.pk).calendar_key == key


def test_other_methods_are_not_allowed(client, staff, url):
    client.force_login(staff)
    assert client.put(url).status_code == 405
