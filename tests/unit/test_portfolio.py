"""The budget planner (calculators.portfolio): exact plans, the frontier, the plan's risk.

The oracle is a brute force over every combination of choices (numpy over
`itertools.product`), summing each plan program by program as a plain loop does.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import portfolio
from calculators.model import Option
from calculators.portfolio import (
    NO_PLAN_MEETS_CAP,
    NO_PLAN_WITHIN_BUDGET,
    NOT_TRAINING,
    TRAINING_OPTIONS,
    Choice,
    NoPlan,
    Plan,
    Program,
    ProgramChoices,
    best_mix_scenario,
    best_plan,
    choices_from_draws,
    choices_of,
    frontier,
    plan_npv_draws,
    plan_risk,
)
from calculators.presets import load_presets
from calculators.roi import all_returns
from calculators.scenario import Scenario
from calculators.simulation import draw_inputs, monte_carlo
from calculators.verdict import Simulation

# --- the oracle ------------------------------------------------------------------------------


def _every_plan(choices, required=()):
    """Every plan's picks (rows), total cost, total expected NPV and a required-funded mask."""
    combos = list(product(*(range(len(c.choices)) for c in choices)))
    picks = np.array(combos, dtype=np.intp).reshape(len(combos), len(choices))
    cost, npv = np.zeros(len(picks)), np.zeros(len(picks))
    ok = np.ones(len(picks), dtype=bool)
    for p, c in enumerate(choices):
        cost = cost + np.array([x.cost for x in c.choices])[picks[:, p]]
        npv = npv + np.array([x.expected_npv for x in c.choices])[picks[:, p]]
        if c.program in required:
            ok &= picks[:, p] != 0
    return picks, cost, npv, ok


def _brute_best(choices, budget, required=(), allowed=None):
    """(best NPV, least cost at that NPV) over plans within budget; None when there is none."""
    _, cost, npv, ok = _every_plan(choices, required)
    ok = ok & (cost <= budget) & (allowed if allowed is not None else True)
    if not ok.any():
        return None
    best = npv[ok].max()
    return best, cost[ok & (npv == best)].min()


def _brute_losses(choices, picks):
    """Each plan's chance of loss from plain per-draw sums, program by program."""
    tables = [c.draw_table() for c in choices]
    draws = tables[0].shape[1]
    losses = np.empty(len(picks))
    for i in range(0, len(picks), 4096):
        rows = picks[i : i + 4096]
        total = np.zeros((len(rows), draws))
        for p, t in enumerate(tables):
            total = total + t[rows[:, p]]
        losses[i : i + 4096] = np.count_nonzero(total < 0, axis=1) / draws
    return losses


# --- strategies --------------------------------------------------------------------------------

_MONEY = st.one_of(st.integers(0, 40).map(lambda k: 1_000.0 * k), st.floats(0, 1e6))
_VALUE = st.one_of(st.integers(-40, 40).map(lambda k: 1_000.0 * k), st.floats(-1e6, 1e6))


@st.composite
def portfolios(draw, max_programs=8):
    """Programs of 1 to 3 training options each, as cost and expected NPV numbers."""
    n = draw(st.integers(0, max_programs))
    out = []
    for i in range(n):
        k = draw(st.integers(1, 3))
        options = tuple(Choice(o, draw(_MONEY), draw(_VALUE)) for o in TRAINING_OPTIONS[:k])
        out.append(ProgramChoices(f"Program {i + 1}", options))
    return out


@st.composite
def portfolios_with_draws(draw, max_programs=8, draws=24):
    """Programs whose options carry NPV draws (whole thousands, so ties and zeros occur, or
    plain floats), their expected NPVs the draws' means."""
    n = draw(st.integers(1, max_programs))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    whole = draw(st.booleans())
    out = []
    for i in range(n):
        k = draw(st.integers(1, 3))
        options = TRAINING_OPTIONS[:k]
        costs = {o: float(rng.integers(0, 30)) * 1_000.0 for o in options}
        centre = rng.normal(0, 20_000, size=k)
        spread = rng.uniform(0, 40_000, size=k)
        sims = {o: centre[j] + spread[j] * rng.standard_normal(draws) for j, o in enumerate(options)}
        if whole:
            sims = {o: np.round(v / 1_000.0) * 1_000.0 for o, v in sims.items()}
        out.append(choices_from_draws(f"Program {i + 1}", costs, sims))
    return out


