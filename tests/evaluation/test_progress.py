"""The progress arithmetic of evaluation.progress: the one function every page calls."""

from datetime import date
from decimal import Decimal

import pytest

from evaluation.models import LARGEST_NUMBER, Kpi, Measurement
from evaluation.progress import AT_RISK_MARGIN, State, kpi_progress

APPROVED, PENDING, REJECTED = (
    Measurement.Status.APPROVED,
    Measurement.Status.PENDING,
    Measurement.Status.REJECTED,
)


def a_kpi(**values):
    """Up from 40 on 2026-01-01 to 55 on 2028-01-01 (730 days), the latest counts."""
    defaults = {
        "pk": 1,
        "direction": Kpi.Direction.UP,
        "aggregation": Kpi.Aggregation.LATEST,
        "baseline_value": Decimal("40"),
        "baseline_on": date(2026, 1, 1),
        "target_value": Decimal("55"),
        "target_on": date(2028, 1, 1),
    }
    return Kpi(**(defaults | values))


_pk = iter(range(1, 10**6))


def m(value, day, status=APPROVED, *, pk=None, estimate=False):
    return Measurement(
        pk=pk or next(_pk),
        value=Decimal(str(value)),
        measured_on=day,
        status=status,
        is_estimate=estimate,
    )


MIDWAY = date(2027, 1, 1)  # 365 of 730 days: half way along the line


def test_no_measurements_is_not_measured_and_has_no_value_or_progress():
    progress = kpi_progress(a_kpi(), [], today=MIDWAY)
    assert progress.state == State.NOT_MEASURED
    assert (progress.value, progress.fraction, progress.percent) == (None, None, None)
    assert progress.counted == 0
    assert progress.series == ()


def test_latest_takes_the_measurement_with_the_latest_date_not_the_last_entered():
    measurements = [m(50, date(2026, 12, 1)), m(45, date(2026, 6, 1))]
    progress = kpi_progress(a_kpi(), measurements, today=MIDWAY)
    assert progress.value == Decimal("50")
    assert [p.value for p in progress.series] == [Decimal("45"), Decimal("50")]


def test_latest_with_two_on_one_date_takes_the_one_entered_last():
    measurements = [m(49, date(2026, 12, 1), pk=20), m(47, date(2026, 12, 1), pk=10)]
    assert kpi_progress(a_kpi(), measurements, today=MIDWAY).value == Decimal("49")


def test_sum_adds_every_measurement_to_the_baseline():
    kpi = a_kpi(aggregation=Kpi.Aggregation.SUM, baseline_value=Decimal("0"), target_value=100)
    measurements = [m(10, date(2026, 3, 1)), m(15, date(2026, 6, 1)), m(25, date(2026, 9, 1))]
    progress = kpi_progress(kpi, measurements, today=MIDWAY)
    assert progress.value == Decimal("50")
    assert [p.value for p in progress.series] == [Decimal(10), Decimal(25), Decimal(50)]
    assert progress.percent == 50
    assert progress.state == State.ON_TRACK


def test_sum_starts_from_a_baseline_that_is_not_zero():
    kpi = a_kpi(aggregation=Kpi.Aggregation.SUM)
    progress = kpi_progress(kpi, [m(3, date(2026, 3, 1)), m(2, date(2026, 6, 1))], today=MIDWAY)
    assert progress.value == Decimal("45")


def test_average_is_the_mean_of_the_counted_measurements():
    kpi = a_kpi(aggregation=Kpi.Aggregation.AVERAGE)
    measurements = [m(44, date(2026, 3, 1)), m(50, date(2026, 6, 1)), m(53, date(2026, 9, 1))]
    progress = kpi_progress(kpi, measurements, today=MIDWAY)
    assert progress.value == Decimal("49")
    assert [p.value for p in progress.series] == [Decimal(44), Decimal(47), Decimal(49)]


def test_only_approved_measurements_count_pending_and_rejected_are_ignored():
    kpi = a_kpi(aggregation=Kpi.Aggregation.SUM)
    measurements = [
        m(5, date(2026, 3, 1)),
        m(100, date(2026, 4, 1), PENDING),
        m(100, date(2026, 5, 1), REJECTED),
    ]
    progress = kpi_progress(kpi, measurements, today=MIDWAY)
    assert progress.value == Decimal("45")
    assert progress.counted == 1


def test_a_measurement_before_the_baseline_is_not_counted_but_counted_as_left_out():
    measurements = [m(60, date(2025, 12, 31)), m(47, date(2026, 1, 1))]
    progress = kpi_progress(a_kpi(), measurements, today=MIDWAY)
    assert progress.value == Decimal("47")
    assert (progress.counted, progress.before_baseline) == (1, 1)


def test_a_pending_measurement_before_the_baseline_is_not_among_those_left_out():
    progress = kpi_progress(a_kpi(), [m(60, date(2025, 12, 31), PENDING)], today=MIDWAY)
    assert (progress.before_baseline, progress.state) == (0, State.NOT_MEASURED)


@pytest.mark.parametrize(
    ("aggregation", "values", "expected"),
    [
        (Kpi.Aggregation.LATEST, [30, 25], Decimal("25")),
        (Kpi.Aggregation.SUM, [-5, -10], Decimal("25")),
        (Kpi.Aggregation.AVERAGE, [28, 22], Decimal("25")),
    ],
)
def test_lower_is_better_progresses_as_the_value_falls(aggregation, values, expected):
    """Unemployment down from 40 to 20: at 25, three quarters of the way."""
    kpi = a_kpi(direction=Kpi.Direction.DOWN, aggregation=aggregation, target_value=20)
    days = [date(2026, 3, 1), date(2026, 6, 1)]
    progress = kpi_progress(kpi, [m(v, d) for v, d in zip(values, days, strict=True)], today=MIDWAY)
    assert progress.value == expected
    assert progress.fraction == Decimal("0.75")
    assert progress.percent == 75
    assert progress.state == State.ON_TRACK


