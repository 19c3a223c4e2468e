"""The evaluation plan as part of what a partnership's revision freezes and both sides sign
(actionplans.content.register_section): the stages planned and the KPIs defined, with their
baselines and targets. What keeps arriving after sign-off (a stage's status and findings,
measurements, evidence) is left out: it goes into the dated evaluation report
(evaluation/report.py), never into the sealed plan.
"""

from django.utils.translation import gettext_lazy as _

from actionplans.content import Section, register_section

STAGE_FIELDS = ("name", "kind", "starts_on", "ends_on", "subjects", "questions")
KPI_FIELDS = (
    "name",
    "unit",
    "decimals",
    "direction",
    "aggregation",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "source",
    "method",
)


def evaluation_plan(partnership) -> dict | None:
    """{"stages": [...], "kpis": [...]} in their order, or None when there is neither (the
    content then holds no "evaluation" key at all). A KPI's linked actions by their numbers
    in the action plan. Three queries."""
    stages = list(partnership.evaluation_stages.order_by("ends_on", "id"))
    kpis = list(partnership.kpis.prefetch_related("actions").order_by("position", "id"))
    if not stages and not kpis:
        return None
    action_ids = partnership.actions.order_by("position", "id").values_list("pk", flat=True)
    numbers = {pk: number for number, pk in enumerate(action_ids, start=1)}
    return {
        "stages": [
            {"number": number, **{name: getattr(stage, name) for name in STAGE_FIELDS}}
            for number, stage in enumerate(stages, start=1)
        ],
        "kpis": [
            {
                "number": number,
                **{name: getattr(kpi, name) for name in KPI_FIELDS},
                "actions": sorted(numbers[action.pk] for action in kpi.actions.all()),
            }
            for number, kpi in enumerate(kpis, start=1)
        ],
    }


def register():
    register_section(
        Section(
            key="evaluation",
            build=evaluation_plan,
            template="evaluation/includes/plan_section.html",
            title=_("Evaluation plan"),
        )
    )
