"""Executive summary: the answer in ten seconds, on one stated basis, then the charts behind it."""

import streamlit as st

from calculators.model import Option
from calculators.sensitivity import tornado
from calculators.summary import cost_summary, verdict
from components.charts import cost_curves_figure
from components.cost_tiles import cost_tiles, evidence_caption
from components.guard import require_entry
from components.messages import basis_flip_warning, basis_line, driver_sentence, headline
from components.model_charts import cumulative_net_figure
from components.presentation import show_chart
from components.returns_view import claimed_and_defensible, overlap_warning, returns_tiles
from components.risk_inputs import current_ranges
from components.scenario_inputs import current_scenario
from components.simulation_cache import cached_monte_carlo

require_entry("")

scenario = current_scenario()
summary = cost_summary(scenario)
claimed, defensible = claimed_and_defensible(scenario)
screen = defensible if scenario.conservative else claimed
ranges = current_ranges()
simulated = cached_monte_carlo(scenario, 10_000, 2026, "triangular", ranges)
call = verdict(
    {o: r.npv for o, r in screen.items()}, {o: r.costs for o, r in screen.items()}, scenario.close_call_pct
)
shown: Option = call.best

st.title("Executive summary")
st.caption(basis_line(scenario))
st.markdown(f"#### {headline(call, screen, defensible, scenario, simulated.probability_loss(shown))}")
returns_tiles(shown, claimed, defensible, scenario, simulated.probability_loss(shown))
cost_tiles(summary, shown)
_, bars = tornado(scenario, shown, "NPV", ranges)
driver = driver_sentence(bars, shown, scenario.currency)
if driver:
    st.markdown(driver)
overlap_warning(scenario)
flip = basis_flip_warning(summary)
if flip:
    st.info(flip, icon=":material/swap_horiz:")

show_chart(cost_curves_figure(summary), key="summary_cost_chart")
show_chart(cumulative_net_figure(screen, scenario.currency), key="summary_payback_chart")
st.caption(evidence_caption(scenario))
