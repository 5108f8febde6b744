"""Goal seek: the value of one input that makes ROI (or NPV) equal a target.

Like Excel's Goal Seek, but it searches the input's whole allowed range: a scan of the
range finds every bracket where `metric − target` changes sign, the bracket nearest the
current value is refined by bisection (whole numbers for whole-number inputs), and when
no value in range reaches the target the answer says so and gives the range achieved.

>>> from calculators.scenario import Scenario
>>> r = goal_seek(Scenario(), "learners", Option.MICRO, "ROI", 0.0)
>>> r.value, round(r.achieved, 2)
(93, 0.34)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from calculators.model import NO_PAYBACK, Option, evaluate
from calculators.ranges import input_axis
from calculators.scenario import INPUTS, Scenario

Metric = Literal["ROI", "NPV"]
SCAN_POINTS = 401


def _metrics(scenario: Scenario, field: str, xs: np.ndarray, option: Option, metric: Metric) -> np.ndarray:
    """ROI in percent or NPV in money of `option` at each value of `field` (NaN: no ROI).

    One array call of the model core: the scan, the bisection and the chart all use it."""
    r = evaluate(scenario, {field: np.asarray(xs, dtype=np.float64)}, (option,), paybacks=NO_PAYBACK)[option]
    return r.roi_pct if metric == "ROI" else r.npv


def metric_value(scenario: Scenario, option: Option, metric: Metric) -> float | None:
    """ROI in percent or NPV in money of `option` (None when ROI does not exist)."""
    r = evaluate(scenario, options=(option,), paybacks=NO_PAYBACK)[option]
    value = float((r.roi_pct if metric == "ROI" else r.npv)[0])
    return value if math.isfinite(value) else None


def seekable_fields() -> list[str]:
    """Numeric inputs goal seek can solve for."""
    return [n for n, s in INPUTS.items() if s.widget in {"slider", "number"} and s.minimum is not None]


@dataclass(frozen=True)
class GoalSeekResult:
    """The solved input value (None: no solution in range) and what it achieves."""

    field: str
    value: float | None
    achieved: float | None
    low: float | None  # lowest metric over the range (for "no solution" messages)
    high: float | None


def _evaluate(scenario: Scenario, field: str, x: float, option: Option, metric: Metric) -> float:
    value = float(round(x)) if isinstance(INPUTS[field].default, int) else float(x)
    return float(_metrics(scenario, field, np.array([value]), option, metric)[0])


def goal_seek(
    scenario: Scenario, field: str, option: Option, metric: Metric, target: float, tolerance: float = 1e-12
) -> GoalSeekResult:
    """Solve `metric(option) = target` for `field` within its allowed range."""
    whole = isinstance(INPUTS[field].default, int)
    xs = input_axis(field, SCAN_POINTS)
    ys = _metrics(scenario, field, xs, option, metric) - target
    finite = np.isfinite(ys)
    low = float(np.min(ys[finite]) + target) if finite.any() else None
    high = float(np.max(ys[finite]) + target) if finite.any() else None
    exact = np.flatnonzero(finite & (ys == 0))
    brackets = [i for i in range(len(xs) - 1) if finite[i] and finite[i + 1] and ys[i] * ys[i + 1] < 0]
    current = float(getattr(scenario, field))
    candidates: list[float] = [float(xs[i]) for i in exact]
    for i in brackets:
        a, b, fa = float(xs[i]), float(xs[i + 1]), float(ys[i])
        for _ in range(200):
            if (whole and b - a <= 1) or (not whole and b - a <= tolerance * max(1.0, abs(a))):
                break
            mid = (a + b) / 2
            if whole:
                mid = float(math.floor(mid))
                if mid <= a:
                    break
            fm = _evaluate(scenario, field, mid, option, metric) - target
            if not math.isfinite(fm):
                break
            if fa * fm <= 0:
                b = mid
            else:
                a, fa = mid, fm
        candidates.append(b if whole else (a + b) / 2)
    if not candidates:
        return GoalSeekResult(field, None, None, low, high)
    best = min(candidates, key=lambda x: abs(x - current))
    value = int(best) if whole else best
    achieved = _evaluate(scenario, field, value, option, metric)
    return GoalSeekResult(field, value, achieved if math.isfinite(achieved) else None, low, high)


def metric_curve(
    scenario: Scenario,
    field: str,
    option: Option,
    metric: Metric,
    points: int = 201,
    span: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The metric across the input's range (default: all of it; vectorised), for the chart."""
    xs = input_axis(field, points, span)
    return xs, _metrics(scenario, field, xs, option, metric)
