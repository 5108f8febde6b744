"""Client links: a signed, expiring, read-only link to one saved scenario, for people without an account.

A consultant hosting the dashboard sends a client `…/?t=<token>`. Every link issued is a
record (`storage.client_links`: who issued it, when, until when, revoked or not), listed on
the Scenarios page with a Revoke button. The token is an HS256 JWT signed with the
deployment's cookie key (components/hosting/deployment.py) that names its record:
`{"purpose": "client-view", "lid": <record id>, "sid": <scenario id>, "by": <owner>, "iat":
<unix time, to the microsecond>, "exp": <unix time>}`.
Whoever holds it sees that scenario on every analysis page, may move the inputs to explore
(what-if, never saved), and can save, list or open nothing: their session has no account,
so the store's visibility rules show them no saved scenario (`owner()` is a name no user can
have) and every write is refused on screen (`can_save()` is False).

A changed, cut or foreign-key token, a token for another purpose, or one past its expiry is
refused with a message and the sign-in form (`read_client_token`), and so is a token made
before links were records (no `lid`: it could be neither listed nor revoked, so it is
refused with `NOT_RECORDED`, never honoured). On every run (`refusal`, called by
components/accounts/sign_in.py) a link also ends when its record is missing, revoked or
expired, when its owner withdraws the scenario's client links
(`ScenarioStore.withdraw_client_links`: every link of that scenario issued before then), when
its scenario is deleted (`NotFound`), and with its owner's right to share (disabled, or
demoted to viewer; sign_in.py checks that first too). A new cookie key still voids every link (and every sign-in).
Links are made only by a scenario's owner for their own scenario and do not rest on its share
list, so un-sharing it with accounts (`ScenarioStore.unshare`) leaves links as they are.

>>> from dataclasses import replace
>>> from datetime import timedelta
>>> key = "0123456789abcdef0123456789abcdef-key"
>>> now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
>>> record = ClientLinkRecord("L1nkL1nkL1nkL1nk", "AbCdEfGh12", "Plan A", "ada", "Ada", now, now + timedelta(days=14))
>>> token = client_token(record, key)
>>> link = read_client_token(token, key, now + timedelta(days=13))
>>> link.link_id, link.scenario_id, link.owner, f"{link.expires_at:%d %b %Y}"
('L1nkL1nkL1nkL1nk', 'AbCdEfGh12', 'ada', '07 Dec 2026')
>>> message(LinkCheck.REVOKED, replace(record, revoked_at=now, revoked_by="root"))
'This client link was withdrawn by an administrator. Ask the person who sent it for a new one.'
>>> read_client_token(token, key, now + timedelta(days=15))
'This client link expired on 7 Dec 2026. Ask the person who sent it for a new one.'
>>> read_client_token(token[:-2], key, now)[:30]
'This client link is not valid '
>>> withdrawn(link, None), withdrawn(link, now + timedelta(hours=1)), withdrawn(link, now)
(False, True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from storage import ClientLinkRecord, ClientLinkStore, NotFound, ScenarioStore
from storage.client_links import MAX_DAYS, LinkCheck

__all__ = [
    "MAX_DAYS",
    "ClientLink",
    "client_token",
    "read_client_token",
    "message",
    "refusal",
    "withdrawn",
]

PARAM = "t"
PURPOSE = "client-view"
GUEST_PREFIX = "client-link:"  # owner() of a client-link session: ':' is never in a username
_ALGORITHM = "HS256"
_LINK_ID = re.compile(r"[A-Za-z0-9]{1,16}")
INVALID = (
    "This client link is not valid (it may have been changed or cut short when copied). Ask the "
    "person who sent it for a new one."
)
WITHDRAWN = "This client link was withdrawn by its owner. Ask them for a new one."
WITHDRAWN_BY_ADMINISTRATOR = (
    "This client link was withdrawn by an administrator. Ask the person who sent it for a new one."
)
OWNER_ENDED = "This client link is no longer valid. Ask the person who sent it for a new one."
NOT_RECORDED = (
    "This client link was made before client links were recorded one by one, so it no longer works. "
    "Ask the person who sent it for a new one."
)


@dataclass(frozen=True)
class ClientLink:
    """What a valid client link grants: read-only sight of one owner's saved scenario until
    `expires_at`, while its record (`link_id`) is not revoked and its owner has not withdrawn
    the scenario's links after `issued_at`."""

    scenario_id: str
    owner: str
    expires_at: datetime
    issued_at: datetime | None = None
    link_id: str | None = None  # None: a link made before links were records (refused)

    @property
    def guest_owner(self) -> str:
        """The owner name this session reads and writes as: no user has it, nothing is shared with it."""
        return f"{GUEST_PREFIX}{self.scenario_id}"


