"""AppTest: the Plan pages (Decision matrix, Pilot planner), driven by widget keys."""

from __future__ import annotations

from calculators.pilot import breakeven_check
from calculators.scenario import Scenario
from components.words.formatting import percent
from tests.app.helpers import chart_titles, metric, open_groups

DAY_VALUES = {  # (passed, tested) per arm and day: 48/80 vs 56/70 at day 30, 30/80 vs 45/70 at day 90
    "pilot_a_pass_30": 48, "pilot_a_n_30": 80, "pilot_b_pass_30": 56, "pilot_b_n_30": 70,
    "pilot_a_pass_90": 30, "pilot_a_n_90": 80, "pilot_b_pass_90": 45, "pilot_b_n_90": 70,
}  # fmt: skip


def test_decision_page_runs_with_seed_defaults(app):
    at = app(page="pages/decision.py")
    assert not at.exception
    assert at.title[0].value == "Decision matrix"
    assert metric(at, "Microlearning weighted score") == "3.8 of 5"  # 23 / 6, see test_decision
    assert metric(at, "Instructor-led weighted score") == "2.8 of 5"
    assert chart_titles(at)[0].startswith("Microlearning scores 3.8 of 5")
    assert at.select_slider(key="dm_rating_scalability_ilt").value == "Lower"
    assert at.select_slider(key="dm_rating_cost_micro").value == "High"


def test_changing_a_weight_changes_the_totals(app):
    at = app(page="pages/decision.py")
    before = metric(at, "Instructor-led weighted score")
    for criterion in ("speed", "retention", "scalability", "cost", "culture"):
        at.slider(key=f"dm_weight_{criterion}").set_value(0)
    at.run()
    assert not at.exception
    after = metric(at, "Instructor-led weighted score")
    assert (before, after) == ("2.8 of 5", "4.0 of 5")  # depth only: ILT is High
    assert "instructor-led leads" in at.markdown[0].value


def test_overriding_a_rating_changes_the_totals(app):
    at = app(page="pages/decision.py")
    at.select_slider(key="dm_rating_speed_ilt").set_value("Very High").run()
    assert metric(at, "Instructor-led weighted score") == "3.2 of 5"  # (17 + 2) / 6


def test_all_weights_zero_says_so(app):
    at = app(page="pages/decision.py")
    for slider in at.slider:
        if slider.key and slider.key.startswith("dm_weight_"):
            slider.set_value(0)
    at.run()
    assert not at.exception
    assert "weight" in at.warning[0].value


def test_cost_rating_follows_the_learner_count(app):
    at = app(page="pages/decision.py")
    at.sidebar.select_slider(key="sb_learners").set_value(100).run()
    assert at.select_slider(key="dm_rating_cost_ilt").value in {"High", "Very High"}


def test_pilot_page_runs_and_sizes_the_pilot(app):
    at = app(page="pages/pilot.py")
    assert not at.exception
    assert at.title[0].value == "Pilot planner"
    assert metric(at, "Learners per arm") == "170"
    assert chart_titles(at)[0] == "Telling 35 % from 50 % takes 170 learners per arm"


def test_pilot_cluster_randomisation_inflates_the_sample(app):
    at = app(page="pages/pilot.py")
    at.toggle(key="pilot_cluster").set_value(True).run()
    assert metric(at, "Design effect") == "1.55"
    assert metric(at, "Learners per arm") == "264"
    assert metric(at, "Teams per arm") == "22"


def test_a_pilot_larger_than_the_training_population_is_pointed_out(app):
    """170 learners per arm fit 1,000 learners; with 300 learners they do not (planned and entered)."""
    population = "more than the 300 in your scenario"
    fits = app(page="pages/pilot.py")
    assert not any("in your scenario" in i.value for i in fits.info)
    small = app(query={"learners": "300"}, page="pages/pilot.py")
    assert not small.exception
    assert any(
        i.value.startswith("Both arms together need 340 learners") and population in i.value
        for i in small.info
    )
    small.number_input(key="pilot_enrol").set_value(100).run()
    assert not any("need 200 learners" in i.value for i in small.info)  # 200 fit in 300
    small.number_input(key="pilot_enrol").set_value(400).run()
    assert any(i.value.startswith("Both arms together need 800 learners") for i in small.info)


def test_pilot_equal_rates_explain_there_is_nothing_to_detect(app):
    at = app(page="pages/pilot.py")
    at.number_input(key="pilot_target_pct").set_value(35.0).run()
    assert not at.exception
    assert "no pilot size is enough" in at.warning[0].value