def _required(choices, data):
    names = [c.program for c in choices]
    return data.draw(st.sets(st.sampled_from(names)) if names else st.just(set()), label="required")


# --- the best plan: exact --------------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(), st.data())
def test_best_plan_agrees_with_brute_force(choices, data):
    """Up to 8 programs: the solver's plan is the brute force's best, and the cheapest at that NPV."""
    required = _required(choices, data)
    everything = sum(max(x.cost for x in c.choices) for c in choices)
    budget = data.draw(st.floats(0, everything + 1) | st.sampled_from([0.0, everything]), label="budget")
    expected = _brute_best(choices, budget, required)
    plan = best_plan(choices, budget, required)
    if expected is None:
        assert plan == NoPlan(NO_PLAN_WITHIN_BUDGET)
        return
    assert isinstance(plan, Plan)
    assert (plan.expected_npv, plan.cost) == expected
    assert plan.cost <= budget
    assert all(plan.choices[p].funded for p, c in enumerate(choices) if c.program in required)
    assert plan.choices == tuple(c.choices[k] for c, k in zip(choices, plan.picks, strict=True))


def test_best_plan_of_eight_programs_of_four_choices():
    """The issue's size: 8 programs × 4 choices (65,536 plans), several budgets."""
    rng = np.random.default_rng(27)
    choices = [
        ProgramChoices(
            f"Program {i}",
            tuple(Choice(o, rng.uniform(5e3, 1e5), rng.normal(2e4, 5e4)) for o in TRAINING_OPTIONS),
        )
        for i in range(8)
    ]
    steps = frontier(choices)
    for budget in np.linspace(0, steps.everything, 25):
        plan = best_plan(choices, budget)
        assert (plan.expected_npv, plan.cost) == _brute_best(choices, budget)


# --- the frontier ----------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_programs=6), st.data())
def test_frontier_is_the_best_npv_at_every_budget(choices, data):
    """Steps rise in cost and NPV; at every plan's cost (and between) the frontier's plan is the best."""
    required = _required(choices, data)
    steps = frontier(choices, required)
    costs = [s.cost for s in steps.steps]
    npvs = [s.expected_npv for s in steps.steps]
    assert costs == sorted(costs) and len(set(costs)) == len(costs)
    assert all(b > a for a, b in zip(npvs, npvs[1:], strict=False))  # non-decreasing, strictly at a step
    _, every_cost, _, ok = _every_plan(choices, required)
    assert costs[0] == every_cost[ok].min()  # from the cheapest plan that funds what must run
    for budget in [*np.unique(every_cost), *(c - 0.5 for c in costs), steps.everything]:
        expected = _brute_best(choices, budget, required)
        plan = steps.at(budget)
        assert (plan is None) == (expected is None)
        if plan is not None:
            assert (plan.expected_npv, plan.cost) == expected


@settings(max_examples=60, deadline=None)
@given(portfolios(max_programs=5), st.floats(0, 2e6), st.floats(0, 5e5))
def test_next_dollars_buy_the_difference_of_two_budgets(choices, budget, more):
    """ "What would $X more buy?" is the best NPV at budget + X less the best at the budget."""
    steps = frontier(choices)
    gained = steps.next_buys(budget, more)
    assert gained == steps.at(budget + more).expected_npv - steps.at(budget).expected_npv
    assert gained >= 0
    following = steps.next_step(budget)
    if following is not None:
        assert following.cost > budget and following.expected_npv > steps.at(budget).expected_npv


