"""Hypothesis strategies for whole saved states: a scenario (`tests/strategies.py`), page
settings drawn from each setting's own declared choices or bounds, and uncertainty ranges
within each input's allowed bounds. Derived from the models, so they follow a bound change.
"""

from __future__ import annotations

import typing
from typing import Any

from annotated_types import Ge, Le
from hypothesis import strategies as st

from calculators.ranges import RANGED_FIELDS
from calculators.scenario import INPUTS
from calculators.settings import PageSettings
from storage import ScenarioState
from tests.strategies import valid_scenarios


def _setting_values(name: str) -> st.SearchStrategy[Any]:
    field = PageSettings.model_fields[name]
    annotation = field.annotation
    if annotation is bool:
        return st.booleans()
    bounds = {type(m): m for m in field.metadata}
    if typing.get_origin(annotation) is tuple:  # a list of programs (the budget planner), of plans
        ids = st.sampled_from(
            ["on-screen", "defaults", "a1B2c3D4e5"]  # the plans compared on the Scenarios page
            if name == "compare_choice"
            else ["screen", "preset-retail-pos-rollout", "saved-a1B2"]
        )
        return st.lists(ids, unique=True, max_size=3).map(tuple)
    if set(typing.get_args(annotation)) == {float, type(None)}:  # a number that may be unset
        low, high = bounds[Ge].ge, bounds[Le].le
        return st.none() | st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)
    if annotation in (int, float):
        low, high = bounds[Ge].ge, bounds[Le].le
        if annotation is int:
            return st.integers(int(low), int(high))
        return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)
    choices: list[Any] = []
    for arg in typing.get_args(annotation) or (annotation,):
        if arg is type(None):
            choices.append(None)
        else:
            choices += list(typing.get_args(arg)) or [arg]
    assert choices, f"no strategy for page setting {name}: {annotation!r}"
    return st.sampled_from(choices)


def page_settings() -> st.SearchStrategy[Any]:
    """Valid `PageSettings`, every setting anywhere in what it allows."""
    return st.builds(PageSettings, **{name: _setting_values(name) for name in PageSettings.model_fields})


@st.composite
def _range(draw: st.DrawFn, name: str) -> tuple[float, float]:
    spec = INPUTS[name]
    assert spec.minimum is not None and spec.maximum is not None
    ends = st.floats(float(spec.minimum), float(spec.maximum), allow_nan=False, allow_infinity=False)
    a, b = draw(ends), draw(ends)
    return (min(a, b), max(a, b))


@st.composite
def uncertainty_ranges(draw: st.DrawFn) -> dict[str, tuple[float, float]]:
    """Range overrides for a few uncertain inputs, each low ≤ high within the input's bounds."""
    names = draw(st.lists(st.sampled_from(RANGED_FIELDS), max_size=6, unique=True))
    return {name: draw(_range(name)) for name in names}


def states() -> st.SearchStrategy[ScenarioState]:
    """Whole saved states: scenario, page settings, ranges."""
    return st.builds(ScenarioState, valid_scenarios(), page_settings(), uncertainty_ranges())
