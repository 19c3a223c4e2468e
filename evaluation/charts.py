"""A KPI's chart, drawn on the server as SVG from its Progress (evaluation.progress): the
page, the print and the PDF show the same picture, with no JavaScript.

It draws what Progress holds and computes no value of its own: the baseline at its date,
the target at its date, the straight dashed line between them (where the value is expected
to be), and the value after each counted measurement as a line with markers (an estimate
hollow). Things are told apart by shape and dash as well as colour, every colour has at
least 3:1 contrast against white, and the legend says in words what each mark is.

Plain SVG attributes only (no CSS, no variables, no script), so that browsers and
WeasyPrint draw it alike; a viewBox, so that it scales down to a 320 px screen. All text
in it is escaped: KPI names and units are user text.
"""

import math
import textwrap
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .progress import Progress, number_text

WIDTH = 440
# Room above the plot for the unit, which the y ticks do not repeat.
PLOT_TOP = 30
PLOT_HEIGHT = 200
RIGHT = 16
FONT = "DejaVu Sans, Arial, sans-serif"
FONT_SIZE = 14
# An average character of the tick labels, in the viewBox's units, to leave them room.
CHARACTER_WIDTH = 8.2
LEGEND_LINE = 22
LEGEND_WRAPPED_LINE = 17
# What fits right of a legend's sample (x = 54), at CHARACTER_WIDTH a letter.
LEGEND_CHARACTERS = int((WIDTH - 54 - 4) // CHARACTER_WIDTH)

# Contrast against white: 7.0:1 (grey), 6.6:1 (blue), 4.6:1 (the grid is decoration).
GREY = "#595959"
BLUE = "#0b5cad"
GRID = "#c8c8c8"
TEXT = "#1a1a1a"

Y_TICKS = 5
X_TICKS = 4
NICE_STEPS = (1, 2, 2.5, 5, 10)
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


def kpi_number(kpi, value: Decimal | None, *, unit=True) -> str:
    """A value of the KPI as pages print it: its decimals, the language's separators, its
    unit ("12,5 %")."""
    if value is None:
        return "–"
    text = number_text(value, kpi.decimals)
    return f"{text}\u00a0{kpi.unit}" if unit and kpi.unit else text


def _decimal_places(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def _nice_step(span: float, count: int, decimals: int) -> Decimal:
    """The smallest step of 1, 2, 2.5 or 5 times a power of ten that covers `span` in
    `count` steps and has no more decimals than the KPI (so that no two labels read the
    same)."""
    raw = max(span / count, 10.0**-decimals)
    exponent = math.floor(math.log10(raw))
    while True:
        for multiple in NICE_STEPS:
            step = Decimal(multiple) * Decimal(10) ** exponent
            if float(step) >= raw * (1 - 1e-9) and _decimal_places(step) <= decimals:
                return step
        exponent += 1


def y_ticks(low: Decimal, high: Decimal, decimals: int) -> list[Decimal]:
    """A few round values from below `low` to above `high`, never finer than the KPI's
    decimals."""
    smallest = 10.0**-decimals
    low_f, high_f = float(low), float(high)
    if high_f - low_f < smallest:
        # One level (baseline equals target, nothing else): a band around it.
        padding = max(abs(high_f) * 0.1, smallest * 2)
        low_f, high_f = low_f - padding, high_f + padding
    step = _nice_step(high_f - low_f, Y_TICKS - 1, decimals)
    start = math.floor(Decimal(repr(low_f)) / step)
    end = math.ceil(Decimal(repr(high_f)) / step)
    if start == end:
        end += 1
    return [step * index for index in range(start, end + 1)]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def x_ticks(first: date, last: date) -> list[date]:
    """Up to X_TICKS dates: the first of every 1, 2, 3, 6, 12... months inside the span,
    or the span's ends when it is shorter than that."""
    months = (last.year - first.year) * 12 + last.month - first.month
    for step in MONTH_STEPS:
        if months / step <= X_TICKS - 1:
            break
    start = first if first.day == 1 else _add_months(first, 1)
    # Align to the step (years start in January, quarters in January, April...).
    while (start.month - 1) % min(step, 12):
        start = _add_months(start, 1)
    if step > 12:
        while start.year % (step // 12):
            start = _add_months(start, 12 if start.month == 1 else 1)
    ticks = []
    day = start
    while day <= last:
        ticks.append(day)
        day = _add_months(day, step)
    return ticks or [first, last]


class _Scale:
    def __init__(self, low, high, start, end):
        self.low, self.high = low, high
        self.start, self.end = start, end

    def __call__(self, value):
        return self.start + (float(value) - self.low) / (self.high - self.low) * (
            self.end - self.start
        )


def _coordinate(number: float) -> str:
    return f"{number:.1f}"


def _marker(shape: str, x: float, y: float, *, colour: str, hollow=False) -> SafeString:
    fill = "#ffffff" if hollow else colour
    x_text, y_text = _coordinate(x), _coordinate(y)
    if shape == "circle":
        return format_html(
            '<circle cx="{}" cy="{}" r="4.5" fill="{}" stroke="{}" stroke-width="2"/>',
            x_text,
            y_text,
            fill,
            colour,
        )
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="10" height="10" fill="{}" stroke="{}" stroke-width="2"/>',
            _coordinate(x - 5),
            _coordinate(y - 5),
            fill,
            colour,
        )
    # A diamond: the target.
    points = " ".join(
        f"{_coordinate(px)},{_coordinate(py)}"
        for px, py in ((x, y - 7), (x + 7, y), (x, y + 7), (x - 7, y))
    )
    return format_html(
        '<polygon points="{}" fill="{}" stroke="{}" stroke-width="2"/>', points, fill, colour
    )


def _text(x, y, text, *, anchor="start") -> SafeString:
    # The font, its size and colour are the <svg> element's, inherited.
    if anchor == "start":
        return format_html('<text x="{}" y="{}">{}</text>', _coordinate(x), _coordinate(y), text)
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}">{}</text>',
        _coordinate(x),
        _coordinate(y),
        anchor,
        text,
    )


