"""The dashboard in a real browser: sliders move tiles and charts, links restore and land.

Few tests, run one after another: Chromium needs a lot of memory (STACK.md, Testing).
Streamlit reruns asynchronously, so every check is a retrying `expect`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import (
    CHART,
    ILT_SEAT,
    ILT_TOTAL,
    LEARNERS,
    LOAD_TIMEOUT,
    MICRO_TOTAL,
    TIMEOUT,
    Page,
    expect,
    expect_chart_text,
    expect_chart_title,
    expect_no_exception,
    metric_value,
    open_app,
    open_group,
    slider,
)


def test_learner_slider_moves_kpis_and_chart_and_link_restores_them(
    page: Page, live_server: str, new_context: Any
) -> None:
    open_app(page, live_server + "/costs")  # the page with each format's total cost
    expect_chart_title(page, "Microlearning is cheaper from 477 learners")
    expect(metric_value(page, MICRO_TOTAL)).to_have_text("$33,000", timeout=TIMEOUT)

    learners = slider(page, LEARNERS, "sb_learners")
    learners.focus()
    learners.press("ArrowRight")  # the stepped scale: 1,000 → 1,250 learners
    expect(learners).to_have_attribute("aria-valuetext", "1,250", timeout=TIMEOUT)
    expect(metric_value(page, MICRO_TOTAL)).to_have_text("$33,750", timeout=TIMEOUT)
    expect_chart_text(page, "Your 1,250 learners")
    expect(page).to_have_url(re.compile(r"[?&]learners=1250(&|$)"), timeout=TIMEOUT)

    open_group(page, "Instructor-led")  # the cost groups start closed: one click opens one
    seat = slider(page, ILT_SEAT, "sb_ilt_cost_per_learner")
    seat.focus()
    for _ in range(5):  # step 1: 45 → 40 per ILT seat
        seat.press("ArrowLeft")
    expect(seat).to_have_value("40", timeout=TIMEOUT)
    # Crossover: 20,000 more fixed cost over 37 less per learner = 540.5 → from 541 learners.
    expect_chart_title(page, "Microlearning is cheaper from 541 learners")
    expect(page).to_have_url(re.compile(r"[?&]ilt_cost_per_learner=40(&|$)"), timeout=TIMEOUT)
    expect(metric_value(page, MICRO_TOTAL)).to_have_text("$33,750", timeout=TIMEOUT)
    # Instructor-led: 10,000 development + 1,250 seats at 40 (no per-class cost by default).
    expect(metric_value(page, ILT_TOTAL)).to_have_text("$60,000", timeout=TIMEOUT)
    micro = metric_value(page, MICRO_TOTAL).text_content() or ""
    ilt = metric_value(page, ILT_TOTAL).text_content() or ""

    # The address bar is a share link: a new browser context (no session) shows the same.
    shared = new_context().new_page()
    open_app(shared, page.url)
    expect_chart_title(shared, "Microlearning is cheaper from 541 learners")
    expect(metric_value(shared, MICRO_TOTAL)).to_have_text(micro, timeout=TIMEOUT)
    expect(metric_value(shared, ILT_TOTAL)).to_have_text(ilt, timeout=TIMEOUT)
    expect(slider(shared, LEARNERS, "sb_learners")).to_have_attribute(
        "aria-valuetext", "1,250", timeout=TIMEOUT
    )
    expect(slider(shared, ILT_SEAT, "sb_ilt_cost_per_learner")).to_have_value("40", timeout=TIMEOUT)
    expect_chart_text(shared, "Your 1,250 learners")
    expect_no_exception(shared)
    expect_no_exception(page)


# Runs in the page before Streamlit's own scripts: notes every page title (h1) that is on
# screen while the entry script's sidebar ("Your scenario") is not, i.e. a page file that
# ran alone (the pages/ hazard in STACK.md).
WATCH_PAGE_WITHOUT_ENTRY = """
window.__pageWithoutEntry = [];
new MutationObserver(() => {
  const h1 = document.querySelector("h1");
  if (!h1 || !h1.textContent.trim()) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || !sidebar.textContent.includes("Your scenario")) {
    window.__pageWithoutEntry.push(h1.textContent.trim());
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


@pytest.mark.parametrize(
    ("path", "heading", "learners", "final_url"),
    [
        ("/costs?v=1&learners=300", "Costs & break-even", "300", r"/costs\?(.*&)?learners=300(&|$)"),
        ("/executive_summary", "Executive summary", "1,000", r"^[^?]*/(executive_summary)?(\?|$)"),
    ],
    ids=["costs-deep-link", "legacy-page-file-url"],
)
def test_deep_link_on_fresh_server_lands_on_page(
    page: Page, fresh_server: str, path: str, heading: str, learners: str, final_url: str
) -> None:
    """A page URL as the very first request of a server lands on that page, with the sidebar.

    Why a fresh server (STACK.md, "the pages/ hazard"): with a `pages/` folder beside
    `app.py`, a server that has not yet run `app.py` (whose `st.navigation` switches the
    legacy multipage mode off) runs a requested page file *alone*, skipping everything
    the entry script does (sidebar, scenario from the link, later the login gate). A
    server that an earlier test already warmed up hides the problem, so each case starts
    its own server and makes the link its first request. The page guard must render
    nothing of the page on its own, and send the visitor through `app.py` on to the
    intended page with the link's scenario intact.
    """
    page.add_init_script(WATCH_PAGE_WITHOUT_ENTRY)
    page.goto(fresh_server + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading, timeout=TIMEOUT)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("heading", name="Your scenario")).to_be_visible(timeout=TIMEOUT)
    expect(slider(page, LEARNERS, "sb_learners")).to_have_attribute(
        "aria-valuetext", learners, timeout=TIMEOUT
    )
    expect(page.locator(CHART).first).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(final_url), timeout=TIMEOUT)
    expect(page).not_to_have_url(re.compile(r"[?&]page="))
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect_no_exception(page)
    shown_alone = page.evaluate("window.__pageWithoutEntry")
    assert shown_alone == [], f"page content was on screen without the entry script: {shown_alone}"


