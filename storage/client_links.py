"""Client links as records (issue 26): every link issued is a row, listed and revocable one by one.

A client link (`components/saved/client_links.py`) is a signed token that carries the id of
its row here. The row says which scenario it shows, who issued it and when, when it
expires, and whether and by whom it was revoked. A link is honoured only while its row
exists, is not revoked and has not expired — on top of the checks the app makes on every run
(the owner may still share, the scenario exists and its links were not withdrawn).

- `issue(owner, scenario_id, days)`: a new link to the owner's own scenario, 1 to `MAX_DAYS`
  days. A write like any other: only an owner who may write (`LOCAL_OWNER` in single-user
  mode, or an active editor or administrator); `NotFound` for a scenario that is not theirs.
- `for_scenario(owner, id)` and `for_owner(owner)`: the links of the owner's scenario, or of
  all their scenarios, newest first, each with its scenario's name (user text: show it as
  text) and its `status(now)`.
- `revoke(by, link_id)`: ends one link at once, also for a visitor viewing it at the moment.
  Allowed to the link's issuer (whatever their role now: revoking only takes access away)
  and to an active administrator; anyone else gets `UnknownLink`, exactly like a missing id.
  Revoking twice keeps the first time and person.
- `check(link_id, scenario_id, owner)`: whether a link presented by a visitor still works
  (`LinkCheck`), made on every run of a client-link session: the scenario exists and is the
  owner's, the row exists and matches the token, the owner may still share (an active editor
  or administrator), the link is not revoked or withdrawn, and has not expired. `get(link_id)`
  reads one row.

`ScenarioStore.withdraw_client_links` revokes every unrevoked row of that scenario; deleting
a scenario deletes its rows.

>>> import shutil, tempfile
>>> from datetime import timedelta
>>> folder = tempfile.mkdtemp()
>>> from storage.database import create_engine_for
>>> from storage.migrations import upgrade
>>> from storage.scenarios import LOCAL_OWNER, ScenarioStore
>>> from storage.state import ScenarioState
>>> engine = create_engine_for(f"sqlite:///{folder}/demo.sqlite3")
>>> upgrade(engine)
>>> plan = ScenarioStore(engine).save_new(LOCAL_OWNER, "Plan A", ScenarioState())
>>> links = ClientLinkStore(engine)
>>> link = links.issue(LOCAL_OWNER, plan.id, 14)
>>> link.scenario_name, link.expires_at - link.issued_at, link.status(link.issued_at)
('Plan A', datetime.timedelta(days=14), <LinkStatus.ACTIVE: 'active'>)
>>> [row.id for row in links.for_owner(LOCAL_OWNER)] == [link.id]
True
>>> links.revoke(LOCAL_OWNER, link.id).status(link.issued_at)
<LinkStatus.REVOKED: 'revoked'>
>>> link.status(link.issued_at + timedelta(days=14))
<LinkStatus.EXPIRED: 'expired'>
>>> engine.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, Row, Select, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.database import DatabaseStore
from storage.errors import NotFound, StorageUnavailable, UnknownLink
from storage.scenarios import (
    _ID_PATTERN,
    ID_ALPHABET,
    LIST_LIMIT,
    LOCAL_OWNER,
    WRITING_ROLES,
    _check_owner,
    _refuse_unless_may_write,
    active_role,
)
from storage.schema import ID_MAX, client_links, scenarios, users

MAX_DAYS = 90
LINK_ID_LENGTH = ID_MAX  # 62**16 ≈ 5·10^28: never guessed (and a guess still needs the signing key)


class LinkStatus(StrEnum):
    """Where a link stands at a given moment."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ClientLinkRecord:
    """One issued client link (`issuer_name`: the issuer's display name, None without an account)."""

    id: str
    scenario_id: str
    scenario_name: str
    issued_by: str
    issuer_name: str | None
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def status(self, now: datetime) -> LinkStatus:
        """Revoked (whenever it was), else expired from `expires_at` on, else active."""
        if self.revoked_at is not None:
            return LinkStatus.REVOKED
        return LinkStatus.EXPIRED if self.expires_at <= now else LinkStatus.ACTIVE


