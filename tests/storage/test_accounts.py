"""Accounts on SQLite and PostgreSQL: users, passwords, the sign-in throttle, sessions
(SECURITY.md, "Accounts")."""

from __future__ import annotations

import logging
import re
import statistics
import threading
import time
from datetime import datetime, timedelta

import bcrypt
import pytest
from sqlalchemy import Engine, func, select, text

from storage import (
    LOGIN_FAILED,
    AccountStore,
    InvalidAccount,
    InvalidPassword,
    NotAllowed,
    Role,
    SignInStatus,
    UnknownUser,
    UserExists,
    create_engine_for,
)
from storage.accounts import (
    PRODUCTION_BCRYPT_ROUNDS,
    RESERVED_USERNAMES,
    check_new_password,
    username_key,
)
from storage.migrations import upgrade
from storage.scenarios import LOCAL_OWNER
from storage.schema import login_attempts, sessions
from tests.storage.clocks import FrozenClock

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a different horse 42"
WRONG = "wrong horse battery!"


def _tries_recorded(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(login_attempts).where(login_attempts.c.username == username)
        ).scalar_one()


# --- users and passwords -----------------------------------------------------------------------


def test_a_user_is_stored_with_a_bcrypt_hash_and_found_ignoring_case(
    accounts: AccountStore, engine: Engine
) -> None:
    """'Alice' is stored as alice; the password is a bcrypt hash that verifies, never the text."""
    assert accounts.has_users() is False
    created = accounts.create_user(" Alice ", "  Alice Smith ", PASSWORD, "Editor")
    assert (created.username, created.name, created.role, created.disabled) == (
        "alice",
        "Alice Smith",
        Role.EDITOR,
        False,
    )
    assert accounts.has_users() is True
    assert accounts.get_user("ALICE") == created
    assert accounts.get_user("nobody") is None and accounts.get_user("no one") is None
    assert [u.username for u in accounts.list_users()] == ["alice"]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert PASSWORD not in stored and re.fullmatch(r"\$2b\$04\$.{53}", stored)
    assert bcrypt.checkpw(PASSWORD.encode(), stored.encode())
    with pytest.raises(UserExists, match='already a user named "alice"'):
        accounts.create_user("ALICE", "Another Alice", PASSWORD, "viewer")


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ab", "3 to 40 characters"),
        ("x" * 41, "3 to 40 characters"),
        ("a b", "only the letters"),
        ("zoë", "only the letters"),
        ("\u212aim", "only the letters"),  # KELVIN SIGN lower-cases to ASCII 'k': refused before
        ("<b>x</b>", "only the letters"),
        ("*", "3 to 40"),
        ("LOCAL", "reserved"),
        (42, "must be text"),
    ],
)
def test_unusable_usernames_are_refused_with_a_reason(username: object, message: str) -> None:
    """Usernames are 3 to 40 of a–z 0–9 . - _ @, and not reserved; a bad one is a message."""
    with pytest.raises(InvalidAccount, match=message):
        username_key(username)


def test_a_refused_username_creates_nothing(accounts: AccountStore) -> None:
    """The store applies the username rule before anything is written."""
    with pytest.raises(InvalidAccount, match="only the letters"):
        accounts.create_user("a b", "Someone", PASSWORD, "editor")
    assert accounts.has_users() is False


def test_the_single_user_owner_name_is_reserved() -> None:
    """No account can become the owner of single-user mode's scenarios."""
    assert LOCAL_OWNER in RESERVED_USERNAMES


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass1", "at least 12 characters (this one has 11)"),
        ("ö" * 40, "at most 72 bytes; this one has 80"),  # 40 characters, 80 bytes
        ("x" * 80, "at most 72 bytes; this one has 80"),
        ("tab\tinside password", "control characters"),
        ("nul\x00inside password", "control characters"),
        ("lone \ud800 surrogate!", "control characters"),
        ("alice.example", "cannot be the username"),
        (None, "must be text"),
    ],
)
def test_unusable_passwords_get_a_message_never_a_bcrypt_exception(password: object, message: str) -> None:
    """A bad new password is `InvalidPassword` with the reason (the rule every store method applies)."""
    with pytest.raises(InvalidPassword, match=re.escape(message)):
        check_new_password(password, "alice.example")


