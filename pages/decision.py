"""Decision matrix: seed 002's (the Upscend article's) ratings, the model's cost at your scale, your weights."""

import streamlit as st

from calculators.decision import default_ratings, weighted_totals
from calculators.roi import Option
from calculators.scenario import ARTICLE_002
from components.session.guard import require_entry
from components.session.scenario import current_scenario
from components.views.decision_view import (
    matrix_table,
    radar_figure,
    rating_grid,
    result_sentence,
    total_tiles,
)
from components.views.parts import page_part
from components.views.sections import section
from components.views.show import show_chart
from components.words.formatting import mix
from components.words.messages import basis_line

require_entry("decision")

options = [Option.MICRO, Option.ILT, Option.BLEND]

st.title("Decision matrix")
st.caption(basis_line(current_scenario()))


@page_part
def matrix() -> None:
    """Ratings and weights: a change reruns this part only."""
    scenario = current_scenario()
    answer = st.container()

    st.markdown("## Rate and weigh")
    st.caption(
        f"Ratings start from the decision matrix of {ARTICLE_002.short}, a vendor article (grade C). Cost at "
        "your scale follows the model and resets when the scenario changes. Weights are relative: they are "
        "scaled to sum to 100 %."
    )
    ratings, weights = rating_grid(default_ratings(scenario), options)
    totals = weighted_totals(ratings, weights)

    with answer:
        st.markdown(f"## {result_sentence(totals)}")
        total_tiles(totals, weights)
        if totals:
            show_chart(radar_figure(ratings, totals, weights), key="dm_radar_chart")
        else:
            st.warning(
                "Every weight is zero: move at least one weight slider above zero.", icon=":material/warning:"
            )

    with st.expander("How the matrix scores"):
        st.markdown(
            "- **Scale**: each rating word counts as a number: Very Low 1 · Lower 2 · Moderate 3 · High 4 · "
            "Very High 5.\n"
            "- **Weighted score**: the average of an option's ratings, each counted as often as its weight says, "
            "on the same 1-5 scale. Formula: Σ weight × score / Σ weight.\n"
            "- **Cost at your scale**: the format that costs half as much as the other over the horizon at "
            f"{scenario.learners:,} learners rates High, the other Lower; equal costs rate Moderate. Formula: "
            "3 + 2·log₂(C̄ / C), with C the option's total cost and C̄ the geometric mean of the microlearning and "
            "instructor-led costs, rounded to the nearest rating.\n"
            f"- **Blended** ({mix(scenario.blend_ilt_share_pct)}): {ARTICLE_002.short} rates only the two formats "
            "and claims that blends 'typically produce the best outcomes' without figures. The matrix does not assume "
            "it: on each of the article's criteria the blend starts from the mix of the two formats' scores, weighted "
            "by the share of learners on the instructor-led track. Raise its ratings if your evidence supports the claim.\n"
            f"- **Cultural fit** is yours to rate: {ARTICLE_002.short} says visible seat time favours "
            "instructor-led and outcome-minded managers favour microlearning."
        )
    with section("The matrix as a table", "dm_table") as shown:
        if shown:  # built only when opened
            table = matrix_table(ratings, weights, totals)
            st.dataframe(table, hide_index=True, width="stretch")
            st.download_button(
                "Download CSV", table.to_csv(index=False), file_name="decision-matrix.csv", key="dm_csv"
            )


matrix()
