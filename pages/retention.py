"""Retention: how much each format's learners still know, and what nudges buy."""

import streamlit as st

from calculators.model import Option, effective
from calculators.roi import mean_retention_of
from calculators.scenario import Format
from components.formatting import percent
from components.guard import require_entry
from components.kpi import Tile, kpi_row
from components.messages import basis_line
from components.model_charts import retention_figure, two_point_message
from components.presentation import show_chart
from components.returns_view import option_label
from components.scenario_inputs import current_scenario

require_entry("retention")

scenario = effective(current_scenario())  # the skeptic switch can replace retention defaults
st.title("Retention")
st.caption(basis_line(current_scenario()))
st.markdown(
    "#### Benefits are weighted by the share of knowledge learners keep on average over the benefit period."
)
mean = {f: mean_retention_of(scenario, f) for f in Format}
share = scenario.blend_ilt_share_pct / 100
blend = (1 - share) * mean[Format.MICRO] + share * mean[Format.ILT]
kpi_row(
    [
        Tile(option_label(Option.MICRO, "mean retention"), percent(100 * mean[Format.MICRO]),
             f"{percent(scenario.micro_retention_pct, 0)} at day {scenario.retention_reference_day}"),
        Tile(option_label(Option.ILT, "mean retention"), percent(100 * mean[Format.ILT]),
             f"{percent(scenario.ilt_retention_pct, 0)} at day {scenario.retention_reference_day}"),
        Tile(option_label(Option.BLEND, "mean retention"), percent(100 * blend),
             f"{percent(scenario.blend_ilt_share_pct, 0)} of learners instructor-led"),
    ]
)  # fmt: skip
show_chart(retention_figure(scenario), key="retention_chart")
st.caption(
    "Each curve passes through your retention assumption at the reference day. A nudge brings retention back "
    "to 100 % and makes the next decline slower. Change the curve, nudges and gain under Retention in the "
    "sidebar. Without nudges a longer horizon adds little benefit: the mean is taken over the whole benefit "
    "period, and knowledge that has been forgotten earns nothing."
)
with st.expander("The forgetting-curve formulas"):
    st.markdown(
        "R(t) is the share of the content still known t days after training; S, the stability, sets how "
        "slowly it fades. Each formula is calibrated so that R at the reference day equals the retention "
        "assumption.\n\n"
        "- **Exponential**, R = e^(−t/S): knowledge fades by the same fraction every day.\n"
        "- **Power law**, R = (1 + t)^(−a), a the decay rate: fast loss in the first days, then a long, slow "
        "tail.\n"
        "- **FSRS-style**, R = (1 + 19t/81S)^(−½): the curve of the FSRS spaced-repetition scheduler, a power "
        "law of fixed shape.\n"
        "- **Nudge**: retention returns to 100 % and the decay slows by the stability gain per nudge (S is "
        "multiplied by it, a divided), so each decline is slower than the last."
    )

with st.expander("Fit the decay from your own pilot (two measurements)"):
    st.markdown("Enter the share of a test answered correctly at two points after training.")
    c1, c2, c3, c4 = st.columns(4)
    t1 = c1.number_input("First test, day", 1, 3650, 30, key="ret_t1")
    r1 = c2.number_input("Retained then (%)", 0.1, 100.0, 60.0, step=1.0, key="ret_r1")
    t2 = c3.number_input("Second test, day", 2, 3650, 90, key="ret_t2")
    r2 = c4.number_input("Retained then (%)", 0.1, 100.0, 40.0, step=1.0, key="ret_r2")
    st.markdown(two_point_message(t1, r1, t2, r2, scenario.retention_reference_day))
