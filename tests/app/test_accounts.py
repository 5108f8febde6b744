"""Accounts through AppTest (SECURITY.md, "Accounts"): the gate in app.py, first run, sign-in
through the database throttle, sessions with limits, sign-out, roles and private scenarios.

Each test gets its own SQLite file (tests/app/conftest.py) and switches accounts on for its
own sessions (tests otherwise run single-user). The browser side (the cookie, reload, a
forged cookie, a freshly started server) is in tests/e2e/test_accounts.py.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from calculators.scenario import Scenario
from components.accounts.sign_in import NOTICE_KEY, TOKEN_KEY
from components.saved.store import SIGNED_IN_KEY
from storage import ALL_SIGNED_IN, LOGIN_FAILED, AccountStore, ScenarioState, StorageUnavailable, open_store
from storage.scenarios import VIEWER_MESSAGE
from tests.app.helpers import APP, PAGES, session

PASSWORD = "correct horse battery"
SCENARIOS = "pages/scenarios.py"


pytestmark = pytest.mark.usefixtures("accounts_on")


def _accounts(clock=None) -> AccountStore:  # type: ignore[no-untyped-def]
    engine = open_store().engine
    return (
        AccountStore(engine, bcrypt_rounds=4)
        if clock is None
        else AccountStore(engine, clock, bcrypt_rounds=4)
    )


def _people() -> AccountStore:
    accounts = _accounts()
    accounts.create_first_admin("ada", "Ada Lovelace", PASSWORD)
    accounts.create_user("bob", "Bob Editor", PASSWORD, "editor")
    accounts.create_user("vic", "Vic Viewer", PASSWORD, "viewer")
    return accounts


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def _shows_only_the_sign_in_form(at: AppTest) -> bool:
    return (
        not at.exception
        and [t.value for t in at.title] == ["Training ROI Studio"]
        and [b.label for b in at.button] == ["Sign in"]
        and not at.sidebar.slider
        and not at.metric
    )


def _texts(at: AppTest) -> str:
    kinds = ("success", "error", "warning", "info", "markdown", "caption")
    return " ".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_first_run_creates_the_administrator_and_signs_them_in():
    at = session()
    assert not at.exception and [t.value for t in at.title] == ["Set up Training ROI Studio"]
    assert not _accounts().has_users(), "no account, no default password, before the form"
    at.text_input(key="setup_username").input("Ada")
    at.text_input(key="setup_name").input("Ada Lovelace")
    at.text_input(key="setup_password").input(PASSWORD)
    at.text_input(key="setup_repeat").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Executive summary"
    assert "Signed in as Ada Lovelace" in [c.value for c in at.sidebar.caption]
    user = _accounts().get_user("ada")
    assert user is not None and user.is_admin
    assert _accounts().check_login("ada", PASSWORD).ok


def test_the_first_run_form_refuses_mismatched_or_short_passwords():
    at = session()
    at.text_input(key="setup_username").input("ada")
    at.text_input(key="setup_name").input("Ada")
    at.text_input(key="setup_password").input(PASSWORD)
    at.text_input(key="setup_repeat").input(PASSWORD + "x")
    at.button[0].click().run()
    assert "differ" in at.error[0].value and not _accounts().has_users()
    at.text_input(key="setup_password").input("short")
    at.text_input(key="setup_repeat").input("short")
    at.button[0].click().run()
    assert "at least 12 characters" in at.error[0].value and not _accounts().has_users()


@pytest.mark.parametrize("page", [*PAGES, "pages/account.py", "pages/users.py"])
def test_without_signing_in_no_page_is_registered_only_the_sign_in_form(page):
    _people()
    at = session()
    assert _shows_only_the_sign_in_form(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)  # AppTest knows only the registered pages: every address is the form


def test_signing_in_opens_the_dashboard_and_a_wrong_password_gets_the_one_message():
    _people()
    at = _sign_in(session(), "bob", "wrong password!!")
    assert _shows_only_the_sign_in_form(at) and [e.value for e in at.error] == [LOGIN_FAILED]
    assert at.text_input(key="sign_in_password").value == "", "the password is not kept"
    unknown = _sign_in(session(), "nobody", "wrong password!!")
    assert [e.value for e in unknown.error] == [LOGIN_FAILED], "same message for an unknown user"
    _sign_in(at, "BOB", PASSWORD)
    assert not at.exception and at.title[0].value == "Executive summary"
    assert at.session_state["username"] == "bob" and at.session_state["roles"] == ["editor"]


def test_five_failures_lock_the_username_across_sessions_and_a_right_password_then_fails():
    _people()
    first, second = session(), session()
    for _ in range(3):
        _sign_in(first, "bob", "wrong password!!")
    for _ in range(2):
        _sign_in(second, "bob", "wrong password!!")
    _sign_in(first, "bob", PASSWORD)
    assert _shows_only_the_sign_in_form(first) and [e.value for e in first.error] == [LOGIN_FAILED]
    other = _sign_in(session(), "ada", PASSWORD)
    assert other.title[0].value == "Executive summary", "the lock is per username"


def test_an_80_byte_password_gets_a_message_not_an_exception():
    _people()
    at = _sign_in(session(), "bob", "ö" * 40)
    assert not at.exception and "at most 72 bytes" in at.error[0].value


def test_signing_out_revokes_the_session_so_its_token_is_worthless():
    _people()
    at = _sign_in(session(), "bob", PASSWORD)
    token = at.session_state[TOKEN_KEY]
    assert _accounts().check_session(token) is not None
    at.sidebar.button(key="sidebar_sign_out").click().run()
    assert _shows_only_the_sign_in_form(at) and "signed out" in at.success[0].value
    assert _accounts().check_session(token) is None
    assert _shows_only_the_sign_in_form(session(token)), "replaying the token after sign-out"


@pytest.mark.parametrize(
    ("issued_ago", "why"),
    [(timedelta(hours=12, minutes=1), "absolute limit"), (timedelta(minutes=31), "idle limit")],
)
def test_sessions_end_at_their_limits(issued_ago, why):
    _people()
    token = _accounts(clock=lambda: datetime.now(UTC) - issued_ago).start_session("bob")
    at = session(token)
    assert _shows_only_the_sign_in_form(at), why
    assert "time limit" in at.info[0].value
    fresh = _accounts(clock=lambda: datetime.now(UTC) - timedelta(minutes=29)).start_session("bob")
    assert session(fresh).title[0].value == "Executive summary"


def test_a_live_session_ends_on_its_next_rerun_when_revoked_elsewhere():
    accounts = _people()
    at = session(accounts.start_session("bob"))
    assert at.title[0].value == "Executive summary"
    accounts.disable_user("bob", by="ada")
    at.run()
    assert _shows_only_the_sign_in_form(at) and NOTICE_KEY in at.session_state


def test_changing_the_password_keeps_this_session_and_ends_the_others():
    accounts = _people()
    elsewhere = accounts.start_session("bob")
    at = session(accounts.start_session("bob"))
    at.switch_page("pages/account.py").run()
    at.text_input(key="account_current").input(PASSWORD)
    at.text_input(key="account_new").input("a brand new passphrase")
    at.text_input(key="account_repeat").input("a brand new passphrase")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert not at.exception and "1 other session signed out" in at.success[0].value
    assert at.title[0].value == "Your account"
    assert accounts.check_session(elsewhere) is None
    assert accounts.check_login("bob", "a brand new passphrase").ok


def test_only_administrators_get_the_users_page_and_it_adds_users():
    accounts = _people()
    editor = session(accounts.start_session("bob"))
    editor.switch_page("pages/account.py").run()
    assert editor.title[0].value == "Your account"
    editor.switch_page("pages/users.py").run()  # its address, typed: not in the menu, and says why
    assert editor.title[0].value == "Users" and "Only administrators" in editor.info[0].value
    assert not editor.dataframe and not [t for t in editor.text_input if t.key == "users_new_username"]
    admin = session(accounts.start_session("ada"))
    admin.switch_page("pages/users.py").run()
    assert admin.title[0].value == "Users"
    assert admin.dataframe[0].value["Username"].tolist() == ["ada", "bob", "vic"]
    admin.text_input(key="users_new_username").input("cyd")
    admin.text_input(key="users_new_name").input("<img src=x onerror=alert(1)>")
    admin.selectbox(key="users_new_role").set_value("viewer")
    admin.text_input(key="users_new_password").input(PASSWORD)
    admin.button(key="FormSubmitter:users_new-Add user").click().run()
    assert not admin.exception and 'Created \\"cyd\\"' in admin.success[0].value
    created = accounts.get_user("cyd")
    assert created is not None and created.role.value == "viewer"


def test_another_users_private_scenario_is_not_found_and_never_listed():
    accounts = _people()
    store = open_store()
    private = store.save_new("ada", "Ada's secret plan", ScenarioState(Scenario(learners=4321)))
    bob = session(accounts.start_session("bob"), {"s": private.id})
    assert not bob.exception
    assert "No saved scenario was found" in _texts(bob)
    assert bob.session_state["scenario"].learners != 4321
    bob.switch_page(SCENARIOS).run()
    assert "secret plan" not in _texts(bob)
    assert "No saved scenarios yet" in _texts(bob)
    assert all("secret" not in d.value.to_string() for d in bob.dataframe)
    assert all("secret" not in o for o in bob.multiselect[0].options)


def test_a_viewer_opens_what_is_shared_with_them_and_cannot_save():
    accounts = _people()
    store = open_store()
    shared = store.save_new("ada", "Team plan", ScenarioState(Scenario(learners=2222)))
    store.share("ada", shared.id, ["vic"])
    store.save_new("bob", "Bob's own", ScenarioState(Scenario()))
    store.share("ada", store.save_new("ada", "For everyone", ScenarioState(Scenario())).id, ALL_SIGNED_IN)
    vic = session(accounts.start_session("vic"))
    vic.switch_page(SCENARIOS).run()
    assert not vic.exception
    assert VIEWER_MESSAGE in [i.value for i in vic.info]
    assert not [t for t in vic.text_input if t.key == "saved_new_name"], "no save form for a viewer"
    table = vic.dataframe[0].value
    assert sorted(table["Name"]) == ["For everyone", "Team plan"]
    assert set(table["Owner"]) == {"Ada Lovelace"}
    vic.selectbox(key="saved_chosen").set_value(shared.id).run()
    assert [b.label for b in vic.button if b.key and b.key.startswith("saved_")] == ["Open"]
    vic.button(key="saved_open").click().run()
    assert vic.session_state["scenario"].learners == 2222
    # issue 25, 8: the item under the list agrees with the account's message (no copy for a viewer)
    words = _texts(vic)
    assert "open and copy" not in words and "you can open it (your account cannot copy it)" in words


def test_a_viewer_at_the_users_address_is_told_why():
    """Issue 25, 8: a viewer who opens /users is not sent to the summary without a word."""
    accounts = _people()
    vic = session(accounts.start_session("vic"))
    vic.switch_page("pages/users.py").run()
    assert not vic.exception and vic.title[0].value == "Users"
    assert "Only administrators can manage users" in vic.info[0].value
    assert not vic.dataframe


def test_an_editor_shares_a_scenario_with_a_named_user():
    accounts = _people()
    store = open_store()
    saved = store.save_new("bob", "Bob's plan", ScenarioState(Scenario(learners=3333)))
    bob = session(accounts.start_session("bob"))
    bob.switch_page(SCENARIOS).run()
    bob.multiselect(key=f"saved_share_people_{saved.id}").set_value(["vic"])
    bob.button(key="saved_share").click().run()
    assert not bob.exception and "shared with 1 person" in bob.success[0].value
    assert store.shared_with("bob", saved.id) == ("vic",)
    assert [s.name for s in store.list_visible("vic")] == ["Bob's plan"]


def test_a_hostile_display_name_is_shown_as_text():
    accounts = _people()
    accounts.create_user(
        "eve", "[click](https://evil.example) <img src=x onerror=alert(1)>", PASSWORD, "editor"
    )
    at = session(accounts.start_session("eve"))
    caption = next(c.value for c in at.sidebar.caption if "Signed in as" in c.value)
    assert "\\[click\\]" in caption and "\\<img" in caption


@pytest.mark.parametrize(
    ("key", "says"), [("some_key", "published default"), ("0123456789", "too short (10 bytes")]
)
def test_an_unsafe_cookie_key_shows_only_how_to_fix_it(monkeypatch, key, says):
    monkeypatch.setenv("TRAINING_ROI_COOKIE_KEY", key)
    at = session()
    assert not at.exception and [t.value for t in at.title] == ["Training ROI Studio needs one setting"]
    assert says in at.error[0].value and "TRAINING_ROI_COOKIE_KEY" in at.error[0].value
    assert not at.text_input and not at.sidebar.slider


def test_single_user_mode_refuses_a_server_listening_on_every_interface(monkeypatch):
    monkeypatch.setenv("TRAINING_ROI_SINGLE_USER", "1")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = session()
    finally:
        config.set_option("server.address", "127.0.0.1")
    assert not at.exception and "only on this computer" in at.error[0].value and not at.sidebar.slider


# --- client links: signed, expiring, read-only ------------------------------------------------


def _client_link(scenario_id: str, owner: str, days: int = 14, key: str | None = None, now=None) -> str:  # type: ignore[no-untyped-def]
    """A client link issued by `owner` (a record, as the Scenarios page makes it) at `now`; for a
    scenario that is not the owner's, a token no record backs (forged, but for the key)."""
    import os

    from components.saved.client_links import client_token
    from storage import ClientLinkRecord, ClientLinkStore, NotFound
    from storage.client_links import new_link_id

    engine = open_store().engine
    links = ClientLinkStore(engine) if now is None else ClientLinkStore(engine, lambda: now)
    try:
        record = links.issue(owner, scenario_id, days)
    except NotFound:
        issued = now or datetime.now(UTC)
        record = ClientLinkRecord(
            new_link_id(), scenario_id, "", owner, None, issued, issued + timedelta(days=days)
        )
    return client_token(record, key or os.environ["TRAINING_ROI_COOKIE_KEY"])


