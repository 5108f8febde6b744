"""Accounts: users, passwords, the sign-in throttle and server-side sessions.

`AccountStore(engine)` is the whole interface (SECURITY.md, "Accounts"). It keeps everything
in the database, so every app process and every browser session sees the same users, locks
and sessions. Storage never imports Streamlit: the login form, the gate in `app.py` and the
pages call this.

Usernames are 3 to 40 of the letters a–z, digits and `. - _ @`, compared ignoring case: the
stored key is lower-case ("Alice" signs in as "alice"). `local` is reserved (it owns the
scenarios of single-user mode, `storage.scenarios.LOCAL_OWNER`), as is `*`
(`ALL_SIGNED_IN`, the grantee meaning "every signed-in user").

Passwords are stored as bcrypt hashes only (cost `PRODUCTION_BCRYPT_ROUNDS` = 12, about
0.25 s a check on an idle core; tests may pass a lower cost). A new password has at least
12 characters and at most 72 bytes in UTF-8 (bcrypt reads no further, and bcrypt 5 raises on
more): "Grüße aus Köln 2026" is 19 characters but 22 bytes. Too long, too short or with
control characters gets `InvalidPassword` with a message, never an exception from bcrypt.
Passwords are hashed exactly as typed (no Unicode normalisation), as streamlit-authenticator
does, so its hashes and ours are interchangeable.

Roles: `admin` manages users and does everything an editor does; `editor` saves their own
scenarios; `viewer` opens scenarios shared with them and saves nothing
(`storage.scenarios.ScenarioStore` refuses with `NotAllowed`). Methods that change other
users take `by=`: the signed-in user doing it, who must be an active administrator. Without
`by` the caller is the operator (the command line, `python -m storage.users`). The last
active administrator cannot be disabled or demoted.

Signing in, `check_login(username, password)` gives a `LoginResult`: `ok` and the `User`, or
one message (`LOGIN_FAILED`) for every failure: wrong password, unknown user, disabled
account, locked. The throttle (`Throttle`), per username key, in the database:

- 5 failures within 15 minutes lock the username for 15 minutes from the 5th; a success
  never counts as a failure and never clears a lock;
- at most 100 tries (right or wrong) per username in any hour;
- a try made while locked is refused at once: no password check, not recorded (so a lock
  cannot be extended for ever by trying during it, and costs the server nothing);
- each try is recorded *before* its password is checked, in a transaction that first reads
  the username's recent tries (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock per
  username): 50 tries in parallel get 5 password checks, not 50;
- an unknown username gets a bcrypt check against a dummy hash of the same cost, and is
  recorded and locked like any other, so neither timing nor locking says whether it exists.

Sessions: `start_session(username)` returns a token (32 random bytes, URL-safe, 43
characters) for the browser; the database keeps only its SHA-256, so a copy of the database
holds no usable session. `check_session(token)` on every rerun gives a `SessionInfo`, or
None when the token is unknown, revoked (`end_session` at logout, `revoke_sessions`, a
password change or reset, disabling the user), 12 hours old (absolute) or 30 minutes idle.
A valid check records the time as last seen at most once a minute, so a rerun is usually a
read; the idle limit is therefore kept to within a minute.

>>> import shutil, tempfile
>>> folder = tempfile.mkdtemp()
>>> from storage.database import create_engine_for
>>> from storage.migrations import upgrade
>>> engine = create_engine_for(f"sqlite:///{folder}/demo.sqlite3")
>>> upgrade(engine)
>>> accounts = AccountStore(engine, bcrypt_rounds=4)
>>> accounts.create_first_admin("Ada", "Ada Lovelace", "analytical engine").username
'ada'
>>> accounts.check_login("ADA", "wrong password!").message == LOGIN_FAILED
True
>>> result = accounts.check_login("ada", "analytical engine")
>>> result.ok, result.user.role
(True, <Role.ADMIN: 'admin'>)
>>> token = accounts.start_session("ada")
>>> accounts.check_session(token).name
'Ada Lovelace'
>>> accounts.end_session(token)
True
>>> accounts.check_session(token) is None
True
>>> engine.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

import bcrypt
from sqlalchemy import Connection, Engine, Row, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from storage.database import DatabaseStore
from storage.errors import (
    InvalidAccount,
    InvalidPassword,
    NotAllowed,
    UnknownUser,
    UserExists,
    checked_text,
)
from storage.schema import DISPLAY_NAME_MAX, USERNAME_MAX, login_attempts, sessions, users

logger = logging.getLogger(__name__)


class Role(StrEnum):
    """What a user may do: `admin` ⊃ `editor` ⊃ `viewer` (see the module docstring)."""

    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


ALL_SIGNED_IN = "*"  # grantee of a scenario shared with every signed-in user; never a username
RESERVED_USERNAMES = frozenset({"local"})  # storage.scenarios.LOCAL_OWNER
USERNAME_MIN = 3
PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_BYTES = 72
PRODUCTION_BCRYPT_ROUNDS = 12
SESSION_ABSOLUTE = timedelta(hours=12)
SESSION_IDLE = timedelta(minutes=30)
LAST_SEEN_EVERY = timedelta(minutes=1)
TOKEN_BYTES = 32
_TOKEN_MAX_CHARS = 256  # anything longer is not one of ours: no hashing of huge inputs
_USERNAME = re.compile(rf"[A-Za-z0-9._@-]{{{USERNAME_MIN},{USERNAME_MAX}}}")
_HOUR = timedelta(hours=1)

LOGIN_FAILED = (
    "That username and password did not work. Check both and try again; after 5 failed "
    "tries, signing in with that username pauses for 15 minutes."
)

# A hash of a random, discarded password at the production cost: what an unknown username is
# checked against, so that it takes as long as a wrong password (other costs: `_dummy_hash`).
_DUMMY_HASH_12 = b"$2b$12$nmoqMhfWIM5QDlMiSrVh3evNFd8OoJLlPNRXBiXCD6lAeWn0TP4jm"
_LOCK_LOGIN, _LOCK_USERS = 7_310_211, 7_310_212  # PostgreSQL advisory lock namespaces


@dataclass(frozen=True)
class Throttle:
    """The sign-in throttle's rule, per username: `failures` failures within `window` lock
    the username for `lock` from the last of them; at most `tries_per_hour` tries (right or
    wrong) in any hour."""

    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    tries_per_hour: int = 100

    @property
    def memory(self) -> timedelta:
        """How far back tries matter; older ones are deleted."""
        return max(_HOUR, self.window + self.lock)

    def refused_until(self, tries: Sequence[tuple[datetime, bool]], now: datetime) -> datetime | None:
        """When the next try will be allowed, or None if it is allowed `now`.

        `tries` are one username's (time, succeeded) pairs, in any order. Locked until
        f + `lock` for every failure f that is the `failures`-th within `window`
        (f − f₋₄ < 15 min for the default rule); capped until t + 1 h while the
        `tries_per_hour`-th latest try t is less than an hour old.

        >>> t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        >>> rule, minute = Throttle(), timedelta(minutes=1)
        >>> wrong = [(t0 + i * minute, False) for i in range(5)]     # 9:00 ... 9:04
        >>> rule.refused_until(wrong[:4], t0 + 5 * minute) is None    # 4 failures: allowed
        True
        >>> rule.refused_until(wrong, t0 + 5 * minute)                # the 5th locks until 9:19
        datetime.datetime(2026, 11, 2, 9, 19, tzinfo=datetime.timezone.utc)
        >>> rule.refused_until(wrong, t0 + 19 * minute) is None       # 15 minutes later
        True
        >>> spread = [(t0 + i * 4 * minute, False) for i in range(5)]  # 9:00 ... 9:16
        >>> rule.refused_until(spread, t0 + 17 * minute) is None      # never 5 within 15 min
        True
        """
        failures = sorted(at for at, succeeded in tries if not succeeded)
        until: datetime | None = None
        span = self.failures - 1
        for index in range(span, len(failures)):
            if failures[index] - failures[index - span] < self.window:
                end = failures[index] + self.lock
                until = end if until is None else max(until, end)
        recent = sorted(at for at, _ in tries if at > now - _HOUR)
        if len(recent) >= self.tries_per_hour:
            end = recent[-self.tries_per_hour] + _HOUR
            until = end if until is None else max(until, end)
        return until if until is not None and now < until else None


@dataclass(frozen=True)
class User:
    """A user as the pages see one (never the password hash)."""

    username: str
    name: str
    role: Role
    disabled: bool
    created_at: datetime
    password_changed_at: datetime

    @property
    def is_admin(self) -> bool:
        """May manage users."""
        return self.role is Role.ADMIN and not self.disabled

    @property
    def can_save(self) -> bool:
        """May save, rename, copy, delete and share their own scenarios (editors and admins)."""
        return self.role in (Role.ADMIN, Role.EDITOR) and not self.disabled


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a sign-in: `ok` with the `user`, or not ok with `message`
    (`LOGIN_FAILED`, the same for every failure)."""

    ok: bool
    user: User | None
    message: str


