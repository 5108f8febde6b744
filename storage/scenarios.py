"""Saved scenarios: save, open, rename, fork, delete and list, with no lost update.

`ScenarioStore(engine)` is the whole interface; every method names the owner, and a
scenario of another owner is "not found", exactly like a missing one (SECURITY.md: opaque
ids, ownership checked on every load). In single-user mode the app has one owner,
`LOCAL_OWNER`; with accounts, the owner is the signed-in user's `User.username`.

Sharing and roles (with accounts, `storage.accounts`). A scenario is private to its owner
until shared: `share(owner, id, grantees)` with usernames, or with `ALL_SIGNED_IN` for every
signed-in user; `unshare` takes it back; `shared_with` lists the grantees. `open_for(user,
id)` and `list_visible(user)` give the user's own scenarios and those shared with them
(`VisibleScenario.shared_with_me`, `owner`, `owner_name` say whose); anything else is
`NotFound` with the same message as a missing id. Writes stay the owner's: a reader who
saves, renames or deletes a scenario shared with them gets `NotAllowed` ("save a copy"), and
`fork` copies a shared scenario into the reader's own. Roles are enforced here, whatever
the page shows: every write (save, rename, copy, delete, share, unshare) needs an owner who
may write, which is `LOCAL_OWNER` (single-user mode) or an active editor or administrator.
Anyone else is refused with `NotAllowed` and nothing changes: a viewer, a
disabled account, a name no account has, and a client link's session (its owner,
`client-link:<id>`, can never be a username), so a read-only client link stays read-only
even if a page offered it a save button.

Client links (`components/saved/client_links.py`: signed, expiring, read-only links for
people without an account) are stored one by one (`storage.client_links`: issue, list,
revoke); each also carries the time it was issued. `withdraw_client_links(owner, id)` ends
every link of that scenario issued until now (the scenario's `client_links_since`, and every
unrevoked row revoked by the owner), leaving everything else as it was; it is a write, so only
an owner who may write can do it (an administrator has no more right to another user's
scenario here than anyone else: disabling or demoting its owner ends their links).
`client_links_since` reads the time back for the check made on every visit.

Versions. A new scenario has version 1; every write (save, rename) adds 1. A save names the
version it started from, and the database changes the row only if that is still the
version stored:

    UPDATE scenarios SET ..., version = version + 1
     WHERE id = :id AND owner = :owner AND version = :expected

If no row changed, someone else saved in between: `VersionConflict` ("changed elsewhere:
reload it, or save yours as a copy"), never a silent overwrite. This works alike on SQLite
(writes are serialised by `BEGIN IMMEDIATE`) and PostgreSQL (the row lock makes the second
UPDATE re-check its WHERE clause after the first commits).

Names are trimmed, 1 to 80 characters of any text without control characters, with at least
one visible character, and unique per owner regardless of case, of compatibility forms and of
invisible characters ("Plan A", "plan a", the full-width "Ｐｌａｎ Ａ", "Plan\u200b A" with a
zero-width space, "\ufeffPlan A" with a byte-order mark and "Plan  A" are one name): the
comparison uses `name_key` (NFKC, case-folded, format characters and other invisible code
points removed, runs of spaces made one), which search uses too. The name itself is stored as
written. Names are user text: show them as text, never as Markdown or HTML.

A saved state is read back strictly through the models (`storage.state`). A row that fails
is not an exception: `open` returns a `BadRow` naming the scenario and listing what is wrong,
and `list` still lists it. Database failures (locked beyond the busy timeout, server down)
raise `StorageUnavailable` with a message fit for the screen; the technical cause is
chained for the log.

>>> import shutil, tempfile
>>> folder = tempfile.mkdtemp()
>>> from storage.database import create_engine_for
>>> from storage.migrations import upgrade
>>> from calculators.scenario import Scenario
>>> engine = create_engine_for(f"sqlite:///{folder}/demo.sqlite3")
>>> upgrade(engine)
>>> store = ScenarioStore(engine)
>>> saved = store.save_new(LOCAL_OWNER, "  Plan A ", ScenarioState(Scenario(learners=477)))
>>> saved.name, saved.version, len(saved.id)
('Plan A', 1, 10)
>>> store.open(LOCAL_OWNER, saved.id).state.scenario.learners
477
>>> again = store.save(LOCAL_OWNER, saved.id, 1, ScenarioState(Scenario(learners=600)))
>>> again.version
2
>>> store.save(LOCAL_OWNER, saved.id, 1, ScenarioState(Scenario(learners=700)))
Traceback (most recent call last):
...
storage.errors.VersionConflict: "Plan A" was changed elsewhere (it is now at version 2; you started from version 1): reload it, or save yours as a copy.
>>> store.save_new(LOCAL_OWNER, "PLAN a", ScenarioState())
Traceback (most recent call last):
...
storage.errors.NameTaken: You already have a scenario named "Plan A"; choose another name.
>>> [row.name for row in store.list(LOCAL_OWNER, search="plan")]
['Plan A']
>>> engine.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import builtins
import re
import secrets
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.accounts import ALL_SIGNED_IN, Role, username_key
from storage.database import DatabaseStore
from storage.errors import (
    InvalidAccount,
    InvalidName,
    NameTaken,
    NotAllowed,
    NotFound,
    StorageUnavailable,
    UnknownUser,
    VersionConflict,
    checked_text,
)
from storage.schema import ID_MAX, NAME_MAX, OWNER_MAX, client_links, scenario_shares, scenarios, users
from storage.state import ScenarioState, state_from_json, state_to_json

LOCAL_OWNER = "local"
ID_LENGTH = 10  # 62**10 ≈ 8·10^17 ids: guessing one is hopeless, a collision is retried
ID_ALPHABET = string.ascii_letters + string.digits  # no '-' or '_': links survive chat apps
_ID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{ID_MAX}}}")
LIST_LIMIT = 500
VIEWER_MESSAGE = (
    "Your account can open scenarios shared with you but cannot save, change, copy or share "
    "scenarios; ask an administrator for editor access."
)
NO_ACCOUNT_MESSAGE = (
    "Only a signed-in editor can save, change, copy or share scenarios; this view is read-only."
)
WRITING_ROLES = frozenset({Role.ADMIN.value, Role.EDITOR.value})


@dataclass(frozen=True)
class Saved:
    """The result of a write: what the page keeps to save again (`id`, `version`)."""

    id: str
    name: str
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class ScenarioListing:
    """One line of the list of saved scenarios."""

    id: str
    name: str
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class VisibleScenario(ScenarioListing):
    """One line of the list a signed-in user sees: theirs, or shared with them by `owner`
    (`owner_name` is the owner's display name, None for an owner without an account)."""

    owner: str
    owner_name: str | None
    shared_with_me: bool


@dataclass(frozen=True)
class SavedRow:
    """What every opened scenario row has, read back cleanly or not."""

    id: str
    owner: str
    name: str
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredScenario(SavedRow):
    """A saved scenario that read back cleanly."""

    state: ScenarioState


@dataclass(frozen=True)
class BadRow(SavedRow):
    """A saved scenario whose stored state failed validation: nothing should be shown from it
    as if it were sound. `problems` says what is wrong, value by value; `salvaged` is the
    state with each bad value replaced by its default, for a page that offers "open anyway"."""

    problems: tuple[str, ...]
    salvaged: ScenarioState

    @property
    def message(self) -> str:
        count = len(self.problems)
        return (
            f'The saved scenario "{self.name}" could not be opened as saved: '
            f"{count} value{'s' if count != 1 else ''} could not be read."
        )


def clean_name(text: Any) -> str:
    """A scenario name as stored: trimmed; 1 to 80 characters; no line breaks or control characters.

    >>> clean_name("  Q3 plan — 2,000 learners ")
    'Q3 plan — 2,000 learners'
    >>> clean_name("   ")
    Traceback (most recent call last):
    ...
    storage.errors.InvalidName: A scenario needs a name.
    >>> clean_name("\u200b\ufeff")
    Traceback (most recent call last):
    ...
    storage.errors.InvalidName: A scenario needs a name with at least one visible character.
    """
    name = checked_text(
        text, what="A scenario name", missing="A scenario needs a name.", limit=NAME_MAX, error=InvalidName
    )
    if not name_key(name):
        raise InvalidName("A scenario needs a name with at least one visible character.")
    return name


# Code points that show nothing but are not whitespace: every format character (category Cf:
# zero-width space and joiners, byte-order mark, soft hyphen, bidirectional controls, tags)
# plus Unicode's other default-ignorable code points and two blank look-alikes.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors supplement
)