def test_frontier_spans_nothing_to_everything():
    a = ProgramChoices("A", (Choice(Option.MICRO, 10, 30), Choice(Option.ILT, 20, 35)))
    b = ProgramChoices("B", (Choice(Option.MICRO, 15, -5), Choice(Option.BLEND, 40, 1)))
    steps = frontier([a, b])
    assert steps.everything == 60.0  # A instructor-led + B blend
    assert steps.at(-1.0) is None and steps.at(0.0).words == "nothing"
    assert steps.at(1e9).expected_npv == 36.0  # the last step: A instructor-led and B blend
    assert steps.next_step(1e9) is None
    assert frontier([a, b], required={"B"}).next_buys(10.0, 100.0) is None  # B alone costs 15


def test_no_programs_is_the_empty_plan():
    assert best_plan([], 100.0) == Plan((), (), 0.0, 0.0, ())
    assert frontier([]).everything == 0.0


# --- what is never funded, what not training costs ---------------------------------------------


@settings(max_examples=80, deadline=None)
@given(portfolios(max_programs=6), st.data())
def test_a_program_that_only_loses_is_never_funded_unless_required(choices, data):
    loser = ProgramChoices(
        "Loser",
        tuple(Choice(o, data.draw(_MONEY), -data.draw(st.floats(1.0, 1e6))) for o in TRAINING_OPTIONS),
    )
    choices = [*choices, loser]
    budget = data.draw(st.floats(0, 5e6))
    plan = best_plan(choices, budget)
    assert not plan.choices[-1].funded
    assert all(not s.choices[-1].funded for s in frontier(choices).steps)
    forced = best_plan(choices, budget, required={"Loser"})
    assert isinstance(forced, NoPlan) or forced.choices[-1].funded


def test_not_training_costs_nothing():
    """Every program's first choice is not training: cost 0, NPV 0, and no other is allowed."""
    c = ProgramChoices("A", (Choice(Option.MICRO, 10, 5),))
    assert c.choices[0] is NOT_TRAINING and (NOT_TRAINING.cost, NOT_TRAINING.expected_npv) == (0.0, 0.0)
    assert best_plan([c], 0.0).choices == (NOT_TRAINING,)
    with pytest.raises(ValueError):
        Choice(None, 100.0, 0.0)
    with pytest.raises(ValueError):
        ProgramChoices("A", (NOT_TRAINING,))
    with pytest.raises(ValueError):
        ProgramChoices("A", ())


def test_bad_inputs_are_named():
    a = ProgramChoices("A", (Choice(Option.MICRO, 10, 5),))
    with pytest.raises(ValueError, match="different names"):
        best_plan([a, a], 10.0)
    with pytest.raises(ValueError, match="required"):
        best_plan([a], 10.0, required={"B"})
    with pytest.raises(ValueError, match="budget"):
        best_plan([a], -1.0)
    with pytest.raises(ValueError, match="share"):
        best_plan([a], 10.0, max_loss_chance=5.0)
    with pytest.raises(ValueError, match="per draw"):
        best_plan([a], 10.0, max_loss_chance=0.1)
    with pytest.raises(ValueError):
        Choice(Option.MICRO, -1.0, 0.0)
    with pytest.raises(ValueError, match="one length"):
        choices_from_draws(
            "A", {Option.MICRO: 1.0, Option.ILT: 2.0}, {Option.MICRO: [1.0], Option.ILT: [1.0, 2.0]}
        )


# --- the plan's risk -----------------------------------------------------------------------------


def test_plan_median_is_the_median_of_per_draw_sums_not_the_sum_of_medians():
    a = choices_from_draws("A", {Option.MICRO: 10.0}, {Option.MICRO: [-30.0, 10.0, 20.0, 40.0, 60.0]})
    b = choices_from_draws("B", {Option.MICRO: 10.0}, {Option.MICRO: [60.0, -20.0, 25.0, 5.0, 15.0]})
    plan = best_plan([a, b], 20.0)
    risk = plan_risk([a, b], plan)
    assert risk.p50 == 45.0 == np.median([30.0, -10.0, 45.0, 45.0, 75.0])
    assert risk.p50 != np.median(a.npv_draws[0]) + np.median(b.npv_draws[0])  # 35
    assert (risk.p10, risk.p90, risk.chance_of_loss, risk.draws) == (6.0, 63.0, 0.2, 5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios_with_draws(), st.data())
