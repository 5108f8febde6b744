"""Shared browser-test helpers (Streamlit's e2e style: one module, imported by test files)."""

from __future__ import annotations

import re
from typing import Any

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Locator = Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

TIMEOUT = 15_000  # ms: a page load with the Plotly bundle takes ~2-3 s, a rerun well under 1 s

CHART = '[data-testid="stPlotlyChart"]'
MICRO_TOTAL = "Microlearning total cost"
ILT_TOTAL = "Instructor-led total cost"
LEARNERS = "Learners"
ILT_SEAT = "Cost per learner (ILT seat)"


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
