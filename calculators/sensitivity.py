"""Sensitivity: the tornado of ROI (or NPV) swings, and the break-even frontier over two inputs.

Tornado: each ranged input moves across its low..high range (five evenly spaced points,
so a non-monotone effect is caught), the others stay at their most likely values; a bar
spans the lowest and highest result. Bars are sorted by swing, largest first, and always
contain the base result (the most likely value is one of the points). All rows are one
vectorised call of the model core, `calculators.model.evaluate`.

Frontier: the metric over a grid of two inputs; its zero contour is where ROI = 0.

>>> from calculators.scenario import Scenario
>>> base, bars = tornado(Scenario(), Option.MICRO, "ROI")
>>> bars[0].low_result <= base <= bars[0].high_result
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from calculators.model import NO_PAYBACK, Option, Outcome, effective, evaluate
from calculators.ranges import RANGED_FIELDS, all_triangles, input_axis
from calculators.scenario import Scenario, input_title

Metric = Literal["ROI", "NPV"]
FloatArray = npt.NDArray[np.float64]
POINTS = 5


def _metric(r: Outcome, metric: Metric) -> FloatArray:
    return r.roi_pct if metric == "ROI" else r.npv


@dataclass(frozen=True)
class TornadoBar:
    """One input's swing: the input range and the lowest / highest result across it."""

    field: str
    label: str
    low_input: float
    high_input: float
    low_result: float
    high_result: float
    result_at_low_input: float
    result_at_high_input: float

    @property
    def swing(self) -> float:
        return self.high_result - self.low_result


def tornado(
    scenario: Scenario,
    option: Option,
    metric: Metric,
    overrides: Mapping[str, tuple[float, float]] | None = None,
    points: int = POINTS,
) -> tuple[float, list[TornadoBar]]:
    """The base result and one bar per ranged input, largest swing first (zero swings dropped)."""
    s = effective(scenario)
    triangles = all_triangles(s, overrides)
    fields = list(RANGED_FIELDS)
    rows = len(fields) * points + 1  # the last row is the base case
    values: dict[str, FloatArray] = {}
    for i, field in enumerate(fields):
        low, mode, high = triangles[field]
        column = np.full(rows, mode)
        grid = np.linspace(low, high, points)
        grid[np.argmin(np.abs(grid - mode))] = mode  # the most likely value is always one point
        column[i * points : (i + 1) * points] = grid
        values[field] = column
    results = _metric(evaluate(scenario, values, (option,), paybacks=NO_PAYBACK)[option], metric)
    base = float(results[-1])
    bars = []
    for i, field in enumerate(fields):
        block = results[i * points : (i + 1) * points]
        finite = block[np.isfinite(block)]
        if finite.size == 0:
            continue
        low, _, high = triangles[field]
        lo_r, hi_r = float(min(finite.min(), base)), float(max(finite.max(), base))
        if hi_r - lo_r <= 1e-12 * max(1.0, abs(base)):
            continue
        at_low = float(block[0]) if np.isfinite(block[0]) else base
        at_high = float(block[-1]) if np.isfinite(block[-1]) else base
        bars.append(TornadoBar(field, input_title(field), low, high, lo_r, hi_r, at_low, at_high))
    bars.sort(key=lambda b: b.swing, reverse=True)
    return base, bars


def frontier(
    scenario: Scenario,
    option: Option,
    metric: Metric,
    x_field: str,
    y_field: str,
    resolution: int = 60,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The metric over a grid of two inputs (default: their allowed ranges): (xs, ys, z[y, x])."""
    xs, ys = input_axis(x_field, resolution, x_range), input_axis(y_field, resolution, y_range)
    gx, gy = np.meshgrid(xs, ys)
    r = evaluate(scenario, {x_field: gx.ravel(), y_field: gy.ravel()}, (option,), paybacks=NO_PAYBACK)[option]
    return xs, ys, _metric(r, metric).reshape(gy.shape)
