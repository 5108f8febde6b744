"""The Scenarios page's panels: save, the saved list (open, rename, copy, delete), conflicts.

Every write goes through `storage` and every failure it can have is a message on screen
(names are user text, shown as text). Buttons that put a saved scenario on screen run as
callbacks, before the sidebar's widgets are drawn.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components.hosting.deployment import ConfigurationError, read_settings
from components.saved.client_links import MAX_DAYS, client_token
from components.saved.client_links import PARAM as CLIENT_PARAM
from components.saved.store import (
    account_store,
    app_root,
    can_save,
    current_state,
    forget,
    open_saved,
    opened,
    owner,
    remember,
    short_link,
    signed_in,
    visible_scenarios,
)
from components.views import outcomes
from components.words.safe_text import plain
from storage import (
    ALL_SIGNED_IN,
    ClientLinkStore,
    ScenarioStore,
    StorageError,
    VersionConflict,
    VisibleScenario,
)
from storage.scenarios import VIEWER_MESSAGE

MESSAGES_KEY = "saved_view_messages"  # (kind, text) shown once on the next run
CONFLICT_KEY = "saved_view_conflict"  # the scenario a save was refused for: offer reload or copy
NAME_KEY = "saved_new_name"
SEARCH_KEY = "saved_search"
CHOSEN_KEY = "saved_chosen"
RENAME_KEY = "saved_rename_to"
COPY_KEY = "saved_copy_name"
COPY_MINE_KEY = "saved_copy_mine_name"
CONFIRM_KEY = "saved_confirm_delete"
SHARE_PEOPLE_KEY = "saved_share_people"
SHARE_ALL_KEY = "saved_share_everyone"
CLIENT_LINK_KEY = "saved_client_link_made"  # + scenario id: the address of the link made last
CLIENT_LINK_ID_KEY = "saved_client_link_made_id"  # + scenario id: its record's id


def say(kind: str, text: str) -> None:
    """A message for the top of the page on the next run (`show_messages` shows it as text)."""
    outcomes.say(MESSAGES_KEY, kind, text)


def show_messages() -> None:
    """The outcome of the last action, once (success, information or a problem)."""
    outcomes.show_outcomes(MESSAGES_KEY)


def when(moment: datetime) -> str:
    """A save time as people read it, in UTC: '23 Nov 2026, 21:05 UTC'.

    >>> when(datetime(2026, 11, 23, 21, 5, tzinfo=UTC))
    '23 Nov 2026, 21:05 UTC'
    """
    return moment.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


# --- callbacks (run before the script, so they may change widget values) -----------------


def _save_new(store: ScenarioStore) -> None:
    if not can_save():  # the form is not drawn for them; a crafted click changes nothing
        return
    name = str(st.session_state.get(NAME_KEY, ""))
    try:
        saved = store.save_new(owner(), name, current_state())
    except StorageError as error:
        say("error", str(error))
        return
    remember(saved.id, saved.name, saved.version)
    st.session_state[NAME_KEY] = ""
    say("success", f'Saved as "{saved.name}".')


def _save_changes(store: ScenarioStore) -> None:
    mine = opened()
    if mine is None or not can_save():
        return
    try:
        saved = store.save(owner(), mine.id, mine.version, current_state())
    except VersionConflict as error:  # the facts here; what to do, once, in the box below (`save_panel`)
        st.session_state[CONFLICT_KEY] = mine
        say(
            "error",
            f'Not saved: "{error.name}" is now at version {error.current_version}; you started from version '
            f"{error.expected_version}.",
        )
        return
    except StorageError as error:
        say("error", str(error))
        return
    remember(saved.id, saved.name, saved.version)
    st.session_state.pop(CONFLICT_KEY, None)
    say("success", f'Saved the changes to "{saved.name}" (version {saved.version}).')


def _open(store: ScenarioStore, saved_id: str) -> None:
    problems = open_saved(store, saved_id)
    st.session_state.pop(CONFLICT_KEY, None)
    mine = opened()
    if problems:
        for text in problems[:8]:
            say("error", text)
    elif mine is not None:
        say("success", f'Opened "{mine.name}": every page now shows it.')


def _save_copy(store: ScenarioStore, from_screen: bool) -> None:
    """Save what is on screen (after a conflict) or the chosen stored scenario under a new name."""
    if not can_save():
        return
    key = COPY_MINE_KEY if from_screen else COPY_KEY
    name = str(st.session_state.get(key, ""))
    try:
        if from_screen:
            saved = store.save_new(owner(), name, current_state())
            remember(saved.id, saved.name, saved.version)
            st.session_state.pop(CONFLICT_KEY, None)
        else:
            saved = store.fork(owner(), str(st.session_state.get(CHOSEN_KEY)), name)
    except StorageError as error:
        say("error", str(error))
        return
    st.session_state[key] = ""
    say("success", f'Saved a copy as "{saved.name}".')


def _rename(store: ScenarioStore, listing: VisibleScenario) -> None:
    if not can_save():
        return
    try:
        saved = store.rename(owner(), listing.id, str(st.session_state.get(RENAME_KEY, "")))
    except StorageError as error:
        say("error", str(error))
        return
    mine = opened()
    if mine is not None and mine.id == listing.id and mine.version == listing.version:
        remember(saved.id, saved.name, saved.version, renamed=True)  # still the version on screen, renamed
    st.session_state[RENAME_KEY] = ""
    say("success", f'Renamed to "{saved.name}".')


def _delete(store: ScenarioStore, listing: VisibleScenario) -> None:
    if not can_save():
        return
    if not st.session_state.get(CONFIRM_KEY):
        say("error", "Tick the box to confirm the deletion first.")
        return
    try:
        store.delete(owner(), listing.id, expected_version=listing.version)
    except StorageError as error:
        say("error", str(error))
        return
    mine = opened()
    if mine is not None and mine.id == listing.id:
        forget()
    st.session_state[CONFIRM_KEY] = False
    st.session_state.pop(CHOSEN_KEY, None)
    say("success", f'Deleted "{listing.name}". What is on screen stays until you change it.')


# --- panels -----------------------------------------------------------------------------


def save_panel(store: ScenarioStore) -> None:
    """Save what is on screen: over the opened scenario (version-checked) or under a new name."""
    mine = opened()
    conflict = st.session_state.get(CONFLICT_KEY)
    if not can_save():
        if mine is not None:
            st.markdown(f"On screen: saved scenario **{plain(mine.name)}**, and any changes since.")
        st.info(VIEWER_MESSAGE, icon=":material/visibility:")
        return
    if mine is not None and not mine.mine:
        st.markdown(
            f"On screen: **{plain(mine.name)}**, shared with you, and any changes since. Only its owner can "
            "save over it; save what is on screen as your own below."
        )
    elif mine is not None:
        st.markdown(
            f"On screen: saved scenario **{plain(mine.name)}**, version {mine.version}, and any changes since."
        )
        c1, c2 = st.columns([1, 2])
        c1.button(
            "Save changes", key="saved_save_changes", on_click=_save_changes, args=(store,), type="primary",
            icon=":material/save:", help="Overwrite the saved scenario, unless someone saved it since you opened it.",
        )  # fmt: skip
        c2.code(short_link(mine.id), language=None)
    if conflict is not None:
        st.warning(
            "This scenario was changed elsewhere since you opened it. Reload the saved version (your changes "
            "are dropped) or save yours as a copy.",
            icon=":material/sync_problem:",
        )
        c1, c2, c3 = st.columns([1, 2, 1])
        c1.button("Reload the saved version", key="saved_reload", on_click=_open, args=(store, conflict.id))
        c2.text_input(
            "Name of the copy", key=COPY_MINE_KEY, placeholder=f"{conflict.name} (mine)", max_chars=80
        )
        c3.button("Save mine as a copy", key="saved_copy_mine", on_click=_save_copy, args=(store, True))
    with st.form("saved_new_form", clear_on_submit=False, border=False):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input(
            "Save what is on screen as", key=NAME_KEY, max_chars=80, placeholder="e.g. Our plan, 2027 budget",
            help="The inputs, every page's settings and your uncertainty ranges. Names are unique.",
        )  # fmt: skip
        c2.form_submit_button(
            "Save as new", on_click=_save_new, args=(store,), icon=":material/bookmark_add:", width="stretch"
        )


def library(store: ScenarioStore) -> list[VisibleScenario] | None:
    """The saved scenarios: search, a table, and actions on the chosen one. Returns every saved
    scenario the user sees when no search narrows the list (None when one does, or when the
    list could not be read), so the comparison below need not read them again."""
    search = st.text_input(
        "Search saved scenarios by name", key=SEARCH_KEY, placeholder="Type part of a name"
    )
    try:
        listing = visible_scenarios(store, owner(), search)
    except StorageError:  # the database is down: one line here (a failed save says its own)
        st.warning(
            "The saved scenarios cannot be listed just now. Try again in a moment.",
            icon=":material/database:",
        )
        return None
    complete = None if search else listing
    if not listing:
        st.info(
            "No saved scenario matches."
            if search
            else "No saved scenarios yet: save the one on screen above."
        )
        return complete
    columns = {"Name": [item.name for item in listing]}
    if signed_in() is not None:
        columns["Owner"] = [
            (item.owner_name or item.owner) if item.shared_with_me else "You" for item in listing
        ]
    columns |= {
        "Last changed": [when(item.updated_at) for item in listing],
        "Version": [item.version for item in listing],
        "Short link": [short_link(item.id) for item in listing],
    }
    table = pd.DataFrame(columns)
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"Short link": st.column_config.LinkColumn("Short link", display_text="open")},
    )  # fmt: skip
    by_id = {item.id: item for item in listing}
    if st.session_state.get(CHOSEN_KEY) not in by_id:
        st.session_state[CHOSEN_KEY] = listing[0].id
    chosen_id = st.selectbox(
        "Choose a saved scenario", list(by_id), key=CHOSEN_KEY, format_func=lambda i: by_id[i].name
    )
    chosen = by_id[chosen_id]
    writer, mine = can_save(), not chosen.shared_with_me
    sharing = signed_in() is not None and writer and mine
    columns = st.columns(4 if sharing else 3)
    columns[0].button(
        "Open", key="saved_open", on_click=_open, args=(store, chosen.id), type="primary",
        icon=":material/folder_open:", width="stretch", help="Put it on screen, on every page.",
    )  # fmt: skip
    if writer:
        with columns[1].popover(
            "Rename or copy" if mine else "Copy", icon=":material/edit:", width="stretch"
        ):
            if mine:
                st.text_input("New name", key=RENAME_KEY, max_chars=80)
                st.button("Rename", key="saved_rename", on_click=_rename, args=(store, chosen))
            st.text_input("Name of the copy", key=COPY_KEY, max_chars=80, placeholder=f"{chosen.name} (copy)")
            st.button("Save as copy", key="saved_fork", on_click=_save_copy, args=(store, False))
    if writer and mine:
        with columns[2].popover("Delete", icon=":material/delete:", width="stretch"):
            st.checkbox("Yes, delete this saved scenario", key=CONFIRM_KEY)
            st.button("Delete", key="saved_delete", on_click=_delete, args=(store, chosen), type="primary")
    if sharing:
        with columns[3].popover("Share", icon=":material/share:", width="stretch"):
            _share_controls(store, chosen)
        made = st.session_state.get(f"{CLIENT_LINK_KEY}_{chosen.id}")
        if made:  # also here: the popover closes when the page reruns, the link must stay in sight
            st.success(
                f"Client link to {plain(chosen.name)}: copy it and send it (listed under Client links below).",
                icon=":material/link:",
            )
            st.code(made, language=None, wrap_lines=True)
    if chosen.shared_with_me:  # a viewer opens only (VIEWER_MESSAGE); an editor also saves a copy
        st.caption(
            f"Shared with you by {plain(chosen.owner_name or chosen.owner)}: you can open "
            + ("and copy it." if writer else "it (your account cannot copy it).")
        )
    return complete


def _share_controls(store: ScenarioStore, chosen: VisibleScenario) -> None:
    """Whom the chosen scenario is shared with: named users and/or everyone signed in."""
    accounts = account_store()
    try:
        current = set(store.shared_with(owner(), chosen.id))
        since = store.client_links_since(owner(), chosen.id)
        people = (
            [u for u in accounts.list_users() if not u.disabled and u.username != owner()] if accounts else []
        )
    except StorageError as error:
        st.error(plain(str(error)))
        return
    names = {u.username: f"{u.name} ({u.username})" for u in people}
    people_key, everyone_key = f"{SHARE_PEOPLE_KEY}_{chosen.id}", f"{SHARE_ALL_KEY}_{chosen.id}"
    st.session_state.setdefault(people_key, sorted(current & set(names)))
    st.session_state.setdefault(everyone_key, ALL_SIGNED_IN in current)
    st.caption(
        "Scenarios are private until shared. People you share with can open it, and copy it if they are "
        "editors, but not change it."
    )
    st.checkbox("Everyone who can sign in", key=everyone_key)
    st.multiselect("Named people", list(names), key=people_key, format_func=lambda u: names.get(u, u))
    st.button(
        "Save sharing", key="saved_share", on_click=_share, args=(store, chosen, people_key, everyone_key)
    )
    st.divider()
    st.markdown("**Client link**: one read-only link to this scenario for someone without an account")
    days_key = f"saved_client_days_{chosen.id}"
    st.number_input("Valid for (days)", 1, MAX_DAYS, 14, 1, key=days_key)
    st.button(
        "Make a client link",
        key="saved_client_link",
        on_click=_make_client_link,
        args=(store, chosen, days_key),
    )
    made = st.session_state.get(f"{CLIENT_LINK_KEY}_{chosen.id}")
    if made:
        st.code(made, language=None, wrap_lines=True)
        st.caption(
            "Anyone with this link sees the scenario and can explore it, but saves nothing and sees nothing "
            "else. It works until it expires, unless you revoke it (Client links, below the saved scenarios) "
            "or withdraw all of this scenario's client links."
        )
    st.button(
        "Withdraw client links", key="saved_withdraw_client_links", on_click=_withdraw_client_links,
        args=(store, chosen), icon=":material/link_off:",
    )  # fmt: skip
    withdrawn_note = f" Last withdrawn {when(since)}." if since is not None else ""
    st.caption(
        "Links made before now stop working, also for anyone viewing one at the moment; make a new one "
        f"to share again. Nothing else changes.{withdrawn_note}"
    )


def _make_client_link(store: ScenarioStore, chosen: VisibleScenario, days_key: str) -> None:
    """Issue a link (a record: listed under Client links, revocable) and show its address."""
    if not can_save() or chosen.shared_with_me:
        return
    try:
        key = read_settings().cookie_key
    except ConfigurationError as error:
        say("error", str(error))
        return
    if key is None:
        return
    days = min(max(int(st.session_state.get(days_key, 14)), 1), MAX_DAYS)
    try:
        record = ClientLinkStore(store.engine).issue(owner(), chosen.id, days)
    except StorageError as error:
        say("error", str(error))
        return
    st.session_state[f"{CLIENT_LINK_KEY}_{chosen.id}"] = (
        f"{app_root()}/?{CLIENT_PARAM}={client_token(record, key)}"
    )
    st.session_state[f"{CLIENT_LINK_ID_KEY}_{chosen.id}"] = record.id


def _withdraw_client_links(store: ScenarioStore, chosen: VisibleScenario) -> None:
    if not can_save() or chosen.shared_with_me:
        return
    try:
        store.withdraw_client_links(owner(), chosen.id)
    except StorageError as error:
        say("error", str(error))
        return
    st.session_state.pop(f"{CLIENT_LINK_KEY}_{chosen.id}", None)  # the link shown is one of them
    st.session_state.pop(f"{CLIENT_LINK_ID_KEY}_{chosen.id}", None)
    say(
        "success",
        f'Client links to "{chosen.name}" made until now no longer work. Make a new one to share it again.',
    )


def _share(store: ScenarioStore, chosen: VisibleScenario, people_key: str, everyone_key: str) -> None:
    if not can_save():
        return
    wanted = set(st.session_state.get(people_key, []))
    if st.session_state.get(everyone_key):
        wanted.add(ALL_SIGNED_IN)
    try:
        current = set(store.shared_with(owner(), chosen.id))
        if wanted - current:
            store.share(owner(), chosen.id, sorted(wanted - current))
        if current - wanted:
            store.unshare(owner(), chosen.id, sorted(current - wanted))
    except StorageError as error:
        say("error", str(error))
        return
    if not wanted:
        say("success", f'"{chosen.name}" is private: only you can open it.')
    elif ALL_SIGNED_IN in wanted:
        say("success", f'"{chosen.name}" is shared with everyone who can sign in.')
    else:
        say(
            "success",
            f'"{chosen.name}" is shared with {len(wanted)} {"person" if len(wanted) == 1 else "people"}.',
        )
