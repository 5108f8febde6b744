"""Goal seek (work in progress)."""

import streamlit as st

from components.guard import require_entry

require_entry("goal_seek")

st.title("Goal seek")
