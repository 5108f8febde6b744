"""Monte Carlo: how sure are we? Every uncertain input drawn at once, many times."""

import streamlit as st

from calculators.roi import Option
from calculators.simulation import PAYBACK_MONTHS_MAX
from components.charts.risk_charts import histogram_figure
from components.inputs.ranges_editor import option_picker
from components.session.guard import require_entry
from components.session.page_settings import seed
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.views.information_view import information_section
from components.views.kpi import Tile, kpi_row
from components.views.parts import page_part
from components.views.returns_view import option_label
from components.views.show import show_chart
from components.words.formatting import percent
from components.words.messages import basis_line, draws_note
from components.work.answer import the_answer
from components.work.simulation_cache import shown_run

require_entry("monte_carlo")

scenario = current_scenario()
st.title("Monte Carlo")


@page_part
def simulation() -> None:
    """Draws, distribution, seed, payback target and option: a change reruns this part only."""
    scenario = current_scenario()
    for name in ("mc_draws", "mc_distribution", "mc_seed", "mc_target"):
        seed(name)  # page settings: kept across pages and in the link (components/session/page_settings.py)
    basis, verdict = st.empty(), st.empty()  # filled once the run is drawn: these settings' verdict
    c1, c2, c3 = st.columns([2, 1, 1])
    draws = c1.select_slider(
        "Draws", [1_000, 10_000, 100_000, 1_000_000], key="mc_draws", format_func=lambda n: f"{n:,}",
        persist_state="session",
    )  # fmt: skip
    distribution = c2.radio(
        "Distribution",
        ["triangular", "PERT"],
        key="mc_distribution",
        horizontal=True,
        persist_state="session",
    )
    target = c3.number_input(
        "Payback target (months)", 1, PAYBACK_MONTHS_MAX, key="mc_target", persist_state="session",
        help="The chance that the payback (discounted, as on every screen) takes longer than this many months.",
    )  # fmt: skip
    with st.expander("Advanced"):
        random_seed = st.number_input(
            "Draw set (repeatable results)", 0, 2**31 - 1, key="mc_seed", persist_state="session",
            help="The same number draws the same simulated outcomes again: results can be reproduced and shared.",
        )  # fmt: skip
    focus = option_picker("mc_option", "Show")

    overrides = current_ranges()
    mc = shown_run(
        scenario, draws, int(random_seed), distribution, overrides, int(target)
    )  # heavy: progress line
    answer = the_answer(scenario)  # the verdict every screen states, from this very run
    basis.caption(basis_line(scenario, answer.simulation.words))
    verdict.markdown(f"## {answer.headline}")

    p10, p50, p90 = mc.percentiles(focus)
    st.markdown(
        f"### {focus.label}: ROI between {percent(p10)} and {percent(p90)} in 80 % of the draws "
        f"(median {percent(p50)}); {percent(100 * mc.probability_loss(focus))} chance of losing money."
    )
    kpi_row(
        [
            Tile(option_label(o, "chance of loss"), percent(100 * mc.probability_loss(o)),
                 f"{percent(100 * mc.probability_payback_after(o, target))} chance payback takes over {target} months")
            for o in Option
        ]
    )  # fmt: skip
    show_chart(histogram_figure(mc, focus, scenario.currency), key="mc_histogram_chart")
    st.caption(draws_note(scenario, draws, distribution, int(random_seed), overrides))
    information_section(scenario, draws, int(random_seed), distribution, overrides)


simulation()
