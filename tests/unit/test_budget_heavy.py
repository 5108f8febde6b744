"""The Budget planner's risk at a heavy draw count (issue 27, item 6): the plan's Monte Carlo
drawn in the worker process through the Monte Carlo page's queue, only its summary sent back,
the same numbers as the plan's risk read off the programs' draws in the server."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from calculators.model import Option
from calculators.portfolio import (
    RISK_BINS,
    TRAINING_OPTIONS,
    Plan,
    Program,
    drawn_plan_risk,
    plan_npv_draws,
    plan_risk,
    risk_of_draws,
)
from calculators.scenario import Scenario
from calculators.verdict import Simulation
from components.charts.budget_charts import plan_risk_chart
from components.session.requester import Requester
from components.work import budget_plan, simulation_cache
from components.work.budget_plan import plan_for, run_plan_risk
from components.work.heavy_runs import HeavyQueue, TooMany
from tests.heavy_work import HeldWorker, fresh_heavy_work, record_started

# three programs that share most inputs (drawn once), one of them with its own ranges
PROGRAMS = (
    Program("Onboarding", Scenario()),
    Program("Compliance", Scenario(learners=2_000), {"learners": (1_500.0, 2_600.0)}),
    Program("Leadership", Scenario(learners=300, ilt_cost_per_learner=900.0)),
)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    budget_plan.clear_choices()


def _a_plan(simulation: Simulation, picks: tuple[int, ...] = (2, 3, 0)) -> Plan:
    """A plan over `PROGRAMS` taking choice `picks[p]` of program p (default: instructor-led,
    the blend, not training): the best within a budget would often fund one program only."""
    choices = tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS)
    chosen = tuple(c.choices[k] for c, k in zip(choices, picks, strict=True))
    return Plan(
        tuple(c.program for c in choices), chosen, sum(x.cost for x in chosen),
        sum(x.expected_npv for x in chosen), tuple(picks),
    )  # fmt: skip


@pytest.mark.parametrize(
    "simulation", [Simulation(20_000, "triangular", 11), Simulation(12_345, "PERT", 3)], ids=str
)
def test_the_pure_function_agrees_with_the_in_process_path(simulation):
    """Every figure the page shows (percentiles, chance of loss, histogram) is the same, to the
    last bit, as the plan's risk read off the programs' cached draws at the same settings."""
    plan = _a_plan(simulation)
    choices = tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS)
    here = plan_risk(choices, plan)
    drawn = drawn_plan_risk(PROGRAMS, plan.picks, simulation)
    assert drawn == here  # p10, p50, p90, chance of loss, draws, counts and edges
    assert drawn.draws == simulation.draws and sum(drawn.counts) == simulation.draws
    assert len(drawn.counts) == RISK_BINS and len(drawn.edges) == RISK_BINS + 1


def test_the_page_answer_at_the_same_draws_is_the_drawn_one():
    """`plan_for` (what the page computes up to 10^5 draws) and the worker's pure function agree
    for the best plan within a budget, the cap's plan included."""
    simulation = Simulation(10_000, "triangular", 5)
    for cap in (None, 0.3):
        answer = plan_for(PROGRAMS, simulation, 120_000.0, (), cap)
        assert isinstance(answer.plan, Plan) and answer.plan.funded
        assert drawn_plan_risk(PROGRAMS, answer.plan.picks, simulation) == answer.risk


def test_the_median_is_that_of_the_per_draw_sums_not_the_sum_of_medians():
    simulation = Simulation(8_000, "triangular", 2)
    plan = _a_plan(simulation)
    choices = tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS)
    sums = plan_npv_draws(choices, plan)
    drawn = drawn_plan_risk(PROGRAMS, plan.picks, simulation)
    assert drawn.p50 == float(np.median(sums))
    medians = sum(float(np.median(c.draw_table()[k])) for c, k in zip(choices, plan.picks, strict=True))
    assert drawn.p50 != medians
    assert drawn.chance_of_loss == np.count_nonzero(sums < 0) / sums.size


def test_progress_is_told_per_chunk_of_each_funded_program_and_ends_at_one():
    seen: list[float] = []
    drawn_plan_risk(PROGRAMS, (2, 0, 1), Simulation(150_000, "triangular", 1), progress=seen.append)
    assert seen == pytest.approx([1 / 3, 1 / 2, 5 / 6, 1.0]) and seen[-1] == 1.0


def test_a_plan_funding_nothing_and_a_plan_of_no_programs():
    nothing = drawn_plan_risk(PROGRAMS, (0, 0, 0), Simulation(1_000))
    assert (nothing.p10, nothing.p50, nothing.p90, nothing.chance_of_loss, nothing.draws) == (
        0,
        0,
        0,
        0,
        1_000,
    )
    assert drawn_plan_risk((), (), Simulation(1_000)).draws == 0
    with pytest.raises(ValueError, match="not a plan of these programs"):
        drawn_plan_risk(PROGRAMS, (1,), Simulation(1_000))


def test_the_chart_from_the_summary_is_the_chart_from_the_draws():
    """The risk chart drawn from the few numbers the worker sends back shows the histogram of
    every per-draw sum (40 steps from the smallest to the largest, as shares of the outcomes),
    its percentiles and chance of loss."""
    simulation = Simulation(5_000, "triangular", 9)
    plan = _a_plan(simulation)
    choices = tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS)
    npv = plan_npv_draws(choices, plan)
    risk = risk_of_draws(npv)
    chart = plan_risk_chart(risk, "USD")
    counts, edges = np.histogram(npv, bins=40, range=(float(npv.min()), float(npv.max())))
    assert np.allclose(chart.data[0].x, (edges[:-1] + edges[1:]) / 2)
    assert np.allclose(chart.data[0].y, 100 * counts / npv.size)
    p10, p50, p90 = np.percentile(npv, [10, 50, 90])
    assert np.allclose((risk.p10, risk.p50, risk.p90), (p10, p50, p90))
    assert f"{100 * np.mean(npv < 0):.1f} % chance of losing money" in chart.layout.title.text
    go.Figure(chart.to_dict())  # every property valid (the builder skips plotly's validation)


