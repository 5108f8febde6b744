"""Case studies: the source documents' examples and calculators as presets, each loadable into the sidebar."""

import streamlit as st

from components.session.guard import require_entry
from components.views.case_cards import case_grid

require_entry("case_studies")

st.title("Case studies")
st.markdown(
    "## Each case rebuilds an example from the source documents with the model: load one to see it on every page."
)
st.caption(
    "Figures marked as assumed in a case's description are illustrative (grade D); the articles' own figures "
    "are vendor claims (grade C). The model applies its own adjustments, so its ROI can differ from the article's."
)
case_grid()
