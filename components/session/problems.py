"""The session's list of problems to report: link, file or widget values that were refused.

Every reader of a link or a saved scenario adds its messages here (`report`); the page shows
them once, as text (`components.inputs.sidebar.show_input_problems`).
"""

from __future__ import annotations

import streamlit as st

PROBLEMS_KEY = "scenario_problems"  # messages about rejected link or widget values
UPDATE_PROBLEMS_KEY = "scenario_update_problems"  # messages from the last `update_scenario`
NOTICES_KEY = "scenario_notices"  # messages that are not a replaced value (a saved scenario not found)


def report(messages: list[str], *, first: bool = False) -> None:
    """Add `messages` to the ones shown on the next run (before the others with `first`)."""
    if not messages:
        return
    kept = st.session_state.get(PROBLEMS_KEY, [])
    st.session_state[PROBLEMS_KEY] = [*messages, *kept] if first else [*kept, *messages]


def notice(messages: list[str]) -> None:
    """Add `messages` to say on the next run on their own, not as replaced values."""
    if messages:
        st.session_state[NOTICES_KEY] = [*st.session_state.get(NOTICES_KEY, []), *messages]


def take_notices() -> list[str]:
    """The notices waiting to be shown, removed from the session (shown once)."""
    return st.session_state.pop(NOTICES_KEY, [])


def take() -> list[str]:
    """The messages waiting to be shown, removed from the session (shown once)."""
    return st.session_state.pop(PROBLEMS_KEY, []) + st.session_state.pop(UPDATE_PROBLEMS_KEY, [])
