"""Presentation mode for planning meetings: inputs hidden, navigation on top, larger charts.

Reached from the sidebar button or from the address bar (`?present=1`), so a link can open
straight into it. Charts go through `show_chart`, the one place that enlarges them.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

PARAM = "present"
PRESENT_HEIGHT = 620


def presenting() -> bool:
    """True when the address bar asks for presentation mode."""
    return st.query_params.get(PARAM) == "1"


def _enter() -> None:
    st.query_params[PARAM] = "1"


def _leave() -> None:
    st.query_params.pop(PARAM, None)


def presentation_switch() -> None:
    """The control that enters (sidebar) or leaves (top of the page) presentation mode."""
    if presenting():
        st.button(
            "Exit presentation", key="present_exit", on_click=_leave, icon=":material/close_fullscreen:"
        )
    else:
        st.sidebar.button(
            "Present", key="present_enter", on_click=_enter, icon=":material/slideshow:",
            help="Hide the inputs and enlarge numbers and charts for a meeting room.",
        )  # fmt: skip


def show_chart(fig: go.Figure, key: str) -> None:
    """Draw a figure full width; larger type and height in presentation mode."""
    if presenting():
        fig.update_layout(height=PRESENT_HEIGHT, font={"size": 17})
        fig.update_layout(title_font_size=26)
        fig.update_annotations(font_size=17)
    st.plotly_chart(fig, width="stretch", key=key)
