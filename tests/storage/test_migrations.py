"""Migrations on SQLite and PostgreSQL: from empty, from the previous revision, and back."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from calculators.scenario import Scenario
from storage import (
    LOCAL_OWNER,
    AccountStore,
    ClientLinkStore,
    NameTaken,
    ScenarioState,
    ScenarioStore,
    StoredScenario,
    create_engine_for,
    state_to_json,
)
from storage.migrations import current_revision, downgrade, head_revision, upgrade
from storage.schema import metadata

ACCOUNT_TABLES = ("users", "sessions", "login_attempts", "login_clients", "scenario_shares")


@pytest.fixture
def bare_engine(db_url: str) -> Engine:
    """An engine on an empty database, not migrated."""
    engine = create_engine_for(db_url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def _unique_indexes(engine: Engine) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("scenarios") if ix["unique"]}


def test_an_empty_database_migrates_to_exactly_the_schema_the_code_uses(bare_engine: Engine) -> None:
    """Empty → head: the tables equal `storage.schema` (alembic finds nothing to change)."""
    assert current_revision(bare_engine) is None
    upgrade(bare_engine)
    assert current_revision(bare_engine) == head_revision() == "0006"
    assert _differences(bare_engine) == []
    assert _unique_indexes(bare_engine) == {"uq_scenarios_owner_name_key": ["owner", "name_key"]}
    assert set(inspect(bare_engine).get_table_names()) >= set(ACCOUNT_TABLES) | {"scenarios"}


def test_upgrading_twice_changes_nothing(bare_engine: Engine) -> None:
    """Start-up runs the upgrade every time: on a current database it is a no-op and keeps the rows."""
    upgrade(bare_engine)
    saved = ScenarioStore(bare_engine).save_new(LOCAL_OWNER, "Kept", ScenarioState(Scenario(learners=5)))
    upgrade(bare_engine)
    opened = ScenarioStore(bare_engine).open(LOCAL_OWNER, saved.id)
    assert isinstance(opened, StoredScenario) and opened.state.scenario.learners == 5


def test_a_database_at_the_previous_revision_is_upgraded_with_its_rows(bare_engine: Engine) -> None:
    """0001 with rows (including names that differ only in case) → head: every row kept and
    readable, clashing names made distinct (the oldest keeps its name), search and the
    case-insensitive uniqueness work on the old rows."""
    upgrade(bare_engine, "0001")
    assert current_revision(bare_engine) == "0001"
    assert _unique_indexes(bare_engine) == {"uq_scenarios_owner_name": ["owner", "name"]}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        ("oldPlan001", LOCAL_OWNER, "Plan", 100, start),
        ("newPlan002", LOCAL_OWNER, "PLAN", 200, start + timedelta(hours=1)),
        (
            "plan2x0003",
            LOCAL_OWNER,
            "plan (2)",
            300,
            start + timedelta(hours=2),
        ),  # the obvious new name is taken
        ("strasse004", LOCAL_OWNER, "Straße", 400, start + timedelta(hours=3)),
        ("otherPlan5", "someone-else", "plan", 500, start + timedelta(hours=4)),
    ]
    with bare_engine.begin() as conn:
        for row_id, owner, name, learners, when in rows:
            stamp = when.replace(tzinfo=None) if bare_engine.dialect.name == "sqlite" else when
            conn.execute(
                text(
                    "INSERT INTO scenarios (id, owner, name, state, version, created_at, updated_at) "
                    "VALUES (:id, :owner, :name, :state, 3, :t, :t)"
                ),
                {
                    "id": row_id,
                    "owner": owner,
                    "name": name,
                    "t": stamp,
                    "state": state_to_json(ScenarioState(Scenario(learners=learners))),
                },
            )

    assert _differences(bare_engine) != []  # the comparison sees the missing step

    upgrade(bare_engine)

    assert current_revision(bare_engine) == head_revision()
    assert _differences(bare_engine) == []
    store = ScenarioStore(bare_engine)
    names = {}
    for row_id, owner, _name, learners, _when in rows:
        opened = store.open(owner, row_id)
        assert isinstance(opened, StoredScenario)
        assert (opened.state.scenario.learners, opened.version) == (learners, 3)
        names[row_id] = opened.name
    assert names == {
        "oldPlan001": "Plan",
        "newPlan002": "PLAN (3)",
        "plan2x0003": "plan (2)",
        "strasse004": "Straße",
        "otherPlan5": "plan",
    }
    assert [r.name for r in store.list(LOCAL_OWNER, search="STRASSE")] == ["Straße"]
    with pytest.raises(NameTaken):
        store.save_new(LOCAL_OWNER, "pLaN", ScenarioState())


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    """Four app processes starting at once on an empty database: all upgrades succeed, one schema."""
    engines = [create_engine_for(db_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def start_up(engine: Engine) -> None:
        try:
            start.wait()
            upgrade(engine)
        except BaseException as error:  # asserted on below
            errors.append(error)

    threads = [threading.Thread(target=start_up, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert not any(t.is_alive() for t in threads), "a start-up hung"
        assert errors == []
        assert current_revision(engines[0]) == head_revision()
        assert _differences(engines[0]) == []
    finally:
        for e in engines:
            e.dispose()


def _raw_scenario(conn, engine: Engine, row_id: str, owner: str, name: str, learners: int) -> None:  # type: ignore[no-untyped-def]
    """A scenario row written as revision 0002 knew it, behind the store's back."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    conn.execute(
        text(
            "INSERT INTO scenarios (id, owner, name, name_key, state, version, created_at, updated_at) "
            "VALUES (:id, :owner, :name, :key, :state, 2, :t, :t)"
        ),
        {
            "id": row_id,
            "owner": owner,
            "name": name,
            "key": name.lower(),
            "state": state_to_json(ScenarioState(Scenario(learners=learners))),
            "t": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now,
        },
    )


