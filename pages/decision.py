"""Decision matrix (work in progress)."""

import streamlit as st

from components.guard import require_entry

require_entry("decision")

st.title("Decision matrix")