def test_bad_link_warns_and_keeps_working(page: Page, live_server: str) -> None:
    open_app(page, live_server + "/costs?learners=abc&micro_fixed_cost=1e309&bogus=1")
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="Learners")
    expect(warning).to_have_count(1, timeout=TIMEOUT)
    expect(warning).to_contain_text("allowed 1 to 100,000")
    expect(warning).to_contain_text("Development cost (microlearning series)")
    expect(metric_value(page, MICRO_TOTAL)).to_have_text("$33,000", timeout=TIMEOUT)
    expect_chart_title(page, "Microlearning is cheaper from 477 learners")
    expect_no_exception(page)


def test_blend_slider_moves_the_mix_chart_and_tiles(page: Page, live_server: str) -> None:
    open_app(page, live_server + "/blend")
    expect(page.get_by_role("heading", level=1)).to_have_text("Blended mix", timeout=TIMEOUT)
    expect(metric_value(page, "Blended cost per learner")).to_have_text("$47.20", timeout=TIMEOUT)
    expect_chart_text(page, "Your mix 10 %")
    page.locator('[data-testid="stSidebar"] summary').filter(has_text="Blended mix").click()
    mix = slider(page, "Learners in the instructor-led foundation", "sb_blend_ilt_share_pct")
    mix.focus()
    mix.press("ArrowRight")  # step 1 point: 10 % → 11 % of learners instructor-led
    expect(mix).to_have_value("11", timeout=TIMEOUT)
    # 890 microlearning learners (30,000 + 3 × 890) and 110 instructor-led (10,000 + 45 × 110)
    expect(metric_value(page, "Blended cost per learner")).to_have_text("$47.62", timeout=TIMEOUT)
    expect_chart_text(page, "Your mix 11 %")
    expect(page).to_have_url(re.compile(r"[?&]blend_ilt_share_pct=11(&|$)"), timeout=TIMEOUT)
    expect_no_exception(page)


