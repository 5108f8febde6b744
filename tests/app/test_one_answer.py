"""One answer on every screen: what the Executive summary shows is the model core's value on
the screen's one basis, whatever the scenario (issue: one consistent, defensible answer)."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from calculators.codec import scenario_to_query
from calculators.model import Option, breakevens, evaluate
from calculators.roi import returns_of
from calculators.scenario import Format, Scenario
from calculators.simulation import monte_carlo
from calculators.summary import cost_summary
from components.words.formatting import learners, money, months, percent
from components.work.answer import SUMMARY_DRAWS, SUMMARY_SEED, answer_of
from tests.app.helpers import chart_titles, metric
from tests.strategies import valid_scenarios

_LABEL = re.compile(r":\w+\[\*\*(.*?)\*\*\]")


def _tiles(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {_LABEL.sub(r"\1", m.label): m.value for m in at.metric}


def _expected(scenario: Scenario) -> dict[str, str]:
    """The tiles the summary must show, computed here from the model core directly: the option
    they are about is the one with the highest expected NPV over the summary's draws (the
    verdict's), the figures are the core's on the screen's basis (claimed: on the screen's
    costs, fully loaded when Conservative is on)."""
    loaded = scenario.fully_loaded or scenario.conservative
    claimed_scenario = scenario.with_changes(conservative=False, fully_loaded=loaded)
    claimed = {o: returns_of(r) for o, r in evaluate(claimed_scenario).items()}
    defensible = {o: returns_of(r) for o, r in evaluate(scenario.with_changes(conservative=True)).items()}
    screen = defensible if scenario.conservative else claimed
    run = monte_carlo(scenario, SUMMARY_DRAWS, SUMMARY_SEED, "triangular", {})
    best = max(Option, key=lambda o: (run.expected_npv(o), -screen[o].costs))
    cur = scenario.currency
    core = evaluate(scenario)  # the screen's basis: the scenario's own switches
    summary = cost_summary(scenario)
    be = summary.breakeven[best]
    micro, ilt = float(core[Option.MICRO].costs[0]), float(core[Option.ILT].costs[0])
    expected = {
        "ROI as claimed": percent(claimed[best].roi_pct),
        "ROI, defensible": percent(defensible[best].roi_pct),
        "Net present value": money(float(core[best].npv[0]), cur),
        "Payback (discounted)": months(screen[best].discounted_payback_month),
        "Break-even (learners)": "—" if be is None else learners(be),
    }
    if micro != ilt:
        cheaper = "Microlearning" if micro < ilt else "Instructor-led"
        expected[f"{cheaper} is cheaper by"] = money(abs(micro - ilt), cur)
    return expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_scenarios())
def test_every_summary_figure_is_the_model_cores_value_on_the_screens_basis(app, scenario):
    at = app(query=scenario_to_query(scenario))
    assert not at.exception
    tiles = _tiles(at)
    for label, value in _expected(scenario).items():
        assert tiles.get(label) == value, (label, tiles)
    core = evaluate(scenario)
    micro, ilt = (money(float(core[o].costs[0]), scenario.currency) for o in (Option.MICRO, Option.ILT))
    if micro != ilt:  # both totals, from the core, in the saving tile's caption
        assert any(micro in c.value and ilt in c.value for c in at.caption)


@pytest.mark.parametrize("query", [{}, {"v": "1", "conservative": "1", "skeptic": "1"}])
def test_payback_tile_and_payback_chart_tell_the_same_month(app, query):
    at = app(query=query)
    tile = metric(at, "Payback (discounted)")
    title = next(t for t in chart_titles(at) if "pays back" in t)
    month = re.search(r"(\w+) pays back in month (\d+)", title)
    assert month and tile == f"{month.group(2)} months"  # '7 months' beside 'month 7'
    assert (
        month.group(1)
        == answer_of(Scenario(**{"conservative": bool(query), "skeptic": bool(query)})).option.label
    )


def test_conservative_switch_moves_every_cost_figure_to_fully_loaded(app):
    """Conservative means all costs fully loaded: the cost tiles follow the ROI figures."""
    at = app()
    assert any("against $55,000" in c.value for c in at.caption)
    at.sidebar.toggle(key="sb_conservative").set_value(True).run()
    # 12,000 fixed (+2 years refresh) + (45 + 8 h × 45) × 1,000 + 50 classes × 800
    assert any("against $457,000" in c.value for c in at.caption)
    assert not any("$55,000" in c.value for c in at.caption)
    assert at.caption[0].value.startswith("Basis: fully loaded costs")
    assert "defensible benefits" in at.caption[0].value
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    cost_chart = next(c for c in charts if any(t.get("name") == "Crossover" for t in c["data"]))
    ilt = next(t for t in cost_chart["data"] if t.get("name") == "Instructor-led")
    y = ilt["y"]
    if isinstance(y, dict):  # plotly 7 encodes arrays as {"dtype", "bdata"}
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    x = ilt["x"]
    if isinstance(x, dict):
        x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    at_1000 = y[x.index(1_000.0)]
    assert at_1000 == 457_000  # the chart is fully loaded too


def test_claimed_and_defensible_roi_sit_side_by_side(app):
    at = app()
    claimed = returns_of(evaluate(Scenario())[Option.MICRO])
    defensible = returns_of(evaluate(Scenario(conservative=True))[Option.MICRO])
    assert metric(at, "ROI as claimed") == percent(claimed.roi_pct)
    assert metric(at, "ROI, defensible") == percent(defensible.roi_pct)
    assert defensible.roi_pct < claimed.roi_pct
    headline = at.markdown[0].value
    assert headline.startswith("## Choose microlearning")
    details = next(c.value for c in at.caption if c.value.startswith("Microlearning: ROI"))
    assert f"{percent(claimed.roi_pct)} as claimed, {percent(defensible.roi_pct)} defensible" in details


@pytest.mark.parametrize("query", [{}, {"v": "1", "conservative": "1", "skeptic": "1"}])
def test_headline_states_the_chance_of_loss_of_the_tiles(app, query):
    """The headline's risk is the tile's chance of loss, in plain words (no loss at the defaults;
    about a quarter of the draws lose money with Conservative and Skeptic on)."""
    at = app(query=query)
    chance = metric(at, "Chance of loss")
    value = float(chance.replace("−", "-").split()[0])
    headline = at.markdown[0].value
    if value == 0:
        assert "made money in every simulated outcome" in headline
    else:
        assert f"{chance} chance of losing money" in headline
    assert (value == 0) == (query == {})
    assert len(headline.split()) <= 30  # the answer in five seconds


def test_headline_is_too_close_to_call_inside_the_band(app):
    """The two best options within the close-call band of cost: none is recommended over the other."""
    s = Scenario(
        learners=100, close_call_pct=30
    )  # instructor-led leads not training by less than 30 % of cost
    decision = answer_of(s).decision
    at = app(query=scenario_to_query(s))
    headline = at.markdown[0].value
    assert decision.advice == "too close" and decision.difference <= decision.band
    assert headline.startswith("## Too close to call")
    assert "choose" not in headline.lower()


@pytest.mark.parametrize("learners", ["1000", "477"])
def test_no_option_pays_back_says_dont_train(app, learners):
    """No benefit stream counted: not training beats every option (at 477 learners the formats'
    costs differ by 0.1 %, which no longer matters: neither is worth its cost)."""
    at = app(query={"v": "1", "learners": learners, "turnover_on": "0"})
    headline = at.markdown[0].value
    assert headline.startswith("## Don't train: no option is expected to pay back")
    assert "choose" not in headline.lower()


def test_the_input_that_moves_the_answer_most_is_named(app):
    at = app()
    assert any(m.value.startswith("What moves the answer most: ") for m in at.markdown)


def test_goal_seek_learners_equals_the_summary_breakeven(app):
    """Break-even on the summary, on Costs & break-even, and Goal seek for ROI = 0: one number."""
    at = app()
    tile = metric(at, "Break-even (learners)")
    at.switch_page("pages/costs.py").run()
    micro = breakevens(Scenario())[Option.MICRO]
    assert any(f"Break-even: microlearning at {learners(micro)} learners" in t for t in chart_titles(at))
    assert tile == learners(micro)
    from calculators.goal_seek import goal_seek

    assert goal_seek(Scenario(), "learners", Option.MICRO, "ROI", 0.0).value == micro
    assert not math.isnan(cost_summary(Scenario()).total[Format.MICRO])
