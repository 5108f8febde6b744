"""Users (administrators only): add users, change roles, reset passwords, disable accounts."""

import streamlit as st

from components.accounts.account_pages import users_admin
from components.saved.store import signed_in
from components.session.guard import require_entry

require_entry("users")

st.title("Users")
session = signed_in()
if session is None or not session.user.is_admin:
    st.info(  # not in the others' menu; their address of it lands here, and says why
        "Only administrators can manage users, and your account is not an administrator's. Ask an "
        "administrator to add someone or change an account.",
        icon=":material/lock:",
    )
else:
    st.markdown("## Who can sign in, and what each person may do")
    users_admin()
