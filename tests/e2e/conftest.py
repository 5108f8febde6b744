"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live Streamlit server.

Every test here is marked `browser`. Without `/usr/bin/chromium` (or without Playwright)
the tests are skipped on a developer's machine and fail in CI (`CI` set), where they are
required. Never `playwright install`: browser downloads cannot work here (STACK.md, Testing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import streamlit_server

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} does not exist"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"playwright cannot be imported ({error})"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser` (run them alone: `pytest -m browser`)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip the browser tests where no Chromium is installed; in CI they are required.

    Session-scoped and autouse, so it runs before pytest-playwright launches anything.
    """
    problem = _browser_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(
            f"Browser tests are required in CI: install Debian's chromium (apt-get install chromium) [{problem}]"
        )
    pytest.skip(
        f"Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium [{problem}]"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless, with nothing that reaches the network by itself."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop viewport wide enough for the four KPI tiles side by side."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    """Base URL of a Streamlit server shared by the tests of one module."""
    with streamlit_server() as url:
        yield url


@pytest.fixture
def fresh_server() -> Iterator[str]:
    """Base URL of a brand-new server process, for tests that need a server's first request."""
    with streamlit_server() as url:
        yield url
