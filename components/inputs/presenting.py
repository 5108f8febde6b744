"""Presentation mode's controls: the sidebar's *Present* button, and in the mode the Exit button
and the strip of the three inputs a room asks about. Whether the mode is on lives in
`components.session.presenting`; charts are enlarged by `components.views.show.show_chart`.
"""

from __future__ import annotations

import streamlit as st

from calculators.scenario import Scenario
from components.inputs.steering import parse_amount
from components.session.presenting import enter, leave
from components.session.scenario import current_scenario, update_scenario

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
        "Present", key="present_enter", on_click=enter, icon=":material/slideshow:", width="stretch",
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
        "Exit presentation", key="present_exit", on_click=leave, icon=":material/close_fullscreen:"
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
