"""Assumptions & sources: every input with its default, source and evidence grade; the source
documents and their slips (the "seed discrepancies"); research; the glossary."""

import streamlit as st

from components.session.guard import require_entry
from components.session.scenario import current_scenario
from components.views.glossary import glossary
from components.views.sources_view import (
    inputs_table_view,
    research_list,
    seed_discrepancies,
    source_documents,
    weak_defaults_sentence,
)

require_entry("sources")

scenario = current_scenario()

st.title("Assumptions & sources")
st.markdown(f"## {weak_defaults_sentence(scenario)}")
inputs_table_view(scenario)

st.header("The source documents", anchor=False)
st.caption("Many defaults come from three web articles; their figures are graded C (vendor claim).")
source_documents()

st.header("Where the source documents disagree with themselves", anchor=False)
st.caption(
    "Where a printed figure does not follow from the article's own numbers, the computed figure is shown "
    "next to it; the model uses the computed one."
)
seed_discrepancies(scenario)

st.header("What independent research says", anchor=False)
research_list()

glossary()