def is_invisible(ch: str) -> bool:
    """Whether a character shows nothing and is not whitespace (see `_INVISIBLE_RANGES`).

    >>> [is_invisible(c) for c in ("\u200b", "\ufeff", "\u00ad", "\u202e", " ", "a")]
    [True, True, True, True, False, False]
    """
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def name_key(name: str) -> str:
    """The form in which names are compared and searched: NFKC-normalised, case-folded,
    invisible characters removed and runs of whitespace made one space (trimmed).

    >>> name_key("Plan A") == name_key("PLAN a") == name_key("Ｐｌａｎ Ａ") == name_key("Plan  A")
    True
    >>> name_key("\ufeffPlan\u200b A\u2060") == name_key("Plan A")
    True
    >>> name_key("Straße")
    'strasse'
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    visible = "".join(ch for ch in folded if not is_invisible(ch))
    return unicodedata.normalize("NFKC", " ".join(visible.split()))


def new_id() -> str:
    """A fresh random id: `ID_LENGTH` letters and digits."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ScenarioStore(DatabaseStore):
    """Saved scenarios in one database (see the module docstring).

    `clock` gives the time of each write (timezone-aware); tests pass a fake one.
    """

    UNAVAILABLE = "The scenario database is busy or unreachable; nothing was changed. Try again in a moment."

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self.engine = engine
        self._clock = clock

    # --- writes -------------------------------------------------------------------------

    def save_new(self, owner: str, name: str, state: ScenarioState) -> Saved:
        """Save `state` as a new scenario named `name`; raises `NameTaken`, `InvalidName`."""
        owner, name = _check_owner(owner), clean_name(name)
        return self._insert(owner, name, state_to_json(state))

    def save(
        self,
        owner: str,
        scenario_id: str,
        expected_version: int,
        state: ScenarioState,
        *,
        name: str | None = None,
    ) -> Saved:
        """Overwrite a scenario's state (and its name if given), if it is still at
        `expected_version`; raises `VersionConflict` if someone saved it since, `NotFound`,
        `NameTaken`."""
        owner = _check_owner(owner)
        document = state_to_json(state)
        new_name = None if name is None else clean_name(name)
        return self._update(owner, scenario_id, expected_version, new_name, document)

    def rename(
        self, owner: str, scenario_id: str, new_name: str, *, expected_version: int | None = None
    ) -> Saved:
        """Give a scenario another name (a write: the version goes up by one). With
        `expected_version`, refuse with `VersionConflict` if it was changed since."""
        return self._update(_check_owner(owner), scenario_id, expected_version, clean_name(new_name), None)

    def fork(self, owner: str, scenario_id: str, new_name: str) -> Saved:
        """Save a copy of a stored scenario under a new name ("save as copy" of what is stored;
        to copy what is on screen, use `save_new`). The original may be the owner's or shared
        with them; the copy is the owner's."""
        owner, new_name = _check_owner(owner), clean_name(new_name)
        if not isinstance(scenario_id, str) or not _ID_PATTERN.fullmatch(scenario_id):
            raise NotFound(str(scenario_id)[:ID_MAX])
        with self._errors():
            with self.engine.connect() as conn:
                document = conn.execute(
                    select(scenarios.c.state).where(scenarios.c.id == scenario_id, _visible_to(owner))
                ).scalar_one_or_none()
        if document is None:
            raise NotFound(scenario_id)
        return self._insert(owner, new_name, document)

    def delete(self, owner: str, scenario_id: str, *, expected_version: int | None = None) -> None:
        """Delete a scenario; with `expected_version`, only if nobody changed it since."""
        owner = _check_owner(owner)
        with self._write() as conn:
            _refuse_unless_may_write(conn, owner)
            current = self._current(conn, owner, scenario_id)
            if expected_version is not None and current.version != expected_version:
                raise VersionConflict(current.name, expected_version, current.version)
            conn.execute(delete(scenarios).where(*_mine(owner, scenario_id)))

    # --- reads --------------------------------------------------------------------------

    def open(self, owner: str, scenario_id: str) -> StoredScenario | BadRow:
        """A saved scenario, validated: `StoredScenario`, or `BadRow` if its stored state fails
        validation (never an exception for bad data); raises `NotFound`."""
        owner = _check_owner(owner)
        return self._read(scenario_id, scenarios.c.owner == owner)

    def open_for(self, username: str, scenario_id: str) -> StoredScenario | BadRow:
        """A scenario the user may read: their own or shared with them (`owner` on the result
        says whose; only the owner may write it). Anything else raises `NotFound`, with the
        same message as a missing id."""
        return self._read(scenario_id, _visible_to(_check_owner(username)))

    def _read(self, scenario_id: str, allowed: ColumnElement[bool]) -> StoredScenario | BadRow:
        if not isinstance(scenario_id, str) or not _ID_PATTERN.fullmatch(scenario_id):
            raise NotFound(str(scenario_id)[:ID_MAX])
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id, allowed)).one_or_none()
        if row is None:
            raise NotFound(scenario_id)
        state, problems = state_from_json(row.state)
        common = {
            "id": row.id,
            "owner": row.owner,
            "name": row.name,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
        if problems:
            return BadRow(**common, problems=tuple(p.message for p in problems), salvaged=state)
        return StoredScenario(**common, state=state)

    def list(
        self, owner: str, search: str = "", *, limit: int = LIST_LIMIT
    ) -> builtins.list[ScenarioListing]:
        """The owner's scenarios whose name contains `search` (ignoring case), most recently
        changed first."""
        owner = _check_owner(owner)
        query = select(
            scenarios.c.id,
            scenarios.c.name,
            scenarios.c.version,
            scenarios.c.created_at,
            scenarios.c.updated_at,
        ).where(scenarios.c.owner == owner)
        wanted = name_key(search.strip()) if isinstance(search, str) else ""
        if wanted:
            query = query.where(scenarios.c.name_key.contains(wanted, autoescape=True))
        query = query.order_by(scenarios.c.updated_at.desc(), scenarios.c.id).limit(max(1, int(limit)))
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [ScenarioListing(r.id, r.name, r.version, r.created_at, r.updated_at) for r in rows]

    def list_visible(
        self, username: str, search: str = "", *, limit: int = LIST_LIMIT
    ) -> builtins.list[VisibleScenario]:
        """The user's own scenarios and those shared with them (by name or with every
        signed-in user) whose name contains `search` (ignoring case), most recently changed
        first; each says whether it is shared with the user, and by whom."""
        username = _check_owner(username)
        query = (
            select(
                scenarios.c.id,
                scenarios.c.name,
                scenarios.c.version,
                scenarios.c.created_at,
                scenarios.c.updated_at,
                scenarios.c.owner,
                users.c.name.label("owner_name"),
            )
            .select_from(scenarios.outerjoin(users, users.c.username == scenarios.c.owner))
            .where(_visible_to(username))
        )
        wanted = name_key(search.strip()) if isinstance(search, str) else ""
        if wanted:
            query = query.where(scenarios.c.name_key.contains(wanted, autoescape=True))
        query = query.order_by(scenarios.c.updated_at.desc(), scenarios.c.id).limit(max(1, int(limit)))
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            VisibleScenario(
                r.id,
                r.name,
                r.version,
                r.created_at,
                r.updated_at,
                owner=r.owner,
                owner_name=r.owner_name,
                shared_with_me=r.owner != username,
            )
            for r in rows
        ]

    # --- sharing ------------------------------------------------------------------------

    def share(self, owner: str, scenario_id: str, grantees: str | Iterable[str]) -> tuple[str, ...]:
        """Let `grantees` (usernames, or `ALL_SIGNED_IN`) open the owner's scenario; returns
        everyone it is now shared with, sorted (`*` first). Sharing twice changes nothing;
        the owner among the grantees is skipped. Raises `UnknownUser` for a username nobody
        has (nothing is shared then), `InvalidAccount` for one that cannot be a username,
        `NotFound`, `NotAllowed` (not the owner's, or the owner is a viewer)."""
        owner, wanted = _check_owner(owner), _grantees(grantees)
        now = self._clock()
        with self._write() as conn:
            _refuse_unless_may_write(conn, owner)
            self._current(conn, owner, scenario_id)
            people = wanted - {ALL_SIGNED_IN, owner}
            if people:
                known = set(
                    conn.execute(select(users.c.username).where(users.c.username.in_(people))).scalars()
                )
                missing = sorted(people - known)
                if missing:
                    raise UnknownUser(missing[0])
            dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            for grantee in sorted(wanted - {owner}):
                conn.execute(
                    dialect_insert(scenario_shares)
                    .values(scenario_id=scenario_id, grantee=grantee, shared_at=now)
                    .on_conflict_do_nothing()
                )
            return _grantees_of(conn, scenario_id)

    def unshare(self, owner: str, scenario_id: str, grantees: str | Iterable[str]) -> tuple[str, ...]:
        """Stop sharing the owner's scenario with `grantees`; returns whom it is still shared
        with. A grantee it was not shared with is ignored."""
        owner, unwanted = _check_owner(owner), _grantees(grantees)
        with self._write() as conn:
            _refuse_unless_may_write(conn, owner)
            self._current(conn, owner, scenario_id)
            conn.execute(
                delete(scenario_shares).where(
                    scenario_shares.c.scenario_id == scenario_id, scenario_shares.c.grantee.in_(unwanted)
                )
            )
            return _grantees_of(conn, scenario_id)

    def shared_with(self, owner: str, scenario_id: str) -> tuple[str, ...]:
        """Whom the owner's scenario is shared with, sorted (`*`, every signed-in user, first)."""
        owner = _check_owner(owner)
        with self._errors(), self.engine.connect() as conn:
            self._current(conn, owner, scenario_id)
            return _grantees_of(conn, scenario_id)

    # --- client links -------------------------------------------------------------------

    def withdraw_client_links(self, owner: str, scenario_id: str) -> datetime:
        """End every client link of the owner's scenario made until now (`client_links_since`
        becomes now, returned, and each unrevoked link record is revoked); links made
        afterwards work. Not a change of the scenario: its
        version and `updated_at` stay, so nobody's save conflicts. A write like any other: the
        owner only, who must be allowed to write (`NotAllowed` for a viewer, a disabled
        account, a client link's session, or a reader it is only shared with), `NotFound`."""
        owner = _check_owner(owner)
        now = self._clock()
        with self._write() as conn:
            _refuse_unless_may_write(conn, owner)
            self._current(conn, owner, scenario_id)
            conn.execute(update(scenarios).where(*_mine(owner, scenario_id)).values(client_links_since=now))
            conn.execute(
                update(client_links)
                .where(client_links.c.scenario_id == scenario_id, client_links.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=owner)
            )
        return now

    def client_links_since(self, owner: str, scenario_id: str) -> datetime | None:
        """When the owner last withdrew the client links of their scenario (None: never);
        `NotFound` if it is not the owner's (or does not exist)."""
        owner = _check_owner(owner)
        if not isinstance(scenario_id, str) or not _ID_PATTERN.fullmatch(scenario_id):
            raise NotFound(str(scenario_id)[:ID_MAX])
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(
                select(scenarios.c.client_links_since).where(*_mine(owner, scenario_id))
            ).one_or_none()
        if row is None:
            raise NotFound(scenario_id)
        return row.client_links_since

    def count(self, owner: str) -> int:
        """How many scenarios the owner has."""
        owner = _check_owner(owner)
        with self._errors(), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(scenarios.c.owner == owner)).scalar_one())

    # --- inside -------------------------------------------------------------------------

    def _insert(self, owner: str, name: str, document: str) -> Saved:
        key = name_key(name)
        for _attempt in range(5):
            now, scenario_id = self._clock(), new_id()
            try:
                with self._write() as conn:
                    _refuse_unless_may_write(conn, owner)
                    self._refuse_taken_name(conn, owner, key, name)
                    conn.execute(
                        insert(scenarios).values(
                            id=scenario_id,
                            owner=owner,
                            name=name,
                            name_key=key,
                            state=document,
                            version=1,
                            created_at=now,
                            updated_at=now,
                        )
                    )
            except IntegrityError as error:
                self._explain_integrity_error(owner, key, name, error)
                continue  # the random id was taken: draw another
            return Saved(scenario_id, name, 1, now)
        raise StorageUnavailable("Could not find a free id for the scenario; nothing was saved. Try again.")

    def _update(
        self, owner: str, scenario_id: str, expected: int | None, name: str | None, document: str | None
    ) -> Saved:
        if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
            raise TypeError("expected_version must be a whole number")
        now = self._clock()
        values: dict[str, Any] = {"version": scenarios.c.version + 1, "updated_at": now}
        if document is not None:
            values["state"] = document
        if name is not None:
            values.update(name=name, name_key=name_key(name))
        try:
            with self._write() as conn:
                _refuse_unless_may_write(conn, owner)
                current = self._current(conn, owner, scenario_id)
                if expected is not None and current.version != expected:
                    raise VersionConflict(current.name, expected, current.version)
                if name is not None:
                    self._refuse_taken_name(conn, owner, name_key(name), name, besides=scenario_id)
                where = [*_mine(owner, scenario_id)]
                if expected is not None:
                    where.append(scenarios.c.version == expected)
                changed = conn.execute(
                    update(scenarios)
                    .where(*where)
                    .values(**values)
                    .returning(scenarios.c.name, scenarios.c.version)
                ).one_or_none()
                if changed is None:  # PostgreSQL: saved by another session since `_current` read it
                    latest = self._current(conn, owner, scenario_id)
                    raise VersionConflict(
                        latest.name, expected if expected is not None else 0, latest.version
                    )
        except IntegrityError as error:
            self._explain_integrity_error(owner, name_key(name or ""), name or "", error)
            raise StorageUnavailable("The scenario could not be saved; nothing was changed.") from error
        return Saved(scenario_id, changed.name, changed.version, now)

    def _current(self, conn: Connection, owner: str, scenario_id: str) -> Row[Any]:
        """The name and version of the owner's scenario; `NotFound` if the owner cannot see
        it, `NotAllowed` if it is only shared with them."""
        if not isinstance(scenario_id, str) or not _ID_PATTERN.fullmatch(scenario_id):
            raise NotFound(str(scenario_id)[:ID_MAX])
        row = conn.execute(
            select(scenarios.c.name, scenarios.c.version, scenarios.c.owner).where(
                scenarios.c.id == scenario_id, _visible_to(owner)
            )
        ).one_or_none()
        if row is None:
            raise NotFound(scenario_id)
        if row.owner != owner:
            raise NotAllowed(f'"{row.name}" is shared with you to read only: save a copy to change it.')
        return row

    def _refuse_taken_name(
        self, conn: Connection, owner: str, key: str, name: str, besides: str | None = None
    ) -> None:
        query = select(scenarios.c.name).where(scenarios.c.owner == owner, scenarios.c.name_key == key)
        if besides is not None:
            query = query.where(scenarios.c.id != besides)
        existing = conn.execute(query).scalar_one_or_none()
        if existing is not None:
            raise NameTaken(existing)

    def _explain_integrity_error(self, owner: str, key: str, name: str, error: IntegrityError) -> None:
        """Raise `NameTaken` if a concurrent writer took the name; else return (an id clash)."""
        with self._errors(), self.engine.connect() as conn:
            existing = conn.execute(
                select(scenarios.c.name).where(scenarios.c.owner == owner, scenarios.c.name_key == key)
            ).scalar_one_or_none()
        if existing is not None:
            raise NameTaken(existing) from error


