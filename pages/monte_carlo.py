"""Monte Carlo: how sure are we? Every uncertain input drawn at once, many times."""

import streamlit as st

from calculators.roi import Option
from calculators.simulation import monte_carlo
from components.formatting import percent
from components.guard import require_entry
from components.kpi import Tile, kpi_row
from components.messages import basis_line
from components.presentation import show_chart
from components.returns_view import option_label
from components.risk_charts import histogram_figure
from components.risk_inputs import current_ranges, option_picker
from components.scenario_inputs import current_scenario
from components.simulation_cache import cached_monte_carlo

require_entry("monte_carlo")

scenario = current_scenario()
st.title("Monte Carlo")
st.caption(basis_line(scenario))
c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
draws = c1.select_slider(
    "Draws", [1_000, 10_000, 100_000, 1_000_000], value=10_000, key="mc_draws", format_func=lambda n: f"{n:,}"
)
distribution = c2.radio("Distribution", ["triangular", "PERT"], key="mc_distribution", horizontal=True)
seed = c3.number_input("Seed", 0, 2**31 - 1, 2026, key="mc_seed", help="Same seed, same draws.")
target = c4.number_input("Payback target (months, undiscounted)", 1, 120, 24, key="mc_target")
focus = option_picker("mc_option", "Show")

overrides = current_ranges()
if draws > 100_000:
    bar = st.progress(0.0, text=f"Drawing {draws:,} scenarios…")
    mc = monte_carlo(scenario, draws, int(seed), distribution, overrides, progress=lambda f: bar.progress(f))
    bar.empty()
else:
    mc = cached_monte_carlo(scenario, draws, int(seed), distribution, overrides)

p10, p50, p90 = mc.percentiles(focus)
st.markdown(
    f"#### {focus.label}: ROI between {percent(p10)} and {percent(p90)} in 8 of 10 draws "
    f"(median {percent(p50)}); {percent(100 * mc.probability_loss(focus))} chance of losing money."
)
kpi_row(
    [
        Tile(option_label(o, "chance of loss"), percent(100 * mc.probability_loss(o)),
             f"{percent(100 * mc.probability_payback_after(o, target))} chance payback (undiscounted) takes over {target} months")
        for o in Option
    ]
)  # fmt: skip
show_chart(histogram_figure(mc, focus, scenario.currency), key="mc_histogram_chart")
st.caption(
    f"{draws:,} draws of every uncertain input ({distribution}, seed {seed}) between the low and high values "
    "on the Sensitivity page; decisions (horizon, nudge cadence, mix) stay fixed."
)
