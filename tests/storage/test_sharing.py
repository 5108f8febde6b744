"""Private scenarios, sharing and roles on SQLite and PostgreSQL (SECURITY.md: another user's
scenario by id → not found)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from calculators.scenario import Scenario
from components.saved.client_links import ClientLink, client_token, read_client_token, withdrawn
from storage import (
    ALL_SIGNED_IN,
    LOCAL_OWNER,
    AccountStore,
    ClientLinkRecord,
    InvalidAccount,
    NotAllowed,
    NotFound,
    ScenarioState,
    ScenarioStore,
    StoredScenario,
    UnknownUser,
)
from storage.scenarios import VIEWER_MESSAGE
from tests.storage.clocks import FrozenClock

NOT_FOUND = "That saved scenario does not exist (it may have been deleted)."


def _not_found(attempt) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as error:
        attempt()
    assert str(error.value) == NOT_FOUND


def test_a_private_scenario_is_not_found_for_anyone_else(store: ScenarioStore, people: AccountStore) -> None:
    """B opening A's private scenario gets exactly the message of a missing id, and does not
    see it listed."""
    private = store.save_new("alice", "Budget 2027", ScenarioState(Scenario(learners=321)))
    for reader in ("bob", "carol", "root"):
        _not_found(lambda r=reader: store.open_for(r, private.id))
        _not_found(lambda r=reader: store.open_for(r, "noSuchId00"))
        assert store.list_visible(reader) == []
    opened = store.open_for("alice", private.id)
    assert isinstance(opened, StoredScenario) and opened.state.scenario.learners == 321
    [own] = store.list_visible("alice")
    assert (own.id, own.owner, own.owner_name, own.shared_with_me) == (
        private.id,
        "alice",
        "Alice Smith",
        False,
    )


def test_shared_with_a_user_they_can_open_and_list_it_but_not_write_it(
    store: ScenarioStore, people: AccountStore
) -> None:
    """After share(alice → bob): bob opens and lists it (marked shared, by Alice); his saves,
    renames and deletes are refused with "save a copy"; his copy is his own; carol still
    gets "not found"."""
    plan = store.save_new("alice", "Budget 2027", ScenarioState(Scenario(learners=321)))
    assert store.share("alice", plan.id, ["Bob"]) == ("bob",)
    opened = store.open_for("bob", plan.id)
    assert isinstance(opened, StoredScenario)
    assert (opened.owner, opened.state.scenario.learners) == ("alice", 321)
    [listed] = store.list_visible("bob")
    assert (listed.id, listed.shared_with_me, listed.owner, listed.owner_name) == (
        plan.id,
        True,
        "alice",
        "Alice Smith",
    )
    for attempt in (
        lambda: store.save("bob", plan.id, 1, ScenarioState()),
        lambda: store.rename("bob", plan.id, "Mine now"),
        lambda: store.delete("bob", plan.id),
        lambda: store.share("bob", plan.id, ["carol"]),
        lambda: store.unshare("bob", plan.id, ["bob"]),
    ):
        with pytest.raises(NotAllowed, match='"Budget 2027" is shared with you to read only: save a copy'):
            attempt()
    copy = store.fork("bob", plan.id, "Budget 2027 (Bob)")
    assert store.open_for("bob", copy.id).owner == "bob"
    assert store.open("alice", plan.id).version == 1  # the original is untouched
    _not_found(lambda: store.open_for("carol", plan.id))
    _not_found(lambda: store.open("bob", plan.id))  # the owner-only call stays owner-only


def test_shared_with_every_signed_in_user(store: ScenarioStore, people: AccountStore) -> None:
    """The ALL_SIGNED_IN marker lets every account read it, viewers included, until unshared."""
    plan = store.save_new("alice", "Company plan", ScenarioState())
    assert store.share("alice", plan.id, ALL_SIGNED_IN) == (ALL_SIGNED_IN,)
    for reader in ("bob", "carol", "root"):
        assert store.open_for(reader, plan.id).name == "Company plan"
        assert [row.name for row in store.list_visible(reader, search="COMPANY")] == ["Company plan"]
    assert store.unshare("alice", plan.id, [ALL_SIGNED_IN]) == ()
    for reader in ("bob", "carol", "root"):
        _not_found(lambda r=reader: store.open_for(r, plan.id))


def test_everyone_signed_in_excludes_a_client_link_session(
    store: ScenarioStore, people: AccountStore
) -> None:
    """A client link's session reads as an owner that is no username: it is not "signed in"."""
    shared = store.save_new("alice", "For the team", ScenarioState(Scenario(learners=222)))
    store.share("alice", shared.id, ALL_SIGNED_IN)
    guest = "client-link:AbCdEfGh12"
    _not_found(lambda: store.open_for(guest, shared.id))
    assert store.list_visible(guest) == []
    assert [s.id for s in store.list_visible("bob")] == [shared.id]


