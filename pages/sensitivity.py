"""Sensitivity: which inputs move the answer most, and where it breaks even."""

import streamlit as st

from calculators.ranges import RANGED_FIELDS
from calculators.scenario import input_title
from components.charts.risk_charts import focus_range, frontier_figure, tornado_figure
from components.inputs.ranges_editor import option_picker, ranges_editor
from components.session.guard import require_entry
from components.session.page_settings import seed
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.views.information_view import worth_finding_out
from components.views.parts import page_part
from components.views.sections import section
from components.views.show import show_chart
from components.words.messages import basis_line
from components.work.model_cache import cached_frontier, cached_tornado

require_entry("sensitivity")

scenario = current_scenario()
st.title("Sensitivity")
st.caption(basis_line(scenario))


@page_part
def sensitivity() -> None:
    """Option, measure, ranges and the frontier's inputs: a change reruns this part only."""
    scenario = current_scenario()
    currency = scenario.currency
    left, right = st.columns([2, 1])
    with left:
        option = option_picker("sens_option")
    with right:
        seed("sens_metric")
        metric = (
            st.segmented_control("Measure", ["ROI", "NPV"], key="sens_metric", persist_state="session")
            or "ROI"
        )

    base, bars = cached_tornado(scenario, option, metric, current_ranges())
    show_chart(tornado_figure(base, bars, metric, option, currency), key="sens_tornado_chart")
    worth_finding_out(scenario, current_ranges())  # beside it: what is worth finding out

    with section("Ranges of the uncertain inputs (edit low and high)", "ranges_table") as shown:
        if shown:  # built only when opened
            ranges_editor(scenario)

    st.markdown("## Where it breaks even, over two inputs at once")
    c1, c2 = st.columns(2)
    for name in ("sens_x", "sens_y"):
        seed(name)  # page settings: kept across pages and in the link
    x_field = c1.selectbox(
        "Across", RANGED_FIELDS, format_func=input_title, key="sens_x", persist_state="session"
    )
    y_field = c2.selectbox(
        "And", RANGED_FIELDS, format_func=input_title, key="sens_y", persist_state="session"
    )
    if x_field == y_field:
        st.info("Choose two different inputs to draw the frontier.")
    else:
        current = (float(getattr(scenario, x_field)), float(getattr(scenario, y_field)))
        xs, ys, z = cached_frontier(
            scenario, option, metric, x_field, y_field,
            x_range=focus_range(x_field, current[0]), y_range=focus_range(y_field, current[1]),
        )  # fmt: skip
        show_chart(
            frontier_figure(xs, ys, z, x_field, y_field, current, metric, currency), key="sens_frontier_chart"
        )


sensitivity()