def test_editing_a_range_in_the_table_updates_the_link(page: Page, live_server: str) -> None:
    """The ranges table is a canvas grid (glide): edit a cell as a keyboard user does (focus the
    grid, arrows to the cell, Enter to open its editor, type, Enter to commit). Each step waits
    for a DOM signal: the grid's accessible table (one `td#glide-cell-<column>-<row>` per drawn
    cell, `aria-selected` on the selected one), the editor overlay, the script's run state."""
    open_app(page, live_server + "/sensitivity")
    page.get_by_text("Ranges of the uncertain inputs").click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    _script_done(page)
    grid.scroll_into_view_if_needed()
    # row 1 is "Development cost (microlearning series)", column 1 its "Low" (a default range)
    expect(grid.locator("#glide-cell-0-1")).to_have_text(
        "Development cost (microlearning series)", timeout=TIMEOUT
    )
    low = grid.locator("#glide-cell-1-1")
    expect(low).to_have_text("19500", timeout=TIMEOUT)
    grid.locator('[data-testid="data-grid-canvas"]').focus()  # no cell selected yet: the first is
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    expect(low).to_have_attribute("aria-selected", "true", timeout=TIMEOUT)
    page.keyboard.press("Enter")  # opens the cell editor (a DOM overlay above the canvas)
    editor = page.locator("#portal input, #portal textarea").first
    expect(editor).to_have_value("19500", timeout=TIMEOUT)
    editor.fill("25000")
    editor.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]rng=micro_fixed_cost%3A25000%3A40500(&|$)"), timeout=TIMEOUT)
    _script_done(page)
    expect_no_exception(page)


def _script_done(page: Page) -> None:
    """Wait until the page's script run has finished (Streamlit's own run-state attribute)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=LOAD_TIMEOUT)


def _server_children(base_url: str) -> list[str]:
    """The command lines of the processes the server at `base_url` started (found by its port)."""
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from scripts.ws_load import with_children

    def cmdline(pid: int | str) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""

    port = base_url.rsplit(":", 1)[1]
    servers = [
        int(proc.name) for proc in Path("/proc").glob("[0-9]*")
        if "streamlit run" in cmdline(proc.name) and f"--server.port {port}" in cmdline(proc.name)
    ]  # fmt: skip
    return [cmdline(child) for server in servers for child in (with_children(server) or [])[1:]]


def test_a_million_draws_are_drawn_beside_the_server_and_answered(page: Page, live_server: str) -> None:
    """A heavy run from the browser: the page shows the draws' answer (headline, tiles, the
    histogram of 1,000,000 draws), drawn by the worker process the server started."""
    page.goto(live_server + "/monte_carlo?mc_draws=1000000&mc_seed=77")
    expect(page.get_by_text(re.compile(r"in 80 % of the draws")).first).to_be_visible(timeout=60_000)
    subtitle = page.locator(f"{CHART} svg text").filter(
        has_text=re.compile(r"^1,000,000 draws of the uncertain inputs")
    )
    expect(subtitle.first).to_be_attached(timeout=TIMEOUT)
    # the payback is the discounted one, as on every screen (issue 23): the tiles no longer say
    # "(undiscounted)"; one caption per option
    expect(page.get_by_text(re.compile(r"chance payback takes over 24 months"))).to_have_count(3)
    expect_no_exception(page)
    children = _server_children(live_server)
    assert any("-m components.work.heavy_runs" in c for c in children), children

    target = page.get_by_role("spinbutton", name="Payback target (months)")
    target.fill("36")
    target.press("Enter")
    expect(page.get_by_text(re.compile(r"takes over 36 months"))).to_have_count(3, timeout=TIMEOUT)
    expect(subtitle.first).to_be_attached(timeout=TIMEOUT)  # the same run, re-read
    expect_no_exception(page)
