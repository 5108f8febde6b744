"""Presentation mode as the session holds it: on or off, read once from the link (`?present=1`).

The button and the strip of inputs are drawn by `components.inputs.presenting`.
"""

from __future__ import annotations

import streamlit as st

PARAM = "present"
PRESENT_KEY = "presenting"
LOADED_KEY = "presenting_loaded_from_link"


def presenting() -> bool:
    """True in presentation mode: set by the button or, once per session, by `?present=1`.

    It lives in session state (not only the address bar), because Streamlit drops query
    parameters on a page change; the entry script writes it back to the address bar.
    """
    if not st.session_state.get(LOADED_KEY):
        st.session_state[LOADED_KEY] = True
        st.session_state[PRESENT_KEY] = st.query_params.get(PARAM) == "1"
    return bool(st.session_state.get(PRESENT_KEY))


def enter() -> None:
    """Button callback: presentation mode on."""
    st.session_state[PRESENT_KEY] = True


def leave() -> None:
    """Button callback: presentation mode off."""
    st.session_state[PRESENT_KEY] = False
