"""Scenario JSON files (components/exports/scenario_file.py): round trip, and every bad file gives
messages naming the bad fields, never an exception, and loses nothing on screen."""

from __future__ import annotations

import json
import math
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.codec import scenario_to_json
from calculators.ranges import RANGED_FIELDS
from calculators.scenario import INPUTS, Scenario
from calculators.settings import PageSettings
from components.exports.scenario_file import MAX_FILE_BYTES, MAX_PROBLEMS, export_json, import_json
from tests.strategies import valid_scenarios

ON_SCREEN = Scenario(learners=250, currency="EUR", micro_fixed_cost=12_345.0)


def _setting_values(name: str) -> st.SearchStrategy[Any]:
    """Valid values of one page setting, from its declared type and bounds."""
    field = PageSettings.model_fields[name]
    annotation = field.annotation
    args = typing.get_args(annotation)
    if annotation is bool:
        return st.booleans()
    if typing.get_origin(annotation) is tuple:  # a list of programs (the budget planner), of plans
        ids = st.sampled_from(
            ["on-screen", "defaults", "a1B2c3D4e5"]  # the plans compared on the Scenarios page
            if name == "compare_choice"
            else ["screen", "preset-retail-pos-rollout", "saved-a1B2"]
        )
        return st.lists(ids, unique=True, max_size=3).map(tuple)
    if set(args) == {float, type(None)}:  # a number that may be unset (the planner's budget)
        bounds = {type(m).__name__: m for m in field.metadata}
        return st.none() | st.floats(bounds["Ge"].ge, bounds["Le"].le, allow_nan=False, allow_infinity=False)
    if annotation in (int, float):
        bounds = {type(m).__name__: m for m in field.metadata}
        lo, hi = bounds["Ge"].ge, bounds["Le"].le
        if annotation is int:
            return st.integers(lo, hi)
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    choices: list[Any] = []
    for arg in args:
        choices += [None] if arg is type(None) else list(typing.get_args(arg)) or [arg]
    return st.sampled_from(choices)


page_settings = st.fixed_dictionaries({n: _setting_values(n) for n in PageSettings.model_fields}).map(
    lambda values: PageSettings(**values)
)


@st.composite
def user_ranges(draw: st.DrawFn) -> dict[str, tuple[float, float]]:
    fields = draw(st.lists(st.sampled_from(RANGED_FIELDS), unique=True, max_size=5))
    ranges = {}
    for field in fields:
        spec = INPUTS[field]
        ends = st.floats(float(spec.minimum), float(spec.maximum), allow_nan=False, allow_infinity=False)
        low, high = sorted((draw(ends), draw(ends)))
        ranges[field] = (low, high)
    return ranges


@settings(max_examples=60, deadline=None)
@given(valid_scenarios(), page_settings, user_ranges())
def test_round_trip_keeps_scenario_settings_and_ranges(scenario, page, ranges):
    result = import_json(export_json(scenario, page, ranges))
    assert result.problems == ()
    assert result.scenario == scenario
    assert result.settings == page
    assert result.ranges == ranges


@settings(max_examples=30, deadline=None)
@given(valid_scenarios())
def test_a_bare_scenario_document_is_read(scenario):
    """What `calculators.codec.scenario_to_json` writes (older exports, presets) imports too."""
    result = import_json(scenario_to_json(scenario).encode())
    assert (result.scenario, result.settings, result.ranges, result.problems) == (scenario, None, None, ())


def test_export_is_readable_json_with_the_whole_scenario():
    doc = json.loads(export_json(Scenario(currency="INR")))
    assert doc["app"] == "Training ROI Studio" and doc["file_version"] == 1
    assert set(doc["scenario"]) == set(Scenario.model_fields)
    assert doc["scenario"]["currency"] == "INR"


def test_a_boolean_for_a_number_is_named_and_the_screen_value_kept():
    doc = json.loads(export_json(Scenario(learners=900)))
    doc["scenario"]["learners"] = True
    result = import_json(json.dumps(doc).encode(), current=ON_SCREEN)
    assert result.readable
    assert result.scenario.learners == ON_SCREEN.learners  # not the default, not `1`
    assert result.problems == ("Learners: on is not a whole number; allowed 1 to 100,000. Kept 250.",)


def test_without_the_screen_a_bad_value_falls_back_to_its_default():
    result = import_json(b'{"learners": "many", "micro_fixed_cost": 20000}')
    assert result.scenario.learners == Scenario().learners
    assert result.scenario.micro_fixed_cost == 20_000
    assert len(result.problems) == 1 and result.problems[0].startswith("Learners: 'many' is not")


def test_values_left_out_of_a_file_take_their_defaults():
    """A file, like a share link, describes a whole scenario."""
    result = import_json(b'{"scenario": {"learners": 600}}', current=ON_SCREEN)
    assert result.scenario == Scenario(learners=600)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not json at all", "not valid JSON (line 1, column 1)"),
        (b"[1, 2, 3]", "this file holds a list"),
        (b'"a scenario"', "this file holds a text"),
        (b"42", "this file holds a number"),
        (b"null", "this file holds null"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not a text (UTF-8) file"),
        (b"[" * 200_000, "nested too deeply"),
        (b" " * (MAX_FILE_BYTES + 1), "a scenario file is at most 1 MB"),
    ],
    ids=["text", "list", "string", "number", "null", "empty", "binary", "deep", "huge"],
)
def test_an_unreadable_file_imports_nothing_and_says_why(data: bytes, says: str):
    result = import_json(data, current=ON_SCREEN)
    assert not result.readable
    assert (result.scenario, result.settings, result.ranges) == (None, None, None)
    assert len(result.problems) == 1 and says in result.problems[0]
    assert result.problems[0].endswith("Nothing was imported.")


