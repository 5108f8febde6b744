"""The page guard: a page runs only inside the entry script's run.

Streamlit hazard (STACK.md): with a `pages/` folder beside `app.py`, a freshly started
server runs a page URL's file alone, skipping `app.py` (its sidebar, and later its login
gate). `app.py` marks each run in session state around `pg.run()`; a page that finds no
mark renders nothing and switches to the entry, carrying its own address in `?page=`
so `app.py` can send the user on to it with the same scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import StreamlitAPIException

ENTRY_MARK = "entry_script_running"
TARGET_PARAM = "page"
ENTRY_SCRIPT = "app.py"


@contextmanager
def entry_run() -> Iterator[None]:
    """Mark the current run as started by the entry script while a page runs inside it."""
    st.session_state[ENTRY_MARK] = True
    try:
        yield
    finally:
        st.session_state.pop(ENTRY_MARK, None)


def require_entry(url_path: str) -> None:
    """First line of every page: without the entry script, go to it and come back here."""
    if st.session_state.get(ENTRY_MARK):
        return
    params = {k: v for k, v in st.query_params.to_dict().items() if k != TARGET_PARAM}
    if url_path:
        params[TARGET_PARAM] = url_path
    try:
        st.switch_page(ENTRY_SCRIPT, query_params=params)
    except StreamlitAPIException:
        # The entry script is not a known page of this run (the page file was started
        # as the main script): render nothing rather than an error.
        st.stop()


def forward_to_requested_page(pages: list[st.Page]) -> None:
    """In the entry script: if a guarded page sent the user here, switch on to it."""
    target = st.query_params.get(TARGET_PARAM)
    if target is None:
        return
    params = {k: v for k, v in st.query_params.to_dict().items() if k != TARGET_PARAM}
    del st.query_params[TARGET_PARAM]
    for page in pages:
        if page.url_path == target:
            st.switch_page(page, query_params=params)
