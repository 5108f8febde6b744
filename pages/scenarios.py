"""Scenarios: save what is on screen, open, rename, copy and delete saved scenarios, list and revoke
client links, compare, export."""

import streamlit as st

from components.exports.panel import downloads, import_box
from components.saved.compare_panel import compare_section
from components.saved.link_records import client_links_panel
from components.saved.panels import library, save_panel, show_messages
from components.saved.store import client_link, scenario_store, store_problem
from components.session.guard import require_entry
from components.words.safe_text import plain

require_entry("scenarios")

st.title("Scenarios")
st.markdown("## Save the scenario on screen, come back to it, and compare it with others")
show_messages()
store = scenario_store()
listed = None  # every saved scenario the user sees, once the library below has read them
if client_link() is not None:
    st.info(
        "You are viewing a scenario through a client link: explore and compare it freely, and download it "
        "as a PDF brief, a workbook or a file. Nothing can be saved here.",
        icon=":material/visibility:",
    )
elif store is None:
    st.error(
        f"Saved scenarios are not available: {plain(store_problem())} Everything else works: the address "
        "bar still carries the whole scenario, and files can be downloaded and imported below.",
        icon=":material/database:",
    )
else:
    save_panel(store)
    st.subheader("Saved scenarios")
    listed = library(store)
    client_links_panel(store)  # with accounts: the links made for the user's scenarios, each revocable

st.subheader("Compare side by side")
compare_section(store, listed)

st.subheader("Files")
downloads(key="scenarios")
import_box()