def test_a_client_link_shows_its_scenario_read_only_without_an_account():
    _people()
    store = open_store()
    saved = store.save_new("ada", "Client plan", ScenarioState(Scenario(learners=3210)))
    store.save_new("ada", "Ada's other plan", ScenarioState(Scenario(learners=111)))
    at = session(query={"t": _client_link(saved.id, "ada")})
    assert not at.exception and at.title[0].value == "Executive summary"
    assert at.session_state["scenario"].learners == 3210
    assert any("Client view of Client plan" in c.value for c in at.sidebar.caption)
    assert at.query_params["t"], "the address bar keeps the link, so a reload works"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/account.py")
    at.switch_page(SCENARIOS).run()
    assert not at.exception and "Nothing can be saved here" in at.info[0].value
    assert not [t for t in at.text_input if t.key == "saved_new_name"]
    assert "Ada's other plan" not in _texts(at) and all(
        o in ("Your scenario", "Default scenario") for o in at.multiselect[0].options
    )


def test_a_client_link_opens_no_other_saved_scenario():
    _people()
    store = open_store()
    saved = store.save_new("ada", "Client plan", ScenarioState(Scenario(learners=3210)))
    other = store.save_new("ada", "Private", ScenarioState(Scenario(learners=111)))
    store.share("ada", other.id, ALL_SIGNED_IN)  # even one shared with every signed-in user
    at = session(query={"t": _client_link(saved.id, "ada"), "s": other.id})
    assert at.session_state["scenario"].learners != 111
    assert "No saved scenario was found" in _texts(at)