def test_a_database_at_0002_gets_the_account_tables_and_keeps_its_scenarios(bare_engine: Engine) -> None:
    """0002 with scenarios → head: the rows are untouched and readable, the account tables
    exist and work with them (a user, a share of an old scenario, cascade on delete), and the
    schema equals `storage.schema`."""
    upgrade(bare_engine, "0002")
    with bare_engine.begin() as conn:
        _raw_scenario(conn, bare_engine, "oldLocal01", LOCAL_OWNER, "Local plan", 111)
        _raw_scenario(conn, bare_engine, "oldAlice02", "alice", "Alice's plan", 222)
    assert not set(ACCOUNT_TABLES) & set(inspect(bare_engine).get_table_names())
    assert _differences(bare_engine) != []

    upgrade(bare_engine)

    assert current_revision(bare_engine) == head_revision()
    assert _differences(bare_engine) == []
    store = ScenarioStore(bare_engine)
    for owner, row_id, learners in ((LOCAL_OWNER, "oldLocal01", 111), ("alice", "oldAlice02", 222)):
        opened = store.open(owner, row_id)
        assert isinstance(opened, StoredScenario)
        assert (opened.state.scenario.learners, opened.version) == (learners, 2)
    accounts = AccountStore(bare_engine, bcrypt_rounds=4)
    accounts.create_user("alice", "Alice", "correct horse battery", "editor")
    accounts.create_user("bob", "Bob", "correct horse battery", "viewer")
    assert store.share("alice", "oldAlice02", ["bob"]) == ("bob",)
    assert store.open_for("bob", "oldAlice02").owner == "alice"
    store.delete("alice", "oldAlice02")
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scenario_shares")).scalar_one() == 0


