"""Issue 25, 5 in a real browser: on every page that has settings, one setting changed through
its own control (a click, or keys) is in the address bar, survives a trip to another page and
back through the top menus, and a reload; the control and the link agree all along.

tests/app/test_settings_round_trip.py round-trips every setting under AppTest; this file proves
the same with Streamlit's real front end (its top navigation, its widget state, its reload).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.e2e.helpers import TIMEOUT, Page, expect, expect_no_exception, open_quiet

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    path: str  # the page's address
    section: str  # its top menu
    title: str  # its entry in that menu
    heading: str  # its h1
    change: Callable[[Page], None]  # the user changes one setting through its control
    link: str  # what the address bar then carries
    shows: Callable[[Page], None]  # the control shows the changed value


def _menu(page: Page, section: str, title: str, heading: str) -> None:
    """Go to a page with the top navigation: open its menu, click its link."""
    page.locator('[data-testid="stTopNavSection"]').filter(has_text=section).first.click()
    page.locator('[data-testid="stTopNavDropdownLink"]').filter(has_text=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading, timeout=TIMEOUT)


def _in(key: str, page: Page):  # type: ignore[no-untyped-def]
    return page.locator(f".st-key-{key}")


def _type(key: str, text: str) -> Callable[[Page], None]:
    def change(page: Page) -> None:
        box = _in(key, page).locator("input")
        box.fill(text)
        box.press("Enter")

    return change


def _keys(key: str, role: str, *keys: str) -> Callable[[Page], None]:
    def change(page: Page) -> None:
        control = _in(key, page).get_by_role(role)  # type: ignore[arg-type]
        control.focus()
        for pressed in keys:
            control.press(pressed)

    return change


def _value(key: str, value: str) -> Callable[[Page], None]:
    return lambda page: expect(_in(key, page).locator("input")).to_have_value(value, timeout=TIMEOUT)


def _valuetext(key: str, text: str) -> Callable[[Page], None]:
    return lambda page: expect(_in(key, page).get_by_role("slider")).to_have_attribute(
        "aria-valuetext", text, timeout=TIMEOUT
    )


def _switched_on(key: str) -> Callable[[Page], None]:
    return lambda page: expect(_in(key, page).get_by_role("switch")).to_be_checked(timeout=TIMEOUT)


def _chosen(key: str, text: str) -> Callable[[Page], None]:
    """A segmented control's option `text` is the chosen one."""
    return lambda page: expect(_in(key, page).get_by_role("radio", name=text)).to_be_checked(timeout=TIMEOUT)


def _base_swapped(page: Page) -> None:
    """Make the defaults the comparison's base: remove "Your scenario", then add it back last."""
    box = _in("compare_choice", page)
    box.get_by_role("button", name="Remove Your scenario").click()
    expect(box.locator("[data-tag]")).to_have_text(["Default scenario"], timeout=TIMEOUT)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name="Your scenario").click()
    page.keyboard.press("Escape")


def _plans(*names: str) -> Callable[[Page], None]:
    return lambda page: expect(_in("compare_choice", page).locator("[data-tag]")).to_have_text(
        list(names), timeout=TIMEOUT
    )


def _fit_typed(key: str, text: str) -> Callable[[Page], None]:
    """Open the Retention page's knowledge-check fit (a closed expander) and type into one box."""

    def change(page: Page) -> None:
        page.get_by_text("Fit the knowledge-check curve", exact=False).click()
        _type(key, text)(page)

    return change


CASES = {
    "retention_fit": Case(
        "/retention", "Model", "Retention", "Retention",
        _fit_typed("ret_t2", "120"), "ret_t2=120", _value("ret_t2", "120"),
    ),
    "monte_carlo": Case(
        "/monte_carlo", "Risk", "Monte Carlo", "Monte Carlo",
        lambda page: _in("mc_distribution", page).get_by_text("PERT", exact=True).click(),
        "mc_distribution=PERT",
        lambda page: expect(page.get_by_role("radio", name="PERT")).to_be_checked(timeout=TIMEOUT),
    ),
    "sensitivity": Case(
        "/sensitivity", "Risk", "Sensitivity", "Sensitivity",
        lambda page: _in("sens_metric", page).get_by_text("NPV", exact=True).click(),
        "sens_metric=NPV", _chosen("sens_metric", "NPV"),
    ),
    "goal_seek": Case(
        "/goal_seek", "Risk", "Goal seek", "Goal seek",
        _type("gs_target", "25"), "gs_target=25", _value("gs_target", "25.0"),
    ),
    "decision_weight": Case(
        "/decision", "Plan", "Decision matrix", "Decision matrix",
        _keys("dm_weight_speed", "slider", "ArrowRight", "ArrowRight", "ArrowRight"),
        "dm_weight_speed=8", _value("dm_weight_speed", "8"),
    ),
    "decision_rating": Case(
        "/decision", "Plan", "Decision matrix", "Decision matrix",
        _keys("dm_rating_cost_ilt", "slider", "Home"),
        "dm_rating_cost_ilt=Very(%20|\\+)Low", _valuetext("dm_rating_cost_ilt", "Very Low"),
    ),
    "pilot": Case(
        "/pilot", "Plan", "Pilot planner", "Pilot planner",
        _keys("pilot_cluster", "switch", "Space"), "pilot_cluster=1", _switched_on("pilot_cluster"),
    ),
    "budget": Case(
        "/budget", "Plan", "Budget planner", "Budget planner",
        _type("budget_amount_typed", "123k"), "budget_amount=123000", _value("budget_amount_typed", "$123,000"),
    ),
    "scenarios_compared": Case(
        "/scenarios", "Scenarios", "Saved & compared", "Scenarios",
        _base_swapped, "compare_choice=defaults(,|%2C)on-screen", _plans("Default scenario", "Your scenario"),
    ),
}  # fmt: skip
AWAY = ("Model", "Costs & break-even", "Costs & break-even")


def _linked(page: Page, link: str) -> None:
    expect(page).to_have_url(re.compile(rf"[?&]{link}(&|$)"), timeout=TIMEOUT)


@pytest.mark.parametrize("name", list(CASES))
def test_a_page_setting_survives_the_top_menus_and_a_reload(page: Page, live_server: str, name: str) -> None:
    case = CASES[name]
    open_quiet(page, live_server + case.path)
    case.change(page)
    _linked(page, case.link)
    case.shows(page)
    _menu(page, *AWAY)
    _linked(page, case.link)  # the link keeps it while another page is on screen
    _menu(page, case.section, case.title, case.heading)
    case.shows(page)
    _linked(page, case.link)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading, timeout=TIMEOUT)
    case.shows(page)
    _linked(page, case.link)
    expect_no_exception(page)
