"""State that survives in a real browser: presentation mode across the top menu, page
settings across pages and through a copied link in a fresh browser context."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.e2e.helpers import (
    CHART,
    MICRO_TOTAL,
    TIMEOUT,
    Page,
    expect,
    expect_no_exception,
    metric_value,
    open_app,
    open_group,
    slider,
)

pytestmark = pytest.mark.browser


SECTIONS = {
    "Costs & break-even": "Model", "ROI & payback": "Model", "Blended mix": "Model",
    "Monte Carlo": "Risk", "Sensitivity": "Risk", "Goal seek": "Risk", "Pilot planner": "Plan",
    "Decision matrix": "Plan",
}  # fmt: skip


def _nav(page: Page, title: str) -> None:
    """Click a page in Streamlit's navigation: the sidebar, or in presentation mode the top
    menu (a section opens a dropdown of its pages)."""
    sidebar = page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=title)
    if sidebar.count() and sidebar.first.is_visible():
        sidebar.first.click()
    else:
        page.locator('[data-testid="stTopNavSection"]').filter(has_text=SECTIONS[title]).first.click()
        page.locator('[data-testid="stTopNavDropdownLink"]').filter(has_text=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=TIMEOUT)


def test_presentation_survives_three_page_changes_and_exits_cleanly(page: Page, live_server: str) -> None:
    open_app(page, live_server + "/costs?present=1&learners=2000&v=1")
    for title in ("Monte Carlo", "ROI & payback", "Blended mix"):
        _nav(page, title)
        expect(page).to_have_url(re.compile(r"[?&]present=1(&|$)"), timeout=TIMEOUT)
        expect(page.get_by_role("button", name="Exit presentation")).to_be_visible(timeout=TIMEOUT)
        expect(page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')).to_have_count(0)
        expect(page).to_have_url(re.compile(r"[?&]learners=2000(&|$)"), timeout=TIMEOUT)
    page.get_by_role("button", name="Exit presentation").click()
    expect(page).not_to_have_url(re.compile(r"[?&]present="), timeout=TIMEOUT)
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Blended mix")
    expect_no_exception(page)


def _number(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f".st-key-{key} input")


def test_page_settings_survive_another_page_and_a_copied_link(
    page: Page, live_server: str, new_context: Any
) -> None:
    """Monte Carlo, Goal seek and Pilot planner settings: kept across pages, and in the link."""
    open_app(page, live_server + "/monte_carlo")
    page.get_by_text("PERT", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]mc_distribution=PERT(&|$)"), timeout=TIMEOUT)
    _nav(page, "Goal seek")
    _number(page, "gs_target").fill("25")
    _number(page, "gs_target").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]gs_target=25(&|$)"), timeout=TIMEOUT)
    _nav(page, "Pilot planner")
    _number(page, "pilot_baseline_pct").fill("60")
    _number(page, "pilot_baseline_pct").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]pilot_baseline_pct=60(&|$)"), timeout=TIMEOUT)
    _nav(page, "Costs & break-even")
    for setting in ("mc_distribution=PERT", "gs_target=25", "pilot_baseline_pct=60"):
        expect(page).to_have_url(re.compile(rf"[?&]{setting}(&|$)"), timeout=TIMEOUT)
    _nav(page, "Monte Carlo")
    expect(page.get_by_role("radio", name="PERT")).to_be_checked(timeout=TIMEOUT)
    _nav(page, "Goal seek")
    expect(_number(page, "gs_target")).to_have_value("25.0", timeout=TIMEOUT)

    shared = new_context().new_page()
    open_app(shared, page.url)
    expect(_number(shared, "gs_target")).to_have_value("25.0", timeout=TIMEOUT)
    _nav(shared, "Pilot planner")
    expect(_number(shared, "pilot_baseline_pct")).to_have_value("60", timeout=TIMEOUT)
    _nav(shared, "Monte Carlo")
    expect(shared.get_by_role("radio", name="PERT")).to_be_checked(timeout=TIMEOUT)
    expect(shared.locator(CHART).first).to_be_visible(timeout=TIMEOUT)
    expect_no_exception(shared)


def test_learners_reach_250_with_a_few_keys_and_25000_with_one_typed_value(
    page: Page, live_server: str
) -> None:
    open_app(page, live_server + "/costs")
    learners = page.locator('[data-testid="stSidebar"] .st-key-sb_learners').get_by_role("slider")
    learners.focus()
    for step in ("750", "600", "500", "400", "300", "250"):  # six presses from 1,000
        learners.press("ArrowLeft")
        expect(learners).to_have_attribute("aria-valuetext", step, timeout=TIMEOUT)
        # the server's rerun has finished (the link holds the step) before the next press
        expect(page).to_have_url(re.compile(rf"[?&]learners={step}(&|$)"), timeout=TIMEOUT)
        learners.focus()
    expect(page).to_have_url(re.compile(r"[?&]learners=250(&|$)"), timeout=TIMEOUT)
    box = page.locator('[data-testid="stSidebar"] .st-key-sb_learners_typed input')
    box.fill("25,000")
    box.press("Enter")
    expect(learners).to_have_attribute("aria-valuetext", "25,000", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]learners=25000(&|$)"), timeout=TIMEOUT)
    expect(box).to_have_value("25,000")
    expect_no_exception(page)


def test_the_copy_link_box_follows_a_setting_changed_in_a_page_part(page: Page, live_server: str) -> None:
    """A page setting reruns only its page part (a fragment), which does not redraw the sidebar:
    the Copy link box opened afterwards still holds the address of what is on screen."""
    from urllib.parse import parse_qsl, urlsplit

    open_app(page, live_server + "/sensitivity")
    page.locator(".st-key-sens_metric").get_by_text("NPV", exact=True).click()
    page.wait_for_function("location.search.includes('sens_metric=NPV')", timeout=TIMEOUT)
    page.get_by_role("button", name="Share link").click()
    box = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    expect(box).to_contain_text("sens_metric=NPV", timeout=TIMEOUT)
    link = urlsplit(box.inner_text().strip())
    here = urlsplit(page.evaluate("location.href"))
    assert (link.path, dict(parse_qsl(link.query))) == (here.path, dict(parse_qsl(here.query)))
    expect_no_exception(page)


def test_a_page_opened_at_its_own_address_asks_the_server_once(page: Page, live_server: str) -> None:
    """Opened at /sensitivity?…, Streamlit's page asks the root for health at once (`serve.py`
    writes where the root is into the page); Streamlit alone first asked
    `/sensitivity/_stcore/health`, got "Not Found" and waited 100 ms before asking the root.
    The page's script finds the root of other addresses too (a path prefix, a trailing slash)."""
    open_app(page, live_server + "/sensitivity?learners=2500&v=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sensitivity", timeout=TIMEOUT)
    asked = page.evaluate(
        "performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)"
        ".filter(p => p.endsWith('_stcore/health'))"
    )
    assert asked == ["/_stcore/health"]
    assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == live_server + "/"
    expect(page.locator(".st-key-sb_learners").get_by_role("slider")).to_have_attribute(
        "aria-valuetext", "2,500", timeout=TIMEOUT
    )
    hint = page.evaluate("[...document.scripts].map(s => s.text).find(t => t.includes('BACKEND_BASE_URL'))")
    roots = page.evaluate(
        """([hint, addresses]) => addresses.map((a) => {
             const u = new URL(a), window = {};
             new Function('location', 'window', hint)({pathname: u.pathname, origin: u.origin}, window);
             return window.__streamlit.BACKEND_BASE_URL;
           })""",
        [
            hint,
            [
                "http://h/costs",
                "http://h/",
                "http://h/roi/sensitivity/",
                "http://h/base/",
                "http://h/base/costs",
            ],
        ],
    )
    assert roots == ["http://h/", "http://h/", "http://h/roi/", "http://h/base/", "http://h/base/"]