def test_unshare_takes_it_back_from_one_user_only(store: ScenarioStore, people: AccountStore) -> None:
    """Shared with bob and carol, unshared from bob: bob gets "not found", carol still reads it."""
    plan = store.save_new("alice", "Plan", ScenarioState())
    assert store.share("alice", plan.id, ["bob", "carol"]) == ("bob", "carol")
    assert store.share("alice", plan.id, ["bob", "alice"]) == ("bob", "carol")  # again; owner skipped
    assert store.unshare("alice", plan.id, "bob") == ("carol",)
    assert store.shared_with("alice", plan.id) == ("carol",)
    _not_found(lambda: store.open_for("bob", plan.id))
    assert store.open_for("carol", plan.id).name == "Plan"


def test_sharing_with_someone_who_does_not_exist_shares_nothing(
    store: ScenarioStore, people: AccountStore
) -> None:
    """An unknown username names the problem and nothing is shared; an impossible one too."""
    plan = store.save_new("alice", "Plan", ScenarioState())
    with pytest.raises(UnknownUser, match='no user named "nobody"'):
        store.share("alice", plan.id, ["bob", "nobody"])
    with pytest.raises(InvalidAccount, match="only the letters"):
        store.share("alice", plan.id, ["bob", "not a name"])
    with pytest.raises(InvalidAccount):
        store.share("alice", plan.id, 42)  # type: ignore[arg-type]
    assert store.shared_with("alice", plan.id) == ()


def test_list_visible_mixes_own_and_shared_newest_first(store: ScenarioStore, people: AccountStore) -> None:
    """Own and shared scenarios in one list, most recently changed first, search across both."""
    mine = store.save_new("bob", "Bob's plan", ScenarioState())
    theirs = store.save_new("alice", "Alice's plan", ScenarioState())
    other = store.save_new("alice", "Not shared", ScenarioState())
    store.share("alice", theirs.id, ["bob"])
    store.save("bob", mine.id, 1, ScenarioState())  # now the newest
    listed = store.list_visible("bob")
    assert [(row.name, row.shared_with_me) for row in listed] == [
        ("Bob's plan", False),
        ("Alice's plan", True),
    ]
    assert [row.name for row in store.list_visible("bob", search="alice")] == ["Alice's plan"]
    assert other.id not in {row.id for row in listed}


def test_deleting_a_scenario_deletes_its_shares(
    store: ScenarioStore, people: AccountStore, engine: Engine
) -> None:
    """Shares go with their scenario (ON DELETE CASCADE, on SQLite as on PostgreSQL)."""
    plan = store.save_new("alice", "Plan", ScenarioState())
    store.share("alice", plan.id, ["bob", ALL_SIGNED_IN])
    store.delete("alice", plan.id)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scenario_shares")).scalar_one() == 0
    _not_found(lambda: store.open_for("bob", plan.id))


def test_a_viewer_cannot_save_anything(store: ScenarioStore, people: AccountStore) -> None:
    """Viewers get a clear NotAllowed for every write, including a copy of what is shared with them."""
    shared = store.save_new("alice", "Shared", ScenarioState())
    store.share("alice", shared.id, ["carol"])
    for attempt in (
        lambda: store.save_new("carol", "My plan", ScenarioState()),
        lambda: store.fork("carol", shared.id, "My copy"),
    ):
        with pytest.raises(NotAllowed) as error:
            attempt()
        assert str(error.value) == VIEWER_MESSAGE
    assert store.count("carol") == 0
    assert store.open_for("carol", shared.id).name == "Shared"


def test_a_demoted_editor_keeps_reading_their_scenarios_but_cannot_change_them(
    store: ScenarioStore, people: AccountStore
) -> None:
    """Role changes apply to the next write: bob as viewer can open his plan, not save, rename, delete or share it."""
    plan = store.save_new("bob", "Bob's plan", ScenarioState(Scenario(learners=55)))
    people.set_role("bob", "viewer", by="root")
    for attempt in (
        lambda: store.save("bob", plan.id, 1, ScenarioState()),
        lambda: store.rename("bob", plan.id, "Renamed"),
        lambda: store.delete("bob", plan.id),
        lambda: store.share("bob", plan.id, ["alice"]),
    ):
        with pytest.raises(NotAllowed, match="cannot save, change, copy or share"):
            attempt()
    assert store.open_for("bob", plan.id).state.scenario.learners == 55
    people.set_role("bob", "editor", by="root")
    assert store.rename("bob", plan.id, "Renamed").version == 2


