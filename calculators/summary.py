"""The answer at the user's scale, on one basis: what each format costs, which is cheapest,
where they cross and from how many learners each pays back (the verdict is `calculators.verdict`).

Every figure here comes from the model core (`calculators.model`) on the scenario's own
basis (the switches applied once, by the core), so the tiles, the sentences and the charts
of a screen can never disagree. Every figure is finite or an explicit None.

>>> from calculators.scenario import Scenario
>>> s = cost_summary(Scenario())
>>> s.total[Format.MICRO], s.total[Format.ILT], s.cheapest.label
(33000.0, 55000.0, 'Microlearning')
>>> s.crossover.cheaper_from, round(s.saving_vs_other), s.breakeven[Option.MICRO]
(477, 22000, 93)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calculators.costs import Crossover, cost_line, cost_per_learner, crossover, total_cost
from calculators.model import FORMAT_OPTION, Option, breakevens, effective, evaluate
from calculators.roi import all_returns
from calculators.scenario import INPUTS, Format, Scenario

MAX_LEARNERS = int(INPUTS["learners"].maximum or 100_000)
MAX_POINTS = 2_001  # learner counts a chart draws at most


@dataclass(frozen=True)
class CostSummary:
    """Cost figures at `learners` learners on the basis of `scenario` (the effective scenario:
    what the model reads once the switches are applied).

    `breakeven` is the learner count from which a format's benefits cover its costs
    (ROI ≥ 0), with the same benefits as the ROI figures. `other_basis_cheapest` is the
    cheaper format had the cost basis been the other one (fully loaded or the vendor
    table): only a warning when it differs, never a second set of numbers.
    """

    scenario: Scenario
    learners: int
    total: dict[Format, float]
    per_learner: dict[Format, float]
    breakeven: dict[Option, int | None]
    crossover: Crossover | None
    cheapest: Format | None  # None when both cost the same
    saving_vs_other: float  # how much cheaper the cheapest is than the other (>= 0)
    other_basis_cheapest: Format | None

    @property
    def fully_loaded(self) -> bool:
        return self.scenario.fully_loaded


def _cheapest(total: dict[Format, float]) -> Format | None:
    micro, ilt = total[Format.MICRO], total[Format.ILT]
    if micro == ilt:
        return None
    return Format.MICRO if micro < ilt else Format.ILT


def cost_summary(scenario: Scenario) -> CostSummary:
    """All cost figures for `scenario` at its learner count (money in its currency)."""
    s = effective(scenario)
    returns = all_returns(scenario)  # kept: the page's headline asks for the same returns
    total = {f: float(returns[FORMAT_OPTION[f]].costs) for f in Format}
    other = s.with_changes(fully_loaded=not s.fully_loaded)
    other_total = {f: float(total_cost(cost_line(other, f), s.learners)) for f in Format}
    lines = {f: cost_line(s, f) for f in Format}
    return CostSummary(
        scenario=s,
        learners=s.learners,
        total=total,
        per_learner={f: total[f] / s.learners for f in Format},
        breakeven=breakevens(scenario, tuple(Option), MAX_LEARNERS),
        crossover=crossover(lines[Format.MICRO], lines[Format.ILT], MAX_LEARNERS),
        cheapest=_cheapest(total),
        saving_vs_other=abs(total[Format.MICRO] - total[Format.ILT]),
        other_basis_cheapest=_cheapest(other_total) if not scenario.conservative else _cheapest(total),
    )


def nice_ceiling(x: float) -> int:
    """The next 1, 2, 2.5 or 5 × 10^k at or above x (at least 10): an axis end people read.

    >>> nice_ceiling(954), nice_ceiling(2001), nice_ceiling(7)
    (1000, 2500, 10)
    """
    x = max(float(x), 10.0)
    power = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= x:
            return int(m * power)
    return int(10 * power)


def chart_range(summary: CostSummary) -> int:
    """The learner range the cost charts and the workbook's tables show: up to twice the user's
    count, 1.6 × the crossover and 1.6 × each break-even, rounded up to a nice number, at most
    the model's largest count.

    >>> from calculators.scenario import Scenario
    >>> chart_range(cost_summary(Scenario()))  # twice the default 1,000 learners
    2000
    """
    marks = [2 * summary.learners]
    if summary.crossover is not None:
        marks.append(1.6 * summary.crossover.learners)
    marks += [
        1.6 * summary.breakeven[FORMAT_OPTION[f]]
        for f in Format
        if summary.breakeven[FORMAT_OPTION[f]] is not None
    ]
    return min(nice_ceiling(max(marks)), MAX_LEARNERS)


def learner_grid(x_max: int, start: int = 0) -> np.ndarray:
    """Learner counts to draw from `start` to `x_max`: every whole count when at most
    `MAX_POINTS` (class steps stay sharp), else `MAX_POINTS` evenly spaced whole counts.

    >>> learner_grid(4, start=1).tolist(), len(learner_grid(100_000))
    ([1.0, 2.0, 3.0, 4.0], 2001)
    """
    if x_max - start + 1 <= MAX_POINTS:
        return np.arange(start, x_max + 1, dtype=np.float64)
    return np.unique(np.round(np.linspace(start, x_max, MAX_POINTS)))


@dataclass(frozen=True)
class Curves:
    """A figure per format at each learner count of `learners` (what the cost charts draw)."""

    learners: np.ndarray
    values: dict[Format, np.ndarray]


def total_cost_curves(summary: CostSummary) -> Curves:
    """Each format's total cost (currency) from 0 learners to `chart_range`.

    >>> from calculators.scenario import Scenario
    >>> c = total_cost_curves(cost_summary(Scenario()))
    >>> float(c.values[Format.MICRO][1000]), float(c.values[Format.ILT][1000])  # 30,000 + 3 × 1,000; 10,000 + 45 × 1,000
    (33000.0, 55000.0)
    """
    n = learner_grid(chart_range(summary))
    return Curves(n, {f: total_cost(cost_line(summary.scenario, f), n) for f in Format})


def per_learner_curves(summary: CostSummary) -> Curves:
    """Each format's average cost per learner (currency) from 1 learner to `chart_range`.

    >>> from calculators.scenario import Scenario
    >>> c = per_learner_curves(cost_summary(Scenario()))
    >>> float(c.values[Format.MICRO][0]), float(c.values[Format.ILT][0])  # one learner: 30,003 and 10,045
    (30003.0, 10045.0)
    """
    n = learner_grid(chart_range(summary), start=1)
    return Curves(n, {f: cost_per_learner(cost_line(summary.scenario, f), n) for f in Format})


def net_benefit_curves(summary: CostSummary) -> Curves:
    """Each format's benefits minus costs (currency, the ROI figures' basis) from 1 learner to
    `chart_range`: zero at its break-even.

    >>> from calculators.scenario import Scenario
    >>> c = net_benefit_curves(cost_summary(Scenario()))
    >>> bool(c.values[Format.MICRO][91] < 0 < c.values[Format.MICRO][92])  # 92 loses, 93 gains
    True
    """
    n = learner_grid(chart_range(summary), start=1)
    outcome = evaluate(summary.scenario, {"learners": n}, (Option.MICRO, Option.ILT))
    return Curves(n, {f: outcome[FORMAT_OPTION[f]].net for f in Format})


def crossover_cost(summary: CostSummary) -> float | None:
    """The total cost (currency) of both formats where they cross; None if they never do.

    >>> from calculators.scenario import Scenario
    >>> round(crossover_cost(cost_summary(Scenario())))  # 10,000 + 45 × 476.2
    31429
    """
    x = summary.crossover
    return None if x is None else float(total_cost(cost_line(summary.scenario, x.cheaper_above), x.learners))
