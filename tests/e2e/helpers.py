"""Shared browser-test helpers (Streamlit's e2e style: one module, imported by test files):
a live server of the app, a raw websocket handshake, and Playwright locators and waits."""

from __future__ import annotations

import base64
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scripts.server import ServerError
from scripts.server import streamlit_server as start_server

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Locator = Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

START_TIMEOUT = 30.0  # seconds for a server to answer /_stcore/health
LOG_TAIL = 4_000  # characters of the server log shown with a traceback
TIMEOUT = 15_000  # ms: a page load with the Plotly bundle takes ~2-3 s, a rerun well under 1 s

CHART = '[data-testid="stPlotlyChart"]'
MICRO_TOTAL = "Microlearning total cost"
ILT_TOTAL = "Instructor-led total cost"
LEARNERS = "Learners"
ILT_SEAT = "Cost per learner (ILT seat)"


@contextmanager
def streamlit_server(refused_ok: bool = False, **env_overrides: str) -> Iterator[str]:
    """Start `streamlit run serve.py` (the app as deployed) on a free port; yield its base URL; stop it afterwards.

    `env_overrides` are extra environment variables for the server (e.g. accounts on); its
    saved scenarios go to a fresh SQLite file unless they name another database. With
    `refused_ok`, a server whose health check answers 503 (it refuses its configuration) counts
    as started.

    On teardown the server log must hold no Python traceback: an exception in a session
    of the app is a failure even when the page looked fine.
    """
    with tempfile.TemporaryDirectory(prefix="roi-e2e-") as tmp, ExitStack() as running:
        env = {"TRAINING_ROI_DATABASE_URL": f"sqlite:///{Path(tmp) / 'scenarios.sqlite3'}", **env_overrides}
        try:
            server = running.enter_context(
                start_server(
                    "serve.py", env=env, folder=Path(tmp), timeout=START_TIMEOUT, refused_ok=refused_ok
                )
            )
        except ServerError as error:
            pytest.fail(str(error))
        yield server.url
        running.close()  # stopped: what it logged while stopping counts too
        log_text = server.log_text()
    assert "Traceback" not in log_text, f"The server logged a traceback:\n{log_text[-LOG_TAIL:]}"


def websocket_handshake(base_url: str, host: str, origin: str | None = None) -> str:
    """The status line of a websocket handshake to /_stcore/stream with these headers."""
    port = urlsplit(base_url).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [
            "GET /_stcore/stream HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: streamlit",
        ]
        if origin:
            lines.append(f"Origin: {origin}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n")[0].decode()


def _exact(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def chart_titles(page: Page) -> Locator:
    """The title of every Plotly chart on the page (SVG text: matched on its text content)."""
    return page.locator(f"{CHART} .gtitle")


def expect_chart_title(page: Page, title: str) -> None:
    """Some chart on the page is titled `title` (retried while charts draw or redraw)."""
    expect(chart_titles(page)).to_contain_text([_exact(title)], timeout=TIMEOUT)


def expect_chart_text(page: Page, text: str) -> None:
    """Some SVG text inside a chart (an annotation, a title) reads `text`."""
    expect(page.locator(f"{CHART} svg text").filter(has_text=_exact(text)).first).to_be_attached(
        timeout=TIMEOUT
    )


def metric_value(page: Page, label: str) -> Locator:
    """The value of the KPI tile (`st.metric`) whose label contains `label`."""
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return tile.locator('[data-testid="stMetricValue"]')


def slider(page: Page, label: str, key: str) -> Locator:
    """A sidebar slider by its label, inside its keyed container (`st-key-sb_<field>`).

    Not `exact=True`: Streamlit's slider is labelled by itself and its label, so its
    accessible name reads "Learners Learners"; the keyed container keeps the match unique.
    """
    return page.locator(f'[data-testid="stSidebar"] .st-key-{key}').get_by_role("slider", name=label)


def open_group(page: Page, group: str) -> None:
    """Open a closed sidebar input group by clicking its title, as a user does (a closed group's
    inputs are not drawn; opening it reruns the script and draws them)."""
    details = page.locator('[data-testid="stSidebar"] details').filter(
        has=page.locator("summary", has_text=group)
    )
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "", timeout=TIMEOUT)


def expect_no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


LOAD_TIMEOUT = 30_000  # ms: a fresh session's first run, on a busy 2-core CI machine


def open_app(page: Page, url: str) -> None:
    """Open `url` and wait for its first chart (a fresh session's first run)."""
    page.goto(url)
    expect(page.locator(CHART).first).to_be_visible(timeout=LOAD_TIMEOUT)


def wait_for_cookie(context: Any, name: str) -> dict[str, Any]:
    """The browser cookie `name`, waiting for it (the sign-in cookie is written by a component
    in the page a moment after sign-in)."""
    import time

    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == name]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"the cookie {name!r} was never written")


def open_quiet(page: Page, url: str, settle_ms: int = 1_000, step_ms: int = 250) -> None:
    """Open `url` and wait until the page is quiet: its script has finished, every chart is drawn
    (with its title), and their number has held still for `settle_ms` (Streamlit loads the
    Plotly element lazily, after the script has finished)."""
    page.goto(url)
    expect(page.locator('[data-testid="stMainBlockContainer"] h1').first).to_be_visible(timeout=LOAD_TIMEOUT)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=LOAD_TIMEOUT)
    charts = f"""() => {{ const all = [...document.querySelectorAll('{CHART}')];
                        return [all.length, all.filter(c => c.querySelector('.gtitle')).length]; }}"""
    last, steady = None, 0
    for _ in range(LOAD_TIMEOUT // step_ms):
        total, drawn = page.evaluate(charts)
        steady = steady + 1 if (total, drawn) == last and drawn == total else 0
        last = (total, drawn)
        if steady * step_ms >= settle_ms:
            break
        page.wait_for_timeout(step_ms)
    assert last is not None and last[0] == last[1], f"{url}: {last} charts drawn"  # none half-drawn
