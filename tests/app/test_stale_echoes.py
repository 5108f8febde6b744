"""Quick key presses are never undone (issue 25, finding 6).

The app fills two sidebar widgets itself on every run: the learners box (the slider's value as
text) and the preset picker (the preset the inputs equal, else "Custom"). A browser that sends
the next key press before the last run's reply has arrived also sends those widgets' *old*
values. Those are echoes, not choices: taking them undid the presses (the old box text set the
slider back; the old picker label reloaded the preset, 1,000 learners, and dropped `learners`
from the link). Here AppTest plays that browser: the slider moves and, in the same message,
the box and the picker still hold what they showed one run earlier.
"""

from __future__ import annotations

from components.inputs.sidebar import PICKER_KEY


def _learners(at):  # type: ignore[no-untyped-def]
    return at.sidebar.select_slider(key="sb_learners")


def test_an_old_box_text_sent_with_a_key_press_is_not_a_typed_value(app):
    at = app(page="pages/costs.py")
    _learners(at).set_value(750).run()
    assert at.text_input(key="sb_learners_typed").value == "750"
    # the next press, sent before the reply to the first: the box still reads 1,000 in the browser
    _learners(at).set_value(600)
    at.text_input(key="sb_learners_typed").set_value("1,000")
    at.run()
    assert not at.exception
    assert _learners(at).value == 600
    assert at.text_input(key="sb_learners_typed").value == "600"
    assert at.query_params["learners"] == "600"


def test_an_old_picker_label_sent_with_a_key_press_does_not_reload_the_preset(app):
    at = app(page="pages/costs.py")
    first = at.selectbox(key=PICKER_KEY).value
    assert first != "Custom"  # the defaults are a preset: the picker names it
    _learners(at).set_value(750).run()
    assert at.selectbox(key=PICKER_KEY).value == "Custom"
    _learners(at).set_value(600)
    at.selectbox(key=PICKER_KEY).set_value(first)  # the browser had not seen "Custom" yet
    at.run()
    assert not at.exception
    assert _learners(at).value == 600
    assert at.query_params["learners"] == "600"  # the link keeps the count
    assert any("600 learners" in c.value for c in at.caption)  # the figures follow


def test_a_value_typed_in_the_box_and_a_chosen_preset_still_count(app):
    at = app(page="pages/costs.py")
    _learners(at).set_value(750).run()
    at.text_input(key="sb_learners_typed").input("2,500").run()
    assert _learners(at).value == 2_500 and at.query_params["learners"] == "2500"
    presets = at.selectbox(key=PICKER_KEY).options
    chosen = next(p for p in presets if p not in {"Custom", at.selectbox(key=PICKER_KEY).value})
    at.selectbox(key=PICKER_KEY).set_value(chosen).run()
    assert at.selectbox(key=PICKER_KEY).value == chosen


def test_the_address_bar_is_written_even_when_the_browser_sent_the_same_address(app):
    """A run for 750 wrote `learners=750`; the press back to 1,000 was sent before that write
    arrived, with no `learners` in its address: the run must still write the address."""
    from unittest import mock

    from streamlit.runtime.state.query_params_proxy import QueryParamsProxy

    at = app(page="pages/costs.py")
    with mock.patch.object(QueryParamsProxy, "from_dict", autospec=True) as written:
        at.run()
    assert written.called
