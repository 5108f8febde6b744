"""ROI & payback: what each option returns, how fast, and how much survives conservatism."""

import streamlit as st

from calculators.roi import all_returns, effective, waterfall
from components.formatting import percent
from components.guard import require_entry
from components.model_charts import cumulative_net_figure, waterfall_figure
from components.presentation import show_chart
from components.returns_view import (
    best_option,
    defensible_gap,
    overlap_warning,
    returns_table,
    returns_tiles,
    roi_sentence,
    waterfall_format,
)
from components.scenario_inputs import current_scenario

require_entry("roi")

scenario = current_scenario()
returns = all_returns(scenario)
currency = scenario.currency
best = best_option(returns)

st.title("ROI & payback")
st.markdown(f"#### {roi_sentence(returns, currency)}")
overlap_warning(scenario)
returns_tiles(returns, currency)
optimistic, defensible = defensible_gap(scenario, best)
st.caption(
    f"{best.label}: optimistic ROI {percent(optimistic)}, defensible ROI {percent(defensible)} "
    "(conservative rules: first-year benefits only, fully loaded costs, estimates × confidence)."
    + (" The conservative switch is on." if scenario.conservative else "")
)

show_chart(cumulative_net_figure(returns, currency), key="roi_cumulative_chart")
fmt = waterfall_format(scenario, best)
show_chart(waterfall_figure(waterfall(scenario, fmt), currency, fmt.label), key="roi_waterfall_chart")

with st.expander("Returns of every option"):
    table = returns_table(returns, currency)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV", table.to_csv(index=False), file_name="training-returns.csv", key="roi_csv"
    )
basis = "fully loaded" if effective(scenario).fully_loaded else "seed-table"
st.caption(
    f"Costs on a {basis} basis. Benefits: the streams switched on in the sidebar, per learner per year, "
    "adjusted for completion, attribution, application and retention. See Assumptions & sources for grades."
)