def test_a_client_link_reloads_cleanly_on_another_page():
    """Issue 25, 7: open a client link, go to Sensitivity, reload (or open that address from a
    bookmark): the token is the app's own parameter, never "Ignored 't': not an input"."""
    _people()
    saved = open_store().save_new("ada", "Client plan", ScenarioState(Scenario(learners=3210)))
    at = session(query={"t": _client_link(saved.id, "ada")})
    at.switch_page("pages/sensitivity.py").run()
    link = dict(at.query_params)
    assert link["t"] and link["learners"] == "3210"
    reloaded = AppTest.from_file(APP, default_timeout=60)
    for key, value in link.items():
        reloaded.query_params[key] = value
    reloaded.switch_page("pages/sensitivity.py").run()
    assert not reloaded.exception and reloaded.title[0].value == "Sensitivity"
    assert "Ignored" not in _texts(reloaded) and not reloaded.warning, _texts(reloaded)
    assert reloaded.session_state["scenario"].learners == 3210
    assert reloaded.query_params["t"] == link["t"]


def test_every_parameter_of_the_app_is_ignored_by_the_scenario_reader():
    """The scenario reader skips the app's own address parameters (`APP_PARAMS`, kept on a lower
    floor than the modules that own them): each of them, named where it is used, is there."""
    from calculators.codec import scenario_from_query
    from components.saved.client_links import PARAM as CLIENT
    from components.saved.store import SHORT_PARAM
    from components.session import presenting, ranges
    from components.session.guard import TARGET_PARAM
    from components.session.scenario import APP_PARAMS

    owned = {CLIENT, SHORT_PARAM, TARGET_PARAM, presenting.PARAM, ranges.PARAM}
    assert owned <= APP_PARAMS
    _, problems = scenario_from_query({p: "x" for p in owned}, ignore=APP_PARAMS)
    assert not problems


