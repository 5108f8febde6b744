"""Speed floor 3: the Executive summary's skeleton with none of its model.

27 sidebar sliders (the first keyed `sb_learners`, like the dashboard's), a title, 8 metric
tiles and 3 two-line Plotly charts, all computed with a few numpy lines from the sliders:
what any page of this shape costs in Streamlit itself. `scripts/benchmark_speed.py` reports
every page's figures as multiples of this floor. Run from the project root so
`.streamlit/config.toml` applies:

    .venv/bin/streamlit run scripts/floor_apps/floor3.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor 3", layout="wide")

bar = st.sidebar
learners = bar.slider("Learners", 50, 100_000, 1_000, step=50, key="sb_learners")
others = [
    bar.slider(f"Input {i}", 0.0, 100.0, float(10 + 3 * i), step=1.0, key=f"floor_input_{i}")
    for i in range(1, 27)
]  # 26 more: 27 sliders in all

micro_fixed, micro_each = 30_000 + 100 * others[0], 3 + others[1] / 10
ilt_fixed, ilt_each = 10_000 + 100 * others[2], 45 + others[3] / 10
benefit_each = 60 + others[4]
micro_cost = micro_fixed + micro_each * learners
ilt_cost = ilt_fixed + ilt_each * learners
crossover = (micro_fixed - ilt_fixed) / max(ilt_each - micro_each, 1e-9)

st.title("Floor 3")
st.caption("27 sliders, 8 tiles, 3 two-line charts: the Executive summary's shape, no model.")
tiles = [
    ("Microlearning total cost", f"${micro_cost:,.0f}"),
    ("Instructor-led total cost", f"${ilt_cost:,.0f}"),
    ("Saving", f"${abs(ilt_cost - micro_cost):,.0f}"),
    ("Crossover", f"{crossover:,.0f}"),
    ("Microlearning ROI", f"{(benefit_each * learners - micro_cost) / micro_cost:.0%}"),
    ("Instructor-led ROI", f"{(benefit_each * learners - ilt_cost) / ilt_cost:.0%}"),
    ("Sum of inputs", f"{sum(others):,.0f}"),
    ("Learners", f"{learners:,}"),
]
for row in range(2):
    for column, (label, value) in zip(st.columns(4), tiles[4 * row : 4 * row + 4], strict=True):
        column.metric(label, value)


def two_lines(title: str, x: np.ndarray, first: np.ndarray, second: np.ndarray, key: str) -> None:
    fig = go.Figure()
    fig.add_scatter(x=x, y=first, name="Microlearning", mode="lines")
    fig.add_scatter(x=x, y=second, name="Instructor-led", mode="lines")
    fig.update_layout(title=title)
    st.plotly_chart(fig, width="stretch", key=key)


x = np.linspace(0, 2 * learners, 200)
months = np.arange(0, 37)
two_lines("Total cost against learners", x, micro_fixed + micro_each * x, ilt_fixed + ilt_each * x, "f3_cost")
two_lines(
    "Cumulative net benefit by month",
    months,
    benefit_each * learners * months / 12 - micro_cost,
    benefit_each * learners * months / 12 - ilt_cost,
    "f3_payback",
)
two_lines(
    "Cost per learner", x[1:], micro_fixed / x[1:] + micro_each, ilt_fixed / x[1:] + ilt_each, "f3_unit"
)
