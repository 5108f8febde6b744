"""The saved-state document: exact round trip, strict reading, problems reported, never raised."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from calculators.scenario import INPUTS, Scenario
from calculators.settings import PageSettings
from storage import InvalidState, ScenarioState, state_from_json, state_to_json
from tests.storage.state_strategies import states


def _document(**changes: object) -> str:
    """A valid stored document with some parts replaced."""
    document = json.loads(state_to_json(ScenarioState()))
    document.update(changes)
    return json.dumps(document)


@settings(max_examples=60, deadline=None)
@given(states())
def test_generated_states_read_back_exactly(state: ScenarioState) -> None:
    """Any valid state written as JSON reads back equal, with no problem."""
    read, problems = state_from_json(state_to_json(state))
    assert problems == []
    assert read == state


def test_every_value_is_written_out() -> None:
    """Defaults are stored explicitly, so a later change of a default cannot alter a saved scenario."""
    document = json.loads(state_to_json(ScenarioState()))
    assert set(document["scenario"]) == set(INPUTS) | {"schema_version"}
    assert set(document["settings"]) == set(PageSettings.model_fields)
    assert document["state_version"] == 1


@pytest.mark.parametrize(
    ("scenario_part", "bad_field"),
    [
        ({"learners": True}, "learners"),  # strict: JSON true is not a number
        ({"learners": 0}, "learners"),  # below the minimum of 1
        ({"learners": 10**9}, "learners"),  # above the maximum
        ({"micro_fixed_cost": "30000"}, "micro_fixed_cost"),  # text is not a number in JSON
        ({"micro_fixed_cost": 1e308 * 10}, "micro_fixed_cost"),  # inf once parsed back
        ({"currency": "XXX"}, "currency"),
        ({"colour": "red"}, "colour"),  # unknown input
    ],
)
def test_bad_scenario_values_are_reported_and_replaced_by_defaults(
    scenario_part: dict, bad_field: str
) -> None:
    """A bad stored input is one problem naming the field; the field keeps its default."""
    text = _document(scenario={**json.loads(state_to_json(ScenarioState()))["scenario"], **scenario_part})
    state, problems = state_from_json(text.replace("Infinity", "1e999"))
    assert [p.field for p in problems] == [bad_field]
    if bad_field in INPUTS:
        assert getattr(state.scenario, bad_field) == getattr(Scenario(), bad_field)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[1, 2]",
        '"a string"',
        '{"state_version": 1, "scenario": {"learners": NaN}}',
        '{"state_version": 1, "scenario": {"learners": Infinity}}',
        "[" * 100_000 + "]" * 100_000,
        '{"state_version": 1, "scenario": ' + " " * 300_000 + "{}}",
        '{"state_version": true, "scenario": {}}',
        '{"state_version": 99, "scenario": {}}',
        '{"state_version": 1, "scenario": [], "settings": 5, "ranges": "learners:1:2"}',
        '{"state_version": 1}',
    ],
)
def test_damaged_documents_are_problems_not_exceptions(text: str) -> None:
    """Whatever is stored, reading returns a state and at least one problem, and raises nothing."""
    state, problems = state_from_json(text)
    assert isinstance(state, ScenarioState)
    assert problems
    assert all(isinstance(p.message, str) and 0 < len(p.message) < 300 for p in problems)


def test_a_newer_version_is_reported_but_its_values_are_read() -> None:
    """A row saved by a newer app is flagged; the values this version understands are kept."""
    state, problems = state_from_json(
        _document(state_version=2, scenario={"schema_version": 1, "learners": 477})
    )
    assert state.scenario.learners == 477
    assert [p.field for p in problems] == ["state_version"]


@pytest.mark.parametrize(
    "ranges",
    [
        {"learners": [900, 100]},  # low above high
        {"learners": [1, 10**9]},  # outside the input's bounds
        {"learners": [True, 5]},  # strict: not numbers
        {"learners": ["1", "5"]},
        {"learners": [1, 2, 3]},
        {"horizon_years": [1, 2]},  # not an uncertain input
        {"nonsense": [1, 2]},
    ],
)
def test_bad_ranges_are_reported_and_dropped(ranges: dict) -> None:
    """A bad range is reported and not used; the input falls back to its default range."""
    state, problems = state_from_json(_document(ranges=ranges))
    assert len(problems) == 1
    assert state.ranges == {}


def test_bad_page_settings_are_reported() -> None:
    """Page settings are read strictly too: wrong types, values off the menu and unknown names."""
    state, problems = state_from_json(
        _document(
            settings={"mc_draws": 7, "mc_seed": True, "pilot_cluster": 1, "gs_target": 5e9, "dm_shoe_size": 3}
        )
    )
    assert sorted(p.field for p in problems) == [
        "dm_shoe_size",
        "gs_target",
        "mc_draws",
        "mc_seed",
        "pilot_cluster",
    ]
    assert state.settings == PageSettings()


def test_writing_refuses_a_state_that_would_not_read_back() -> None:
    """Validation on write: a model built around validation, or a bad range, is refused."""
    sneaky = Scenario.model_construct(**{**Scenario().model_dump(), "learners": -5})
    with pytest.raises(InvalidState, match="Learners"):
        state_to_json(ScenarioState(scenario=sneaky))
    with pytest.raises(InvalidState, match="low value"):
        state_to_json(ScenarioState(ranges={"learners": (10.0, 5.0)}))
    with pytest.raises(InvalidState):
        state_to_json(ScenarioState(ranges={"learners": (float("nan"), 5.0)}))
