"""The dashboard on a 390 px phone and on a 1920 × 1080 presenting screen (UI.md, "Three screens").

Two tests, one after another (Chromium is memory-hungry, STACK.md): every page at 390 × 844
with no chart title, subtitle or label cut off or on top of another; the executive summary
in presentation mode with room-sized KPI tiles and axis text, and its first chart above the fold.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30_000  # ms: a page with the Plotly bundle and a Monte Carlo run
STEP, SETTLE = 250, 1_500  # ms: how often, and how long unchanged, the drawn charts are counted
# The URL paths of app.py's st.navigation.
PAGES = (
    "/", "/costs", "/roi", "/retention", "/blend", "/sensitivity", "/monte_carlo", "/goal_seek",
    "/decision", "/pilot", "/sources", "/case_studies", "/scenarios",
)  # fmt: skip
PHONE = {"width": 390, "height": 844}
ROOM = {"width": 1920, "height": 1080}
DESK = {"width": 1440, "height": 1000}
CHART_PAGES = ("/", "/costs", "/roi", "/retention", "/blend", "/sensitivity", "/monte_carlo", "/goal_seek",
               "/decision", "/pilot")  # fmt: skip

# Per chart: the margins the server reserved (`components.charts.margins`) and the ones Plotly
# drew with; Plotly widens a margin that is too small by drawing the chart a second time.
MARGINS = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map((gd) => {
  const set = gd.layout.margin || {}, size = gd._fullLayout._size;
  const box = gd.getBoundingClientRect(), ytitle = gd.querySelector('.ytitle');
  return {
    title: gd._fullLayout.title.text.replace(/<[^>]+>/g, ' ').slice(0, 60),
    kinds: gd._fullData.map((t) => t.type),
    set: {l: set.l, b: set.b, r: set.r}, drawn: {l: size.l, b: size.b, r: size.r},
    yTitleGap: ytitle && ytitle.textContent ? ytitle.getBoundingClientRect().left - box.left : null,
  };
})
"""

# Per chart: every title, subtitle and annotation inside the chart's box, and no two
# annotations (mark labels, direct labels) on top of each other.
CHART_PROBLEMS = """
() => {
  const problems = [];
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
      && r.bottom <= box.bottom + 1;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, i) => {
    const container = chart.querySelector('.svg-container');
    if (!container) { problems.push(`chart ${i}: not drawn`); return; }
    const box = container.getBoundingClientRect();
    const title = (chart.querySelector('.gtitle') || {}).textContent || `chart ${i}`;
    for (const text of chart.querySelectorAll('.gtitle, .gtitle-subtitle, .annotation-text')) {
      const r = text.getBoundingClientRect();
      if (r.width && !inside(r, box)) {
        problems.push(`${title}: "${text.textContent}" runs out of the chart `
          + `(${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(box.left)}..${Math.round(box.right)})`);
      }
    }
    const labels = [...chart.querySelectorAll('.annotation-text')].map(t => [t.textContent, t.getBoundingClientRect()]);
    for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) {
      if (overlap(labels[a][1], labels[b][1])) problems.push(`${title}: "${labels[a][0]}" overlaps "${labels[b][0]}"`);
    }
  });
  return problems;
}
"""

ROOM_SIZES = """
() => {
  const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
  const chart = document.querySelector('[data-testid="stPlotlyChart"]');
  const tick = chart.querySelector('.xtick text');
  return {
    value: px(document.querySelector('[data-testid="stMetricValue"] p')),
    label: px(document.querySelector('[data-testid="stMetricLabel"] p')),
    caption: px(document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"] p')),
    chartTop: chart.getBoundingClientRect().top,
    tickSize: parseFloat(tick.style.fontSize),
    tickFill: tick.style.fill,
  };
}
"""


