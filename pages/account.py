"""Your account: who is signed in, until when, change password, sign out (accounts only)."""

import streamlit as st

from components.accounts_view import your_account
from components.guard import require_entry
from components.saved_scenarios import signed_in

require_entry("account")

st.title("Your account")
session = signed_in()
if session is None:
    st.info("This copy runs in single-user mode on this computer: there are no accounts to manage.")
else:
    your_account(session)
