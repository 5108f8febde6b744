"""Presentation mode for planning meetings: inputs hidden, navigation on top, larger charts.

Reached from the sidebar button or from the address bar (`?present=1`), so a link can open
straight into it. Charts go through `show_chart`, the one place that enlarges them.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from calculators.scenario import Scenario
from components.chart_margins import reserved_margins
from components.chart_spec import spec
from components.scenario_inputs import current_scenario, update_scenario
from components.steering import parse_amount
from components.theme import presentation_overlay

PARAM = "present"
PRESENT_HEIGHT = 620


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


def _enter() -> None:
    st.session_state[PRESENT_KEY] = True


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False


STRIP = {
    "learners": "present_learners",
    "blend_ilt_share_pct": "present_mix",
    "horizon_years": "present_horizon",
}


def _from_strip(field: str) -> None:
    """A strip control changed: the shared scenario takes the value, validated like any input."""
    update_scenario(**{field: st.session_state[STRIP[field]]})


def _learners_typed() -> None:
    """The strip's learner count, read as people write it ("25,000", "25k") and validated by the model."""
    raw = str(st.session_state.get(STRIP["learners"], ""))
    value = parse_amount(raw)
    update_scenario(learners=raw if value is None else (round(value) if value.is_integer() else value))


def present_button() -> None:
    """The sidebar button that enters presentation mode (drawn above the inputs)."""
    st.sidebar.button(
        "Present", key="present_enter", on_click=_enter, icon=":material/slideshow:", width="stretch",
        help="Hide the inputs and enlarge numbers and charts for a meeting room.",
    )  # fmt: skip


def presentation_bar(scenario: Scenario | None = None) -> None:
    """In presentation mode, at the top of the page: Exit, and a strip of the three inputs a
    room asks about (learners, the mix, the horizon), so "what about 5,000 learners?" needs
    no exit."""
    scenario = scenario or current_scenario()
    for field, key in STRIP.items():  # the strip shows the scenario (one writer: the scenario)
        st.session_state[key] = getattr(scenario, field)
    st.session_state[STRIP["learners"]] = f"{scenario.learners:,}"  # typed as people write it: 25,000
    exit_column, learners_column, mix_column, horizon_column = st.columns(
        [1.2, 1.4, 2, 1.4], vertical_alignment="bottom"
    )
    exit_column.button(
        "Exit presentation", key="present_exit", on_click=_leave, icon=":material/close_fullscreen:"
    )
    learners_column.text_input(
        "Learners", key=STRIP["learners"], on_change=_learners_typed, max_chars=20,
        help="Type any count, as you would write it: 5,000 or 5k.",
    )  # fmt: skip
    mix_column.slider(
        "Learners in the instructor-led foundation", 0.0, 100.0, step=1.0, format="%.0f%%",
        key=STRIP["blend_ilt_share_pct"], on_change=_from_strip, args=("blend_ilt_share_pct",),
    )  # fmt: skip
    horizon_column.slider(
        "Horizon", 1, 10, format="%d-year", key=STRIP["horizon_years"], on_change=_from_strip,
        args=("horizon_years",),
    )  # fmt: skip


SLIDE_PNG = {"format": "png", "width": 1600, "height": 900, "scale": 1}  # a 16:9 slide


def show_chart(fig: go.Figure, key: str) -> None:
    """Draw a figure full width; in presentation mode, room-sized type, darker axis text and
    more height (`components.theme.presentation_overlay`).

    The chart's camera button (top right, on hover) downloads it as a 1600 × 900 PNG, drawn
    by the browser itself: a slide-sized picture of any chart, with no server round trip.
    """
    if presenting():
        fig = presentation_overlay(fig, height=PRESENT_HEIGHT)
    config = {"toImageButtonOptions": {**SLIDE_PNG, "filename": key.removesuffix("_chart").replace("_", "-")}}
    st.plotly_chart(_AsBuilt(fig), width="stretch", key=key, config=config)


class _AsBuilt(go.Figure):
    """A finished figure handed to Streamlit as it stands: `st.plotly_chart` calls `to_dict()`
    on a figure, which deep-copies data and layout and base64-encodes its arrays (about 1.2 ms
    a chart, and a larger message for charts of a few dozen points); this returns the
    figure's own dicts (`chart_spec.spec`: a builder's chart as built, never turned into a
    `go.Figure`), which Streamlit only serialises. Nothing else of the figure is used."""

    def __init__(self, figure: go.Figure) -> None:  # plotly's constructor is skipped on purpose
        self._built = figure

    def to_dict(self) -> dict[str, Any]:
        """The figure's dicts, its margins widened to hold its labels (`reserved_margins`:
        the browser then draws it once, not twice); the figure itself is left as it is."""
        built = spec(self._built)
        layout = built["layout"]
        try:
            reserved = reserved_margins(built)
        except (ArithmeticError, LookupError, TypeError, ValueError):  # a figure it cannot read:
            reserved = {}  # Plotly fits the margins itself, as it always could
        if not reserved:
            return built
        return {
            "data": built["data"],
            "layout": {**layout, "margin": {**(layout.get("margin") or {}), **reserved}},
        }