@dataclass(frozen=True)
class SessionInfo:
    """A live session: who, and until when (the earlier of the absolute and the idle limit)."""

    user: User
    issued_at: datetime
    last_seen_at: datetime

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def expires_at(self) -> datetime:
        """When it ends without further activity."""
        return min(self.issued_at + SESSION_ABSOLUTE, self.last_seen_at + SESSION_IDLE)


# --- rules for what users type ---------------------------------------------------------------


def username_key(text: Any) -> str:
    """A username as stored and compared: trimmed, lower-case; 3 to 40 letters a–z, digits,
    `.`, `-`, `_` or `@`; raises `InvalidAccount` with the reason.

    >>> username_key("  Ada.Lovelace@example.org ")
    'ada.lovelace@example.org'
    >>> username_key("a b")
    Traceback (most recent call last):
    ...
    storage.errors.InvalidAccount: A username can contain only the letters a–z, digits and . - _ @ (no spaces).
    """
    if not isinstance(text, str):
        raise InvalidAccount("A username must be text.")
    name = text.strip()
    if len(name) < USERNAME_MIN or len(name) > USERNAME_MAX:
        raise InvalidAccount(
            f"A username has {USERNAME_MIN} to {USERNAME_MAX} characters (this one has {len(name):,})."
        )
    if not _USERNAME.fullmatch(name):
        raise InvalidAccount("A username can contain only the letters a–z, digits and . - _ @ (no spaces).")
    key = name.lower()
    if key in RESERVED_USERNAMES:
        raise InvalidAccount(f'The username "{key}" is reserved; choose another.')
    return key