def _weight(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".st-key-dm_weight_speed").get_by_role("slider")


def test_a_decision_weight_survives_the_apps_navigation_and_a_link(page: Page, live_server: str) -> None:
    """Issue 25, 5: weight 5 → 8, Costs and back with the top menu: still 8, and in the link;
    the same from `/decision?dm_weight_speed=8`. (It came back as 5: the weights and ratings
    were drawn without `persist_state="session"`, so Streamlit dropped them on a page change.)"""
    open_app(page, live_server + "/decision")
    expect(_weight(page)).to_have_value("5", timeout=TIMEOUT)
    _weight(page).focus()
    for _ in range(3):
        _weight(page).press("ArrowRight")
    expect(page).to_have_url(re.compile(r"[?&]dm_weight_speed=8(&|$)"), timeout=TIMEOUT)
    for _ in range(2):
        _nav(page, "Costs & break-even")
        expect(page).to_have_url(re.compile(r"[?&]dm_weight_speed=8(&|$)"), timeout=TIMEOUT)
        _nav(page, "Decision matrix")
        expect(_weight(page)).to_have_value("8", timeout=TIMEOUT)
        expect(page).to_have_url(re.compile(r"[?&]dm_weight_speed=8(&|$)"), timeout=TIMEOUT)

    open_app(page, live_server + "/decision?dm_weight_speed=8")
    expect(_weight(page)).to_have_value("8", timeout=TIMEOUT)
    _nav(page, "Costs & break-even")
    _nav(page, "Decision matrix")
    expect(_weight(page)).to_have_value("8", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]dm_weight_speed=8(&|$)"), timeout=TIMEOUT)
    expect_no_exception(page)


