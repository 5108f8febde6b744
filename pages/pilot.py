"""Pilot planner: size the dual pilots, read their 30- and 90-day results, feed the decay back."""

import streamlit as st

from calculators.scenario import ARTICLE_002, Format
from calculators.settings import SETTING_NAMES
from components.session.guard import require_entry
from components.session.page_settings import seed
from components.session.scenario import current_scenario
from components.views.kpi import format_label
from components.views.pilot_sections import (
    breakeven_section,
    decay_section,
    results_section,
    results_table_view,
    size_section,
    worth_section,
)
from components.views.sections import section
from components.words.messages import basis_line
from components.work.answer import the_answer

require_entry("pilot")

scenario = current_scenario()
st.title("Pilot planner")
for name in SETTING_NAMES:
    if name.startswith("pilot_"):
        seed(name)  # page settings: kept across pages and in the link (components/session/page_settings.py)
answer = the_answer(scenario)  # the verdict every screen states, with this page's pilot
st.caption(basis_line(scenario, answer.simulation.words))
st.markdown(f"## {answer.headline}")
st.markdown(
    f"Run two pilots side by side and measure at 30 and 90 days, as {ARTICLE_002.short} advises. "
    "Size them, read the results, and feed the decay back into the model."
)
st.caption(
    f"Arm A is the {format_label(Format.ILT, 'pilot')} (the comparison), arm B the "
    f"{format_label(Format.MICRO, 'pilot')}. The outcome is a share of learners, e.g. passing a knowledge test."
)

sized = size_section(scenario)  # 1 · How many learners each arm needs
rows, results = results_section()  # 2 · Results at 30 and 90 days
if results:
    with section("Results table", "pilot_table") as shown:
        if shown:  # built only when opened
            results_table_view(results)
decay_section(scenario, rows)  # 3 · Feed the decay into the retention model
effect = breakeven_section(scenario, sized)  # 4 · Can the pilot tell break-even from loss?
worth_section(scenario, answer, effect)  # 5 · Is the pilot worth it? The verdict's pilot: the plan above
