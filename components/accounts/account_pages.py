"""The account screens: your account (password, sign out) and, for administrators, users.

Every change goes through `storage.AccountStore` with the signed-in administrator as `by=`,
so the database refuses anyone else whatever the screen shows; every failure is a message
(names are user text, shown as text). Forms run as callbacks, before the page is drawn.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.accounts.sign_in import TOKEN_KEY, client_of_this_session, sign_out
from components.saved.store import account_store, signed_in
from components.views.outcomes import say, show_outcomes
from components.words.safe_text import plain
from storage import Role, SessionInfo, StorageError
from storage.accounts import PASSWORD_MIN_CHARS

MESSAGES_KEY = "accounts_view_messages"
ROLE_WORDS = {
    Role.ADMIN: "Administrator: manages users; saves and shares scenarios",
    Role.EDITOR: "Editor: saves and shares their own scenarios",
    Role.VIEWER: "Viewer: opens scenarios shared with them; saves nothing",
}
CHANGE_FIELDS = ("account_current", "account_new", "account_repeat")
NEW_USER_FIELDS = ("users_new_username", "users_new_name", "users_new_role", "users_new_password")


def _say(kind: str, text: str) -> None:
    say(MESSAGES_KEY, kind, text)


def role_label(role: Role) -> str:
    """A role's one-word name.

    >>> role_label(Role.VIEWER)
    'Viewer'
    """
    return ROLE_WORDS[role].split(":")[0]


# --- your account ----------------------------------------------------------------------------


def _change_password() -> None:
    session = signed_in()
    accounts = account_store()
    if session is None or accounts is None:
        return
    current, new, repeat = (str(st.session_state.get(k, "")) for k in CHANGE_FIELDS)
    for key in CHANGE_FIELDS:
        st.session_state[key] = ""
    if new != repeat:
        _say("error", "The two new passwords differ; the password was not changed.")
        return
    try:
        ended = accounts.change_password(
            session.username,
            new,
            current_password=current,
            keep_session=st.session_state.get(TOKEN_KEY),
            client=client_of_this_session(),
        )
    except StorageError as error:
        _say("error", str(error))
        return
    others = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
    _say("success", f"Password changed.{others}")


def your_account(session: SessionInfo) -> None:
    """Who you are, until when, the password form and the sign-out button."""
    show_outcomes(MESSAGES_KEY)
    st.markdown(f"Signed in as **{plain(session.name)}** ({plain(session.username)})")
    st.markdown(f"Role: {ROLE_WORDS[session.role]}")
    st.caption(
        f"This sign-in lasts until {session.expires_at:%-d %b %Y, %H:%M} UTC at the latest: 30 minutes without "
        "activity, or 12 hours in all, whichever comes first."
    )
    st.button("Sign out", key="account_sign_out", on_click=sign_out, icon=":material/logout:")
    st.subheader("Change your password")
    with st.form("change_password", border=True):
        st.text_input(
            "Current password", key=CHANGE_FIELDS[0], type="password", autocomplete="current-password"
        )
        st.text_input(
            "New password", key=CHANGE_FIELDS[1], type="password", autocomplete="new-password",
            help=f"At least {PASSWORD_MIN_CHARS} characters and at most 72 bytes.",
        )  # fmt: skip
        st.text_input(
            "New password again", key=CHANGE_FIELDS[2], type="password", autocomplete="new-password"
        )
        st.form_submit_button("Change password", type="primary", on_click=_change_password)
    st.caption("Changing your password signs out your other sessions (other browsers and devices).")


# --- users (administrators) ------------------------------------------------------------------


def _admin() -> str | None:
    session = signed_in()
    return session.username if session is not None and session.user.is_admin else None


def _create_user() -> None:
    accounts, admin = account_store(), _admin()
    if accounts is None or admin is None:
        return
    username, name, role, password = (st.session_state.get(k, "") for k in NEW_USER_FIELDS)
    st.session_state[NEW_USER_FIELDS[3]] = ""
    try:
        user = accounts.create_user(str(username), str(name), str(password), str(role), by=admin)
    except StorageError as error:
        _say("error", str(error))
        return
    st.session_state[NEW_USER_FIELDS[0]] = st.session_state[NEW_USER_FIELDS[1]] = ""
    _say(
        "success",
        f'Created "{user.username}" ({role_label(user.role)}). Give them the password in person or by another '
        "channel; they can change it on their account page.",
    )


def _apply(action: str, username: str) -> None:
    accounts, admin = account_store(), _admin()
    if accounts is None or admin is None:
        return
    try:
        if action == "role":
            user = accounts.set_role(username, str(st.session_state.get(f"users_role_{username}")), by=admin)
            _say("success", f'"{user.username}" is now {role_label(user.role).lower()}.')
        elif action == "disable":
            ended = accounts.disable_user(username, by=admin)
            _say(
                "success",
                f'"{username}" can no longer sign in ({ended} session{"s" if ended != 1 else ""} ended).',
            )
        elif action == "enable":
            accounts.enable_user(username, by=admin)
            _say("success", f'"{username}" can sign in again.')
        elif action == "unlock":
            accounts.unlock(username, by=admin)
            _say("success", f'Sign-in pauses of "{username}" lifted: they can sign in now.')
        elif action == "reset":
            password = str(st.session_state.get("users_reset_password", ""))
            st.session_state["users_reset_password"] = ""
            ended = accounts.reset_password(username, password, by=admin)
            _say(
                "success",
                f'New password set for "{username}"; {ended} session{"s" if ended != 1 else ""} ended.',
            )
    except StorageError as error:
        _say("error", str(error))


def users_admin() -> None:
    """The users table, a form for a new user, and changes to one chosen user."""
    show_outcomes(MESSAGES_KEY)
    accounts = account_store()
    if accounts is None:
        st.error("The account database cannot be opened.")
        return
    try:
        people = accounts.list_users()
        paused = {u.username: accounts.sign_in_status(u.username).paused for u in people}
    except StorageError as error:
        st.error(plain(str(error)))
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Username": [u.username for u in people],
                "Name": [u.name for u in people],
                "Role": [role_label(u.role) for u in people],
                "Status": [
                    "Disabled" if u.disabled else "Sign-in paused" if paused[u.username] else "Active"
                    for u in people
                ],
                "Since": [f"{u.created_at:%-d %b %Y}" for u in people],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader("Add a user")
    with st.form("users_new", border=True):
        c1, c2 = st.columns(2)
        c1.text_input(
            "Username", key=NEW_USER_FIELDS[0], max_chars=40, help="3 to 40 letters, digits, . - _ or @."
        )
        c2.text_input("Name shown on screen", key=NEW_USER_FIELDS[1], max_chars=80)
        c1.selectbox("Role", [r.value for r in Role], index=1, key=NEW_USER_FIELDS[2],
                     format_func=lambda r: ROLE_WORDS[Role(r)])  # fmt: skip
        c2.text_input(
            "First password", key=NEW_USER_FIELDS[3], type="password", autocomplete="new-password",
            help=f"At least {PASSWORD_MIN_CHARS} characters; they can change it after signing in.",
        )  # fmt: skip
        st.form_submit_button("Add user", type="primary", on_click=_create_user, icon=":material/person_add:")
    if not people:
        return
    st.subheader("Change a user")
    by_name = {u.username: u for u in people}
    chosen = st.selectbox(
        "User", list(by_name), key="users_chosen", format_func=lambda u: f"{by_name[u].name} ({u})"
    )
    user = by_name[chosen]
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    c1.selectbox("Role", [r.value for r in Role], index=[r.value for r in Role].index(user.role.value),
                 key=f"users_role_{user.username}", format_func=lambda r: role_label(Role(r)))  # fmt: skip
    c1.button("Change role", key="users_set_role", on_click=_apply, args=("role", user.username))
    c2.text_input("New password", key="users_reset_password", type="password", autocomplete="new-password")
    c2.button("Set password", key="users_reset", on_click=_apply, args=("reset", user.username))
    if paused.get(user.username):
        c3.button(
            "Lift sign-in pause", key="users_unlock", on_click=_apply, args=("unlock", user.username),
            help="Failed sign-in tries paused this user's sign-in; lift the pause to let them in now.",
        )  # fmt: skip
    if user.disabled:
        c3.button(
            "Let them sign in again", key="users_enable", on_click=_apply, args=("enable", user.username)
        )
    else:
        c3.button(
            "Disable (signs them out)", key="users_disable", on_click=_apply, args=("disable", user.username)
        )