def test_an_80_byte_password_is_a_message_when_creating_resetting_or_changing(accounts: AccountStore) -> None:
    """Create, reset and change all refuse 80 bytes with the message, and nothing changes."""
    message = "at most 72 bytes; this one has 80"
    with pytest.raises(InvalidPassword, match=message):
        accounts.create_user("alice", "Alice", "ö" * 40, "editor")
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    with pytest.raises(InvalidPassword, match=message):
        accounts.reset_password("alice", "ö" * 40)
    with pytest.raises(InvalidPassword, match=message):
        accounts.change_password("alice", "x" * 80, current_password=PASSWORD)
    assert accounts.check_login("alice", PASSWORD).ok


def test_passwords_up_to_72_bytes_work_and_an_80_byte_login_is_a_plain_failure(
    accounts: AccountStore,
) -> None:
    """36 'ö' (72 bytes) is a valid password; signing in with 80 bytes fails with the usual
    message (bcrypt 5 would raise on it)."""
    accounts.create_user("umlaut", "Ö", "ö" * 36, "editor")
    assert accounts.check_login("umlaut", "ö" * 36).ok
    result = accounts.check_login("umlaut", "ö" * 40)
    assert (result.ok, result.user, result.message) == (False, None, LOGIN_FAILED)


def test_the_first_administrator_is_created_once_even_by_two_forms_at_once(db_url: str) -> None:
    """Two first-run forms submitted together: one administrator, the other form refused."""
    engines = [create_engine_for(db_url) for _ in range(2)]
    upgrade(engines[0])
    start, outcomes = threading.Barrier(2), []

    def first_run(index: int) -> None:
        store = AccountStore(engines[index], bcrypt_rounds=4)
        start.wait()
        try:
            outcomes.append(store.create_first_admin(f"admin{index}", "Admin", PASSWORD).username)
        except NotAllowed as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=first_run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert sorted(outcomes, key=len) in (
            ["admin0", "An administrator has already been set up: sign in instead."],
            ["admin1", "An administrator has already been set up: sign in instead."],
        )
        users = AccountStore(engines[0]).list_users()
        assert [u.role for u in users] == [Role.ADMIN]
    finally:
        for e in engines:
            e.dispose()


def test_only_an_active_administrator_manages_users(accounts: AccountStore) -> None:
    """With `by=`, the acting user must be an active admin; the last active admin stays one."""
    accounts.create_first_admin("root", "Root", PASSWORD)
    accounts.create_user("eddie", "Eddie", PASSWORD, "editor", by="root")
    for attempt in (
        lambda: accounts.create_user("eve", "Eve", PASSWORD, "admin", by="eddie"),
        lambda: accounts.set_role("eddie", "admin", by="eddie"),
        lambda: accounts.disable_user("root", by="eddie"),
        lambda: accounts.reset_password("root", NEW_PASSWORD, by="eddie"),
        lambda: accounts.enable_user("eddie", by="nobody"),
    ):
        with pytest.raises(NotAllowed, match="Only an administrator"):
            attempt()
    for attempt in (
        lambda: accounts.disable_user("root", by="root"),
        lambda: accounts.set_role("root", "editor", by="root"),
    ):
        with pytest.raises(NotAllowed, match="only active administrator"):
            attempt()
    assert accounts.set_role("eddie", "admin", by="root").role is Role.ADMIN
    assert accounts.set_role("root", "viewer", by="eddie").role is Role.VIEWER  # now allowed
    with pytest.raises(NotAllowed, match="Only an administrator"):
        accounts.enable_user("eddie", by="root")  # root is a viewer now
    with pytest.raises(UnknownUser, match='no user named "ghost"'):
        accounts.set_role("ghost", "editor")
    with pytest.raises(InvalidAccount, match="role is one of admin, editor, viewer"):
        accounts.set_role("eddie", "owner")


