"""Client links as records (issue 26, "access ends when its reason ends"), on SQLite and
PostgreSQL: issue, list, revoke, and the check made on every visit of a link."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import Engine

from calculators.scenario import Scenario
from components.saved.client_links import (
    INVALID,
    NOT_RECORDED,
    OWNER_ENDED,
    WITHDRAWN,
    WITHDRAWN_BY_ADMINISTRATOR,
    ClientLink,
    client_token,
    read_client_token,
    refusal,
)
from storage import (
    LOCAL_OWNER,
    AccountStore,
    ClientLinkRecord,
    ClientLinkStore,
    LinkStatus,
    NotAllowed,
    NotFound,
    ScenarioState,
    ScenarioStore,
    UnknownLink,
)
from storage.client_links import MAX_DAYS, LinkCheck
from tests.storage.clocks import FrozenClock

KEY = "0123456789abcdef0123456789abcdef-key"


@pytest.fixture
def scenarios(engine: Engine, clock: FrozenClock) -> ScenarioStore:
    return ScenarioStore(engine, clock)


@pytest.fixture
def links(engine: Engine, clock: FrozenClock) -> ClientLinkStore:
    return ClientLinkStore(engine, clock)


def _visit(record: ClientLinkRecord, scenarios: ScenarioStore, clock: FrozenClock) -> str | None:
    """What a visitor with the record's link reads now (None: the scenario opens)."""
    link = read_client_token(client_token(record, KEY), KEY, clock.now)
    if isinstance(link, str):
        return link
    return refusal(link, scenarios, clock.now)