class LinkCheck(StrEnum):
    """What `ClientLinkStore.check` found for a link presented by a visitor."""

    WORKS = "works"
    SCENARIO_GONE = "scenario gone"  # deleted, or not the owner the token names
    UNKNOWN = "unknown"  # no row for this id, scenario and owner (made before 0006, or forged)
    OWNER_CANNOT_SHARE = "owner cannot share"  # disabled, demoted to viewer, or removed
    REVOKED = "revoked"  # this link, or all links of its scenario (withdrawn)
    EXPIRED = "expired"


def new_link_id() -> str:
    """A fresh random link id: `LINK_ID_LENGTH` letters and digits."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(LINK_ID_LENGTH))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ClientLinkStore(DatabaseStore):
    """Issued client links in one database (see the module docstring); `clock` gives the time."""

    UNAVAILABLE = "The database is busy or unreachable; no client link was changed. Try again in a moment."

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self.engine = engine
        self._clock = clock

    def issue(self, owner: str, scenario_id: str, days: int) -> ClientLinkRecord:
        """A new link to the owner's scenario for `days` days; `ValueError` outside 1 to
        `MAX_DAYS`, `NotAllowed` for an owner who may not write, `NotFound`."""
        owner = _check_owner(owner)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ValueError(f"a client link lasts 1 to {MAX_DAYS} days")
        _check_scenario_id(scenario_id)
        for _attempt in range(5):
            now, link_id = self._clock(), new_link_id()
            try:
                with self._write() as conn:
                    _refuse_unless_may_write(conn, owner)
                    found = conn.execute(
                        select(scenarios.c.id).where(
                            scenarios.c.id == scenario_id, scenarios.c.owner == owner
                        )
                    ).one_or_none()
                    if found is None:
                        raise NotFound(scenario_id)
                    conn.execute(
                        insert(client_links).values(
                            id=link_id,
                            scenario_id=scenario_id,
                            issued_by=owner,
                            issued_at=now,
                            expires_at=now + timedelta(days=days),
                        )
                    )
            except IntegrityError:
                continue  # the random id was taken (or the scenario deleted meanwhile): try again
            record = self.get(link_id)
            if record is not None:
                return record
        raise StorageUnavailable("Could not make the client link; nothing was saved. Try again.")

    def get(self, link_id: str) -> ClientLinkRecord | None:
        """The link's row, or None (never issued, or deleted with its scenario)."""
        if not isinstance(link_id, str) or not _ID_PATTERN.fullmatch(link_id):
            return None
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(_records().where(client_links.c.id == link_id)).one_or_none()
        return None if row is None else _record(row)

    def check(
        self, link_id: str, scenario_id: str, owner: str, now: datetime | None = None
    ) -> tuple[LinkCheck, ClientLinkRecord | None]:
        """Whether the link (id, scenario and owner as its signed token names them) still
        works, and its row: the scenario exists and is the owner's, the row exists and
        matches, the owner may still share (`LOCAL_OWNER`, or an active editor or
        administrator), the link is not revoked (nor withdrawn with its scenario's links) and
        has not expired. One read, made on every run of a client-link session."""
        moment = now or self._clock()
        if not all(isinstance(v, str) and _ID_PATTERN.fullmatch(v) for v in (link_id, scenario_id)):
            return LinkCheck.UNKNOWN, None
        with self._errors(), self.engine.connect() as conn:
            scenario = conn.execute(
                select(scenarios.c.client_links_since).where(
                    scenarios.c.id == scenario_id, scenarios.c.owner == owner
                )
            ).one_or_none()
            if scenario is None:
                return LinkCheck.SCENARIO_GONE, None
            row = conn.execute(_records().where(client_links.c.id == link_id)).one_or_none()
            record = None if row is None else _record(row)
            if record is None or (record.scenario_id, record.issued_by) != (scenario_id, owner):
                return LinkCheck.UNKNOWN, None
            if owner != LOCAL_OWNER and not _may_share(conn, owner):
                return LinkCheck.OWNER_CANNOT_SHARE, record
        since = scenario.client_links_since
        if record.revoked_at is not None or (since is not None and record.issued_at < since):
            return LinkCheck.REVOKED, record
        if record.expires_at <= moment:
            return LinkCheck.EXPIRED, record
        return LinkCheck.WORKS, record

    def for_scenario(self, owner: str, scenario_id: str) -> builtins.list[ClientLinkRecord]:
        """The links of the owner's scenario, newest first; `NotFound` if it is not theirs."""
        owner = _check_owner(owner)
        _check_scenario_id(scenario_id)
        with self._errors(), self.engine.connect() as conn:
            found = conn.execute(
                select(scenarios.c.id).where(scenarios.c.id == scenario_id, scenarios.c.owner == owner)
            ).one_or_none()
            if found is None:
                raise NotFound(scenario_id)
            rows = conn.execute(
                _records()
                .where(client_links.c.scenario_id == scenario_id)
                .order_by(client_links.c.issued_at.desc(), client_links.c.id)
            ).all()
        return [_record(row) for row in rows]

    def for_owner(self, owner: str, *, limit: int = LIST_LIMIT) -> builtins.list[ClientLinkRecord]:
        """The links of every scenario the owner has, newest first (at most `limit`)."""
        owner = _check_owner(owner)
        query = (
            _records()
            .where(scenarios.c.owner == owner)
            .order_by(client_links.c.issued_at.desc(), client_links.c.id)
            .limit(max(1, int(limit)))
        )
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_record(row) for row in rows]

    def revoke(self, by: str, link_id: str) -> ClientLinkRecord:
        """End one link now, as `by` (its issuer, or an active administrator); returns the row.
        `UnknownLink` for a link that does not exist or that `by` may not revoke."""
        by = _check_owner(by)
        if not isinstance(link_id, str) or not _ID_PATTERN.fullmatch(link_id):
            raise UnknownLink(str(link_id)[:ID_MAX])
        now = self._clock()
        with self._write() as conn:
            row = conn.execute(
                select(client_links.c.issued_by, client_links.c.revoked_at).where(
                    client_links.c.id == link_id
                )
            ).one_or_none()
            if row is None or (row.issued_by != by and not _is_active_admin(conn, by)):
                raise UnknownLink(link_id)
            if row.revoked_at is None:
                conn.execute(
                    update(client_links)
                    .where(client_links.c.id == link_id, client_links.c.revoked_at.is_(None))
                    .values(revoked_at=now, revoked_by=by)
                )
        record = self.get(link_id)
        if record is None:  # its scenario was deleted in between: the link is gone either way
            raise UnknownLink(link_id)
        return record


