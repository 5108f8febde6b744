"""Words and controls that say one thing (issue 25, finding 8), in single-user mode; the
account cases (a viewer's words, a viewer at /users) are in test_accounts.py."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from components.inputs.sidebar import PICKER_KEY, SHARE_BOX_KEY, SHARE_LABEL
from components.saved.store import OPENED_KEY
from tests.app.helpers import APP

SCENARIOS = "pages/scenarios.py"
SAVE_NEW = "FormSubmitter:saved_new_form-Save as new"


def _session(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def _typed(at: AppTest, value: str) -> AppTest:
    return at.sidebar.text_input(key="sb_learners_typed").input(value).run()


def _save_as(at: AppTest, name: str) -> AppTest:
    at.switch_page(SCENARIOS).run()
    at.text_input(key="saved_new_name").input(name)
    return at.button(key=SAVE_NEW).click().run()


def _texts(at: AppTest) -> str:
    kinds = ("success", "error", "warning", "info", "markdown", "caption")
    return " ".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_the_share_box_says_how_to_copy_and_does_not_promise_to_copy(app):
    at = app(page="pages/costs.py")
    assert SHARE_LABEL == "Share link"
    labels = [str(n.proto.popover.label) for n in at.sidebar if getattr(n, "type", "") == "popover"]
    assert SHARE_LABEL in labels and "Copy link" not in labels, labels
    at.session_state[SHARE_BOX_KEY] = True  # the user opens the box
    at.run()
    assert "copy button" in " ".join(c.value for c in at.sidebar.caption)
    assert at.sidebar.code[0].value.endswith("?") is False  # the address itself, in a box with a copy button


def test_the_picker_names_an_opened_saved_scenario_until_an_input_moves():
    at = _session()
    _typed(at, "3,210")
    _save_as(at, "Q3 plan")
    assert at.selectbox(key=PICKER_KEY).value == "Q3 plan"  # saved just now: it is what is on screen
    saved_id = at.session_state[OPENED_KEY].id
    fresh = _session({"s": saved_id})  # its short link, in a new session
    assert fresh.selectbox(key=PICKER_KEY).value == "Q3 plan"
    _typed(fresh, "4,000")
    assert fresh.selectbox(key=PICKER_KEY).value == "Custom"
    fresh.switch_page(SCENARIOS).run()
    fresh.button(key="saved_open").click().run()  # opened from the list
    assert fresh.session_state["scenario"].learners == 3210
    assert fresh.selectbox(key=PICKER_KEY).value == "Q3 plan"


def test_a_save_conflict_gives_its_advice_once():
    first = _session()
    _save_as(first, "Shared plan")
    second = _session({"s": first.session_state[OPENED_KEY].id})
    _typed(first, "3000")
    first.switch_page(SCENARIOS).run()
    first.button(key="saved_save_changes").click().run()
    _typed(second, "4000")
    second.switch_page(SCENARIOS).run()
    second.button(key="saved_save_changes").click().run()
    texts = _texts(second).lower()
    assert "changed elsewhere" in texts and "version 2" in texts
    assert texts.count("as a copy") == 1, texts


def test_a_typed_1e3_is_a_thousand(app):
    at = _typed(app(query={"learners": "250"}, page="pages/costs.py"), "1e3")
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.sidebar.select_slider(key="sb_learners").value == 1_000
    assert at.sidebar.text_input(key="sb_learners_typed").value == "1,000"


def test_a_short_link_to_nothing_is_not_called_a_replaced_value():
    at = _session({"s": "NoSuchId123", "learners": "abc"})
    warnings = [w.value for w in at.warning]
    found = [w for w in warnings if "No saved scenario was found" in w]
    assert found and "could not be used and were replaced" not in found[0]
    assert any("could not be used and were replaced" in w and "abc" in w for w in warnings)  # the bad value


def test_with_skeptic_on_the_claimed_roi_tile_says_what_it_counts():
    def claimed(at: AppTest) -> str:  # the tile's caption and help
        tile = next(m for m in at.metric if m.label == "ROI as claimed")
        return " ".join(
            [tile.proto.help, *(c.value for c in at.caption if c.value.startswith("Benefits over"))]
        )

    assert "as entered" in claimed(_session())
    words = claimed(_session({"skeptic": "1"}))
    assert "as entered" not in words and words.count("Skeptic's published values") == 2, words


def test_every_sidebar_slider_says_its_unit_in_its_value_or_label(app):
    """A slider's value is what a screen reader announces (its aria-valuetext is the formatted
    value): a number of months, days or money must say so there, or in the label."""
    from calculators.scenario import GROUPS, INPUTS
    from tests.app.helpers import open_groups

    at = open_groups(app(), *GROUPS)
    sliders = {s.key.removeprefix("sb_"): s for s in at.sidebar.slider}
    assert "skill_half_life_months" in sliders
    for name, slider in sliders.items():
        spec = INPUTS[name]
        if spec.unit in ("", None, "×") or spec.unit == "learners":
            continue
        words = re.sub(r"%[-+ 0#,]*\d*(\.\d+)?[a-z]", "", slider.proto.format or "").strip()
        named = "(" in slider.label or spec.unit in slider.label.lower()
        assert words or named, (name, slider.proto.format, slider.label)
    assert (sliders["skill_half_life_months"].proto.format % 11.0) == "11.0 months"
