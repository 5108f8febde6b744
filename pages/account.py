"""Your account: who is signed in, until when, change password, sign out (accounts only)."""

import streamlit as st

from components.accounts.account_pages import your_account
from components.saved.store import signed_in
from components.session.guard import require_entry

require_entry("account")

st.title("Your account")
session = signed_in()
if session is None:
    st.info("This copy runs in single-user mode on this computer: there are no accounts to manage.")
else:
    your_account(session)