def test_credentials_for_streamlit_authenticator(accounts: AccountStore) -> None:
    """The library's credentials dict: active users only, our bcrypt hashes, a fresh dict
    each call; its own hash check accepts them (so `auto_hash=False` is right)."""
    from streamlit_authenticator.utilities.hasher import Hasher

    accounts.create_user("alice", "Alice Smith", PASSWORD, "admin")
    accounts.create_user("bob", "Bob", PASSWORD, "viewer")
    accounts.create_user("gone", "Gone", PASSWORD, "editor")
    accounts.disable_user("gone")
    credentials = accounts.credentials_for_authenticator()
    assert set(credentials) == {"usernames"}
    assert set(credentials["usernames"]) == {"alice", "bob"}
    alice = credentials["usernames"]["alice"]
    assert (alice["name"], alice["roles"]) == ("Alice Smith", ["admin"])
    assert Hasher.is_hash(alice["password"]) and Hasher.check_pw(PASSWORD, alice["password"])
    alice["logged_in"] = True  # the library writes into the dict it is given
    assert "logged_in" not in accounts.credentials_for_authenticator()["usernames"]["alice"]


# --- the sign-in throttle ------------------------------------------------------------------------


def test_five_failures_lock_the_username_for_fifteen_minutes(
    accounts: AccountStore, clock: FrozenClock, engine: Engine
) -> None:
    """The 5th wrong password is still an ordinary failure; the 6th try is refused even with
    the right password; 14:59 after the 5th still refused; at 15:00 allowed."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(5):
        clock.advance(seconds=10)
        result = accounts.check_login("alice", WRONG)
        assert (result.ok, result.message) == (False, LOGIN_FAILED)
    fifth = clock.now
    clock.advance(seconds=1)
    refused = accounts.check_login("alice", PASSWORD)
    assert (refused.ok, refused.user, refused.message) == (False, None, LOGIN_FAILED)
    clock.now = fifth + timedelta(minutes=14, seconds=59)
    assert not accounts.check_login("alice", PASSWORD).ok
    assert _tries_recorded(engine, "alice") == 5  # tries during the lock do not extend it
    clock.now = fifth + timedelta(minutes=15)
    allowed = accounts.check_login("alice", PASSWORD)
    assert allowed.ok and allowed.user is not None and allowed.user.username == "alice"


def test_successes_are_not_counted_and_do_not_reset_the_count(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """4 wrong, 3 right (all succeed), 1 wrong: that is the 5th failure, so the next right try is refused."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(4):
        clock.advance(seconds=5)
        assert not accounts.check_login("alice", WRONG).ok
    for _ in range(3):
        clock.advance(seconds=5)
        assert accounts.check_login("alice", PASSWORD).ok
    clock.advance(seconds=5)
    assert not accounts.check_login("alice", WRONG).ok
    clock.advance(seconds=5)
    assert not accounts.check_login("alice", PASSWORD).ok


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """One wrong password every 4 minutes never makes 5 within 15 minutes."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(8):
        assert not accounts.check_login("alice", WRONG).ok
        clock.advance(minutes=4)
    assert accounts.check_login("alice", PASSWORD).ok


def test_the_count_is_shared_by_two_stores_on_one_database(db_url: str, clock: FrozenClock) -> None:
    """Two app processes (two engines and stores): 3 failures through one and 2 through the
    other lock the username for both."""
    engines = [create_engine_for(db_url) for _ in range(2)]
    try:
        upgrade(engines[0])
        first, second = (AccountStore(e, clock=clock, bcrypt_rounds=4) for e in engines)
        first.create_user("alice", "Alice", PASSWORD, "editor")
        for store in (first, first, first, second, second):
            clock.advance(seconds=3)
            assert not store.check_login("alice", WRONG).ok
        clock.advance(seconds=3)
        assert not first.check_login("alice", PASSWORD).ok
        assert not second.check_login("alice", PASSWORD).ok
        clock.advance(minutes=15)
        assert second.check_login("alice", PASSWORD).ok
    finally:
        for e in engines:
            e.dispose()


def test_at_most_one_hundred_tries_an_hour(accounts: AccountStore, clock: FrozenClock) -> None:
    """100 tries in 50 minutes (every 10th wrong, never 5 failures in 15 minutes) all count:
    the 101st, right, is refused until an hour after the first."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    first = clock.now
    for index in range(100):
        wrong = index % 10 == 9
        assert accounts.check_login("alice", WRONG if wrong else PASSWORD).ok is not wrong
        clock.advance(seconds=30)
    assert not accounts.check_login("alice", PASSWORD).ok
    clock.now = first + timedelta(minutes=59, seconds=59)
    assert not accounts.check_login("alice", PASSWORD).ok
    clock.now = first + timedelta(hours=1)
    assert accounts.check_login("alice", PASSWORD).ok