def clean_display_name(text: Any) -> str:
    """A display name as stored: trimmed, 1 to 80 characters, no control characters.

    >>> clean_display_name("  Ada Lovelace ")
    'Ada Lovelace'
    """
    return checked_text(
        text, what="A display name", missing="A user needs a display name.", limit=DISPLAY_NAME_MAX,
        error=InvalidAccount,
    )  # fmt: skip


def parse_role(value: Any) -> Role:
    """A role from its name (any case).

    >>> parse_role("Editor")
    <Role.EDITOR: 'editor'>
    """
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise InvalidAccount(
            f"A role is one of {', '.join(r.value for r in Role)} (not {str(value)[:20]!r})."
        ) from None


def check_new_password(password: Any, username: str | None = None) -> bytes:
    """A new password as bcrypt takes it (UTF-8 bytes): at least 12 characters, at most 72
    bytes, no control characters, not the username; raises `InvalidPassword` with the reason.

    >>> len(check_new_password("Grüße aus Köln 2026"))   # 19 characters, 22 bytes
    22
    >>> check_new_password("ö" * 40)
    Traceback (most recent call last):
    ...
    storage.errors.InvalidPassword: A password can be at most 72 bytes; this one has 80 (letters outside A–Z take 2 to 4 bytes each). Choose a shorter one.
    """
    if not isinstance(password, str):
        raise InvalidPassword("A password must be text.")
    if len(password) < PASSWORD_MIN_CHARS:
        raise InvalidPassword(
            f"A password needs at least {PASSWORD_MIN_CHARS} characters (this one has {len(password)})."
        )
    if any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in password):
        raise InvalidPassword("A password cannot contain tabs, line breaks or other control characters.")
    encoded = password.encode("utf-8")
    if len(encoded) > PASSWORD_MAX_BYTES:
        raise InvalidPassword(
            f"A password can be at most {PASSWORD_MAX_BYTES} bytes; this one has {len(encoded):,} "
            "(letters outside A–Z take 2 to 4 bytes each). Choose a shorter one."
        )
    if username is not None and password.strip().lower() == username.lower():
        raise InvalidPassword("A password cannot be the username.")
    return encoded


