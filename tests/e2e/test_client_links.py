"""Client links in a real browser (issue 26, "access ends when its reason ends"): an editor saves
a scenario, makes a client link from its Share popover, a visitor without an account opens it
read-only, the editor revokes it by its button under Client links on the Scenarios page, and
the visitor's next load of the link is refused and shows nothing of the scenario.

The server runs with accounts on (tests otherwise run single-user) and its own database; the
people are made through storage, as in test_accounts.py. Everything else is done in the page.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from components.saved.client_links import WITHDRAWN
from storage import AccountStore
from storage.database import create_engine_for
from storage.migrations import upgrade
from tests.e2e.helpers import (
    CHART,
    LOAD_TIMEOUT,
    TIMEOUT,
    Locator,
    Page,
    expect,
    expect_no_exception,
    wait_for_cookie,
)
from tests.e2e.helpers import streamlit_server as start_server

pytestmark = pytest.mark.browser

KEY = secrets.token_urlsafe(48)
PASSWORD = "correct horse battery"
COOKIE = "training_roi_session"
NAME = "Client plan *2027*"  # Markdown in a name: labels and messages must show it as typed
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
REVOKE = re.compile(rf"Revoke link to {re.escape(NAME)} issued \d{{1,2}} \w{{3}}( \d{{4}})?, \d\d:\d\d UTC")


@pytest.fixture(scope="module")
def accounts_server() -> Iterator[str]:
    """A server with accounts on: an administrator and the editor Bob."""
    with tempfile.TemporaryDirectory(prefix="roi-client-links-") as folder:
        database = Path(folder) / "accounts.sqlite3"
        engine = create_engine_for(f"sqlite:///{database}")
        upgrade(engine)
        accounts = AccountStore(engine, bcrypt_rounds=4)
        accounts.create_first_admin("ada", "Ada Lovelace", PASSWORD)
        accounts.create_user("bob", "Bob Editor", PASSWORD, "editor")
        engine.dispose()
        env = {
            "TRAINING_ROI_SINGLE_USER": "0",
            "TRAINING_ROI_COOKIE_KEY": KEY,
            "TRAINING_ROI_DATABASE_URL": f"sqlite:///{database}",
        }
        with start_server(**env) as url:
            yield url


def idle(page: Page) -> None:
    """Streamlit has finished running the page's script."""
    page.wait_for_selector(IDLE, timeout=LOAD_TIMEOUT)


def sign_in(page: Page, url: str, username: str, name: str) -> None:
    """Open the Scenarios page, sign in on the form it shows, and land on it."""
    page.goto(url + "/scenarios")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("textbox", name="Password").press("Enter")
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios", timeout=TIMEOUT)
    wait_for_cookie(page.context, COOKIE)  # written a moment after sign-in, by a component
    idle(page)


def save_scenario(page: Page, learners: str, name: str) -> None:
    """Type a learner count in the sidebar, then save what is on screen under `name` (keyboard)."""
    typed = page.locator('[data-testid="stSidebar"] .st-key-sb_learners_typed input')
    typed.fill(learners)
    typed.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]learners={learners}(&|$)"), timeout=TIMEOUT)
    idle(page)
    box = page.get_by_role("textbox", name="Save what is on screen as")
    box.fill(name)
    box.press("Enter")  # submits the form (its "Save as new" button)
    expect(page.get_by_text(f'Saved as "{name}".')).to_be_visible(timeout=TIMEOUT)
    idle(page)


def open_share(page: Page) -> Locator:
    """Open the chosen scenario's Share popover; its body."""
    main = page.get_by_test_id("stMainBlockContainer")  # not the sidebar's "Share link"
    share = main.get_by_role("button", name="Share")
    expect(share).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT)
    share.click()
    expect(share).to_have_attribute("aria-expanded", "true", timeout=TIMEOUT)
    body = page.locator('[data-testid="stPopoverBody"]')
    expect(body.get_by_role("button", name="Make a client link")).to_be_visible(timeout=TIMEOUT)
    return body


def make_client_link(page: Page, days: int) -> str:
    """Share → "Valid for (days)" → "Make a client link": the address the popover then shows.

    Every rerun of the page closes the popover (found here: typing the days, and the button's
    own click, each close it), so it is opened again after each step, as a user has to."""
    valid = open_share(page).get_by_role("spinbutton", name="Valid for (days)")
    valid.fill(str(days))
    valid.press("Enter")
    idle(page)
    body = open_share(page)
    expect(body.get_by_role("spinbutton", name="Valid for (days)")).to_have_value(str(days))
    body.get_by_role("button", name="Make a client link").click()
    expect(page.get_by_role("button", name=REVOKE)).to_have_count(1, timeout=TIMEOUT)  # the rerun is done
    idle(page)
    if body.count():
        page.keyboard.press("Escape")  # close the popover if it stayed open
        expect(body).to_have_count(0, timeout=TIMEOUT)
    # the new link stays in sight under the buttons, with the popover closed
    main = page.get_by_test_id("stMainBlockContainer")
    shown = main.locator('[data-testid="stCode"]').filter(has_text="?t=")
    expect(shown).to_have_count(1, timeout=TIMEOUT)
    expect(shown).to_be_visible(timeout=TIMEOUT)
    return shown.inner_text().strip()


