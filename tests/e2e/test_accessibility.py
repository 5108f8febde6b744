"""axe-core on every page at the three screens of UI.md (WCAG 2.2 AA; docs/accessibility.md).

Every page of app.py's `st.navigation` (single-user mode), loaded once per screen, 1440 × 900,
presenting (`?present=1`) at 1920 × 1080 and a 390 × 844 phone; on each, once it is quiet:

- axe-core (the copy `axe-playwright-python` ships) finds no violation of impact serious or
  critical, and each moderate one is in the allow-list of docs/accessibility.md, with its reason;
  nothing is left undecided by axe but colour contrast on chart (SVG) text;
- every chart is a figure named by its answer (its title), for screen readers;
- on the phone, Plotly's toolbar covers no chart title;
- presenting, captions and KPI tiles (they carry the figures) reach 7:1 (axe's AAA contrast rule);
- from the page's start, the navigation is within a few Tab presses (a skip link).

One browser, one page load per page and screen (about two minutes in all).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import TIMEOUT, open_quiet

try:
    from playwright.sync_api import Page, expect
except ImportError:  # conftest's `_browser_available` skips (or, in CI, fails) these tests
    Page = Any  # type: ignore[assignment,misc]
    expect = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
ALLOW_LIST = ROOT / "docs" / "accessibility.md"
ACCOUNT_PAGES = {"account", "users"}  # registered only with accounts on, never in single-user mode
SCREENS = {
    "desk": ({"width": 1440, "height": 900}, ""),
    "room": ({"width": 1920, "height": 1080}, "?present=1"),
    "phone": ({"width": 390, "height": 844}, ""),
}
BLOCKING = {"serious", "critical"}
MAX_TABS = 5  # UI.md: "the navigation within a few Tab presses"
FIGURES = ('[data-testid="stMain"] [data-testid="stCaptionContainer"]', '[data-testid="stMetric"]')


def app_pages() -> list[str]:
    """The URL path of every page app.py registers in single-user mode: `/` (the default page)
    and each `page("<name>", ...)` (a page's URL path is its file name)."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    names = re.findall(r'\bpage\(\s*"(\w+)"', source)
    return ["/", *(f"/{n}" for n in dict.fromkeys(names) if n not in ACCOUNT_PAGES)]


def allowed_moderate() -> dict[str, str]:
    """The moderate axe rules docs/accessibility.md accepts, with their reasons: the rows
    `| rule-id | reason |` of the table under its heading "Moderate findings we accept"."""
    text = ALLOW_LIST.read_text(encoding="utf-8")
    section = text.split("## Moderate findings we accept", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line.startswith("| `")]
    return {cells[0].strip().strip("`"): cells[-1].strip() for cells in rows}


def _axe_script() -> str:
    axe = pytest.importorskip("axe_playwright_python")
    return (Path(axe.__file__).with_name("axe.min.js")).read_text(encoding="utf-8")


def run_axe(
    page: Page,
    script: str,
    context: Any = None,
    options: dict[str, Any] | None = None,
    kind: str = "violations",
) -> list[dict]:
    """axe-core's violations (or, `kind="incomplete"`, what it could not decide) on the page as
    it is now (axe is injected once per page load)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(script)
    return page.evaluate(
        "([context, options, kind]) => axe.run(context || document, options).then(r => r[kind])",
        [context, {"resultTypes": [kind], **(options or {})}, kind],
    )


def undecided(page: Page, results: list[dict]) -> list[dict]:
    """axe's undecided results a person has not checked: all but colour contrast on chart (SVG)
    text (axe cannot see the background behind SVG; the charts' text colours are checked in
    components/charts/theme.py's tests and docs/accessibility.md)."""
    out = []
    for result in results:
        nodes = result["nodes"]
        if result["id"] == "color-contrast":
            in_svg = page.evaluate(
                "(targets) => targets.map((t) => { const e = document.querySelector(t[t.length - 1]); "
                "return !!(e && e.closest('svg')); })",
                [n["target"] for n in nodes],
            )
            nodes = [n for n, svg in zip(nodes, in_svg, strict=True) if not svg]
        if nodes:
            out.append({**result, "nodes": nodes})
    return out


def _describe(violation: dict) -> str:
    node = violation["nodes"][0]
    return (
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {violation['help']} "
        f"— first at {node['target']}: {node.get('failureSummary', '')[:160]}"
    )


# Per chart: its accessible role and name, its title's words, and whether Plotly's toolbar is
# drawn on top of its title.
CHARTS = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
  const title = chart.querySelector('.gtitle');
  const bar = chart.querySelector('.modebar-container');
  let covers = false;
  if (title && bar && getComputedStyle(bar).display !== 'none' && getComputedStyle(bar).visibility !== 'hidden') {
    const a = title.getBoundingClientRect();
    for (const b of [...bar.querySelectorAll('.modebar-btn')].map((n) => n.getBoundingClientRect())) {
      if (b.width && Math.min(a.right, b.right) > Math.max(a.left, b.left)
          && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top)) covers = true;
    }
  }
  return {role: chart.getAttribute('role'), name: chart.getAttribute('aria-label') || '',
          title: title ? title.textContent : '', covers};
})
"""


# Accessible names that still hold Markdown (a coloured or bold label): a reader hears the markup.
MARKUP_IN_NAMES = """
() => [...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'))
  .filter((name) => /:[a-zA-Z-]+\\[|\\*\\*/.test(name))
"""


def _squeeze(text: str) -> str:
    """Words without spaces: Plotly draws each title line as its own text span."""
    return re.sub(r"\s+", "", text)


def _keyboard_reaches_navigation(page: Page) -> str | None:
    """From the page's start, Tab (at most MAX_TABS times) to "Skip to navigation", press Enter:
    the focus is then in the navigation. None when it is, else what happened."""
    page.evaluate("() => window.scrollTo(0, 0)")  # a fresh load: nothing has had the focus yet
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to navigation":
            page.keyboard.press("Enter")
            try:
                expect(
                    page.locator('[data-testid="stTopNav"] :focus, [data-testid="stSidebarNav"] :focus')
                ).to_have_count(1, timeout=TIMEOUT)
            except AssertionError:
                return f"after {presses} Tab presses and Enter, the focus is not in the navigation"
            return None
    return f"no 'Skip to navigation' within {MAX_TABS} Tab presses"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_passes_axe_with_named_charts(page: Page, live_server: str, screen: str) -> None:
    viewport, query = SCREENS[screen]
    page.set_viewport_size(viewport)
    script = _axe_script()
    allowed = allowed_moderate()
    pages = app_pages()
    assert len(pages) >= 13, pages
    problems: list[str] = []
    charts = 0
    for path in pages:
        open_quiet(page, live_server + path + query)
        for violation in run_axe(page, script):
            if violation["impact"] in BLOCKING or (
                violation["impact"] == "moderate" and violation["id"] not in allowed
            ):
                problems.append(f"{path}: {_describe(violation)}")
        for result in undecided(page, run_axe(page, script, kind="incomplete")):
            problems.append(f"{path}: axe could not decide {_describe(result)}")
        for name in page.evaluate(MARKUP_IN_NAMES):
            problems.append(f"{path}: an accessible name reads Markdown aloud: {name!r}")
        for chart in page.evaluate(CHARTS):
            charts += 1
            if chart["role"] != "figure" or not _squeeze(chart["name"]).startswith(_squeeze(chart["title"])):
                problems.append(
                    f"{path}: chart {chart['title']!r} is not a figure named by its title: {chart}"
                )
            if screen == "phone" and chart["covers"]:
                problems.append(f"{path}: the chart toolbar covers the title {chart['title']!r}")
        if screen == "room":  # captions and tiles carry the figures: 7:1 for a projector
            # axe refuses a selector that matches nothing
            figures = [[s] for s in FIGURES if page.locator(s).count()]
            for violation in (  # an empty include would be the whole page to axe
                run_axe(page, script, {"include": figures}, {"runOnly": ["color-contrast-enhanced"]})
                if figures
                else []
            ):
                problems.append(f"{path} (figures at 7:1): {_describe(violation)}")
    assert charts >= 12, "the pages drew their charts"
    keyboard = _keyboard_reaches_navigation(page)
    if keyboard:
        problems.append(f"{pages[-1]} (keyboard): {keyboard}")
    assert not problems, "\n".join(problems)


def test_the_allow_list_gives_a_reason_for_each_rule() -> None:
    """docs/accessibility.md is the one place a moderate finding may be accepted, with a reason."""
    for rule, reason in allowed_moderate().items():
        assert re.fullmatch(r"[a-z0-9-]+", rule), rule
        assert len(reason.split()) >= 4, f"{rule}: give the reason in words"
