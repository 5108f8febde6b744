"""Presentation mode's one stylesheet (UI.md: the theme cannot size type for a room), the print
sheet, and the accessibility sheet and script every screen gets (docs/accessibility.md).

`components/views/presentation.css` enlarges KPI values, labels and captions and trims vertical
space; chart type is enlarged separately, by the Plotly overlay in `show_chart`. The entry
script calls `apply_presentation_style()` only when presenting, so the sheet is never
active otherwise.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).with_name("presentation.css")
PRINT_STYLESHEET = Path(__file__).with_name("print.css")
ACCESSIBILITY_STYLESHEET = Path(__file__).with_name("accessibility.css")
ACCESSIBILITY_SCRIPT = Path(__file__).with_name("accessibility.js")


def apply_presentation_style() -> None:
    """Inject the presentation stylesheet into this run (call it only when presenting).

    A style-only `st.html` goes to Streamlit's event container: it takes no space on the page.
    """
    st.html(STYLESHEET)


def apply_print_style() -> None:
    """Inject the print stylesheet (`components/views/print.css`): on paper, no sidebar, navigation
    or buttons. It is inert on screen, so the entry script loads it on every run."""
    st.html(PRINT_STYLESHEET)


def apply_accessibility() -> None:
    """What the theme cannot do for WCAG 2.2 AA, on every screen (call it on every run):
    `accessibility.css` (caption contrast, heading sizes, no chart toolbar on a phone) and
    `accessibility.js` (a "Skip to navigation" link; repairs to Streamlit's own markup).

    The script is the project's own file, never user input; it runs once per browser tab
    (it keeps itself from running twice) and takes no space (the sheet hides its element).
    """
    st.html(ACCESSIBILITY_STYLESHEET)
    script = ACCESSIBILITY_SCRIPT.read_text(encoding="utf-8")
    st.html(f'<script id="roi-accessibility">{script}</script>', unsafe_allow_javascript=True)