def test_plan_percentiles_read_the_per_draw_sums(choices, data):
    budget = data.draw(st.floats(0, 2e5))
    plan = best_plan(choices, budget)
    sums = sum((c.draw_table()[k] for c, k in zip(choices, plan.picks, strict=True)), np.zeros(24))
    risk = plan_risk(choices, plan)
    assert np.allclose(plan_npv_draws(choices, plan), sums, rtol=1e-12, atol=1e-6)
    assert math.isclose(risk.p50, float(np.median(sums)), rel_tol=1e-12, abs_tol=1e-6)
    assert np.allclose([risk.p10, risk.p90], np.percentile(sums, [10, 90]), rtol=1e-12, atol=1e-6)
    assert risk.chance_of_loss == np.count_nonzero(sums < 0) / 24
    assert math.isclose(plan.expected_npv, float(np.mean(sums)), rel_tol=1e-9, abs_tol=1e-6)


# --- the cap on the chance of loss ---------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios_with_draws(), st.data())
def test_plan_within_the_cap_agrees_with_brute_force(choices, data):
    """The best plan whose chance of loss is at most the cap, as a search of every plan finds it."""
    required = _required(choices, data)
    budget = data.draw(st.floats(0, 2e5) | st.sampled_from([0.0, 1e9]), label="budget")
    cap = data.draw(st.integers(0, 24).map(lambda k: k / 24) | st.sampled_from([0.0, 0.05, 0.1, 1.0]))
    picks, cost, _, ok = _every_plan(choices, required)
    meets = _brute_losses(choices, picks) <= cap
    expected = _brute_best(choices, budget, required, allowed=meets)
    plan = best_plan(choices, budget, required, max_loss_chance=cap)
    if expected is None:
        within = (ok & (cost <= budget)).any()
        assert plan == NoPlan(NO_PLAN_MEETS_CAP if within else NO_PLAN_WITHIN_BUDGET)
        return
    assert isinstance(plan, Plan)
    assert (plan.expected_npv, plan.cost) == expected
    assert plan.cost <= budget
    assert plan_risk(choices, plan).chance_of_loss <= cap
    assert all(plan.choices[p].funded for p, c in enumerate(choices) if c.program in required)


def test_cap_search_reaches_deep_into_the_ranking(monkeypatch):
    """8 programs × 4 choices, each funded choice risky: the cap forces a plan far down the
    ranking, found exactly also when the draws are summed in small blocks."""
    rng = np.random.default_rng(0)
    draws = 60
    choices = [
        choices_from_draws(
            f"Program {i}",
            {o: float(rng.integers(1, 20)) * 1_000 for o in TRAINING_OPTIONS},
            {o: rng.normal(5_000, 40_000, draws) for o in TRAINING_OPTIONS},
        )
        for i in range(8)
    ]
    picks, cost, npv, _ = _every_plan(choices)
    losses = _brute_losses(choices, picks)
    cap, budget = 0.1, 80_000.0
    ok = (losses <= cap) & (cost <= budget)
    expected = npv[ok].max()
    assert np.count_nonzero((npv > expected) & (cost <= budget)) > 50_000  # past the first blocks
    plan = best_plan(choices, budget, max_loss_chance=cap)
    assert plan.expected_npv == expected
    monkeypatch.setattr(portfolio, "TABLE_NUMBERS", 64)  # blocks of a few draws
    assert best_plan(choices, budget, max_loss_chance=cap) == plan


def test_a_cap_no_plan_can_meet_says_so():
    a = choices_from_draws("A", {Option.MICRO: 10.0}, {Option.MICRO: [-20.0, 40.0, 40.0, 40.0]})
    b = choices_from_draws("B", {Option.MICRO: 10.0}, {Option.MICRO: [10.0, -50.0, 20.0, 40.0]})
    assert best_plan([a, b], 20.0, required={"B"}, max_loss_chance=0.2) == NoPlan(NO_PLAN_MEETS_CAP)
    assert best_plan([a, b], 5.0, required={"B"}, max_loss_chance=1.0) == NoPlan(NO_PLAN_WITHIN_BUDGET)
    assert best_plan([a, b], 20.0, max_loss_chance=0.0).words == "nothing"  # not training never loses
    assert best_plan([a, b], 20.0, max_loss_chance=0.25).words == "A: microlearning"


