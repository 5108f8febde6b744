"""Decision matrix: seed 002's ratings, the model's cost at your scale, your weights."""

import streamlit as st

from calculators.decision import default_ratings, weighted_totals
from calculators.roi import Option
from components.decision_view import matrix_table, radar_figure, rating_grid, result_sentence, total_tiles
from components.formatting import mix
from components.guard import require_entry
from components.presentation import show_chart
from components.scenario_inputs import current_scenario

require_entry("decision")

scenario = current_scenario()
options = [Option.MICRO, Option.ILT, Option.BLEND]

st.title("Decision matrix")
answer = st.container()

st.markdown("#### Rate and weigh")
st.caption(
    "Ratings start from seed 002's matrix (a vendor article: grade C). Cost at your scale follows the model "
    "and resets when the scenario changes. Weights are relative: they are scaled to sum to 100 %."
)
ratings, weights = rating_grid(default_ratings(scenario), options)
totals = weighted_totals(ratings, weights)

with answer:
    st.markdown(f"#### {result_sentence(totals)}")
    total_tiles(totals, weights)
    if totals:
        show_chart(radar_figure(ratings, totals, weights), key="dm_radar_chart")
    else:
        st.warning(
            "Every weight is zero: move at least one weight slider above zero.", icon=":material/warning:"
        )

with st.expander("How the matrix scores"):
    st.markdown(
        "- **Scale**: Very Low 1 · Lower 2 · Moderate 3 · High 4 · Very High 5.\n"
        "- **Weighted score** of an option = Σ weight × score / Σ weight, on the same 1-5 scale.\n"
        "- **Cost at your scale**: 3 + 2·log₂(C̄ / C), with C the option's total cost over the horizon at "
        f"{scenario.learners:,} learners and C̄ the geometric mean of the microlearning and instructor-led "
        "costs, rounded to the nearest rating. The format half the price of the other rates High, the other Lower.\n"
        f"- **Blended** ({mix(scenario.blend_ilt_share_pct)}): seed 002 rates only the two formats and claims "
        "that blends 'typically produce the best outcomes' without figures. The matrix does not assume it: "
        "the blend's starting rating on each seed criterion is the mix of the two formats' scores weighted by "
        "the share of learners on the instructor-led track. Raise its ratings if your evidence supports the claim.\n"
        "- **Cultural fit** is yours to rate (seed 002: visible seat time favours instructor-led, "
        "outcome-minded managers favour microlearning)."
    )
    table = matrix_table(ratings, weights, totals)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV", table.to_csv(index=False), file_name="decision-matrix.csv", key="dm_csv"
    )