@pytest.mark.parametrize("spoil", ["tampered", "other-key", "expired", "deleted", "not-the-owner"])
def test_a_spoiled_client_link_gets_a_message_and_the_sign_in_form(spoil):
    _people()
    store = open_store()
    saved = store.save_new("ada", "Client plan", ScenarioState(Scenario(learners=3210)))
    token = {
        "tampered": _client_link(saved.id, "ada")[:-3] + "AAA",
        "other-key": _client_link(saved.id, "ada", key=secrets.token_urlsafe(48)),
        "expired": _client_link(saved.id, "ada", days=1, now=datetime.now(UTC) - timedelta(days=2)),
        "deleted": _client_link(saved.id, "ada"),
        "not-the-owner": _client_link(saved.id, "bob"),
    }[spoil]
    if spoil == "deleted":
        store.delete("ada", saved.id)
    at = session(query={"t": token})
    assert _shows_only_the_sign_in_form(at)
    expected = {
        "expired": "expired on",
        "deleted": "No saved scenario was found",
        "not-the-owner": "No saved scenario",
    }
    assert expected.get(spoil, "not valid") in at.error[0].value
    assert "t" not in at.query_params


def test_an_editor_makes_a_client_link_for_their_scenario():
    import os

    from components.saved.client_links import read_client_token

    accounts = _people()
    saved = open_store().save_new("bob", "Bob's plan", ScenarioState(Scenario(learners=3333)))
    bob = session(accounts.start_session("bob"))
    bob.switch_page(SCENARIOS).run()
    bob.number_input(key=f"saved_client_days_{saved.id}").set_value(30)
    bob.button(key="saved_client_link").click().run()
    link = next(c.value for c in bob.code if "?t=" in c.value)
    link_token = link.split("?t=")[1]
    granted = read_client_token(link_token, os.environ["TRAINING_ROI_COOKIE_KEY"])
    assert granted.scenario_id == saved.id and granted.owner == "bob"
    assert timedelta(days=29) < granted.expires_at - datetime.now(UTC) <= timedelta(days=30)
    guest = session(query={"t": link_token})
    assert guest.session_state["scenario"].learners == 3333


