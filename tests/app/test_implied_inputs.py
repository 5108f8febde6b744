"""AppTest: a switch that decides other inputs shows it (issue 23, item 5).

Conservative (Phillips) counts costs fully loaded and Skeptic replaces grade C/D defaults with
published values (`calculators.model.effective`). While such a switch is on, the inputs it
decides show the value the model uses, locked, with the reason beside them; the scenario and
the share link keep only what the user set, and the user's own value comes back when the
switch goes off.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from calculators.presets import load_presets
from calculators.scenario import INPUTS, Scenario
from calculators.skeptic import SKEPTIC_VALUES
from components.inputs.sidebar import CONSERVATIVE_COSTS, implied_inputs
from components.session.presenting import PRESENT_KEY
from components.session.scenario import SCENARIO_KEY
from tests.app.helpers import open_groups

FULLY_LOADED = "sb_fully_loaded"
CONSERVATIVE = "sb_conservative"


def _fully_loaded(at: AppTest):  # type: ignore[no-untyped-def]
    return at.sidebar.toggle(key=FULLY_LOADED)


CHANGED = re.compile(r"You changed \d+ inputs?")


def _figures(at: AppTest) -> dict[str, object]:
    """Every figure of the main area on the screen's basis: tiles, sentences and charts.

    Left out: the "as claimed" tiles, which are by definition Conservative *off* (where the
    user's own Fully loaded choice applies), and how many inputs the user changed."""
    return {
        "tiles": [(m.label, m.value) for m in at.main.metric if "as claimed" not in m.label],
        "captions": [CHANGED.sub("You changed N inputs", c.value) for c in at.main.caption],
        "markdown": [m.value for m in at.main.markdown],
        "charts": [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")],
    }


@pytest.mark.parametrize("page", ["pages/executive_summary.py", "pages/costs.py", "pages/roi.py"])
def test_conservative_locks_fully_loaded_on_and_the_figures_are_the_fully_loaded_ones(app, page):
    at = app(page=page)
    assert _fully_loaded(at).value is False and not _fully_loaded(at).disabled
    at.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    assert not at.exception
    assert _fully_loaded(at).value is True
    assert _fully_loaded(at).disabled
    assert CONSERVATIVE_COSTS in _fully_loaded(at).help
    assert any(c.value == CONSERVATIVE_COSTS for c in at.sidebar.caption)
    # The same screen as a user who switched both on themselves.
    both = app(query={"v": "1", "conservative": "1", "fully_loaded": "1"}, page=page)
    assert _fully_loaded(both).value is True and _fully_loaded(both).disabled
    assert _figures(at) == _figures(both)


@pytest.mark.parametrize("own", [False, True])
def test_switching_conservative_off_gives_back_the_users_own_choice(app, own):
    at = app(page="pages/costs.py")
    if own:
        _fully_loaded(at).set_value(True).run()
    at.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    assert _fully_loaded(at).value is True and _fully_loaded(at).disabled
    assert at.session_state[SCENARIO_KEY].fully_loaded is own  # the scenario keeps the user's own
    at.run()  # and keeps it over later reruns
    assert at.session_state[SCENARIO_KEY].fully_loaded is own
    at.sidebar.toggle(key=CONSERVATIVE).set_value(False).run()
    assert not at.exception
    assert _fully_loaded(at).value is own
    assert not _fully_loaded(at).disabled
    assert at.session_state[SCENARIO_KEY] == Scenario(fully_loaded=own)
    assert not any(c.value == CONSERVATIVE_COSTS for c in at.sidebar.caption)


def test_the_link_carries_only_what_the_user_set(app):
    at = app()
    at.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    assert "conservative" in at.query_params and "fully_loaded" not in at.query_params
    at.sidebar.toggle(key=CONSERVATIVE).set_value(False).run()
    assert "fully_loaded" not in at.query_params and "conservative" not in at.query_params
    # A user who had it on themselves keeps it in the link, locked or not.
    own = app(query={"v": "1", "fully_loaded": "1"})
    own.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    assert "fully_loaded" in own.query_params and "conservative" in own.query_params


def test_a_link_with_conservative_opens_locked_and_keeps_the_users_choice(app):
    at = app(query={"v": "1", "conservative": "1"})
    assert not at.exception and not at.warning
    assert _fully_loaded(at).value is True and _fully_loaded(at).disabled
    assert "fully_loaded" not in at.query_params
    at.sidebar.toggle(key=CONSERVATIVE).set_value(False).run()
    assert _fully_loaded(at).value is False and not _fully_loaded(at).disabled


def test_the_lock_survives_presentation_mode_and_page_changes(app):
    at = app()
    at.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    at.session_state[PRESENT_KEY] = True
    at.run()
    assert not at.exception and not at.sidebar.toggle  # presenting: no inputs drawn
    assert at.query_params.get("present") == "1" and "fully_loaded" not in at.query_params
    at.session_state[PRESENT_KEY] = False
    at.switch_page("pages/costs.py").run()
    assert _fully_loaded(at).value is True and _fully_loaded(at).disabled
    at.sidebar.toggle(key=CONSERVATIVE).set_value(False).run()
    assert _fully_loaded(at).value is False and not _fully_loaded(at).disabled
    assert at.session_state[SCENARIO_KEY] == Scenario()


@pytest.mark.parametrize("preset", load_presets()[0], ids=lambda p: p.name)
def test_a_preset_loaded_while_locked_shows_its_own_choices(app, preset):
    at = app()
    at.sidebar.toggle(key=CONSERVATIVE).set_value(True).run()
    at.sidebar.selectbox(key="sb_preset_choice").set_value(preset.name).run()
    assert not at.exception
    assert at.session_state[SCENARIO_KEY] == preset.scenario
    assert _fully_loaded(at).disabled is preset.scenario.conservative
    assert _fully_loaded(at).value is (preset.scenario.fully_loaded or preset.scenario.conservative)


# --- Skeptic: the published values it puts in place of the user's untouched defaults ---------

SKEPTIC_GROUPS = sorted({INPUTS[v.field].group for v in SKEPTIC_VALUES})


def _slider(at: AppTest, field: str):  # type: ignore[no-untyped-def]
    return at.sidebar.slider(key=f"sb_{field}")


def test_skeptic_locks_the_defaults_it_replaces_on_their_published_values(app):
    at = open_groups(app(), *SKEPTIC_GROUPS)
    at.sidebar.toggle(key="sb_skeptic").set_value(True).run()
    assert not at.exception
    for v in SKEPTIC_VALUES:
        assert _slider(at, v.field).value == pytest.approx(v.value), v.field
        assert _slider(at, v.field).disabled, v.field
        assert "Turn Skeptic off" in _slider(at, v.field).help
        shown = _slider(at, v.field).proto.format % v.value  # as the slider prints it
        assert f"{v.value:g}" in shown, (v.field, shown)  # 1.7 reads 1.7 %, not 2 %
    assert "skeptic" in at.query_params
    assert not any(v.field in at.query_params for v in SKEPTIC_VALUES)  # the link: the switch only
    assert at.session_state[SCENARIO_KEY] == Scenario(skeptic=True)
    at.sidebar.toggle(key="sb_skeptic").set_value(False).run()
    for v in SKEPTIC_VALUES:
        assert _slider(at, v.field).value == pytest.approx(INPUTS[v.field].default), v.field
        assert not _slider(at, v.field).disabled, v.field
    assert at.session_state[SCENARIO_KEY] == Scenario()


def test_skeptic_leaves_a_figure_the_user_set_theirs_and_editable(app):
    first = SKEPTIC_VALUES[0]
    spec = INPUTS[first.field]
    own = float(spec.default) + float(spec.step or 1)  # not the default: the user's own figure
    at = open_groups(app(), spec.group)
    _slider(at, first.field).set_value(own).run()
    at.sidebar.toggle(key="sb_skeptic").set_value(True).run()
    assert _slider(at, first.field).value == pytest.approx(own)
    assert not _slider(at, first.field).disabled
    assert first.field in at.query_params


def test_the_sidebar_locks_what_the_model_forces():
    """`implied_inputs` names exactly the inputs whose values the model replaces (`effective`)."""
    from calculators.model import effective

    for conservative in (False, True):
        for skeptic in (False, True):
            scenario = Scenario(conservative=conservative, skeptic=skeptic)
            implied = implied_inputs({"conservative": conservative, "skeptic": skeptic}, scenario)
            forced = effective(scenario)
            assert {n: getattr(forced, n) for n in implied} == {n: i.value for n, i in implied.items()}
            changed = {n for n in INPUTS if getattr(forced, n) != getattr(scenario, n)}
            assert changed <= set(implied)
