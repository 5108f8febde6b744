"""Who asks: this browser session and the user (or client link) it acts for, so that work shared
by everyone on the server (the heavy-run queue, components/work/heavy_runs.py) is shared fairly.

The user is read from session state under the keys the sign-in writes, defined here, a floor
below the saved scenarios (`components/saved/store.py` imports them), so the `work` floor can
read them; tests/unit/test_heavy_runs.py checks that `requester().owner` is the store's `owner()`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from storage import LOCAL_OWNER, SessionInfo

SIGNED_IN_KEY = "_signed_in_session"  # a storage.SessionInfo (components/accounts/sign_in.py)
CLIENT_KEY = "_client_link"  # a ClientLink: its `guest_owner` names the link (saved/client_links.py)


@dataclass(frozen=True)
class Requester:
    """`session`: the browser session (one tab); `owner`: the signed-in user's name, the client
    link's guest name (`client-link:<scenario id>`) or, in single-user mode, the local owner."""

    session: str
    owner: str


def requester() -> Requester:
    """Who this script run works for. Outside a Streamlit run (a script, a test): the thread,
    as the local owner."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return Requester(f"thread-{threading.get_ident()}", LOCAL_OWNER)
    signed = st.session_state.get(SIGNED_IN_KEY)
    if isinstance(signed, SessionInfo):
        return Requester(ctx.session_id, signed.username)
    guest = getattr(st.session_state.get(CLIENT_KEY), "guest_owner", None)
    return Requester(ctx.session_id, guest if isinstance(guest, str) else LOCAL_OWNER)


def session_alive(session_id: str) -> bool:
    """Whether a browser session is still connected to this server (a closed tab is not, nor one
    whose connection dropped, until it reconnects). Without a server (AppTest, a script): always."""
    if not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(session_id)