def test_several_replicas_on_a_sqlite_file_are_refused_on_the_first_request(monkeypatch):
    """SECURITY.md: SQLite serves one host; the app says so before anything else renders."""
    monkeypatch.setenv("TRAINING_ROI_REPLICAS", "2")
    at = session()
    assert not at.exception and [t.value for t in at.title] == ["Training ROI Studio needs one setting"]
    assert "TRAINING_ROI_REPLICAS is 2" in at.error[0].value and "PostgreSQL" in at.error[0].value
    assert not at.text_input and not at.sidebar.slider


def test_a_database_outage_keeps_a_verified_session_working_and_says_so(monkeypatch):
    """PostgreSQL restarting: a tab whose session was verified keeps its page (within the
    session's limits) with a warning; a new visitor gets the database message, not a page."""
    accounts = _people()
    at = session(accounts.start_session("bob"))
    working = AccountStore.check_session

    def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageUnavailable("The database could not be reached. Try again in a moment.")

    monkeypatch.setattr(AccountStore, "check_session", unreachable)
    at.sidebar.text_input(key="sb_learners_typed").input("2000").run()
    assert not at.exception and at.title[0].value == "Executive summary"
    assert "cannot be reached just now" in at.sidebar.warning[0].value
    assert at.session_state["scenario"].learners == 2000 and at.metric
    newcomer = session(accounts.start_session("ada"))
    assert not newcomer.exception and not newcomer.sidebar.slider
    assert "could not be reached" in newcomer.error[0].value
    monkeypatch.setattr(AccountStore, "check_session", working)
    at.run()
    assert not at.sidebar.warning and at.session_state["scenario"].learners == 2000


def test_a_database_outage_does_not_outlast_the_sessions_idle_limit(monkeypatch):
    accounts = _people()
    late = AccountStore(
        open_store().engine, lambda: datetime.now(UTC) - timedelta(minutes=31), bcrypt_rounds=4
    )
    at = session(accounts.start_session("bob"))
    # the tab's verified session was last seen 31 minutes ago: its idle limit has passed
    at.session_state[SIGNED_IN_KEY] = late.check_session(late.start_session("bob"))

    def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageUnavailable("down")

    monkeypatch.setattr(AccountStore, "check_session", unreachable)
    at.run()
    assert not at.exception and not at.sidebar.slider and "down" in at.error[0].value