def _mine(owner: str, scenario_id: str) -> tuple[Any, Any]:
    return scenarios.c.id == scenario_id, scenarios.c.owner == owner


def _visible_to(user: str) -> ColumnElement[bool]:
    """Rows the user may read: their own, and those shared with them or with everyone signed
    in. "Everyone signed in" means accounts: an owner that is no possible username (a client
    link's session, `components/saved/client_links.py`) is not one of them."""
    grantees = (user, ALL_SIGNED_IN) if _is_username(user) else (user,)
    shared = select(scenario_shares.c.scenario_id).where(scenario_shares.c.grantee.in_(grantees))
    return or_(scenarios.c.owner == user, scenarios.c.id.in_(shared))


def _is_username(owner: str) -> bool:
    try:
        return username_key(owner) == owner
    except InvalidAccount:
        return False


def _refuse_unless_may_write(conn: Connection, owner: str) -> None:
    """Every write's first step: `NotAllowed` unless the owner is `LOCAL_OWNER` (single-user
    mode) or an active editor or administrator. A viewer or a disabled account gets
    `VIEWER_MESSAGE`; an owner with no account (a client link's session, a name nobody has)
    gets `NO_ACCOUNT_MESSAGE`."""
    if owner == LOCAL_OWNER:
        return
    account = active_role(conn, owner)
    if account is None:
        raise NotAllowed(NO_ACCOUNT_MESSAGE)
    if account.disabled or account.role not in WRITING_ROLES:
        raise NotAllowed(VIEWER_MESSAGE)


