"""The Risk pages' scans, cached on exactly their inputs (shared by all users: inputs only).

Each result depends on the scenario and the page's own choices, nothing else; a rerun that
changes neither (another page setting, a presentation switch, a fragment rerun) reads it
back instead of scanning again. The scenario is keyed by its canonical JSON.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import streamlit as st

from calculators.goal_seek import GoalSeekResult, goal_seek, metric_curve
from calculators.model import Option
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.sensitivity import Metric, TornadoBar, frontier, tornado

_ENTRIES = 64


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _tornado(
    scenario_json: str, option: Option, metric: Metric, ranges: tuple
) -> tuple[float, list[TornadoBar]]:
    return tornado(Scenario.model_validate_json(scenario_json), option, metric, dict(ranges))


def cached_tornado(
    scenario: Scenario, option: Option, metric: Metric, overrides: Mapping[str, tuple[float, float]]
) -> tuple[float, list[TornadoBar]]:
    """`calculators.sensitivity.tornado`, cached on the scenario, option, measure and ranges."""
    return _tornado(scenario.model_dump_json(), option, metric, ranges_key(overrides))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _frontier(
    scenario_json: str, option: Option, metric: Metric, x_field: str, y_field: str,
    x_range: tuple[float, float], y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    scenario = Scenario.model_validate_json(scenario_json)
    return frontier(scenario, option, metric, x_field, y_field, x_range=x_range, y_range=y_range)


def cached_frontier(
    scenario: Scenario, option: Option, metric: Metric, x_field: str, y_field: str,
    x_range: tuple[float, float], y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """`calculators.sensitivity.frontier`, cached on all of its inputs."""
    return _frontier(scenario.model_dump_json(), option, metric, x_field, y_field, x_range, y_range)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _goal_seek(
    scenario_json: str, field: str, option: Option, metric: Metric, target: float
) -> GoalSeekResult:
    return goal_seek(Scenario.model_validate_json(scenario_json), field, option, metric, target)


def cached_goal_seek(
    scenario: Scenario, field: str, option: Option, metric: Metric, target: float
) -> GoalSeekResult:
    """`calculators.goal_seek.goal_seek`, cached on all of its inputs."""
    return _goal_seek(scenario.model_dump_json(), field, option, metric, float(target))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _metric_curve(
    scenario_json: str, field: str, option: Option, metric: Metric, span: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    return metric_curve(Scenario.model_validate_json(scenario_json), field, option, metric, span=span)


def cached_metric_curve(
    scenario: Scenario, field: str, option: Option, metric: Metric, span: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """`calculators.goal_seek.metric_curve`, cached on all of its inputs."""
    return _metric_curve(scenario.model_dump_json(), field, option, metric, tuple(map(float, span)))