def chart_description(progress: Progress) -> str:
    """What the chart shows, in a sentence or three: its <desc>, read by screen readers."""
    kpi = progress.kpi
    parts = [
        _("Baseline %(baseline)s on %(baseline_on)s, target %(target)s on %(target_on)s.")
        % {
            "baseline": kpi_number(kpi, kpi.baseline_value),
            "baseline_on": date_format(kpi.baseline_on, "SHORT_DATE_FORMAT"),
            "target": kpi_number(kpi, kpi.target_value),
            "target_on": date_format(kpi.target_on, "SHORT_DATE_FORMAT"),
        }
    ]
    if progress.series:
        latest = progress.series[-1]
        parts.append(
            ngettext(
                "%(count)d approved value, the latest %(value)s on %(day)s.",
                "%(count)d approved values, the latest %(value)s on %(day)s.",
                len(progress.series),
            )
            % {
                "count": len(progress.series),
                "value": kpi_number(kpi, latest.value),
                "day": date_format(latest.day, "SHORT_DATE_FORMAT"),
            }
        )
    else:
        parts.append(_("No approved values yet."))
    return " ".join(parts)


def _legend(top: float, has_values: bool, has_estimates: bool) -> tuple[list, float]:
    """The legend's rows, each a sample of the mark and its meaning in words."""
    rows = [
        (
            format_html(
                '<line x1="8" y1="{y}" x2="44" y2="{y}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>',
                GREY,
                y=_coordinate(top),
            ),
            _("Expected path from the baseline to the target"),
        ),
        (
            mark_safe(  # noqa: S308 - markup made by _marker, which escapes what it puts in
                _marker("square", 16, top, colour=GREY) + _marker("diamond", 36, top, colour=GREY)
            ),
            _("Baseline (square) and target (diamond)"),
        ),
    ]
    if has_values:
        rows.append(
            (
                mark_safe(  # noqa: S308 - as above
                    format_html(
                        '<line x1="8" y1="{y}" x2="44" y2="{y}" stroke="{}" stroke-width="2.5"/>',
                        BLUE,
                        y=_coordinate(top),
                    )
                    + _marker("circle", 26, top, colour=BLUE)
                ),
                _("Approved values"),
            )
        )
    if has_estimates:
        rows.append(
            (_marker("circle", 26, top, colour=BLUE, hollow=True), _("An estimate (hollow)"))
        )
    parts, offset = [], 0.0
    for sample, words in rows:
        parts.append(format_html('<g transform="translate(0 {})">{}</g>', offset, sample))
        # Wrapped at the picture's edge: a translation may be twice the English's length.
        lines = textwrap.wrap(str(words), LEGEND_CHARACTERS) or [""]
        for number, line in enumerate(lines):
            parts.append(_text(54, top + offset + 4.5 + number * LEGEND_WRAPPED_LINE, line))
        offset += LEGEND_LINE + (len(lines) - 1) * LEGEND_WRAPPED_LINE
    return parts, top + offset