def test_tries_in_parallel_get_at_most_five_password_checks(accounts: AccountStore, engine: Engine) -> None:
    """12 wrong passwords at the same instant from 12 threads: the throttle is checked and the
    try recorded in one transaction, so only 5 reach bcrypt; all 12 fail."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    start, results = threading.Barrier(12), []

    def attempt() -> None:
        start.wait()
        results.append(accounts.check_login("alice", WRONG).ok)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [False] * 12
    assert _tries_recorded(engine, "alice") == 5
    assert not accounts.check_login("alice", PASSWORD).ok


def test_every_failure_has_the_same_message(accounts: AccountStore, clock: FrozenClock) -> None:
    """Wrong password, unknown user, disabled user (right password), impossible username,
    non-text input, over-long password, locked: one message, no user."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    accounts.create_user("gone", "Gone", PASSWORD, "editor")
    accounts.disable_user("gone")
    accounts.create_user("locked", "Locked", PASSWORD, "editor")
    for _ in range(5):
        accounts.check_login("locked", WRONG)
    failures = [
        accounts.check_login("alice", WRONG),
        accounts.check_login("nobody", PASSWORD),
        accounts.check_login("gone", PASSWORD),
        accounts.check_login("no such user!", PASSWORD),
        accounts.check_login(None, None),  # type: ignore[arg-type]
        accounts.check_login("alice", "x" * 10_000),
        accounts.check_login("locked", PASSWORD),
    ]
    assert {(r.ok, r.user, r.message) for r in failures} == {(False, None, LOGIN_FAILED)}


