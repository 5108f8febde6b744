"""Case studies (work in progress)."""

import streamlit as st

from components.guard import require_entry

require_entry("case_studies")

st.title("Case studies")
