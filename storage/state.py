"""What a saved scenario holds, as JSON: the scenario, every page's settings, the ranges.

The document (JSON only, never pickle):

    {"state_version": 1,
     "scenario": {"schema_version": 1, "currency": "USD", "learners": 1000, ...every input},
     "settings": {"mc_draws": 10000, ...every page setting},
     "ranges": {"learners": [800.0, 1500.0], ...uncertainty range overrides}}

Every value is written out, defaults included, so a saved scenario reopens exactly as saved
even after a default changes. Reading goes through the same models as links and files,
strictly (a stored `true` is not a number): `calculators.codec.scenario_from_json`,
`calculators.settings.apply_settings(strict=True)`, `calculators.ranges.validate_range`.
A bad value never raises: it keeps its default and is reported, so a stored row that was
damaged (by hand, by a bug, by an older or newer program) is reported with what is wrong.
Writing validates through the same reading path, so nothing is stored that would not read
back unchanged.

>>> from calculators.scenario import SCHEMA_VERSION, Scenario
>>> text = state_to_json(ScenarioState(Scenario(learners=477), ranges={"learners": (400, 600)}))
>>> state, problems = state_from_json(text)
>>> state.scenario.learners, state.ranges, problems
(477, {'learners': (400.0, 600.0)}, [])
>>> state, problems = state_from_json('{"state_version": 1, "scenario": {"learners": true}}')
>>> state.scenario.learners, [p.message for p in problems]
(1000, ['Learners: on is not a whole number; allowed 1 to 100,000. Kept 1,000.'])
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calculators.codec import (
    InputProblem,
    ScenarioError,
    scenario_from_json,
    scenario_to_json,
    upgrade_ranges,
)
from calculators.ranges import validate_range
from calculators.scenario import SCHEMA_VERSION, Scenario
from calculators.settings import PageSettings, apply_settings
from pydantic import ValidationError

from storage.errors import InvalidState

STATE_VERSION = 1
MAX_STATE_CHARS = 200_000  # a full state is about 4,000 characters
_SECTIONS = ("scenario", "settings", "ranges")


@dataclass(frozen=True)
class ScenarioState:
    """Everything a saved scenario restores: the inputs, each page's settings, and the
    uncertainty ranges the user set (field → (low, high); absent fields use the defaults)."""

    scenario: Scenario = field(default_factory=Scenario)
    settings: Any = field(default_factory=PageSettings)  # a calculators.settings.PageSettings
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


def state_to_json(state: ScenarioState) -> str:
    """The state as a JSON document; raises `InvalidState` if it would not read back as is."""
    if not isinstance(state.scenario, Scenario) or not isinstance(state.settings, PageSettings):
        raise InvalidState([InputProblem("state", "A state needs a Scenario and PageSettings.")])
    document = {
        "state_version": STATE_VERSION,
        "scenario": json.loads(scenario_to_json(state.scenario)),
        "settings": state.settings.model_dump(mode="json"),
        "ranges": {name: [low, high] for name, (low, high) in sorted(state.ranges.items())},
    }
    try:
        text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise InvalidState([InputProblem("state", f"Not storable as JSON: {error}")]) from None
    read_back, problems = state_from_json(text)
    if problems:
        raise InvalidState(problems)
    if read_back != state:
        raise InvalidState([InputProblem("state", "The state does not read back as it was written.")])
    return text


def state_from_json(text: str | bytes) -> tuple[ScenarioState, list[InputProblem]]:
    """Read a stored state; never raises. Bad parts keep their defaults and are reported."""
    if len(text) > MAX_STATE_CHARS:
        return ScenarioState(), [
            InputProblem(
                "state",
                f"The saved state is {len(text):,} characters long; at most {MAX_STATE_CHARS:,} are read.",
            )
        ]
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return ScenarioState(), [
            InputProblem("state", f"The saved state is not readable JSON ({_short(error)}).")
        ]
    if not isinstance(document, dict):
        return ScenarioState(), [InputProblem("state", "The saved state is not a JSON object.")]

    problems: list[InputProblem] = []
    version = document.get("state_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(
            InputProblem(
                "state_version", f"Unknown state version {_short(version)}; read as {STATE_VERSION}."
            )
        )
    elif version > STATE_VERSION:
        problems.append(
            InputProblem(
                "state_version",
                f"Saved by a newer version of the app (state version {version}); read as version {STATE_VERSION} where possible.",
            )
        )
    for key in document:
        if key not in _SECTIONS and key != "state_version":
            problems.append(
                InputProblem(str(key)[:40], f"Ignored {_short(key)}: not part of a saved scenario.")
            )

    scenario, found = _scenario(document.get("scenario"))
    problems += found
    settings, found = _settings(document.get("settings", {}))
    problems += found
    ranges, found = _ranges(document.get("ranges", {}))
    saved = document.get("scenario")
    if isinstance(saved, dict):  # ranges saved before schema version 2 bounded another half-life
        ranges = upgrade_ranges(saved, ranges)
    problems += found
    return ScenarioState(scenario, settings, ranges), problems


def _scenario(data: Any) -> tuple[Scenario, list[InputProblem]]:
    if not isinstance(data, dict):
        return Scenario(), [
            InputProblem("scenario", "The saved state has no scenario inputs; defaults used.")
        ]
    if type(data.get("schema_version")) is int and data["schema_version"] == SCHEMA_VERSION:
        try:  # a sound row at the current version, validated whole: ten times faster
            return Scenario.model_validate(data, strict=True), []
        except ValidationError:
            pass  # field by field below, to say which values are bad and keep the others
    try:
        # allow_nan: a stored 1e999 parsed as inf; written back as Infinity, the codec reports
        # it for its field ("not a finite number") instead of losing the whole scenario.
        return scenario_from_json(json.dumps(data, allow_nan=True))
    except (ScenarioError, ValueError) as error:  # data is a parsed JSON object: not expected
        return Scenario(), [
            InputProblem("scenario", f"The scenario inputs are unreadable ({_short(error)}).")
        ]


def _settings(data: Any) -> tuple[Any, list[InputProblem]]:
    if not isinstance(data, dict):
        return PageSettings(), [
            InputProblem("settings", "The saved page settings are not a JSON object; defaults used.")
        ]
    try:  # every setting sound: validated whole (the field-by-field path names the bad ones)
        return PageSettings.model_validate(data, strict=True), []
    except ValidationError:
        pass
    problems = [
        InputProblem(str(name)[:40], f"Ignored page setting {_short(name)}: not a setting of this app.")
        for name in data
        if name not in PageSettings.model_fields
    ]
    settings, found = apply_settings(PageSettings(), data, strict=True)
    return settings, problems + found


def _ranges(data: Any) -> tuple[dict[str, tuple[float, float]], list[InputProblem]]:
    if not isinstance(data, dict):
        return {}, [
            InputProblem("ranges", "The saved uncertainty ranges are not a JSON object; defaults used.")
        ]
    ranges: dict[str, tuple[float, float]] = {}
    problems: list[InputProblem] = []
    for name, pair in data.items():
        numbers = isinstance(pair, list) and len(pair) == 2 and all(_is_number(x) for x in pair)
        if not numbers:
            problems.append(
                InputProblem(
                    "ranges",
                    f"Ignored the range of {_short(name)}: expected [low, high] numbers, got {_short(pair)}.",
                )
            )
            continue
        checked, message = validate_range(name, pair[0], pair[1])
        if checked is None:
            problems.append(InputProblem("ranges", message or f"Ignored the range of {_short(name)}."))
        else:
            ranges[name] = checked
    return ranges, problems


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _short(value: Any) -> str:
    """A value for a message: its repr, at most 40 characters.

    >>> _short("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    shown = repr(value) if not isinstance(value, Exception) else str(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
