"""One way to write a date per language, the same on pages, in PDFs and in e-mails, and
English day first (roadmap_portal/formats/en)."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

BASE = Path(settings.BASE_DIR)
APPS = ("accounts", "orgs", "checklists", "actionplans", "evaluation", "exchange", "roadmap_portal")
# The formats people read: a date, and a date with its time.
HUMAN = {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
# Formats machines read (ISO 8601, a Unix time): <time datetime>, feeds, files.
MACHINE = {"c", "Y-m-d", "U"}
DATE_FILTER = re.compile(r"""\|date(?::(?:"([^"]*)"|'([^']*)'|(\S+)))?""")
NOW_TAG = re.compile(r"""\{%\s*now\s+["']([^"']*)["']""")
QUOTED = re.compile(r""""([^"]*)"|'([^']*)'""")
STRFTIME = re.compile(r"""strftime\(\s*["']([^"']*)["']""")
ISO_STRFTIME = {"%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y%m%d", "%Y%m%dT%H%M%SZ"}


def templates():
    return sorted((BASE / "templates").rglob("*.html")) + sorted(
        (BASE / "templates").rglob("*.txt")
    )


def python_files():
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts and "formats" not in path.parts:
                yield path


def date_format_calls(text):
    """The arguments of each date_format(...) call, nested parentheses included."""
    for match in re.finditer(r"\bdate_format\(", text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        yield text[match.end() : end - 1]


def literal_formats(text, *, python):
    """Every date format written in `text` that is neither the named one nor a machine's."""
    found = []
    for match in DATE_FILTER.finditer(text):
        value = next((group for group in match.groups() if group is not None), "")
        # A bare |date is DATE_FORMAT: a second way to write a date.
        if value not in HUMAN | MACHINE:
            found.append(match[0])
    found += [m[0] for m in NOW_TAG.finditer(text) if m[1] not in HUMAN | MACHINE]
    if python:
        for arguments in date_format_calls(text):
            # Without a format, date_format writes DATE_FORMAT: a second way.
            named = [a or b for a, b in QUOTED.findall(arguments)]
            if not named or any(value not in HUMAN for value in named):
                found.append(f"date_format({arguments})")
        found += [m[0] for m in STRFTIME.finditer(text) if m[1] not in ISO_STRFTIME]
    return found


def test_templates_and_code_write_dates_only_in_the_named_formats():
    found = {}
    for path in templates():
        if literals := literal_formats(path.read_text(), python=False):
            found[str(path.relative_to(BASE))] = literals
    for path in python_files():
        if literals := literal_formats(path.read_text(), python=True):
            found[str(path.relative_to(BASE))] = literals
    assert found == {}


@pytest.mark.parametrize(
    "text",
    [
        '{{ day|date:"d.m.Y" }}',
        "{{ day|date:'N j, Y' }}",
        "{{ day|date }}",
        '{{ day|date:"DATE_FORMAT" }}',
        '{% now "j F Y" %}',
    ],
)
def test_the_guard_catches_a_literal_or_second_format_in_a_template(text):
    assert literal_formats(text, python=False)


@pytest.mark.parametrize(
    "text",
    ['date_format(day, "j.n.Y")', "date_format(day)", 'day.strftime("%d/%m/%Y")'],
)
def test_the_guard_catches_a_literal_format_in_code(text):
    assert literal_formats(text, python=True)


def test_the_guard_lets_machine_and_named_formats_through():
    text = (
        '<time datetime="{{ day|date:"c" }}">{{ day|date:"SHORT_DATE_FORMAT" }}</time>'
        '{{ day|date:"Y-m-d" }} date_format(day, "SHORT_DATETIME_FORMAT") day.strftime("%Y-%m-%d")'
    )
    assert literal_formats(text, python=True) == []


def test_english_writes_the_day_before_the_month():
    with translation.override("en"):
        assert date_format(datetime(2026, 12, 1), "SHORT_DATE_FORMAT") == "01/12/2026"
