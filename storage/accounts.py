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

Signing in, `check_login(username, password, client=...)` gives a `LoginResult`: `ok` and the
`User`, or one message (`LOGIN_FAILED`) for every failure: wrong password, unknown user,
disabled account, paused. `client` says who is trying, as the app sees it: the network
address (behind a proxy, its forwarded address only when the deployment trusts that proxy),
or an id of the app's choosing; None when unknown (every unknown client then shares one
bucket per username, which is how the throttle behaved before revision 0004).

The throttle (`Throttle`) is kept in the database, so every app process applies the same
counts. It follows OWASP's Authentication Cheat Sheet ("account lockout": a lock that
expires, exponential back-off, no permanent lockout an attacker can trigger) and NIST SP
800-63B § 5.2.2 (at most 100 consecutive failed tries; rate limiting rather than disabling
the account) (ASVS V2.2.1). The rules:

- **per username and client**: 5 failures within 15 minutes pause that client's tries at that
  username for 15 minutes from the 5th; at most 100 tries (right or wrong) in any hour. A
  success never counts as a failure and never clears a pause; a pause ends by itself;
- **per username, over the clients that have not signed in as that user in the last 30
  days** (a progressive slow-down, not a lock): from the 10th failure within an hour on, the
  next try waits 1 s, 2 s, 4 s, ... after the latest failure (at most 1 minute), and at
  most 100 tries in any hour. Clients that signed in as the user before (`login_clients`)
  are exempt, so nobody elsewhere, however many addresses they use, can keep a user (or the
  only administrator) out of a device they have used: only that client's own failures
  pause it;
- an administrator lifts every pause of a username at once: `unlock(username, by=admin)`
  (the Users page) or `python -m storage.users unlock USERNAME`; a password reset or change
  does too (`sign_in_status` says what is paused);
- a try made while paused is refused at once: no password check, not recorded (so a pause
  cannot be extended for ever by trying during it, and costs the server nothing);
- each try is recorded *before* its password is checked, in a transaction that first reads
  the username's recent tries (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock per
  username): 50 tries in parallel from one client get 5 password checks, not 50;
- an unknown username gets a bcrypt check against a dummy hash of the same cost, and is
  recorded and paused like any other, so neither timing nor pausing says whether it exists.

