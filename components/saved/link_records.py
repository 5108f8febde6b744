"""The Scenarios page's list of client links: every link made for the user's scenarios, with a
Revoke button for each one that still works (issue 26, "access ends when its reason ends").

Links are records (`storage.client_links`); a revoked link stops working at once, also for a
visitor viewing it at that moment (components/saved/client_links.py `refusal`). Scenario
names are user text: in the table they are plain cells, in button labels and messages they
pass through `plain`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components.saved.panels import CLIENT_LINK_ID_KEY, CLIENT_LINK_KEY, say, when
from components.saved.store import can_save, client_link, owner, signed_in
from components.words.safe_text import plain
from storage import ClientLinkRecord, ClientLinkStore, LinkStatus, ScenarioStore, StorageError

REVOKE_KEY = "saved_revoke_link"  # + the link's id: its Revoke button
REVOKED_KEY = "saved_link_revoked"  # what the last Revoke did, said in the Client links section


def issued_on(moment: datetime, now: datetime | None = None) -> str:
    """When a link was issued, short enough for a button: the year only when it is not this one.

    >>> issued_on(datetime(2026, 12, 7, 9, 5, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC))
    '7 Dec, 09:05 UTC'
    >>> issued_on(datetime(2025, 12, 7, 9, 5, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC))
    '7 Dec 2025, 09:05 UTC'
    """
    moment = moment.astimezone(UTC)
    year = "" if moment.year == (now or datetime.now(UTC)).year else f" {moment.year}"
    return moment.strftime(f"%-d %b{year}, %H:%M UTC")


def revoke_label(record: ClientLinkRecord, now: datetime | None = None) -> str:
    """The Revoke button's label: which link, in words (the name escaped: a label is Markdown).

    >>> from datetime import timedelta
    >>> at = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)
    >>> record = ClientLinkRecord("L1", "S1", "Plan *A*", "ada", "Ada", at, at + timedelta(days=14))
    >>> revoke_label(record, at)
    'Revoke link to Plan \\\\*A\\\\* issued 7 Dec, 09:05 UTC'
    """
    return f"Revoke link to {plain(record.scenario_name)} issued {issued_on(record.issued_at, now)}"


def status_words(record: ClientLinkRecord, now: datetime) -> str:
    """The Status cell: works until when, expired, or revoked (when, and by whom if not the issuer)."""
    status = record.status(now)
    if status is LinkStatus.REVOKED and record.revoked_at is not None:
        by = "" if record.revoked_by in (None, record.issued_by) else " by an administrator"
        return f"Revoked {when(record.revoked_at)}{by}"
    return "Expired" if status is LinkStatus.EXPIRED else "Works"


def client_links_panel(store: ScenarioStore) -> None:
    """Client links of the signed-in user's scenarios: a table (scenario, issued by, issued,
    expires, status) and a Revoke button per link that still works. Drawn only with accounts
    (single-user mode makes no client links) and never for a client link's own session."""
    if signed_in() is None or client_link() is not None:
        return
    st.subheader("Client links")
    said = st.session_state.pop(REVOKED_KEY, None)
    if said:  # here, beside the buttons: the top of the page is out of sight down here
        st.success(plain(said), icon=":material/link_off:")
    me = owner()
    try:
        records = ClientLinkStore(store.engine).for_owner(me)
    except StorageError:
        st.warning(
            "The client links cannot be listed just now. Try again in a moment.", icon=":material/database:"
        )
        return
    if not records:
        st.caption(
            "No client links yet: choose one of your scenarios above, then Share → Make a client link."
        )
        return
    now = datetime.now(UTC)
    table = pd.DataFrame(  # the status next to the name: on a phone the later columns scroll
        {
            "Scenario": [r.scenario_name for r in records],  # a plain cell: never Markdown
            "Status": [status_words(r, now) for r in records],
            "Expires": [when(r.expires_at) for r in records],
            "Issued": [when(r.issued_at) for r in records],
            "Issued by": ["You" if r.issued_by == me else (r.issuer_name or r.issued_by) for r in records],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    active = [r for r in records if r.status(now) is LinkStatus.ACTIVE]
    if not can_save() and active:
        st.caption("Your account cannot share scenarios now, so none of these links opens anything.")
    if active:
        st.caption(
            "Revoking a link stops it at once, also for anyone viewing it now. Other links stay as they are."
        )
    for record in active:
        st.button(
            revoke_label(record, now),
            key=f"{REVOKE_KEY}_{record.id}",
            on_click=_revoke,
            args=(store, record),
            icon=":material/link_off:",
        )


def _revoke(store: ScenarioStore, record: ClientLinkRecord) -> None:
    if signed_in() is None:
        return
    try:
        ClientLinkStore(store.engine).revoke(owner(), record.id)
    except StorageError as error:
        say("error", str(error))
        return
    if st.session_state.get(f"{CLIENT_LINK_ID_KEY}_{record.scenario_id}") == record.id:
        st.session_state.pop(f"{CLIENT_LINK_KEY}_{record.scenario_id}", None)  # no longer a link to hand out
        st.session_state.pop(f"{CLIENT_LINK_ID_KEY}_{record.scenario_id}", None)
    st.session_state[REVOKED_KEY] = (
        f'The client link to "{record.scenario_name}" issued {issued_on(record.issued_at)} no longer works, '
        "also for anyone viewing it now."
    )
