"""Saved scenarios in a real browser: save what is on screen, then open its short link in a
fresh browser context (another person) and see the same scenario; compare with defaults."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import TIMEOUT, Page, expect, expect_no_exception, metric_value, open_app

KPIS = ("ROI as claimed", "Net present value", "Chance of loss", "Payback (discounted)")

pytestmark = pytest.mark.browser


def test_save_then_open_the_short_link_elsewhere(page: Page, live_server: str, new_context: Any) -> None:
    query = "?learners=2500&ilt_cost_per_learner=60&v=1"
    open_app(page, live_server + "/" + query)
    kpis = {label: metric_value(page, label).inner_text() for label in KPIS}
    open_app(page, live_server + "/scenarios" + query)
    page.locator(".st-key-saved_new_name input").fill("Board plan <b>2027</b>")
    page.get_by_role("button", name="Save as new").click()
    expect(page.get_by_text('Saved as "Board plan <b>2027</b>".')).to_be_visible(timeout=TIMEOUT)
    short = page.locator('[data-testid="stCode"]').filter(has_text="?s=").first
    expect(short).to_be_visible(timeout=TIMEOUT)
    link = short.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?s=[A-Za-z0-9]{10}", link), link

    other = new_context().new_page()
    open_app(other, link)
    expect(other).to_have_url(re.compile(r"[?&]learners=2500(&|$)"), timeout=TIMEOUT)
    expect(other).to_have_url(re.compile(r"[?&]ilt_cost_per_learner=60(&|$)"), timeout=TIMEOUT)
    expect(other.get_by_role("heading", level=1)).to_have_text("Executive summary")
    for label, value in kpis.items():
        expect(metric_value(other, label)).to_have_text(value, timeout=TIMEOUT)
    expect_no_exception(other)


def test_compare_with_defaults_from_the_summary(page: Page, live_server: str) -> None:
    open_app(page, live_server + "/?learners=2500&v=1")
    page.get_by_role("button", name="Compare with defaults").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios", timeout=TIMEOUT)
    expect(page.get_by_text(re.compile(r"learners \(2,500 → 1,000\)"))).to_be_visible(timeout=TIMEOUT)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2, timeout=TIMEOUT)
    expect_no_exception(page)


def test_the_print_view_drops_the_sidebar_navigation_and_buttons(page: Page, live_server: str) -> None:
    open_app(page, live_server + "/?learners=2500&v=1")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Compare with defaults")).to_be_hidden()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Executive summary")


# Every script-state change of the page from now on ("running", "notRunning").
RUNS_JS = """() => {
  window.__runs = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__runs.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def test_the_downloads_arrive_in_the_browser(page: Page, live_server: str) -> None:
    """The files are made when asked for (not on every rerun) and arrive as real files."""
    import json
    from pathlib import Path

    open_app(page, live_server + "/scenarios?learners=2500&v=1")
    page.evaluate(RUNS_JS)
    with page.expect_download(timeout=TIMEOUT) as scenario_file:
        page.get_by_role("button", name="Scenario file (JSON)", exact=True).click()
    page.wait_for_timeout(1_500)
    # a download does not rerun the page: the other buttons keep their files for a quick second click
    assert page.evaluate("window.__runs") == [], "a download click reran the page"
    document = json.loads(Path(scenario_file.value.path()).read_text(encoding="utf-8"))
    assert document["app"] == "Training ROI Studio" and document["scenario"]["learners"] == 2500
    with page.expect_download(timeout=60_000) as brief:
        page.get_by_role("button", name="Executive brief (PDF)", exact=True).click()
    assert Path(brief.value.path()).read_bytes().startswith(b"%PDF-")
    assert brief.value.suggested_filename.endswith("-brief.pdf")
    expect_no_exception(page)
