"""The Budget planner in Chromium at the three screens (UI.md): 1440 × 900 desktop, 1920 × 1080
presenting, 390 × 844 phone — headline and chart visible, nothing wider than the screen.
Screenshots go to /tmp/budget_<screen>.png for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import LOAD_TIMEOUT, chart_titles, expect_no_exception

try:
    from playwright.sync_api import Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

SCREENS = {
    "desktop": ({"width": 1440, "height": 900}, ""),
    "presenting": ({"width": 1920, "height": 1080}, "?present=1"),
    "phone": ({"width": 390, "height": 844}, ""),
}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_budget_planner_reads_on_every_screen(page: Page, live_server: str, screen: str) -> None:
    """The headline and the frontier chart are visible, and the page never scrolls sideways."""
    size, query = SCREENS[screen]
    page.set_viewport_size(size)
    page.goto(f"{live_server}/budget{query}")
    headline = page.locator('[data-testid="stMarkdownContainer"] h2').filter(has_text="With ")
    expect(headline.first).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(chart_titles(page).first).to_contain_text("buys", timeout=LOAD_TIMEOUT)
    expect(chart_titles(page).first).to_be_visible()
    expect_no_exception(page)
    page.wait_for_timeout(800)  # the last chart settles before the picture
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=f"/tmp/budget_{screen}.png", full_page=True)
