"""Assumptions & sources: every input with its default, source and evidence grade; the seeds' slips."""

import streamlit as st

from components.guard import require_entry
from components.scenario_inputs import current_scenario
from components.sources_view import (
    inputs_table_view,
    research_list,
    seed_discrepancies,
    weak_defaults_sentence,
)

require_entry("sources")

scenario = current_scenario()

st.title("Assumptions & sources")
st.markdown(f"#### {weak_defaults_sentence(scenario)}")
inputs_table_view(scenario)

st.header("Where the seeds disagree with themselves", anchor=False)
st.caption(
    "The defaults come from three web articles (the seeds). Where a printed figure does not follow "
    "from the article's own numbers, the computed figure is shown next to it; the model uses the computed one."
)
seed_discrepancies(scenario)

st.header("What independent research says", anchor=False)
research_list()
