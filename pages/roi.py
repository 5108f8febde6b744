"""ROI & payback: what each option returns, how fast, and how much survives conservatism."""

import streamlit as st

from calculators.roi import waterfall
from components.charts.model_charts import cumulative_net_figure, waterfall_figure
from components.session.guard import require_entry
from components.session.scenario import current_scenario
from components.views.returns_view import (
    overlap_warning,
    returns_table,
    returns_tiles,
    waterfall_format,
)
from components.views.sections import section
from components.views.show import show_chart
from components.words.messages import basis_line
from components.work.answer import the_answer

require_entry("roi")

scenario = current_scenario()
currency = scenario.currency
answer = the_answer(scenario)
claimed, defensible, screen = answer.claimed, answer.defensible, answer.screen

st.title("ROI & payback")
st.caption(basis_line(scenario, answer.simulation.words))
st.markdown(f"## {answer.headline}")
overlap_warning(scenario)
returns_tiles(answer.option, claimed, defensible, scenario)

show_chart(cumulative_net_figure(screen, currency), key="roi_cumulative_chart")
fmt = waterfall_format(scenario, answer.option)
show_chart(waterfall_figure(waterfall(scenario, fmt), currency, fmt.label), key="roi_waterfall_chart")

with section("Returns of every option", "roi_table") as shown:
    if shown:  # built only when opened
        table = returns_table(screen, currency)
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            "Download CSV", table.to_csv(index=False), file_name="training-returns.csv", key="roi_csv"
        )
st.caption(
    "Benefits: the streams switched on in the sidebar, per learner per year, adjusted for completion, "
    "attribution, application and retention. Defensible figures apply the Phillips ROI Methodology's "
    "conservative rules. See Assumptions & sources for each input's evidence grade."
)
