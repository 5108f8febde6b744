"""Preset scenarios from `sample_data/`, validated by the same model as every other input.

A preset file is a JSON object: `name`, `description`, `source`, `grade` and `scenario`
(named inputs; missing ones take their defaults), and optionally `order` (a whole number;
lower comes first in lists, default 100). Scenario values are read strictly
(`true` is not a number), so a bad file is reported, never half-loaded silently.

>>> preset = read_preset(
...     '{"name": "Tiny", "description": "d", "source": "s", "grade": "D",'
...     ' "scenario": {"learners": 10}}'
... )
>>> preset.name, preset.scenario.learners, preset.problems
('Tiny', 10, ())
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from calculators.codec import ScenarioError, scenario_from_json
from calculators.scenario import Grade, Scenario

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
_TEXT_FIELDS = ("name", "description", "source")


@dataclass(frozen=True)
class Preset:
    """A named scenario with its source and evidence grade; `problems` lists rejected values."""

    name: str
    description: str
    source: str
    grade: Grade
    scenario: Scenario
    problems: tuple[str, ...] = ()
    order: int = 100


def read_preset(text: str) -> Preset:
    """Parse one preset document; raises `ScenarioError` when it is not a preset at all."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ScenarioError(f"Not a JSON preset: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("scenario"), dict):
        raise ScenarioError("A preset must be a JSON object with a 'scenario' object.")
    for field in _TEXT_FIELDS:
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise ScenarioError(f"A preset needs a non-empty text '{field}'.")
    try:
        grade = Grade(data.get("grade"))
    except ValueError:
        raise ScenarioError(f"Unknown evidence grade {str(data.get('grade'))[:20]!r}.") from None
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 1_000:
        raise ScenarioError("A preset's 'order' must be a whole number from 0 to 1,000.")
    scenario, problems = scenario_from_json(json.dumps(data["scenario"]))
    return Preset(
        name=data["name"].strip(),
        description=data["description"].strip(),
        source=data["source"].strip(),
        grade=grade,
        scenario=scenario,
        problems=tuple(p.message for p in problems),
        order=order,
    )


def load_presets(folder: Path = SAMPLE_DATA) -> tuple[list[Preset], list[str]]:
    """Every preset in `folder` (sorted by file name) and a message for each unreadable file.

    >>> presets, errors = load_presets()
    >>> presets[0].name, presets[0].scenario == Scenario(), errors
    ('Vendor cost table', True, [])
    """
    presets: list[Preset] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.json")):
        try:
            presets.append(read_preset(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ScenarioError) as error:
            errors.append(f"{path.name}: {error}")
    presets.sort(key=lambda p: p.order)  # stable: file names break ties
    return presets, errors
