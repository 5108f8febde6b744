"""Monte Carlo (work in progress)."""

import streamlit as st

from components.guard import require_entry

require_entry("monte_carlo")

st.title("Monte Carlo")