Logging (logger `storage.accounts`, at WARNING, Python's default level): every failed
sign-in with the client, the reason and the pause it starts, and every lifted pause. The
username is logged as its key (lower-case) when it is an account's; an unknown or impossible
username only as `unknown#` and 8 hex digits of a keyed hash (the key is random per process),
because what was typed there may be a password in the wrong box: repeated tries at one
unknown name can still be told apart from a spray over many. Passwords are never logged. A try refused during a pause is logged at INFO only (a flood of them would fill the
log; the pause was logged when it began); a success at INFO.

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
>>> accounts.check_login("ADA", "wrong password!", client="203.0.113.7").message == LOGIN_FAILED
True
>>> result = accounts.check_login("ada", "analytical engine", client="198.51.100.4")
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
import hmac
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
from sqlalchemy.dialects import postgresql, sqlite
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
from storage.schema import (
    CLIENT_MAX,
    DISPLAY_NAME_MAX,
    USERNAME_MAX,
    login_attempts,
    login_clients,
    sessions,
    users,
)

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

# A client that signed in as a user is exempt from the username-wide slow-down this long.
KNOWN_CLIENT_FOR = timedelta(days=30)

LOGIN_FAILED = (
    "That username and password did not work. Check both and try again; after 5 failed "
    "tries, signing in with that username from here pauses for 15 minutes (an administrator "
    "can lift the pause)."
)

# A hash of a random, discarded password at the production cost: what an unknown username is
# checked against, so that it takes as long as a wrong password (other costs: `_dummy_hash`).
_DUMMY_HASH_12 = b"$2b$12$nmoqMhfWIM5QDlMiSrVh3evNFd8OoJLlPNRXBiXCD6lAeWn0TP4jm"
_LOCK_LOGIN, _LOCK_USERS = 7_310_211, 7_310_212  # PostgreSQL advisory lock namespaces


@dataclass(frozen=True)
class Throttle:
    """The sign-in throttle's rules (module docstring).

    Per username and client (`refused_until`): `failures` failures within `window` pause
    that client's tries at the username for `lock` from the last of them; at most
    `tries_per_hour` tries (right or wrong) in any hour.

    Per username, over the clients that have not signed in as that user (`slowed_until`):
    from the `shared_free`-th failure within an hour on, the next try waits 2^(n −
    `shared_free`) seconds after the latest failure (n failures in the hour), at most
    `shared_delay_max`; at most `tries_per_hour` tries in any hour.
    """

    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    tries_per_hour: int = 100
    shared_free: int = 10
    shared_delay_max: timedelta = timedelta(minutes=1)

    @property
    def memory(self) -> timedelta:
        """How far back tries matter; older ones are deleted."""
        return max(_HOUR, self.window + self.lock)

    def refused_until(self, tries: Sequence[tuple[datetime, bool]], now: datetime) -> datetime | None:
        """When the next try will be allowed, or None if it is allowed `now`.

        `tries` are one username's (time, succeeded) pairs from one client, in any order.
        Paused until f + `lock` for every failure f that is the `failures`-th within `window`
        (f − f₋₄ < 15 min for the default rule); capped until t + 1 h while the
        `tries_per_hour`-th latest try t is less than an hour old.

        >>> t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        >>> rule, minute = Throttle(), timedelta(minutes=1)
        >>> wrong = [(t0 + i * minute, False) for i in range(5)]     # 9:00 ... 9:04
        >>> rule.refused_until(wrong[:4], t0 + 5 * minute) is None    # 4 failures: allowed
        True
        >>> rule.refused_until(wrong, t0 + 5 * minute)                # the 5th pauses until 9:19
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
                until = _later(until, failures[index] + self.lock)
        until = _later(until, self._hourly_cap(tries, now))
        return until if until is not None and now < until else None

    def slowed_until(self, tries: Sequence[tuple[datetime, bool]], now: datetime) -> datetime | None:
        """When the next try from a client new to the username will be allowed, or None if now.

        `tries` are the username's (time, succeeded) pairs from every client that has not
        signed in as that user.

        >>> t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        >>> rule, second = Throttle(), timedelta(seconds=1)
        >>> wrong = [(t0 + i * 10 * second, False) for i in range(12)]  # 12 failures, the last at 9:01:50
        >>> rule.slowed_until(wrong[:9], t0 + 90 * second) is None      # 9: no wait
        True
        >>> rule.slowed_until(wrong[:10], t0 + 90 * second)             # the 10th: 1 s
        datetime.datetime(2026, 11, 2, 9, 1, 31, tzinfo=datetime.timezone.utc)
        >>> rule.slowed_until(wrong, t0 + 110 * second)                 # the 12th: 4 s
        datetime.datetime(2026, 11, 2, 9, 1, 54, tzinfo=datetime.timezone.utc)
        >>> many = [(t0 + i * second, False) for i in range(40)]
        >>> rule.slowed_until(many, t0 + 40 * second) - many[-1][0]     # never more than a minute
        datetime.timedelta(seconds=60)
        """
        failures = sorted(at for at, succeeded in tries if not succeeded and at > now - _HOUR)
        until: datetime | None = None
        extra = len(failures) - self.shared_free
        if extra >= 0:
            delay = min(self.shared_delay_max, timedelta(seconds=2 ** min(extra, 30)))
            until = failures[-1] + delay
        until = _later(until, self._hourly_cap(tries, now))
        return until if until is not None and now < until else None

    def _hourly_cap(self, tries: Sequence[tuple[datetime, bool]], now: datetime) -> datetime | None:
        recent = sorted(at for at, _ in tries if at > now - _HOUR)
        if len(recent) >= self.tries_per_hour:
            return recent[-self.tries_per_hour] + _HOUR
        return None


@dataclass(frozen=True)
class SignInStatus:
    """What the throttle holds against a username now (`AccountStore.sign_in_status`):
    failures in the last hour, the clients paused (client, until; `""` is "unknown client"),
    and until when clients that never signed in as the user must wait (None: they need not)."""

    failures_last_hour: int
    paused_clients: tuple[tuple[str, datetime], ...]
    new_clients_wait_until: datetime | None

    @property
    def paused(self) -> bool:
        """Whether any client is paused or new clients must wait."""
        return bool(self.paused_clients) or self.new_clients_wait_until is not None


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


def client_key(client: Any) -> str:
    """How a client is stored and logged: printable ASCII (anything else becomes `?`), at
    most 100 characters; `""` for an unknown client (None, empty, not text).

    >>> client_key(" 2001:db8::1 "), client_key(None), client_key("evil\\nline")
    ('2001:db8::1', '', 'evil?line')
    """
    if not isinstance(client, str):
        return ""
    cleaned = "".join(ch if " " <= ch <= "~" else "?" for ch in client.strip())
    return cleaned[:CLIENT_MAX]


_LOG_KEY = secrets.token_bytes(16)  # per process: unknown usernames are logged as keyed hashes


def _unknown_name(text: Any) -> str:
    """An unknown or impossible username as the log shows it: `unknown#` + 8 hex digits of a
    keyed hash (what was typed may be a password in the wrong box).

    >>> _unknown_name("hunter2hunter2") == _unknown_name("hunter2hunter2"), _unknown_name("x")[:8]
    (True, 'unknown#')
    """
    raw = text if isinstance(text, str) else repr(type(text))
    digest = hmac.new(_LOG_KEY, raw.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"unknown#{digest[:8]}"


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None:
        return second
    return first if second is None or first >= second else second


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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
        how many) and every sign-in pause of the username is lifted."""
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
        client: str | None = None,
    ) -> int:
        """A user changes their own password; their other sessions end (returns how many),
        the one whose token is `keep_session` stays. With `current_password`, it is checked
        first, as a sign-in from `client` (throttled): if it fails, `NotAllowed` and nothing
        changes."""
        key = username_key(username)
        encoded = check_new_password(new_password, key)
        if current_password is not None and not self.check_login(key, current_password, client=client).ok:
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

    def check_login(self, username: str, password: str, *, client: str | None = None) -> LoginResult:
        """Check a username and password through the throttle (see the module docstring);
        `client` is who is trying (their address, or an id the app chooses; None: unknown)."""
        key = _login_key(username)
        source = client_key(client)
        if isinstance(password, str):
            encoded = password.encode("utf-8", "surrogatepass")
        else:
            encoded = b""
        now = self._clock()
        if key is None:  # nobody can have this name: same work, same answer
            self._burn_time(encoded)
            return self._failed(_unknown_name(username), source, "not a possible username")
        with self._write() as conn:
            self._lock(conn, _LOCK_LOGIN, key)
            conn.execute(delete(login_attempts).where(login_attempts.c.at < now - self.throttle.memory))
            recent = self._recent_tries(conn, key, now)
            known = self._known_clients(conn, key, now)
            refused = self._refused_until(recent, known, source, now)
            if refused is not None:
                attempt_id = None
            else:
                attempt_id = conn.execute(
                    insert(login_attempts)
                    .values(username=key, at=now, succeeded=False, client=source)
                    .returning(login_attempts.c.id)
                ).scalar_one()
            row = conn.execute(
                select(*_USER_COLUMNS, users.c.password_hash).where(users.c.username == key)
            ).one_or_none()
        shown = key if row is not None else _unknown_name(key)
        if attempt_id is None:
            assert refused is not None
            logger.info(
                "sign-in refused without a password check for %s from %s: paused until %s",
                shown, source or "an unknown client", _when(refused),
            )  # fmt: skip
            return LoginResult(False, None, LOGIN_FAILED)
        reason = None
        if row is None:
            self._burn_time(encoded)
            reason = "unknown username"
        elif len(encoded) > PASSWORD_MAX_BYTES:  # no stored password is that long
            self._burn_time(encoded)
            reason = "wrong password"
        elif not _checkpw(encoded, row.password_hash.encode("ascii")):
            reason = "wrong password"
        elif row.disabled:
            reason = "disabled account"
        if reason is not None:
            paused = self._refused_until([*recent, (now, False, source)], known, source, now)
            return self._failed(shown, source, reason, paused)
        assert row is not None
        with self._write() as conn:
            conn.execute(
                update(login_attempts).where(login_attempts.c.id == attempt_id).values(succeeded=True)
            )
            if source:
                self._remember_client(conn, key, source, now)
        logger.info("signed in: %s from %s", key, source or "an unknown client")
        return LoginResult(True, _user(row), "")

    def sign_in_status(self, username: str) -> SignInStatus:
        """What the throttle holds against the username now (for the Users page and the
        command line); raises `UnknownUser`."""
        key = username_key(username)
        now = self._clock()
        with self._errors(), self.engine.connect() as conn:
            self._existing(conn, key)
            recent = self._recent_tries(conn, key, now)
            known = self._known_clients(conn, key, now)
        paused = []
        for source in sorted({c for _, _, c in recent}):
            until = self.throttle.refused_until([(at, ok) for at, ok, c in recent if c == source], now)
            if until is not None:
                paused.append((source, until))
        newcomers = [(at, ok) for at, ok, c in recent if c not in known]
        failures = sum(1 for at, ok, _ in recent if not ok and at > now - _HOUR)
        return SignInStatus(failures, tuple(paused), self.throttle.slowed_until(newcomers, now))

    def unlock(self, username: str, *, by: str | None = None) -> int:
        """Lift every sign-in pause of the username (an administrator's `by`, or the command
        line): its recorded tries are deleted. Returns how many tries were cleared; raises
        `UnknownUser`, `NotAllowed`."""
        key = username_key(username)
        with self._write() as conn:
            self._require_admin(conn, by)
            self._existing(conn, key)
            self._lock(conn, _LOCK_LOGIN, key)
            cleared = self._clear_tries(conn, key)
        logger.warning(
            "sign-in pauses of %s lifted by %s (%d recorded tries cleared)",
            key, by or "the command line", cleared,
        )  # fmt: skip
        return cleared

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

    def _failed(self, who: str, source: str, reason: str, paused: datetime | None = None) -> LoginResult:
        """Log a failed sign-in (never the password) and give the one failure message."""
        logger.warning(
            "sign-in failed for %s from %s: %s%s",
            who, source or "an unknown client", reason,
            f"; further tries paused until {_when(paused)}" if paused is not None else "",
        )  # fmt: skip
        return LoginResult(False, None, LOGIN_FAILED)

    def _recent_tries(self, conn: Connection, key: str, now: datetime) -> list[tuple[datetime, bool, str]]:
        rows = conn.execute(
            select(login_attempts.c.at, login_attempts.c.succeeded, login_attempts.c.client).where(
                login_attempts.c.username == key, login_attempts.c.at > now - self.throttle.memory
            )
        ).all()
        return [(r.at, bool(r.succeeded), r.client or "") for r in rows]

    def _known_clients(self, conn: Connection, key: str, now: datetime) -> frozenset[str]:
        """Clients that signed in as the user within `KNOWN_CLIENT_FOR` (never `""`)."""
        return frozenset(
            conn.execute(
                select(login_clients.c.client).where(
                    login_clients.c.username == key,
                    login_clients.c.last_success_at > now - KNOWN_CLIENT_FOR,
                )
            ).scalars()
        ) - {""}

    def _refused_until(
        self, tries: Sequence[tuple[datetime, bool, str]], known: frozenset[str], source: str, now: datetime
    ) -> datetime | None:
        """When `source` may next try the username: its own pause, and, for a client that has
        not signed in as the user, the username-wide slow-down."""
        until = self.throttle.refused_until([(at, ok) for at, ok, c in tries if c == source], now)
        if source not in known:
            newcomers = [(at, ok) for at, ok, c in tries if c not in known]
            until = _later(until, self.throttle.slowed_until(newcomers, now))
        return until

    def _remember_client(self, conn: Connection, key: str, source: str, now: datetime) -> None:
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = dialect_insert(login_clients).values(username=key, client=source, last_success_at=now)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[login_clients.c.username, login_clients.c.client],
                set_={"last_success_at": now},
            )
        )
        conn.execute(
            delete(login_clients).where(
                login_clients.c.username == key, login_clients.c.last_success_at <= now - KNOWN_CLIENT_FOR
            )
        )

    @staticmethod
    def _clear_tries(conn: Connection, key: str) -> int:
        return int(conn.execute(delete(login_attempts).where(login_attempts.c.username == key)).rowcount)

    def _set_password(self, conn: Connection, key: str, digest: str, keep_session: str | None) -> int:
        """The new hash; the user's other sessions end, and every sign-in pause of the
        username is lifted (a password nobody else knows makes them pointless)."""
        conn.execute(
            update(users)
            .where(users.c.username == key)
            .values(password_hash=digest, password_changed_at=self._clock())
        )
        self._lock(conn, _LOCK_LOGIN, key)
        if self._clear_tries(conn, key):
            logger.warning("sign-in pauses of %s lifted by a new password", key)
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