def links_table(page: Page) -> Locator:
    """The Client links table (a canvas grid; its accessible table, one `td` per drawn cell,
    carries the text), scrolled into view so that its cells are drawn."""
    heading = page.get_by_role("heading", name="Client links")
    table = heading.locator('xpath=following::*[@data-testid="stDataFrame"][1]')
    expect(table).to_be_visible(timeout=TIMEOUT)
    table.scroll_into_view_if_needed()
    return table


def expect_client_view(visitor: Page) -> None:
    """The visitor sees the saved scenario: its name and the learners it was saved with, read-only."""
    sidebar = visitor.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(f"Client view of {NAME}: explore freely; nothing is saved.")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(sidebar.locator(".st-key-sb_learners_typed input")).to_have_value("4,321", timeout=TIMEOUT)
    expect(visitor.locator(CHART).first).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(sidebar.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_revoked_client_link_is_refused_at_the_visitors_next_load(
    page: Page, accounts_server: str, new_context: Any
) -> None:
    url = accounts_server
    sign_in(page, url, "bob", "Bob Editor")
    expect(page.get_by_text("No client links yet")).to_be_visible(timeout=TIMEOUT)
    save_scenario(page, "4321", NAME)
    before = datetime.now(UTC)
    link = make_client_link(page, 30)
    until = {f"{moment + timedelta(days=30):%-d %b %Y}" for moment in (before, datetime.now(UTC))}
    valid_until = re.compile("|".join(re.escape(day) for day in until))  # 30 days, as typed
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?t=[\w-]+\.[\w-]+\.[\w-]+", link), link

    # listed on the Scenarios page, with one Revoke button
    revoke = page.get_by_role("button", name=REVOKE)
    expect(revoke).to_have_count(1, timeout=TIMEOUT)
    table = links_table(page)
    for words in ("Scenario", "Issued by", "Expires", "Status", NAME, "You", "Works", valid_until):
        expect(table).to_contain_text(words, timeout=TIMEOUT)

    # a visitor without an account (a fresh context: no cookies) sees the scenario read-only
    visitor = new_context().new_page()
    visitor.goto(link)
    expect_client_view(visitor)
    expect(visitor.locator('[data-testid="stSidebar"]')).to_contain_text(valid_until)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Executive summary", timeout=TIMEOUT)
    visitor.locator('[data-testid="stTopNavSection"]').filter(has_text="Scenarios").first.click()
    visitor.locator('[data-testid="stTopNavDropdownLink"]').filter(has_text="Saved & compared").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Scenarios", timeout=TIMEOUT)
    expect(visitor.get_by_text("You are viewing a scenario through a client link")).to_be_visible(
        timeout=TIMEOUT
    )
    idle(visitor)
    for button in ("Save as new", "Share", "Delete", "Make a client link"):
        expect(visitor.get_by_role("button", name=button, exact=True)).to_have_count(0)
    expect(visitor.get_by_role("heading", name="Client links")).to_have_count(0)
    token = link.split("?t=", 1)[1]
    expect(visitor).to_have_url(re.compile(rf"[?&]t={re.escape(token)}(&|$)"))  # kept for a reload
    expect_no_exception(visitor)

    # the editor revokes it by its button (keyboard: focus, Enter)
    revoke.focus()
    revoke.press("Enter")
    expect(page.get_by_text(re.compile(r"no longer works, also for anyone viewing it now"))).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text(f'The client link to "{NAME}" issued', exact=False)).to_be_visible()
    expect(page.get_by_role("button", name=REVOKE)).to_have_count(0, timeout=TIMEOUT)
    idle(page)
    expect(links_table(page)).to_contain_text(re.compile(r"Revoked \d"), timeout=TIMEOUT)
    expect(links_table(page)).not_to_contain_text("Works")
    expect_no_exception(page)

    # the visitor's reload of the same address: refused, and nothing of the scenario is drawn
    visitor.reload()
    expect(visitor.get_by_text(WITHDRAWN)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(visitor.get_by_role("button", name="Sign in")).to_be_visible()
    idle(visitor)
    for absent in (CHART, '[data-testid="stMetric"]', '[data-testid="stSidebar"]'):
        expect(visitor.locator(absent)).to_have_count(0)
    expect(visitor.get_by_text(NAME)).to_have_count(0)
    expect_no_exception(visitor)

    # and a new visit with the link, from another browser: refused the same way
    stranger = new_context().new_page()
    stranger.goto(link)
    expect(stranger.get_by_text(WITHDRAWN)).to_be_visible(timeout=LOAD_TIMEOUT)
    idle(stranger)
    expect(stranger.locator(CHART)).to_have_count(0)
    expect(stranger.get_by_text(NAME)).to_have_count(0)
