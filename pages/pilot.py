"""Pilot planner (work in progress)."""

import streamlit as st

from components.guard import require_entry

require_entry("pilot")

st.title("Pilot planner")