def test_pilot_noninferiority_defaults_to_one_sided_alpha_0025(app):
    """'No worse?' switches α to one-sided 2.5 %, and the plan uses it: 80 % vs 80 %, margin 5 → 1,005."""
    at = app(page="pages/pilot.py")
    assert at.selectbox(key="pilot_alpha").value == 0.05
    at.selectbox(key="pilot_design").set_value("no worse").run()
    at.number_input(key="pilot_baseline_pct").set_value(80.0)
    at.number_input(key="pilot_target_pct").set_value(80.0)
    at.number_input(key="pilot_margin_pct").set_value(5.0).run()
    assert not at.exception
    alpha = at.selectbox(key="pilot_alpha_noninferiority")
    assert alpha.value == 0.025
    assert alpha.options[alpha.index] == "one-sided 2.5 % (usual for non-inferiority)"
    assert metric(at, "Learners per arm") == "1,005"  # see test_pilot's oracle
    assert any("One-sided test at α = 0.025" in c.value for c in at.caption)


def test_pilot_alpha_choice_survives_switching_the_question(app):
    """A level picked for 'better?' comes back after a look at 'no worse?', which keeps its own default."""
    at = app(page="pages/pilot.py")
    at.selectbox(key="pilot_alpha").set_value(0.01).run()
    at.selectbox(key="pilot_design").set_value("no worse").run()
    assert at.selectbox(key="pilot_alpha_noninferiority").value == 0.025
    at.selectbox(key="pilot_design").set_value("better").run()
    assert not at.exception
    assert at.selectbox(key="pilot_alpha").value == 0.01
    assert metric(at, "Learners per arm") != "170"  # 170 is the two-sided 5 % plan


def test_entering_results_shows_the_p_value(app):
    at = app(page="pages/pilot.py")
    for key, value in DAY_VALUES.items():
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    assert metric(at, "p-value at day 30") == "0.008"  # z = 2.650, see test_pilot
    assert metric(at, "Difference at day 30") == "+20.0 points"
    assert metric(at, "95 % CI at day 30") == "+5.2 to +33.4"  # Newcombe 1998 example (a)
    assert metric(at, "P(microlearning better) at day 30") == "99.6 %"
    assert chart_titles(at)[-1].startswith("At day 90 microlearning leads")


def test_more_passed_than_tested_is_reported(app):
    at = app(page="pages/pilot.py")
    at.number_input(key="pilot_a_n_30").set_value(10)
    at.number_input(key="pilot_a_pass_30").set_value(12).run()
    assert not at.exception
    assert "more learners passed than were tested" in at.error[0].value


def test_fit_button_sets_the_sidebar_retention(app):
    at = open_groups(app(page="pages/pilot.py"), "Microlearning")
    at.button(key="pilot_example").click().run()
    assert at.sidebar.slider(key="sb_micro_retention_pct").value == 75.0
    at.button(key="pilot_fit_micro").click().run()
    assert not at.exception
    # Example: 68/100 at day 30 and 55/96 at day 90; the fitted curve at reference day 30 gives 68 %.
    assert at.sidebar.slider(key="sb_micro_retention_pct").value == 68.0
    assert at.query_params["micro_retention_pct"] == "68"


def test_breakeven_check_warns_when_the_pilot_is_too_small(app):
    """Without the turnover saving (the defaults' only benefit stream) productivity alone must pay
    for microlearning: it needs a small gain, far below what 170 learners per arm can detect."""
    check = breakeven_check(Scenario(turnover_on=False), "micro_productivity_gain_pct", 0.35, 170)
    assert check.can_tell is False  # the scenario shows the behaviour: the pilot is too small
    at = app(page="pages/pilot.py")
    open_groups(at, "Benefits").sidebar.toggle(key="sb_turnover_on").set_value(False).run()
    assert not at.exception
    assert "cannot tell break-even from loss" in at.warning[0].value
    assert f"break-even needs an effect of {percent(check.breakeven_pct)}" in at.warning[0].value
    assert f"it detects effects only from {percent(check.mde_pct)}" in at.warning[0].value
    assert metric(at, "Break-even effect") == percent(check.breakeven_pct)  # 0.1 %
    assert metric(at, "Smallest effect the pilot detects") == percent(check.mde_pct)  # 42.8 %
