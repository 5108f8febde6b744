"""The Risk pages' scans, cached on exactly their inputs (shared by all users: inputs only).

Each result depends on the scenario and the page's own choices, nothing else; a rerun that
changes neither (another page setting, a presentation switch, a fragment rerun) reads it
back instead of scanning again. The scenario is keyed by its canonical JSON. Results are
kept as they are, in this process (a data cache pickled each one on storing and copied it
back on every read, ~0.5–1 ms a call): they are read-only (frozen records, tuples, arrays
made read-only), so every caller may share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from calculators.goal_seek import GoalSeekResult, goal_seek, metric_curve
from calculators.model import Option
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.sensitivity import Metric, TornadoBar, frontier, tornado

_ENTRIES = 64


def _read_only(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays, made read-only: a kept result is shared by every caller."""
    for array in arrays:
        array.setflags(write=False)
    return arrays


def clear_scans() -> None:
    """Forget every kept scan (tests: each starts as a fresh server would)."""
    for kept in (_tornado, _frontier, _goal_seek, _metric_curve):
        kept.cache_clear()


@lru_cache(maxsize=_ENTRIES)
def _tornado(
    scenario_json: str, option: Option, metric: Metric, ranges: tuple
) -> tuple[float, tuple[TornadoBar, ...]]:
    base, bars = tornado(Scenario.model_validate_json(scenario_json), option, metric, dict(ranges))
    return base, tuple(bars)


def cached_tornado(
    scenario: Scenario, option: Option, metric: Metric, overrides: Mapping[str, tuple[float, float]]
) -> tuple[float, tuple[TornadoBar, ...]]:
    """`calculators.sensitivity.tornado`, cached on the scenario, option, measure and ranges."""
    return _tornado(scenario.model_dump_json(), option, metric, ranges_key(overrides))


@lru_cache(maxsize=_ENTRIES)
def _frontier(
    scenario_json: str, option: Option, metric: Metric, x_field: str, y_field: str,
    x_range: tuple[float, float], y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    scenario = Scenario.model_validate_json(scenario_json)
    return _read_only(*frontier(scenario, option, metric, x_field, y_field, x_range=x_range, y_range=y_range))


def cached_frontier(
    scenario: Scenario, option: Option, metric: Metric, x_field: str, y_field: str,
    x_range: tuple[float, float], y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """`calculators.sensitivity.frontier`, cached on all of its inputs."""
    return _frontier(scenario.model_dump_json(), option, metric, x_field, y_field, x_range, y_range)


@lru_cache(maxsize=_ENTRIES)
def _goal_seek(
    scenario_json: str, field: str, option: Option, metric: Metric, target: float
) -> GoalSeekResult:
    return goal_seek(Scenario.model_validate_json(scenario_json), field, option, metric, target)


def cached_goal_seek(
    scenario: Scenario, field: str, option: Option, metric: Metric, target: float
) -> GoalSeekResult:
    """`calculators.goal_seek.goal_seek`, cached on all of its inputs."""
    return _goal_seek(scenario.model_dump_json(), field, option, metric, float(target))


@lru_cache(maxsize=_ENTRIES)
def _metric_curve(
    scenario_json: str, field: str, option: Option, metric: Metric, span: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    return _read_only(
        *metric_curve(Scenario.model_validate_json(scenario_json), field, option, metric, span=span)
    )


def cached_metric_curve(
    scenario: Scenario, field: str, option: Option, metric: Metric, span: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """`calculators.goal_seek.metric_curve`, cached on all of its inputs."""
    return _metric_curve(scenario.model_dump_json(), field, option, metric, tuple(map(float, span)))