def active_role(conn: Connection, username: str) -> Row[Any] | None:
    """The account's role and whether it is disabled (`role`, `disabled`), or None when no
    account has that name (`LOCAL_OWNER` and client-link guests have none)."""
    if username == LOCAL_OWNER or not _is_username(username):
        return None
    return conn.execute(
        select(users.c.role, users.c.disabled).where(users.c.username == username)
    ).one_or_none()


def _grantees(grantees: Any) -> set[str]:
    """Usernames (as keys) and the `ALL_SIGNED_IN` marker; `InvalidAccount` for anything else."""
    if isinstance(grantees, str):
        items = [grantees]
    elif isinstance(grantees, Iterable):
        items = builtins.list(grantees)
    else:
        raise InvalidAccount("Share with usernames, or with every signed-in user.")
    return {
        ALL_SIGNED_IN if isinstance(g, str) and g.strip() == ALL_SIGNED_IN else username_key(g) for g in items
    }


def _grantees_of(conn: Connection, scenario_id: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            conn.execute(
                select(scenario_shares.c.grantee).where(scenario_shares.c.scenario_id == scenario_id)
            ).scalars()
        )
    )


def _check_owner(owner: Any) -> str:
    if not isinstance(owner, str) or not owner or len(owner) > OWNER_MAX:
        raise ValueError(f"owner must be text of 1 to {OWNER_MAX} characters")
    return owner
