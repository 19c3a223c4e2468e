"""Partnerships with KPIs in each state, stages and action rows, for the dashboards' tests
(dates relative to the municipality's today, so that the states do not depend on the day
the tests run)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from actionplans.services import partnership_start
from evaluation.models import EvaluationStage, Measurement
from tests.factories import (
    ActionItemFactory,
    EvaluationStageFactory,
    KpiFactory,
    MeasurementFactory,
)


def make_partnership(municipality, staff, organization, title="Atelpas brīži"):
    """Talsi's partnership with its lead municipality and the organization as signatory."""
    started = partnership_start(
        municipality=municipality, title=title, shared_result="Ģimenes atpūšas.", actor=staff
    )
    started.members.create(role="signatory", organization=organization, position=1)
    return started


def kpi_at(partnership, value, *, name=None, **kwargs):
    """A KPI from 40 to 60 over 200 days, halfway now; `value` approved 10 days ago (None:
    nothing measured). 55 is on track, 48 at risk, 41 off track."""
    today = partnership.local_today()
    kpi = KpiFactory(
        partnership=partnership,
        baseline_value=Decimal(40),
        baseline_on=today - timedelta(days=100),
        target_value=Decimal(60),
        target_on=today + timedelta(days=100),
        **({"name": name} if name else {}),
        **kwargs,
    )
    if value is not None:
        approved(kpi, value)
    return kpi


def approved(kpi, value, days_ago=10):
    return MeasurementFactory(
        kpi=kpi,
        value=Decimal(value),
        measured_on=kpi.partnership.local_today() - timedelta(days=days_ago),
        status=Measurement.Status.APPROVED,
        reviewed_at=timezone.now(),
    )


def stage_in(partnership, days, **kwargs):
    """A stage due `days` from today (negative: overdue)."""
    kwargs.setdefault("status", EvaluationStage.Status.PLANNED)
    return EvaluationStageFactory(
        partnership=partnership,
        ends_on=partnership.local_today() + timedelta(days=days),
        **kwargs,
    )


def action_in(partnership, days, **kwargs):
    """An action row due `days` from today (negative: overdue)."""
    return ActionItemFactory(
        partnership=partnership,
        deadline=partnership.local_today() + timedelta(days=days),
        **kwargs,
    )


def a_bit_of_everything(partnership, organization):
    """KPIs in each state, stages due, overdue, later; overdue, blocked and fine rows, and
    a measurement waiting for the partner's approval."""
    on_track = kpi_at(partnership, 55, name="On track")
    kpi_at(partnership, 48, name="At risk")
    kpi_at(partnership, 41, name="Off track")
    kpi_at(partnership, None, name="Not measured")
    MeasurementFactory(kpi=on_track, value=Decimal(57))  # pending, for the municipality
    stage_in(partnership, 3, name="Due soon")
    stage_in(partnership, -2, name="Overdue stage")
    stage_in(partnership, 30, name="Later stage")
    stage_in(partnership, -5, name="Done stage", status=EvaluationStage.Status.DONE)
    action_in(partnership, -1, activity="Overdue action")
    action_in(partnership, 5, activity="Blocked action", status="blocked", blocked_reason="No room")
    action_in(partnership, 5, activity="Fine action")
    action_in(partnership, -3, activity="Done action", status="done")
