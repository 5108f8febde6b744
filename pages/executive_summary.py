"""Executive summary: the answer in ten seconds, then the charts behind it."""

import streamlit as st

from calculators.roi import all_returns
from calculators.summary import cost_summary
from components.charts import breakeven_figure, cost_curves_figure
from components.cost_tiles import cost_tiles, evidence_caption
from components.guard import require_entry
from components.messages import basis_note, recommendation
from components.model_charts import cumulative_net_figure
from components.presentation import show_chart
from components.returns_view import overlap_warning, returns_tiles, roi_sentence
from components.risk_inputs import current_ranges
from components.scenario_inputs import current_scenario
from components.simulation_cache import cached_monte_carlo

require_entry("")

summary = cost_summary(current_scenario())

st.title("Executive summary")
st.markdown(f"#### {recommendation(summary)}")
cost_tiles(summary)
st.caption(basis_note(summary))
returns = all_returns(summary.scenario)
overlap_warning(summary.scenario)
st.markdown(f"##### {roi_sentence(returns, summary.scenario.currency)}")
simulated = cached_monte_carlo(summary.scenario, 10_000, 2026, "triangular", current_ranges())
returns_tiles(returns, summary.scenario.currency, {o: simulated.probability_loss(o) for o in returns})

show_chart(cost_curves_figure(summary), key="summary_cost_chart")
show_chart(cumulative_net_figure(returns, summary.scenario.currency), key="summary_payback_chart")
show_chart(breakeven_figure(summary), key="summary_breakeven_chart")
st.caption(evidence_caption(summary.scenario))