def test_downgrade_below_0003_drops_the_account_tables_and_keeps_the_scenarios(bare_engine: Engine) -> None:
    """head → 0002 → head: scenarios kept; users, sessions, shares gone with their tables."""
    upgrade(bare_engine)
    saved = ScenarioStore(bare_engine).save_new(LOCAL_OWNER, "Kept", ScenarioState(Scenario(learners=8)))
    AccountStore(bare_engine, bcrypt_rounds=4).create_user("alice", "Alice", "correct horse battery", "admin")
    downgrade(bare_engine, "0002")
    assert current_revision(bare_engine) == "0002"
    assert not set(ACCOUNT_TABLES) & set(inspect(bare_engine).get_table_names())
    upgrade(bare_engine)
    opened = ScenarioStore(bare_engine).open(LOCAL_OWNER, saved.id)
    assert isinstance(opened, StoredScenario) and opened.state.scenario.learners == 8
    assert AccountStore(bare_engine).has_users() is False


def test_downgrade_to_the_previous_revision_and_back(bare_engine: Engine) -> None:
    """head → 0001 → head keeps the rows (for undoing a release)."""
    upgrade(bare_engine)
    saved = ScenarioStore(bare_engine).save_new(
        LOCAL_OWNER, "Round trip", ScenarioState(Scenario(learners=7))
    )
    downgrade(bare_engine, "0001")
    assert current_revision(bare_engine) == "0001"
    assert "name_key" not in {c["name"] for c in inspect(bare_engine).get_columns("scenarios")}
    upgrade(bare_engine)
    opened = ScenarioStore(bare_engine).open(LOCAL_OWNER, saved.id)
    assert isinstance(opened, StoredScenario) and opened.name == "Round trip"


def test_the_stored_json_is_plain_json(engine: Engine) -> None:
    """What is stored is a JSON document with the state version (never pickle or binary)."""
    saved = ScenarioStore(engine).save_new(LOCAL_OWNER, "Plain", ScenarioState(Scenario(learners=9)))
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT state FROM scenarios WHERE id = :id"), {"id": saved.id}
        ).scalar_one()
    document = json.loads(stored)
    assert document["state_version"] == 1 and document["scenario"]["learners"] == 9


def _raw_attempt(conn, engine: Engine, username: str, at: datetime, succeeded: bool) -> None:  # type: ignore[no-untyped-def]
    """A sign-in try written as revision 0003 knew it (no client)."""
    conn.execute(
        text("INSERT INTO login_attempts (username, at, succeeded) VALUES (:u, :t, :s)"),
        {
            "u": username,
            "t": at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at,
            "s": succeeded,
        },
    )


