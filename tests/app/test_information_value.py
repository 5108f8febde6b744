"""What finding out is worth, on screen (issues 13 and 23): the Monte Carlo page's section, the
Sensitivity page's line and the Pilot planner's section, among the three options and not
training, from the same draws, in the scenario's currency, never NaN; the pilot's worth and
cost the same on the Pilot planner as in the verdict every screen states."""

from __future__ import annotations

import re

from calculators.codec import scenario_to_query
from calculators.information_value import value_of_information
from calculators.ranges import encode_ranges
from calculators.settings import default_value
from components.words.formatting import money
from tests.value_scenarios import near_tie, never_pays


def _text(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        str(e.value)
        for kind in ("markdown", "caption", "subheader", "info", "success")
        for e in getattr(at, kind)
    )


def _query(scenario, ranges=None, **settings: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    query = {**scenario_to_query(scenario), **settings}
    if ranges:
        query["rng"] = encode_ranges(ranges)
    return query


def test_the_monte_carlo_page_says_what_finding_out_is_worth(app):
    scenario, ranges = near_tie()
    at = app(query=_query(scenario, ranges), page="pages/monte_carlo.py")
    assert not at.exception
    text = _text(at)
    assert "Is it worth finding out more before choosing?" in text
    info = value_of_information(
        scenario, int(default_value("mc_draws")), int(default_value("mc_seed")), overrides=ranges
    )
    assert info.evpi > 0
    assert f"**{money(round(info.evpi), 'USD')}** more" in text
    assert "the blend and not training could follow each outcome" in text
    assert "regression" in text
    assert not re.search(r"\b(nan|inf)\b", text.lower())


def test_when_nothing_could_change_the_choice_the_page_says_so(app):
    at = app(query=_query(never_pays()), page="pages/monte_carlo.py")  # every format only costs
    assert not at.exception
    text = _text(at)
    assert "would not change the decision" in text
    assert "**not training** is the best choice" in text


def test_beside_the_tornado_the_sensitivity_page_says_what_is_worth_finding_out(app):
    scenario, ranges = near_tie()
    at = app(query=_query(scenario, ranges), page="pages/sensitivity.py")
    assert not at.exception
    assert any("worth finding out before choosing" in c.value for c in at.caption)
    quiet = app(query=_query(never_pays()), page="pages/sensitivity.py")
    assert any(
        c.value.startswith("Worth finding out: nothing") and "not training" in c.value for c in quiet.caption
    )


def test_the_pilot_page_weighs_the_pilot_against_its_cost(app):
    scenario, ranges = near_tie()
    at = app(query=_query(scenario, ranges), page="pages/pilot.py")
    assert not at.exception
    assert "5 · Is the pilot worth it before choosing?" in [s.value for s in at.subheader]
    labels = [m.label for m in at.metric]
    assert {"What the pilot's answer is worth", "What the pilot costs", "Net value of the pilot"} <= set(
        labels
    )
    verdicts = [m.value for m in at.info] + [m.value for m in at.success]
    assert any(v.startswith(("Decide now", "Pilot first")) for v in verdicts)
    assert all("nan" not in str(m.value).lower() for m in at.metric)
    assert "Menzies 2016" in _text(at)


def test_a_stream_the_scenario_does_not_count_is_not_worth_a_pilot(app):
    scenario, _ = near_tie()
    at = app(query=_query(scenario.model_copy(update={"productivity_on": False})), page="pages/pilot.py")
    assert not at.exception
    assert any(m.value.startswith("Decide now: this scenario does not count") for m in at.info)


def test_with_teams_randomised_the_pilot_s_worth_counts_fewer_learners(app):
    """The design effect (1 + (12 − 1) × 0.05 = 1.55) divides the information, as it does the
    learners in the break-even check above it; the caption says so."""
    scenario, ranges = near_tie()
    query = _query(scenario, ranges, pilot_enrol="800")
    alone = app(query=query, page="pages/pilot.py")
    teams = app(query={**query, "pilot_cluster": "1"}, page="pages/pilot.py")
    assert not alone.exception and not teams.exception

    def worth(at) -> str:  # type: ignore[no-untyped-def]
        return next(m.value for m in at.metric if m.label == "What the pilot's answer is worth")

    def cost(at) -> str:  # type: ignore[no-untyped-def]
        return next(m.value for m in at.metric if m.label == "What the pilot costs")

    assert cost(teams) == cost(alone)
    assert worth(teams) != worth(alone)
    assert "design effect (1.55)" in _text(teams) and "design effect (" not in _text(alone)


def test_the_pilot_s_worth_and_cost_are_the_verdict_s_on_every_screen(app):
    """A near tie with high stakes: a pilot is worth its cost. The headline on the Executive
    summary and the Pilot planner's section state the same pilot, worth and cost (one
    `pilot_cost`, one size: the Pilot planner's plan, teams randomised included)."""
    scenario, ranges = near_tie(learners=5_000, micro_fixed_cost=1_000_000)
    query = _query(scenario, ranges, pilot_cluster="1")
    summary = app(query=query)
    pilot = app(query=query, page="pages/pilot.py")
    assert not summary.exception and not pilot.exception
    headline = next(m.value for m in summary.markdown if "Pilot first: a pilot of" in m.value)
    stated = re.search(
        r"Pilot first: a pilot of [\d,]+ learners per arm is worth \S+ and costs \S+?(?=\.)", headline
    )
    assert stated is not None, headline
    assert any(m.value.startswith(stated.group(0)) for m in pilot.success), stated.group(0)
