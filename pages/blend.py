"""Blended mix: an instructor-led foundation for some, microlearning for the rest."""

import streamlit as st

from calculators.roi import Option, all_returns, best_share
from components.charts.model_charts import blend_figure
from components.session.guard import require_entry
from components.session.scenario import current_scenario
from components.views.kpi import Tile, kpi_row
from components.views.returns_view import option_label
from components.views.show import show_chart
from components.words.formatting import mix, money, percent
from components.words.messages import basis_line

require_entry("blend")

scenario = current_scenario()
currency = scenario.currency
best, curves = best_share(scenario)
blend = all_returns(scenario)[Option.BLEND]
chosen = scenario.blend_ilt_share_pct / 100

st.title("Blended mix")
st.caption(basis_line(scenario))
st.markdown(
    f"## Your mix is {mix(scenario.blend_ilt_share_pct)}; for {scenario.blend_objective} "
    f"the best mix is {mix(100 * best)}."
)
kpi_row(
    [
        Tile(option_label(Option.BLEND, "cost per learner"), money(blend.costs / blend.learners, currency),
             f"{money(blend.costs, currency)} in total"),
        Tile(option_label(Option.BLEND, "ROI"), percent(blend.roi_pct), f"Net present value {money(blend.npv, currency)}"),
        Tile("Best mix", percent(100 * best, 0), f"{mix(100 * best)}, best for {scenario.blend_objective}"),
    ]
)  # fmt: skip
show_chart(blend_figure(curves, chosen, best, currency, scenario.blend_objective), key="blend_chart")
st.caption(
    "Each learner takes one track: instructor-led (with its nudges) or microlearning (with its nudges). "
    "Costs add up per track; the benefit per learner is the mix of the two formats' benefits in proportion "
    "to their learners, so 0 % and 100 % are exactly the pure formats. Move the mix under Blended mix in "
    "the sidebar."
)
