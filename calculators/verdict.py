"""The one verdict: what to do, decided once and said in the same words on every screen.

The options are microlearning, instructor-led, the blend and **not training** (net present
value 0, cost 0). Each is judged by its *expected* net present value: the mean over the
Monte Carlo draws of the link's simulation settings (draws, distribution, seed), on the
screen's basis (as claimed, or defensible when Conservative is on). Then:

1. **pilot first**: a pilot of the Pilot planner's design is worth more than it costs at
   some size tried (its expected value of sample information exceeds its cost): run it
   before committing, whatever leads today;
2. **too close**: the two best options (not training included) differ by no more than the
   close-call band (the close-call share of the larger of their two costs);
3. **don't train**: not training has the highest expected net present value;
4. **go**: otherwise, choose the option with the highest expected net present value.

Deciding on expected values is what the value of information assumes (Claxton 1999;
Strong, Oakley & Brennan 2014): the chance of loss is reported as the risk, and a pilot is
advised only when finding out is worth its cost, never by a separate rule of thumb.

>>> o = Option
>>> d = decide({o.MICRO: 40_000.0, o.ILT: -9_000.0, o.BLEND: 20_000.0}, {o.MICRO: 33_000.0, o.ILT: 55_000.0,
...            o.BLEND: 40_000.0}, 5.0, {o.MICRO: 0.1, o.ILT: 0.8, o.BLEND: 0.3})
>>> d.advice, d.best.label, d.runner_up.label, d.difference, d.band
('go', 'Microlearning', 'Blended', 20000.0, 2000.0)
>>> decide({o.MICRO: -4_000.0, o.ILT: -9_000.0}, {o.MICRO: 33_000.0, o.ILT: 55_000.0}, 5.0).advice
"don't train"
>>> decide({o.MICRO: 1_000.0, o.ILT: -9_000.0}, {o.MICRO: 33_000.0, o.ILT: 55_000.0}, 5.0).advice  # vs not training
'too close'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from calculators.model import Option

Advice = Literal["go", "pilot first", "too close", "don't train"]
SUMMARY_DRAWS = 10_000  # the link's Monte Carlo settings by default (the Monte Carlo page's)
SUMMARY_SEED = 2026
ADVICE_TITLES: dict[str, str] = {
    "go": "Go",
    "pilot first": "Go, but pilot first",
    "too close": "Too close to call",
    "don't train": "Don't train",
}


class PilotWorth(Protocol):
    """What the verdict needs of a pilot: its size, its worth (EVSI), its cost."""

    learners_per_arm: int
    evsi: float
    cost: float


@dataclass(frozen=True)
class Decision:
    """The verdict and what it rests on (money in the scenario's currency).

    `best` and `runner_up` are options, or None for not training. `leading` is the training
    option with the highest expected net present value (what the tiles are about even when
    the advice is not to train). `difference` is the best's lead over the runner-up and
    `band` the close-call band, both in expected net present value. `chance_of_loss` is that
    of `leading`, from the same draws. `pilot` is the pilot size worth most net of its cost,
    when one is worth its cost.
    """

    advice: Advice
    best: Option | None
    runner_up: Option | None
    leading: Option
    expected_npv: dict[Option, float]
    costs: dict[Option, float]
    difference: float
    band: float
    chance_of_loss: float | None
    pilot: PilotWorth | None

    @property
    def title(self) -> str:
        return ADVICE_TITLES[self.advice]


def _value(npv: Mapping[Option, float], o: Option | None) -> float:
    return 0.0 if o is None else float(npv[o])


def _cost(costs: Mapping[Option, float], o: Option | None) -> float:
    return 0.0 if o is None else float(costs[o])


def decide(
    expected_npv: Mapping[Option, float],
    costs: Mapping[Option, float],
    close_call_pct: float,
    chance_of_loss: Mapping[Option, float] | None = None,
    pilots: list[PilotWorth] | tuple[PilotWorth, ...] = (),
) -> Decision:
    """The verdict over the options in `expected_npv` and not training (see the module docstring).

    Ties in expected value go to the cheaper option (not training is the cheapest of all).
    `pilots`: the pilot sizes tried, each with its worth and cost; the best net one is
    advised when its worth exceeds its cost.

    >>> class P:  # a pilot of 100 per arm worth $9,000 for $4,800
    ...     learners_per_arm, evsi, cost = 100, 9_000.0, 4_800.0
    >>> d = decide({Option.MICRO: 40_000.0}, {Option.MICRO: 33_000.0}, 5.0, pilots=[P()])
    >>> d.advice, d.title, d.pilot.learners_per_arm
    ('pilot first', 'Go, but pilot first', 100)
    """
    npv = {o: float(v) for o, v in expected_npv.items()}
    cost = {o: float(costs[o]) for o in npv}
    candidates: list[Option | None] = [*npv, None]
    ranked = sorted(candidates, key=lambda o: (-_value(npv, o), _cost(cost, o)))
    best, runner_up = ranked[0], ranked[1]
    difference = _value(npv, best) - _value(npv, runner_up)
    band = close_call_pct / 100.0 * max(_cost(cost, best), _cost(cost, runner_up))
    leading = max(npv, key=lambda o: (npv[o], -cost[o]))
    worth = [p for p in pilots if p.evsi - p.cost > 0]
    pilot = max(worth, key=lambda p: (p.evsi - p.cost, -p.learners_per_arm)) if worth else None
    advice: Advice
    if pilot is not None:
        advice = "pilot first"
    elif difference <= band:
        advice = "too close"
    elif best is None:
        advice = "don't train"
    else:
        advice = "go"
    loss = None if chance_of_loss is None else float(chance_of_loss[leading])
    return Decision(advice, best, runner_up, leading, npv, cost, difference, band, loss, pilot)


def decide_on_returns(returns: Mapping[Option, Any], close_call_pct: float) -> Decision:
    """`decide` on each option's returns at the most likely values (anything with `npv` and
    `costs`: `calculators.roi.Returns`), for tables that try one assumption after another.

    >>> from calculators.roi import all_returns
    >>> from calculators.scenario import Scenario
    >>> decide_on_returns(all_returns(Scenario(turnover_on=False)), 5.0).advice
    "don't train"
    """
    return decide(
        {o: r.npv for o, r in returns.items()}, {o: r.costs for o, r in returns.items()}, close_call_pct
    )


@dataclass(frozen=True)
class Simulation:
    """The Monte Carlo settings every screen's verdict and chance of loss use: the link's
    (the Monte Carlo page's draws, distribution and random seed)."""

    draws: int = SUMMARY_DRAWS
    distribution: str = "triangular"
    seed: int = SUMMARY_SEED

    @property
    def words(self) -> str:
        """How a Basis line names them.

        >>> Simulation().words
        '10,000 simulated outcomes (triangular, draw set 2026)'
        """
        return f"{self.draws:,} simulated outcomes ({self.distribution}, draw set {self.seed})"


@dataclass(frozen=True)
class PilotPlan:
    """The Pilot planner's pilot, as its settings define it: the effect measured (a model
    input), its direction, arm A's rate, learners per arm and the design effect."""

    field: str
    direction: int
    baseline: float
    per_arm: int
    design_effect: float = 1.0


DEFAULT_SIMULATION = Simulation()  # what a link that sets no Monte Carlo setting asks for
