"""Retention: how much of each trained skill is kept month by month, the evidence for it, and
how much the retention assumption moves the answer."""

import streamlit as st

from calculators.model import Option
from calculators.roi import retention_view
from calculators.scenario import Format
from components.charts.model_charts import retention_figure
from components.session.guard import require_entry
from components.session.page_settings import seed
from components.session.scenario import current_scenario
from components.views.kpi import Tile, kpi_row
from components.views.retention_view import (
    benefit_period,
    evidence_markdown,
    recommended,
    retention_caption,
    retention_data,
    retention_headline,
    two_point_message,
    what_if_table,
)
from components.views.returns_view import option_label
from components.views.sections import section
from components.views.show import show_chart
from components.words.formatting import half_life_text, percent
from components.words.messages import basis_line

require_entry("retention")

scenario = current_scenario()
view = retention_view(scenario)  # the switches applied once, by the model
half = view.half_life_months
over = benefit_period(view)

st.title("Retention")
st.caption(basis_line(scenario))
st.markdown(f"**{retention_headline(view)}**")
kpi_row(
    [
        Tile(option_label(Option.MICRO, "skill kept on average"), percent(100 * view.mean_kept(Option.MICRO)),
             f"{over.capitalize()}; half lost after {half_life_text(half[Format.MICRO])}"),
        Tile(option_label(Option.ILT, "skill kept on average"), percent(100 * view.mean_kept(Option.ILT)),
             f"{over.capitalize()}; half lost after {half_life_text(half[Format.ILT])}"),
        Tile(option_label(Option.BLEND, "skill kept on average"), percent(100 * view.mean_kept(Option.BLEND)),
             f"{over.capitalize()}; {percent(view.scenario.blend_ilt_share_pct, 0)} of learners instructor-led"),
    ]
)  # fmt: skip
show_chart(retention_figure(view), key="retention_chart")
st.caption(retention_caption(view))
with section("Data: the share kept, month by month", "retention_data") as shown:
    if shown:  # built only when opened
        table = retention_data(view)
        shares = {c: st.column_config.NumberColumn(c, format="%.1f") for c in table.columns if c != "Month"}
        st.dataframe(table, hide_index=True, width="stretch", column_config=shares)
        st.download_button(
            "Download CSV", table.to_csv(index=False), file_name="skill-kept-by-month.csv", key="ret_csv"
        )

st.header("What the evidence says", anchor=False)
st.markdown(evidence_markdown(view, scenario))

st.header("How much retention matters", anchor=False)
option = recommended(scenario)
st.markdown(
    f"Figures for {option.in_sentence}, the option recommended with your assumptions. Each row changes one "
    "of them and runs the model again."
)
st.table(what_if_table(scenario), hide_index=True)
st.caption(
    "Net present value and discounted payback over the horizon, on this page's basis; “—”: does not pay back "
    "within the horizon. Change the curve, the half-life, the floor and nudges under Retention in the sidebar."
)

with st.expander("How the curves are computed"):
    st.markdown(
        "ρ(t), the share of the trained gain kept t days after training, is floor + (1 − floor) × R(t). "
        "R(t) fades along the chosen curve and is one half at the half-life: half of what fades is lost then, "
        "and the floor is kept on top, so a higher floor keeps more in every month. Half of the whole gain is "
        "lost later (the dotted lines on the chart).\n\n"
        "- **Exponential**, R = e^(−t/S): the skill fades by the same fraction every day.\n"
        "- **Power law**, R = (1 + t)^(−a): fast loss in the first days, then a long, slow tail.\n"
        "- **FSRS-style**, R = (1 + 19t/81S)^(−½): the curve of the FSRS spaced-repetition scheduler.\n"
        "- **Half-lives**: each format's is the half-life of what fades × ln 0.35 ÷ ln(its recall at the reference "
        "day): the research's half-life is taken for a training that keeps 35 %, and a format's own recall moves "
        "only its own.\n"
        "- **Nudge**: the curve returns to 100 % and the next decline is slower by the stability gain per nudge.\n"
        "- **Benefits**: a month's benefit is the yearly benefit ÷ 12 × the mean of ρ over that month. The blend "
        "weights each track's curve by its learners' benefit."
    )

with st.expander("Fit the knowledge-check curve to your own pilot (two tests)"):
    st.markdown(
        "Enter the share of a knowledge check answered correctly at two points after training. This fits how "
        "recall of the content fades, not the skill on the job."
    )
    for name in ("ret_t1", "ret_r1", "ret_t2", "ret_r2"):
        seed(name)  # page settings: kept across pages, in the link and in saved scenarios
    state = st.session_state
    keep = {"persist_state": "session"}
    # `value=` is the session's own value (one writer): a crafted value sent for a box keeps the last good one
    c1, c2, c3, c4 = st.columns(4)
    t1 = c1.number_input("First test, day", 1, 3650, int(state["ret_t1"]), key="ret_t1", **keep)
    r1 = c2.number_input(
        "First test, correct (%)", 0.1, 100.0, float(state["ret_r1"]), 1.0, "%.1f", key="ret_r1", **keep
    )
    t2 = c3.number_input("Second test, day", 2, 3650, int(state["ret_t2"]), key="ret_t2", **keep)
    r2 = c4.number_input(
        "Second test, correct (%)", 0.1, 100.0, float(state["ret_r2"]), 1.0, "%.1f", key="ret_r2", **keep
    )
    st.markdown(two_point_message(t1, r1, t2, r2, scenario))
