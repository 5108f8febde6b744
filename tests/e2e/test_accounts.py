"""Accounts in a real browser (SECURITY.md, "Accounts"): first-run setup, sign-in, the cookie
across reloads, sign-out that a copied cookie cannot undo, forged cookies, a viewer who cannot
edit, and every page address on a freshly started server showing only the sign-in form.

Servers here run with accounts on (tests otherwise run single-user) and their own database.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import jwt
import pytest

from storage import AccountStore, ScenarioState, open_store
from storage.database import create_engine_for
from storage.migrations import upgrade
from tests.e2e.helpers import (
    LOAD_TIMEOUT,
    TIMEOUT,
    Page,
    expect,
    expect_no_exception,
    streamlit_server,
    wait_for_cookie,
)

pytestmark = pytest.mark.browser

KEY = secrets.token_urlsafe(48)
PASSWORD = "correct horse battery"
COOKIE = "training_roi_session"
PAGE_PATHS = [
    "/", "/executive_summary", "/costs", "/roi", "/retention", "/blend", "/sensitivity", "/monte_carlo",
    "/goal_seek", "/decision", "/pilot", "/scenarios", "/sources", "/case_studies", "/account", "/users",
]  # fmt: skip

# Records every level-1 heading that ever appears: none but the sign-in form's may.
WATCH_HEADINGS = """
window.__headings = [];
new MutationObserver(() => {
  for (const h1 of document.querySelectorAll("h1")) {
    const text = h1.textContent.trim();
    if (text && !window.__headings.includes(text)) window.__headings.push(text);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def _env(database: Path) -> dict[str, str]:
    return {
        "TRAINING_ROI_SINGLE_USER": "0",
        "TRAINING_ROI_COOKIE_KEY": KEY,
        "TRAINING_ROI_DATABASE_URL": f"sqlite:///{database}",
    }


def _with_people(database: Path) -> AccountStore:
    engine = create_engine_for(f"sqlite:///{database}")
    upgrade(engine)
    accounts = AccountStore(engine, bcrypt_rounds=4)
    accounts.create_first_admin("ada", "Ada Lovelace", PASSWORD)
    accounts.create_user("vic", "Vic Viewer", PASSWORD, "viewer")
    return accounts


@pytest.fixture(scope="module")
def accounts_server() -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="roi-accounts-") as folder:
        database = Path(folder) / "accounts.sqlite3"
        _with_people(database).engine.dispose()
        with streamlit_server(**_env(database)) as url:
            yield url, database


def _sign_in_form(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Training ROI Studio")


def _sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    _sign_in_form(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _signed_in_as(page: Page, name: str) -> None:
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=LOAD_TIMEOUT)


def _session_cookie(context: Any) -> dict[str, Any]:
    return wait_for_cookie(context, COOKIE)


def test_first_run_creates_the_administrator_who_lands_on_the_asked_page(page: Page) -> None:
    with tempfile.TemporaryDirectory(prefix="roi-first-run-") as folder:
        with streamlit_server(**_env(Path(folder) / "empty.sqlite3")) as url:
            page.goto(url + "/costs")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Set up Training ROI Studio", timeout=LOAD_TIMEOUT
            )
            page.get_by_role("textbox", name="Username").fill("Ada")
            page.get_by_role("textbox", name="Your name (shown on screen)").fill("Ada Lovelace")
            page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
            page.get_by_role("textbox", name="Password again").fill(PASSWORD)
            page.get_by_role("button", name="Create administrator and sign in").click()
            _signed_in_as(page, "Ada Lovelace")
            expect(page.get_by_role("heading", level=1)).to_have_text("Costs & break-even", timeout=TIMEOUT)
            expect_no_exception(page)


def test_the_cookie_keeps_a_reload_signed_in_and_sign_out_makes_a_copy_of_it_useless(
    page: Page, accounts_server: tuple[str, Path], new_context: Any
) -> None:
    url, _ = accounts_server
    page.goto(url + "/")
    _sign_in(page, "ada")
    _signed_in_as(page, "Ada Lovelace")
    cookie = _session_cookie(page.context)
    assert cookie["sameSite"] == "Strict"
    # the cookie component's reruns come after the page is drawn: no widget falls out of step
    expect(page.locator(".st-key-sb_learners_typed input")).to_have_value("1,000")
    expect(page.locator(".st-key-sb_learners").get_by_role("slider")).to_have_attribute(
        "aria-valuetext", "1,000"
    )
    page.reload()
    _signed_in_as(page, "Ada Lovelace")
    expect(page.get_by_role("heading", level=1)).to_have_text("Executive summary")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible(timeout=TIMEOUT)
    page.reload()
    _sign_in_form(page)

    thief = new_context()
    thief.add_cookies([{"name": COOKIE, "value": cookie["value"], "url": url}])
    other = thief.new_page()
    other.goto(url + "/")
    _sign_in_form(other)
    expect(other.get_by_text("Signed in as")).to_have_count(0)


def _cookie_gone(context: Any, name: str = COOKIE) -> bool:
    """Whether the browser stops holding the cookie `name` within TIMEOUT (the component that
    deletes it runs in the page a moment after sign-out)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        if not [c for c in context.cookies() if c["name"] == name]:
            return True
        time.sleep(0.2)
    return False


def test_sign_out_deletes_the_cookie_from_the_browser(page: Page, accounts_server: tuple[str, Path]) -> None:
    """Issue 26, item 8: signing out revoked the session but left the cookie in the browser.
    After sign-out the browser holds no sign-in cookie, and a reload shows the sign-in form."""
    url, _ = accounts_server
    page.goto(url + "/")
    _sign_in(page, "ada")
    _signed_in_as(page, "Ada Lovelace")
    assert _session_cookie(page.context)["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible(timeout=TIMEOUT)
    assert _cookie_gone(page.context), [c["name"] for c in page.context.cookies()]

    page.reload()
    _sign_in_form(page)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=LOAD_TIMEOUT)
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]
    expect_no_exception(page)


@pytest.mark.parametrize(
    "claims_and_key",
    [
        ({"username": "ada", "exp_date": 4e9}, "some_key"),  # the library's default key and format
        ({"username": "ada", "exp_date": 4e9}, KEY),  # the library's format with the right key
        ({"session": "made-up-token", "exp_date": 4e9}, KEY),  # no such session
    ],
    ids=["default-key", "username-only", "unknown-session"],
)
def test_a_forged_cookie_signs_nobody_in(
    accounts_server: tuple[str, Path], new_context: Any, claims_and_key: tuple[dict[str, Any], str]
) -> None:
    url, _ = accounts_server
    claims, key = claims_and_key
    context = new_context()
    context.add_cookies([{"name": COOKIE, "value": jwt.encode(claims, key, algorithm="HS256"), "url": url}])
    page = context.new_page()
    page.goto(url + "/")
    _sign_in_form(page)
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_a_viewer_opens_a_shared_scenario_and_cannot_save(
    page: Page, accounts_server: tuple[str, Path]
) -> None:
    url, database = accounts_server
    store = open_store(f"sqlite:///{database}")
    from calculators.scenario import Scenario

    saved = store.save_new("ada", "Team plan", ScenarioState(Scenario(learners=2222)))
    store.share("ada", saved.id, ["vic"])
    page.goto(url + "/scenarios")
    _sign_in(page, "vic")
    _signed_in_as(page, "Vic Viewer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios", timeout=TIMEOUT)
    expect(page.get_by_text("cannot save, change, copy or share")).to_be_visible()
    expect(page.get_by_role("button", name="Save as new")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    page.locator(".st-key-saved_open button").first.click()
    expect(page.get_by_text('Opened "Team plan"')).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]learners=2222(&|$)"), timeout=TIMEOUT)
    expect_no_exception(page)


def test_every_page_address_on_a_freshly_started_server_shows_only_the_sign_in_form(new_context: Any) -> None:
    """The first request of a new server straight to each address (STACK.md, the pages/ hazard).

    One server per address (a server is "fresh" only until its first run of app.py), all
    started at once to keep the test short; each is stopped and its log checked for
    tracebacks by `streamlit_server`."""
    with tempfile.TemporaryDirectory(prefix="roi-fresh-") as folder, ExitStack() as stack:
        database = Path(folder) / "accounts.sqlite3"
        _with_people(database).engine.dispose()
        servers = [streamlit_server(**_env(database)) for _ in PAGE_PATHS]
        with ThreadPoolExecutor(max_workers=len(servers)) as pool:
            urls = list(pool.map(stack.enter_context, servers))
        for url, path in zip(urls, PAGE_PATHS, strict=True):
            page = new_context().new_page()
            page.add_init_script(WATCH_HEADINGS)
            page.goto(url + path)
            _sign_in_form(page)
            page.wait_for_timeout(300)  # a page that ran alone would have drawn by now
            expect_no_exception(page)
            assert page.evaluate("window.__headings") == ["Training ROI Studio"], path
            expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)
            page.context.close()
