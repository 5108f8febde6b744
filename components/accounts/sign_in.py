"""Sign-in for hosted use: streamlit-authenticator, wrapped so that its unsafe parts are never used.

The one gate is `signed_in_user()` in `app.py`, before any page is registered: without a
live session it registers a single hidden page (the sign-in form, or the first-run form
that creates the administrator) and stops, so no page is reachable by URL without signing
in (SECURITY.md, "Accounts"; pages also guard themselves, components/session/guard.py).

What streamlit-authenticator 0.4.2 does here: one `Authenticate` per run, created by
`authenticator()` from the database's users (bcrypt hashes as a dict, `auto_hash=False`);
its cookie manager writes and deletes the browser cookie; its session-state names
(`authentication_status`, `name`, `username`, `roles`) say who is signed in. What it does
not do (STACK.md, SECURITY.md): its `login()` form (its lockout lives in memory and a
password check there would skip the database throttle) and its cookie sign-in (a JWT with
only a username, valid for days and never revoked). Instead:

- passwords are checked by `AccountStore.check_login` (throttle in the database, a dummy
  check for unknown users, one message for every failure);
- the cookie is an HS256 JWT signed with the deployment's key (components/hosting/deployment.py),
  holding only a random server-side session token (`{"session": token, "exp_date": t}`):
  it has no `username`, so the library's own cookie sign-in can never accept it, and a JWT
  signed with another key (the library's default `some_key`) is ignored;
- every rerun checks the session in the database (`AccountStore.check_session`): 12 hours
  absolute, 30 minutes idle, revoked by signing out, a password change or the
  administrator; a copy of the cookie is worthless after that.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import streamlit as st

from components.hosting.deployment import (
    ConfigurationError,
    Settings,
    check_single_user_address,
    check_single_user_hosts,
    read_settings,
    single_user_host_allowed,
    trusted_proxies,
)
from components.hosting.limits import (
    PASSWORD_CHECK_WAIT,
    PASSWORD_CHECKS,
    SESSION_TRIES,
    SIGN_IN_TRIES,
    client_address,
)
from components.saved.client_links import OWNER_ENDED, ClientLink, expired_message, read_client_token, refusal
from components.saved.client_links import PARAM as CLIENT_PARAM
from components.saved.panels import CONFLICT_KEY
from components.saved.store import (
    CLIENT_KEY,
    OPENED_KEY,
    SIGNED_IN_KEY,
    account_store,
    apply_state,
    scenario_store,
    store_problem,
)
from components.session.address import KEPT_PARAMS_KEY
from components.session.guard import TARGET_PARAM
from components.session.page_settings import LOADED_KEY as SETTINGS_LOADED
from components.session.ranges import LOADED_KEY as RANGES_LOADED
from components.session.scenario import LOADED_KEY as SCENARIO_LOADED
from components.session.scenario import name_scenario
from components.words.safe_text import plain
from storage import LOCAL_OWNER, AccountStore, BadRow, LoginResult, NotFound, SessionInfo, StorageError
from storage.accounts import PASSWORD_MAX_BYTES, SESSION_ABSOLUTE

logger = logging.getLogger(__name__)
COOKIE_NAME = "training_roi_session"
TOKEN_KEY = "signed_in_token"  # this browser session's server-side session token
DATABASE_DOWN_KEY = "signed_in_database_down"  # the last session check could not reach the database
COOKIE_KEY = "signed_in_cookie"  # the JWT this session wants in the browser's cookie
NOTICE_KEY = "sign_in_notice"  # (kind, text) shown once on the sign-in form
FORGET_COOKIE_KEY = "sign_in_forget_cookie"  # True: signed out here, delete the cookie; "deleted": done
CLIENT_NAME_KEY = "client_link_scenario_name"
_WRITTEN_KEY = "sign_in_cookie_written"  # the cookie value the browser confirmed it holds
_COMPONENT_KEYS = {
    "set": "sign_in_cookie_set",
    "delete": "sign_in_cookie_delete",
}  # signed out: delete the browser's cookie
USERNAME_FIELD, PASSWORD_FIELD = "sign_in_username", "sign_in_password"
SETUP_FIELDS = ("setup_username", "setup_name", "setup_password", "setup_repeat")
LIBRARY_KEYS = ("authentication_status", "name", "username", "roles")
_JWT_ALGORITHM = "HS256"


# --- the cookie (pure: unit-tested without Streamlit) ----------------------------------------


def cookie_for(token: str, key: str, now: datetime | None = None) -> str:
    """The cookie value for a session token: an HS256 JWT `{"session", "exp_date"}`.

    >>> key = "0123456789abcdef0123456789abcdef"
    >>> value = cookie_for("tok", key, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    >>> jwt.decode(value, key, algorithms=["HS256"])["session"]
    'tok'
    """
    now = now or datetime.now(UTC)
    expires = (now + SESSION_ABSOLUTE).timestamp()
    return jwt.encode({"session": token, "exp_date": expires}, key, algorithm=_JWT_ALGORITHM)


def token_from_cookie(value: Any, key: str, now: datetime | None = None) -> str | None:
    """The session token inside a cookie value, or None: not a JWT, signed with another key
    (`some_key`), another algorithm, past its `exp_date`, or without a `session` (the
    library's own `{"username": ...}` cookies). A token found here still has to pass
    `AccountStore.check_session`.

    >>> key = "0123456789abcdef0123456789abcdef"
    >>> token_from_cookie(cookie_for("tok", key), key)
    'tok'
    >>> token_from_cookie(cookie_for("tok", "some_key" * 4), key) is None
    True
    >>> forged = jwt.encode({"username": "admin", "exp_date": 4e9}, key, algorithm="HS256")
    >>> token_from_cookie(forged, key) is None
    True
    """
    if not isinstance(value, str) or not 0 < len(value) <= 2_000:
        return None
    try:
        claims = jwt.decode(value, key, algorithms=[_JWT_ALGORITHM])
    except jwt.PyJWTError:
        return None
    token, expires = claims.get("session"), claims.get("exp_date")
    if not isinstance(token, str) or not isinstance(expires, int | float):
        return None
    if expires <= (now or datetime.now(UTC)).timestamp():
        return None
    return token


# --- the store -------------------------------------------------------------------------------


def authenticator(accounts: AccountStore, cookie_key: str) -> Any:
    """streamlit-authenticator's `Authenticate`, once per run (a second one would clash)."""
    import streamlit_authenticator as stauth

    return stauth.Authenticate(
        accounts.credentials_for_authenticator(),
        cookie_name=COOKIE_NAME,
        cookie_key=cookie_key,
        cookie_expiry_days=SESSION_ABSOLUTE / timedelta(days=1),
        auto_hash=False,
    )


# --- who is signed in ------------------------------------------------------------------------


def current_session() -> SessionInfo | None:
    """The signed-in user's session of this run (None in single-user mode or signed out)."""
    value = st.session_state.get(SIGNED_IN_KEY)
    return value if isinstance(value, SessionInfo) else None


def _set_signed_in(info: SessionInfo | None) -> None:
    st.session_state[SIGNED_IN_KEY] = info
    st.session_state["authentication_status"] = True if info else None
    st.session_state["name"] = info.name if info else None
    st.session_state["username"] = info.username if info else None
    st.session_state["roles"] = [info.role.value] if info else None


def _held_session() -> SessionInfo | None:
    """The session this tab verified last, while it is within its time limits (12 h since it
    began, 30 min since it was last seen in the database)."""
    held = st.session_state.get(SIGNED_IN_KEY)
    if isinstance(held, SessionInfo) and held.expires_at > datetime.now(UTC):
        return held
    return None


def _live_session(accounts: AccountStore, cookie_key: str) -> SessionInfo | None:
    token = st.session_state.get(TOKEN_KEY)
    if token is not None:
        try:
            info = accounts.check_session(token)
        except StorageError:
            held = _held_session()
            if held is None:
                raise
            # The database is unreachable (a restart, a failover): a session verified in this
            # tab keeps working within its limits; saving and signing in wait (the sidebar says so).
            st.session_state[DATABASE_DOWN_KEY] = True
            return held
        st.session_state.pop(DATABASE_DOWN_KEY, None)
        if info is not None:
            return info
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state.pop(COOKIE_KEY, None)
        st.session_state[NOTICE_KEY] = (
            "info",
            "You were signed out (you signed out elsewhere, the password changed, or the session "
            "reached its time limit: 30 minutes idle, 12 hours in all). Please sign in again.",
        )
        return None
    if st.session_state.get(FORGET_COOKIE_KEY):
        return None  # signed out in this tab: the browser's cookie is being deleted
    from_cookie = token_from_cookie(st.context.cookies.get(COOKIE_NAME), cookie_key)
    if from_cookie is None:
        return None
    info = accounts.check_session(from_cookie)
    if info is not None:
        st.session_state[TOKEN_KEY] = from_cookie
    return info


def signed_in_user(cookie_key: str, url_paths: Sequence[str] = ()) -> SessionInfo | ClientLink:
    """The gate: the live session of this browser, or the sign-in (or first-run) page and stop.

    Signed out, every one of the app's `url_paths` shows that same form (and nothing of its
    page), so a shared deep link asks for sign-in without a "page not found" and, once
    signed in, opens the page it names. A valid client link (`?t=`, components/saved/client_links.py)
    instead gives a read-only view of its one scenario, without an account."""
    accounts = account_store()
    if accounts is None:
        _only_page(
            lambda: st.error(
                f"Sign-in is not available: {plain(store_problem())}", icon=":material/database:"
            )
        )
    assert accounts is not None
    try:
        info = _live_session(accounts, cookie_key)
        has_users = info is not None or accounts.has_users()
    except StorageError as error:
        message = plain(str(error))
        _only_page(lambda: st.error(message, icon=":material/database:"))
        raise  # not reached: _only_page stops
    _set_signed_in(info)
    if info is None:
        link = _client_view(cookie_key)
        if link is not None:
            return link
        if st.session_state.get(FORGET_COOKIE_KEY) is True:
            # not `COOKIE_NAME in st.context.cookies`: those are the cookies the tab had when it
            # connected, without one written after (sign-in, then sign-out without a reload)
            _cookie_component(accounts, cookie_key, "delete")
        if has_users:
            _only_page(lambda: _sign_in_page(cookie_key), "Sign in", url_paths)
        _only_page(lambda: _first_run_page(cookie_key), "Set up", url_paths)
    assert info is not None
    return info


def write_cookie(cookie_key: str) -> None:
    """At the end of the entry script: put this session's sign-in cookie in the browser, once.

    Drawn last because each cookie component reports back to the server on mount, which
    reruns the script: a rerun that interrupted a half-drawn page could leave a widget in the
    browser out of step with the server. Once the component has reported the cookie written
    (its value is True in the rerun it caused), nothing is drawn any more."""
    wanted = st.session_state.get(COOKIE_KEY)
    if not wanted or wanted in (st.context.cookies.get(COOKIE_NAME), st.session_state.get(_WRITTEN_KEY)):
        return
    if st.session_state.get(_COMPONENT_KEYS["set"]) is True:
        st.session_state[_WRITTEN_KEY] = wanted
        return
    accounts = account_store()
    if accounts is not None:
        _cookie_component(accounts, cookie_key, "set", wanted)


def _cookie_component(accounts: AccountStore, cookie_key: str, action: str, value: str = "") -> None:
    """streamlit-authenticator's cookie manager (one `Authenticate` in this run) sets or deletes the cookie."""
    if action == "delete" and st.session_state.get(_COMPONENT_KEYS["delete"]) is True:
        st.session_state[FORGET_COOKIE_KEY] = "deleted"  # the browser confirmed: not drawn again
        return
    try:
        cookies = authenticator(accounts, cookie_key).cookie_controller.cookie_model.cookie_manager
    except StorageError:
        return  # the database is down: the cookie waits for the next run
    if action == "set":
        cookies.set(
            COOKIE_NAME,
            value,
            key=_COMPONENT_KEYS["set"],
            expires_at=datetime.now() + SESSION_ABSOLUTE,
            same_site="strict",
            secure=_https() or None,
        )
        return
    try:
        cookies.delete(COOKIE_NAME, key=_COMPONENT_KEYS["delete"])
    except KeyError:  # drawn, but the manager has not read the browser's cookies yet
        pass


def _client_view(cookie_key: str) -> ClientLink | None:
    """This session's client link: held since its first run (until it expires, or its owner
    loses access, deletes the scenario or withdraws its links: checked on every run), or `?t=`."""
    held = st.session_state.get(CLIENT_KEY)
    if isinstance(held, ClientLink):
        if held.expires_at <= datetime.now(UTC):
            _end_client_view(expired_message(held.expires_at))
            return None
        ended = _link_ended(held)
        if ended is not None:
            _end_client_view(ended)
            return None
        return held
    token = st.query_params.get(CLIENT_PARAM)
    if token is None:
        return None
    link = read_client_token(token, cookie_key)
    if isinstance(link, str):
        _end_client_view(link)
        return None
    ended = _link_ended(link)
    if ended is not None:
        _end_client_view(ended)
        return None
    store = scenario_store()
    try:
        if store is None:  # `_link_ended` has just read it: not expected
            raise NotFound(link.scenario_id)
        found = store.open(link.owner, link.scenario_id)
    except StorageError:  # NotFound, or the database is down
        _end_client_view(LINK_NOT_FOUND)
        return None
    own_values = set(st.query_params) - {CLIENT_PARAM, TARGET_PARAM, "present"}
    if not own_values:  # a fresh link: the saved scenario (a reload keeps the visitor's what-if values)
        apply_state(found.salvaged if isinstance(found, BadRow) else found.state)
        name_scenario(found.name)  # the preset picker names it until the visitor moves an input
        for key in (SCENARIO_LOADED, SETTINGS_LOADED, RANGES_LOADED):
            st.session_state[key] = True
    st.session_state[CLIENT_KEY] = link
    st.session_state[KEPT_PARAMS_KEY] = {CLIENT_PARAM: token}  # the address bar keeps the link
    st.session_state[CLIENT_NAME_KEY] = found.name
    return link


LINK_NOT_FOUND = "No saved scenario was found for this client link: it may have been deleted."


def _link_ended(link: ClientLink) -> str | None:
    """Why a client link no longer opens its scenario, or None while it does
    (`client_links.refusal`, one read): its owner may no longer share (disabled, made a viewer,
    removed; with accounts, the single-user owner is no one's), the scenario is gone, it was
    revoked, withdrawn with its scenario's links, or expired, or it has no record. It runs on
    every rerun, so a revocation reaches a visitor holding the link at their next click; when
    the database cannot be reached the link is refused (it fails closed)."""
    if link.owner == LOCAL_OWNER:  # the single-user owner: no account here may still share
        return OWNER_ENDED
    store = scenario_store()
    if store is None:
        return f"The scenario of this link could not be opened: {store_problem()}"
    try:
        return refusal(link, store)
    except NotFound:
        return LINK_NOT_FOUND
    except StorageError as error:
        return f"The scenario of this link could not be opened: {error}"


def _end_client_view(message: str) -> None:
    st.session_state.pop(CLIENT_KEY, None)
    st.session_state.pop(KEPT_PARAMS_KEY, None)
    if CLIENT_PARAM in st.query_params:
        del st.query_params[CLIENT_PARAM]
    st.session_state[NOTICE_KEY] = ("error", message)


def _https() -> bool:
    proto = str(st.context.headers.get("X-Forwarded-Proto", "")).lower()
    return proto == "https" or str(st.context.url or "").startswith("https://")


def _only_page(body: Any, title: str = "Training ROI Studio", url_paths: Sequence[str] = ()) -> None:
    """Register one hidden page under the app's addresses (each shows only `body`), run it, stop."""
    pages = [st.Page(body, title=title, icon=":material/lock:", default=True, url_path="sign-in")]
    pages += [st.Page(body, title=title, icon=":material/lock:", url_path=path) for path in url_paths if path]
    st.navigation(pages, position="hidden").run()
    st.stop()


# --- the forms -------------------------------------------------------------------------------


def _notice() -> None:
    kind, text = st.session_state.get(NOTICE_KEY, (None, None))  # kept until the next try
    if text:
        show = {"error": st.error, "success": st.success}.get(kind, st.info)
        show(plain(text))


def _start(accounts: AccountStore, username: str, cookie_key: str) -> None:
    token = accounts.start_session(username)
    st.session_state[TOKEN_KEY] = token
    st.session_state[COOKIE_KEY] = cookie_for(token, cookie_key)
    st.session_state.pop(FORGET_COOKIE_KEY, None)
    st.session_state.pop(NOTICE_KEY, None)


def _try_sign_in(cookie_key: str) -> None:
    """The sign-in button's callback: check through the throttle, start a session."""
    username = str(st.session_state.get(USERNAME_FIELD, ""))
    password = str(st.session_state.get(PASSWORD_FIELD, ""))
    st.session_state[PASSWORD_FIELD] = ""  # never kept in the session
    if len(password.encode("utf-8", "surrogatepass")) > PASSWORD_MAX_BYTES:
        st.session_state[NOTICE_KEY] = (
            "error",
            f"Passwords are at most {PASSWORD_MAX_BYTES} bytes (letters outside A–Z take 2 to 4 bytes "
            "each), so this one cannot be right. Check what you typed.",
        )
        return
    accounts = account_store()
    if accounts is None:
        return
    client = client_of_this_session()
    session = _session_id()
    if not SESSION_TRIES.allow(session) or not SIGN_IN_TRIES.allow(client or "unknown"):
        wait = max(SESSION_TRIES.wait(session), SIGN_IN_TRIES.wait(client or "unknown"))
        st.session_state[NOTICE_KEY] = (
            "error",
            f"Too many sign-in tries from here: wait {max(1, round(wait))} seconds, then try again.",
        )
        logger.warning(
            "sign-in try refused by the rate limit: %s from %s", username[:40], client or "unknown"
        )
        return
    if not PASSWORD_CHECKS.acquire(timeout=PASSWORD_CHECK_WAIT):
        st.session_state[NOTICE_KEY] = (
            "error",
            "The server is busy checking other sign-ins: try again in a moment.",
        )
        return
    try:
        result: LoginResult = accounts.check_login(username, password, client=client)
        if result.ok and result.user is not None:
            _start(accounts, result.user.username, cookie_key)
            return
        st.session_state[NOTICE_KEY] = ("error", result.message)
    except StorageError as error:
        st.session_state[NOTICE_KEY] = ("error", str(error))
    finally:
        PASSWORD_CHECKS.release()


def client_of_this_session() -> str | None:
    """The address trying to sign in (`components.hosting.limits.client_address`; the proxies
    trusted to name it are `TRAINING_ROI_TRUSTED_PROXIES`, read once)."""
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    return client_address(
        peer if isinstance(peer, str) else None,
        forwarded if isinstance(forwarded, str) else None,
        trusted_proxies(),
    )


def _session_id() -> str:
    """This browser session's own random id (the rate limit's key for one connection)."""
    if not isinstance(st.session_state.get(_RATE_KEY), str):
        st.session_state[_RATE_KEY] = secrets.token_hex(16)
    return str(st.session_state[_RATE_KEY])


_RATE_KEY = "_sign_in_rate_key"


def _sign_in_page(cookie_key: str) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        _sign_in_form(cookie_key)


def _sign_in_form(cookie_key: str) -> None:
    st.title("Training ROI Studio")
    st.markdown("## Sign in to see and save training budget scenarios")
    _notice()
    with st.form("sign_in", border=True, enter_to_submit=True):
        st.text_input("Username", key=USERNAME_FIELD, autocomplete="username", max_chars=40)
        st.text_input(
            "Password", key=PASSWORD_FIELD, type="password", autocomplete="current-password", max_chars=200
        )
        st.form_submit_button("Sign in", type="primary", on_click=_try_sign_in, args=(cookie_key,))
    st.caption(
        "No account yet, or forgot your password? Ask your administrator: accounts are created and "
        "reset by an administrator, on the Users page or with `python -m storage.users`."
    )


def _create_administrator(cookie_key: str) -> None:
    """The first-run form's callback: the first user, an administrator, then signed in."""
    username, name, password, repeat = (str(st.session_state.get(k, "")) for k in SETUP_FIELDS)
    st.session_state[SETUP_FIELDS[2]] = st.session_state[SETUP_FIELDS[3]] = ""
    if password != repeat:
        st.session_state[NOTICE_KEY] = (
            "error",
            "The two passwords differ; nothing was created. Type them again.",
        )
        return
    accounts = account_store()
    if accounts is None:
        return
    try:
        user = accounts.create_first_admin(username, name, password)
        _start(accounts, user.username, cookie_key)
    except StorageError as error:
        st.session_state[NOTICE_KEY] = ("error", str(error))


def _first_run_page(cookie_key: str) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        _first_run_form(cookie_key)


def _first_run_form(cookie_key: str) -> None:
    st.title("Set up Training ROI Studio")
    st.markdown("## Create the administrator: the first account, who then adds everyone else")
    _notice()
    with st.form("first_run", border=True, enter_to_submit=False):
        st.text_input(
            "Username",
            key=SETUP_FIELDS[0],
            autocomplete="username",
            max_chars=40,
            help="3 to 40 letters, digits, dots, hyphens, underscores or @; not case-sensitive.",
        )
        st.text_input("Your name (shown on screen)", key=SETUP_FIELDS[1], max_chars=80)
        st.text_input(
            "Password",
            key=SETUP_FIELDS[2],
            type="password",
            autocomplete="new-password",
            max_chars=200,
            help="At least 12 characters and at most 72 bytes.",
        )
        st.text_input(
            "Password again", key=SETUP_FIELDS[3], type="password", autocomplete="new-password", max_chars=200
        )
        st.form_submit_button(
            "Create administrator and sign in",
            type="primary",
            on_click=_create_administrator,
            args=(cookie_key,),
        )
    st.caption(
        "There are no accounts yet. There is no default password: this form, shown only while no account "
        "exists, or `python -m storage.users create --role admin` on the server, creates the first one."
    )


# --- signing out -----------------------------------------------------------------------------


def sign_out() -> None:
    """Revoke this session in the database, forget it here, and delete the browser's cookie."""
    token = st.session_state.pop(TOKEN_KEY, None)
    accounts = account_store()
    if accounts is not None and token is not None:
        try:
            accounts.end_session(token)
        except StorageError:
            pass  # the database is down: the session ends by its limits; this tab forgets it now
    st.session_state.pop(COOKIE_KEY, None)
    st.session_state[FORGET_COOKIE_KEY] = True
    st.session_state[NOTICE_KEY] = ("success", "You are signed out.")
    for key in (OPENED_KEY, CONFLICT_KEY):
        st.session_state.pop(key, None)  # what the last user opened is not the next one's
    _set_signed_in(None)


# --- the deployment and the sidebar line -----------------------------------------------------


def deployment() -> Settings:
    """This copy's mode and key; on a configuration that cannot run safely, only the
    message that says how to fix it (and the same in the server's log)."""
    from storage import ConfigurationError as DatabaseConfigurationError
    from storage import check_deployment

    try:
        settings = read_settings()
        if settings.single_user:
            check_single_user_address(st.get_option("server.address"))
            check_single_user_hosts(st.get_option("server.allowedHosts"))
            if not single_user_host_allowed(st.context.headers.get("Host")):
                raise ConfigurationError(
                    "Single-user mode (no sign-in) answers only on this computer (localhost), and this "
                    "page was asked for under another name. Open it at http://localhost, or turn "
                    "single-user mode off to use accounts."
                )
        check_deployment()  # several replicas on one SQLite file: refused at once
    except (ConfigurationError, DatabaseConfigurationError) as error:
        message = str(error)
        logger.error("Training ROI Studio cannot start safely: %s", message)
        _only_page(lambda: _configuration_page(message), "Set-up needed")
        raise  # not reached
    return settings


def _configuration_page(message: str) -> None:
    st.title("Training ROI Studio needs one setting")
    st.error(message, icon=":material/key:")  # our own text (it names commands in code spans)


def account_line(session: SessionInfo | ClientLink) -> None:
    """At the top of the sidebar: who is signed in, and the way out (or the client link's terms)."""
    if isinstance(session, ClientLink):
        name = plain(st.session_state.get(CLIENT_NAME_KEY, "a saved scenario"))
        st.sidebar.caption(
            f"Client view of {name}: explore freely; nothing is saved. Link valid until "
            f"{session.expires_at:%-d %b %Y}."
        )
        return
    with st.sidebar:
        if st.session_state.get(DATABASE_DOWN_KEY):
            st.warning(
                "The database cannot be reached just now. Everything on screen still works; "
                "saving and sharing will work again once it is back.",
                icon=":material/database:",
            )
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        c1.caption(f"Signed in as {plain(session.name)}")
        c2.button("Sign out", key="sidebar_sign_out", on_click=sign_out, type="tertiary")
