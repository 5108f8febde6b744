"""AppTest: the real entry script, its sidebar and every page, driven by widget keys."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from calculators.model import Option
from calculators.scenario import GROUPS, INPUTS, SCHEMA_VERSION, Scenario
from components.inputs.sidebar import SELECT_SLIDERS
from components.session.scenario import group_key
from components.work.answer import answer_of
from tests.app.helpers import APP, PAGES, chart_titles, metric, open_groups

TITLES = {
    "pages/executive_summary.py": "Executive summary",
    "pages/costs.py": "Costs & break-even",
    "pages/roi.py": "ROI & payback",
    "pages/retention.py": "Retention",
    "pages/blend.py": "Blended mix",
    "pages/sensitivity.py": "Sensitivity",
    "pages/monte_carlo.py": "Monte Carlo",
    "pages/goal_seek.py": "Goal seek",
    "pages/decision.py": "Decision matrix",
    "pages/pilot.py": "Pilot planner",
    "pages/budget.py": "Budget planner",
    "pages/sources.py": "Assumptions & sources",
    "pages/case_studies.py": "Case studies",
    "pages/scenarios.py": "Scenarios",
}
CHART_PAGES = {
    "pages/executive_summary.py",
    "pages/costs.py",
    "pages/roi.py",
    "pages/retention.py",
    "pages/blend.py",
}


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_runs_without_exception(app, page_file):
    at = app(page=page_file)
    assert not at.exception
    assert at.title[0].value == TITLES[page_file]
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000, "the shared sidebar is there"
    if page_file in CHART_PAGES:
        assert chart_titles(at), "each model page shows charts"


def test_defaults_show_the_seed_cost_table_answer(app):
    at = app()
    assert metric(at, "Microlearning is cheaper by") == "$22,000"
    assert any(c.value.startswith("$33,000 against $55,000 (40.0 % less)") for c in at.caption)
    assert metric(at, "Crossover") == "477"
    assert "Microlearning is cheaper from 477 learners" in chart_titles(at)
    # the verdict on this table: choose microlearning, as the model's answer for the defaults says
    answer = answer_of(Scenario())
    assert (answer.decision.advice, answer.option) == ("go", Option.MICRO)
    assert at.markdown[0].value == f"## {answer.headline}"
    assert at.markdown[0].value.startswith("## Choose microlearning: expected net present value")


def test_learner_slider_by_key_moves_the_tiles(app):
    at = app(page="pages/costs.py")
    at.sidebar.select_slider(key="sb_learners").set_value(2_000).run()
    assert metric(at, "Microlearning total cost") == "$36,000"  # 30,000 + 3 × 2,000
    assert metric(at, "Instructor-led total cost") == "$100,000"  # 10,000 + 45 × 2,000
    assert at.query_params["learners"] == "2000"
    assert at.query_params["v"] == str(SCHEMA_VERSION)


def test_cost_slider_moves_the_crossover_chart(app):
    at = open_groups(app(page="pages/costs.py"), "Instructor-led")  # cost groups start closed
    at.sidebar.slider(key="sb_ilt_cost_per_learner").set_value(40.0).run()
    assert "Microlearning is cheaper from 541 learners" in chart_titles(at)  # 20,000 / 37 = 540.5
    assert metric(at, "Crossover") == "541"


def test_sidebar_values_survive_page_switches(app):
    at = app()
    at.sidebar.select_slider(key="sb_learners").set_value(2_500).run()
    at.switch_page("pages/costs.py").run()
    assert at.sidebar.select_slider(key="sb_learners").value == 2_500
    assert metric(at, "Microlearning total cost") == "$37,500"
    at.switch_page("pages/executive_summary.py").run()
    assert at.sidebar.select_slider(key="sb_learners").value == 2_500


def test_fully_loaded_switch_shows_how_much_the_answer_moves(app):
    at = app(page="pages/costs.py")
    before = metric(at, "Instructor-led total cost")
    at.sidebar.toggle(key="sb_fully_loaded").set_value(True).run()
    after = metric(at, "Instructor-led total cost")
    # 12,000 fixed (+2 years refresh) + (45 + 8 h × 45) × 1,000 + 50 classes × 800
    assert (before, after) == ("$55,000", "$457,000")
    assert at.caption[0].value.startswith("Basis: fully loaded costs")  # named once, at the top
    assert not any("$55,000" in c.value for c in at.caption)  # no second figure for the same cost


def test_currency_is_shown_on_every_money_figure(app):
    at = app(page="pages/costs.py")
    at.sidebar.selectbox(key="sb_currency").set_value("EUR").run()
    assert metric(at, "Microlearning total cost") == "€33,000"
    assert "Total cost (EUR)" in json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec)["layout"])


def test_share_link_restores_the_scenario(app):
    at = app(query={"v": "1", "learners": "300", "fully_loaded": "1", "ilt_cost_per_learner": "40"})
    assert not at.exception
    assert at.sidebar.select_slider(key="sb_learners").value == 300
    assert at.sidebar.toggle(key="sb_fully_loaded").value is True
    assert at.sidebar.slider(key="sb_ilt_cost_per_learner").value == 40.0
    assert not at.warning


def test_bad_link_warns_names_the_field_and_keeps_working(app):
    at = app(query={"learners": "abc", "micro_fixed_cost": "1e309", "ilt_seat_hours": "-3", "evil": "x"})
    assert not at.exception
    text = at.warning[0].value
    assert "Learners: 'abc' is not a whole number; allowed 1 to 100,000. Kept 1,000." in text
    assert "Development cost (microlearning series): '1e309' is not a finite number" in text
    assert "Learner time per learner: '-3' is out of range; allowed 0 to 80" in text
    assert "Ignored 'evil'" in text
    assert metric(at, "Microlearning is cheaper by") == "$22,000"
    # the address bar is rewritten to the valid scenario: the bad values are gone
    assert "learners" not in at.query_params and "evil" not in at.query_params


def test_page_file_run_alone_renders_nothing(tmp_path):
    """The legacy pages/ mode runs a page file without app.py: the guard must stop it."""
    at = AppTest.from_file(str(__import__("pathlib").Path(APP).parent / "pages" / "costs.py"))
    at.run()
    assert not at.exception
    assert not at.title and not at.metric and not at.get("plotly_chart") and not at.sidebar.children


_junk = st.text(max_size=30)
_values = st.one_of(
    _junk,
    st.sampled_from(["nan", "inf", "-inf", "1e309", "-1", "0", "1e6", "true", "", "EUR", "1" * 500]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
_links = st.dictionaries(st.one_of(st.sampled_from(sorted(INPUTS)), st.just("v"), _junk), _values, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=_links)
def test_hostile_links_never_crash_and_keep_inputs_in_bounds(app, query):
    at = app(query={k: v for k, v in query.items() if k})
    assert not at.exception
    open_groups(at, *GROUPS)  # every input drawn (closed groups are not)
    assert not at.exception
    for name, spec in INPUTS.items():
        if spec.minimum is None:
            continue
        if name in SELECT_SLIDERS:
            widget = at.sidebar.select_slider(key=f"sb_{name}")
        elif spec.widget == "slider":
            widget = at.sidebar.slider(key=f"sb_{name}")
        else:
            widget = at.sidebar.number_input(key=f"sb_{name}")
        assert spec.minimum <= widget.value <= spec.maximum


def test_loading_a_preset_replaces_the_inputs(app):
    at = app(query={"v": "1", "learners": "300", "micro_fixed_cost": "50000"}, page="pages/costs.py")
    assert at.sidebar.selectbox(key="sb_preset_choice").value == "From a link"
    at.sidebar.selectbox(key="sb_preset_choice").set_value("Vendor cost table").run()  # choosing loads
    assert not at.exception
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000
    assert at.sidebar.select_slider(key="sb_micro_fixed_cost").value == 30_000.0
    assert metric(at, "Microlearning total cost") == "$33,000"
    assert dict(at.query_params) == {}  # back to defaults: the link is the bare address
    at.sidebar.selectbox(key="sb_preset_choice").set_value("Vendor cost table, fully loaded").run()
    assert at.sidebar.toggle(key="sb_fully_loaded").value is True
    assert metric(at, "Instructor-led total cost") == "$457,000"


def test_a_closed_input_group_is_not_drawn_and_keeps_its_values(app):
    """Closed sidebar groups cost nothing per rerun (not drawn); opening one draws it with the
    scenario's values, and what was changed in it survives closing and reopening."""
    at = app()
    with pytest.raises(KeyError):
        at.sidebar.toggle(key="sb_revenue_on")  # Benefits is closed at first
    open_groups(at, "Benefits").sidebar.toggle(key="sb_revenue_on").set_value(True).run()
    assert at.session_state["scenario"].revenue_on is True
    at.session_state[group_key("Benefits")] = False
    at.sidebar.text_input(key="sb_learners_typed").input("2,000").run()
    assert not at.exception
    assert at.session_state["scenario"].revenue_on is True and at.session_state["scenario"].learners == 2000
    assert open_groups(at, "Benefits").sidebar.toggle(key="sb_revenue_on").value is True
