"""KpiForm: every bad input gets a clear message in words; numbers as the language writes them."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from evaluation.forms_kpis import KpiForm
from tests.factories import ActionItemFactory

GOOD = {
    "name": "Nodarbināto jauniešu īpatsvars",
    "unit": "%",
    "decimals": "1",
    "direction": "up",
    "aggregation": "latest",
    "baseline_value": "40",
    "baseline_on": "2026-01-01",
    "target_value": "55",
    "target_on": "2028-01-01",
    "source": "NVA",
    "method": "",
}


def form(language="en", actions=(), **changes):
    with translation.override(language):
        bound = KpiForm(GOOD | changes, actions=actions)
        bound.is_valid()
        return {name: [str(e) for e in errors] for name, errors in bound.errors.items()}, bound


def errors_of(**changes):
    return form(**changes)[0]


def test_a_complete_definition_is_valid_and_gives_the_services_values():
    errors, bound = form()
    assert errors == {}
    values = bound.values()
    assert values["baseline_value"] == Decimal("40")
    assert values["target_on"] == date(2028, 1, 1)
    assert values["actions"] == []


def test_how_measurements_add_up_and_the_direction_have_no_initial_choice():
    unbound = KpiForm()
    assert unbound["aggregation"].value() is None
    assert unbound["direction"].value() is None
    assert "checked" not in str(unbound["aggregation"])
    errors = errors_of(aggregation="", direction="")
    assert errors["aggregation"] == ["Choose how the measurements add up"]
    assert errors["direction"] == ["Choose which direction is good"]


def test_each_way_of_adding_up_has_a_hint_explaining_it():
    hints = [hint for _option, hint in KpiForm().aggregation_options]
    assert len(hints) == 3
    assert "new since the last one" in str(hints[0])
    assert "level at its date" in str(hints[1])
    assert "one reading" in str(hints[2])


@pytest.mark.parametrize("text", ["N/A", "forty", "12,5", "1.2.3", "NaN", "Infinity", "\x00", ""])
def test_text_in_a_number_is_refused_with_a_message(text):
    errors = errors_of(baseline_value=text)
    expected = "Enter the baseline" if text == "" else "Enter the baseline as a number, like 12.5"
    assert errors["baseline_value"] == [expected]


def test_latvian_writes_a_decimal_comma_and_a_point_is_read_too():
    errors, bound = form(language="lv", baseline_value="12,5", target_value="55.5")
    assert errors == {}
    assert bound.cleaned_data["baseline_value"] == Decimal("12.5")
    assert bound.cleaned_data["target_value"] == Decimal("55.5")


def test_in_latvian_the_example_of_a_number_has_a_comma():
    errors, _bound = form(language="lv", baseline_value="N/A")
    assert "12,5" in errors["baseline_value"][0]


@pytest.mark.parametrize("huge", [str(10**20), "-" + str(10**20), "1" + "0" * 14])
def test_a_number_too_large_for_the_database_is_refused(huge):
    errors = errors_of(baseline_value=huge, target_value=huge.lstrip("-"))
    assert errors["baseline_value"] == [
        "The baseline must be between -99,999,999,999,999.9999 and 99,999,999,999,999.9999"
    ]


def test_the_largest_number_fits():
    errors = errors_of(decimals="4", target_value="99999999999999.9999")
    assert errors == {}


def test_100000_characters_are_refused_everywhere_without_an_error_page():
    long = "1" * 100_000
    errors = errors_of(name=long, baseline_value=long, baseline_on=long, method=long * 1)
    assert "characters or fewer" in errors["name"][0]
    assert errors["baseline_value"]
    assert errors["baseline_on"] == [
        "Enter the date of the baseline as a real date, like 2027-03-31"
    ]
    assert errors["method"]


def test_a_nul_character_in_text_is_refused():
    errors = errors_of(name="Jaunieši\x00", source="NVA\x00")
    assert errors["name"] and errors["source"]


def test_a_line_break_in_the_name_is_refused():
    assert errors_of(name="Jaunieši\nstrādā")["name"]


def test_more_decimal_places_than_the_kpi_shows_are_refused():
    errors = errors_of(decimals="0", baseline_value="40.5")
    assert errors["baseline_value"] == ["Enter the baseline as a whole number"]
    errors = errors_of(decimals="2", target_value="55.125")
    assert errors["target_value"] == ["Enter the target with at most 2 decimal places"]
    assert errors_of(decimals="1", baseline_value="40.50") == {}


@pytest.mark.parametrize("decimals", ["5", "-1", "x"])
def test_decimals_are_0_to_4(decimals):
    assert errors_of(decimals=decimals)["decimals"] == [
        "Choose how many decimal places the values have"
    ]


@pytest.mark.parametrize("target_on", ["2026-01-01", "2025-12-31"])
def test_the_target_date_is_after_the_baseline_date(target_on):
    assert errors_of(target_on=target_on)["target_on"] == [
        "The date of the target must be after the baseline's"
    ]


def test_a_date_that_is_not_a_date_is_refused():
    assert errors_of(baseline_on="2026-02-30")["baseline_on"]


def test_the_target_is_on_the_good_side_of_the_baseline_or_equal():
    assert errors_of(target_value="39")["target_value"] == [
        "Higher is better: the target must be the same as the baseline or above it"
    ]
    assert errors_of(direction="down")["target_value"] == [
        "Lower is better: the target must be the same as the baseline or below it"
    ]
    assert errors_of(target_value="40") == {}
    assert errors_of(direction="down", target_value="20") == {}


def test_linked_actions_are_only_this_partnerships_rows(partnership, action):
    elsewhere = ActionItemFactory()
    with translation.override("en"):
        bound = KpiForm(GOOD | {"actions": [str(action.pk)]}, actions=[action])
        assert bound.is_valid(), bound.errors
        assert bound.values()["actions"] == [action.pk]
        bound = KpiForm(GOOD | {"actions": [str(elsewhere.pk)]}, actions=[action])
        assert not bound.is_valid()
        assert bound.errors["actions"] == ["Choose actions of this partnership's action plan"]


def test_a_choice_not_offered_is_refused():
    errors = errors_of(aggregation="median", direction="sideways")
    assert errors["aggregation"] == ["Choose how the measurements add up"]
    assert errors["direction"] == ["Choose which direction is good"]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("lv", "12,5", Decimal("12.5")),
        ("lv", "12.5", Decimal("12.5")),
        ("lv", "1 234,5", Decimal("1234.5")),
        ("pt", "1234,5", Decimal("1234.5")),
        ("pt", "1.234", None),  # a thousands separator there: refused, never 1.234
        ("el", "1.234,5", None),
        ("en", "1e3", None),
        ("en", "1_000", None),
        ("en", "٤٢", None),
        ("en", "1e-100000000000", None),
    ],
)
def test_only_plain_numbers_in_the_language_s_own_marks_are_read(language, text, expected):
    """Found in review: "1.234" in Portuguese was stored as 1.234, and an exponent, an
    underscore or another script's digits were read as numbers."""
    errors, bound = form(language, decimals="4", baseline_value=text, target_value="99999")
    if expected is None:
        assert "baseline_value" in errors
    else:
        assert bound.cleaned_data["baseline_value"] == expected