# --- issue 26: nobody starves the others, locks anyone out or keeps a link past its reason ---------


def _counting_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    real = AccountStore.check_login

    def check(self, username, password, *, client=None):  # type: ignore[no-untyped-def]
        checked.append(username)
        return real(self, username, password, client=client)

    monkeypatch.setattr(AccountStore, "check_login", check)
    return checked


def test_one_connection_gets_five_tries_a_minute_then_a_wait_without_a_password_check(monkeypatch):
    _people()
    checked = _counting_checks(monkeypatch)
    at = session()
    for _ in range(6):
        _sign_in(at, "nobody", "wrong password!!")
    assert len(checked) == 5, "the sixth try never reaches the password check"
    assert "Too many sign-in tries from here" in at.error[0].value and not at.exception


def test_many_connections_from_one_address_share_ten_tries_a_minute(monkeypatch):
    _people()
    checked = _counting_checks(monkeypatch)
    sessions = [_sign_in(session(), f"user{i}", "wrong password!!") for i in range(11)]
    assert len(checked) == 10
    assert "Too many sign-in tries from here" in sessions[-1].error[0].value


def _connections_from(monkeypatch: pytest.MonkeyPatch, peer: str | None) -> list[str]:
    """Every AppTest session connects from `peer` (Streamlit's None is loopback) with the
    X-Forwarded-For header last put in the returned list."""
    from streamlit.runtime.context import ContextProxy

    forwarded: list[str] = []
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: peer))
    monkeypatch.setattr(
        ContextProxy,
        "headers",
        property(lambda self: {"X-Forwarded-For": forwarded[-1]} if forwarded else {}),
    )
    return forwarded


def _tries_from_eleven_forwarded_addresses(monkeypatch, peer):  # type: ignore[no-untyped-def]
    _people()
    checked = _counting_checks(monkeypatch)
    forwarded = _connections_from(monkeypatch, peer)
    sessions = []
    for i in range(11):
        forwarded.append(f"198.51.100.{i}, 203.0.113.{i}")  # a claim, then the proxy's own
        sessions.append(_sign_in(session(), f"user{i}", "wrong password!!"))
    return checked, sessions


def test_a_private_peer_s_forwarded_address_is_ignored_unless_trusted(monkeypatch):
    monkeypatch.delenv("TRAINING_ROI_TRUSTED_PROXIES", raising=False)
    checked, sessions = _tries_from_eleven_forwarded_addresses(monkeypatch, "172.18.0.5")
    assert len(checked) == 10, "X-Forwarded-For from an untrusted peer is the peer's own claim"
    assert "Too many sign-in tries from here" in sessions[-1].error[0].value


@pytest.mark.parametrize("peer", ["172.18.0.5", None], ids=["compose-nginx", "loopback-nginx"])
def test_a_trusted_proxy_s_forwarded_address_is_each_client_s_own(monkeypatch, peer):
    monkeypatch.setenv("TRAINING_ROI_TRUSTED_PROXIES", "127.0.0.1,172.16.0.0/12")
    clients: list[str | None] = []
    real = AccountStore.check_login

    def check(self, username, password, *, client=None):  # type: ignore[no-untyped-def]
        clients.append(client)
        return real(self, username, password, client=client)

    monkeypatch.setattr(AccountStore, "check_login", check)
    _tries_from_eleven_forwarded_addresses(monkeypatch, peer)
    assert clients == [f"203.0.113.{i}" for i in range(11)], "the address nginx added, one each"


def test_a_busy_password_checker_says_so_instead_of_queueing_every_try(monkeypatch):
    from components.accounts import sign_in
    from components.hosting.limits import PASSWORD_CHECKS

    _people()
    monkeypatch.setattr(sign_in, "PASSWORD_CHECK_WAIT", 0.05)
    assert PASSWORD_CHECKS.acquire(timeout=1)
    try:
        at = _sign_in(session(), "bob", PASSWORD)
    finally:
        PASSWORD_CHECKS.release()
    assert "busy checking other sign-ins" in at.error[0].value and _shows_only_the_sign_in_form(at)
    assert _sign_in(at, "bob", PASSWORD).title[0].value == "Executive summary", "free again: it signs in"


