"""Fixtures shared by every test layer."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _navigation_apptest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep AppTest on st.navigation although a `pages/` folder exists (STACK.md, Testing).

    AppTest resets `PagesManager.uses_pages_directory` before each run; with a `pages/`
    folder it becomes True and reruns skip the entry script (and its sidebar).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        PagesManager.uses_pages_directory = False  # the app uses st.navigation, never MPA v1
        original(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    """st.cache_* persist across AppTest instances in one process."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