def _check_scenario_id(scenario_id: Any) -> None:
    if not isinstance(scenario_id, str) or not _ID_PATTERN.fullmatch(scenario_id):
        raise NotFound(str(scenario_id)[:ID_MAX])


def _may_share(conn: Any, username: str) -> bool:
    """An active editor or administrator (the roles that may write)."""
    account = active_role(conn, username)
    return account is not None and account.role in WRITING_ROLES and not account.disabled


def _is_active_admin(conn: Any, username: str) -> bool:
    account = active_role(conn, username)
    return account is not None and account.role == "admin" and not account.disabled


def _records() -> Select[Any]:
    return select(
        client_links.c.id,
        client_links.c.scenario_id,
        scenarios.c.name.label("scenario_name"),
        client_links.c.issued_by,
        users.c.name.label("issuer_name"),
        client_links.c.issued_at,
        client_links.c.expires_at,
        client_links.c.revoked_at,
        client_links.c.revoked_by,
    ).select_from(
        client_links.join(scenarios, scenarios.c.id == client_links.c.scenario_id).outerjoin(
            users, users.c.username == client_links.c.issued_by
        )
    )


def _record(row: Row[Any]) -> ClientLinkRecord:
    return ClientLinkRecord(
        id=row.id,
        scenario_id=row.scenario_id,
        scenario_name=row.scenario_name,
        issued_by=row.issued_by,
        issuer_name=row.issuer_name,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )
