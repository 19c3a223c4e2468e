"""A partnership's deadlines as an iCalendar feed (RFC 5545), for calendar apps to subscribe
to at a secret address (Partnership.calendar_key).

The feed is made of sources: each is a function of the partnership that yields
icalendar Events. Another app adds its own dates (issue 12: the evaluation's stages) with
`register(source)`, without touching this module. Every event is all-day, has a UID stable
per partnership and thing (a calendar app updates it instead of adding a copy) and never
holds anyone's contact details: the address is a secret, but secrets get forwarded.
"""

from collections.abc import Callable, Iterable

import icalendar
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ActionItem

UID_DOMAIN = "roadmap-portal"

Source = Callable[[object], Iterable[icalendar.Event]]
SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of events to every partnership's feed (usable as a decorator)."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def uid(partnership, thing: str) -> str:
    """A UID stable for one thing ("action-12", "start") of one partnership."""
    return f"partnership-{partnership.pk}-{thing}@{UID_DOMAIN}"


def all_day_event(partnership, *, thing, day, summary, description="", cancelled=False):
    event = icalendar.Event()
    event.add("uid", uid(partnership, thing))
    # DTSTAMP is required; the last change of the partnership keeps the feed stable
    # between two fetches when nothing changed.
    event.add("dtstamp", partnership.updated_at)
    event.add("dtstart", day)  # a date: an all-day event
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if cancelled:
        event.add("status", "CANCELLED")
    return event


@register
def partnership_dates(partnership):
    """The partnership's own start and end."""
    if partnership.starts_on:
        yield all_day_event(
            partnership,
            thing="start",
            day=partnership.starts_on,
            summary=_("%(title)s starts") % {"title": partnership.title},
        )
    if partnership.ends_on:
        yield all_day_event(
            partnership,
            thing="end",
            day=partnership.ends_on,
            summary=_("%(title)s ends") % {"title": partnership.title},
        )


@register
def action_deadlines(partnership):
    """One event per action with a deadline, on the deadline."""
    actions = partnership.actions.filter(deadline__isnull=False).select_related("responsible_user")
    for action in actions.order_by("position", "id"):
        lines = []
        if action.responsible:
            lines.append(_("Responsible: %(name)s") % {"name": action.responsible})
        if action.goals:
            lines.append(_("Goals: %(goals)s") % {"goals": action.goals})
        yield all_day_event(
            partnership,
            thing=f"action-{action.pk}",
            day=action.deadline,
            summary=action.activity,
            description="\n".join(lines),
            cancelled=action.status == ActionItem.Status.CANCELLED,
        )


def partnership_calendar(partnership, *, language=None) -> icalendar.Calendar:
    """The feed of one partnership: every source's events, in the given language."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Roadmap Portal//Partnerships//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", partnership.title)
    calendar.add("x-wr-timezone", partnership.municipality.time_zone)
    with translation.override(language or translation.get_language()):
        for source in SOURCES:
            for event in source(partnership):
                calendar.add_component(event)
    return calendar
