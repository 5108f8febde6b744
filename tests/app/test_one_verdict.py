"""One verdict on every screen (issue 23): the Executive summary, ROI & payback, Monte Carlo and
the Pilot planner state the same verdict in the same words, for each kind of verdict, and
with the link's Monte Carlo settings (which their Basis lines name)."""

from __future__ import annotations

import pytest

from calculators.codec import scenario_to_query
from calculators.information_value import pilot_values
from calculators.ranges import encode_ranges
from calculators.scenario import Scenario
from calculators.settings import PageSettings
from calculators.verdict import Simulation
from components.words.messages import decision_headline
from components.work.answer import answer_of
from components.work.pilot_plan import pilot_sizes, plan_from
from tests.value_scenarios import near_tie

PAGES = ("pages/executive_summary.py", "pages/roi.py", "pages/monte_carlo.py", "pages/pilot.py")

CASES = {
    "go": (Scenario(), "Choose "),
    "don't train": (Scenario(turnover_on=False), "Don't train"),  # no benefit counted
    "too close": (Scenario(learners=100, close_call_pct=30), "Too close to call"),
}


def _pilots(scenario, plan, simulation, ranges):  # the verdict's pilot values, without the app's cache
    return pilot_values(
        scenario, plan.field, plan.direction, plan.baseline, pilot_sizes(plan), simulation.draws, simulation.seed,
        simulation.distribution, ranges, plan.design_effect,
    )  # fmt: skip


def test_a_pilot_worth_its_cost_is_advised_in_the_same_words_everywhere(app):
    """A near tie on microlearning's productivity gain (ranged 0 to 40 %) with a large programme:
    the Pilot planner's default pilot (170 learners per arm, measuring that gain) is worth more
    than it costs, so every screen says "Pilot first" and names the same size, worth and cost."""
    scenario, ranges = near_tie(learners=500, micro_fixed_cost=1_000_000)
    plan = plan_from(PageSettings())
    expected = answer_of(scenario, ranges, pilot=plan, pilots=_pilots)
    assert expected.decision.advice == "pilot first"
    assert expected.decision.pilot.evsi > expected.decision.pilot.cost
    query = {**scenario_to_query(scenario), "rng": encode_ranges(ranges)}
    verdicts = _verdicts(app, query)
    assert set(verdicts.values()) == {decision_headline(expected.decision, scenario)}, verdicts
    assert next(iter(verdicts.values())).startswith("Pilot first: a pilot of ")


def _verdicts(app, query: dict[str, str]) -> dict[str, str]:
    """The verdict line each page shows (its first level-2 heading)."""
    found = {}
    at = app(query=query)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        lines = [m.value[3:] for m in at.markdown if m.value.startswith("## ")]
        assert lines, f"{page} states no verdict"
        found[page] = lines[0]
        assert any("verdict and chance of loss from" in c.value for c in at.caption), f"{page}: Basis line"
    return found


@pytest.mark.parametrize("advice", list(CASES))
def test_every_screen_states_the_same_verdict_in_the_same_words(app, advice):
    scenario, opening = CASES[advice]
    expected = answer_of(scenario)  # the pure answer, default simulation settings, no pilot counted
    assert expected.decision.advice == advice
    verdicts = _verdicts(app, dict(scenario_to_query(scenario)))
    assert set(verdicts.values()) == {decision_headline(expected.decision, scenario)}, verdicts
    assert next(iter(verdicts.values())).startswith(opening)


def test_the_links_simulation_settings_are_the_ones_every_screen_uses(app):
    """PERT in the link: the summary's verdict and chance of loss come from PERT draws, not triangular."""
    scenario = Scenario(learners=100)
    query = {**scenario_to_query(scenario), "mc_distribution": "PERT", "mc_seed": "7"}
    verdicts = _verdicts(app, query)
    pert = answer_of(scenario, simulation=Simulation(10_000, "PERT", 7))
    triangular = answer_of(scenario)
    assert pert.decision.expected_npv != triangular.decision.expected_npv
    assert set(verdicts.values()) == {decision_headline(pert.decision, scenario)}
    at = app(query=query)
    assert any("(PERT, draw set 7)" in c.value for c in at.caption)
