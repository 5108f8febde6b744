"""Costs & break-even: what each format costs as learners grow, and where it pays back."""

import streamlit as st

from calculators.summary import cost_summary
from components.charts import breakeven_figure, cost_curves_figure, cost_per_learner_figure
from components.cost_tiles import cost_table_view, cost_tiles, evidence_caption
from components.guard import require_entry
from components.messages import basis_note
from components.presentation import show_chart
from components.scenario_inputs import current_scenario

require_entry("costs")

summary = cost_summary(current_scenario())

st.title("Costs & break-even")
cost_tiles(summary)
st.caption(basis_note(summary))
show_chart(cost_curves_figure(summary), key="costs_total_chart")
show_chart(breakeven_figure(summary), key="costs_breakeven_chart")
show_chart(cost_per_learner_figure(summary), key="costs_per_learner_chart")

with st.expander("Cost table by learner count"):
    cost_table_view(summary, key="costs_csv")
st.caption(
    evidence_caption(summary.scenario) + " Break-even here uses the quick benefit per learner; ROI & payback "
    "and Goal seek use the benefit streams after adjustments, so their break-even differs."
)
