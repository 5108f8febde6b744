"""The production topology without containers (issue 12): PostgreSQL, two app replicas with
accounts, and the deployment's nginx in front, all on loopback and started by
`scripts/topology.py`; Chromium goes through the proxy as a user would.

Needs Debian's nginx and PostgreSQL: required in CI (`.ci/run` installs both), skipped with a
reason elsewhere. Which replica served a request is read from nginx's access log (the test
configuration logs the upstream and the browser's routing cookie).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from components.accounts.sign_in import COOKIE_NAME
from scripts.server import refused as refused_health
from scripts.topology import ADMIN, Topology, nginx_binary, postgres_bin, topology
from storage import create_engine_for
from storage.schema import scenarios
from tests.e2e.helpers import (
    CHART,
    LOAD_TIMEOUT,
    TIMEOUT,
    Page,
    expect,
    expect_no_exception,
    streamlit_server,
    wait_for_cookie,
)

MISSING = [name for name, found in (("nginx", nginx_binary()), ("PostgreSQL", postgres_bin())) if not found]
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"),
    reason=f"needs Debian's {' and '.join(MISSING)} (apt-get install nginx postgresql)",
)


@pytest.fixture(scope="module")
def topo() -> Iterator[Topology]:
    with topology(replicas=2) as started:
        yield started


def _route(context: Any) -> str:
    """The routing cookie nginx gave this browser."""
    return next(c["value"] for c in context.cookies() if c["name"] == "roi_route")


def _on(topo: Topology, new_context: Any, replica: int) -> tuple[Any, Page]:
    """A fresh browser whose routing cookie sends it to `topo.replicas[replica]`."""
    context = new_context()
    host = topo.proxy_url.removeprefix("http://").split(":")[0]
    route = topo.route_to(topo.replicas[replica])
    context.add_cookies([{"name": "roi_route", "value": route, "domain": host, "path": "/"}])
    return context, context.new_page()


def _sign_in(page: Page, url: str, password: str) -> None:
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.get_by_role("textbox", name="Username").fill(ADMIN)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Administrator")).to_be_visible(timeout=LOAD_TIMEOUT)
    wait_for_cookie(page.context, COOKIE_NAME)  # a reload or a new page stays signed in


def _save_as(page: Page, name: str) -> None:
    page.locator(".st-key-saved_new_name input").fill(name)
    page.get_by_role("button", name="Save as new").click()


def _stored(topo: Topology, name: str) -> list[int]:
    """The learner counts of the stored scenarios called `name` (read from PostgreSQL)."""
    engine = create_engine_for(topo.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(scenarios.c.state).where(scenarios.c.name == name)).all()
    finally:
        engine.dispose()
    return [int(re.search(r'"learners":(\d+)', row.state).group(1)) for row in rows]  # type: ignore[union-attr]


def test_a_signed_in_user_stays_on_one_replica_across_reruns_and_pages(
    topo: Topology, new_context: Any
) -> None:
    context = new_context()
    page = context.new_page()
    _sign_in(page, topo.proxy_url + "/?learners=1500", topo.admin_password)
    route = _route(context)
    for path in ("costs", "roi", "scenarios", ""):
        page.goto(f"{topo.proxy_url}/{path}")  # a new websocket each time: a reload, a link
        expect(page.get_by_text("Signed in as Administrator")).to_be_visible(timeout=LOAD_TIMEOUT)
    typed = page.locator('[data-testid="stSidebar"] .st-key-sb_learners_typed input')
    for learners in ("2,000", "2,500", "3,000"):
        typed.fill(learners)
        typed.press("Enter")
        expect(page).to_have_url(re.compile(rf"learners={learners.replace(',', '')}"), timeout=TIMEOUT)
    expect(page.get_by_text("Signed in as Administrator")).to_be_visible()
    expect_no_exception(page)
    mine = [row for row in topo.served_by() if row.route == route]
    assert sum(row.path.startswith("/_stcore/stream") for row in mine) >= 4, "one websocket per page load"
    assert len({row.replica for row in mine}) == 1, f"one browser, one replica: {mine}"


def test_a_scenario_saved_through_one_replica_opens_through_the_other(
    topo: Topology, new_context: Any
) -> None:
    first, on_a = _on(topo, new_context, 0)
    _sign_in(on_a, topo.proxy_url + "/scenarios?learners=2345", topo.admin_password)
    name = f"Via A {secrets.token_hex(3)}"
    _save_as(on_a, name)
    expect(on_a.get_by_text(f'Saved as "{name}".')).to_be_visible(timeout=TIMEOUT)
    link = on_a.locator('[data-testid="stCode"]').filter(has_text="?s=").first.inner_text().strip()
    scenario_id = link.rsplit("?s=", 1)[1]
    second, on_b = _on(topo, new_context, 1)
    _sign_in(on_b, f"{topo.proxy_url}/?s={scenario_id}", topo.admin_password)
    expect(on_b).to_have_url(re.compile(r"[?&]learners=2345(&|$)"), timeout=TIMEOUT)
    expect_no_exception(on_b)
    assert topo.replica_of(_route(first)) == topo.replicas[0].address
    assert topo.replica_of(_route(second)) == topo.replicas[1].address


def test_killing_a_replica_loses_no_save_and_new_sessions_reach_the_other(
    topo: Topology, new_context: Any
) -> None:
    context, page = _on(topo, new_context, 0)
    _sign_in(page, topo.proxy_url + "/scenarios?learners=4321", topo.admin_password)
    name = f"Before the crash {secrets.token_hex(3)}"
    _save_as(page, name)
    expect(page.get_by_text(f'Saved as "{name}".')).to_be_visible(timeout=TIMEOUT)
    topo.replicas[0].kill()
    try:
        assert _stored(topo, name) == [4321], "the acknowledged save is in the database"
        started = time.monotonic()
        newcomer = new_context().new_page()  # no routing cookie yet: any replica
        _sign_in(newcomer, topo.proxy_url + "/scenarios", topo.admin_password)
        reached = time.monotonic() - started
        expect(newcomer.get_by_text(name).first).to_be_attached(timeout=TIMEOUT)  # a table cell
        assert reached < 20, f"a new session reached the other replica in {reached:.1f} s"
        # the browser that was on the dead replica reconnects to the other one, still signed in
        page.reload()
        expect(page.get_by_text("Signed in as Administrator")).to_be_visible(timeout=LOAD_TIMEOUT)
        expect(page.locator(CHART).first).to_be_attached(timeout=LOAD_TIMEOUT)
        assert topo.replica_of(_route(context)) == topo.replicas[1].address
    finally:
        _restart(topo, new_context, 0)


def _restart(topo: Topology, new_context: Any, replica: int) -> None:
    """Start a killed replica again and wait until it serves as before: nginx routes to it again
    (it skips a failed replica for 5 s), and a page has run on it, so its components (the
    sign-in cookie's) are registered. Without this, the next browser could load its page from
    the other replica during the skip and the cookie component's frame from this one after it,
    which does not know the component yet."""
    topo.replicas[replica].start()
    topo.route_to(topo.replicas[replica])
    warm = new_context().new_page()
    warm.goto(topo.replicas[replica].url)
    expect(warm.get_by_role("button", name="Sign in")).to_be_visible(timeout=LOAD_TIMEOUT)
    warm.close()


def test_a_database_restart_fails_saves_with_a_message_then_they_succeed(
    topo: Topology, new_context: Any
) -> None:
    page = new_context().new_page()
    _sign_in(page, topo.proxy_url + "/scenarios?learners=1234", topo.admin_password)
    name = f"Saved around a restart {secrets.token_hex(3)}"
    topo.database.stop()
    try:
        _save_as(page, name)
        expect(page.get_by_text("busy or unreachable; nothing was changed")).to_be_visible(timeout=TIMEOUT)
        page.locator(".st-key-sb_learners_typed input").fill("1,250")  # the analysis goes on
        page.locator(".st-key-sb_learners_typed input").press("Enter")
        expect(page.get_by_text("cannot be reached just now")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_text("Signed in as Administrator")).to_be_visible()
    finally:
        topo.database.start()
    page.get_by_role("button", name="Save as new").click()  # the name is still in its box
    expect(page.get_by_text(f'Saved as "{name}".')).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("cannot be reached just now")).to_have_count(0, timeout=TIMEOUT)
    expect_no_exception(page)
    assert _stored(topo, name) == [1250], "saved once, after the outage, with what was on screen"


def test_several_replicas_on_a_sqlite_file_are_refused_with_a_message(page: Page) -> None:
    refused = {
        "TRAINING_ROI_REPLICAS": "2",
        "TRAINING_ROI_SINGLE_USER": "0",
        "TRAINING_ROI_COOKIE_KEY": secrets.token_urlsafe(48),
    }
    with streamlit_server(refused_ok=True, **refused) as url:
        assert refused_health(url + "/_stcore/health"), "a load balancer must not send users here"
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Training ROI Studio needs one setting", timeout=LOAD_TIMEOUT
        )
        expect(page.get_by_text("TRAINING_ROI_REPLICAS is 2")).to_be_visible()
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
