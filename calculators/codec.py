"""Scenario in and out: share-link query strings and JSON, validated on the way in.

Every way a scenario enters the app (a link, a preset file, later a database row) goes
through `Scenario`, one field at a time, so that a bad value costs only that value: it
is reported in words that name the field and its allowed range, and the field keeps its
previous valid value.

A link carries only the values that differ from the defaults, plus the schema version:

>>> scenario_to_query(Scenario(learners=477))
{'v': '2', 'learners': '477'}
>>> s, problems = scenario_from_query({"learners": "477", "micro_fixed_cost": "1e309"})
>>> s.learners, s.micro_fixed_cost
(477, 30000.0)
>>> print(problems[0])
Development cost (microlearning series): '1e309' is not a finite number; allowed 0 to 1,000,000. Kept 30,000.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from calculators.retention import MONTH_DAYS, CurveFamily, fading_half_life
from calculators.scenario import INPUTS, SCHEMA_VERSION, InputSpec, Scenario

VERSION_KEY = "v"
MAX_VALUE_CHARS = 64


@dataclass(frozen=True)
class InputProblem:
    """One rejected input value, in words a user can act on."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ScenarioError(ValueError):
    """Raised when a whole scenario document cannot be read (not JSON, not an object)."""


def _plain_number(x: float) -> str:
    """Shortest text that reads back as the same float; '30000' rather than '30000.0'.

    >>> _plain_number(30000.0), _plain_number(0.125), _plain_number(1e-7)
    ('30000', '0.125', '1e-07')
    """
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def link_text(value: Any) -> str:
    """A value as a share link writes it: '1'/'0' for switches, the shortest exact number.

    >>> link_text(True), link_text(30000.0), link_text(477), link_text("EUR")
    ('1', '30000', '477', 'EUR')
    """
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return _plain_number(value)
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):  # exact, and no float() overflow for a huge integer
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)


def allowed_range(spec: InputSpec) -> str:
    """The allowed values of a field, as a user reads them.

    >>> allowed_range(INPUTS["learners"])
    '1 to 100,000'
    >>> allowed_range(INPUTS["fully_loaded"])
    'on or off'
    """
    if spec.widget == "toggle":
        return "on or off"
    if spec.widget == "select":
        return "one of " + ", ".join(Scenario.model_fields[spec.name].annotation.__args__)  # type: ignore[union-attr]
    return f"{_show(spec.minimum)} to {_show(spec.maximum)}"


def _problem(spec: InputSpec, raw: Any, kept: Any, error: ValidationError) -> InputProblem:
    kind = error.errors()[0]["type"]
    shown = repr(raw) if isinstance(raw, str) else _show(raw)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    if kind == "finite_number" or (
        isinstance(raw, str) and raw.strip().lower() in {"nan", "inf", "-inf", "infinity"}
    ):
        what = "is not a finite number"
    elif kind in {"greater_than_equal", "less_than_equal"}:
        what = "is out of range"
    elif kind.startswith("int"):
        what = "is not a whole number"
    elif kind.startswith("float"):
        what = "is not a number"
    elif kind.startswith("bool"):
        what = "is not on or off"
    else:
        what = "is not allowed"
    return InputProblem(
        spec.name,
        f"{spec.label}: {shown} {what}; allowed {allowed_range(spec)}. Kept {_show(kept)}.",
    )


def apply_inputs(
    base: Scenario, values: Mapping[str, Any], *, strict: bool = False
) -> tuple[Scenario, list[InputProblem]]:
    """`base` with every valid value of `values` applied; the others are reported.

    Unknown names are reported too. `strict=True` refuses type coercion (for JSON and
    stored rows: `true` is not a number there); `strict=False` reads text (for links).

    >>> s, problems = apply_inputs(Scenario(), {"learners": 200, "colour": "red"})
    >>> s.learners, [p.message for p in problems]
    (200, ["Ignored 'colour': not an input of this model."])
    >>> apply_inputs(Scenario(), {"learners": True}, strict=True)[1][0].message
    'Learners: on is not a whole number; allowed 1 to 100,000. Kept 1,000.'
    """
    current = base.model_dump()
    if all(
        name in INPUTS and not (isinstance(raw, str) and len(raw) > MAX_VALUE_CHARS)
        for name, raw in values.items()
    ):
        try:  # every value at once (the sidebar's every run): fields are validated one by one anyway
            return Scenario.model_validate({**current, **values}, strict=strict), []
        except ValidationError:
            pass  # which ones: one at a time below, each against the values accepted before it
    problems: list[InputProblem] = []
    for name, raw in values.items():
        spec = INPUTS.get(name)
        if spec is None:
            shown = name if len(name) <= 40 else name[:37] + "..."
            problems.append(InputProblem(name, f"Ignored {shown!r}: not an input of this model."))
            continue
        if isinstance(raw, str) and len(raw) > MAX_VALUE_CHARS:
            problems.append(
                InputProblem(
                    name,
                    f"{spec.label}: a value of {len(raw):,} characters is too long; allowed "
                    f"{allowed_range(spec)}. Kept {_show(current[name])}.",
                )
            )
            continue
        try:
            accepted = Scenario.model_validate({**current, name: raw}, strict=strict)
        except ValidationError as error:
            problems.append(_problem(spec, raw, current[name], error))
            continue
        current[name] = getattr(accepted, name)
    return Scenario.model_validate(current), problems


