"""Costs & break-even: what each format costs as learners grow, and from when it pays back."""

import streamlit as st

from calculators.summary import cost_summary
from components.charts.cost_charts import breakeven_figure, cost_curves_figure, cost_per_learner_figure
from components.session.guard import require_entry
from components.session.scenario import current_scenario
from components.views.cost_tiles import cost_table_view, cost_tiles, evidence_caption
from components.views.sections import section
from components.views.show import show_chart
from components.words.messages import basis_flip_warning, basis_line

require_entry("costs")

scenario = current_scenario()
summary = cost_summary(scenario)

st.title("Costs & break-even")
st.caption(basis_line(scenario))
cost_tiles(summary)
flip = basis_flip_warning(summary)
if flip:
    st.info(flip, icon=":material/swap_horiz:")
show_chart(cost_curves_figure(summary), key="costs_total_chart")
show_chart(breakeven_figure(summary), key="costs_breakeven_chart")
show_chart(cost_per_learner_figure(summary), key="costs_per_learner_chart")

with section("Cost table by learner count", "costs_table") as shown:
    if shown:  # built only when opened
        cost_table_view(summary, key="costs_csv")
st.caption(evidence_caption(scenario))
