"""Presentation mode's one stylesheet (UI.md: the theme cannot size type for a room).

`components/presentation.css` enlarges KPI values, labels and captions and trims vertical
space; chart type is enlarged separately, by the Plotly overlay in `show_chart`. The entry
script calls `apply_presentation_style()` only when presenting, so the sheet is never
active otherwise.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).with_name("presentation.css")
PRINT_STYLESHEET = Path(__file__).with_name("print.css")


def apply_presentation_style() -> None:
    """Inject the presentation stylesheet into this run (call it only when presenting).

    A style-only `st.html` goes to Streamlit's event container: it takes no space on the page.
    """
    st.html(STYLESHEET)


def apply_print_style() -> None:
    """Inject the print stylesheet (`components/print.css`): on paper, no sidebar, navigation
    or buttons. It is inert on screen, so the entry script loads it on every run."""
    st.html(PRINT_STYLESHEET)
