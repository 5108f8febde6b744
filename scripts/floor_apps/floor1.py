"""Speed floor 1: the least a Streamlit page with a slider and a chart can cost.

One sidebar slider (key `sb_learners`, like the dashboard's) and one two-line Plotly chart
that depends on it: total cost = fixed + per learner × learners for two formats, over
0..2 × learners in 200 points. `scripts/benchmark_speed.py` times every page against it.
Run from the project root so `.streamlit/config.toml` applies:

    .venv/bin/streamlit run scripts/floor_apps/floor1.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor 1", layout="wide")
learners = st.sidebar.slider("Learners", 50, 100_000, 1_000, step=50, key="sb_learners")

x = np.linspace(0, 2 * learners, 200)
fig = go.Figure()
fig.add_scatter(x=x, y=30_000 + 3 * x, name="Microlearning", mode="lines")
fig.add_scatter(x=x, y=10_000 + 45 * x, name="Instructor-led", mode="lines")
fig.update_layout(title="Total cost against learners", xaxis_title="Learners", yaxis_title="USD")
st.plotly_chart(fig, width="stretch", key="floor_chart")
