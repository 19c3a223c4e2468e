"""The evaluation's home page per partnership, and a municipality's across its partnerships."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..access import (
    get_municipality_for_dashboard,
    get_partnership_for_evaluation,
    municipality_partnerships,
)
from ..dashboards import summaries, waiting_for
from ..models import DUE_WITHIN_DAYS


@login_required
@require_safe
def partnership_dashboard(request, pk):
    """KPIs on and off track, stages due, overdue and blocked action rows, what waits for
    my approval, and the way to each part of the evaluation."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    (summary,) = summaries([partnership])
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "partnership": partnership,
            "summary": summary,
            "to_review": waiting_for(request.user, [partnership]),
            "due_within_days": DUE_WITHIN_DAYS,
        },
    )


@login_required
@require_safe
def municipality_dashboard(request, slug):
    """For the municipality's staff: every partnership of it at a glance, then the KPIs at
    risk or off track, the stages due and the measurements waiting for my approval."""
    municipality = get_municipality_for_dashboard(request.user, slug)
    partnerships = list(municipality_partnerships(municipality).order_by("title", "id"))
    for partnership in partnerships:
        partnership.municipality = municipality
    found = summaries(partnerships)
    return render(
        request,
        "evaluation/municipality.html",
        {
            "municipality": municipality,
            "summaries": found,
            "kpis_at_risk": [p for s in found for p in s.kpis_at_risk],
            "stages_due": [stage for s in found for stage in s.stages_due],
            "to_review": waiting_for(request.user, partnerships),
            "due_within_days": DUE_WITHIN_DAYS,
        },
    )
