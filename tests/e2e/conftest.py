"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live Streamlit server.

Every test here is marked `browser`. Without `/usr/bin/chromium` (or without Playwright)
the tests are skipped on a developer's machine and fail in CI (`CI` set), where they are
required. Never `playwright install`: browser downloads cannot work here (STACK.md, Testing).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 30.0  # seconds for the server to answer /_stcore/health
LOG_TAIL = 4_000  # characters of the server log shown on failure

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return text[-LOG_TAIL:] or "(empty log)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def streamlit_server(**env_overrides: str) -> Iterator[str]:
    """Start `streamlit run serve.py` (the app as deployed) on a free port; yield its base URL; stop it afterwards.

    `env_overrides` are extra environment variables for the server (e.g. accounts on).

    On teardown the server log must hold no Python traceback: an exception in a session
    of the app is a failure even when the page looked fine.
    """
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="roi-e2e-") as tmp:
        log_path = Path(tmp) / "streamlit.log"
        command = [
            sys.executable, "-m", "streamlit", "run", "serve.py",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        with open(log_path, "wb") as log:
            env = {
                **os.environ,
                "TRAINING_ROI_DATABASE_URL": f"sqlite:///{Path(tmp) / 'scenarios.sqlite3'}",
                **env_overrides,
            }
            process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while not _healthy(f"{base_url}/_stcore/health"):
                if process.poll() is not None:
                    pytest.fail(
                        f"Streamlit exited with code {process.returncode} before answering; log:\n{_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"Streamlit did not answer /_stcore/health in {START_TIMEOUT:.0f} s; log:\n{_tail(log_path)}"
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log_text, f"The server logged a traceback:\n{log_text[-LOG_TAIL:]}"


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
