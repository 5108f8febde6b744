"""Sensitivity: which inputs move the answer most, and where it breaks even."""

import streamlit as st

from calculators.ranges import RANGED_FIELDS
from calculators.scenario import input_title
from calculators.sensitivity import frontier, tornado
from components.guard import require_entry
from components.messages import basis_line
from components.presentation import show_chart
from components.risk_charts import focus_range, frontier_figure, tornado_figure
from components.risk_inputs import current_ranges, option_picker, ranges_editor
from components.scenario_inputs import current_scenario

require_entry("sensitivity")

scenario = current_scenario()
currency = scenario.currency
st.title("Sensitivity")
st.caption(basis_line(scenario))
left, right = st.columns([2, 1])
with left:
    option = option_picker("sens_option")
with right:
    metric = st.segmented_control("Measure", ["ROI", "NPV"], default="ROI", key="sens_metric") or "ROI"

base, bars = tornado(scenario, option, metric, current_ranges())
show_chart(tornado_figure(base, bars, metric, option, currency), key="sens_tornado_chart")

with st.expander("Ranges of the uncertain inputs (edit low and high)"):
    ranges_editor(scenario)

st.subheader("Break-even frontier")
labels = {input_title(f): f for f in RANGED_FIELDS}
names = list(labels)
c1, c2 = st.columns(2)
x_label = c1.selectbox("Across", names, index=names.index(input_title("learners")), key="sens_x")
y_label = c2.selectbox("And", names, index=names.index(input_title("micro_retention_pct")), key="sens_y")
x_field, y_field = labels[x_label], labels[y_label]
if x_field == y_field:
    st.info("Choose two different inputs to draw the frontier.")
else:
    current = (float(getattr(scenario, x_field)), float(getattr(scenario, y_field)))
    xs, ys, z = frontier(
        scenario, option, metric, x_field, y_field,
        x_range=focus_range(x_field, current[0]), y_range=focus_range(y_field, current[1]),
    )  # fmt: skip
    show_chart(
        frontier_figure(xs, ys, z, x_field, y_field, current, metric, currency), key="sens_frontier_chart"
    )
