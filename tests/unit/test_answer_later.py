"""The brief's answer worked out later (a page with no verdict of its own draws no run for its
download buttons) is the answer the screens state: the same draws, the same pilot, the same verdict."""

from __future__ import annotations

import pytest

from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from calculators.verdict import PilotPlan, Simulation
from components.work.answer import answer_of
from components.work.pilot_plan import cached_pilot_values, pilot_values_now
from components.work.simulation_cache import cached_monte_carlo, clear_runs

PILOT = PilotPlan("micro_productivity_gain_pct", 1, 0.35, 400, 1.0)


@pytest.mark.parametrize(
    ("scenario", "simulation", "ranges"),
    [
        (Scenario(), Simulation(10_000, "triangular", 2026), {}),
        (Scenario(learners=900, conservative=True), Simulation(1_000, "PERT", 7), {}),
        (Scenario(learners=3_000), Simulation(10_000, "triangular", 11), {"micro_variable_cost": (2.0, 9.0)}),
    ],
)
def test_the_answer_worked_out_later_is_the_kept_one(scenario, simulation, ranges) -> None:  # type: ignore[no-untyped-def]
    clear_runs()
    kept = answer_of(scenario, ranges, cached_monte_carlo, simulation, PILOT, cached_pilot_values)
    later = answer_of(scenario, ranges, monte_carlo, simulation, PILOT, pilot_values_now)
    assert later.decision == kept.decision
    assert later.chance_of_loss == kept.chance_of_loss
    assert later == kept
