"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# No per-example deadline: the suite runs on two cores beside other work (`tasks.py test`), where a
# generated case that takes 5 ms alone can take 300 ms; speed is measured by the benchmarks, never
# by a timed assertion (hypothesis's deadline is one).
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# Tests run the app in single-user mode on loopback (as `python3 tasks.py run` does), so every
# page opens without signing in; the account tests switch accounts on for their own apps and
# servers (tests/app/test_accounts.py, tests/e2e/test_accounts.py). Set before any server or
# AppTest starts: servers inherit the environment, AppTest reads it as Streamlit config.
os.environ.setdefault("TRAINING_ROI_SINGLE_USER", "1")
os.environ.setdefault("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture(autouse=True)
def _loopback_address() -> None:
    """AppTest reads config files but not STREAMLIT_* variables (only the `streamlit` command does)."""
    from streamlit import config

    if not config.get_option("server.address"):
        config.set_option("server.address", "127.0.0.1")


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
    from components.work.answer import clear_answers
    from components.work.simulation_cache import clear_runs

    clear_answers()  # the app's own kept answers and runs, as a fresh server has none
    clear_runs()
    from components.views.information_view import clear_information_values
    from components.work.pilot_plan import clear_pilot_values

    clear_information_values()
    clear_pilot_values()
    from components.work.model_cache import clear_scans

    clear_scans()
    from components.views.pilot_view import cached_breakeven_check

    cached_breakeven_check.cache_clear()
    from components.hosting.limits import SESSION_TRIES, SIGN_IN_TRIES

    SIGN_IN_TRIES.clear()  # the sign-in rate limits count per process, as a fresh server starts empty
    SESSION_TRIES.clear()
    from components.hosting.deployment import trusted_proxies

    trusted_proxies.cache_clear()  # read once per process: each test's environment is a new process's