# --- programs from real scenarios ----------------------------------------------------------------

SIMULATION = Simulation(draws=400, seed=11)


@pytest.fixture(scope="module")
def real_programs():
    presets, _ = load_presets()
    programs = [Program(p.name, p.scenario) for p in presets]
    programs += [
        Program("Sales onboarding", Scenario(learners=300, productivity_on=True)),
        Program("Leadership", Scenario(learners=80, blend_ilt_share_pct=60.0)),
        Program("Compliance", Scenario(learners=5_000, turnover_on=False, risk_on=True)),
    ]
    return programs[:8], choices_of(programs[:8], SIMULATION)


def test_real_programs_read_the_screens_costs_and_the_verdicts_npv(real_programs):
    programs, choices = real_programs
    for program, c in zip(programs, choices, strict=True):
        best = best_mix_scenario(program.scenario)
        assert [x.option for x in c.choices] == [None, *TRAINING_OPTIONS]
        assert [x.cost for x in c.options] == [all_returns(best)[o].costs for o in TRAINING_OPTIONS]
        screen = all_returns(program.scenario)
        assert (
            c.options[0].cost == screen[Option.MICRO].costs and c.options[1].cost == screen[Option.ILT].costs
        )
        run = monte_carlo(program.scenario, SIMULATION.draws, SIMULATION.seed, "triangular")
        for j, o in enumerate((Option.MICRO, Option.ILT)):  # the verdict's expected NPV, the same draws
            assert c.options[j].expected_npv == run.expected_npv(o)
            assert np.array_equal(c.npv_draws[j], run.npv[o])
        assert c.options[2].ilt_share == best.blend_ilt_share_pct / 100


def test_real_programs_agree_with_brute_force(real_programs):
    _, choices = real_programs
    steps = frontier(choices)
    for budget in np.linspace(0, steps.everything, 12):
        plan = best_plan(choices, budget)
        assert (plan.expected_npv, plan.cost) == _brute_best(choices, budget)
    picks, cost, npv, _ = _every_plan(choices)
    losses = _brute_losses(choices, picks)
    for cap in (0.0, 0.01, 0.05, 0.2):
        budget = steps.everything / 3
        ok = (losses <= cap) & (cost <= budget)
        plan = best_plan(choices, budget, max_loss_chance=cap)
        assert plan.expected_npv == npv[ok].max()


def test_shared_assumptions_are_drawn_once(real_programs):
    """One seed for every program: an input with the same range takes the same value in the
    same draw in every program; a program planned twice moves in lockstep with itself."""
    one, other = Scenario(learners=300), Scenario(learners=5_000, micro_fixed_cost=12_000.0)
    a, b = draw_inputs(one, 500, 3), draw_inputs(other, 500, 3)
    assert np.array_equal(a["discount_rate_pct"], b["discount_rate_pct"])
    assert np.array_equal(a["attribution_pct"], b["attribution_pct"])
    assert not np.array_equal(a["learners"], b["learners"])
    twice = choices_of([Program("A", one), Program("B", one)], SIMULATION)
    assert all(np.array_equal(x, y) for x, y in zip(twice[0].npv_draws, twice[1].npv_draws, strict=True))
    both = best_plan(twice, 1e9, required={"A", "B"})
    alone = best_plan(twice[:1], 1e9, required={"A"})
    assert plan_risk(twice, both).chance_of_loss == plan_risk(twice[:1], alone).chance_of_loss


def test_cached_draws_are_reused(real_programs):
    programs, choices = real_programs
    program = programs[0]
    run = monte_carlo(best_mix_scenario(program.scenario), SIMULATION.draws, SIMULATION.seed, "triangular")
    again = portfolio.program_choices(program, SIMULATION, npv_draws=run.npv)
    assert again == choices[0]
    assert all(np.array_equal(x, y) for x, y in zip(again.npv_draws, choices[0].npv_draws, strict=True))
