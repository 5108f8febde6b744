"""AppTest: ROI & payback, Retention, Blended mix, the summary's return tiles, presentation mode."""

from __future__ import annotations

import math

from calculators.model import Option
from calculators.roi import all_returns, mean_kept, waterfall
from calculators.scenario import Format, Scenario
from components.views.returns_view import option_label
from components.words.formatting import money, months, percent
from components.work.answer import answer_of, claimed_and_defensible
from tests.app.helpers import chart_titles, metric, open_groups


def test_summary_shows_roi_payback_and_npv_of_the_best_option(app):
    """The tiles are about the option the verdict leads with, and read the model's figures for it."""
    answer = answer_of(Scenario())  # the verdict the summary states (default simulation settings)
    best = answer.option
    r = all_returns(Scenario())[best]
    at = app()
    assert any(m.value == option_label(best, "— the figures behind the headline") for m in at.markdown)
    assert metric(at, "ROI as claimed") == percent(r.roi_pct)  # 890.0 %
    assert metric(at, "Payback (discounted)") == months(r.discounted_payback_month)  # 3 months
    assert metric(at, "Net present value") == money(r.npv, "USD")  # $261,330
    # the headline names the option and its expected net present value over the simulated outcomes
    assert at.markdown[0].value == f"## {answer.headline}"
    expected = money(answer.decision.expected_npv[best], "USD")
    assert (
        f"Choose {best.in_sentence}: expected net present value {expected} over 3 years"
        in at.markdown[0].value
    )


def test_roi_page_shows_payback_chart_and_waterfall(app):
    returns = all_returns(Scenario())
    paid = sorted(
        (r.discounted_payback_month, o) for o, r in returns.items() if r.discounted_payback_month is not None
    )
    month, first = paid[0]  # the option that pays back soonest (discounted) leads the chart's title
    steps = waterfall(Scenario(), Format.MICRO)  # microlearning leads: its waterfall explains it
    survives = percent(100 * steps[-1].value / steps[0].value)
    at = app(page="pages/roi.py")
    titles = chart_titles(at)
    assert titles[0].startswith(f"{first.label} pays back in month {math.ceil(month)} (discounted)")
    assert metric(at, "Payback (discounted)") == months(returns[Option.MICRO].discounted_payback_month)
    assert titles[1] == f"Microlearning: {survives} of the gross benefit survives the conservative rules"
    defensible = all_returns(Scenario(conservative=True))[Option.MICRO]
    assert metric(at, "ROI, defensible") == percent(defensible.roi_pct)  # 108.5 %


def test_conservative_switch_puts_the_screen_on_the_defensible_basis(app):
    """At 300 learners the figures as claimed say go and the defensible ones say don't train (at
    1,000 learners both say "Choose microlearning"), so the verdict itself shows which basis the
    screen is on, as "No option pays back on defensible figures" did under the old model."""
    scenario = Scenario(learners=300)
    claimed_answer = answer_of(scenario)
    defensible_answer = answer_of(scenario.with_changes(conservative=True))
    assert (claimed_answer.decision.advice, defensible_answer.decision.advice) == ("go", "don't train")
    option = defensible_answer.option  # the training option the tiles are about
    claimed, defensible = claimed_and_defensible(scenario.with_changes(conservative=True))
    at = app(query={"learners": "300"}, page="pages/roi.py")
    before = metric(at, "Net present value")
    assert before == money(all_returns(scenario)[claimed_answer.option].npv, "USD")
    assert at.markdown[0].value == f"## {claimed_answer.headline}"
    at.sidebar.toggle(key="sb_conservative").set_value(True).run()
    assert not at.exception
    after = metric(at, "Net present value")
    assert after == money(defensible[option].npv, "USD") and after != before
    # claimed on the screen's (fully loaded) costs beside defensible
    assert metric(at, "ROI as claimed") == percent(claimed[option].roi_pct)
    assert metric(at, "ROI, defensible") == percent(defensible[option].roi_pct)
    assert at.caption[0].value.startswith("Basis: fully loaded costs")
    assert at.markdown[0].value == f"## {defensible_answer.headline}"
    assert at.markdown[0].value.startswith("## Don't train: no option is expected to pay back")
    assert chart_titles(at)[0] == "No option pays back within 3 years"
    fully_loaded = at.sidebar.toggle(key="sb_fully_loaded")
    assert fully_loaded.value is True and fully_loaded.disabled  # shows what Conservative implies
    assert "fully_loaded" not in at.query_params  # the switch forces, not rewrites


