"""Fixtures of the app tests; their helpers live in helpers.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import open_page


@pytest.fixture(autouse=True)
def _scenario_database(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """Saved scenarios go to a fresh SQLite file per test, never to the project's own database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'scenarios.sqlite3'}"
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", url)
    return url


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """A factory: `app(query={"learners": "300"}, page="pages/costs.py")` → an AppTest that has
    run once, on that page (`helpers.open_page`)."""

    def make(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
        return open_page(page, query)

    return make


@pytest.fixture
def accounts_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts on (not single-user mode), with a fresh cookie key: `pytestmark =
    pytest.mark.usefixtures("accounts_on")` in a module of signed-in tests."""
    monkeypatch.setenv("TRAINING_ROI_SINGLE_USER", "0")
    monkeypatch.setenv("TRAINING_ROI_COOKIE_KEY", secrets.token_urlsafe(48))
