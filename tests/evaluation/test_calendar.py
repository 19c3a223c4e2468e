"""The evaluation stages in the partnership's calendar feed (evaluation/calendar.py)."""

from datetime import date

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import EvaluationStageFactory, MunicipalityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def feed_of(client, partnership):
    with translation.override("en"):
        url = reverse("actionplans:calendar_feed", kwargs={"key": partnership.calendar_key})
    response = client.get(url)
    assert response.status_code == 200
    parsed = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def uid(partnership, stage):
    return f"partnership-{partnership.pk}-evaluation-stage-{stage.pk}@roadmap-portal"


def test_a_stage_on_one_day_is_an_all_day_event_of_that_day(client, partnership, staff):
    stage = EvaluationStageFactory(
        partnership=partnership,
        name="Sākuma mērījums",
        ends_on=date(2027, 3, 31),
        responsible_user=staff,
    )
    event = feed_of(client, partnership)[uid(partnership, stage)]
    assert event.decoded("DTSTART") == date(2027, 3, 31)
    assert event.decoded("DTEND") == date(2027, 4, 1)
    assert str(event["SUMMARY"]).endswith("Sākuma mērījums")
    # Nobody's name or address, though someone is responsible.
    text = event.to_ical().decode()
    assert staff.email not in text and (not staff.full_name or staff.full_name not in text)


def test_a_period_spans_its_days_and_ends_the_day_after_its_last(client, partnership):
    stage = EvaluationStageFactory(
        partnership=partnership, starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 30)
    )
    event = feed_of(client, partnership)[uid(partnership, stage)]
    assert event.decoded("DTSTART") == date(2027, 6, 1)
    assert event.decoded("DTEND") == date(2027, 7, 1)


def test_the_summary_says_it_is_an_evaluation(client, partnership):
    stage = EvaluationStageFactory(partnership=partnership, name="Noslēgums")
    event = feed_of(client, partnership)[uid(partnership, stage)]
    assert str(event["SUMMARY"]) == "Evaluation: Noslēgums"


def test_another_partnerships_stages_are_not_in_the_feed(client, partnership):
    mine = EvaluationStageFactory(partnership=partnership)
    other_partnership = PartnershipFactory(municipality=MunicipalityFactory())
    theirs = EvaluationStageFactory(partnership=other_partnership)
    events = feed_of(client, partnership)
    assert uid(partnership, mine) in events
    assert uid(other_partnership, theirs) not in events
    assert not any(f"evaluation-stage-{theirs.pk}@" in key for key in events)