@contextmanager
def _busy_server(spinners: int = 2 * (os.cpu_count() or 2)) -> Iterator[None]:
    """Load every CPU (the server shares them): a rerun then takes longer than a key press."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spinners)]
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)


def _learners_agree(page: Page, shown: str) -> None:
    """The thumb, the box, the link and the figures all say `shown` learners."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.locator(".st-key-sb_learners").get_by_role("slider")).to_have_attribute(
        "aria-valuetext", shown, timeout=TIMEOUT
    )
    expect(sidebar.locator(".st-key-sb_learners_typed input")).to_have_value(shown, timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"[?&]learners={shown.replace(',', '')}(&|$)"), timeout=TIMEOUT)
    expect(page.get_by_text(re.compile(rf"\bat {shown} learners")).first).to_be_visible(timeout=TIMEOUT)


def _press_quickly(page: Page, key: str, gaps_ms: list[int]) -> None:
    page.locator('[data-testid="stSidebar"] .st-key-sb_learners').get_by_role("slider").focus()
    for gap in gaps_ms:
        page.keyboard.press(key)
        page.wait_for_timeout(gap)


def test_quick_key_presses_on_a_busy_server_are_not_undone(page: Page, live_server: str) -> None:
    """Issue 25, 6: six ArrowLeft presses 60-150 ms apart on a loaded server end at 250, with the
    thumb, the box, the tiles and the link agreeing. (They went back to 750 and 1,000, and the
    link lost `learners`: the browser sent the learners box's and the preset picker's old
    values with the next press, and the app took them for a typed value and a chosen preset.)"""
    open_app(page, live_server + "/costs")
    with _busy_server():
        _press_quickly(page, "ArrowLeft", [150, 60, 100, 150, 60, 120])
        _learners_agree(page, "250")
    page.wait_for_timeout(1_000)  # nothing arrives later to undo it
    _learners_agree(page, "250")
    expect_no_exception(page)


def test_quick_key_presses_on_a_cost_on_a_busy_server_are_not_undone(page: Page, live_server: str) -> None:
    """Issue 25, 6, on a cost: six ArrowLeft presses 60-150 ms apart on the microlearning
    development cost (a stepped slider in a closed sidebar group), on a loaded server, end at
    $7,500 with the thumb, the box, the link and the tiles agreeing (the tiles: as a fresh page
    at that link shows them)."""
    fresh = page.context.new_page()
    open_app(fresh, live_server + "/costs?micro_fixed_cost=7500")
    expected = metric_value(fresh, MICRO_TOTAL).inner_text()
    fresh.close()
    open_app(page, live_server + "/costs")
    open_group(page, "Microlearning")
    cost = slider(page, "Development cost", "sb_micro_fixed_cost")
    expect(cost).to_have_attribute("aria-valuetext", "$30,000", timeout=TIMEOUT)
    assert metric_value(page, MICRO_TOTAL).inner_text() != expected
    with _busy_server():
        cost.focus()
        for gap in [150, 60, 100, 150, 60, 120]:
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(gap)
        _cost_agrees(page, expected)
    page.wait_for_timeout(1_000)  # nothing arrives later to undo it
    _cost_agrees(page, expected)
    expect_no_exception(page)


def _cost_agrees(page: Page, tile: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(slider(page, "Development cost", "sb_micro_fixed_cost")).to_have_attribute(
        "aria-valuetext", "$7,500", timeout=TIMEOUT
    )
    expect(sidebar.locator(".st-key-sb_micro_fixed_cost_typed input")).to_have_value(
        "$7,500", timeout=TIMEOUT
    )
    expect(page).to_have_url(re.compile(r"[?&]micro_fixed_cost=7500(&|$)"), timeout=TIMEOUT)
    expect(metric_value(page, MICRO_TOTAL)).to_have_text(tile, timeout=TIMEOUT)


def test_page_up_after_opening_three_pages_moves_the_slider_and_the_figures(
    page: Page, live_server: str
) -> None:
    """Issue 25, 6: open /, /sources, /case_studies and / again, then PageUp five times: the
    slider, the box, the figures and the link reach 100,000 together (the link said 30,000
    while the slider and the figures stayed at 1,000)."""
    for path in ("/", "/sources", "/case_studies"):
        page.goto(live_server + path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=TIMEOUT)
    open_app(page, live_server + "/")
    _press_quickly(page, "PageUp", [120, 80, 120, 80, 120])
    _learners_agree(page, "100,000")
    expect_no_exception(page)


def test_the_share_link_box_copies_the_address(page: Page, live_server: str) -> None:
    """Issue 25, 8: the sidebar's *Share link* opens the address with a copy button that copies
    it (the control was called "Copy link" and copied nothing by itself)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_app(page, live_server + "/costs?learners=2500")
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
    page.get_by_role("button", name="Share link").click()
    box = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    expect(box).to_contain_text("learners=2500", timeout=TIMEOUT)
    expect(page.locator('[data-testid="stPopoverBody"]')).to_contain_text("copy button")
    box.hover()
    box.get_by_role("button", name="Copy to clipboard").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == box.inner_text().strip() and "learners=2500" in copied
    expect_no_exception(page)