def test_unknown_usernames_are_recorded_and_locked_like_real_ones(
    accounts: AccountStore, engine: Engine, clock: FrozenClock
) -> None:
    """Six tries at a real and at an unknown username leave the same trace (5 recorded, the
    6th refused), so locking does not tell which one exists."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(6):
        clock.advance(seconds=1)
        accounts.check_login("alice", WRONG)
        accounts.check_login("mallory", WRONG)
    assert _tries_recorded(engine, "alice") == _tries_recorded(engine, "mallory") == 5


def test_old_tries_are_deleted(accounts: AccountStore, engine: Engine, clock: FrozenClock) -> None:
    """Tries older than the throttle looks back (1 hour) are deleted by later sign-ins."""
    for name in ("one", "two", "three"):
        accounts.check_login(name, WRONG)
    clock.advance(hours=1, seconds=1)
    accounts.check_login("four", WRONG)
    with engine.connect() as conn:
        assert conn.execute(select(login_attempts.c.username)).scalars().all() == ["four"]


# --- no permanent lockout (issue 26): pauses per client, a slow-down per username, unlock ---------

ATTACKER = "203.0.113.66"


def test_anonymous_failures_cannot_keep_the_only_administrator_out(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """Someone without an account hammers the only administrator's username from one
    address, 5 wrong passwords every 15 minutes for 3 hours, re-pausing it each time the
    pause ends. That address is paused (even the right password is refused there), but the
    administrator signs in from an address never used before, at most a minute after the
    attacker's latest try. Before issue 26 six anonymous failures locked the account for
    everyone, and the attacker could renew the lock for ever."""
    accounts.create_first_admin("root", "Root", PASSWORD)
    for cycle in range(12):
        for _ in range(5):
            clock.advance(seconds=2)
            assert not accounts.check_login("root", WRONG, client=ATTACKER).ok
        assert not accounts.check_login("root", PASSWORD, client=ATTACKER).ok  # paused there
        clock.advance(minutes=1)
        signed_in = accounts.check_login("root", PASSWORD, client=f"198.51.100.{cycle + 1}")
        assert signed_in.ok, f"cycle {cycle}: the administrator is locked out"
        clock.advance(minutes=14)
    assert accounts.check_login("root", PASSWORD, client=ATTACKER).ok  # the last pause ended by itself


def test_a_distributed_attack_slows_new_clients_but_not_one_that_signed_in_before(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """Failures from 40 addresses in an hour slow every client that never signed in as the
    user (a progressive wait after each failure, never more than a minute, and at most 100
    tries an hour), but the administrator's own laptop, which signed in before, is let in at
    once; the wait for new clients ends a minute after the attack stops."""
    accounts.create_first_admin("root", "Root", PASSWORD)
    laptop = "198.51.100.20"
    assert accounts.check_login("root", PASSWORD, client=laptop).ok
    clock.advance(days=10)
    for index in range(40 * 5):
        clock.advance(seconds=15)
        accounts.check_login("root", WRONG, client=f"192.0.2.{index // 5}")
    status = accounts.sign_in_status("root")
    assert status.paused and status.new_clients_wait_until is not None
    assert status.new_clients_wait_until <= clock.now + timedelta(minutes=1)
    assert not accounts.check_login("root", PASSWORD, client="198.51.100.99").ok  # new: waits
    assert accounts.check_login("root", PASSWORD, client=laptop).ok  # known: at once
    clock.advance(minutes=1, seconds=1)
    assert accounts.check_login("root", PASSWORD, client="198.51.100.99").ok


def test_a_known_client_is_still_paused_by_its_own_failures(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """Signing in before exempts a client from the username-wide slow-down only: 5 wrong
    passwords from it pause it like any other client, for 15 minutes."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    assert accounts.check_login("alice", PASSWORD, client="10.0.0.5").ok
    for _ in range(5):
        clock.advance(seconds=5)
        assert not accounts.check_login("alice", WRONG, client="10.0.0.5").ok
    assert not accounts.check_login("alice", PASSWORD, client="10.0.0.5").ok
    assert accounts.check_login("alice", PASSWORD, client="10.0.0.6").ok  # another client is not held
    clock.advance(minutes=15)
    assert accounts.check_login("alice", PASSWORD, client="10.0.0.5").ok


def test_an_administrator_or_the_command_line_lifts_a_pause(
    accounts: AccountStore, clock: FrozenClock
) -> None:
    """Paused after 5 failures: a non-administrator cannot lift it, an administrator (`by=`)
    or the operator (no `by`) can, and the right password works at once from the paused
    client."""
    accounts.create_user("root", "Root", PASSWORD, "admin")
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for username in ("alice", "root"):
        for _ in range(5):
            accounts.check_login(username, WRONG, client=ATTACKER)
        assert not accounts.check_login(username, PASSWORD, client=ATTACKER).ok
    assert accounts.sign_in_status("alice").paused_clients == ((ATTACKER, clock.now + timedelta(minutes=15)),)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        accounts.unlock("alice", by="alice")
    with pytest.raises(UnknownUser):
        accounts.unlock("ghost")
    assert accounts.unlock("alice", by="root") == 5
    assert not accounts.sign_in_status("alice").paused
    assert accounts.check_login("alice", PASSWORD, client=ATTACKER).ok
    assert accounts.unlock("root") == 5  # the command line: the only administrator, paused
    assert accounts.check_login("root", PASSWORD, client=ATTACKER).ok


