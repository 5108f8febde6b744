"""Issue 25, 3: by keyboard alone, every control is reachable and shows where the focus is, and
the main controls work (the navigation within a few Tab presses: tests/e2e/test_accessibility.py).

- Tab from the page's start through the Executive summary and Sensitivity, once round: each
  element that takes the focus shows it (an outline, a ring or a border that is not there
  without the focus, on something drawn on screen and not faded out);
- the sidebar's learners slider (arrow keys), a switch (Space), a select box (arrow keys and
  Enter), a button (Enter), an input group (Enter) and a page's own control work by keyboard.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import TIMEOUT, Page, expect, expect_no_exception, open_quiet

pytestmark = pytest.mark.browser

MAX_STOPS = 150  # Tab presses before giving up on coming round to the page's start
SETTLE_MS = 200  # Streamlit's and Plotly's focus styles fade in (transitions of ~0.2 s)

# The focus as drawn: the focused element and its three nearest ancestors (a switch or a
# slider draws its focus on its track or thumb, the hidden input itself is 1 px), each with
# whether it is drawn (at least 4 × 4 px, not clipped to less, not faded below half opacity)
# and the styles a focus indicator changes.
LOOK = """(el) => {
  const drawn = (n) => {
    const r = n.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) return false;
    let opacity = 1;
    for (let m = n; m; m = m.parentElement) {
      const c = getComputedStyle(m);
      opacity *= parseFloat(c.opacity);
      if (c.visibility === 'hidden' || c.display === 'none') return false;
      if (m !== n && (c.overflow !== 'visible' || c.clipPath !== 'none' || c.clip !== 'auto')) {
        const b = m.getBoundingClientRect();
        if (b.width < 4 || b.height < 4) return false;
      }
    }
    return opacity >= 0.5;
  };
  const out = [];
  for (let n = el, i = 0; n && n !== document.body && i < 4; n = n.parentElement, i++) {
    const c = getComputedStyle(n);
    const outline = c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) >= 1
      && !/rgba\\([^)]*, 0\\)|transparent/.test(c.outlineColor);
    out.push({drawn: drawn(n), outline: outline ? [c.outlineStyle, c.outlineWidth, c.outlineColor].join(' ') : '',
              shadow: c.boxShadow === 'none' ? '' : c.boxShadow, border: c.borderColor});
  }
  return out;
}"""
NAME = """(el) => [el.tagName.toLowerCase(), el.getAttribute('role') || '',
  (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50),
  el.closest('[data-testid]')?.getAttribute('data-testid') || ''].join(' ')"""


def _shows_focus(focused: list[dict], unfocused: list[dict]) -> bool:
    """Some drawn element of the chain has an outline, a ring or a border colour with the focus
    that it does not have without it."""
    for on, off in zip(focused, unfocused, strict=False):
        if not on["drawn"]:
            continue
        if (on["outline"] and on["outline"] != off["outline"]) or (
            on["shadow"] and on["shadow"] != off["shadow"]
        ):
            return True
        if on["border"] != off["border"]:
            return True
    return False


def _tab_round(page: Page) -> tuple[list[str], list[str]]:
    """Tab from the page's start until the focus comes round again; the focus stops, and
    those that do not show the focus."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    stops: list[str] = []
    unseen: list[str] = []
    previous = None
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        page.wait_for_timeout(SETTLE_MS)
        element = page.evaluate_handle("document.activeElement")
        if page.evaluate("(el) => el === document.body || el === null", element):
            focused = None  # the browser's own controls, between the page's end and its start
        else:
            focused = (element, page.evaluate(NAME, element), page.evaluate(LOOK, element))
        if previous is not None:
            handle, name, look = previous
            if not _shows_focus(look, page.evaluate(LOOK, handle)):
                unseen.append(name)
        if focused is not None and stops and focused[1] == stops[0]:
            return stops, unseen  # round: back at the first stop
        if focused is not None:
            stops.append(focused[1])
        previous = focused
    raise AssertionError(f"the focus did not come round in {MAX_STOPS} Tab presses: {stops[-10:]}")


@pytest.mark.parametrize("path", ["/", "/sensitivity"])
def test_every_focus_stop_shows_the_focus(page: Page, live_server: str, path: str) -> None:
    open_quiet(page, live_server + path)
    stops, unseen = _tab_round(page)
    assert len(stops) >= 20, stops  # the sidebar, the navigation, the page: all reachable
    assert any("stTopNavSection" in s for s in stops), stops
    assert any("stSlider" in s and "Learners" in s for s in stops), stops
    assert not unseen, f"{path}: the focus is not visible on {unseen}"


def _focus_by_tab(page: Page, selector: str) -> None:
    """Tab (from the page's start) until the element matching `selector` has the focus."""
    target = page.locator(selector).first
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached by Tab")


def _sidebar(key: str) -> str:
    return f'[data-testid="stSidebar"] .st-key-{key}'


def _linked(page: Page, setting: str) -> None:
    expect(page).to_have_url(re.compile(rf"[?&]{setting}(&|$)"), timeout=TIMEOUT)


def test_the_main_controls_work_by_keyboard(page: Page, live_server: str) -> None:
    open_quiet(page, live_server + "/sensitivity")
    learners = page.locator(_sidebar("sb_learners")).get_by_role("slider")
    _focus_by_tab(
        page, f"{_sidebar('sb_learners')} [role=slider], {_sidebar('sb_learners')} input[type=range]"
    )
    page.keyboard.press("ArrowRight")
    expect(learners).to_have_attribute("aria-valuetext", "1,250", timeout=TIMEOUT)
    _linked(page, "learners=1250")

    _focus_by_tab(page, f"{_sidebar('sb_fully_loaded')} [role=switch]")
    page.keyboard.press("Space")
    expect(page.locator(_sidebar("sb_fully_loaded")).get_by_role("switch")).to_be_checked(timeout=TIMEOUT)
    _linked(page, "fully_loaded=(1|true|True)")

    _focus_by_tab(page, '[data-testid="stSidebar"] details summary:has-text("Microlearning")')
    page.keyboard.press("Enter")
    group = page.locator('[data-testid="stSidebar"] details').filter(
        has=page.locator("summary", has_text="Microlearning")
    )
    expect(group).to_have_attribute("open", "", timeout=TIMEOUT)

    currency = page.locator(_sidebar("sb_currency")).get_by_role("combobox")
    _focus_by_tab(page, f"{_sidebar('sb_currency')} [role=combobox]")
    page.keyboard.press("ArrowDown")  # opens the list
    expect(page.get_by_role("option", name="EUR")).to_be_visible(timeout=TIMEOUT)
    page.keyboard.type("EUR")  # narrows it to EUR
    page.keyboard.press("Enter")
    expect(currency).to_have_value("EUR", timeout=TIMEOUT)
    _linked(page, "currency=EUR")

    _focus_by_tab(page, ".st-key-sens_metric [role=radio]")  # ROI; the arrow keys move to NPV
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.locator(".st-key-sens_metric").get_by_role("radio", name="NPV")).to_be_checked(
        timeout=TIMEOUT
    )
    _linked(page, "sens_metric=NPV")

    _focus_by_tab(page, '[data-testid="stSidebar"] [data-testid="stPopoverButton"]')
    page.keyboard.press("Enter")
    box = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    expect(box).to_contain_text("sens_metric=NPV", timeout=TIMEOUT)
    expect(box).to_contain_text("currency=EUR")
    page.keyboard.press("Escape")
    expect(box).to_have_count(0, timeout=TIMEOUT)
    expect_no_exception(page)
