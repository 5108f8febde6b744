"""Executive summary: the answer in ten seconds, on one stated basis, then the charts behind it."""

import streamlit as st

from calculators.summary import cost_summary
from components.charts.cost_charts import cost_curves_figure
from components.charts.model_charts import cumulative_net_figure
from components.exports.panel import downloads
from components.saved.compare_panel import compare_with_defaults
from components.session.guard import require_entry
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.views.cost_tiles import evidence_caption, scale_tiles
from components.views.returns_view import overlap_warning, returns_tiles
from components.views.show import show_chart
from components.words.messages import basis_flip_warning, basis_line, decision_details, driver_sentence
from components.work.answer import the_answer
from components.work.model_cache import cached_tornado

require_entry("")

scenario = current_scenario()
summary = cost_summary(scenario)
answer = the_answer(scenario)
shown = answer.option

st.title("Executive summary")
st.caption(basis_line(scenario, answer.simulation.words))
st.markdown(f"## {answer.headline}")
st.caption(decision_details(answer.decision, answer.screen, answer.defensible, scenario))
returns_tiles(
    shown, answer.claimed, answer.defensible, scenario, answer.chance_of_loss[shown], answer.simulation.draws
)
show_chart(cumulative_net_figure(answer.screen, scenario.currency), key="summary_payback_chart")
scale_tiles(summary, shown, answer.screen[shown])
_, bars = cached_tornado(scenario, shown, "NPV", current_ranges())
driver = driver_sentence(bars, shown, scenario.currency)
if driver:
    st.markdown(driver)
overlap_warning(scenario)
flip = basis_flip_warning(summary)
if flip:
    st.info(flip, icon=":material/swap_horiz:")
show_chart(cost_curves_figure(summary), key="summary_cost_chart")
st.caption(evidence_caption(scenario))

st.markdown("### Take it further")
compare_column, files_column = st.columns([1, 2], vertical_alignment="bottom")
if compare_column.button(
    "Compare with defaults", key="summary_compare_defaults", icon=":material/compare_arrows:", width="stretch",
    help="This scenario beside the defaults, with what drives the difference.",
):  # fmt: skip
    compare_with_defaults()
with files_column:
    downloads(key="summary", scenario_file=False)
