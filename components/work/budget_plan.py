"""The Budget planner's work: which programs it can offer (the scenario on screen and the
case-study presets; saved scenarios come from `components.saved.budget_programs`), each
program's choices from the shared cached Monte Carlo runs, the plan for a budget, and the
plan's risk at the Monte Carlo page's draw count.

Shared by every user (inputs only, no user data): a program's choices are kept on exactly
its inputs (name, scenario, ranges, simulation settings), and so are the frontier and a
plan's risk over programs, the last `CHOICES_KEPT` of them all; a plan's risk drawn in the worker process is kept on exactly its inputs with the other heavy results
(`components.work.simulation_cache.RESULTS`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from calculators.kept import Kept
from calculators.portfolio import (
    Frontier,
    NoPlan,
    Plan,
    PlanRisk,
    Program,
    ProgramChoices,
    best_plan,
    drawn_plan_risk,
    frontier,
    plan_risk,
    program_choices,
    program_run,
)
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.settings import default_value
from calculators.verdict import Simulation
from components.session.requester import Requester, requester
from components.session.scenario import presets
from components.work import simulation_cache
from components.work.answer import simulation_of
from components.work.heavy_runs import Cancelled
from components.work.simulation_cache import HEAVY_DRAWS, cached_monte_carlo

SCREEN_ID = "screen"
SCREEN_NAME = "Your scenario"
CHOICES_KEPT = 64
_KEPT: Kept[tuple[Any, ...], Any] = Kept(CHOICES_KEPT)


@dataclass(frozen=True)
class ProgramSource:
    """A program the planner offers: `id` as the link carries it (`screen`, `preset-…`,
    `saved-…`), the name shown, and its scenario and ranges (None: not read yet, a saved one)."""

    id: str
    name: str
    scenario: Scenario | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


def preset_id(name: str) -> str:
    """A preset's id in a link, from its name.

    >>> preset_id("Retail POS rollout"), preset_id("Vendor cost table, fully loaded")
    ('preset-retail-pos-rollout', 'preset-vendor-cost-table-fully-loaded')
    """
    return "preset-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "case")


def built_in_sources(scenario: Scenario, ranges: Mapping[str, tuple[float, float]]) -> list[ProgramSource]:
    """The scenario on screen (with the session's ranges) and every case-study preset (with
    the default ranges)."""
    found, _ = presets()
    return [
        ProgramSource(SCREEN_ID, SCREEN_NAME, scenario, dict(ranges)),
        *(ProgramSource(preset_id(p.name), p.name, p.scenario) for p in found),
    ]


def plan_simulation(simulation: Simulation) -> Simulation:
    """The settings the plan is chosen on: the link's, at most `HEAVY_DRAWS` draws per program
    (each program's choices, the frontier and the cap's search read every draw in the
    server). A heavier count's first `HEAVY_DRAWS` draws are exactly these (the same chunk
    seeds); the plan's risk then reads all of them, drawn in the worker (`run_plan_risk`)."""
    if simulation.draws <= HEAVY_DRAWS:
        return simulation
    return Simulation(HEAVY_DRAWS, simulation.distribution, simulation.seed)


def cached_choices(program: Program, simulation: Simulation) -> ProgramChoices:
    """`calculators.portfolio.program_choices` from the shared cached run of the program's
    best-mix scenario (the same draws every page reads), kept on its inputs."""

    def work() -> ProgramChoices:
        run = program_run(program, simulation, cached_monte_carlo)
        return program_choices(program, simulation, npv_draws=run.npv)

    return _kept(("choices", program, simulation), work)  # type: ignore[no-any-return]


def _kept(key: tuple[Any, ...], work: Callable[[], Any]) -> Any:
    """`work()`, kept on `key` (its inputs: programs and simulation settings), the last
    `CHOICES_KEPT`: a program's choices, and the frontier and a plan's risk over programs."""
    return _KEPT.get_or_put(key, work)


def clear_choices() -> None:
    """Forget every kept program's choices, frontier and plan's risk (tests)."""
    _KEPT.clear()


BASIS_FIELDS = ("fully_loaded", "conservative", "skeptic")  # what the Basis line names


def on_basis(scenario: Scenario, screen: Scenario) -> Scenario:
    """A program's scenario on the screen's one basis (its cost and benefit switches), so
    every program's cost and NPV are counted the same way.

    >>> on_basis(Scenario(), Scenario(fully_loaded=True)).fully_loaded
    True
    """
    wanted = {f: getattr(screen, f) for f in BASIS_FIELDS if getattr(scenario, f) != getattr(screen, f)}
    return scenario.with_changes(**wanted) if wanted else scenario


def programs_of(sources: Sequence[ProgramSource], screen: Scenario) -> tuple[Program, ...]:
    """The sources as the model's programs (read ones only) on the screen's basis, names made distinct."""
    programs: list[Program] = []
    seen: set[str] = set()
    for source in sources:
        if source.scenario is None:
            continue
        name, n = source.name, 2
        while name in seen:
            name, n = f"{source.name} ({n})", n + 1
        seen.add(name)
        programs.append(Program(name, on_basis(source.scenario, screen), ranges_key(source.ranges)))
    return tuple(programs)


