"""The scenario model and its codec: validation, share links and JSON (SECURITY.md).

Oracles: seed 002's cost table and seed 000's retention and seat-time figures for the
defaults; literal version-1 link fixtures written when schema version 1 was current.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from calculators.codec import (
    InputProblem,
    ScenarioError,
    allowed_range,
    apply_inputs,
    scenario_from_json,
    scenario_from_query,
    scenario_to_json,
    scenario_to_query,
)
from calculators.scenario import GROUPS, INPUTS, SCHEMA_VERSION, Grade, Scenario
from tests.strategies import CURRENCIES, FLOAT_FIELDS, INT_FIELDS, NUMERIC_FIELDS, valid_scenarios

DEFAULT = Scenario()


def assert_in_bounds(s: Scenario) -> None:
    """Every numeric input finite and inside its declared bounds; the rest of a known kind."""
    for name in NUMERIC_FIELDS:
        value = getattr(s, name)
        spec = INPUTS[name]
        assert not isinstance(value, bool)
        assert math.isfinite(value), name
        assert spec.minimum <= value <= spec.maximum, (name, value)
    for name in INT_FIELDS:
        assert type(getattr(s, name)) is int, name
    for name in FLOAT_FIELDS:
        assert type(getattr(s, name)) is float, name
    assert s.currency in CURRENCIES
    assert type(s.fully_loaded) is bool
    assert s.schema_version == SCHEMA_VERSION


# --- The model: validation ---------------------------------------------------------------


def _bad_values(name: str) -> list[Any]:
    spec = INPUTS[name]
    step = 1 if name in INT_FIELDS else 0.5
    return [
        float("inf"),
        float("-inf"),
        float("nan"),
        "inf",
        "-inf",
        "nan",
        "NaN",
        "Infinity",
        "1e309",
        "-1e309",
        spec.minimum - step,
        spec.maximum + step,
        str(spec.minimum - step),
        str(spec.maximum + step),
    ]


@pytest.mark.parametrize("name", NUMERIC_FIELDS)
def test_numeric_field_rejects_non_finite_and_out_of_range(name: str):
    for bad in _bad_values(name):
        with pytest.raises(ValidationError):
            Scenario(**{name: bad})


@pytest.mark.parametrize("name", NUMERIC_FIELDS)
def test_numeric_field_accepts_both_bounds(name: str):
    spec = INPUTS[name]
    assert getattr(Scenario(**{name: spec.minimum}), name) == spec.minimum
    assert getattr(Scenario(**{name: spec.maximum}), name) == spec.maximum


@pytest.mark.parametrize("name", NUMERIC_FIELDS)
def test_strict_mode_refuses_true_for_a_number(name: str):
    with pytest.raises(ValidationError):
        Scenario.model_validate({name: True}, strict=True)


def test_strict_mode_refuses_true_for_learners():
    with pytest.raises(ValidationError):
        Scenario.model_validate({"learners": True}, strict=True)


def test_strict_mode_refuses_text_for_a_number():
    with pytest.raises(ValidationError):
        Scenario.model_validate({"learners": "477"}, strict=True)


def test_scenario_is_frozen():
    s = Scenario()
    with pytest.raises(ValidationError):
        s.learners = 5  # type: ignore[misc]
    assert s.learners == 1_000


def test_scenario_forbids_extra_fields():
    with pytest.raises(ValidationError):
        Scenario(colour="red")  # type: ignore[call-arg]


def test_scenario_rejects_unknown_currency_and_schema_version():
    with pytest.raises(ValidationError):
        Scenario(currency="XYZ")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Scenario(schema_version=1)  # type: ignore[arg-type]


# --- The model: metadata -----------------------------------------------------------------


def test_inputs_cover_every_field_but_the_version():
    assert set(INPUTS) == set(Scenario.model_fields) - {"schema_version"}


@pytest.mark.parametrize("name", list(INPUTS))
def test_every_field_has_label_group_source_grade(name: str):
    spec = INPUTS[name]
    assert spec.label.strip()
    assert spec.group in GROUPS
    assert spec.source.strip()
    assert isinstance(spec.grade, Grade)
    assert spec.widget in {"slider", "number", "toggle", "select"}


@pytest.mark.parametrize("name", NUMERIC_FIELDS)
def test_numeric_field_has_finite_two_sided_bounds(name: str):
    spec = INPUTS[name]
    assert spec.minimum is not None and spec.maximum is not None
    assert math.isfinite(spec.minimum) and math.isfinite(spec.maximum)
    assert spec.minimum < spec.maximum
    assert spec.minimum <= spec.default <= spec.maximum


def test_numeric_fields_are_the_expected_ones():
    # every input except the choices and the on/off toggles is a bounded number
    non_numeric = {n for n, s in INPUTS.items() if s.widget in {"select", "toggle"}}
    assert {"currency", "fully_loaded", "retention_curve"} <= non_numeric
    assert set(NUMERIC_FIELDS) == set(INPUTS) - non_numeric


def test_defaults_reproduce_seed_002_cost_table():
    # seed 002 cost table: microlearning $30,000 series + $3 per learner; ILT $10,000 + $45 per seat
    assert DEFAULT.micro_fixed_cost == 30_000
    assert DEFAULT.micro_cost_per_learner == 3
    assert DEFAULT.ilt_fixed_cost == 10_000
    assert DEFAULT.ilt_cost_per_learner == 45


def test_defaults_reproduce_seed_000():
    # seed 000: retain 75 % from microlearning, 35 % from an eight-hour workshop;
    # 5-10 minute sessions (midpoint 7.5 min = 0.125 h)
    assert DEFAULT.micro_retention_pct == 75
    assert DEFAULT.ilt_retention_pct == 35
    assert DEFAULT.ilt_seat_hours == 8
    assert DEFAULT.micro_seat_hours == 0.125


def test_allowed_range_in_words():
    assert allowed_range(INPUTS["learners"]) == "1 to 100,000"
    assert allowed_range(INPUTS["micro_fixed_cost"]) == "0 to 1,000,000"
    assert allowed_range(INPUTS["fully_loaded"]) == "on or off"
    assert allowed_range(INPUTS["currency"]).startswith("one of USD, EUR")


# --- apply_inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NUMERIC_FIELDS)
@pytest.mark.parametrize("bad", ["nan", "inf", "1e309", "below", "above", "seven"])
def test_apply_inputs_keeps_previous_value_and_names_field_and_range(name: str, bad: str):
    spec = INPUTS[name]
    previous = spec.maximum if spec.default != spec.maximum else spec.minimum
    base = Scenario(**{name: previous})
    raw = {"below": str(spec.minimum - 1), "above": str(spec.maximum + 1)}.get(bad, bad)
    s, problems = apply_inputs(base, {name: raw})
    assert s == base
    assert getattr(s, name) == previous
    assert len(problems) == 1
    problem = problems[0]
    assert isinstance(problem, InputProblem)
    assert problem.field == name
    assert problem.message.startswith(f"{spec.label}: ")
    assert f"allowed {allowed_range(spec)}" in problem.message
    assert "Kept " in problem.message
    assert str(problem) == problem.message


def test_apply_inputs_message_words():
    base = Scenario(learners=477)
    _, problems = apply_inputs(base, {"learners": "nan"})
    assert problems[0].message == "Learners: 'nan' is not a finite number; allowed 1 to 100,000. Kept 477."
    _, problems = apply_inputs(base, {"learners": "0"})
    assert problems[0].message == "Learners: '0' is out of range; allowed 1 to 100,000. Kept 477."
    _, problems = apply_inputs(base, {"learners": "4.5"})
    assert "is not a whole number" in problems[0].message


def test_apply_inputs_a_bad_value_costs_only_that_value():
    s, problems = apply_inputs(DEFAULT, {"learners": "nan", "horizon_years": "5", "ilt_fixed_cost": "-1"})
    assert (s.learners, s.horizon_years, s.ilt_fixed_cost) == (1_000, 5, 10_000)
    assert [p.field for p in problems] == ["learners", "ilt_fixed_cost"]


def test_apply_inputs_reports_unknown_keys_without_raising():
    s, problems = apply_inputs(DEFAULT, {"colour": "red", "x" * 500: "1", "learners": "200"})
    assert s.learners == 200
    assert [p.field for p in problems[:1]] == ["colour"]
    assert problems[0].message == "Ignored 'colour': not an input of this model."
    assert len(problems) == 2
    assert len(problems[1].message) < 100  # a huge key is shortened in the message


def test_apply_inputs_does_not_change_base():
    base = Scenario(learners=300)
    s, _ = apply_inputs(base, {"learners": "400"})
    assert base.learners == 300 and s.learners == 400


# --- Share links -------------------------------------------------------------------------


def test_default_scenario_encodes_to_empty_link():
    assert scenario_to_query(DEFAULT) == {}


def test_link_carries_version_and_only_changed_values():
    assert scenario_to_query(Scenario(learners=477)) == {"v": str(SCHEMA_VERSION), "learners": "477"}
    assert scenario_to_query(Scenario(fully_loaded=True, micro_seat_hours=0.25)) == {
        "v": str(SCHEMA_VERSION),
        "fully_loaded": "1",
        "micro_seat_hours": "0.25",
    }


def test_version_1_link_fixture_decodes():
    # written by hand for schema version 1; must keep decoding under later code (link drift)
    link = {"v": "1", "learners": "477", "fully_loaded": "1", "micro_fixed_cost": "35000"}
    s, problems = scenario_from_query(link)
    assert problems == []
    assert s == Scenario(learners=477, fully_loaded=True, micro_fixed_cost=35_000.0)
    assert s.learners == 477 and s.fully_loaded is True and s.micro_fixed_cost == 35_000


VERSION_1_EVERY_FIELD = {
    "v": "1",
    "currency": "EUR",
    "learners": "2500",
    "horizon_years": "5",
    "fully_loaded": "1",
    "micro_fixed_cost": "42000.5",
    "micro_cost_per_learner": "2.75",
    "micro_seat_hours": "0.2",
    "micro_refresh_per_year": "4000",
    "micro_completion_pct": "80",
    "micro_retention_pct": "70",
    "ilt_fixed_cost": "15000",
    "ilt_cost_per_learner": "60",
    "ilt_seat_hours": "7.5",
    "ilt_class_size": "25",
    "ilt_cost_per_class": "1200",
    "ilt_refresh_per_year": "1500",
    "ilt_completion_pct": "90",
    "ilt_retention_pct": "30",
    "benefit_per_learner": "120",
    "loaded_hourly_cost": "52.5",
    "discount_rate_pct": "6.5",
    "retention_reference_day": "90",
}


def test_version_1_link_fixture_with_every_field_decodes():
    # a literal version-1 link naming every input: a renamed or removed field fails here
    s, problems = scenario_from_query(VERSION_1_EVERY_FIELD)
    assert problems == []
    assert s == Scenario(
        currency="EUR",
        learners=2_500,
        horizon_years=5,
        fully_loaded=True,
        micro_fixed_cost=42_000.5,
        micro_cost_per_learner=2.75,
        micro_seat_hours=0.2,
        micro_refresh_per_year=4_000,
        micro_completion_pct=80,
        micro_retention_pct=70,
        ilt_fixed_cost=15_000,
        ilt_cost_per_learner=60,
        ilt_seat_hours=7.5,
        ilt_class_size=25,
        ilt_cost_per_class=1_200,
        ilt_refresh_per_year=1_500,
        ilt_completion_pct=90,
        ilt_retention_pct=30,
        loaded_hourly_cost=52.5,
        discount_rate_pct=6.5,
        retention_reference_day=90,
    )
    retired = {"benefit_per_learner"}  # the quick break-even estimate, replaced by the model's benefits
    expected = {k: v for k, v in VERSION_1_EVERY_FIELD.items() if k not in retired}
    assert scenario_to_query(s) == {**expected, "v": str(SCHEMA_VERSION)}


# Version 1's "Half of a trained skill lost after" was the month in which half of the whole gain
# was lost (the floor included); version 2's is the half-life of the part that fades. An old link,
# file or saved row keeps its curve, so its answer.
@pytest.mark.parametrize(
    "values",
    [
        {},
        {"skill_half_life_months": "13"},
        {"skill_half_life_months": "6.5", "retention_floor_pct": "35", "retention_curve": "power law"},
        {"skill_half_life_months": "24", "retention_floor_pct": "0", "retention_curve": "FSRS-style"},
        {"skill_half_life_months": "11", "retention_floor_pct": "45", "learners": "2500"},
    ],
)
def test_a_version_1_half_life_keeps_its_meaning(values):
    from calculators.roi import all_returns, half_lost_months

    s, problems = scenario_from_query({"v": "1", **values})
    assert problems == []
    assert half_lost_months(s) == pytest.approx(float(values.get("skill_half_life_months", 11)), rel=1e-9)
    again, _ = scenario_from_query(scenario_to_query(s))  # written at version 2, read back the same
    assert again == s
    from_file, problems = scenario_from_json(json.dumps({"schema_version": 1, **values}))
    assert problems == [] or values  # a file's numbers are strict: "13" is text there
    if not values:
        assert from_file == s == DEFAULT  # version 1's default is version 2's default, bit for bit
        assert all_returns(from_file) == all_returns(DEFAULT)


def test_a_version_1_file_with_numbers_keeps_its_half_life():
    from calculators.roi import half_lost_months

    s, problems = scenario_from_json(
        json.dumps({"schema_version": 1, "skill_half_life_months": 13.0, "retention_floor_pct": 30.0})
    )
    assert problems == []
    assert half_lost_months(s) == pytest.approx(13.0, rel=1e-9)
    assert s.skill_half_life_months < 13.0


def test_a_version_1_half_life_that_is_not_a_number_gets_the_input_message():
    s, problems = scenario_from_query({"v": "1", "skill_half_life_months": "soon"})
    assert s.skill_half_life_months == DEFAULT.skill_half_life_months
    assert [p.field for p in problems] == ["skill_half_life_months"]


def test_link_without_version_reads_as_current():
    s, problems = scenario_from_query({"learners": "477"})
    assert s.learners == 477 and problems == []


def test_link_from_newer_version_is_read_with_a_warning():
    s, problems = scenario_from_query({"v": "99", "learners": "477"})
    assert s.learners == 477
    assert [p.field for p in problems] == ["v"]
    assert "newer version" in problems[0].message


def test_link_with_unreadable_version_is_read_with_a_warning():
    s, problems = scenario_from_query({"v": "banana" * 1000, "learners": "477"})
    assert s.learners == 477
    assert [p.field for p in problems] == ["v"]
    assert len(problems[0].message) < 100


def test_link_value_lists_take_the_last_value():
    s, problems = scenario_from_query({"learners": ["5", "6"]})
    assert s.learners == 6 and problems == []


def test_link_ignore_skips_app_parameters():
    s, problems = scenario_from_query({"page": "costs", "learners": "7"}, ignore=frozenset({"page"}))
    assert s.learners == 7 and problems == []
    _, problems = scenario_from_query({"page": "costs"})
    assert [p.field for p in problems] == ["page"]


def test_link_nan_keeps_default_with_message():
    s, problems = scenario_from_query({"v": "1", "learners": "nan", "micro_fixed_cost": "1e309"})
    assert (s.learners, s.micro_fixed_cost) == (1_000, 30_000)
    assert [p.message for p in problems] == [
        "Learners: 'nan' is not a finite number; allowed 1 to 100,000. Kept 1,000.",
        "Development cost (microlearning series): '1e309' is not a finite number; "
        "allowed 0 to 1,000,000. Kept 30,000.",
    ]


@settings(max_examples=300, deadline=None)
@given(valid_scenarios())
def test_link_round_trip(s: Scenario):
    query = scenario_to_query(s)
    assert scenario_from_query(query) == (s, [])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())


@settings(max_examples=300, deadline=None)
@given(valid_scenarios())
def test_link_round_trip_through_url_text(s: Scenario):
    text = urllib.parse.urlencode(scenario_to_query(s))
    assert len(text) <= 2_000
    parsed = urllib.parse.parse_qs(text, keep_blank_values=True)
    assert scenario_from_query(parsed) == (s, [])


def test_longest_link_is_within_2000_characters():
    # every field at a value whose text is as long as a float's repr can be
    longest = {
        name: (
            max(INPUTS[name].maximum - 1e-9, INPUTS[name].minimum)
            if name in FLOAT_FIELDS
            else INPUTS[name].maximum
            if name in INT_FIELDS
            else None
        )
        for name in INPUTS
    }
    s = Scenario(**{k: v for k, v in longest.items() if v is not None}, currency="CHF", fully_loaded=True)
    assert len(urllib.parse.urlencode(scenario_to_query(s))) <= 2_000


HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "nan",
            "NaN",
            "-nan",
            "inf",
            "-inf",
            "Infinity",
            "1e309",
            "-1e309",
            "1e-400",
            "-1",
            "-0",
            "0",
            "",
            " ",
            "1_000",
            "0x10",
            "1" * 10_000,
            "9" * 10_000,
            "0." + "0" * 9_998 + "1",
            "é" * 10_000,
            "\x00",
            "true",
            "false",
            "yes",
            "USD",
            "💸",
            "١٢٣",
            "1e5",
            "100000.5",
        ]
    ),
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{0,8}(\.[0-9]{0,6})?(e-?[0-9]{1,3})?", fullmatch=True),
    st.integers(-(10**6), 10**12).map(str),
    st.floats().map(repr),
)
HOSTILE_KEYS = st.one_of(
    st.sampled_from([*INPUTS, "v", "schema_version", "__class__", "model_config"]),
    st.text(max_size=20),
)
HOSTILE_VALUES = st.one_of(HOSTILE_TEXT, st.lists(HOSTILE_TEXT, max_size=3))
HOSTILE_LINKS = st.dictionaries(HOSTILE_KEYS, HOSTILE_VALUES, max_size=12)


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_LINKS)
def test_hostile_link_never_raises_and_stays_in_bounds(params: dict[str, Any]):
    s, problems = scenario_from_query(params)
    assert isinstance(s, Scenario)
    assert_in_bounds(s)
    Scenario.model_validate(s.model_dump(), strict=True)  # still valid as a whole
    assert all(isinstance(p, InputProblem) and p.message for p in problems)
    assert all(len(p.message) < 300 for p in problems)


def test_hostile_link_values_keep_defaults():
    others = {name: "inf" for name in INPUTS if name not in NUMERIC_FIELDS}  # choices and toggles
    hostile = {name: "nan" for name in NUMERIC_FIELDS} | others | {"currency": "1e309"}
    s, problems = scenario_from_query(hostile)
    assert s == DEFAULT
    assert {p.field for p in problems} == set(INPUTS)


def test_huge_link_values_are_refused_whole():
    # no timed assertion here (speed belongs to benchmarks): huge values are refused, not parsed
    params = {name: "9" * 100_000 for name in INPUTS}
    s, problems = scenario_from_query(params)
    assert all("too long" in p.message for p in problems)
    assert s == DEFAULT and {p.field for p in problems} == set(INPUTS)


# --- JSON --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(valid_scenarios())
def test_json_round_trip(s: Scenario):
    text = scenario_to_json(s)
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION
    assert scenario_from_json(text) == (s, [])
    assert scenario_from_json(text.encode()) == (s, [])


def test_json_true_for_a_number_is_a_problem():
    s, problems = scenario_from_json('{"learners": true}')
    assert s.learners == 1_000
    assert [p.field for p in problems] == ["learners"]
    assert "Learners" in problems[0].message and "1 to 100,000" in problems[0].message


def test_json_text_for_a_number_is_a_problem():
    s, problems = scenario_from_json('{"learners": "477"}')
    assert s.learners == 1_000 and [p.field for p in problems] == ["learners"]


def test_json_integer_for_a_money_field_is_read():
    s, problems = scenario_from_json('{"schema_version": 1, "micro_fixed_cost": 35000}')
    assert s.micro_fixed_cost == 35_000 and problems == []


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("name", ["learners", "micro_fixed_cost", "discount_rate_pct"])
def test_json_non_finite_literal_is_a_problem(literal: str, name: str):
    s, problems = scenario_from_json(f'{{"{name}": {literal}}}')
    assert getattr(s, name) == getattr(DEFAULT, name)
    assert [p.field for p in problems] == [name]


@pytest.mark.parametrize("name", ["learners", "micro_fixed_cost"])
def test_json_huge_integer_is_a_problem_not_a_crash(name: str):
    # regression: a 400-digit integer made the problem message call float() and overflow
    s, problems = scenario_from_json(f'{{"{name}": 1{"0" * 400}}}')
    assert getattr(s, name) == getattr(DEFAULT, name)
    assert [p.field for p in problems] == [name]
    assert len(problems[0].message) < 200


@pytest.mark.parametrize("text", ["", "not json", "{", b"\xff\xfe", "[1, 2]", "[]", '"text"', "1", "null"])
def test_json_that_is_not_one_object_raises_scenario_error(text: str | bytes):
    with pytest.raises(ScenarioError):
        scenario_from_json(text)


def test_json_scenario_error_is_a_value_error():
    assert issubclass(ScenarioError, ValueError)


def test_json_unknown_and_bad_fields_are_reported_with_defaults_kept():
    s, problems = scenario_from_json('{"learners": 477, "colour": "red", "ilt_class_size": 0}')
    assert s.learners == 477 and s.ilt_class_size == 20
    assert [p.field for p in problems] == ["colour", "ilt_class_size"]


@pytest.mark.parametrize("version", ['"1"', "true", "3", "null"])
def test_json_unknown_schema_version_is_a_problem(version: str):
    s, problems = scenario_from_json(f'{{"schema_version": {version}, "learners": 477}}')
    assert s.learners == 477
    assert [p.field for p in problems] == ["schema_version"]


def test_link_version_list_takes_the_last_value():
    # regression: parse_qs gives {"v": ["1"]}; the version was read as the text "['1']"
    s, problems = scenario_from_query({"v": ["1"], "learners": ["477"]})
    assert s.learners == 477 and problems == []


def test_overlong_link_value_is_rejected_not_truncated():
    # "0.000…0001e64" is 10, but cut at 64 characters it would read as 0.0
    crafted = "0." + "0" * 62 + "1e64"
    s, problems = scenario_from_query({"micro_fixed_cost": crafted})
    assert s.micro_fixed_cost == 30_000.0
    assert "too long" in problems[0].message and "allowed 0 to 1,000,000" in problems[0].message


def test_a_version_1_half_life_range_bounds_the_same_curves_in_links_rows_and_files():
    """A range of the half-life set under version 1 bounded the month in which half of the
    whole gain is lost: read from an old link, saved row or file, each end becomes the fading
    part's half-life of that same curve (the scenario's own floor and curve)."""
    from calculators.codec import upgrade_ranges
    from calculators.roi import half_lost_months
    from components.exports.scenario_file import import_json
    from storage.state import state_from_json

    values = {"retention_floor_pct": "30", "retention_curve": "FSRS-style"}
    old = {"skill_half_life_months": (6.5, 13.0), "learners": (800.0, 1500.0)}
    new = upgrade_ranges({"v": "1", **values}, old, link=True)
    assert new["learners"] == old["learners"]
    scenario, _ = scenario_from_query({"v": "1", **values})
    for end, whole in zip(new["skill_half_life_months"], (6.5, 13.0), strict=True):
        assert half_lost_months(scenario.with_changes(skill_half_life_months=end)) == pytest.approx(whole)
    assert (
        upgrade_ranges({"v": str(SCHEMA_VERSION), **values}, old, link=True) == old
    )  # the current version: as it was
    saved = {"schema_version": 1, "retention_floor_pct": 30.0, "retention_curve": "FSRS-style"}
    ranges = {"skill_half_life_months": [6.5, 13.0]}
    row = json.dumps({"state_version": 1, "scenario": saved, "settings": {}, "ranges": ranges})
    state, problems = state_from_json(row)
    assert problems == [] and state.ranges["skill_half_life_months"] == pytest.approx(
        new["skill_half_life_months"]
    )
    result = import_json(json.dumps({"scenario": saved, "ranges": ranges}).encode())
    assert result.ranges["skill_half_life_months"] == pytest.approx(new["skill_half_life_months"])


def test_a_half_life_range_is_converted_only_where_its_scenario_is_read_as_version_1():
    """The ranges are read at the version their scenario is read at: a version written as text
    is not a version (the scenario is read as the current one, and so are its ranges); a bad
    range in an old file keeps the range on screen as it is, not converted again."""
    from components.exports.scenario_file import import_json
    from storage.state import state_from_json

    ranges = {"skill_half_life_months": [6.5, 13.0]}
    row = json.dumps(
        {"state_version": 1, "scenario": {"schema_version": "1"}, "settings": {}, "ranges": ranges}
    )
    state, problems = state_from_json(row)
    assert [p.field for p in problems] == ["schema_version"]
    assert state.scenario.skill_half_life_months == DEFAULT.skill_half_life_months
    assert state.ranges["skill_half_life_months"] == (6.5, 13.0)
    on_screen = {"skill_half_life_months": (5.0, 10.0)}
    bad = {"scenario": {"schema_version": 1}, "ranges": {"skill_half_life_months": [13.0, 6.5]}}
    result = import_json(json.dumps(bad).encode(), current_ranges=on_screen)
    assert result.ranges["skill_half_life_months"] == (5.0, 10.0)
    assert any("Kept the range on screen" in p for p in result.problems)