def _contrast_on_white(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _open(page: Page, url: str) -> None:
    """Load a page; wait until its script has finished and its charts have drawn and stay put.

    Streamlit loads the Plotly element lazily, after the script has finished, so the charts
    are counted until the count (every chart with its title) holds still for a second.
    """
    page.goto(url)
    expect(page.locator('[data-testid="stMainBlockContainer"] h1').first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT)
    count_drawn = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                        .filter(c => c.querySelector('.gtitle')).length"""
    last, steady = -1, 0
    for _ in range(TIMEOUT // STEP):
        drawn = page.evaluate(count_drawn)
        steady = steady + 1 if drawn == last else 0
        last = drawn
        if steady * STEP >= SETTLE:
            break
        page.wait_for_timeout(STEP)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(last)  # none half-drawn


def test_every_page_reads_on_a_phone(page: Page, live_server: str) -> None:
    """At 390 × 844 no chart title, subtitle or label is cut off, and no two labels overlap."""
    page.set_viewport_size(PHONE)
    problems = []
    charts = 0
    for path in PAGES:
        _open(page, live_server + path)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        charts += page.locator('[data-testid="stPlotlyChart"]').count()
        problems += [f"{path}: {p}" for p in page.evaluate(CHART_PROBLEMS)]
    assert charts >= 12, "the pages drew their charts"
    assert not problems, "\n".join(problems)


THUMB_VALUES = """
() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stSliderThumbValue"]')].map((v) => {
  const text = v.querySelector('p'); const thumb = v.parentElement.getBoundingClientRect();
  return {text: text ? text.textContent : '', bottom: text ? text.getBoundingClientRect().bottom : 0,
          thumbTop: thumb.top};
})
"""


@pytest.mark.skipif(
    "apply_presentation_style" not in (ROOT / "app.py").read_text(encoding="utf-8"),
    reason="app.py does not call components.views.style.apply_presentation_style() yet",
)
def test_presentation_mode_sizes_a_room_screen(page: Page, live_server: str) -> None:
    """At 1920 × 1080 with ?present=1: KPI values ≥ 56 px, labels and captions ≥ 20 px, axis text
    ≥ 16 px at ≥ 4.5:1 on white, and the summary's first chart starts above the fold."""
    page.set_viewport_size(ROOM)
    _open(page, live_server + "/?present=1")
    sizes = page.evaluate(ROOM_SIZES)
    assert sizes["value"] >= 56, sizes
    assert sizes["label"] >= 20 and sizes["caption"] >= 20, sizes
    assert sizes["chartTop"] < ROOM["height"], sizes
    assert sizes["tickSize"] >= 16 and _contrast_on_white(sizes["tickFill"]) >= 4.5, sizes
    # each slider's value (20 px) stands clear above its thumb, not over it or the track
    for value in page.evaluate(THUMB_VALUES):
        assert value["text"] and value["bottom"] <= value["thumbTop"], value


def _sides(kinds: list[str]) -> tuple[str, ...]:
    """The margins `reserved_margins` predicts for a chart of these trace kinds."""
    if set(kinds) == {"scatterpolar"}:
        return ("b",)
    if "waterfall" in kinds:
        return ("l",)  # category labels Plotly may turn on their side
    if {"heatmap", "contour"} & set(kinds):
        return ("l", "b")  # a colour bar at a share of the plot's width
    return ("l", "b", "r")


@pytest.mark.parametrize("screen", ["desk", "room"])
def test_charts_are_drawn_once_in_the_margins_reserved_for_them(
    page: Page, live_server: str, screen: str
) -> None:
    """At 1440 px, and presenting at 1920 px, every chart keeps the margins the server reserved
    for its labels: Plotly had no margin to widen, so it drew the chart once, not twice. The
    reservation is not wasteful either: a y axis title starts within 18 px of the chart's edge (10 px is Plotly's own)."""
    page.set_viewport_size(DESK if screen == "desk" else ROOM)
    problems, checked = [], 0
    for path in CHART_PAGES:
        _open(page, live_server + path + ("?present=1" if screen == "room" else ""))
        for chart in page.evaluate(MARGINS):
            for side in _sides(chart["kinds"]):
                checked += 1
                if abs(chart["drawn"][side] - chart["set"][side]) >= 1:
                    problems.append(f"{path} {chart['title']!r}: {side} reserved {chart['set'][side]}, "
                                    f"drawn {chart['drawn'][side]}")  # fmt: skip
            if chart["yTitleGap"] is not None and not 0 <= chart["yTitleGap"] <= 18:
                problems.append(
                    f"{path} {chart['title']!r}: y title {chart['yTitleGap']:.0f} px from the edge"
                )
    assert checked >= 30, "the pages drew their charts"
    assert not problems, "\n".join(problems)