def test_a_database_at_0003_gets_per_client_tries_and_names_blind_to_invisible_characters(
    bare_engine: Engine,
) -> None:
    """0003 with look-alike names ("Plan A" and "Plan\\u200b A", which 0003 let sit side by
    side) and sign-in tries → 0004 (and on to the head): the younger look-alike gets " (2)", every row is kept and
    readable, old tries become tries of an unknown client, a zero-width or BOM variant of a
    kept name is now taken, and the schema equals `storage.schema`; back to 0003 and up again
    keeps everything."""
    upgrade(bare_engine, "0003")
    start = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [
        ("plainPlan1", LOCAL_OWNER, "Plan A", 1),
        ("zwspPlan02", LOCAL_OWNER, "Plan\u200b A", 2),
        ("bomBudget3", LOCAL_OWNER, "\ufeffBudget", 3),
        ("spacedPln4", LOCAL_OWNER, "Q3  plan", 4),
        ("alicePlan5", "alice", "Plan\u2060 A", 5),
    ]
    with bare_engine.begin() as conn:
        for index, (row_id, owner, name, learners) in enumerate(rows):
            when = start + timedelta(hours=index)
            conn.execute(
                text(
                    "INSERT INTO scenarios (id, owner, name, name_key, state, version, created_at, updated_at) "
                    "VALUES (:id, :owner, :name, :key, :state, 2, :t, :t)"
                ),
                {
                    "id": row_id,
                    "owner": owner,
                    "name": name,
                    "key": name.casefold(),  # what 0002's key was for these names
                    "state": state_to_json(ScenarioState(Scenario(learners=learners))),
                    "t": when.replace(tzinfo=None) if bare_engine.dialect.name == "sqlite" else when,
                },
            )
        for seconds in range(3):
            _raw_attempt(conn, bare_engine, "alice", datetime.now(UTC) - timedelta(seconds=seconds), False)

    upgrade(bare_engine)

    assert current_revision(bare_engine) == head_revision() == "0006"
    assert _differences(bare_engine) == []
    store = ScenarioStore(bare_engine)
    names = {}
    for row_id, owner, _name, learners in rows:
        opened = store.open(owner, row_id)
        assert isinstance(opened, StoredScenario) and opened.state.scenario.learners == learners
        names[row_id] = opened.name
    assert names == {
        "plainPlan1": "Plan A",
        "zwspPlan02": "Plan\u200b A (2)",
        "bomBudget3": "\ufeffBudget",
        "spacedPln4": "Q3  plan",
        "alicePlan5": "Plan\u2060 A",
    }
    for look_alike in ("Plan A\u200b", "\ufeffplan a", "Budget", "q3 plan"):
        with pytest.raises(NameTaken):
            store.save_new(LOCAL_OWNER, look_alike, ScenarioState())
    with bare_engine.connect() as conn:
        clients = conn.execute(text("SELECT client FROM login_attempts")).scalars().all()
    assert clients == ["", "", ""]

    downgrade(bare_engine, "0003")
    assert "client" not in {c["name"] for c in inspect(bare_engine).get_columns("login_attempts")}
    assert "login_clients" not in inspect(bare_engine).get_table_names()
    upgrade(bare_engine)
    assert _differences(bare_engine) == []
    assert store.open(LOCAL_OWNER, "zwspPlan02").name == "Plan\u200b A (2)"


def test_a_database_at_0004_gets_client_links_since_and_keeps_its_rows_and_shares(
    bare_engine: Engine,
) -> None:
    """0004 with scenarios and a share → 0005: every row kept (version, time, state), no link
    withdrawn (`client_links_since` null), withdrawing works, and the schema equals
    `storage.schema`; back to 0004 drops the column and keeps the rows and the share (no copy
    of `scenarios` on SQLite, whose cascade would delete shares), and up again."""
    upgrade(bare_engine, "0004")
    store = ScenarioStore(bare_engine)
    accounts = AccountStore(bare_engine, bcrypt_rounds=4)
    accounts.create_user("alice", "Alice", "correct horse battery", "editor")
    accounts.create_user("bob", "Bob", "correct horse battery", "viewer")
    with bare_engine.begin() as conn:
        _raw_scenario(conn, bare_engine, "aliceOld01", "alice", "Alice's plan", 321)
        _raw_scenario(conn, bare_engine, "localOld02", LOCAL_OWNER, "Local plan", 654)
        conn.execute(
            text(
                "INSERT INTO scenario_shares (scenario_id, grantee, shared_at) VALUES ('aliceOld01', 'bob', :t)"
            ),
            {
                "t": datetime(2026, 6, 2)
                if bare_engine.dialect.name == "sqlite"
                else datetime(2026, 6, 2, tzinfo=UTC)
            },
        )
    assert "client_links_since" not in {c["name"] for c in inspect(bare_engine).get_columns("scenarios")}
    assert _differences(bare_engine) != []

    upgrade(bare_engine)

    assert current_revision(bare_engine) == head_revision() == "0006"
    assert _differences(bare_engine) == []
    for owner, row_id, learners in (("alice", "aliceOld01", 321), (LOCAL_OWNER, "localOld02", 654)):
        opened = store.open(owner, row_id)
        assert isinstance(opened, StoredScenario)
        assert (opened.state.scenario.learners, opened.version) == (learners, 2)
        assert opened.updated_at == datetime(2026, 6, 1, tzinfo=UTC)
        assert store.client_links_since(owner, row_id) is None
    assert store.open_for("bob", "aliceOld01").owner == "alice"
    withdrawn_at = store.withdraw_client_links("alice", "aliceOld01")
    assert store.client_links_since("alice", "aliceOld01") == withdrawn_at

    downgrade(bare_engine, "0004")
    assert current_revision(bare_engine) == "0004"
    assert "client_links_since" not in {c["name"] for c in inspect(bare_engine).get_columns("scenarios")}
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scenarios")).scalar_one() == 2
        shares = conn.execute(text("SELECT scenario_id, grantee FROM scenario_shares")).all()
    assert [tuple(row) for row in shares] == [("aliceOld01", "bob")]
    upgrade(bare_engine)
    assert _differences(bare_engine) == []
    assert store.open_for("bob", "aliceOld01").state.scenario.learners == 321
    assert store.client_links_since("alice", "aliceOld01") is None