def scenario_to_query(scenario: Scenario) -> dict[str, str]:
    """The share-link parameters: the schema version and each non-default value.

    >>> scenario_to_query(Scenario())
    {}
    >>> scenario_to_query(Scenario(fully_loaded=True, micro_seat_hours=0.25))
    {'v': '2', 'fully_loaded': '1', 'micro_seat_hours': '0.25'}
    """
    defaults = Scenario()
    out: dict[str, str] = {}
    for name in INPUTS:
        value = getattr(scenario, name)
        if value != getattr(defaults, name):
            out[name] = link_text(value)
    return {VERSION_KEY: str(SCHEMA_VERSION), **out} if out else {}


# Inputs that no longer exist: old links and files that carry them still open. The quick
# "benefit per learner" of the first break-even chart gave way to the model's own benefits.
RETIRED = frozenset({"benefit_per_learner"})


def _number(raw: Any) -> float | None:
    """A link's or a file's value as a finite number, or None (not a number, a switch)."""
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw) if isinstance(raw, int | float | str) else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fading_half_life(values: dict[str, Any]) -> None:
    """Version 1 → 2: version 1's "Half of a trained skill lost after" was the month in which
    half of the whole gain was lost (ρ = 1/2, the floor included); version 2's is the half-life
    of the part that fades (R = 1/2, the floor on top), so that a higher floor never keeps
    less. The same curve in version 2's terms, within the input's bounds; a value that is not a
    number is left for the input's own message.

    >>> values = {}; _fading_half_life(values); values == {"skill_half_life_months": Scenario().skill_half_life_months}
    True
    >>> values = {"skill_half_life_months": "11", "retention_floor_pct": "0"}; _fading_half_life(values); values
    {'skill_half_life_months': '11', 'retention_floor_pct': '0'}
    """
    spec = INPUTS["skill_half_life_months"]
    raw = values.get("skill_half_life_months", 11.0)  # version 1's default
    half_lost = _number(raw)
    floor = _number(values.get("retention_floor_pct", INPUTS["retention_floor_pct"].default))
    family = values.get("retention_curve", INPUTS["retention_curve"].default)
    if half_lost is None or floor is None or not 0 <= floor < 50 or family not in set(CurveFamily):
        return
    days = fading_half_life(CurveFamily(family), half_lost * MONTH_DAYS, floor / 100.0)
    months = float(days) / MONTH_DAYS
    if math.isclose(months, spec.default, rel_tol=1e-9):
        months = spec.default  # version 1's default is version 2's, bit for bit
    months = min(max(months, spec.minimum or 0.0), spec.maximum or math.inf)
    if months != half_lost:
        values["skill_half_life_months"] = link_text(months) if isinstance(raw, str) else months


def _link_version(params: Mapping[str, Any]) -> tuple[int, list[InputProblem]]:
    """A link's schema version (the current one when it names none), and a problem if unreadable."""
    raw = params.get(VERSION_KEY, str(SCHEMA_VERSION))
    if isinstance(raw, list | tuple) and raw:  # as for values: the last one
        raw = raw[-1]
    try:
        return int(str(raw)), []
    except ValueError:
        message = f"Link version {str(raw)[:20]!r} unreadable; read as {SCHEMA_VERSION}."
        return SCHEMA_VERSION, [InputProblem(VERSION_KEY, message)]