@dataclass(frozen=True)
class PlanAnswer:
    """Everything the page shows for a budget: each program's choices, the frontier, the best
    plan (or why there is none), its risk (with its histogram; None without a plan, or while
    a heavy risk is not drawn), the best plan without the cap, and the settings the choices
    were drawn with (`simulation`: at most `HEAVY_DRAWS` draws; the risk's own count is
    `risk.draws`)."""

    choices: tuple[ProgramChoices, ...]
    frontier: Frontier
    plan: Plan | NoPlan
    uncapped: Plan | NoPlan
    risk: PlanRisk | None
    simulation: Simulation

    def with_risk(self, risk: PlanRisk | None) -> PlanAnswer:
        """The same answer with the plan's risk read elsewhere (drawn at more draws)."""
        return replace(self, risk=risk)


def plan_frontier(
    programs: Sequence[Program], simulation: Simulation, required: Collection[str] = ()
) -> Frontier:
    """The efficient frontier of `programs` (`required`: names that must run), as `plan_for`
    finds it: the page reads it first for the suggested budget."""
    key = ("frontier", tuple(programs), simulation, frozenset(required))
    return _kept(key, lambda: frontier(_choices(programs, simulation), required))  # type: ignore[no-any-return]


def _choices(programs: Sequence[Program], simulation: Simulation) -> tuple[ProgramChoices, ...]:
    return tuple(cached_choices(p, simulation) for p in programs)


def plan_for(
    programs: Sequence[Program],
    simulation: Simulation,
    budget: float,
    required: Collection[str] = (),
    max_loss_chance: float | None = None,
) -> PlanAnswer:
    """The plan for `budget` over `programs` (`required`: names that must run; a cap on the
    plan's chance of loss as a share, or None)."""
    choices = _choices(programs, simulation)
    steps = plan_frontier(programs, simulation, required)
    uncapped = best_plan(choices, budget, required, steps=steps)
    plan = uncapped if max_loss_chance is None else best_plan(choices, budget, required, max_loss_chance)
    risk = None
    if isinstance(plan, Plan):
        key = ("risk", tuple(programs), simulation, plan.picks)
        risk = _kept(key, lambda: plan_risk(choices, plan))
    return PlanAnswer(choices, steps, plan, uncapped, risk, simulation)


def plan_risk_key(programs: Sequence[Program], picks: Sequence[int], simulation: Simulation) -> tuple:
    """What a plan's risk depends on, in the heavy queue and the kept risks: each program's
    place, scenario and ranges where funded, and its choice; the simulation settings."""
    funded = tuple(
        (p.scenario.model_dump_json(), p.ranges, int(k)) if k else None
        for p, k in zip(programs, picks, strict=True)
    )
    return ("budget-plan-risk", funded, simulation.draws, simulation.seed, simulation.distribution)


