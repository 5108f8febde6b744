"""Training ROI Studio: the entry script (a picture frame, STYLE.md).

Page config, the shared scenario sidebar, and `st.navigation`. Every page in `pages/`
starts with `require_entry` (components/guard.py): see STACK.md on the `pages/` hazard.
"""

import streamlit as st

from components.guard import entry_run, forward_to_requested_page
from components.scenario_inputs import scenario_sidebar, show_input_problems

st.set_page_config(page_title="Training ROI Studio", page_icon=":material/school:", layout="wide")

summary = st.Page(
    "pages/executive_summary.py", title="Executive summary", icon=":material/dashboard:", default=True
)
costs = st.Page(
    "pages/costs.py",
    title="Costs & break-even",
    icon=":material/stacked_line_chart:",
    url_path="costs",
)
navigation = {"Overview": [summary], "Model": [costs]}

pg = st.navigation(navigation)
forward_to_requested_page([page for group in navigation.values() for page in group])
scenario_sidebar()
show_input_problems()
with entry_run():
    pg.run()
