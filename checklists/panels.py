"""The roadmap's panels on My work (roadmap_portal.lib.panels, settings.MY_WORK_PANELS)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import ngettext

from roadmap_portal.lib.panels import Due, Panel

from .access import may_start_roadmap, own_roadmaps, shared_roadmaps
from .models import Answer

# A roadmap in progress that nobody has changed for this long is due: a workshop's work
# left half done is the usual way a roadmap is forgotten.
IDLE_DAYS = 30


def _with_progress(roadmaps):
    done = Q(answers__status__in=[Answer.Status.COMPLETED, Answer.Status.NOT_APPLICABLE])
    return roadmaps.with_owner().annotate(
        answers_total=Count("answers", distinct=True),
        answers_done=Count("answers", filter=done, distinct=True),
    )


def my_roadmaps(request):
    """My municipality's or organizations' roadmaps, in progress then completed; those
    in progress that nobody touched for IDLE_DAYS are due. Someone who may start one
    and has none is offered to."""
    user = request.user
    roadmaps = list(_with_progress(own_roadmaps(user)))
    if not roadmaps:
        if not may_start_roadmap(user):
            return None
        return Panel("checklists/panels/my_roadmaps.html", {"may_start": True})
    in_progress = [r for r in roadmaps if not r.is_completed]
    now = timezone.now()
    due = []
    for roadmap in in_progress:
        idle = (now - roadmap.updated_at).days
        if idle >= IDLE_DAYS:
            due.append(
                Due(
                    ngettext(
                        "%(title)s has not changed for %(days)s day: continue it",
                        "%(title)s has not changed for %(days)s days: continue it",
                        idle,
                    )
                    % {"title": roadmap.title, "days": idle},
                    roadmap.get_absolute_url(),
                )
            )
    return Panel(
        "checklists/panels/my_roadmaps.html",
        {
            "in_progress": in_progress,
            "completed": [r for r in roadmaps if r.is_completed],
        },
        due=due,
    )


def shared_with_my_municipality(request):
    """Roadmaps organizations shared with a municipality I coordinate."""
    roadmaps = list(_with_progress(shared_roadmaps(request.user)))
    if not roadmaps:
        return None
    return Panel("checklists/panels/shared_roadmaps.html", {"roadmaps": roadmaps})