def expired_message(expires_at: datetime) -> str:
    return f"This client link expired on {expires_at:%-d %b %Y}. Ask the person who sent it for a new one."


def client_token(record: ClientLinkRecord, key: str) -> str:
    """The token of an issued link (`storage.ClientLinkStore.issue`): it names the record and
    expires with it."""
    claims = {
        "purpose": PURPOSE,
        "lid": record.id,
        "sid": record.scenario_id,
        "by": record.issued_by,
        "iat": record.issued_at.timestamp(),  # to the microsecond: a link made just after withdrawing works
        "exp": int(record.expires_at.timestamp()),
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


def read_client_token(value: Any, key: str, now: datetime | None = None) -> ClientLink | str:
    """The link's grant, or the message to show (expired, made before links were records, or
    not valid). The grant still has to pass `refusal` (its record, its owner) on every run."""
    if not isinstance(value, str) or not 0 < len(value) <= 1_000:
        return INVALID
    moment = now or datetime.now(UTC)
    try:
        claims = jwt.decode(
            value,
            key,
            algorithms=[_ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": ["exp"]},
        )
    except jwt.PyJWTError:
        return INVALID
    sid, owner, exp = claims.get("sid"), claims.get("by"), claims.get("exp")
    if claims.get("purpose") != PURPOSE or not isinstance(sid, str) or not isinstance(owner, str):
        return INVALID
    if not isinstance(exp, int) or isinstance(exp, bool):
        return INVALID
    iat = claims.get("iat")
    if iat is not None and (
        not isinstance(iat, int | float) or isinstance(iat, bool) or not 0 <= iat < 2**40
    ):
        return INVALID
    link_id = claims.get("lid")
    if link_id is not None and (not isinstance(link_id, str) or not _LINK_ID.fullmatch(link_id)):
        return INVALID
    expires = datetime.fromtimestamp(exp, UTC)
    if expires <= moment:
        return expired_message(expires)
    if link_id is None:
        return NOT_RECORDED
    return ClientLink(sid, owner, expires, None if iat is None else datetime.fromtimestamp(iat, UTC), link_id)


def withdrawn(link: ClientLink, since: datetime | None) -> bool:
    """Whether the link's owner withdrew it: the scenario's links were withdrawn at `since`
    (None: never) and this one was issued before that, or carries no issue time."""
    return since is not None and (link.issued_at is None or link.issued_at < since)


def refusal(link: ClientLink, store: ScenarioStore, now: datetime | None = None) -> str | None:
    """Why the link no longer works, or None while it does (`storage.ClientLinkStore.check`):
    no record (made before links were records, or forged), its owner may no longer share, it
    was revoked or withdrawn, or it expired. One read, for every run of a client-link session.
    Raises `NotFound` when its scenario is gone (or not the owner's) and `StorageError` when
    the database cannot be read: the caller refuses the link then (it fails closed)."""
    if link.link_id is None:
        return NOT_RECORDED
    found, record = ClientLinkStore(store.engine).check(link.link_id, link.scenario_id, link.owner, now)
    if found is LinkCheck.SCENARIO_GONE:
        raise NotFound(link.scenario_id)
    return message(found, record)


def message(found: LinkCheck, record: ClientLinkRecord | None) -> str | None:
    """What a visitor reads for a link `ClientLinkStore.check` refused (None: it works)."""
    if found is LinkCheck.WORKS:
        return None
    if found is LinkCheck.OWNER_CANNOT_SHARE:
        return OWNER_ENDED
    if found is LinkCheck.EXPIRED and record is not None:
        return expired_message(record.expires_at)
    if found is LinkCheck.REVOKED and record is not None:
        by_owner = record.revoked_by in (None, record.issued_by)
        return WITHDRAWN if by_owner else WITHDRAWN_BY_ADMINISTRATOR
    return INVALID