def test_issue_list_and_revoke(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """Alice issues two links to one plan and one to another: each is a row (who, when, until
    when), listed per scenario and per owner, newest first, with the scenario's name; revoking
    one ends it and leaves the others; revoking again keeps the first time."""
    plan = scenarios.save_new("alice", "Plan <b>A</b>", ScenarioState(Scenario(learners=77)))
    other = scenarios.save_new("alice", "Other plan", ScenarioState())
    first = links.issue("alice", plan.id, 14)
    clock.advance(minutes=1)
    second = links.issue("alice", plan.id, MAX_DAYS)
    clock.advance(minutes=1)
    third = links.issue("alice", other.id, 1)
    assert (first.scenario_id, first.scenario_name, first.issued_by, first.issuer_name) == (
        plan.id,
        "Plan <b>A</b>",
        "alice",
        "Alice Smith",
    )
    assert first.expires_at - first.issued_at == timedelta(days=14)
    assert first.revoked_at is None and first.status(clock.now) is LinkStatus.ACTIVE
    assert len({first.id, second.id, third.id}) == 3 and len(first.id) == 16
    assert [r.id for r in links.for_scenario("alice", plan.id)] == [second.id, first.id]
    assert [r.id for r in links.for_owner("alice")] == [third.id, second.id, first.id]
    assert links.for_owner("bob") == []

    clock.advance(minutes=1)
    revoked = links.revoke("alice", first.id)
    assert (revoked.revoked_at, revoked.revoked_by) == (clock.now, "alice")
    assert revoked.status(clock.now) is LinkStatus.REVOKED
    assert [r.status(clock.now) for r in links.for_owner("alice")] == [
        LinkStatus.ACTIVE,
        LinkStatus.ACTIVE,
        LinkStatus.REVOKED,
    ]
    clock.advance(minutes=1)
    assert links.revoke("alice", first.id).revoked_at == revoked.revoked_at, "revoking twice keeps the first"
    assert _visit(first, scenarios, clock) == WITHDRAWN
    assert _visit(second, scenarios, clock) is None and _visit(third, scenarios, clock) is None


def test_only_the_issuer_or_an_administrator_revokes(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore
) -> None:
    """Another editor, a viewer, a client link's session and a name nobody has get "does not
    exist" (the same as a missing id) and change nothing; an administrator revokes (the
    visitor is told so); the issuer revokes even after being demoted."""
    plan = scenarios.save_new("bob", "Bob's plan", ScenarioState())
    scenarios.share("bob", plan.id, ["alice", "carol"])
    link = links.issue("bob", plan.id, 14)
    for outsider in ("alice", "carol", f"client-link:{plan.id}", "nobody", LOCAL_OWNER):
        with pytest.raises(UnknownLink, match="That client link does not exist"):
            links.revoke(outsider, link.id)
    with pytest.raises(UnknownLink):
        links.revoke("bob", "noSuchLink000000")
    assert links.get(link.id).revoked_at is None
    assert links.revoke("root", link.id).revoked_by == "root"
    found, record = links.check(link.id, plan.id, "bob")
    assert found is LinkCheck.REVOKED and record is not None and record.revoked_by == "root"

    other = links.issue("bob", plan.id, 14)
    people.set_role("bob", "viewer", by="root")
    assert links.revoke("bob", other.id).revoked_by == "bob", "revoking only takes access away"


def test_only_the_owner_who_may_write_issues_and_lists(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore
) -> None:
    """Issuing is a write: a viewer, a disabled editor, a client link's session and a name
    nobody has are refused; a scenario that is not the issuer's (even shared with them, even
    for an administrator) is "not found"; days outside 1 to 90 are refused. Listing a
    scenario's links is the owner's only."""
    plan = scenarios.save_new("alice", "Alice's plan", ScenarioState())
    scenarios.share("alice", plan.id, ["bob", "carol"])
    for days in (0, MAX_DAYS + 1, True, 1.5):
        with pytest.raises(ValueError, match="1 to 90 days"):
            links.issue("alice", plan.id, days)  # type: ignore[arg-type]
    for reader in ("bob", "root"):
        with pytest.raises(NotFound):
            links.issue(reader, plan.id, 14)
        with pytest.raises(NotFound):
            links.for_scenario(reader, plan.id)
    for refused in ("carol", f"client-link:{plan.id}", "nobody"):
        with pytest.raises(NotAllowed):
            links.issue(refused, plan.id, 14)
    people.disable_user("alice", by="root")
    with pytest.raises(NotAllowed):
        links.issue("alice", plan.id, 14)
    assert links.for_scenario("alice", plan.id) == []


def test_a_revoked_link_is_refused_also_after_its_scenario_links_are_withdrawn(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """Withdrawing a scenario's client links revokes each of its records (by the owner) and no
    other scenario's; a link issued afterwards works."""
    plan = scenarios.save_new("alice", "Plan", ScenarioState())
    other = scenarios.save_new("alice", "Other", ScenarioState())
    old, kept = links.issue("alice", plan.id, 14), links.issue("alice", other.id, 14)
    clock.advance(seconds=1)
    withdrawn_at = scenarios.withdraw_client_links("alice", plan.id)
    assert (links.get(old.id).revoked_at, links.get(old.id).revoked_by) == (withdrawn_at, "alice")
    assert links.get(kept.id).revoked_at is None
    assert _visit(old, scenarios, clock) == WITHDRAWN and _visit(kept, scenarios, clock) is None
    clock.advance(seconds=1)
    assert _visit(links.issue("alice", plan.id, 14), scenarios, clock) is None


def test_an_expired_link_is_refused(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """At its expiry the record says expired and the link is refused with the date, both by the
    token and by the record (a session holding the link is checked against the record)."""
    plan = scenarios.save_new("alice", "Plan", ScenarioState())
    link = links.issue("alice", plan.id, 1)
    clock.advance(hours=23, minutes=59)
    assert _visit(link, scenarios, clock) is None
    held = read_client_token(client_token(link, KEY), KEY, clock.now)
    assert isinstance(held, ClientLink)
    clock.advance(minutes=1)
    assert link.status(clock.now) is LinkStatus.EXPIRED
    expected = (
        f"This client link expired on {link.expires_at:%-d %b %Y}. Ask the person who sent it for a new one."
    )
    assert _visit(link, scenarios, clock) == expected
    assert refusal(held, scenarios, clock.now) == expected
    assert [r.status(clock.now) for r in links.for_owner("alice")] == [LinkStatus.EXPIRED]


def test_a_link_from_before_the_records_is_refused_with_a_message(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """A token in the old format (no record id: made before revision 0006) is refused, not
    honoured: it could be neither listed nor revoked. A token naming a record that does not
    exist, or another scenario's record, is "not valid"."""
    plan = scenarios.save_new("alice", "Plan", ScenarioState())
    issued = clock.now
    old_format = jwt.encode(
        {
            "purpose": "client-view",
            "sid": plan.id,
            "by": "alice",
            "iat": issued.timestamp(),
            "exp": int((issued + timedelta(days=14)).timestamp()),
        },
        KEY,
        algorithm="HS256",
    )
    assert read_client_token(old_format, KEY, clock.now) == NOT_RECORDED
    assert "made before client links were recorded" in NOT_RECORDED
    assert (
        refusal(ClientLink(plan.id, "alice", issued + timedelta(days=14), issued), scenarios) == NOT_RECORDED
    )

    other = scenarios.save_new("alice", "Other", ScenarioState())
    real = links.issue("alice", other.id, 14)
    unknown = ClientLinkRecord(
        "NoSuchLink000000", plan.id, "", "alice", None, issued, issued + timedelta(days=1)
    )
    elsewhere = ClientLinkRecord(real.id, plan.id, "", "alice", None, issued, issued + timedelta(days=1))
    assert _visit(unknown, scenarios, clock) == INVALID
    assert _visit(elsewhere, scenarios, clock) == INVALID


@pytest.mark.parametrize("change", ["disabled", "demoted"])
def test_a_link_is_refused_when_its_owner_loses_access(
    change: str, scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """Disabled or demoted to viewer: the owner's links are refused (the rows stay, listed as
    they were); given access back, unrevoked links work again."""
    plan = scenarios.save_new("bob", "Bob's plan", ScenarioState())
    link = links.issue("bob", plan.id, 14)
    if change == "disabled":
        people.disable_user("bob", by="root")
    else:
        people.set_role("bob", "viewer", by="root")
    assert links.check(link.id, plan.id, "bob")[0] is LinkCheck.OWNER_CANNOT_SHARE
    assert _visit(link, scenarios, clock) == OWNER_ENDED
    assert links.get(link.id).revoked_at is None
    if change == "disabled":
        people.enable_user("bob", by="root")
    else:
        people.set_role("bob", "editor", by="root")
    assert _visit(link, scenarios, clock) is None


def test_a_deleted_scenario_takes_its_links_with_it(
    scenarios: ScenarioStore, links: ClientLinkStore, people: AccountStore, clock: FrozenClock
) -> None:
    """Deleting a scenario deletes its link rows; a visitor's link says "not found" (the app
    shows that the scenario may have been deleted)."""
    plan = scenarios.save_new("alice", "Plan", ScenarioState())
    link = links.issue("alice", plan.id, 14)
    scenarios.delete("alice", plan.id)
    assert links.get(link.id) is None and links.for_owner("alice") == []
    assert links.check(link.id, plan.id, "alice") == (LinkCheck.SCENARIO_GONE, None)
    with pytest.raises(NotFound):
        _visit(link, scenarios, clock)
    with pytest.raises(UnknownLink):
        links.revoke("alice", link.id)


def test_single_user_mode_issues_and_revokes_as_the_local_owner(
    scenarios: ScenarioStore, links: ClientLinkStore, clock: FrozenClock
) -> None:
    plan = scenarios.save_new(LOCAL_OWNER, "Local plan", ScenarioState())
    link = links.issue(LOCAL_OWNER, plan.id, 14)
    assert _visit(link, scenarios, clock) is None
    assert links.revoke(LOCAL_OWNER, link.id).revoked_by == LOCAL_OWNER
    assert _visit(link, scenarios, clock) == WITHDRAWN


def test_the_administrator_message_differs_from_the_owner_s() -> None:
    assert WITHDRAWN != WITHDRAWN_BY_ADMINISTRATOR and "administrator" in WITHDRAWN_BY_ADMINISTRATOR
