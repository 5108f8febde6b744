"""Sections drawn only while open: an expander whose content costs a rerun nothing when closed.

A closed `st.expander` still runs its content (tables, data editors, downloads) on every
rerun. Streamlit 1.67 expanders with a key and `on_change="rerun"` report whether they are
open, and opening one reruns the script, so the content can be built only when someone
looks at it (as the sidebar's input groups are, `components/inputs/sidebar.py`).

    with section("Cost table by learner count", "costs_table") as shown:
        if shown:
            st.dataframe(...)

Tests open a section by setting `st.session_state[section_key(name)] = True` before a run
(`tests/app/conftest.open_sections`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PREFIX = "section_open_"


def section_key(name: str) -> str:
    """The session-state key holding whether the section `name` is open.

    >>> section_key("costs_table")
    'section_open_costs_table'
    """
    return PREFIX + name


def lazy_expander(label: str, key: str) -> tuple[DeltaGenerator, bool]:
    """An expander, closed at first, whose opening and closing rerun the script, and whether it
    is open now (its content is to be drawn). The one mechanism behind `section` and the sidebar's input
    groups (`components/inputs/sidebar.py`, which draws its widgets into the box)."""
    box = st.expander(label, key=key, on_change="rerun")
    return box, box.open is not False


@contextmanager
def section(label: str, name: str) -> Iterator[bool]:
    """An expander titled `label`, closed at first; yields True while its content should be drawn."""
    box, shown = lazy_expander(label, section_key(name))
    with box:
        yield shown
