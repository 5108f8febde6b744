"""Scenario files: a scenario (with, optionally, the page settings and uncertainty ranges) as
JSON to download, and the same file read back, validated, for import. Pure Python.

A file (version 1) is one JSON object::

    {
      "app": "Training ROI Studio",
      "file_version": 1,
      "scenario": {...every input and its schema_version...},
      "page_settings": {...every page's own settings...},
      "ranges": {"learners": [800.0, 1500.0]}
    }

`scenario` is `calculators.codec.scenario_to_json`; `page_settings` (`calculators.settings`)
and `ranges` (the user's own low/high per uncertain input, `calculators.ranges`) are there
when exported. A bare scenario object, as `scenario_to_json` writes it, is read as well.

Reading is strict (JSON `true` is not a number) and never raises: a file that cannot be
read at all (not JSON, not an object, larger than `MAX_FILE_BYTES`) imports nothing, so the
screen keeps everything; within a readable file, each bad value is named in a message and
the value on screen for it is kept (`current`, `current_settings`, `current_ranges`);
values the file leaves out take their defaults, as in a share link.

>>> from calculators.scenario import Scenario
>>> result = import_json(export_json(Scenario(learners=477)))
>>> result.scenario.learners, result.problems, result.readable
(477, (), True)
>>> result = import_json(b'{"learners": true, "colour": "red"}', current=Scenario(learners=250))
>>> result.scenario.learners
250
>>> for message in result.problems:
...     print(message)
Learners: on is not a whole number; allowed 1 to 100,000. Kept 250.
Ignored 'colour': not an input of this model.
>>> import_json(b"[1, 2]").readable, import_json(b"[1, 2]").problems
(False, ('A scenario file holds one JSON object of named inputs; this file holds a list. Nothing was imported.',))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calculators.codec import (
    ScenarioError,
    apply_inputs,
    scenario_from_json,
    scenario_to_json,
    upgrade_ranges,
)
from calculators.ranges import validate_range
from calculators.scenario import INPUTS, Scenario
from calculators.settings import PageSettings, apply_settings

APP = "Training ROI Studio"
FILE_VERSION = 1
MAX_FILE_BYTES = 1_000_000  # an exported file is about 5 kB
MAX_PROBLEMS = 20  # messages listed; the rest are counted
SCENARIO, SETTINGS, RANGES = "scenario", "page_settings", "ranges"
WRAPPER_KEYS = frozenset({"app", "file_version", SCENARIO, SETTINGS, RANGES})
NAME_CHARS = 40  # a name from the file is shown cut to this length

Ranges = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class ImportResult:
    """What a scenario file gave: each part is None where the file gave none (keep the screen's)."""

    scenario: Scenario | None
    settings: Any | None  # a PageSettings
    ranges: Ranges | None
    problems: tuple[str, ...]

    @property
    def readable(self) -> bool:
        """True when any part of the file could be read."""
        return self.scenario is not None or self.settings is not None or self.ranges is not None


def export_json(
    scenario: Scenario, settings: Any | None = None, ranges: Mapping[str, Any] | None = None
) -> bytes:
    """The scenario file (UTF-8 JSON) of `scenario`, with the page settings and ranges if given.

    >>> data = export_json(Scenario(), ranges={"learners": (800, 1500)})
    >>> doc = json.loads(data)
    >>> doc["file_version"], doc["scenario"]["learners"], doc["ranges"], "page_settings" in doc
    (1, 1000, {'learners': [800.0, 1500.0]}, False)
    """
    doc: dict[str, Any] = {
        "app": APP,
        "file_version": FILE_VERSION,
        SCENARIO: json.loads(scenario_to_json(scenario)),
    }
    if settings is not None:
        doc[SETTINGS] = settings.model_dump(mode="json")
    if ranges is not None:
        doc[RANGES] = {field: [float(low), float(high)] for field, (low, high) in sorted(ranges.items())}
    return (json.dumps(doc, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _name(key: object) -> str:
    text = str(key)
    return repr(text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 3] + "...")


def _kind(value: object) -> str:
    return {list: "a list", dict: "an object", str: "a text", bool: "true or false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, int | float) else "a value"
    )


def _nothing(message: str) -> ImportResult:
    return ImportResult(None, None, None, (message,))


def _parse(data: bytes | bytearray | memoryview | str) -> tuple[Any, str | None]:
    """The file's JSON document, or a message saying why there is none."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_FILE_BYTES:
        return None, (
            f"The file is {len(raw) / 1e6:,.1f} MB; a scenario file is at most {MAX_FILE_BYTES / 1e6:,.0f} MB. "
            "Nothing was imported."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "The file is not a text (UTF-8) file, so not a scenario file. Nothing was imported."
    try:
        return json.loads(text), None
    except RecursionError:
        return None, "The file is nested too deeply to be a scenario file. Nothing was imported."
    except ValueError as error:
        where = (
            f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        )
        return None, f"The file is not valid JSON{where}, so not a scenario file. Nothing was imported."


def _read_scenario(part: dict[str, Any], current: Scenario | None) -> tuple[Scenario | None, list[str]]:
    try:
        scenario, problems = scenario_from_json(json.dumps(part))
    except (ScenarioError, ValueError, RecursionError):
        return None, ["The file's scenario could not be read; the inputs on screen are kept."]
    bad = {p.field for p in problems if p.field in INPUTS and p.field in part}
    if current is None or not bad:
        return scenario, [p.message for p in problems]
    # A rejected value keeps the value on screen, not the default: read those again on top of it.
    base = scenario.with_changes(**{field: getattr(current, field) for field in bad})
    scenario, again = apply_inputs(base, {field: part[field] for field in bad}, strict=True)
    order = {name: i for i, name in enumerate(part)}  # messages in the file's order
    combined = sorted(
        [p for p in problems if p.field not in bad] + again, key=lambda p: order.get(p.field, -1)
    )
    return scenario, [p.message for p in combined]


def _read_settings(part: object, current: Any | None) -> tuple[Any | None, list[str]]:
    if not isinstance(part, dict):
        return None, [
            f"The file's page settings are {_kind(part)}, not named settings; the settings on screen are kept."
        ]
    known = {k: v for k, v in part.items() if k in PageSettings.model_fields}
    problems = [
        f"Ignored page setting {_name(k)}: not a setting of this app." for k in part if k not in known
    ]
    defaults = PageSettings().model_dump()
    if current is not None:  # a rejected value keeps the setting on screen
        defaults.update({k: getattr(current, k) for k in known})
    settings, rejected = apply_settings(PageSettings.model_validate(defaults), known, strict=True)
    return settings, problems + [p.message for p in rejected]


def _read_ranges(
    part: object, current: Mapping[str, tuple[float, float]] | None, scenario: Mapping[str, Any]
) -> tuple[Ranges | None, list[str]]:
    """The file's ranges, each valid one in the current schema's terms (`scenario`: the file's
    scenario, whose version and floor say how: `calculators.codec.upgrade_ranges`); a bad one
    keeps the range on screen, as it is."""
    if not isinstance(part, dict):
        return None, [
            f"The file's ranges are {_kind(part)}, not ranges by input; the ranges on screen are kept."
        ]
    ranges: Ranges = {}
    problems = []
    for field, pair in part.items():
        if not (isinstance(pair, list) and len(pair) == 2):
            checked, message = (
                None,
                f"Ignored the range of {_name(field)}: expected [low, high], got {_kind(pair)}.",
            )
            if field in INPUTS:
                message = f"{INPUTS[field].label}: expected a range [low, high], got {_kind(pair)}."
        else:
            checked, message = validate_range(field, pair[0], pair[1])
        if checked is not None:
            ranges[field] = upgrade_ranges(scenario, {field: checked})[field]
            continue
        kept = (current or {}).get(field)
        problems.append(f"{message} Kept the range on screen." if kept and field in INPUTS else str(message))
        if kept and field in INPUTS:
            ranges[field] = kept
    return ranges, problems


def import_json(
    data: bytes | bytearray | memoryview | str,
    *,
    current: Scenario | None = None,
    current_settings: Any | None = None,
    current_ranges: Mapping[str, tuple[float, float]] | None = None,
) -> ImportResult:
    """Read a scenario file; never raises. See the module docstring for what is kept.

    `problems` are plain sentences naming each bad field (show them as text, never as
    Markdown: they quote the file).
    """
    doc, problem = _parse(data)
    if problem:
        return _nothing(problem)
    if not isinstance(doc, dict):
        return _nothing(
            f"A scenario file holds one JSON object of named inputs; this file holds {_kind(doc)}. Nothing was imported."
        )
    problems: list[str] = []
    wrapped = any(key in WRAPPER_KEYS for key in doc)
    scenario = settings = ranges = None
    if wrapped:
        version = doc.get("file_version", FILE_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version > FILE_VERSION:
            problems.append(
                f"File version {_name(version)} is not one this app knows; read as version {FILE_VERSION} where possible."
            )
        problems += [
            f"Ignored {_name(k)}: not part of a scenario file." for k in doc if k not in WRAPPER_KEYS
        ]
        part = doc.get(SCENARIO)
        if isinstance(part, dict):
            scenario, found = _read_scenario(part, current)
            problems += found
        else:
            problems.append(
                "The file has no scenario; the inputs on screen are kept."
                if part is None
                else f"The file's scenario is {_kind(part)}, not named inputs; the inputs on screen are kept."
            )
        if SETTINGS in doc:
            settings, found = _read_settings(doc[SETTINGS], current_settings)
            problems += found
        if RANGES in doc:
            ranges, found = _read_ranges(doc[RANGES], current_ranges, part if isinstance(part, dict) else {})
            problems += found
    else:
        scenario, problems = _read_scenario(doc, current)
    if len(problems) > MAX_PROBLEMS:
        extra = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [
            f"… and {extra:,} more problem{'s' if extra != 1 else ''} in this file."
        ]
    return ImportResult(scenario, settings, ranges, tuple(problems))
