"""The evaluation's panels: on My work (settings.MY_WORK_PANELS) and on the partnership's
page (settings.PARTNERSHIP_PANELS), through roadmap_portal.lib.panels."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orgs.models import Municipality
from roadmap_portal.lib.panels import Due, Panel

from .dashboards import summaries, waiting_for


def my_evaluation(request):
    """Measurements waiting for my approval are due; staff get their municipality's
    evaluation dashboard."""
    user = request.user
    to_review = waiting_for(user)
    municipalities = list(Municipality.objects.staffed_by(user).order_by("name"))
    if not (to_review or municipalities):
        return None
    due = [
        Due(
            _("Approve or reject the measurement of %(kpi)s (%(title)s)")
            % {"kpi": measurement.kpi.name, "title": measurement.kpi.partnership.title},
            reverse(
                "evaluation:measurement_review",
                kwargs={"pk": measurement.kpi.partnership_id, "measurement": measurement.pk},
            ),
        )
        for measurement in to_review
    ]
    return Panel(
        "evaluation/panels/my_evaluation.html",
        {"to_review": to_review, "municipalities": municipalities},
        due=due,
    )


def partnership_evaluation(request, partnership):
    """On the partnership's page: its KPIs, how many are on track, the stages due, and the
    way to its evaluation (the caller has checked that the user is a member)."""
    (summary,) = summaries([partnership], actions=False)
    return Panel("evaluation/panels/partnership_evaluation.html", {"summary": summary})