def kpi_chart(progress: Progress) -> SafeString:
    """The KPI's chart as inline SVG markup, from its Progress alone."""
    kpi = progress.kpi
    series = progress.series
    ident = f"kpi-chart-{kpi.pk or 'new'}"

    values = [kpi.baseline_value, kpi.target_value, *(point.value for point in series)]
    ticks = y_ticks(min(values), max(values), kpi.decimals)
    labels = [kpi_number(kpi, tick, unit=False) for tick in ticks]
    left = 12 + CHARACTER_WIDTH * max(len(label) for label in labels)
    y = _Scale(float(ticks[0]), float(ticks[-1]), PLOT_TOP + PLOT_HEIGHT, PLOT_TOP)

    first = min([kpi.baseline_on, *(point.day for point in series)])
    last = max([kpi.target_on, *(point.day for point in series)])
    # A little room at both ends, so that a marker at the edge is whole.
    margin = max(1, (last - first).days // 40)
    first_day, last_day = first - timedelta(days=margin), last + timedelta(days=margin)
    x = _Scale(first_day.toordinal(), last_day.toordinal(), left, WIDTH - RIGHT)

    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    if kpi.unit:
        parts.append(_text(4, PLOT_TOP - 14, kpi.unit))
    # The grid and the y ticks.
    for tick, label in zip(ticks, labels, strict=True):
        ty = y(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="1"/>',
                _coordinate(left),
                WIDTH - RIGHT,
                GRID,
                y=_coordinate(ty),
            )
        )
        parts.append(_text(left - 6, ty + 4.5, label, anchor="end"))
    # The axes.
    parts.append(
        format_html(
            '<polyline points="{},{} {},{} {},{}" fill="none" stroke="{}" stroke-width="1.5"/>',
            _coordinate(left),
            PLOT_TOP,
            _coordinate(left),
            bottom,
            WIDTH - RIGHT,
            bottom,
            GREY,
        )
    )
    # The x ticks: localized dates.
    for tick in x_ticks(first, last):
        tx = x(tick.toordinal())
        parts.append(
            format_html(
                '<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                bottom,
                bottom + 5,
                GREY,
                x=_coordinate(tx),
            )
        )
        label = date_format(tick, "SHORT_DATE_FORMAT")
        # Centred under its tick, but kept inside the picture at both ends.
        half = len(label) * CHARACTER_WIDTH / 2
        parts.append(
            _text(min(max(tx, half + 2), WIDTH - half - 2), bottom + 20, label, anchor="middle")
        )

    # The expected path: dashed, from the baseline to the target.
    baseline_xy = (x(kpi.baseline_on.toordinal()), y(kpi.baseline_value))
    target_xy = (x(kpi.target_on.toordinal()), y(kpi.target_value))
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="6 4"/>',
            *(_coordinate(c) for c in (*baseline_xy, *target_xy)),
            GREY,
        )
    )
    parts.append(_marker("square", *baseline_xy, colour=GREY))
    parts.append(_marker("diamond", *target_xy, colour=GREY))

    # The approved values: a line through them, a marker at each (an estimate hollow).
    points = [(x(point.day.toordinal()), y(point.value), point.is_estimate) for point in series]
    if len(points) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{_coordinate(px)},{_coordinate(py)}" for px, py, _e in points),
                BLUE,
            )
        )
    for px, py, is_estimate in points:
        parts.append(_marker("circle", px, py, colour=BLUE, hollow=is_estimate))

    legend, height = _legend(bottom + 48, bool(series), any(point.is_estimate for point in series))
    parts.extend(legend)

    title = _("Chart of %(name)s") % {"name": kpi.name}
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        'aria-labelledby="{ident}-title {ident}-desc" class="kpi-chart-svg" '
        'font-family="{font}" font-size="{size}" fill="{colour}">'
        '<title id="{ident}-title">{title}</title><desc id="{ident}-desc">{desc}</desc>'
        '<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        width=WIDTH,
        height=_coordinate(height),
        font=FONT,
        size=FONT_SIZE,
        colour=TEXT,
        ident=ident,
        title=title,
        desc=chart_description(progress),
    )
    # Every part was made by format_html, which escaped what it put in.
    return mark_safe(svg + "".join(parts) + "</svg>")  # noqa: S308
