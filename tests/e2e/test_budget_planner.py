"""The Budget planner in Chromium at the three screens (UI.md): 1440 × 900 desktop, 1920 × 1080
presenting, 390 × 844 phone — headline and chart visible, nothing wider than the screen.
Screenshots go to /tmp/budget_<screen>.png for a person to look at. The budget box reads like
money, takes what people type from the keyboard, and keeps a default out of the address bar."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import LOAD_TIMEOUT, TIMEOUT, chart_titles, expect_no_exception, open_quiet

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


def test_the_budget_box_reads_like_money_and_takes_what_people_type(page: Page, live_server: str) -> None:
    """The labelled box shows the suggestion as money and the address bar has no budget; "250k"
    typed and Enter gives $250,000 in the box, the headline and the link; words get a message
    and the budget stays."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_quiet(page, f"{live_server}/budget")
    box = page.get_by_role("textbox", name="Budget", exact=True)
    expect(box).to_have_value(re.compile(r"^\$\d{1,3}(,\d{3})+$"), timeout=TIMEOUT)
    assert "budget_amount" not in page.url
    box.focus()
    box.fill("250k")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]budget_amount=250000(&|$)"), timeout=TIMEOUT)
    expect(box).to_have_value("$250,000", timeout=TIMEOUT)
    headline = page.locator('[data-testid="stMarkdownContainer"] h2').filter(has_text="With ")
    expect(headline.first).to_contain_text("With $250,000", timeout=TIMEOUT)
    box.fill("lots")
    box.press("Enter")
    alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text="is not an amount")
    expect(alert).to_contain_text("The budget stays $250,000.", timeout=TIMEOUT)
    expect(box).to_have_value("$250,000", timeout=TIMEOUT)
    assert re.search(r"[?&]budget_amount=250000(&|$)", page.url)
    expect_no_exception(page)