def test_an_administrator_sees_a_paused_user_and_lifts_the_pause():
    accounts = _people()
    for _ in range(5):
        accounts.check_login("bob", "wrong password!!", client="198.51.100.9")
    assert accounts.sign_in_status("bob").paused
    at = _sign_in(session(), "ada", PASSWORD)
    at.switch_page("pages/users.py").run()
    assert "Sign-in paused" in at.dataframe[0].value["Status"].tolist()
    at.selectbox(key="users_chosen").select("bob").run()
    at.button(key="users_unlock").click().run()
    assert not at.exception and "lifted" in at.success[0].value
    assert not accounts.sign_in_status("bob").paused


@pytest.mark.parametrize("change", ["demoted", "disabled"])
def test_a_client_link_ends_when_its_owner_loses_access(change):
    accounts = _people()
    saved = open_store().save_new("bob", "Bob's client plan", ScenarioState(Scenario(learners=4321)))
    link = _client_link(saved.id, "bob")
    held = session(query={"t": link})
    assert held.session_state["scenario"].learners == 4321, "valid while bob may share"
    if change == "demoted":
        accounts.set_role("bob", "viewer", by="ada")
    else:
        accounts.disable_user("bob", by="ada")
    held.run()
    assert _shows_only_the_sign_in_form(held) and "no longer valid" in held.error[0].value
    fresh = session(query={"t": link})
    assert _shows_only_the_sign_in_form(fresh) and "no longer valid" in fresh.error[0].value


def test_single_user_mode_refuses_allowed_hosts_naming_another_computer(monkeypatch):
    monkeypatch.setenv("TRAINING_ROI_SINGLE_USER", "1")
    before = config.get_option("server.allowedHosts")
    config.set_option("server.allowedHosts", ["roi.example.com"])
    try:
        at = session()
    finally:
        config.set_option("server.allowedHosts", before)
    assert not at.exception and "answers only on this computer" in at.error[0].value and not at.sidebar.slider


def test_the_owner_withdraws_a_scenarios_client_links_and_a_new_link_works():
    """Bob's link works; Bob presses "Withdraw client links" on the Scenarios page: a visitor
    already holding the link and a fresh open of it are refused with the message, a link to his
    other scenario still works, and a link he makes afterwards works."""
    accounts = _people()
    store = open_store()
    saved = store.save_new("bob", "Bob's client plan", ScenarioState(Scenario(learners=4321)))
    other = store.save_new("bob", "Bob's other plan", ScenarioState(Scenario(learners=1234)))
    link, other_link = _client_link(saved.id, "bob"), _client_link(other.id, "bob")
    held = session(query={"t": link})
    held_other = session(query={"t": other_link})
    assert held.session_state["scenario"].learners == 4321, "valid until withdrawn"

    bob = session(accounts.start_session("bob"))
    bob.switch_page(SCENARIOS).run()
    bob.selectbox(key="saved_chosen").select(saved.id).run()
    assert any("Links made before now stop working" in c.value for c in bob.caption)
    bob.button(key="saved_withdraw_client_links").click().run()
    assert not bob.exception and "no longer work" in bob.success[0].value
    assert store.client_links_since("bob", saved.id) is not None

    withdrawn = "This client link was withdrawn by its owner. Ask them for a new one."
    held.run()
    assert _shows_only_the_sign_in_form(held) and held.error[0].value == withdrawn
    fresh = session(query={"t": link})
    assert _shows_only_the_sign_in_form(fresh) and fresh.error[0].value == withdrawn
    held_other.run()
    assert held_other.session_state["scenario"].learners == 1234, "another scenario's link still works"

    bob.button(key="saved_client_link").click().run()
    new_link = next(c.value for c in bob.code if "?t=" in c.value).split("?t=")[1]
    again = session(query={"t": new_link})
    assert not again.exception and again.session_state["scenario"].learners == 4321
    assert any("Client view of Bob's client plan" in c.value for c in again.sidebar.caption)


def test_a_held_client_link_ends_when_its_scenario_is_deleted():
    _people()
    store = open_store()
    saved = store.save_new("bob", "Bob's client plan", ScenarioState(Scenario(learners=4321)))
    held = session(query={"t": _client_link(saved.id, "bob")})
    assert held.session_state["scenario"].learners == 4321
    store.delete("bob", saved.id)
    held.run()
    assert _shows_only_the_sign_in_form(held) and "No saved scenario was found" in held.error[0].value
