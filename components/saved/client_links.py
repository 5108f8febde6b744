"""Client links: a signed, expiring, read-only link to one saved scenario, for people without an account.

A consultant hosting the dashboard sends a client `…/?t=<token>`. The token is an HS256 JWT
signed with the deployment's cookie key (components/hosting/deployment.py):
`{"purpose": "client-view", "sid": <scenario id>, "by": <owner>, "iat": <unix time, to the
microsecond>, "exp": <unix time>}`.
Whoever holds it sees that scenario on every analysis page, may move the inputs to explore
(what-if, never saved), and can save, list or open nothing: their session has no account,
so the store's visibility rules show them no saved scenario (`owner()` is a name no user can
have) and every write is refused on screen (`can_save()` is False).

A changed, cut or foreign-key token, a token for another purpose, or one past its expiry is
refused with a message and the sign-in form. A link also ends with its owner's right to share
(disabled, or demoted to viewer: components/accounts/sign_in.py), when its scenario is
deleted, and when its owner withdraws the scenario's client links
(`ScenarioStore.withdraw_client_links`): every link of that scenario issued before then, or
issued without an `iat` (links made before withdrawing existed), is refused — at the next
visit and in a session already holding it — while links made afterwards work (`withdrawn`).
A new cookie key still voids every link (and every sign-in).
Links are made only by a scenario's owner for their own scenario and do not rest on its share
list, so un-sharing it with accounts (`ScenarioStore.unshare`) leaves links as they are;
withdrawing is how a scenario stops being shared by link.

>>> key = "0123456789abcdef0123456789abcdef-key"
>>> now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
>>> token = client_token("AbCdEfGh12", "ada", 14, key, now)
>>> link = read_client_token(token, key, now + timedelta(days=13))
>>> link.scenario_id, link.owner, f"{link.expires_at:%d %b %Y}"
('AbCdEfGh12', 'ada', '07 Dec 2026')
>>> read_client_token(token, key, now + timedelta(days=15))
'This client link expired on 7 Dec 2026. Ask the person who sent it for a new one.'
>>> read_client_token(token[:-2], key, now)[:30]
'This client link is not valid '
>>> withdrawn(link, None), withdrawn(link, now + timedelta(hours=1)), withdrawn(link, now)
(False, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

PARAM = "t"
PURPOSE = "client-view"
MAX_DAYS = 90
GUEST_PREFIX = "client-link:"  # owner() of a client-link session: ':' is never in a username
_ALGORITHM = "HS256"
INVALID = (
    "This client link is not valid (it may have been changed or cut short when copied). Ask the "
    "person who sent it for a new one."
)
WITHDRAWN = "This client link was withdrawn by its owner. Ask them for a new one."


@dataclass(frozen=True)
class ClientLink:
    """What a valid client link grants: read-only sight of one owner's saved scenario until
    `expires_at`, unless its owner withdraws the scenario's links after `issued_at` (None: a
    link made before links carried the time they were issued)."""

    scenario_id: str
    owner: str
    expires_at: datetime
    issued_at: datetime | None = None

    @property
    def guest_owner(self) -> str:
        """The owner name this session reads and writes as: no user has it, nothing is shared with it."""
        return f"{GUEST_PREFIX}{self.scenario_id}"


def client_token(scenario_id: str, owner: str, days: int, key: str, now: datetime | None = None) -> str:
    """A client link token for `days` days (1 to `MAX_DAYS`)."""
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValueError(f"a client link lasts 1 to {MAX_DAYS} days")
    issued = now or datetime.now(UTC)
    expires = issued + timedelta(days=int(days))
    claims = {
        "purpose": PURPOSE,
        "sid": scenario_id,
        "by": owner,
        "iat": issued.timestamp(),  # a fraction of a second too: a link made just after withdrawing works
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


def read_client_token(value: Any, key: str, now: datetime | None = None) -> ClientLink | str:
    """The link's grant, or the message to show (expired, or not valid)."""
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
    expires = datetime.fromtimestamp(exp, UTC)
    if expires <= moment:
        return f"This client link expired on {expires:%-d %b %Y}. Ask the person who sent it for a new one."
    return ClientLink(sid, owner, expires, None if iat is None else datetime.fromtimestamp(iat, UTC))


def withdrawn(link: ClientLink, since: datetime | None) -> bool:
    """Whether the link's owner withdrew it: the scenario's links were withdrawn at `since`
    (None: never) and this one was issued before that, or carries no issue time."""
    return since is not None and (link.issued_at is None or link.issued_at < since)
