"""The answer at the user's scale, on one basis: what each format costs, which is cheapest,
where they cross, from how many learners each pays back, and the verdict.

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
from typing import Literal

from calculators.costs import Crossover, cost_line, crossover, total_cost
from calculators.model import FORMAT_OPTION, Option, breakevens, effective
from calculators.roi import Returns, all_returns
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


Call = Literal["choose", "too close", "none pays back"]


@dataclass(frozen=True)
class Verdict:
    """What the summary recommends, and why, on the screen's basis.

    `call` is "choose" (one option leads by more than the close-call band), "too close"
    (the two best differ by less than the band) or "none pays back" (no option has a
    positive net present value; the cheapest is then named). `difference` is the lead in
    net present value (in cost when none pays back) and `band` the close-call band in money.
    """

    call: Call
    best: Option
    runner_up: Option
    difference: float
    band: float


def verdict(npv: dict[Option, float], costs: dict[Option, float], close_call_pct: float) -> Verdict:
    """The recommendation: the highest net present value, unless the runner-up is within
    `close_call_pct` % of the larger of the two options' costs; when no option has a
    positive NPV, the cheapest option, with the same band on cost.

    >>> o = Option
    >>> verdict({o.MICRO: 4_826, o.ILT: -17_000, o.BLEND: -1_000}, {o.MICRO: 33_000, o.ILT: 55_000, o.BLEND: 35_000}, 5)
    Verdict(call='choose', best=<Option.MICRO: 'micro'>, runner_up=<Option.BLEND: 'blend'>, difference=5826, band=1750.0)
    >>> verdict({o.MICRO: -9, o.ILT: -8}, {o.MICRO: 30_003, o.ILT: 30_010}, 5).call
    'none pays back'
    >>> verdict({o.MICRO: 900, o.ILT: 800}, {o.MICRO: 30_000, o.ILT: 31_000}, 5).call  # 100 < 5 % of 31,000
    'too close'
    """
    share = close_call_pct / 100.0
    if max(npv.values()) > 0:
        ranked = sorted(npv, key=lambda o: (-npv[o], costs[o]))
        best, second = ranked[0], ranked[1]
        difference = npv[best] - npv[second]
        band = share * max(costs[best], costs[second])
        call: Call = "too close" if difference <= band else "choose"
        return Verdict(call, best, second, difference, band)
    ranked = sorted(costs, key=lambda o: (costs[o], -npv[o]))
    best, second = ranked[0], ranked[1]
    band = share * max(costs[best], costs[second])
    return Verdict("none pays back", best, second, costs[second] - costs[best], band)


def verdict_of(returns: dict[Option, Returns], close_call_pct: float) -> Verdict:
    """`verdict` over each option's returns (their NPV and costs), as every screen states it.

    >>> from calculators.roi import all_returns
    >>> verdict_of(all_returns(Scenario()), 5.0).best.label
    'Microlearning'
    """
    return verdict(
        {o: r.npv for o, r in returns.items()}, {o: r.costs for o, r in returns.items()}, close_call_pct
    )
