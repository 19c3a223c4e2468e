"""The KPI chart (evaluation/charts.py): SVG drawn from a Progress, for the page, the print
and the PDF alike."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from evaluation.charts import (
    BLUE,
    CHARACTER_WIDTH,
    GREY,
    LEGEND_CHARACTERS,
    RIGHT,
    WIDTH,
    kpi_chart,
    kpi_number,
    x_ticks,
    y_ticks,
)
from evaluation.models import Kpi, Measurement
from evaluation.progress import kpi_progress
from tests.factories import KpiFactory

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def kpi(**fields):
    return KpiFactory.build(pk=7, **fields)


def measured(*values, kpi_fields=None, estimates=()):
    """The Progress of a KPI with approved values on the last day of each month from June."""
    indicator = kpi(**(kpi_fields or {}))
    measurements = [
        Measurement(
            pk=number,
            kpi=indicator,
            value=Decimal(value),
            measured_on=day,
            status=Measurement.Status.APPROVED,
            is_estimate=number in estimates,
        )
        for number, (value, day) in enumerate(values, start=1)
    ]
    return kpi_progress(indicator, measurements, today=TODAY)


def parsed(progress):
    svg = kpi_chart(progress)
    return svg, ET.fromstring(svg)  # noqa: S314 - the portal's own markup


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def view_box(root):
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    return width, height


def points_inside(root):
    width, height = view_box(root)
    for circle in root.iter(f"{SVG}circle"):
        assert 0 <= float(circle.get("cx")) <= width
        assert 0 <= float(circle.get("cy")) <= height
    for polygon in root.iter(f"{SVG}polygon"):
        for pair in polygon.get("points").split():
            px, py = (float(n) for n in pair.split(","))
            assert 0 <= px <= width and 0 <= py <= height


def relative_luminance(colour):
    def channel(hex_pair):
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_chart_is_an_image_named_by_its_title_and_described_in_words():
    progress = measured(("42", date(2026, 6, 30)), ("44", date(2026, 9, 30)))
    svg, root = parsed(progress)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "kpi-chart-7-title kpi-chart-7-desc"
    assert root.find(f"{SVG}title").get("id") == "kpi-chart-7-title"
    assert root.find(f"{SVG}title").text == f"Chart of {progress.kpi.name}"
    desc = root.find(f"{SVG}desc").text
    assert "Baseline 40.0\u00a0% on 01/01/2026, target 55.0\u00a0% on 01/01/2028." in desc
    assert "2 approved values, the latest 44.0\u00a0% on 30/09/2026." in desc
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert "<script" not in svg and "style=" not in svg and "var(" not in svg


def test_a_kpi_named_like_markup_is_text_in_the_chart():
    progress = measured(
        ("42", date(2026, 6, 30)),
        kpi_fields={"name": '<script>alert("x")</script>', "unit": "<b>&"},
    )
    svg, root = parsed(progress)
    assert "<script>" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}title").text == 'Chart of <script>alert("x")</script>'
    assert "<b>&" in texts(root)  # the unit, above the y axis


def test_the_legend_says_in_words_what_each_mark_is():
    progress = measured(("42", date(2026, 6, 30)), ("43", date(2026, 7, 31)), estimates={2})
    _svg, root = parsed(progress)
    words = texts(root)
    assert "Expected path from the baseline to the target" in words
    assert "Baseline (square) and target (diamond)" in words
    assert "Approved values" in words
    assert "An estimate (hollow)" in words


def test_the_expected_path_is_dashed_and_values_are_told_apart_by_shape_too():
    progress = measured(("42", date(2026, 6, 30)), ("43", date(2026, 7, 31)), estimates={2})
    _svg, root = parsed(progress)
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert dashed, "the expected path is dashed"
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("stroke") == BLUE]
    # Two values and one legend sample of each kind: an estimate is hollow (white inside).
    assert sorted(c.get("fill") for c in circles) == sorted([BLUE, "#ffffff", BLUE, "#ffffff"])
    assert root.find(f"{SVG}rect[@width='10']") is not None  # the baseline's square
    assert root.find(f"{SVG}polygon") is not None  # the target's diamond


@pytest.mark.parametrize("colour", [GREY, BLUE])
def test_the_colours_have_at_least_3_to_1_contrast_against_white(colour):
    assert (1.05) / (relative_luminance(colour) + 0.05) >= 3


def test_without_measurements_it_shows_the_baseline_target_and_the_path_only():
    _svg, root = parsed(measured())
    assert not [c for c in root.iter(f"{SVG}circle") if c.get("stroke") == BLUE]
    assert "No approved values yet." in root.find(f"{SVG}desc").text
    assert "Approved values" not in texts(root)
    points_inside(root)


def test_one_measurement_is_a_marker_without_a_line():
    _svg, root = parsed(measured(("42", date(2026, 6, 30))))
    assert not list(root.iter(f"{SVG}polyline"))[1:], "only the axes are a polyline"
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("stroke") == BLUE]) == 2


@pytest.mark.parametrize(
    ("values", "kpi_fields"),
    [
        # Below the baseline.
        ((("30", date(2026, 6, 30)), ("25", date(2026, 9, 30))), {}),
        # Negative numbers, lower is better.
        (
            (("-12.5", date(2026, 6, 30)), ("-20", date(2026, 9, 30))),
            {
                "direction": Kpi.Direction.DOWN,
                "baseline_value": Decimal("-10"),
                "target_value": Decimal("-30"),
            },
        ),
        # Huge numbers.
        (
            (("99999999999999.9", date(2026, 6, 30)),),
            {"baseline_value": Decimal("1"), "target_value": Decimal("99999999999999")},
        ),
        # Baseline equals target.
        ((), {"baseline_value": Decimal("5"), "target_value": Decimal("5")}),
        (
            (("5", date(2026, 6, 30)),),
            {"baseline_value": Decimal("5"), "target_value": Decimal("5")},
        ),
        # A measurement after the target's date.
        ((("60", date(2029, 3, 31)),), {}),
    ],
    ids=["below baseline", "negative", "huge", "level, unmeasured", "level", "after target"],
)
def test_every_mark_lies_inside_the_picture_and_every_value_inside_the_axis(values, kpi_fields):
    progress = measured(*values, kpi_fields=kpi_fields)
    svg, root = parsed(progress)
    points_inside(root)
    # Every value's marker between the lowest and the highest tick's grid line.
    grid = [
        float(line.get("y1"))
        for line in root.iter(f"{SVG}line")
        if line.get("x2") == str(WIDTH - RIGHT)
    ]
    for circle in root.iter(f"{SVG}circle"):
        if circle.get("stroke") == BLUE and float(circle.get("cy")) < max(grid) + 1:
            assert min(grid) - 0.1 <= float(circle.get("cy")) <= max(grid) + 0.1
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert len(labels) == len(set(labels)) >= 2, labels
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def test_a_measurement_after_the_target_date_widens_the_time_axis():
    progress = measured(("60", date(2029, 3, 31)))
    _svg, root = parsed(progress)
    target = root.find(f"{SVG}polygon")
    value = next(c for c in root.iter(f"{SVG}circle") if c.get("stroke") == BLUE)
    assert float(value.get("cx")) > float(target.get("points").split(",")[0])


def test_y_ticks_are_round_never_repeat_and_keep_to_the_kpis_decimals():
    assert y_ticks(Decimal(40), Decimal(55), 1) == [Decimal(n) for n in (40, 45, 50, 55)]
    level = y_ticks(Decimal(5), Decimal(5), 1)
    assert all(tick == tick.quantize(Decimal("0.1")) for tick in level)
    assert len(set(level)) == len(level) >= 3
    assert y_ticks(Decimal(0), Decimal(1), 0) == [Decimal(0), Decimal(1)]
    huge = y_ticks(Decimal(0), Decimal("99999999999999"), 0)
    assert huge[-1] >= Decimal("99999999999999") and len(huge) <= 7


def test_y_ticks_and_dates_are_in_the_readers_language():
    progress = measured(("42.5", date(2026, 6, 30)))
    with translation.override("lv"):
        _svg, root = parsed(progress)
        assert kpi_number(progress.kpi, Decimal("12.5")) == "12,5\u00a0%"
    assert kpi_number(progress.kpi, Decimal("12.5")) == "12.5\u00a0%"
    words = texts(root)
    assert "40,0" in words and "%" in words
    assert "1.01.2027" in words


def test_x_ticks_fall_on_the_first_of_a_month_within_the_span():
    ticks = x_ticks(date(2026, 1, 1), date(2028, 1, 1))
    assert ticks == [date(2026, 1, 1), date(2027, 1, 1), date(2028, 1, 1)]
    short = x_ticks(date(2026, 3, 10), date(2026, 3, 20))
    assert short == [date(2026, 3, 10), date(2026, 3, 20)]
    assert all(tick.day == 1 for tick in x_ticks(date(2026, 2, 15), date(2026, 11, 15)))


def test_the_tick_labels_at_the_ends_stay_inside_the_picture():
    _svg, root = parsed(measured(("42", date(2026, 6, 30))))
    dates = [t for t in root.iter(f"{SVG}text") if re.fullmatch(r"\d\d/\d\d/\d{4}", t.text)]
    assert len(dates) == 3
    for text in dates:
        half = len(text.text) * CHARACTER_WIDTH / 2
        assert half <= float(text.get("x")) <= WIDTH - half


@pytest.mark.parametrize("language", ["lv", "lt", "sv", "pt", "el"])
def test_a_long_translation_of_the_legend_wraps_inside_the_picture(language):
    """Seen on the Latvian KPI page: the expected path's words ran past the right edge."""
    with translation.override(language):
        _svg, root = parsed(measured(("42", date(2026, 6, 30)), ("44", date(2026, 9, 30))))
    legend_lines = [t for t in texts(root) if t and not re.fullmatch(r"[\d.,\s%/-]+", t)]
    assert legend_lines
    assert all(len(line) <= LEGEND_CHARACTERS for line in legend_lines)
