"""The evaluation stages in each partnership's iCalendar feed (actionplans.calendar)."""

from datetime import timedelta

from django.utils.translation import gettext as _

from actionplans.calendar import all_day_event, register


@register
def evaluation_stages(partnership):
    """One all-day event per stage: its day, or its period (DTEND is the day after the
    last, RFC 5545's exclusive end). No one's name or contact details: the feed's address
    is a secret, but secrets get forwarded."""
    stages = partnership.evaluation_stages.only(
        "pk", "name", "kind", "starts_on", "ends_on", "partnership_id"
    ).order_by("ends_on", "id")
    for stage in stages:
        event = all_day_event(
            partnership,
            thing=f"evaluation-stage-{stage.pk}",
            day=stage.starts_on or stage.ends_on,
            summary=_("Evaluation: %(name)s") % {"name": stage.name},
            description=str(stage.get_kind_display()),
        )
        event.add("dtend", stage.ends_on + timedelta(days=1))
        yield event