def test_moving_away_from_the_target_is_negative_progress_and_off_track():
    progress = kpi_progress(a_kpi(), [m(37, date(2026, 6, 1))], today=MIDWAY)
    assert progress.fraction == Decimal("-0.2")
    assert progress.percent == -20
    assert progress.state == State.OFF_TRACK


def test_lower_is_better_rising_is_negative_progress():
    kpi = a_kpi(direction=Kpi.Direction.DOWN, target_value=20)
    progress = kpi_progress(kpi, [m(44, date(2026, 6, 1))], today=MIDWAY)
    assert progress.percent == -20


def test_past_the_target_is_above_100_percent_and_reached():
    progress = kpi_progress(a_kpi(), [m(61, date(2026, 6, 1))], today=MIDWAY)
    assert progress.percent == 140
    assert progress.state == State.ACHIEVED


def test_expected_progress_follows_the_straight_line_and_stays_within_0_and_1():
    kpi = a_kpi()
    assert kpi_progress(kpi, [], today=date(2025, 1, 1)).expected == 0
    assert kpi_progress(kpi, [], today=MIDWAY).expected == Decimal(365) / Decimal(730)
    assert kpi_progress(kpi, [], today=date(2030, 1, 1)).expected == 1


def test_at_risk_up_to_the_margin_below_the_line_off_track_beyond_it():
    """Half way along the line (expected 0.5): at risk down to 0.3, off track below."""
    kpi = a_kpi(baseline_value=Decimal("0"), target_value=Decimal("1000"))
    expected = Decimal(365) / Decimal(730)

    def state(value):
        return kpi_progress(kpi, [m(value, date(2026, 6, 1))], today=MIDWAY).state

    assert expected == Decimal("0.5")
    assert state(500) == State.ON_TRACK
    assert state(499.9) == State.AT_RISK
    assert state(1000 * (expected - AT_RISK_MARGIN)) == State.AT_RISK  # 300: at the margin
    assert state(299.9) == State.OFF_TRACK


def test_a_target_in_the_past_not_reached_is_off_track():
    progress = kpi_progress(a_kpi(), [m(54.9, date(2027, 12, 1))], today=date(2028, 1, 2))
    assert progress.state == State.OFF_TRACK


def test_on_the_target_date_itself_the_line_still_decides():
    progress = kpi_progress(a_kpi(), [m(54.9, date(2027, 12, 1))], today=date(2028, 1, 1))
    assert progress.state == State.AT_RISK


def test_a_target_in_the_past_that_was_reached_stays_reached():
    progress = kpi_progress(a_kpi(), [m(55, date(2027, 12, 1))], today=date(2029, 1, 1))
    assert progress.state == State.ACHIEVED
    assert progress.percent == 100


@pytest.mark.parametrize(
    ("direction", "value", "state", "percent"),
    [
        (Kpi.Direction.UP, 40, State.ACHIEVED, 100),
        (Kpi.Direction.UP, 41, State.ACHIEVED, 100),
        (Kpi.Direction.UP, 39, State.OFF_TRACK, 0),
        (Kpi.Direction.DOWN, 40, State.ACHIEVED, 100),
        (Kpi.Direction.DOWN, 39, State.ACHIEVED, 100),
        (Kpi.Direction.DOWN, 41, State.OFF_TRACK, 0),
    ],
)
def test_a_target_equal_to_the_baseline_keeps_a_level(direction, value, state, percent):
    kpi = a_kpi(direction=direction, target_value=Decimal("40"))
    progress = kpi_progress(kpi, [m(value, date(2026, 6, 1))], today=MIDWAY)
    assert (progress.state, progress.percent) == (state, percent)


def test_a_target_equal_to_the_baseline_without_measurements_is_not_measured():
    kpi = a_kpi(target_value=Decimal("40"))
    assert kpi_progress(kpi, [], today=MIDWAY).state == State.NOT_MEASURED


def test_huge_values_are_computed_exactly():
    kpi = a_kpi(
        aggregation=Kpi.Aggregation.SUM,
        baseline_value=-LARGEST_NUMBER,
        target_value=LARGEST_NUMBER,
    )
    progress = kpi_progress(kpi, [m(LARGEST_NUMBER, date(2026, 6, 1))], today=MIDWAY)
    assert progress.value == 0
    assert progress.fraction == Decimal("0.5")
    assert progress.state == State.ON_TRACK


def test_the_average_of_huge_values_does_not_overflow():
    kpi = a_kpi(aggregation=Kpi.Aggregation.AVERAGE, target_value=LARGEST_NUMBER)
    days = [date(2026, 3, 1), date(2026, 6, 1)]
    progress = kpi_progress(kpi, [m(LARGEST_NUMBER, day) for day in days], today=MIDWAY)
    assert progress.value == LARGEST_NUMBER
    assert progress.state == State.ACHIEVED


def test_an_estimate_is_marked_in_the_series():
    progress = kpi_progress(a_kpi(), [m(45, date(2026, 6, 1), estimate=True)], today=MIDWAY)
    assert progress.series[0].is_estimate is True
