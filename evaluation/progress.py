"""A KPI's value, its progress toward the target and whether it is on track: computed here
and only here. Pages, dashboards, exports, charts and the report PDF all call kpi_progress
(or progress_of_kpis for many), so no two of them can disagree.

The rules, in the words the pages use:
- Only approved measurements count, and none dated before the baseline (they describe the
  time before the starting point; the page says how many were left out).
- The value: for "add them up", the baseline plus every counted measurement (each one is an
  amount new since the last); for "the latest one", the counted measurement with the latest
  date (on one date, the one entered last); for "their average", the mean of the counted ones.
- Progress: 0 at the baseline, 1 at the target, in either direction; below 0 when the value
  moved away from the target, above 1 past it. A KPI whose target equals its baseline (keep
  a level) is achieved while its value is no worse than the target, and off track otherwise.
- Expected progress: the straight line from the baseline's date (0) to the target's (1),
  read at today's date in the municipality's time zone.
- The state: not measured (nothing counted); achieved (progress at least 1); off track once
  the target's date has passed without it; on track at or above the line; at risk up to
  AT_RISK_MARGIN below it; off track further below.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import Kpi, Measurement


def rounded(value: Decimal, decimals: int) -> Decimal:
    """A number at `decimals` places, halves away from zero (42.5 is 43, as people round):
    the one rounding of every page, dashboard, export, chart and PDF."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number_text(value: Decimal, decimals: int) -> str:
    """A number as people read it: rounded(), with the language's decimal mark and
    thousands separator ("1 234,5")."""
    return number_format(rounded(value, decimals), decimals, force_grouping=True)


# How far below the straight line (a fifth of the way from baseline to target) is "at risk".
AT_RISK_MARGIN = Decimal("0.2")


class State(models.TextChoices):
    NOT_MEASURED = "not_measured", _("Not measured yet")
    ACHIEVED = "achieved", _("Target reached")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


# What dashboards count as on track and as off track.
GOOD_STATES = frozenset({State.ACHIEVED, State.ON_TRACK})
BAD_STATES = frozenset({State.AT_RISK, State.OFF_TRACK})


@dataclass(frozen=True)
class Point:
    """The KPI's value as it stood after the measurement of `day`."""

    day: date
    value: Decimal
    is_estimate: bool = False


@dataclass(frozen=True)
class Progress:
    kpi: Kpi
    as_of: date
    value: Decimal | None  # None: nothing counted yet
    counted: int
    before_baseline: int  # approved, but dated before the baseline: not counted
    fraction: Decimal | None  # 0 at the baseline, 1 at the target
    expected: Decimal  # where the straight line stands at `as_of`, 0 to 1
    state: State
    series: tuple[Point, ...]  # the value after each counted measurement, by date

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage, as pages print it (may be below 0 or above 100)."""
        if self.fraction is None:
            return None
        return int(rounded(self.fraction * 100, 0))

    @property
    def expected_percent(self) -> int:
        return int(rounded(self.expected * 100, 0))

    @property
    def is_good(self) -> bool:
        return self.state in GOOD_STATES

    @property
    def is_bad(self) -> bool:
        return self.state in BAD_STATES


def _running_values(kpi, counted):
    """The value after each counted measurement, in order."""
    values, total = [], Decimal(0)
    for number, measurement in enumerate(counted, start=1):
        total += measurement.value
        if kpi.aggregation == Kpi.Aggregation.SUM:
            values.append(kpi.baseline_value + total)
        elif kpi.aggregation == Kpi.Aggregation.AVERAGE:
            values.append(total / number)
        else:  # LATEST
            values.append(measurement.value)
    return values


def _expected(kpi, as_of) -> Decimal:
    span = (kpi.target_on - kpi.baseline_on).days
    elapsed = (as_of - kpi.baseline_on).days
    return min(Decimal(1), max(Decimal(0), Decimal(elapsed) / Decimal(span)))


def _fraction(kpi, value) -> Decimal | None:
    if kpi.target_value == kpi.baseline_value:
        return None
    return (value - kpi.baseline_value) / (kpi.target_value - kpi.baseline_value)


def _no_worse_than_target(kpi, value) -> bool:
    if kpi.direction == Kpi.Direction.UP:
        return value >= kpi.target_value
    return value <= kpi.target_value


def kpi_progress(kpi: Kpi, measurements: Iterable[Measurement], *, today: date) -> Progress:
    """The KPI's value, progress and state at `today` from its measurements: any of them,
    of any status (only approved ones on or after the baseline's date count)."""
    approved = [m for m in measurements if m.status == Measurement.Status.APPROVED]
    approved.sort(key=lambda m: (m.measured_on, m.pk or 0))
    counted = [m for m in approved if m.measured_on >= kpi.baseline_on]
    values = _running_values(kpi, counted)
    series = tuple(
        Point(m.measured_on, value, m.is_estimate) for m, value in zip(counted, values, strict=True)
    )
    expected = _expected(kpi, today)
    value = values[-1] if values else None
    fraction = None if value is None else _fraction(kpi, value)
    if value is None:
        state = State.NOT_MEASURED
    elif fraction is None:  # target equals baseline: keep a level
        if _no_worse_than_target(kpi, value):
            state = State.ACHIEVED
            fraction = Decimal(1)
        else:
            state = State.OFF_TRACK
            fraction = Decimal(0)
    elif fraction >= 1:
        state = State.ACHIEVED
    elif today > kpi.target_on:
        state = State.OFF_TRACK
    elif fraction >= expected:
        state = State.ON_TRACK
    elif fraction >= expected - AT_RISK_MARGIN:
        state = State.AT_RISK
    else:
        state = State.OFF_TRACK
    return Progress(
        kpi=kpi,
        as_of=today,
        value=value,
        counted=len(counted),
        before_baseline=len(approved) - len(counted),
        fraction=fraction,
        expected=expected,
        state=state,
        series=series,
    )


def progress_of_kpis(kpis: Iterable[Kpi], *, today_of=None) -> list[Progress]:
    """kpi_progress for each KPI, in their order, with one query for all their approved
    measurements. `today_of(kpi)` gives each one's date (default: its partnership's
    local_today, so select_related("partnership__municipality") the KPIs)."""
    kpis = list(kpis)
    by_kpi = defaultdict(list)
    approved = Measurement.objects.filter(
        kpi__in=[kpi.pk for kpi in kpis], status=Measurement.Status.APPROVED
    ).order_by("kpi_id", "measured_on", "id")
    for measurement in approved:
        by_kpi[measurement.kpi_id].append(measurement)
    today_of = today_of or (lambda kpi: kpi.partnership.local_today())
    return [kpi_progress(kpi, by_kpi[kpi.pk], today=today_of(kpi)) for kpi in kpis]
