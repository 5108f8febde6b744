"""Executive summary: the answer in ten seconds, then the charts behind it."""

import streamlit as st

from calculators.summary import cost_summary
from components.charts import breakeven_figure, cost_curves_figure
from components.cost_tiles import cost_tiles, evidence_caption
from components.guard import require_entry
from components.messages import basis_note, recommendation
from components.scenario_inputs import current_scenario

require_entry("")

summary = cost_summary(current_scenario())

st.title("Executive summary")
st.markdown(f"#### {recommendation(summary)}")
cost_tiles(summary)
st.caption(basis_note(summary))

st.plotly_chart(cost_curves_figure(summary), width="stretch", key="summary_cost_chart")
st.plotly_chart(breakeven_figure(summary), width="stretch", key="summary_breakeven_chart")
st.caption(evidence_caption(summary.scenario))
