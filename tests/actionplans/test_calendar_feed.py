import datetime

import icalendar
import pytest

from actionplans import calendar
from tests.factories import ActionItemFactory

from .conftest import url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_url(partnership):
    return url_of("calendar_feed", key=partnership.calendar_key)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(parsed):
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_each_action_with_a_deadline_is_an_all_day_event_without_signing_in(
    client, partnership, staff, feed_url
):
    partnership.starts_on, partnership.ends_on = (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
    )
    partnership.save()
    staff.full_name = "Jānis Ozols"
    staff.save()
    due = ActionItemFactory(
        partnership=partnership,
        activity="Atelpas telpu iekārtošana",
        responsible_user=staff,
        responsible_name="",
        goals="Telpas gatavas",
        deadline=datetime.date(2027, 4, 30),
    )
    cancelled = ActionItemFactory(
        partnership=partnership, deadline=datetime.date(2027, 5, 1), status="cancelled"
    )
    ActionItemFactory(partnership=partnership, ongoing=True)  # no deadline: no event
    parsed = parse(client.get(feed_url))
    assert str(parsed["X-WR-CALNAME"]) == partnership.title
    events = events_of(parsed)
    assert set(events) == {
        f"partnership-{partnership.pk}-start@roadmap-portal",
        f"partnership-{partnership.pk}-end@roadmap-portal",
        f"partnership-{partnership.pk}-action-{due.pk}@roadmap-portal",
        f"partnership-{partnership.pk}-action-{cancelled.pk}@roadmap-portal",
    }
    event = events[f"partnership-{partnership.pk}-action-{due.pk}@roadmap-portal"]
    assert str(event["SUMMARY"]) == "Atelpas telpu iekārtošana"
    start = event.decoded("DTSTART")
    assert start == datetime.date(2027, 4, 30) and not isinstance(start, datetime.datetime)
    assert "Jānis Ozols" in str(event["DESCRIPTION"]) and "Telpas gatavas" in str(
        event["DESCRIPTION"]
    )
    assert "STATUS" not in event
    assert (
        str(events[f"partnership-{partnership.pk}-action-{cancelled.pk}@roadmap-portal"]["STATUS"])
        == "CANCELLED"
    )
    start_event = events[f"partnership-{partnership.pk}-start@roadmap-portal"]
    assert start_event.decoded("DTSTART") == datetime.date(2027, 1, 1)


def test_the_uid_of_a_row_stays_when_the_row_changes(client, partnership, feed_url):
    action = ActionItemFactory(partnership=partnership, deadline=datetime.date(2027, 4, 30))
    before = set(events_of(parse(client.get(feed_url))))
    action.activity, action.deadline = "Pārcelta", datetime.date(2027, 6, 1)
    action.save()
    assert set(events_of(parse(client.get(feed_url)))) == before


def test_the_feed_holds_no_contact_details(client, partnership, staff, feed_url):
    member = partnership.members.get(role="signatory")
    member.contact_email, member.contact_phone = "kontakts@example.org", "+371 20000000"
    member.save()
    ActionItemFactory(
        partnership=partnership,
        responsible_user=staff,
        responsible_name="",
        responsible_member=member,
        deadline=datetime.date(2027, 4, 30),
    )
    body = client.get(feed_url).content.decode()
    assert staff.email not in body
    assert "kontakts@example.org" not in body and "20000000" not in body


def test_a_wrong_key_is_404(client, partnership):
    wrong = ("y" if partnership.calendar_key[0] != "y" else "z") + partnership.calendar_key[1:]
    assert client.get(url_of("calendar_feed", key=wrong)).status_code == 404
    assert client.get(url_of("calendar_feed", key="short")).status_code == 404


def test_a_key_differing_only_in_case_is_404(client, partnership):
    partnership.calendar_key = "abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_"
    partnership.save()
    assert (
        client.get(url_of("calendar_feed", key=partnership.calendar_key.swapcase())).status_code
        == 404
    )


def test_a_post_is_not_allowed(client, feed_url):
    assert client.post(feed_url).status_code == 405


def test_another_app_adds_its_events_to_the_feed(client, partnership, feed_url, monkeypatch):
    monkeypatch.setattr(calendar, "SOURCES", list(calendar.SOURCES))

    @calendar.register
    def stages(partnership):
        yield calendar.all_day_event(
            partnership, thing="stage-1", day=datetime.date(2027, 9, 1), summary="Izvērtēšana"
        )

    events = events_of(parse(client.get(feed_url)))
    assert (
        str(events[f"partnership-{partnership.pk}-stage-1@roadmap-portal"]["SUMMARY"])
        == "Izvērtēšana"
    )


def test_the_feed_takes_the_same_queries_however_many_rows(
    client, partnership, feed_url, django_assert_num_queries
):
    for count in (3, 30):
        ActionItemFactory.create_batch(
            count, partnership=partnership, deadline=datetime.date(2027, 4, 30)
        )
        # The partnership, its actions, and the evaluation stages another app's source adds.
        with django_assert_num_queries(3):
            client.get(feed_url)
