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

from dataclasses import dataclass

from calculators.costs import Crossover, cost_line, crossover, total_cost
from calculators.model import FORMAT_OPTION, Option, breakevens, effective
from calculators.roi import all_returns
from calculators.scenario import INPUTS, Format, Scenario

MAX_LEARNERS = int(INPUTS["learners"].maximum or 100_000)


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