def token_digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, in hex.

    >>> token_digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@cache
def _dummy_hash(rounds: int) -> bytes:
    if rounds == PRODUCTION_BCRYPT_ROUNDS:
        return _DUMMY_HASH_12
    return bcrypt.hashpw(secrets.token_bytes(24), bcrypt.gensalt(rounds))


def _login_key(username: Any) -> str | None:
    """The key a sign-in tries, or None when it cannot be anyone's (bad shape, reserved)."""
    try:
        return username_key(username)
    except InvalidAccount:
        return None


def _int32(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) - 2**31


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _user(row: Row[Any]) -> User:
    return User(
        username=row.username,
        name=row.name,
        role=Role(row.role),
        disabled=bool(row.disabled),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


_USER_COLUMNS = (
    users.c.username,
    users.c.name,
    users.c.role,
    users.c.disabled,
    users.c.created_at,
    users.c.password_changed_at,
)


class AccountStore(DatabaseStore):
    """Users, sign-in and sessions in one database (see the module docstring).

    `clock` gives the current time (timezone-aware; tests pass a frozen one);
    `bcrypt_rounds` is the cost of new hashes and of the dummy check (12 in production,
    4 is bcrypt's lowest, for tests); `throttle` the sign-in rule.
    """

    UNAVAILABLE = "The account database is busy or unreachable; nothing was changed. Try again in a moment."

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime] = _utc_now,
        *,
        bcrypt_rounds: int = PRODUCTION_BCRYPT_ROUNDS,
        throttle: Throttle | None = None,
    ) -> None:
        if not 4 <= bcrypt_rounds <= 31:
            raise ValueError("bcrypt_rounds must be 4 to 31")
        self.engine = engine
        self._clock = clock
        self._rounds = bcrypt_rounds
        self.throttle = throttle or Throttle()

    # --- users --------------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any user exists (no users: the first-run form creates the administrator)."""
        with self._errors(), self.engine.connect() as conn:
            return conn.execute(select(users.c.username).limit(1)).first() is not None

    def create_first_admin(self, username: str, name: str, password: str) -> User:
        """The first user, an administrator: only while there are no users at all (two
        first-run forms submitted at once make one administrator; the other gets
        `NotAllowed`)."""
        return self._create(username, name, password, Role.ADMIN, by=None, only_if_empty=True)

    def create_user(
        self, username: str, name: str, password: str, role: Role | str, *, by: str | None = None
    ) -> User:
        """A new user; raises `UserExists`, `InvalidAccount`, `InvalidPassword`, and
        `NotAllowed` if `by` is given and is not an active administrator."""
        return self._create(username, name, password, parse_role(role), by=by, only_if_empty=False)

    def get_user(self, username: str) -> User | None:
        """The user, or None (unknown, or not a possible username)."""
        key = _login_key(username)
        if key is None:
            return None
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(select(*_USER_COLUMNS).where(users.c.username == key)).one_or_none()
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        """Every user, by username."""
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(select(*_USER_COLUMNS).order_by(users.c.username)).all()
        return [_user(r) for r in rows]

    def set_role(self, username: str, role: Role | str, *, by: str | None = None) -> User:
        """Give a user another role (effective at their next rerun); the last active
        administrator cannot be demoted."""
        key, new_role = username_key(username), parse_role(role)
        with self._write() as conn:
            self._lock_users(conn)
            self._require_admin(conn, by)
            self._existing(conn, key)
            if new_role is not Role.ADMIN:
                self._refuse_last_admin(conn, key, "demoted")
            conn.execute(update(users).where(users.c.username == key).values(role=new_role.value))
            return self._existing(conn, key)

    def disable_user(self, username: str, *, by: str | None = None) -> int:
        """Stop a user signing in and end their sessions at once; returns how many sessions
        ended. The last active administrator cannot be disabled."""
        key = username_key(username)
        with self._write() as conn:
            self._lock_users(conn)
            self._require_admin(conn, by)
            self._existing(conn, key)
            self._refuse_last_admin(conn, key, "disabled")
            conn.execute(update(users).where(users.c.username == key).values(disabled=True))
            return self._revoke(conn, key, None)

    def enable_user(self, username: str, *, by: str | None = None) -> None:
        """Let a disabled user sign in again."""
        key = username_key(username)
        with self._write() as conn:
            self._require_admin(conn, by)
            self._existing(conn, key)
            conn.execute(update(users).where(users.c.username == key).values(disabled=False))

    def reset_password(self, username: str, new_password: str, *, by: str | None = None) -> int:
        """An administrator sets a user's password; every session of the user ends (returns
        how many)."""
        key = username_key(username)
        digest = self._hash(check_new_password(new_password, key))
        with self._write() as conn:
            self._require_admin(conn, by)
            self._existing(conn, key)
            return self._set_password(conn, key, digest, keep_session=None)

    def change_password(
        self,
        username: str,
        new_password: str,
        *,
        current_password: str | None = None,
        keep_session: str | None = None,
    ) -> int:
        """A user changes their own password; their other sessions end (returns how many),
        the one whose token is `keep_session` stays. With `current_password`, it is checked
        first, as a sign-in (throttled): if it fails, `NotAllowed` and nothing changes."""
        key = username_key(username)
        encoded = check_new_password(new_password, key)
        if current_password is not None and not self.check_login(key, current_password).ok:
            raise NotAllowed(
                "Your current password was not right (or there were too many tries: wait 15 "
                "minutes). The password was not changed."
            )
        digest = self._hash(encoded)
        with self._write() as conn:
            self._existing(conn, key)
            return self._set_password(conn, key, digest, keep_session=keep_session)

    def credentials_for_authenticator(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The active users as streamlit-authenticator 0.4.2's credentials, already hashed
        (pass `auto_hash=False`): `{"usernames": {username: {"name", "password", "roles"}}}`.

        A fresh dict on every call (the library writes into it). Disabled users are left out.
        Passwords must still be checked with `check_login`, which throttles; the library's
        own check does not.
        """
        query = (
            select(users.c.username, users.c.name, users.c.password_hash, users.c.role)
            .where(users.c.disabled.is_(False))
            .order_by(users.c.username)
        )
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {
            "usernames": {
                r.username: {"name": r.name, "password": r.password_hash, "roles": [r.role]} for r in rows
            }
        }

    # --- signing in ---------------------------------------------------------------------

    def check_login(self, username: str, password: str) -> LoginResult:
        """Check a username and password through the throttle (see the module docstring)."""
        key = _login_key(username)
        if isinstance(password, str):
            encoded = password.encode("utf-8", "surrogatepass")
        else:
            encoded = b""
        now = self._clock()
        if key is None:  # nobody can have this name: same work, same answer
            self._burn_time(encoded)
            return self._failed(username, "not a possible username")
        with self._write() as conn:
            self._lock(conn, _LOCK_LOGIN, key)
            conn.execute(delete(login_attempts).where(login_attempts.c.at < now - self.throttle.memory))
            recent = conn.execute(
                select(login_attempts.c.at, login_attempts.c.succeeded).where(
                    login_attempts.c.username == key, login_attempts.c.at > now - self.throttle.memory
                )
            ).all()
            if self.throttle.refused_until([(r.at, bool(r.succeeded)) for r in recent], now):
                attempt_id = None
            else:
                attempt_id = conn.execute(
                    insert(login_attempts)
                    .values(username=key, at=now, succeeded=False)
                    .returning(login_attempts.c.id)
                ).scalar_one()
            row = conn.execute(
                select(*_USER_COLUMNS, users.c.password_hash).where(users.c.username == key)
            ).one_or_none()
        if attempt_id is None:
            return self._failed(key, "throttled")
        if row is None:
            self._burn_time(encoded)
            return self._failed(key, "unknown username")
        if len(encoded) > PASSWORD_MAX_BYTES:  # no stored password is that long
            self._burn_time(encoded)
            right = False
        else:
            right = _checkpw(encoded, row.password_hash.encode("ascii"))
        if not right:
            return self._failed(key, "wrong password")
        if row.disabled:
            return self._failed(key, "disabled")
        with self._write() as conn:
            conn.execute(
                update(login_attempts).where(login_attempts.c.id == attempt_id).values(succeeded=True)
            )
        return LoginResult(True, _user(row), "")

    # --- sessions -----------------------------------------------------------------------

    def start_session(self, username: str) -> str:
        """A new session for an active user (after `check_login`); returns its token for the
        browser. Sessions past their absolute limit are deleted on the way."""
        key = username_key(username)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()
        with self._write() as conn:
            user = self._existing(conn, key)
            if user.disabled:
                raise NotAllowed(f'The account "{key}" is disabled.')
            conn.execute(delete(sessions).where(sessions.c.issued_at <= now - SESSION_ABSOLUTE))
            conn.execute(
                insert(sessions).values(
                    token_sha256=token_digest(token),
                    username=key,
                    issued_at=now,
                    last_seen_at=now,
                    revoked_at=None,
                )
            )
        return token

    def check_session(self, token: Any) -> SessionInfo | None:
        """The live session of `token`, or None (unknown, revoked, 12 h since issue, 30 min
        since last seen, user disabled). Records the time as last seen at most once a minute."""
        if not isinstance(token, str) or not 0 < len(token) <= _TOKEN_MAX_CHARS:
            return None
        digest, now = token_digest(token), self._clock()
        query = (
            select(
                sessions.c.issued_at,
                sessions.c.last_seen_at,
                sessions.c.revoked_at,
                *_USER_COLUMNS,
            )
            .join(users, users.c.username == sessions.c.username)
            .where(sessions.c.token_sha256 == digest)
        )
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        if row is None or not _alive(row, now):
            return None
        last_seen = row.last_seen_at
        if now - last_seen >= LAST_SEEN_EVERY:
            with self._write() as conn:
                touched = conn.execute(
                    update(sessions)
                    .where(
                        sessions.c.token_sha256 == digest,
                        sessions.c.revoked_at.is_(None),
                        sessions.c.last_seen_at < now,
                    )
                    .values(last_seen_at=now)
                    .returning(sessions.c.last_seen_at)
                ).scalar_one_or_none()
                if touched is None:  # revoked (or touched) since the read: look again
                    row = conn.execute(query).one_or_none()
                    if row is None or not _alive(row, now):
                        return None
                    touched = row.last_seen_at
            last_seen = touched
        return SessionInfo(_user(row), row.issued_at, last_seen)

    def end_session(self, token: Any) -> bool:
        """Log out: revoke the session of `token`; True if a live one was ended."""
        if not isinstance(token, str) or not 0 < len(token) <= _TOKEN_MAX_CHARS:
            return False
        with self._write() as conn:
            ended = conn.execute(
                update(sessions)
                .where(sessions.c.token_sha256 == token_digest(token), sessions.c.revoked_at.is_(None))
                .values(revoked_at=self._clock())
            )
            return bool(ended.rowcount)

    def revoke_sessions(self, username: str, except_token: str | None = None) -> int:
        """End every session of the user but `except_token`'s; returns how many ended."""
        key = username_key(username)
        with self._write() as conn:
            return self._revoke(conn, key, except_token)

    # --- inside -------------------------------------------------------------------------

    def _create(
        self, username: str, name: str, password: str, role: Role, *, by: str | None, only_if_empty: bool
    ) -> User:
        key, display = username_key(username), clean_display_name(name)
        encoded = check_new_password(password, key)
        if self.get_user(key) is not None:  # cheap answer before the slow hash; checked again below
            raise UserExists(key)
        digest = self._hash(encoded)
        now = self._clock()
        try:
            with self._write() as conn:
                self._lock_users(conn)
                if only_if_empty and conn.execute(select(users.c.username).limit(1)).first() is not None:
                    raise NotAllowed("An administrator has already been set up: sign in instead.")
                self._require_admin(conn, by)
                if conn.execute(select(users.c.username).where(users.c.username == key)).first():
                    raise UserExists(key)
                conn.execute(
                    insert(users).values(
                        username=key,
                        name=display,
                        password_hash=digest,
                        role=role.value,
                        disabled=False,
                        created_at=now,
                        password_changed_at=now,
                    )
                )
        except IntegrityError as error:  # created by someone else at the same moment
            raise UserExists(key) from error
        return User(key, display, role, False, now, now)

    def _hash(self, encoded: bytes) -> str:
        return bcrypt.hashpw(encoded, bcrypt.gensalt(self._rounds)).decode("ascii")

    def _burn_time(self, encoded: bytes) -> None:
        """A password check that cannot succeed, as slow as a real one."""
        _checkpw(encoded[:PASSWORD_MAX_BYTES], _dummy_hash(self._rounds))

    def _failed(self, who: Any, reason: str) -> LoginResult:
        logger.info("sign-in refused for %r: %s", str(who)[:USERNAME_MAX], reason)
        return LoginResult(False, None, LOGIN_FAILED)

    def _set_password(self, conn: Connection, key: str, digest: str, keep_session: str | None) -> int:
        conn.execute(
            update(users)
            .where(users.c.username == key)
            .values(password_hash=digest, password_changed_at=self._clock())
        )
        return self._revoke(conn, key, keep_session)

    def _revoke(self, conn: Connection, key: str, except_token: str | None) -> int:
        where = [sessions.c.username == key, sessions.c.revoked_at.is_(None)]
        if isinstance(except_token, str) and except_token:
            where.append(sessions.c.token_sha256 != token_digest(except_token))
        return int(conn.execute(update(sessions).where(*where).values(revoked_at=self._clock())).rowcount)

    def _existing(self, conn: Connection, key: str) -> User:
        row = conn.execute(select(*_USER_COLUMNS).where(users.c.username == key)).one_or_none()
        if row is None:
            raise UnknownUser(key)
        return _user(row)

    def _require_admin(self, conn: Connection, by: str | None) -> None:
        if by is None:
            return
        key = _login_key(by)
        row = None
        if key is not None:
            row = conn.execute(
                select(users.c.role, users.c.disabled).where(users.c.username == key)
            ).one_or_none()
        if row is None or row.role != Role.ADMIN.value or row.disabled:
            raise NotAllowed("Only an administrator can manage users.")

    def _refuse_last_admin(self, conn: Connection, key: str, change: str) -> None:
        active_admins = set(
            conn.execute(
                select(users.c.username).where(users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))
            ).scalars()
        )
        if active_admins == {key}:
            raise NotAllowed(
                f'"{key}" is the only active administrator and cannot be {change}: '
                "make another user an administrator first."
            )

    def _lock_users(self, conn: Connection) -> None:
        self._lock(conn, _LOCK_USERS, "")

    @staticmethod
    def _lock(conn: Connection, namespace: int, key: str) -> None:
        """Serialise transactions on `key` (SQLite: `BEGIN IMMEDIATE` already does)."""
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(CAST(:namespace AS integer), CAST(:key AS integer))"),
                {"namespace": namespace, "key": _int32(key)},
            )


def _checkpw(encoded: bytes, digest: bytes) -> bool:
    try:
        return bcrypt.checkpw(encoded, digest)
    except ValueError:  # a damaged stored hash, or over 72 bytes: no match, never a crash
        return False


def _alive(row: Row[Any], now: datetime) -> bool:
    return (
        row.revoked_at is None
        and not row.disabled
        and now - row.issued_at < SESSION_ABSOLUTE
        and now - row.last_seen_at < SESSION_IDLE
    )