def test_overlapping_streams_warn(app):
    at = app(page="pages/roi.py")
    assert not at.warning
    open_groups(at, "Benefits").sidebar.toggle(key="sb_revenue_on").set_value(True).run()
    assert "counts them twice" in at.warning[0].value


def test_retention_page_follows_the_curve_family(app):
    at = app(page="pages/retention.py")
    assert metric(at, "Microlearning skill kept on average") == "73.2 %"  # the model's mean over 36 months
    open_groups(at, "Retention").sidebar.selectbox(key="sb_retention_curve").set_value("power law").run()
    assert not at.exception
    # the half-life of what fades is kept (7.8 months) and the power law's long tail keeps more
    power = mean_kept(Scenario(retention_curve="power law"), Option.MICRO, 36)
    assert metric(at, "Microlearning skill kept on average") == f"{100 * power:.1f} %" != "73.2 %"
    assert "(power law" in str(at.get("plotly_chart")[0].proto.spec)  # the subtitle names the curve


def test_blend_slider_moves_the_blend(app):
    at = app(page="pages/blend.py")
    assert metric(at, "Blended cost per learner") == "$47.20"  # 900 × micro + 100 × ILT learners
    open_groups(at, "Blended mix").sidebar.slider(key="sb_blend_ilt_share_pct").set_value(50.0).run()
    # micro 30,000 + 3 × 500 and ILT 10,000 + 45 × 500 → 64,000 / 1,000
    assert metric(at, "Blended cost per learner") == "$64"
    assert at.query_params["blend_ilt_share_pct"] == "50"


def test_presentation_mode_from_the_link_hides_inputs_and_keeps_the_scenario(app):
    at = app(query={"present": "1", "learners": "2000"})
    assert not at.exception
    assert not at.sidebar.slider  # no inputs in a meeting room
    assert metric(at, "Microlearning is cheaper by") == "$64,000"  # 36,000 against 100,000
    at.button(key="present_exit").click().run()
    assert at.sidebar.select_slider(key="sb_learners").value == 2_000
    assert "present" not in at.query_params


def test_present_button_enters_presentation_mode(app):
    at = app()
    at.sidebar.button(key="present_enter").click().run()
    assert at.query_params["present"] == "1"
    assert not at.sidebar.slider


def test_two_point_fit_from_pilot_data(app):
    at = app(page="pages/retention.py")
    at.number_input(key="ret_r1").set_value(60.0).run()
    at.number_input(key="ret_r2").set_value(30.0).run()
    # S = (90 − 30) / ln(0.6 / 0.3) = 86.6 days
    assert any("stability S = 87 days" in m.value for m in at.markdown)
    at.number_input(key="ret_r2").set_value(70.0).run()
    assert any("No decay to fit" in m.value for m in at.markdown)


def test_two_point_fit_says_when_the_half_life_is_at_the_models_limit(app):
    """99 % at day 30 and 98.9 % at day 90 barely fade: the half-life is the model's longest, said in words."""
    at = app(page="pages/retention.py")
    at.number_input(key="ret_r1").set_value(99.0).run()
    at.number_input(key="ret_r2").set_value(98.9).run()
    fit = next(m.value for m in at.markdown if "stability S =" in m.value)
    assert "1,100 months, the longest the model allows (your tests point to longer" in fit


def test_summary_shows_the_chance_of_losing_money(app):
    at = app()
    value = metric(at, "Chance of loss")
    assert value.endswith(" %") and 0 <= float(value.split()[0]) <= 100