def test_unknown_fields_everywhere_are_named():
    doc = json.loads(export_json(Scenario(), PageSettings(), {}))
    doc["colour"] = "red"
    doc["scenario"]["benefit_of_the_doubt"] = 1
    doc["page_settings"]["mc_colour"] = "blue"
    doc["ranges"]["currency"] = [1, 2]
    result = import_json(json.dumps(doc).encode())
    assert result.readable and result.scenario == Scenario()
    assert result.problems == (
        "Ignored 'colour': not part of a scenario file.",
        "Ignored 'benefit_of_the_doubt': not an input of this model.",
        "Ignored page setting 'mc_colour': not a setting of this app.",
        "Ignored range for 'currency': not an uncertain input.",
    )


def test_non_finite_numbers_are_refused():
    data = b'{"learners": NaN, "micro_fixed_cost": Infinity, "ilt_fixed_cost": 1e999}'
    result = import_json(data, current=ON_SCREEN)
    assert result.scenario.learners == ON_SCREEN.learners
    assert result.scenario.micro_fixed_cost == ON_SCREEN.micro_fixed_cost
    assert all(math.isfinite(getattr(result.scenario, n)) for n in ("micro_fixed_cost", "ilt_fixed_cost"))
    assert [p.split(":")[0] for p in result.problems] == [
        "Learners",
        INPUTS["micro_fixed_cost"].label,
        INPUTS["ilt_fixed_cost"].label,
    ]
    assert "inf is not a finite number" in result.problems[1]


def test_bad_settings_keep_the_settings_on_screen():
    on_screen = PageSettings(mc_seed=7, mc_draws=100_000)
    data = json.dumps({"scenario": {}, "page_settings": {"mc_seed": -1, "mc_draws": 123, "mc_target": 36}})
    result = import_json(data.encode(), current_settings=on_screen)
    assert (result.settings.mc_seed, result.settings.mc_draws, result.settings.mc_target) == (7, 100_000, 36)
    assert [p.split(":")[0] for p in result.problems] == [
        "Draw set (repeatable results)",
        "Monte Carlo draws",
    ]


def test_bad_ranges_are_named_and_the_range_on_screen_kept():
    on_screen = {"learners": (500.0, 2_000.0)}
    ranges = {"learners": [3_000, 1_000], "micro_fixed_cost": [10_000, "lots"], "ilt_fixed_cost": 5}
    result = import_json(json.dumps({"scenario": {}, "ranges": ranges}).encode(), current_ranges=on_screen)
    assert result.ranges == on_screen
    assert len(result.problems) == 3
    assert result.problems[0].startswith("Learners: the low value 3000 is above the high value 1000.")
    assert "Development cost (microlearning series)" in result.problems[1]
    assert "expected a range [low, high], got a number" in result.problems[2]


@pytest.mark.parametrize(
    ("part", "value", "says"),
    [
        ("scenario", [1], "The file's scenario is a list"),
        ("page_settings", "fast", "The file's page settings are a text"),
        ("ranges", [1, 2], "The file's ranges are a list"),
    ],
)
def test_a_part_of_the_wrong_kind_is_named_and_skipped(part: str, value: Any, says: str):
    doc = json.loads(export_json(Scenario(learners=321), PageSettings(), {"learners": (1.0, 2.0)}))
    doc[part] = value
    result = import_json(json.dumps(doc).encode())
    assert result.readable and getattr(result, "settings" if part == "page_settings" else part) is None
    assert any(says in p for p in result.problems)


def test_a_newer_file_version_is_read_where_possible():
    result = import_json(json.dumps({"file_version": 9, "scenario": {"learners": 77}}).encode())
    assert result.scenario.learners == 77
    assert result.problems == (
        "File version '9' is not one this app knows; read as version 1 where possible.",
    )


def test_the_problem_list_is_capped_and_names_are_cut():
    doc = {f"field_{i}_" + "x" * 200: i for i in range(100)}
    result = import_json(json.dumps(doc).encode())
    assert len(result.problems) == MAX_PROBLEMS + 1
    assert result.problems[-1] == "… and 80 more problems in this file."
    assert all(len(p) < 120 for p in result.problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=30), children, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from([*INPUTS, *PageSettings.model_fields, "scenario", "ranges", "page_settings"])


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(field_names | st.text(max_size=20), json_values, max_size=8)
    | st.fixed_dictionaries(
        {"scenario": st.dictionaries(field_names, json_values, max_size=6)},
        optional={
            "page_settings": st.dictionaries(field_names, json_values, max_size=6) | json_values,
            "ranges": st.dictionaries(field_names, json_values, max_size=6) | json_values,
            "file_version": json_values,
        },
    )
    | json_values
)
def test_any_json_document_gives_messages_never_an_exception(doc: Any):
    result = import_json(json.dumps(doc).encode(), current=ON_SCREEN, current_ranges={"learners": (1.0, 9.0)})
    assert all(isinstance(p, str) and p for p in result.problems)
    if result.scenario is not None:
        assert Scenario.model_validate(result.scenario.model_dump()) == result.scenario
    if result.ranges is not None:
        for field, (low, high) in result.ranges.items():
            assert field in RANGED_FIELDS and math.isfinite(low) and math.isfinite(high) and low <= high


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_messages_never_an_exception(data: bytes):
    result = import_json(data)
    assert result.readable or result.problems