# --- the queue path --------------------------------------------------------------------------


def _fresh_queue(monkeypatch, worker=None) -> list[tuple]:  # type: ignore[no-untyped-def]
    """A fresh heavy queue (on `worker`, default the real worker process), fresh kept risks, a
    heavy count from 10,000 draws, and every job handed to the worker recorded."""
    monkeypatch.setattr(budget_plan, "HEAVY_DRAWS", 10_000)
    worker = worker or simulation_cache.WORKER
    fresh_heavy_work(monkeypatch, worker=worker)
    return record_started(monkeypatch, worker, lambda fn, args: (fn.__name__, *args[1:3]))


def test_the_queue_path_returns_the_in_process_summary_once_and_keeps_it(monkeypatch):
    """Above the heavy count the plan's risk is one job in the worker process (the pure function,
    its picks, the settings), told chunk by chunk; it equals the risk read in the server at
    the same draws, and asking again re-reads it without a second job."""
    jobs = _fresh_queue(monkeypatch)
    simulation = Simulation(30_000, "triangular", 21)
    plan = _a_plan(simulation)
    seen: list[float] = []
    who = Requester("tab-1", "ada")
    drawn = run_plan_risk(PROGRAMS, plan, simulation, progress=seen.append, who=who)
    assert jobs == [("drawn_plan_risk", plan.picks, simulation)]
    assert seen == [0.5, 1.0]  # two funded programs, one chunk each, told from the other process
    here = plan_risk(tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS), plan)
    assert drawn == here and drawn.p50 == float(np.median(plan_npv_draws(
        tuple(budget_plan.cached_choices(p, simulation) for p in PROGRAMS), plan
    )))  # fmt: skip
    again = run_plan_risk(PROGRAMS, plan, simulation, who=Requester("tab-2", "bob"))
    assert again == drawn and len(jobs) == 1  # kept: another user, another tab, no redraw
    at_the_cap = run_plan_risk(PROGRAMS, plan, Simulation(10_000, "triangular", 21), who=who)
    assert at_the_cap.draws == 10_000 and len(jobs) == 1  # up to the heavy count: in the server


def test_beyond_the_users_limit_the_plans_risk_is_refused_and_nothing_is_queued(monkeypatch):
    worker = HeldWorker()
    _fresh_queue(monkeypatch, worker)
    queue = simulation_cache.QUEUE
    for tab in ("tab-1", "tab-2"):
        queue.request(f"run of {tab}", str.upper, tab, session=tab, owner="ada")
    simulation = Simulation(30_000, "triangular", 4)
    with pytest.raises(TooMany):
        run_plan_risk(PROGRAMS, _a_plan(simulation), simulation, who=Requester("tab-3", "ada"))
    assert queue.refused == 1 and queue.owned("ada") == 2 and worker.started == ["tab-1"]


def test_a_waiting_plan_is_told_so_and_a_second_tab_joins_it(monkeypatch):
    """Behind another user's run the plan's risk waits (`on_wait`); a second tab asking for the
    same plan joins it (`on_join`) instead of queuing another."""
    worker = HeldWorker()
    _fresh_queue(monkeypatch, worker)
    queue = simulation_cache.QUEUE
    queue.request("another user's run", str.upper, "x", session="bob-tab", owner="bob")
    simulation = Simulation(30_000, "triangular", 4)
    plan = _a_plan(simulation)
    key = budget_plan.plan_risk_key(PROGRAMS, plan.picks, simulation)
    first = queue.request(
        key, drawn_plan_risk, PROGRAMS, plan.picks, simulation, session="tab-1", owner="ada"
    )
    told: list[str] = []
    _wait_briefly(monkeypatch, queue)
    with pytest.raises(TimeoutError):
        run_plan_risk(
            PROGRAMS, plan, simulation, on_wait=lambda: told.append("waiting"),
            on_join=lambda: told.append("joined"), who=Requester("tab-2", "ada"),
        )  # fmt: skip
    assert told[:2] == ["joined", "waiting"] and first.job.state == "queued"
    assert worker.started == ["x"] and queue.owned("ada") == 1


def _wait_briefly(monkeypatch, queue: HeavyQueue) -> None:  # type: ignore[no-untyped-def]
    """The queue's `wait` gives up after a few of its looks (the held runs never end)."""
    wait = queue.wait

    def brief(ticket, progress=None, on_wait=None):  # type: ignore[no-untyped-def]
        looks = [0]

        def note() -> None:
            if on_wait is not None:
                on_wait()
            looks[0] += 1
            if looks[0] > 1:
                raise TimeoutError

        return wait(ticket, progress, note)

    monkeypatch.setattr(queue, "NOTE_EVERY", 0.0)
    monkeypatch.setattr(queue, "wait", brief)


def test_the_option_of_each_choice_is_the_one_drawn():
    """Choice k of a program (0: not training) is `TRAINING_OPTIONS[k - 1]`, as `program_choices`
    orders them."""
    simulation = Simulation(2_000, "triangular", 1)
    choices = budget_plan.cached_choices(PROGRAMS[0], simulation)
    assert [c.option for c in choices.choices[1:]] == list(TRAINING_OPTIONS)
    assert TRAINING_OPTIONS[0] is Option.MICRO