def run_plan_risk(
    programs: Sequence[Program],
    plan: Plan,
    simulation: Simulation,
    progress: Callable[[float], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    on_join: Callable[[], None] | None = None,
    who: Requester | None = None,
) -> PlanRisk:
    """The plan's risk (`PlanRisk`: P10 / P50 / P90 of the per-draw sums, chance of loss,
    histogram) over `simulation`'s draws, every program drawn with the same settings.

    Up to `HEAVY_DRAWS` draws: read off the programs' shared cached runs (`plan_risk`). Above
    (a heavy run): `calculators.portfolio.drawn_plan_risk` in the worker process, through the
    Monte Carlo page's queue (`simulation_cache.QUEUE`, for `who`: one heavy run at a time
    on the server, in turn by user; `on_wait` told while another goes first, `on_join` when
    the same run was asked for already, `progress` after each chunk; `TooMany` raised beyond
    the user's limit, nothing queued); only the risk (a few hundred bytes) comes back. A risk
    drawn is kept on exactly its inputs (`simulation_cache.RESULTS`), even if its session left: a rerun or
    another visit never redraws it."""
    if simulation.draws <= HEAVY_DRAWS:
        return plan_risk(_choices(programs, simulation), plan)
    key = plan_risk_key(programs, plan.picks, simulation)
    found = simulation_cache.RESULTS.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    who = requester() if who is None else who

    def drawn() -> PlanRisk:
        ticket = simulation_cache.QUEUE.request(
            key, drawn_plan_risk, tuple(programs), tuple(plan.picks), simulation,
            session=who.session, owner=who.owner,
        )  # fmt: skip
        if ticket.joined and on_join is not None:
            on_join()
        return simulation_cache.QUEUE.wait(ticket, progress, on_wait)  # type: ignore[no-any-return]

    try:
        return drawn()
    except Cancelled:  # taken for gone while it still waited (a dropped connection): asked again, once
        return drawn()


@dataclass(frozen=True)
class SharedPlan:
    """The Budget planner's plan as the downloads carry it (the PDF brief's "Budget plan"
    section, the workbook's Plan sheet): the programs (on the screen's basis), the plan for
    the budget with its risk (`answer`), the budget, the cap on the chance of loss (a share,
    or None) and the name of the program that is the scenario on screen (None: not chosen)."""

    programs: tuple[Program, ...]
    answer: PlanAnswer
    budget: float
    cap: float | None = None
    screen_name: str | None = None


def shared_plan(
    sources: Sequence[ProgramSource],
    screen: Scenario,
    simulation: Simulation,
    budget: float | None,
    required_ids: Collection[str] = (),
    cap: float | None = None,
) -> SharedPlan | None:
    """The plan the Budget planner shows for these settings, worked out as the page does (from
    the same kept choices): sources in another currency than the screen's left out, required
    ids that are not among the programs ignored, no budget yet: the page's first suggestion.
    None without a program.

    >>> shared_plan([], Scenario(), Simulation(1_000, "triangular", 1), 100_000.0) is None
    True
    """
    sources = [s for s in sources if s.scenario is not None and s.scenario.currency == screen.currency]
    programs = programs_of(sources, screen)
    if not programs:
        return None
    names = dict(zip([s.id for s in sources], [p.name for p in programs], strict=True))
    required = [names[i] for i in required_ids if i in names]
    if budget is None:
        budget = suggested_budget(plan_frontier(programs, simulation, required))
    answer = plan_for(programs, simulation, budget, required, cap)
    return SharedPlan(programs, answer, float(budget), cap, names.get(SCREEN_ID))


def suggested_budget(steps: Frontier) -> float:
    """A first budget: half of what the best plan at any budget costs, rounded to two
    significant figures (so the budget binds and the chart shows both sides of it).

    >>> from calculators.portfolio import Choice, ProgramChoices, Option
    >>> a = ProgramChoices("A", (Choice(Option.MICRO, 150_000, 300_000),))
    >>> b = ProgramChoices("B", (Choice(Option.MICRO, 182_680, 90_000),))
    >>> suggested_budget(frontier([a, b]))
    170000.0
    """
    top = steps.steps[-1].cost if steps.steps else 0.0
    return nice_round(top / 2)


def nice_round(x: float) -> float:
    """`x` to two significant figures (0 stays 0).

    >>> nice_round(166_340), nice_round(1_234), nice_round(0)
    (170000.0, 1200.0, 0.0)
    """
    if x <= 0 or not math.isfinite(x):
        return 0.0
    unit = 10 ** (math.floor(math.log10(x)) - 1)
    return float(round(x / unit) * unit)


def next_amount(steps: Frontier) -> float:
    """The "next $…" the page asks about: a round 1-2-5 amount near a tenth of what the best
    plan costs (at least 1).

    >>> from calculators.portfolio import Choice, ProgramChoices, Option
    >>> next_amount(frontier([ProgramChoices("A", (Choice(Option.MICRO, 332_680, 9),))]))
    20000.0
    """
    top = steps.steps[-1].cost if steps.steps else 0.0
    target = max(top / 10, 1.0)
    unit = 10 ** math.floor(math.log10(target))
    return float(max(m * unit for m in (1, 2, 5) if m * unit <= target))


PLANNER_SETTINGS = (
    "budget_programs",
    "budget_amount",
    "budget_required",
    "budget_cap_on",
    "budget_loss_cap_pct",
)


def planner_used(settings: Any) -> bool:
    """Whether page settings (a `calculators.settings.PageSettings`) hold any Budget planner
    state: a setting of the planner other than its default.

    >>> from calculators.settings import PageSettings
    >>> planner_used(PageSettings()), planner_used(PageSettings(budget_amount=150_000))
    (False, True)
    """
    return any(getattr(settings, n) != default_value(n) for n in PLANNER_SETTINGS)


def settings_plan(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    settings: Any,
    saved: Mapping[str, ProgramSource] = MappingProxyType({}),
) -> SharedPlan | None:
    """The plan the Budget planner would show for `scenario` (the program "Your scenario", with
    `ranges`) and its page `settings` (programs, budget, programs that must run, cap, Monte
    Carlo settings): what a saved scenario's planner state funds. `saved`: the saved programs
    read already (id → source); a saved program not among them is left out. No budget set:
    the planner's suggestion. None without a program."""
    built_in = {s.id: s for s in built_in_sources(scenario, ranges)}
    sources = [s for i in settings.budget_programs if (s := built_in.get(i) or saved.get(i)) is not None]
    cap = float(settings.budget_loss_cap_pct) / 100.0 if settings.budget_cap_on else None
    return shared_plan(
        sources, scenario, plan_simulation(simulation_of(settings)), settings.budget_amount,
        tuple(settings.budget_required), cap,
    )  # fmt: skip