def test_single_user_mode_is_unchanged(store: ScenarioStore, people: AccountStore) -> None:
    """The local owner has no account, so no role applies, and sees only its own scenarios."""
    saved = store.save_new(LOCAL_OWNER, "Local", ScenarioState())
    store.save(LOCAL_OWNER, saved.id, 1, ScenarioState())
    assert [row.name for row in store.list_visible(LOCAL_OWNER)] == ["Local"]
    _not_found(lambda: store.open_for("alice", saved.id))


# --- issue 26: client links withdrawn per scenario --------------------------------------------


def test_withdrawing_client_links_records_the_time_and_changes_nothing_else(
    engine: Engine, people: AccountStore, clock: FrozenClock
) -> None:
    """The owner withdraws: `client_links_since` is the store's now (later again: later), the
    scenario's version, time, state and shares stay, another scenario keeps no such time, and
    a link made at or after it is not withdrawn while one made a moment before is."""
    store = ScenarioStore(engine, clock)
    plan = store.save_new("alice", "Client plan", ScenarioState(Scenario(learners=77)))
    other = store.save_new("alice", "Other plan", ScenarioState())
    store.share("alice", plan.id, ["bob"])
    assert store.client_links_since("alice", plan.id) is None
    clock.advance(minutes=5, microseconds=123)
    assert store.withdraw_client_links("alice", plan.id) == clock.now
    assert store.client_links_since("alice", plan.id) == clock.now
    assert store.client_links_since("alice", other.id) is None
    opened = store.open("alice", plan.id)
    assert isinstance(opened, StoredScenario)
    assert (opened.version, opened.updated_at, opened.state.scenario.learners) == (1, plan.updated_at, 77)
    assert store.shared_with("alice", plan.id) == ("bob",)
    assert store.save("alice", plan.id, 1, ScenarioState()).version == 2, "no version conflict"

    key = "0123456789abcdef0123456789abcdef-key"
    since = store.client_links_since("alice", plan.id)

    def issued(at):  # type: ignore[no-untyped-def]
        record = ClientLinkRecord("L1nkL1nkL1nkL1nk", plan.id, "", "alice", None, at, at + timedelta(days=14))
        return read_client_token(client_token(record, key), key, since)

    before, after = issued(since - timedelta(microseconds=1)), issued(since)
    assert isinstance(before, ClientLink) and isinstance(after, ClientLink)
    assert withdrawn(before, since) and not withdrawn(after, since)
    assert withdrawn(ClientLink(plan.id, "alice", since + timedelta(days=1)), since), "no issue time"

    clock.advance(hours=1)
    store.withdraw_client_links("alice", plan.id)
    assert store.client_links_since("alice", plan.id) == clock.now


def test_only_the_owner_who_may_write_withdraws_client_links(
    store: ScenarioStore, people: AccountStore
) -> None:
    """Another editor, the administrator and a reader it is shared with get "not found" or
    "save a copy"; a viewer owner (demoted), a client link's session and a name nobody has are
    refused like any write; nothing is withdrawn by any of them."""
    plan = store.save_new("bob", "Bob's plan", ScenarioState())
    store.share("bob", plan.id, ["carol", "alice"])
    _not_found(lambda: store.withdraw_client_links("root", plan.id))  # an administrator too
    for reader in ("alice", "carol"):
        with pytest.raises(NotAllowed):
            store.withdraw_client_links(reader, plan.id)
    for outsider in (f"client-link:{plan.id}", "nobody"):
        with pytest.raises(NotAllowed, match="read-only"):
            store.withdraw_client_links(outsider, plan.id)
    _not_found(lambda: store.withdraw_client_links("bob", "noSuchId00"))
    _not_found(lambda: store.client_links_since("alice", plan.id))  # the owner's own only
    people.set_role("bob", "viewer", by="root")
    with pytest.raises(NotAllowed, match="cannot save, change, copy or share"):
        store.withdraw_client_links("bob", plan.id)
    assert store.client_links_since("bob", plan.id) is None
    people.set_role("bob", "editor", by="root")
    assert store.withdraw_client_links("bob", plan.id) == store.client_links_since("bob", plan.id)
