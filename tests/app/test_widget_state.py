"""The one-key session-state view the widgets read (components/session/widget_state.py) answers as
Streamlit's own `filtered_state` does, for every key of real sessions."""

from __future__ import annotations

import pytest
from streamlit.elements.widgets import number_input, selectbox, text_widgets

from components.session.widget_state import MODULES, FilteredView, fast_widget_state
from tests.app.helpers import open_groups


def _session_state(at):  # type: ignore[no-untyped-def]
    """The SafeSessionState behind an AppTest (what `get_session_state()` returns in a run)."""
    return at.session_state._state


@pytest.mark.parametrize("page", ["pages/pilot.py", "pages/scenarios.py", "pages/monte_carlo.py"])
def test_the_view_answers_as_filtered_state_for_every_key(app, page):
    at = app(page=page)
    open_groups(at, "Benefits", "Assumptions")  # more widgets, typed boxes and None-valued keys
    at.session_state["a_key_holding_none"] = None
    at.run()
    state = _session_state(at)
    whole = state.filtered_state
    view = FilteredView(state)
    assert len(whole) > 80 and any(v is None for v in whole.values())
    for key, value in whole.items():
        assert key in view
        assert view[key] is value or view[key] == value
    for missing in ("no_such_key", "sb_no_such_input", "$$STREAMLIT_INTERNAL_KEY_x", "$$ID-0-None"):
        assert (missing in view) == (missing in whole)
    assert dict(view) == whole and len(view) == len(whole)
    with pytest.raises(KeyError):
        view["no_such_key"]


def test_the_widget_modules_read_the_view_and_keep_every_other_attribute(app):
    fast_widget_state()
    at = app(page="pages/pilot.py")  # its number boxes and select boxes draw through the view
    assert not at.exception
    for module in MODULES:
        assert module.get_session_state.__module__ == "components.session.widget_state"
    for module in (number_input, selectbox, text_widgets):
        assert module.get_session_state is MODULES[0].get_session_state


def _boxes() -> None:
    import streamlit as st

    from components.session.widget_state import fast_widget_state

    fast_widget_state()
    for key in ("box", "pick", "text"):
        st.session_state.setdefault(key, None)
    st.number_input("Box", key="box")
    st.selectbox("Pick", ["a", "b"], key="pick")
    st.text_input("Text", key="text")
    st.number_input("Other box", value=3, key="other")


def test_a_widget_whose_key_holds_none_is_still_drawn_empty():
    """Streamlit's own rule (a key set to None shows an empty widget) still holds through the view."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_boxes).run()
    assert not at.exception
    assert at.number_input(key="box").value is None
    assert at.selectbox(key="pick").value is None
    assert at.text_input(key="text").value is None
    assert at.number_input(key="other").value == 3
