"""AppTest: ROI & payback, Retention, Blended mix, the summary's return tiles, presentation mode."""

from __future__ import annotations

from tests.app.conftest import open_groups
from tests.app.test_pages import chart_titles, metric


def test_summary_shows_roi_payback_and_npv_of_the_best_option(app):
    at = app()
    assert metric(at, "ROI as claimed") == "28.8 %"
    assert metric(at, "Payback (discounted)") == "31 months"
    assert metric(at, "Net present value") == "$4,826"
    assert "microlearning leads (net present value $4,826 over 3 years" in at.markdown[0].value


def test_roi_page_shows_payback_chart_and_waterfall(app):
    at = app(page="pages/roi.py")
    titles = chart_titles(at)
    assert titles[0].startswith("Microlearning pays back in month 31 (discounted)")
    assert "of the gross benefit survives the conservative rules" in titles[1]
    assert metric(at, "ROI, defensible") == "−35.3 %"


def test_conservative_switch_puts_the_screen_on_the_defensible_basis(app):
    at = app(page="pages/roi.py")
    before = metric(at, "Net present value")
    at.sidebar.toggle(key="sb_conservative").set_value(True).run()
    assert not at.exception
    after = metric(at, "Net present value")
    assert before == "$4,826" and after != before
    assert metric(at, "ROI as claimed") == "28.8 %" and metric(at, "ROI, defensible") == "−35.3 %"
    assert at.caption[0].value.startswith("Basis: fully loaded costs")
    assert at.markdown[0].value.startswith("#### No option pays back on defensible figures")
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
    assert metric(at, "Microlearning skill kept on average") == "55.3 %"
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


def test_summary_shows_the_chance_of_losing_money(app):
    at = app()
    value = metric(at, "Chance of loss")
    assert value.endswith(" %") and 0 <= float(value.split()[0]) <= 100
