"""What an action did, said once at the top of the page on the next run: a saved scenario's
save, rename or share; an account's password or role. Each page keeps its own list under its
own key; the text is shown as text, never as Markdown (`components.words.safe_text.plain`)."""

from __future__ import annotations

import streamlit as st

from components.words.safe_text import plain

ICONS = {"success": ":material/check:", "error": ":material/error:"}


def say(key: str, kind: str, text: str) -> None:
    """Keep `text` ("success", "error", or anything else: information) for `show_outcomes(key)`."""
    st.session_state.setdefault(key, []).append((kind, text))


def show_outcomes(key: str) -> None:
    """The outcomes kept under `key`, once each (success, information or a problem)."""
    for kind, text in st.session_state.pop(key, []):
        show = {"success": st.success, "error": st.error}.get(kind, st.info)
        show(plain(text), icon=ICONS.get(kind))