def _file_version(data: Mapping[str, Any]) -> tuple[int, list[InputProblem]]:
    """A JSON scenario's schema version (a whole number up to the current one; the current
    one when it names none or another), and a problem if it names another."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > SCHEMA_VERSION:
        message = f"Unknown schema version {str(version)[:20]!r}; read as {SCHEMA_VERSION}."
        return SCHEMA_VERSION, [InputProblem("schema_version", message)]
    return version, []


def upgrade_ranges(
    scenario: Mapping[str, Any], ranges: dict[str, tuple[float, float]], *, link: bool = False
) -> dict[str, tuple[float, float]]:
    """Range overrides saved with `scenario` (a JSON scenario's values, or with `link` a share
    link's parameters) in the current schema, its version read as the scenario's own is: under
    version 1 a range of the skill half-life bounded the month in which half of the whole gain
    is lost; each end is converted as the value is (`_fading_half_life`, with the scenario's own
    floor and curve). Other ranges, and any at the current version, are as they were.

    >>> upgrade_ranges({}, {"skill_half_life_months": (6.5, 13.0)})
    {'skill_half_life_months': (6.5, 13.0)}
    >>> old = upgrade_ranges({"v": "1"}, {"skill_half_life_months": (6.5, 13.0)}, link=True)
    >>> low, high = old["skill_half_life_months"]; round(low, 2), round(high, 2)
    (4.59, 9.19)
    """
    version = (_link_version if link else _file_version)(scenario)[0]
    field = "skill_half_life_months"
    if version >= 2 or field not in ranges:
        return ranges
    ends = []
    for end in ranges[field]:
        one = {**{k: v for k, v in scenario.items() if k != field}, field: float(end)}
        _fading_half_life(one)
        ends.append(float(one[field]))
    return {**ranges, field: (ends[0], ends[1])}


def _upgrade(version: int, values: dict[str, Any]) -> dict[str, Any]:
    """Bring an older link's or file's values to the current schema (version 2): retired
    inputs dropped; version 1's skill half-life read as version 2's (`_fading_half_life`).

    >>> _upgrade(2, {"learners": "5", "benefit_per_learner": "75"})
    {'learners': '5'}
    >>> round(float(_upgrade(1, {"skill_half_life_months": "13"})["skill_half_life_months"]), 2)  # whole gain: 13
    9.19
    """
    out = {k: v for k, v in values.items() if k not in RETIRED}
    if version < 2:
        _fading_half_life(out)
    return out


def scenario_from_query(
    params: Mapping[str, Any], *, ignore: frozenset[str] = frozenset()
) -> tuple[Scenario, list[InputProblem]]:
    """Read a share link's parameters; bad values fall back to defaults with a message.

    `ignore` names parameters that belong to the app rather than the scenario.

    >>> s, problems = scenario_from_query({"v": "1", "learners": "nan"})
    >>> s.learners, problems[0].message
    (1000, "Learners: 'nan' is not a finite number; allowed 1 to 100,000. Kept 1,000.")
    """
    values: dict[str, Any] = {}
    problems: list[InputProblem] = []
    for key, raw in params.items():
        if key in ignore:
            continue
        value = raw[-1] if isinstance(raw, list | tuple) and raw else raw
        if key == VERSION_KEY:
            continue
        values[key] = value
    version, unreadable = _link_version(params)
    problems += unreadable
    if version > SCHEMA_VERSION:
        problems.append(
            InputProblem(
                VERSION_KEY,
                f"This link was made by a newer version ({version}); values were read as "
                f"version {SCHEMA_VERSION} where possible.",
            )
        )
    scenario, field_problems = apply_inputs(Scenario(), _upgrade(version, values))
    return scenario, problems + field_problems


def scenario_to_json(scenario: Scenario) -> str:
    """The whole scenario as a JSON document (all fields, including the version)."""
    return json.dumps(scenario.model_dump(mode="json"), indent=2)


def scenario_from_json(text: str | bytes) -> tuple[Scenario, list[InputProblem]]:
    """Read a JSON scenario strictly (no `true` for a number); bad fields keep defaults.

    >>> s, problems = scenario_from_json('{"schema_version": 1, "learners": 477}')
    >>> s.learners, problems
    (477, [])
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise ScenarioError(f"Not a JSON scenario file: {error}") from None
    if not isinstance(data, dict):
        raise ScenarioError("A scenario file must hold one JSON object of named inputs.")
    version, problems = _file_version(data)
    data.pop("schema_version", None)
    scenario, field_problems = apply_inputs(Scenario(), _upgrade(version, data), strict=True)
    return scenario, problems + field_problems
