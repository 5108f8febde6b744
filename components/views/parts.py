"""A page's own parts: its controls and what they drive, rerun on their own (a fragment).

A control inside a part reruns only that part; it writes the address bar itself so the
share link follows at once; a control that changes the scenario reruns the whole app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import streamlit as st

from components.session.address import sync_address_bar
from components.session.presenting import presenting
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario, update_scenario


def page_part(body: Callable[[], None]) -> Callable[[], None]:
    """A page's own controls and what they drive, as a Streamlit fragment.

    Changing a control inside reruns only this part: not the entry script, the sidebar
    or the rest of the page. The scenario is read from session state as in a full run.
    Because a fragment rerun skips the entry script, the part writes the address bar
    itself (`sync_address_bar`), so the share link follows a page setting at once. A
    control that changes the scenario must rerun the whole app (`st.rerun()`).
    """

    @st.fragment
    @wraps(body)
    def part() -> None:
        if st.session_state.pop(_WHOLE_APP, False):
            st.rerun(scope="app")  # a control in here changed the scenario: redraw everything
        body()
        sync_address_bar(current_scenario(), current_ranges(), presenting())

    return part


_WHOLE_APP = "rerun_whole_app"


def change_scenario(**changes: Any) -> None:
    """A callback for a control inside a `page_part` that changes the scenario (validated, as
    `update_scenario`): the sidebar, the other charts and the link follow."""
    update_scenario(**changes)
    st.session_state[_WHOLE_APP] = True
