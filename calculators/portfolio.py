"""The budget planner: several programs, one budget — the best choice for each, the expected
NPV every extra dollar buys, and the risk of the whole plan.

A **program** is a scenario with a name (and its own uncertainty ranges). It can run in one
of four ways, its **choices**: microlearning, instructor-led, the blend at its best mix, or
not training (cost 0, NPV 0). For each choice:

- **cost**: the programme's total cost over its horizon at the most likely values, money,
  undiscounted — everything paid up front plus each later year's content refresh and
  nudges (`Outcome.costs`, the "cost" every screen, the verdict and the close-call band
  use: `Returns.costs` of `calculators.roi.all_returns`). Not its present value. A budget
  is therefore a budget for the programmes' whole horizons;
- **expected NPV**: the mean net present value over the scenario's Monte Carlo draws
  (`MonteCarlo.expected_npv`, what the verdict decides on), money. Microlearning's and
  instructor-led's are the verdict's own figures; the blend's is the blend at its best mix
  (`calculators.roi.best_share`, the Blend page's best mix for the scenario's "Best mix
  means"), not the mix on screen.

A **plan** takes one choice per program. The **best plan** for a budget B maximises

    Σ_p E[NPV_p(choice_p)]   subject to   Σ_p cost_p(choice_p) ≤ B,

with every required program funded (its choice is not "not training"): a multiple-choice
knapsack. Ties go to the cheaper plan, as the verdict's ties go to the cheaper option.

**Method, exact.** The efficient frontier is built program by program (a Pareto dynamic
programme, Nemhauser & Ullmann 1969): after each program only the partial plans that no
other partial plan beats on both cost and expected NPV are kept; a plan so beaten can never
complete into a better plan than the one beating it, so nothing optimal is dropped. The
plans left at the end are the frontier's steps: each is the best plan for every budget from
its cost up to the next step's. The best plan for a budget is the last step it affords.
Sums run program by program from 0 in the programs' order, the same additions a plain loop
makes, so a brute force over every combination finds exactly the same best NPV.

**The plan's risk** is read off per-draw sums: draw d of the plan's NPV is Σ_p NPV_p,d of
the choices it takes, all programs' draws from the same draw index d. Its P10, P50, P90 are
percentiles of those sums (not the sums of the programs' percentiles) and its chance of loss
the share of draws with a plan NPV below 0. Over 10^5 draws the plan's risk is drawn apart
(`drawn_plan_risk`, in the app's worker process): each funded program's run with the same
settings, summed per draw the same way, only the summary (percentiles, chance of loss,
histogram) kept: the same numbers as `plan_risk` of the same draws.

**Shared assumptions, drawn once.** `choices_of` runs every program's Monte Carlo with the
same simulation settings (draws, distribution, seed), as every single-program page does.
`calculators.simulation.draw_inputs` seeds each input from (seed, the input's place in
`RANGED_FIELDS`), so an input with the same range in several programs (the discount rate,
the attribution share, a cost per learner entered once) takes the same value in the same
draw in all of them: it is drawn once, not independently. An input whose range differs
between programs (each program's own learner count, say) is drawn from the same random
numbers too: with triangular ranges it moves with its namesake (a high draw in one program
is mostly a high draw in the other; rank correlation about 0.9 for differently shaped
ranges, 1 for ranges of the same shape), which widens a plan's spread rather than letting
it diversify away, the cautious reading; with PERT ranges of different shapes numpy's beta
sampler uses a varying count of random numbers, so after the first few draws they are
independent. Different inputs stay independent, as on every page. Each program's draws
are therefore its single-program run's, which a caller can pass in
(`program_choices(..., npv_draws=...)`) instead of running them again.

Worked example: three programs, a budget of $100,000.

>>> sales = ProgramChoices("Sales onboarding", (Choice(Option.MICRO, 30_000, 90_000),
...     Choice(Option.ILT, 60_000, 150_000), Choice(Option.BLEND, 45_000, 130_000, 0.4)))
>>> compliance = ProgramChoices("Compliance", (Choice(Option.MICRO, 20_000, 15_000),
...     Choice(Option.ILT, 80_000, -10_000), Choice(Option.BLEND, 50_000, 5_000, 0.5)))
>>> leadership = ProgramChoices("Leadership", (Choice(Option.MICRO, 10_000, -2_000),
...     Choice(Option.ILT, 40_000, 60_000), Choice(Option.BLEND, 25_000, 35_000, 0.3)))
>>> plan = best_plan((sales, compliance, leadership), 100_000)
>>> plan.cost, plan.expected_npv, plan.words
(100000.0, 210000.0, 'Sales onboarding: instructor-led; Leadership: instructor-led')
>>> steps = frontier((sales, compliance, leadership))
>>> steps.next_buys(100_000, 20_000), steps.at(120_000).words  # what $20k more buys
(15000.0, 'Sales onboarding: instructor-led; Compliance: microlearning; Leadership: instructor-led')
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.model import Option
from calculators.ranges import ranges_key
from calculators.roi import all_returns, best_share
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from calculators.verdict import DEFAULT_SIMULATION, Simulation

FloatArray = npt.NDArray[np.float64]
Ranges = tuple[tuple[str, tuple[float, ...]], ...]
TRAINING_OPTIONS: tuple[Option, ...] = (Option.MICRO, Option.ILT, Option.BLEND)
NO_PLAN_WITHIN_BUDGET = "No plan within the budget funds every program that must run."
NO_PLAN_MEETS_CAP = "No plan within the budget meets the cap on the chance of loss."
TABLE_NUMBERS = 1 << 21  # numbers in one half's table of per-draw sums (16 MB): draws are taken in blocks
FIRST_DRAWS = 256  # the first block of draws a plan is checked on against the cap


@dataclass(frozen=True)
class Program:
    """One candidate program: its name, its scenario and its uncertainty ranges (field →
    (low, high) as `calculators.ranges` reads them; none given: the default ranges). The
    ranges are kept in `ranges_key` form, so a program is hashable.

    >>> Program("Compliance", Scenario(learners=5_000), {"learners": (4_500, 5_500)}).ranges
    (('learners', (4500, 5500)),)
    """

    name: str
    scenario: Scenario
    ranges: Ranges | Mapping[str, tuple[float, float]] = ()

    def __post_init__(self) -> None:
        ranges = self.ranges if isinstance(self.ranges, Mapping) else dict(self.ranges)
        object.__setattr__(self, "ranges", ranges_key(ranges))

    @property
    def range_overrides(self) -> dict[str, tuple[float, ...]]:
        """The ranges as `monte_carlo` takes them."""
        return dict(self.ranges)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Choice:
    """One way to run a program, or not to: `option` None is not training (cost 0, NPV 0).

    `cost`: money over the program's horizon (module docstring); `expected_npv`: money;
    `ilt_share`: the blend's share of learners on the instructor-led track (0..1).

    >>> Choice(Option.BLEND, 40_000, 9_000, 0.3).label, NOT_TRAINING.label
    ('Blended (30 % instructor-led)', 'Not training')
    """

    option: Option | None
    cost: float
    expected_npv: float
    ilt_share: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", float(self.cost))
        object.__setattr__(self, "expected_npv", float(self.expected_npv))
        if not (math.isfinite(self.cost) and self.cost >= 0 and math.isfinite(self.expected_npv)):
            raise ValueError(
                f"a choice needs a finite cost ≥ 0 and a finite NPV, not {self.cost}, {self.expected_npv}"
            )
        if self.option is None and (self.cost != 0 or self.expected_npv != 0):
            raise ValueError("not training costs nothing and returns nothing")

    @property
    def funded(self) -> bool:
        return self.option is not None

    @property
    def label(self) -> str:
        if self.option is None:
            return "Not training"
        return self.option.label + self._mix

    @property
    def in_sentence(self) -> str:
        """The choice inside a sentence: "microlearning", "the blend (30 % instructor-led)"."""
        if self.option is None:
            return "not training"
        return self.option.in_sentence + self._mix

    @property
    def _mix(self) -> str:
        if self.option is Option.BLEND and self.ilt_share is not None:
            return f" ({100 * self.ilt_share:.0f} % instructor-led)"
        return ""


NOT_TRAINING = Choice(None, 0.0, 0.0)


@dataclass(frozen=True)
class ProgramChoices:
    """A program's choices: not training first (always there), then its training options.

    `npv_draws`: each training option's NPV per Monte Carlo draw (money), in the order of
    `options`, all of one length; needed for a plan's risk and the cap on the chance of loss.
    """

    program: str
    options: tuple[Choice, ...]
    npv_draws: tuple[FloatArray, ...] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.options:
            raise ValueError(f"{self.program}: a program needs at least one way to train")
        if any(o.option is None for o in self.options):
            raise ValueError(
                "not training is every program's first choice already: list training options only"
            )
        if self.npv_draws is not None:
            draws = tuple(np.array(d, dtype=np.float64).reshape(-1) for d in self.npv_draws)
            if len(draws) != len(self.options) or len({d.size for d in draws}) > 1:
                raise ValueError("one array of NPV draws per option, all of one length")
            for d in draws:
                d.setflags(write=False)
            object.__setattr__(self, "npv_draws", draws)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return (NOT_TRAINING, *self.options)

    @property
    def draws(self) -> int | None:
        """Number of Monte Carlo draws held (None: no draws)."""
        if self.npv_draws is None:
            return None
        return self.npv_draws[0].size if self.npv_draws else 0

    def draw_table(self) -> FloatArray:
        """NPV per choice (rows, not training's zeros first) and draw (columns)."""
        if self.npv_draws is None:
            raise ValueError(f"{self.program}: the plan's risk needs each choice's NPV per draw")
        size = self.draws or 0
        return np.vstack([np.zeros((1, size)), *(d[None, :] for d in self.npv_draws)])


def choices_from_draws(
    program: str,
    costs: Mapping[Option, float],
    npv_draws: Mapping[Option, npt.ArrayLike],
    ilt_share: float | None = None,
) -> ProgramChoices:
    """A program's choices from each option's cost and NPV per draw: its expected NPV is the
    mean of its draws, as `MonteCarlo.expected_npv` (options in `costs`' order).

    >>> c = choices_from_draws("Leadership", {Option.ILT: 40_000.0}, {Option.ILT: [-10_000.0, 30_000.0, 50_000.0]})
    >>> [(x.label, x.cost, x.expected_npv) for x in c.choices]
    [('Not training', 0.0, 0.0), ('Instructor-led', 40000.0, 23333.333333333332)]
    """
    options = tuple(costs)
    draws = tuple(np.asarray(npv_draws[o], dtype=np.float64).reshape(-1) for o in options)
    return ProgramChoices(
        program,
        tuple(
            Choice(o, costs[o], float(np.mean(d)), ilt_share if o is Option.BLEND else None)
            for o, d in zip(options, draws, strict=True)
        ),
        draws,
    )


def best_mix_scenario(scenario: Scenario) -> Scenario:
    """The scenario with its blend at the best mix (`calculators.roi.best_share`: the share of
    learners instructor-led that best meets its "Best mix means", at the most likely values).
    The mix is not an uncertain input, so every other input's draws are unchanged by it.

    >>> best_mix_scenario(Scenario()).blend_ilt_share_pct  # net present value is best all microlearning
    0.0
    """
    return _best_mix_scenario(scenario)


@lru_cache(maxsize=64)
def _best_mix_scenario(scenario: Scenario) -> Scenario:
    share, _ = best_share(scenario)
    return scenario.with_changes(blend_ilt_share_pct=round(100.0 * share, 9))


def program_run(
    program: Program, simulation: Simulation, simulate: Callable[..., Any] = monte_carlo, **options: Any
) -> Any:
    """The Monte Carlo run of the program's best-mix scenario with `simulation`'s settings
    within its ranges: what its choices' expected NPVs and a plan's risk read. `simulate`:
    `monte_carlo` or a cached run with its signature; `options` go to it (progress, ...)."""
    return simulate(
        best_mix_scenario(program.scenario),
        simulation.draws,
        simulation.seed,
        simulation.distribution,
        program.range_overrides,
        **options,
    )


def program_choices(
    program: Program,
    simulation: Simulation = DEFAULT_SIMULATION,
    npv_draws: Mapping[Option, npt.ArrayLike] | None = None,
) -> ProgramChoices:
    """A program's four choices: costs from `all_returns` of its best-mix scenario (the
    screen's costs), expected NPVs the means of its Monte Carlo NPV draws with `simulation`'s
    settings within its ranges. `npv_draws`: each option's NPV draws already run (a cached
    `monte_carlo(best_mix_scenario(program.scenario), ...).npv`; microlearning's and
    instructor-led's are those of the scenario on screen as well), instead of running them.

    >>> c = program_choices(Program("Onboarding", Scenario()), Simulation(draws=1_000))
    >>> [(x.label, x.cost) for x in c.choices]
    [('Not training', 0.0), ('Microlearning', 33000.0), ('Instructor-led', 55000.0), ('Blended (0 % instructor-led)', 33000.0)]
    >>> c.draws, round(c.options[0].expected_npv, -3) > 0
    (1000, True)
    """
    scenario = best_mix_scenario(program.scenario)
    if npv_draws is None:
        npv_draws = program_run(program, simulation, paybacks_later=True).npv
    returns = all_returns(scenario)
    costs = {o: returns[o].costs for o in TRAINING_OPTIONS}
    return choices_from_draws(program.name, costs, npv_draws, scenario.blend_ilt_share_pct / 100.0)


def choices_of(
    programs: Sequence[Program], simulation: Simulation = DEFAULT_SIMULATION
) -> tuple[ProgramChoices, ...]:
    """Every program's choices, each program drawn with the same simulation settings, so the
    inputs they share are drawn once (module docstring, "Shared assumptions").

    >>> a, b = choices_of([Program("A", Scenario()), Program("B", Scenario(learners=2_000))], Simulation(draws=500))
    >>> bool(np.corrcoef(a.npv_draws[0], b.npv_draws[0])[0, 1] > 0.5)  # the same assumptions, drawn once
    True
    """
    return tuple(program_choices(p, simulation) for p in programs)


@dataclass(frozen=True)
class Plan:
    """One choice per program, its total cost and total expected NPV (money).

    `picks`: each program's choice as its index in `ProgramChoices.choices` (0: not training).
    """

    programs: tuple[str, ...]
    choices: tuple[Choice, ...]
    cost: float
    expected_npv: float
    picks: tuple[int, ...] = field(repr=False)

    @property
    def funded(self) -> tuple[tuple[str, Choice], ...]:
        """The programs the plan runs, with how."""
        return tuple((p, c) for p, c in zip(self.programs, self.choices, strict=True) if c.funded)

    @property
    def words(self) -> str:
        """What the plan funds, in a line: "Sales onboarding: microlearning; ..." or "nothing"."""
        return "; ".join(f"{p}: {c.in_sentence}" for p, c in self.funded) or "nothing"


@dataclass(frozen=True)
class NoPlan:
    """No plan answers: `reason` says why (`NO_PLAN_WITHIN_BUDGET`, `NO_PLAN_MEETS_CAP`)."""

    reason: str


def _plan(choices: Sequence[ProgramChoices], picks: Sequence[int]) -> Plan:
    chosen = tuple(c.choices[int(k)] for c, k in zip(choices, picks, strict=True))
    cost = npv = 0.0
    for c in chosen:  # in the programs' order from 0: the sums every search here makes
        cost += c.cost
        npv += c.expected_npv
    return Plan(tuple(c.program for c in choices), chosen, cost, npv, tuple(int(k) for k in picks))


def _allowed(choices: Sequence[ProgramChoices], required: Collection[str]) -> list[np.ndarray]:
    """Each program's allowed choices (indices into its `choices`): not training left out
    where the program must run."""
    names = [c.program for c in choices]
    if len(set(names)) != len(names):
        raise ValueError("programs need different names")
    unknown = set(required) - set(names)
    if unknown:
        raise ValueError(f"required programs not in the plan: {sorted(unknown)}")
    return [np.arange(1 if c.program in required else 0, len(c.choices)) for c in choices]


def _numbers(
    choices: Sequence[ProgramChoices], allowed: list[np.ndarray]
) -> list[tuple[FloatArray, FloatArray]]:
    out = []
    for c, idx in zip(choices, allowed, strict=True):
        cost = np.array([c.choices[k].cost for k in idx], dtype=np.float64)
        npv = np.array([c.choices[k].expected_npv for k in idx], dtype=np.float64)
        out.append((cost, npv))
    return out


@dataclass(frozen=True)
class Frontier:
    """The best expected NPV at every budget: `steps` in increasing cost and expected NPV;
    step i is the best plan for every budget from `steps[i].cost` up to (not including)
    `steps[i + 1].cost`, and the last one for every budget above. Below the first step's
    cost (the programs that must run) no plan fits. `everything`: the cost of every
    program's dearest choice, the right end of a budget axis (money).
    """

    steps: tuple[Plan, ...]
    everything: float

    def at(self, budget: float) -> Plan | None:
        """The best plan within `budget` (None: the programs that must run cost more)."""
        i = bisect_right([s.cost for s in self.steps], budget) - 1
        return self.steps[i] if i >= 0 else None

    def next_buys(self, budget: float, more: float) -> float | None:
        """The expected NPV that `more` money on top of `budget` buys: best(budget + more) −
        best(budget); None when no plan fits `budget` (fund the programs that must run first)."""
        now, then = self.at(budget), self.at(budget + more)
        if now is None or then is None:
            return None
        return then.expected_npv - now.expected_npv

    def next_step(self, budget: float) -> Plan | None:
        """The next step beyond `budget`: the cheapest plan better than the best within it
        (None: nothing better at any budget)."""
        i = bisect_right([s.cost for s in self.steps], budget)
        return self.steps[i] if i < len(self.steps) else None


def frontier(choices: Sequence[ProgramChoices], required: Collection[str] = ()) -> Frontier:
    """The efficient frontier: the best plan at every budget from nothing to everything
    (module docstring, "Method"), each program funded where it is `required` (its name).

    With n programs of k choices the partial plans kept after each program number at most
    the distinct costs reached; 8 programs × 4 choices are at most 65,536 (in practice a few
    hundred), sorted once per program.

    >>> a = ProgramChoices("A", (Choice(Option.MICRO, 10, 30), Choice(Option.ILT, 20, 35)))
    >>> b = ProgramChoices("B", (Choice(Option.MICRO, 15, -5),))
    >>> [(s.cost, s.expected_npv, s.words) for s in frontier([a, b]).steps]
    [(0.0, 0.0, 'nothing'), (10.0, 30.0, 'A: microlearning'), (20.0, 35.0, 'A: instructor-led')]
    >>> [(s.cost, s.expected_npv) for s in frontier([a, b], required={"B"}).steps]
    [(15.0, -5.0), (25.0, 25.0), (35.0, 30.0)]
    """
    allowed = _allowed(choices, required)
    cost, npv = np.zeros(1), np.zeros(1)
    picks = np.zeros((1, 0), dtype=np.intp)
    everything = 0.0
    for (c, v), idx in zip(_numbers(choices, allowed), allowed, strict=True):
        everything += float(c.max())
        width = len(idx)
        cost = (cost[:, None] + c[None, :]).ravel()
        npv = (npv[:, None] + v[None, :]).ravel()
        picks = np.hstack([np.repeat(picks, width, axis=0), np.tile(idx, len(picks))[:, None]])
        order = np.lexsort((-npv, cost))  # cheapest first; at one cost, the best first
        cost, npv, picks = cost[order], npv[order], picks[order]
        better = np.ones(cost.size, dtype=bool)
        better[1:] = npv[1:] > np.maximum.accumulate(npv)[:-1]  # beats every cheaper (or as cheap) plan
        cost, npv, picks = cost[better], npv[better], picks[better]
    return Frontier(tuple(_plan(choices, row) for row in picks), everything)


def best_plan(
    choices: Sequence[ProgramChoices],
    budget: float,
    required: Collection[str] = (),
    max_loss_chance: float | None = None,
    *,
    steps: Frontier | None = None,
) -> Plan | NoPlan:
    """The plan with the highest expected NPV whose cost is within `budget` (money), every
    `required` program (by name) funded, and, when `max_loss_chance` (a share, 0..1) is set,
    whose chance of loss is at most it (`steps`: `frontier(choices, required)`, if made already).

    Without a cap: the frontier's step at the budget (`frontier`). With one, the chance of
    loss is not a sum over programs, so every plan within the budget is ranked by expected
    NPV (the cheaper first at a tie) and checked in that order, in blocks of 1, 16, 256, …
    plans; the first that meets the cap is the answer: exact, and usually the first block.
    Before that, a bound: in a draw where even every program's best choice loses, every plan
    loses, so when those draws alone exceed the cap no plan can meet it. A plan's per-draw
    NPVs are a meet in the middle: the sums over the first half of the programs plus those
    over the second half (two tables of every half-plan's sums, for blocks of draws of at
    most `TABLE_NUMBERS` numbers), the same additions `plan_npv_draws` makes; a plan drops
    out as soon as its losing draws so far exceed the cap, so most cost a few hundred draws.
    At worst (8 programs × 4 choices, every plan but the last far from the cap) all of the
    65,536 plans are checked.

    >>> a = choices_from_draws("A", {Option.MICRO: 10.0}, {Option.MICRO: [-20.0, 40.0, 40.0, 40.0]})
    >>> b = choices_from_draws("B", {Option.MICRO: 10.0}, {Option.MICRO: [10.0, -50.0, 20.0, 40.0]})
    >>> best_plan([a, b], 20.0).words, best_plan([a, b], 20.0, max_loss_chance=0.25).words
    ('A: microlearning; B: microlearning', 'A: microlearning')
    >>> best_plan([a, b], 20.0, required={"B"}, max_loss_chance=0.2).reason
    'No plan within the budget meets the cap on the chance of loss.'
    >>> best_plan([a, b], 5.0, required={"A"}).reason
    'No plan within the budget funds every program that must run.'
    """
    if not budget >= 0:
        raise ValueError(f"the budget is money from 0 up, not {budget}")
    if max_loss_chance is None:
        plan = (frontier(choices, required) if steps is None else steps).at(budget)
        return plan if plan is not None else NoPlan(NO_PLAN_WITHIN_BUDGET)
    if not 0.0 <= max_loss_chance <= 1.0:
        raise ValueError(f"the cap on the chance of loss is a share from 0 to 1, not {max_loss_chance}")
    return _best_within_cap(choices, budget, _allowed(choices, required), max_loss_chance)


def _best_within_cap(
    choices: Sequence[ProgramChoices], budget: float, allowed: list[np.ndarray], cap: float
) -> Plan | NoPlan:
    tables = _tables(choices)
    draws = tables[0].shape[1] if tables else 0
    cost, npv = np.zeros(1), np.zeros(1)
    for c, v in _numbers(choices, allowed):  # every plan, the first program's choice slowest
        cost = (cost[:, None] + c[None, :]).ravel()
        npv = (npv[:, None] + v[None, :]).ravel()
    within = np.flatnonzero(cost <= budget)
    if within.size == 0:
        return NoPlan(NO_PLAN_WITHIN_BUDGET)
    half = len(choices) // 2
    limit = _losses_allowed(cap, draws)
    if draws and _loss_count(_best_case(tables, allowed, half)) > limit:
        return NoPlan(NO_PLAN_MEETS_CAP)
    order = within[np.lexsort((cost[within], -npv[within]))]
    second = math.prod(len(a) for a in allowed[half:])
    start, size = 0, 1
    while start < order.size:
        block = order[start : start + size]
        found = _first_meeting(tables, allowed, half, block // second, block % second, draws, limit)
        if found is not None:
            plan = np.unravel_index(block[found], [len(a) for a in allowed])
            return _plan(choices, [allowed[p][k] for p, k in enumerate(plan)])
        start, size = start + size, size * 16
    return NoPlan(NO_PLAN_MEETS_CAP)


def _losses_allowed(cap: float, draws: int) -> int:
    """The most losing draws of `draws` whose share (losses / draws, as `plan_risk` divides)
    is at most `cap`.

    >>> _losses_allowed(0.1, 10_000), _losses_allowed(0.2, 5), _losses_allowed(0.0, 7)
    (1000, 1, 0)
    """
    if draws == 0:
        return 0
    k = math.floor(cap * draws)
    while k < draws and (k + 1) / draws <= cap:
        k += 1
    while k > 0 and k / draws > cap:
        k -= 1
    return k


def _tables(choices: Sequence[ProgramChoices]) -> list[FloatArray]:
    tables = [c.draw_table() for c in choices]
    if len({t.shape[1] for t in tables}) > 1:
        raise ValueError("every program's NPV draws must come from the same draws (one length)")
    return tables


def _half_sums(tables: Sequence[FloatArray], allowed: Sequence[np.ndarray], cols: slice) -> FloatArray:
    """Per-draw NPV sums of every plan of these programs (rows, the first program's choice
    slowest) over the draws `cols` (a slice with a start and a stop), added program by
    program from 0; one row of zeros for no programs."""
    width = cols.stop - cols.start
    sums = np.zeros((1, width))
    for table, idx in zip(tables, allowed, strict=True):
        sums = (sums[:, None, :] + table[idx, cols][None, :, :]).reshape(-1, width)
    return sums


def _best_case(tables: Sequence[FloatArray], allowed: Sequence[np.ndarray], half: int) -> FloatArray:
    """Per draw, the plan NPV if every program took its best choice in that draw: no plan
    does better in any draw (the additions are those of `plan_npv_draws`, and rounding keeps order)."""
    parts = []
    for group in (range(half), range(half, len(tables))):
        total = np.zeros(tables[0].shape[1])
        for p in group:
            total = total + tables[p][allowed[p]].max(axis=0)
        parts.append(total)
    return parts[0] + parts[1]


def _loss_count(npv: FloatArray) -> int:
    return int(np.count_nonzero(npv < 0))


def _first_meeting(
    tables: Sequence[FloatArray],
    allowed: Sequence[np.ndarray],
    half: int,
    first: np.ndarray,
    second: np.ndarray,
    draws: int,
    limit: int,
) -> int | None:
    """The first plan of a block (its first half's row `first`, second half's row `second`)
    losing money in at most `limit` draws; None when none does. A plan's per-draw NPV is the
    first half's sum plus the second half's; draws are taken a block at a time (the first
    small, the next ones twice as large), and a plan drops out as soon as its losses so far
    exceed `limit`, so a plan far over the cap costs a few of its draws, not all of them."""
    if draws == 0:
        return 0 if first.size else None
    counts = np.zeros(first.size, dtype=np.int64)
    alive = np.arange(first.size)  # in the block's order: the first alive at the end is the answer
    rows = max(math.prod(len(a) for a in allowed[:half]), math.prod(len(a) for a in allowed[half:]))
    widest = max(1, TABLE_NUMBERS // rows)
    lo, width = 0, min(FIRST_DRAWS, widest)
    while lo < draws and alive.size:
        cols = slice(lo, min(lo + width, draws))
        left = _half_sums(tables[:half], allowed[:half], cols)
        right = _half_sums(tables[half:], allowed[half:], cols)
        heads_of = first[alive]
        by_head = np.argsort(heads_of, kind="stable")
        heads, starts = np.unique(heads_of[by_head], return_index=True)
        ends = np.append(starts[1:], alive.size)
        below = -left  # x + y < 0 exactly when x < −y: a rounded sum keeps the exact sum's sign
        for head, s, e in zip(heads, starts, ends, strict=True):
            slots = alive[by_head[s:e]]
            if 4 * slots.size >= right.shape[0]:  # many of this head's plans: compare all, keep theirs
                losing = np.count_nonzero(right < below[head], axis=1)[second[slots]]
            else:
                losing = np.count_nonzero(right[second[slots]] < below[head], axis=1)
            counts[slots] += losing
        alive = alive[counts[alive] <= limit]
        sure = counts[alive] + (draws - cols.stop) <= limit  # within the cap whatever the rest holds
        if sure.any():  # the plans after the first sure one cannot be the answer
            alive = alive[: int(np.argmax(sure)) + 1]
        lo, width = cols.stop, min(2 * width, widest)
    return int(alive[0]) if alive.size else None


def plan_npv_draws(choices: Sequence[ProgramChoices], plan: Plan) -> FloatArray:
    """The plan's NPV in each draw (money): the sum over programs of its choices' NPV in that
    draw (all programs' draws share the draw index). Summed as the cap's search sums: the
    first half of the programs, program by program from 0, plus the second half.

    >>> a = choices_from_draws("A", {Option.MICRO: 10.0}, {Option.MICRO: [-30.0, 10.0, 20.0, 40.0, 60.0]})
    >>> b = choices_from_draws("B", {Option.MICRO: 10.0}, {Option.MICRO: [60.0, -20.0, 25.0, 5.0, 15.0]})
    >>> plan_npv_draws([a, b], best_plan([a, b], 20.0)).tolist()
    [30.0, -10.0, 45.0, 45.0, 75.0]
    """
    tables = _tables(choices)
    if len(plan.picks) != len(tables):
        raise ValueError("the plan is not a plan of these programs")
    return _summed(len(tables), tables[0].shape[1] if tables else 0, lambda p: tables[p][plan.picks[p]])


def _summed(count: int, draws: int, row: Callable[[int], FloatArray | float]) -> FloatArray:
    """Σ_p row(p) over programs p = 0 … count − 1, each a row of `draws` numbers, summed as the
    cap's search sums: the first half of the programs from 0, plus the second half. `row` is
    asked for one program at a time, so each may be drawn when it is asked for and let go.

    >>> _summed(3, 2, lambda p: np.array([1.0, 10.0]) * (p + 1)).tolist()
    [6.0, 60.0]
    """
    half = count // 2
    parts = []
    for group in (range(half), range(half, count)):
        total = np.zeros(draws)
        for p in group:
            total = total + row(p)
        parts.append(total)
    return parts[0] + parts[1]


@dataclass(frozen=True)
class PlanRisk:
    """The plan's NPV distribution over the draws: P10, P50, P90 (money) and the chance of
    loss (the share of draws with a plan NPV below 0); NaN percentiles without draws.

    `counts` and `edges`: the histogram of the plan's per-draw NPVs, `RISK_BINS` equal steps
    from the lowest draw to the highest (widened by 1 either side when all draws are equal;
    empty without draws or when a draw is not finite): what the page's chart draws, so a run
    drawn in the worker process sends back these few numbers, not its draws."""

    p10: float
    p50: float
    p90: float
    chance_of_loss: float
    draws: int
    counts: tuple[int, ...] = field(default=(), repr=False)
    edges: tuple[float, ...] = field(default=(), repr=False)

    @property
    def nbytes(self) -> int:
        """About what it holds in memory (8 bytes a number), for caches bounded in bytes."""
        return 8 * (5 + len(self.counts) + len(self.edges))


RISK_BINS = 40  # steps of the plan's NPV histogram


def risk_of_draws(npv: FloatArray) -> PlanRisk:
    """P10 / P50 / P90, chance of loss and histogram of a plan's per-draw NPVs (`PlanRisk`).

    >>> r = risk_of_draws(np.array([30.0, -10.0, 45.0, 45.0, 75.0]))
    >>> r, sum(r.counts), (r.edges[0], r.edges[-1])
    (PlanRisk(p10=6.0, p50=45.0, p90=63.0, chance_of_loss=0.2, draws=5), 5, (-10.0, 75.0))
    """
    if npv.size == 0:
        return PlanRisk(math.nan, math.nan, math.nan, 0.0, 0)
    p10, p50, p90 = np.percentile(npv, [10, 50, 90])
    counts: tuple[int, ...] = ()
    edges: tuple[float, ...] = ()
    if np.isfinite(npv).all():
        lo, hi = float(npv.min()), float(npv.max())
        if hi - lo <= 0:
            hi, lo = hi + 1.0, lo - 1.0
        found, steps = np.histogram(npv, bins=RISK_BINS, range=(lo, hi))
        counts, edges = tuple(int(c) for c in found), tuple(float(e) for e in steps)
    return PlanRisk(
        float(p10), float(p50), float(p90), _loss_count(npv) / npv.size, int(npv.size), counts, edges
    )


def plan_risk(choices: Sequence[ProgramChoices], plan: Plan) -> PlanRisk:
    """The plan's P10 / P50 / P90 and chance of loss, read off its per-draw NPV sums
    (`plan_npv_draws`), never summed from each program's own percentiles.

    Two programs of five draws each, medians $20 and $15: the plan's median is $45, not $35,
    and it loses money in one draw of five.

    >>> a = choices_from_draws("A", {Option.MICRO: 10.0}, {Option.MICRO: [-30.0, 10.0, 20.0, 40.0, 60.0]})
    >>> b = choices_from_draws("B", {Option.MICRO: 10.0}, {Option.MICRO: [60.0, -20.0, 25.0, 5.0, 15.0]})
    >>> plan_risk([a, b], best_plan([a, b], 20.0))
    PlanRisk(p10=6.0, p50=45.0, p90=63.0, chance_of_loss=0.2, draws=5)
    """
    return risk_of_draws(plan_npv_draws(choices, plan))


def drawn_plan_risk(
    programs: Sequence[Program],
    picks: Sequence[int],
    simulation: Simulation = DEFAULT_SIMULATION,
    progress: Callable[[float], None] | None = None,
) -> PlanRisk:
    """The risk of the plan taking choice `picks[p]` of program p (its index in
    `ProgramChoices.choices`, 0: not training), drawn from the programs themselves: each
    funded program's Monte Carlo run of its best-mix scenario with `simulation`'s settings
    (so the inputs they share are drawn once, module docstring), summed per draw as
    `plan_npv_draws` sums, then `risk_of_draws`. The same numbers as `plan_risk` of the
    programs' `program_choices` with the same settings, without holding any program's draws
    beyond its own run: the Budget planner's heavy job (over 10^5 draws, run in the worker
    process), whose answer is a few hundred bytes. `progress` is told the share drawn after
    each chunk of each funded program's run.

    >>> programs = [Program("A", Scenario()), Program("B", Scenario(learners=2_000))]
    >>> choices = choices_of(programs, Simulation(draws=2_000))
    >>> plan = best_plan(choices, 1e9)
    >>> drawn_plan_risk(programs, plan.picks, Simulation(draws=2_000)) == plan_risk(choices, plan)
    True
    """
    if len(picks) != len(programs):
        raise ValueError("the plan is not a plan of these programs")
    if not programs:
        return risk_of_draws(np.zeros(0))
    funded = [p for p, k in enumerate(picks) if k]

    def drawn(p: int) -> FloatArray | float:
        if not picks[p]:
            return 0.0  # not training: its row of zeros, added as `plan_npv_draws` adds it
        told = None if progress is None else _share_of(progress, funded.index(p), len(funded))
        run = program_run(programs[p], simulation, progress=told, paybacks_later=True)
        return np.asarray(run.npv[TRAINING_OPTIONS[picks[p] - 1]], dtype=np.float64).reshape(
            -1
        )  # the rest goes

    total = _summed(len(programs), simulation.draws, drawn)
    if progress is not None and not funded:
        progress(1.0)
    return risk_of_draws(total)


def _share_of(progress: Callable[[float], None], done: int, of: int) -> Callable[[float], None]:
    """`progress` of one run (0..1) told as the share of `of` runs, `done` of them done before it."""
    return lambda fraction: progress((done + fraction) / of)
