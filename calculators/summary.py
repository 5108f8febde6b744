"""The cost answer at the user's scale: what each format costs, which is cheapest, why.

`cost_summary` gathers the figures the Executive summary and the Costs page show, so
that pages only lay them out. Every figure is finite or an explicit None.

>>> from calculators.scenario import Scenario
>>> s = cost_summary(Scenario())
>>> s.total[Format.MICRO], s.total[Format.ILT], s.cheapest.label
(33000.0, 55000.0, 'Microlearning')
>>> s.crossover.cheaper_from, round(s.saving_vs_other)
(477, 22000)
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.costs import Crossover, breakeven_learners, cost_line, crossover, total_cost
from calculators.scenario import INPUTS, Format, Scenario

MAX_LEARNERS = int(INPUTS["learners"].maximum or 100_000)


@dataclass(frozen=True)
class CostSummary:
    """Cost figures at `learners` learners, under `scenario`'s cost basis.

    `other_basis_total` is each format's total under the other cost basis (fully loaded
    if this one is the seed table, and the other way round), so the UI can show how much
    the switch moves the answer.
    """

    scenario: Scenario
    learners: int
    total: dict[Format, float]
    per_learner: dict[Format, float]
    breakeven: dict[Format, float | None]
    crossover: Crossover | None
    cheapest: Format | None  # None when both cost the same
    saving_vs_other: float  # how much cheaper the cheapest is than the other (>= 0)
    other_basis_total: dict[Format, float]
    other_basis_cheapest: Format | None


def _cheapest(total: dict[Format, float]) -> Format | None:
    micro, ilt = total[Format.MICRO], total[Format.ILT]
    if micro == ilt:
        return None
    return Format.MICRO if micro < ilt else Format.ILT


def _totals(scenario: Scenario) -> dict[Format, float]:
    return {f: float(total_cost(cost_line(scenario, f), scenario.learners)) for f in Format}


def cost_summary(scenario: Scenario) -> CostSummary:
    """All cost figures for `scenario` at its learner count (money in its currency)."""
    lines = {f: cost_line(scenario, f) for f in Format}
    total = _totals(scenario)
    other = scenario.model_copy(update={"fully_loaded": not scenario.fully_loaded})
    other_total = _totals(other)
    cheapest = _cheapest(total)
    return CostSummary(
        scenario=scenario,
        learners=scenario.learners,
        total=total,
        per_learner={f: total[f] / scenario.learners for f in Format},
        breakeven={
            f: breakeven_learners(lines[f], scenario.benefit_per_learner, MAX_LEARNERS) for f in Format
        },
        crossover=crossover(lines[Format.MICRO], lines[Format.ILT], MAX_LEARNERS),
        cheapest=cheapest,
        saving_vs_other=abs(total[Format.MICRO] - total[Format.ILT]),
        other_basis_total=other_total,
        other_basis_cheapest=_cheapest(other_total),
    )
