"""What the dashboards show, read in a fixed number of queries however many KPIs,
measurements, stages and action rows there are: per partnership, and across a
municipality's partnerships.

Progress comes from evaluation.progress only; "today" is each partnership's municipality's
date (Partnership.local_today).
"""

from dataclasses import dataclass, field

from actionplans.models import ActionItem

from .access import measurements_to_review
from .models import DUE_WITHIN_DAYS, EvaluationStage, Kpi
from .progress import BAD_STATES, GOOD_STATES, State, progress_of_kpis


@dataclass
class Summary:
    """One partnership's evaluation at `today`."""

    partnership: object
    today: object
    progress: list = field(default_factory=list)  # Progress of each KPI, in their order
    stages_due: list = field(default_factory=list)  # not done, due within 7 days or overdue
    next_stage: EvaluationStage | None = None  # the first not done after those
    overdue_actions: list = field(default_factory=list)
    blocked_actions: list = field(default_factory=list)

    def count(self, states) -> int:
        return sum(1 for p in self.progress if p.state in states)

    @property
    def on_track(self) -> int:
        return self.count(GOOD_STATES)

    @property
    def off_track(self) -> int:
        return self.count(BAD_STATES)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(state in words, how many KPIs), as the dashboard's four boxes show them."""
        return [
            ("good", self.on_track),
            ("at_risk", self.count({State.AT_RISK})),
            ("off_track", self.count({State.OFF_TRACK})),
            ("not_measured", self.count({State.NOT_MEASURED})),
        ]

    @property
    def kpis_at_risk(self) -> list:
        return [p for p in self.progress if p.state in BAD_STATES]

    @property
    def overdue_stages(self) -> list:
        return [s for s in self.stages_due if s.is_overdue(self.today)]


def summaries(partnerships, *, actions=True) -> list[Summary]:
    """A Summary per partnership (their municipality loaded), in their order: four queries
    for any number of them (three without the action rows)."""
    partnerships = list(partnerships)
    by_pk = {p.pk: p for p in partnerships}
    result = {p.pk: Summary(partnership=p, today=p.local_today()) for p in partnerships}
    if not partnerships:
        return []
    kpis = list(
        Kpi.objects.filter(partnership__in=by_pk).order_by("partnership_id", "position", "id")
    )
    for kpi in kpis:
        kpi.partnership = by_pk[kpi.partnership_id]
    for progress in progress_of_kpis(kpis, today_of=lambda kpi: result[kpi.partnership_id].today):
        result[progress.kpi.partnership_id].progress.append(progress)
    stages = EvaluationStage.objects.filter(partnership__in=by_pk).exclude(
        status=EvaluationStage.Status.DONE
    )
    for stage in stages.order_by("ends_on", "id"):
        summary = result[stage.partnership_id]
        stage.partnership, stage.today = summary.partnership, summary.today
        if stage.is_due(summary.today, within_days=DUE_WITHIN_DAYS):
            summary.stages_due.append(stage)
        elif summary.next_stage is None:
            summary.next_stage = stage
    if not actions:
        return [result[p.pk] for p in partnerships]
    rows = (
        ActionItem.objects.filter(partnership__in=by_pk)
        .needing_attention()
        .select_related("responsible_user", "responsible_member__organization")
        .order_by("partnership_id", "position", "id")
    )
    for action in rows:
        summary = result[action.partnership_id]
        action.partnership = summary.partnership
        if action.is_blocked:
            summary.blocked_actions.append(action)
        elif action.is_overdue(summary.today):
            summary.overdue_actions.append(action)
    return [result[p.pk] for p in partnerships]


def waiting_for(user, partnerships=None):
    """The measurements this user may decide in these partnerships (default: all they work
    on), with their KPI and partnership, oldest first: one query."""
    return list(
        measurements_to_review(user, partnerships=partnerships)
        .select_related("kpi__partnership", "entered_for", "entered_by")
        .order_by("entered_at", "id")
    )
