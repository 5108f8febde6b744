"""Inputs people can steer: stepped learners and development cost, typed exact values."""

from __future__ import annotations

from components.inputs.steering import stepped_scale
from tests.app.helpers import open_groups


def test_learners_reach_250_and_25000_in_a_few_steps():
    """From the default 1,000, 250 is 6 steps down and 25,000 is 14 steps up the stepped scale."""
    scale = stepped_scale(1, 100_000)
    start = scale.index(1_000)
    assert start - scale.index(250) <= 6 and scale.index(25_000) - start <= 14
    assert len(scale) <= 60  # ten steps a decade: every decade gets the same room


def test_typing_an_exact_learner_count_moves_the_scenario(app):
    at = app(page="pages/costs.py")
    at.sidebar.text_input(key="sb_learners_typed").input("25k").run()
    assert not at.exception
    assert at.sidebar.select_slider(key="sb_learners").value == 25_000
    assert at.query_params["learners"] == "25000"
    assert at.sidebar.text_input(key="sb_learners_typed").value == "25,000"  # shown with separators


def test_typed_money_shows_currency_and_separators(app):
    at = open_groups(app(page="pages/costs.py"), "Microlearning")
    assert at.sidebar.text_input(key="sb_micro_fixed_cost_typed").value == "$30,000"
    at.sidebar.text_input(key="sb_micro_fixed_cost_typed").input("$42,500").run()
    assert at.sidebar.select_slider(key="sb_micro_fixed_cost").value == 42_500
    assert at.query_params["micro_fixed_cost"] == "42500"


def test_a_bad_typed_value_is_named_and_changes_nothing(app):
    at = app(page="pages/costs.py")
    at.sidebar.text_input(key="sb_learners_typed").input("lots").run()
    assert not at.exception
    assert "Learners: 'lots' is not a whole number" in at.warning[0].value
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000
    at.sidebar.text_input(key="sb_learners_typed").input("250000").run()
    assert "out of range; allowed 1 to 100,000" in at.warning[0].value


def test_learners_and_the_switches_come_first_in_the_sidebar(app):
    at = app()
    order = [w.key for w in at.sidebar if getattr(w, "key", None) and str(w.key).startswith("sb_")]
    top = order[: order.index("sb_skeptic") + 1]
    assert "sb_learners" in top and "sb_fully_loaded" in top and "sb_conservative" in top
    assert order.index("sb_learners") < order.index("sb_currency")


def test_reset_to_defaults(app):
    at = app(query={"v": "1", "learners": "300", "fully_loaded": "1"})
    at.sidebar.button(key="sb_reset").click().run()
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000
    assert at.sidebar.toggle(key="sb_fully_loaded").value is False
    assert "learners" not in at.query_params


def test_the_preset_picker_names_what_is_on_screen(app):
    """A preset's name while the inputs equal it, 'From a link' for a link, 'Custom' once edited."""
    at = app()
    picker = lambda: at.sidebar.selectbox(key="sb_preset_choice").value  # noqa: E731
    assert picker() == "Vendor cost table"
    at.sidebar.select_slider(key="sb_learners").set_value(2_000).run()
    assert picker() == "Custom"
    linked = app(query={"v": "1", "learners": "300"})
    assert linked.sidebar.selectbox(key="sb_preset_choice").value == "From a link"
    linked.sidebar.toggle(key="sb_fully_loaded").set_value(True).run()
    assert linked.sidebar.selectbox(key="sb_preset_choice").value == "Custom"


def test_a_link_with_page_settings_raises_no_warning(app):
    at = app(query={"v": "1", "learners": "300", "mc_draws": "100000", "gs_metric": "NPV", "present": "1"})
    assert not at.warning


def test_learner_time_reads_in_minutes_and_hours_not_decimal_hours(app):
    at = open_groups(app(), "Microlearning", "Instructor-led")
    micro = at.sidebar.select_slider(key="sb_micro_seat_hours")
    assert micro.value == 0.125 and "7.5 min" in micro.options and "0.125 h" not in micro.options
    assert "8 h" in at.sidebar.select_slider(key="sb_ilt_seat_hours").options
    assert "Default 7.5 min" in micro.help


def test_input_groups_start_closed_and_a_link_opens_the_ones_it_sets(app):
    """Only learners, the switches and Scale are drawn at first (a click opens a group); a share
    link that sets an input opens that input's group, so its recipient sees the changed value."""
    at = app()
    drawn = {w.key for w in at.sidebar.slider} | {w.key for w in at.sidebar.select_slider}
    assert "sb_learners" in drawn and "sb_horizon_years" in drawn
    assert not drawn & {"sb_micro_fixed_cost", "sb_ilt_cost_per_learner", "sb_micro_retention_pct"}

    linked = app(query={"ilt_cost_per_learner": "40"})
    assert linked.sidebar.slider(key="sb_ilt_cost_per_learner").value == 40.0
    assert "sb_micro_fixed_cost" not in {
        w.key for w in linked.sidebar.select_slider
    }  # Microlearning stays closed


def _link_box(at) -> list[str]:  # the Copy link box's text (nothing while it is closed)
    return [c.value for c in at.sidebar.code]


def test_the_copy_link_box_is_the_address_bar_after_a_page_setting_and_a_slider(app):
    """The box is filled from the parameters the address bar gets in the same run (not from the
    address as it was before this run), and built only while it is open."""
    from urllib.parse import parse_qsl, urlsplit

    from components.inputs.sidebar import SHARE_BOX_KEY

    at = app(page="pages/sensitivity.py")
    assert _link_box(at) == []  # closed: nothing built
    at.segmented_control(key="sens_metric").set_value("NPV")
    at.sidebar.text_input(key="sb_learners_typed").input("2,500")
    at.session_state[SHARE_BOX_KEY] = True  # the user opens the box
    at.run()
    assert not at.exception
    (link,) = _link_box(at)
    query = dict(parse_qsl(urlsplit(link).query))
    assert query["sens_metric"] == "NPV" and query["learners"] == "2500"
    assert query == {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
