"""State that survives: page settings across page changes and in the link; presentation mode."""

from __future__ import annotations

from tests.app.helpers import chart_titles


def test_monte_carlo_settings_survive_a_trip_to_another_page(app):
    at = app(page="pages/monte_carlo.py")
    at.radio(key="mc_distribution").set_value("PERT").run()
    at.number_input(key="mc_target").set_value(30).run()
    at.switch_page("pages/costs.py").run()
    assert at.query_params["mc_distribution"] == "PERT"  # in the link while on another page
    assert at.query_params["mc_target"] == "30"
    at.switch_page("pages/monte_carlo.py").run()
    assert at.radio(key="mc_distribution").value == "PERT"
    assert at.number_input(key="mc_target").value == 30


def test_goal_seek_and_sensitivity_choices_are_in_the_link(app):
    at = app(page="pages/goal_seek.py")
    at.selectbox(key="gs_field").set_value("micro_fixed_cost").run()
    at.number_input(key="gs_target").set_value(25.0).run()
    at.switch_page("pages/sensitivity.py").run()
    at.selectbox(key="sens_x").set_value("ilt_cost_per_learner").run()
    params = dict(at.query_params)
    assert params["gs_field"] == "micro_fixed_cost" and params["gs_target"] == "25"
    assert params["sens_x"] == "ilt_cost_per_learner"


def test_a_link_restores_page_settings_in_a_new_session(app):
    at = app(
        query={"gs_field": "micro_fixed_cost", "gs_target": "25", "gs_option": "ilt", "mc_seed": "7"},
        page="pages/goal_seek.py",
    )
    assert not at.exception
    assert at.selectbox(key="gs_field").value == "micro_fixed_cost"
    assert at.number_input(key="gs_target").value == 25.0
    assert at.get("segmented_control")[1].value == "ilt"  # the option picker below the measure
    at.switch_page("pages/monte_carlo.py").run()
    assert at.number_input(key="mc_seed").value == 7


def test_bad_page_settings_in_a_link_are_named_and_replaced(app):
    at = app(query={"mc_draws": "7", "gs_field": "[evil](https://evil.example)", "pilot_icc": "nan"})
    assert not at.exception
    text = at.warning[0].value
    assert "Monte Carlo draws" in text and "Kept 10,000" in text
    assert "Goal seek: solve for" in text and "Kept Learners" in text
    assert "Intra-cluster correlation" in text
    assert "mc_draws" not in at.query_params  # the address bar holds only valid values


def test_presentation_mode_survives_page_changes_and_exits_cleanly(app):
    at = app(query={"present": "1"})
    for page in ("pages/costs.py", "pages/monte_carlo.py", "pages/roi.py"):
        at.switch_page(page).run()
        assert not at.sidebar.slider, page  # inputs stay hidden
        assert at.query_params["present"] == "1", page
        assert at.button(key="present_exit"), page
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000
    assert chart_titles(at)


def test_presentation_strip_changes_learners_without_leaving_the_mode(app):
    """'What about 5,000 learners?': typed on the page in presentation mode."""
    at = app(query={"present": "1"}, page="pages/costs.py")
    assert at.text_input(key="present_learners").value == "1,000"
    at.text_input(key="present_learners").input("5,000").run()
    assert not at.exception
    assert at.text_input(key="present_learners").value == "5,000"
    assert at.query_params["learners"] == "5000" and at.query_params["present"] == "1"
    assert any("5,000 learners" in c.value for c in at.caption)  # the cost tiles follow
    at.slider(key="present_horizon").set_value(5).run()
    assert at.query_params["horizon_years"] == "5"
    at.button(key="present_exit").click().run()
    assert at.sidebar.select_slider(key="sb_learners").value == 5_000  # the sidebar shows the same scenario


def test_the_strip_reads_25k_and_reports_nonsense_without_losing_the_count(app):
    at = app(query={"present": "1", "learners": "2000"})
    at.text_input(key="present_learners").input("25k").run()
    assert at.query_params["learners"] == "25000"
    at.text_input(key="present_learners").input("lots").run()
    assert not at.exception and at.query_params["learners"] == "25000"
    assert at.text_input(key="present_learners").value == "25,000"
    assert any("Learners" in w.value and "lots" in w.value for w in at.warning)


def test_pilot_plan_and_decision_weights_survive_and_travel_in_the_link(app):
    at = app(page="pages/pilot.py")
    at.number_input(key="pilot_baseline_pct").set_value(60.0).run()
    at.number_input(key="pilot_a_n_30").set_value(120).run()
    at.switch_page("pages/decision.py").run()
    at.slider(key="dm_weight_speed").set_value(9).run()
    at.switch_page("pages/costs.py").run()
    params = dict(at.query_params)
    assert params["pilot_baseline_pct"] == "60" and params["pilot_a_n_30"] == "120"
    assert params["dm_weight_speed"] == "9"
    at.switch_page("pages/pilot.py").run()
    assert at.number_input(key="pilot_baseline_pct").value == 60.0
    fresh = app(query=params, page="pages/decision.py")
    assert fresh.slider(key="dm_weight_speed").value == 9
    assert not fresh.warning


def test_a_decision_rating_from_a_link_is_kept(app):
    at = app(query={"dm_rating_speed_ilt": "Very High"}, page="pages/decision.py")
    assert at.select_slider(key="dm_rating_speed_ilt").value == "Very High"
    assert at.query_params["dm_rating_speed_ilt"] == "Very High"