def test_a_database_at_0005_gets_client_link_records_and_keeps_its_rows(bare_engine: Engine) -> None:
    """0005 with a scenario, a share and a withdrawal → 0006: every row kept, the withdrawal
    time too, no link recorded (links made before have no row: refused), issuing and revoking
    work, and the schema equals `storage.schema`; back to 0005 drops `client_links` and keeps
    the scenario, its share and its withdrawal time, and up again."""
    upgrade(bare_engine, "0005")
    store = ScenarioStore(bare_engine)
    accounts = AccountStore(bare_engine, bcrypt_rounds=4)
    accounts.create_user("alice", "Alice", "correct horse battery", "editor")
    accounts.create_user("bob", "Bob", "correct horse battery", "viewer")
    with bare_engine.begin() as conn:
        _raw_scenario(conn, bare_engine, "aliceOld01", "alice", "Alice's plan", 321)
        conn.execute(
            text(
                "INSERT INTO scenario_shares (scenario_id, grantee, shared_at) VALUES ('aliceOld01', 'bob', :t)"
            ),
            {
                "t": datetime(2026, 6, 2)
                if bare_engine.dialect.name == "sqlite"
                else datetime(2026, 6, 2, tzinfo=UTC)
            },
        )
        withdrawn_at = datetime(2026, 6, 3, tzinfo=UTC)  # as the app at 0005 withdrew its links
        conn.execute(
            text("UPDATE scenarios SET client_links_since = :t WHERE id = 'aliceOld01'"),
            {
                "t": withdrawn_at.replace(tzinfo=None)
                if bare_engine.dialect.name == "sqlite"
                else withdrawn_at
            },
        )
    assert "client_links" not in inspect(bare_engine).get_table_names()

    upgrade(bare_engine)

    assert current_revision(bare_engine) == head_revision() == "0006"
    assert _differences(bare_engine) == []
    opened = store.open("alice", "aliceOld01")
    assert isinstance(opened, StoredScenario) and (opened.state.scenario.learners, opened.version) == (321, 2)
    assert store.client_links_since("alice", "aliceOld01") == withdrawn_at
    assert store.open_for("bob", "aliceOld01").owner == "alice"
    links = ClientLinkStore(bare_engine)
    assert links.for_owner("alice") == []
    issued = links.issue("alice", "aliceOld01", 7)
    assert links.revoke("alice", issued.id).revoked_by == "alice"

    downgrade(bare_engine, "0005")
    assert current_revision(bare_engine) == "0005"
    assert "client_links" not in inspect(bare_engine).get_table_names()
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scenarios")).scalar_one() == 1
        shares = conn.execute(text("SELECT scenario_id, grantee FROM scenario_shares")).all()
    assert [tuple(row) for row in shares] == [("aliceOld01", "bob")]
    assert store.client_links_since("alice", "aliceOld01") == withdrawn_at
    upgrade(bare_engine)
    assert _differences(bare_engine) == []
    assert links.for_owner("alice") == []
