"""Costs per format, the microlearning / instructor-led crossover, and break-even.

Total cost of a format for N learners (money, over the whole horizon):

    C(N) = F + v·N                                   (seed 002's cost table)
         + N·m·(p + [t·w])                            (m nudges per learner over the horizon)
         + fully loaded:  N·h·w                       (learners' seat time)
                        + ceil(N / k)·c               (instructor-led classes of k seats)
                        + r·(H − 1)                   (content refresh from year 2 on)

with F the development cost, v the cost per learner, p the cost of one nudge and t its
learner time in hours (counted when fully loaded), h the hours each learner spends,
w the loaded cost of an hour, k seats per class, c the cost of one class, r the refresh
cost per year and H the horizon in years.

Seed 002's table (micro F = 30,000, v = 3; ILT F = 10,000, v = 45) crosses at
N* = 20,000 / 42 ≈ 476.19 learners, so microlearning is cheaper from 477:

>>> from calculators.scenario import Scenario
>>> x = crossover(cost_line(Scenario(), Format.MICRO), cost_line(Scenario(), Format.ILT))
>>> round(x.learners, 2), x.cheaper_from, x.cheaper_above.label
(476.19, 477, 'Microlearning')

Every function returns finite numbers or an explicit `None` ("the lines never cross",
"never breaks even"); none raises on a valid scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calculators.retention import nudges_in
from calculators.scenario import Format, Scenario

DAYS_PER_YEAR = 365.0
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CostLine:
    """The cost structure of one format: C(N) = fixed + per_learner·N + ceil(N/k)·per_class.

    All money in the scenario's currency. `per_class` is 0 when there are no class costs.
    """

    format: Format
    fixed: float
    per_learner: float
    class_size: int = 1
    per_class: float = 0.0

    @property
    def has_steps(self) -> bool:
        if isinstance(self.per_class, (int, float)):  # one scenario: no array to make
            return bool(self.per_class > 0)
        return bool(np.any(np.asarray(self.per_class) > 0))

    @property
    def long_run_per_learner(self) -> float:
        """Average cost of one more learner at scale: v + c/k."""
        return self.per_learner + self.per_class / self.class_size


def cost_line(scenario: Scenario, fmt: Format) -> CostLine:
    """The cost structure of `fmt` under `scenario` (fully loaded or the vendor cost table).

    `scenario` may also be the model's inputs, whose fields can be arrays of draws
    (`calculators.model.Inputs`); the line's numbers are then arrays too.

    >>> s = Scenario(fully_loaded=True)
    >>> line = cost_line(s, Format.ILT)
    >>> line.fixed, line.per_learner, line.class_size, line.per_class
    (12000.0, 405.0, 20, 800.0)
    """
    f = scenario.format(fmt)
    loaded = scenario.fully_loaded
    nudges = nudges_in(scenario.horizon_years * DAYS_PER_YEAR, f.nudge_days or None)
    per_learner = f.cost_per_learner
    if nudges:
        nudge_time = scenario.nudge_minutes / 60.0 * scenario.loaded_hourly_cost if loaded else 0.0
        per_learner = per_learner + nudges * (scenario.cost_per_nudge + nudge_time)
    if not loaded:
        return CostLine(fmt, f.fixed_cost, per_learner)
    return CostLine(
        fmt,
        f.fixed_cost + f.refresh_per_year * (scenario.horizon_years - 1),
        per_learner + f.seat_hours * scenario.loaded_hourly_cost,
        f.class_size,
        f.cost_per_class,
    )


def classes_needed(learners: FloatArray | float, class_size: FloatArray | int) -> FloatArray:
    """Classes of at most `class_size` seats needed for `learners` whole people: ceil(N / k).

    Learner counts are rounded to whole people first, so a share computed in floating
    point (7 % of 6,000 = 420.00000000000006) does not open a class for a fraction of one.

    >>> classes_needed(np.array([0, 1, 20, 21, 40]), 20).tolist()
    [0.0, 1.0, 1.0, 2.0, 2.0]
    >>> classes_needed(0.07 * 6_000, 20).item()
    21.0
    """
    return np.ceil(np.round(np.asarray(learners, dtype=np.float64)) / class_size)


def total_cost(line: CostLine, learners: FloatArray | float) -> FloatArray:
    """Total cost for each learner count (vectorised: one call for any number of points).

    >>> micro = CostLine(Format.MICRO, 30_000, 3)
    >>> total_cost(micro, np.array([0, 1_000])).tolist()
    [30000.0, 33000.0]
    >>> ilt = CostLine(Format.ILT, 10_000, 45, class_size=20, per_class=800)
    >>> total_cost(ilt, 21).item()
    12545.0
    """
    n = np.asarray(learners, dtype=np.float64)
    cost = line.fixed + line.per_learner * n
    if line.has_steps:
        cost = cost + classes_needed(n, line.class_size) * line.per_class
    return cost


def cost_per_learner(line: CostLine, learners: FloatArray | float) -> FloatArray:
    """Average cost of one learner, C(N) / N, for N ≥ 1 (money per learner).

    >>> cost_per_learner(CostLine(Format.MICRO, 30_000, 3), np.array([1, 1_000])).tolist()
    [30003.0, 33.0]
    """
    n = np.maximum(np.asarray(learners, dtype=np.float64), 1.0)
    return total_cost(line, n) / n


def seat_time_cost(learners: float, hours_per_learner: float, hourly_cost: float) -> float:
    """Participants' time as a cost: N · h · w (Phillips 'fully loaded' costs).

    >>> seat_time_cost(1_000, 8, 45)
    360000.0
    """
    return float(learners) * float(hours_per_learner) * float(hourly_cost)


@dataclass(frozen=True)
class Crossover:
    """Where two formats' cost curves cross for the last time.

    `learners` is the learner count at the crossing (fractional for straight lines),
    `cheaper_from` the first whole learner count from which `cheaper_above` stays
    strictly cheaper, and `cheaper_below` the format that is cheaper (or equal) before.
    """

    learners: float
    cheaper_from: int
    cheaper_below: Format
    cheaper_above: Format


def _last_sign_run(diff: FloatArray) -> int | None:
    """Index after the last entry of `diff` that is not > 0, or None if all are > 0."""
    not_positive = np.flatnonzero(diff <= 0)
    return None if not_positive.size == 0 else int(not_positive[-1]) + 1


def crossover(a: CostLine, b: CostLine, max_learners: int = 100_000) -> Crossover | None:
    """The last crossing of two cost curves within 1..`max_learners` learners, or None.

    Straight lines (no class steps) cross at N* = (F_a − F_b) / (v_b − v_a); the format
    with the lower cost per learner is cheaper from floor(N*) + 1. None when the lines
    are parallel, or when one format is cheaper (or equal) at every count in range.
    With class steps the curves are compared at every whole learner count.

    >>> micro = CostLine(Format.MICRO, 30_000, 3)
    >>> ilt = CostLine(Format.ILT, 10_000, 45)
    >>> x = crossover(micro, ilt)
    >>> round(x.learners, 4), x.cheaper_from
    (476.1905, 477)
    >>> crossover(micro, CostLine(Format.ILT, 10_000, 3)) is None  # parallel: never cross
    True
    """
    if not a.has_steps and not b.has_steps:
        dv = b.per_learner - a.per_learner
        if dv == 0:
            return None
        at = (a.fixed - b.fixed) / dv
        if not math.isfinite(at) or at < 1 or at >= max_learners:
            return None
        above, below = (a, b) if dv > 0 else (b, a)
        cheaper_from = math.floor(at) + 1
        # `at` carries rounding error: a tie at a whole count N can come out as N − 1e-14
        # (e.g. 4,579.8 / 44.9). Settle the first strictly cheaper count on the costs.
        if total_cost(above, cheaper_from) >= total_cost(below, cheaper_from):
            cheaper_from += 1
        elif total_cost(above, cheaper_from - 1) < total_cost(below, cheaper_from - 1):
            cheaper_from -= 1
        if cheaper_from < 2 or cheaper_from > max_learners:
            return None
        at = min(max(at, cheaper_from - 1.0), math.nextafter(float(cheaper_from), 0.0))
        return Crossover(at, cheaper_from, below.format, above.format)

    n = np.arange(1, max_learners + 1, dtype=np.float64)
    diff_ab = total_cost(b, n) - total_cost(a, n)  # > 0 where a is strictly cheaper
    above, below = (a, b) if diff_ab[-1] > 0 else (b, a)
    diff = diff_ab if above is a else -diff_ab
    last = _last_sign_run(diff)
    if last is None or last >= max_learners:
        return None
    cheaper_from = last + 1
    before, after = float(diff[last - 1]), float(diff[last])
    same_block = not any(
        line.has_steps and math.ceil(last / line.class_size) != math.ceil(cheaper_from / line.class_size)
        for line in (a, b)
    )
    at = last + (-before / (after - before)) if same_block and after != before else float(last)
    return Crossover(at, cheaper_from, below.format, above.format)


def breakeven_learners(
    line: CostLine, benefit_per_learner: float, max_learners: int = 100_000
) -> float | None:
    """Learners at which benefits pay for the costs: N_be = F / (b − v); None when b ≤ v.

    `benefit_per_learner` (b) is money per learner over the horizon. With class steps the
    long-run margin is b − v − c/k, and the first whole count from which benefits stay
    at or above costs is returned (None if it lies beyond `max_learners`).

    >>> breakeven_learners(CostLine(Format.MICRO, 30_000, 3), 75)
    416.6666666666667
    >>> breakeven_learners(CostLine(Format.ILT, 10_000, 45), 45) is None  # no margin
    True
    """
    if not line.has_steps:
        margin = benefit_per_learner - line.per_learner
        if margin <= 0:
            return None
        result = line.fixed / margin
        return result if math.isfinite(result) else None
    if benefit_per_learner - line.long_run_per_learner <= 0:
        return None
    n = np.arange(1, max_learners + 1, dtype=np.float64)
    net = benefit_per_learner * n - total_cost(line, n)
    losing = np.flatnonzero(net < 0)
    if losing.size == 0:
        return 1.0
    last = int(losing[-1]) + 1  # the last whole count that still loses money
    if last >= max_learners:
        return None
    return float(last + 1)


def net_benefit(line: CostLine, benefit_per_learner: float, learners: FloatArray | float) -> FloatArray:
    """Benefits minus costs for each learner count: b·N − C(N) (money).

    >>> net_benefit(CostLine(Format.MICRO, 30_000, 3), 75, np.array([0, 1_000])).tolist()
    [-30000.0, 42000.0]
    """
    n = np.asarray(learners, dtype=np.float64)
    return benefit_per_learner * n - total_cost(line, n)
