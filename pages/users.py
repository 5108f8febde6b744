"""Users (administrators only): add users, change roles, reset passwords, disable accounts."""

import streamlit as st

from components.accounts_view import users_admin
from components.guard import require_entry
from components.saved_scenarios import signed_in

require_entry("users")

st.title("Users")
session = signed_in()
if session is None or not session.user.is_admin:
    st.info("This page is for administrators.")  # not registered for others; a guard all the same
else:
    st.markdown("#### Who can sign in, and what each person may do")
    users_admin()