def test_a_password_reset_lifts_the_pause(accounts: AccountStore) -> None:
    """An administrator's reset (or the user's own change) clears the username's failures:
    the new password works at once, even from the paused client. Before issue 26 a reset left
    the lock in place."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(5):
        accounts.check_login("alice", WRONG)
    assert not accounts.check_login("alice", PASSWORD).ok
    accounts.reset_password("alice", NEW_PASSWORD)
    assert accounts.check_login("alice", NEW_PASSWORD).ok


def test_failed_sign_ins_and_pauses_are_logged_without_the_password(
    accounts: AccountStore, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    """At WARNING (Python's default level): each failure with the username, the client and
    the reason; the 5th with the pause it starts; an unknown or impossible username only as a
    keyed hash (it may be a password typed in the wrong box); an unlock with who did it.
    Never a password."""
    accounts.create_user("root", "Root", PASSWORD, "admin")
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    caplog.set_level(logging.WARNING, logger="storage.accounts")
    for _ in range(5):
        accounts.check_login("alice", WRONG, client=ATTACKER)
    accounts.check_login("my-secret-pass", WRONG, client="192.0.2.1")
    accounts.check_login("my secret pass!", WRONG, client="192.0.2.1")
    accounts.unlock("alice", by="root")
    records = [r for r in caplog.records if r.name == "storage.accounts"]
    assert all(r.levelno == logging.WARNING for r in records)
    messages = [r.getMessage() for r in records]
    failures = [
        m for m in messages if m.startswith("sign-in failed for alice from 203.0.113.66: wrong password")
    ]
    assert len(failures) == 5
    assert "paused until 2026-11-02 09:15:00 UTC" in failures[-1] and "paused" not in failures[0]
    unknown = [m for m in messages if "192.0.2.1" in m]
    assert len(unknown) == 2 and all(re.search(r"for unknown#[0-9a-f]{8} from", m) for m in unknown)
    assert any(m.startswith("sign-in pauses of alice lifted by root") for m in messages)
    everything = "\n".join(messages)
    for secret in (WRONG, "my-secret-pass", "my secret pass!", PASSWORD):
        assert secret not in everything


def test_sign_in_status_says_what_is_paused(accounts: AccountStore, clock: FrozenClock) -> None:
    """Nothing held at first; after 5 failures from one client that client is paused for 15
    minutes and the failures are counted; a quarter of an hour later nothing is paused."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    assert accounts.sign_in_status("alice") == SignInStatus(0, (), None)
    for _ in range(5):
        accounts.check_login("alice", WRONG, client="10.1.1.1")
    status = accounts.sign_in_status("alice")
    assert status.failures_last_hour == 5 and status.paused
    assert status.paused_clients == (("10.1.1.1", clock.now + timedelta(minutes=15)),)
    clock.advance(minutes=15)
    assert not accounts.sign_in_status("alice").paused
    with pytest.raises(UnknownUser):
        accounts.sign_in_status("ghost")


def test_clients_are_stored_as_printable_text_of_bounded_length(
    accounts: AccountStore, engine: Engine
) -> None:
    """A client given by the app is stored and logged as printable ASCII, at most 100
    characters (no line breaks in the log, nothing oversized in the database)."""
    accounts.check_login("alice", WRONG, client="evil\r\nINJECTED " + "x" * 500)
    with engine.connect() as conn:
        stored = conn.execute(select(login_attempts.c.client)).scalar_one()
    assert stored.startswith("evil??INJECTED ") and len(stored) == 100


@pytest.mark.timing
def test_an_unknown_username_takes_as_long_as_a_wrong_password(engine: Engine, clock: FrozenClock) -> None:
    """At the production cost (12), the median time of a sign-in with an unknown username is
    within 25 % of one with a wrong password. Tries alternate (so a busy spell hits both), the
    clock moves 20 minutes between them (no lock), and a round spoiled by a busy machine is
    measured again (up to 3 rounds); without the dummy check the ratio is about 100."""
    accounts = AccountStore(engine, clock=clock, bcrypt_rounds=PRODUCTION_BCRYPT_ROUNDS)
    accounts.create_user("alice", "Alice", PASSWORD, "editor")

    def seconds(username: str) -> float:
        clock.advance(minutes=20)
        began = time.perf_counter()
        assert not accounts.check_login(username, WRONG).ok
        return time.perf_counter() - began

    seconds("alice"), seconds("mallory")  # warm up: connections, caches
    ratios = []
    for _round in range(3):
        known, unknown = [], []
        for _ in range(5):
            known.append(seconds("alice"))
            unknown.append(seconds("mallory"))
        ratios.append(statistics.median(unknown) / statistics.median(known))
        if 0.8 <= ratios[-1] <= 1.25:
            break
    assert 0.8 <= ratios[-1] <= 1.25, f"unknown/known median latency ratios per round: {ratios}"


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_token_is_random_and_only_its_hash_is_stored(
    accounts: AccountStore, engine: Engine
) -> None:
    """Tokens are 43 URL-safe characters (32 bytes), all different; the database holds none of them."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    tokens = [accounts.start_session("alice") for _ in range(5)]
    assert len(set(tokens)) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM sessions")) for v in row)
    assert not any(t in stored for t in tokens)
    info = accounts.check_session(tokens[0])
    assert info is not None and (info.username, info.name, info.role) == ("alice", "Alice", Role.EDITOR)


def test_thirty_minutes_idle_ends_a_session(accounts: AccountStore, clock: FrozenClock) -> None:
    """Activity keeps a session alive; 31 minutes without any ends it."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    clock.advance(minutes=29)
    assert accounts.check_session(token) is not None
    clock.advance(minutes=29)  # 58 minutes after sign-in, 29 after the last activity
    info = accounts.check_session(token)
    assert info is not None and info.expires_at == clock.now + timedelta(minutes=30)
    clock.advance(minutes=31)
    assert accounts.check_session(token) is None
    untouched = accounts.start_session("alice")
    clock.advance(minutes=31)
    assert accounts.check_session(untouched) is None


def test_twelve_hours_end_a_session_however_active(accounts: AccountStore, clock: FrozenClock) -> None:
    """Used every 20 minutes, a session still ends 12 hours after sign-in: alive at 11 h 59 min, gone at 12 h 1 min."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    signed_in = clock.now
    while clock.now < signed_in + timedelta(hours=11, minutes=40):
        clock.advance(minutes=20)
        assert accounts.check_session(token) is not None
    clock.now = signed_in + timedelta(hours=11, minutes=59)
    info = accounts.check_session(token)
    assert info is not None and info.expires_at == signed_in + timedelta(hours=12)
    clock.now = signed_in + timedelta(hours=12, minutes=1)
    assert accounts.check_session(token) is None


def test_last_seen_is_written_at_most_once_a_minute(
    accounts: AccountStore, clock: FrozenClock, engine: Engine
) -> None:
    """Reruns within a minute of the last recorded activity are reads only."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    signed_in = clock.now

    def last_seen() -> datetime:
        with engine.connect() as conn:
            return conn.execute(select(sessions.c.last_seen_at)).scalar_one()

    for seconds in (10, 30, 59):
        clock.now = signed_in + timedelta(seconds=seconds)
        assert accounts.check_session(token) is not None
        assert last_seen() == signed_in
    clock.now = signed_in + timedelta(seconds=60)
    assert accounts.check_session(token).last_seen_at == clock.now  # type: ignore[union-attr]
    assert last_seen() == clock.now


def test_logout_revokes_the_token(accounts: AccountStore) -> None:
    """Log in, keep the token, log out, present it again: not signed in."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    kept = accounts.start_session("alice")
    assert accounts.end_session(token) is True
    assert accounts.check_session(token) is None
    assert accounts.end_session(token) is False
    assert accounts.check_session(kept) is not None  # another browser stays signed in


def test_a_password_change_ends_the_other_sessions_but_not_this_one(accounts: AccountStore) -> None:
    """change_password(keep_session=this) ends the user's other sessions; an admin reset ends all."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    accounts.create_user("bob", "Bob", PASSWORD, "editor")
    here, laptop, phone = (accounts.start_session("alice") for _ in range(3))
    bobs = accounts.start_session("bob")
    with pytest.raises(NotAllowed, match="current password was not right"):
        accounts.change_password("alice", NEW_PASSWORD, current_password=WRONG, keep_session=here)
    assert accounts.check_session(laptop) is not None  # the refused change ended nothing
    ended = accounts.change_password("alice", NEW_PASSWORD, current_password=PASSWORD, keep_session=here)
    assert ended == 2
    assert accounts.check_session(here) is not None
    assert accounts.check_session(laptop) is None and accounts.check_session(phone) is None
    assert accounts.check_session(bobs) is not None
    assert not accounts.check_login("alice", PASSWORD).ok and accounts.check_login("alice", NEW_PASSWORD).ok
    assert accounts.reset_password("alice", PASSWORD) == 1
    assert accounts.check_session(here) is None


def test_a_disabled_user_cannot_sign_in_and_their_sessions_end(accounts: AccountStore) -> None:
    """Disabling ends every session at once and refuses sign-in; enabling allows sign-in but
    does not revive the old sessions."""
    accounts.create_user("root", "Root", PASSWORD, "admin")
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    tokens = [accounts.start_session("alice") for _ in range(2)]
    assert accounts.disable_user("alice", by="root") == 2
    assert all(accounts.check_session(t) is None for t in tokens)
    assert not accounts.check_login("alice", PASSWORD).ok
    with pytest.raises(NotAllowed, match="disabled"):
        accounts.start_session("alice")
    assert accounts.get_user("alice").disabled  # type: ignore[union-attr]
    accounts.enable_user("alice", by="root")
    assert accounts.check_login("alice", PASSWORD).ok
    assert all(accounts.check_session(t) is None for t in tokens)
    assert accounts.check_session(accounts.start_session("alice")) is not None


def test_a_session_sees_a_disabled_user_even_if_not_revoked(accounts: AccountStore, engine: Engine) -> None:
    """The user's flag is checked on every rerun, not only the session row (a flag set by hand)."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET disabled = :yes"), {"yes": True})
    assert accounts.check_session(token) is None


def test_a_role_change_shows_at_the_next_check(accounts: AccountStore) -> None:
    """The role comes from the users table on every check, so a demotion needs no new sign-in."""
    accounts.create_user("root", "Root", PASSWORD, "admin")
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    token = accounts.start_session("alice")
    accounts.set_role("alice", "viewer", by="root")
    info = accounts.check_session(token)
    assert info is not None and info.role is Role.VIEWER and not info.user.can_save


def test_revoke_sessions_keeps_the_one_named(accounts: AccountStore) -> None:
    """revoke_sessions(user, except_token) ends every other session of that user only."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    keep, drop = accounts.start_session("alice"), accounts.start_session("alice")
    assert accounts.revoke_sessions("alice", except_token=keep) == 1
    assert accounts.check_session(keep) is not None and accounts.check_session(drop) is None
    assert accounts.revoke_sessions("alice") == 1
    assert accounts.check_session(keep) is None


def test_a_token_that_is_not_ours_is_no_session(accounts: AccountStore) -> None:
    """Garbage, forged, oversized or non-text tokens: None, never an exception."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    real = accounts.start_session("alice")
    for token in (
        None,
        "",
        "x" * 10_000,
        12345,
        "\ud800" * 43,
        "ünïcödé" * 6,
        "a" * 43,
        real[:-1],
        real + "A",
    ):
        assert accounts.check_session(token) is None, token
        assert accounts.end_session(token) is False, token
    assert accounts.check_session(real) is not None


def test_expired_sessions_are_deleted_when_someone_signs_in(
    accounts: AccountStore, clock: FrozenClock, engine: Engine
) -> None:
    """Sessions past 12 hours can never be valid again; the next sign-in deletes them."""
    accounts.create_user("alice", "Alice", PASSWORD, "editor")
    for _ in range(3):
        accounts.start_session("alice")
    clock.advance(hours=12)
    accounts.start_session("alice")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sessions")).scalar_one() == 1
