"""The scenario store on SQLite and PostgreSQL: round trip, names, versions, list, bad rows."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from calculators.scenario import Scenario
from storage import (
    ALL_SIGNED_IN,
    LOCAL_OWNER,
    AccountStore,
    BadRow,
    InvalidName,
    NameTaken,
    NotAllowed,
    NotFound,
    ScenarioState,
    ScenarioStore,
    StorageUnavailable,
    StoredScenario,
    VersionConflict,
    state_to_json,
)
from storage.database import writing
from storage.scenarios import ID_ALPHABET, ID_LENGTH, name_key
from tests.storage.state_strategies import states

_names = count(1)


def _opened(store: ScenarioStore, scenario_id: str, owner: str = LOCAL_OWNER) -> StoredScenario:
    opened = store.open(owner, scenario_id)
    assert isinstance(opened, StoredScenario), getattr(opened, "problems", opened)
    return opened


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=states())
def test_save_then_open_gives_back_the_same_state(store: ScenarioStore, state: ScenarioState) -> None:
    """Round trip through the database for generated states (scenario, page settings, ranges)."""
    saved = store.save_new(LOCAL_OWNER, f"Generated {next(_names)}", state)
    assert _opened(store, saved.id).state == state


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80).filter(
        lambda s: s.strip() != "" and name_key(s) != ""
    )
)
def test_any_text_is_a_name_and_comes_back_as_written(store: ScenarioStore, name: str) -> None:
    """Unicode names of up to 80 characters are stored trimmed, listed and found by search."""
    saved = store.save_new(LOCAL_OWNER, name, ScenarioState())
    try:
        assert saved.name == name.strip()
        assert _opened(store, saved.id).name == name.strip()
        found = store.list(LOCAL_OWNER, search=name.strip())
        assert saved.id in [row.id for row in found]
    finally:
        store.delete(LOCAL_OWNER, saved.id)


def test_the_longest_names_fit(store: ScenarioStore) -> None:
    """80 characters of the character that expands most under NFKC (U+FDFA, 18 letters) still store."""
    saved = store.save_new(LOCAL_OWNER, "\ufdfa" * 80, ScenarioState())
    assert _opened(store, saved.id).name == "\ufdfa" * 80


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("\u200b", "at least one visible character"),
        ("\ufeff \u2060\u00ad", "at least one visible character"),
        ("x" * 81, "at most 80"),
        ("two\nlines", "control characters"),
        ("nul\x00byte", "control characters"),
        (42, "must be text"),
    ],
)
def test_unusable_names_are_refused_with_a_reason(store: ScenarioStore, name: object, message: str) -> None:
    """A bad name is a clear message, and nothing is saved."""
    with pytest.raises(InvalidName, match=message):
        store.save_new(LOCAL_OWNER, name, ScenarioState())  # type: ignore[arg-type]
    assert store.count(LOCAL_OWNER) == 0


@pytest.fixture
def editors(accounts: AccountStore) -> AccountStore:
    """Editor accounts alice, bob and someone-else (writes need an owner who may write)."""
    for username in ("alice", "bob", "someone-else"):
        accounts.create_user(username, username.title(), "correct horse battery", "editor")
    return accounts


def test_names_are_unique_per_owner_whatever_the_case(store: ScenarioStore, editors: AccountStore) -> None:
    """'Plan A', 'plan a' and full-width 'Ｐｌａｎ Ａ' are one name for an owner, but another owner may use it."""
    store.save_new(LOCAL_OWNER, "Plan A", ScenarioState())
    for clash in ("Plan A", "plan a", " PLAN A ", "Ｐｌａｎ Ａ"):
        with pytest.raises(NameTaken, match='"Plan A"'):
            store.save_new(LOCAL_OWNER, clash, ScenarioState())
    store.save_new("someone-else", "plan a", ScenarioState())
    assert store.count(LOCAL_OWNER) == 1


@pytest.mark.parametrize(
    "look_alike",
    [
        "Plan\u200b A",  # zero-width space
        "\ufeffPlan A",  # byte-order mark (pasted from a file)
        "Plan A\u2060",  # word joiner
        "Pl\u00adan A",  # soft hyphen
        "Plan\u200d A\u200c",  # zero-width joiner and non-joiner
        "\u202aPlan A\u202c",  # bidirectional embedding
        "Plan A\ufe0f",  # variation selector
        "Plan\u00a0A",  # no-break space
        "Plan  A",  # two spaces
        "Plan\u3000A",  # ideographic space
        "Ｐｌａｎ\u200b Ａ",  # full-width and zero-width together
    ],
)
def test_look_alike_names_are_one_name(store: ScenarioStore, look_alike: str) -> None:
    """A name that differs from a taken one only by invisible characters or the kind of
    space is taken too (issue 26: zero-width space and BOM got around the unique-name rule),
    on save, rename and copy; the name is still stored as written."""
    original = store.save_new(LOCAL_OWNER, "Plan A", ScenarioState())
    other = store.save_new(LOCAL_OWNER, "Other", ScenarioState())
    for attempt in (
        lambda: store.save_new(LOCAL_OWNER, look_alike, ScenarioState()),
        lambda: store.rename(LOCAL_OWNER, other.id, look_alike),
        lambda: store.fork(LOCAL_OWNER, other.id, look_alike),
        lambda: store.save(LOCAL_OWNER, other.id, other.version, ScenarioState(), name=look_alike),
    ):
        with pytest.raises(NameTaken, match='"Plan A"'):
            attempt()
    assert store.count(LOCAL_OWNER) == 2
    assert [r.id for r in store.list(LOCAL_OWNER, search=look_alike)] == [original.id]
    renamed = store.rename(LOCAL_OWNER, original.id, look_alike)  # its own name, written otherwise
    assert renamed.name == look_alike.strip()


def test_rename_and_save_with_a_name_check_uniqueness_too(store: ScenarioStore) -> None:
    """Renaming onto another scenario's name is refused; changing only the case of one's own name is fine."""
    a = store.save_new(LOCAL_OWNER, "Alpha", ScenarioState())
    b = store.save_new(LOCAL_OWNER, "Beta", ScenarioState())
    with pytest.raises(NameTaken):
        store.rename(LOCAL_OWNER, b.id, "ALPHA")
    with pytest.raises(NameTaken):
        store.save(LOCAL_OWNER, b.id, b.version, ScenarioState(), name="alpha")
    renamed = store.rename(LOCAL_OWNER, a.id, "ALPHA")
    assert (renamed.name, renamed.version) == ("ALPHA", 2)
    assert _opened(store, b.id).version == 1  # the refused writes changed nothing


def test_each_write_adds_one_to_the_version_and_keeps_the_id(store: ScenarioStore) -> None:
    """save_new → 1; save → 2; rename → 3; the id never changes; the state is the last saved."""
    first = store.save_new(LOCAL_OWNER, "Plan", ScenarioState(Scenario(learners=100)))
    second = store.save(LOCAL_OWNER, first.id, 1, ScenarioState(Scenario(learners=200)))
    third = store.rename(LOCAL_OWNER, first.id, "Plan B", expected_version=2)
    assert [first.version, second.version, third.version] == [1, 2, 3]
    opened = _opened(store, first.id)
    assert (opened.id, opened.name, opened.version, opened.state.scenario.learners) == (
        first.id,
        "Plan B",
        3,
        200,
    )


def test_a_stale_save_gets_the_conflict_and_the_first_save_is_kept(store: ScenarioStore) -> None:
    """A and B open version 1; A saves; B saves → B gets 'changed elsewhere', A's data stays."""
    saved = store.save_new(LOCAL_OWNER, "Shared plan", ScenarioState(Scenario(learners=100)))
    a_version = b_version = _opened(store, saved.id).version
    store.save(LOCAL_OWNER, saved.id, a_version, ScenarioState(Scenario(learners=111)))
    with pytest.raises(VersionConflict) as conflict:
        store.save(LOCAL_OWNER, saved.id, b_version, ScenarioState(Scenario(learners=222)))
    assert "changed elsewhere" in str(conflict.value) and "save yours as a copy" in str(conflict.value)
    assert (conflict.value.expected_version, conflict.value.current_version) == (1, 2)
    opened = _opened(store, saved.id)
    assert (opened.version, opened.state.scenario.learners) == (2, 111)
    # B's way out: save as a copy
    copy = store.save_new(LOCAL_OWNER, "Shared plan (B)", ScenarioState(Scenario(learners=222)))
    assert _opened(store, copy.id).state.scenario.learners == 222


def test_stale_rename_and_delete_are_refused_when_a_version_is_given(store: ScenarioStore) -> None:
    """With expected_version, rename and delete refuse a scenario changed since."""
    saved = store.save_new(LOCAL_OWNER, "Plan", ScenarioState())
    store.save(LOCAL_OWNER, saved.id, 1, ScenarioState(Scenario(learners=5)))
    with pytest.raises(VersionConflict):
        store.rename(LOCAL_OWNER, saved.id, "Other", expected_version=1)
    with pytest.raises(VersionConflict):
        store.delete(LOCAL_OWNER, saved.id, expected_version=1)
    store.delete(LOCAL_OWNER, saved.id, expected_version=2)
    with pytest.raises(NotFound):
        store.open(LOCAL_OWNER, saved.id)


def test_fork_copies_the_stored_state_under_a_new_id_and_name(store: ScenarioStore) -> None:
    """A fork is a new scenario (version 1, new id) with the original's state; the original is untouched."""
    state = ScenarioState(Scenario(learners=4321), ranges={"learners": (4000.0, 5000.0)})
    original = store.save_new(LOCAL_OWNER, "Original", state)
    store.save(LOCAL_OWNER, original.id, 1, state)
    fork = store.fork(LOCAL_OWNER, original.id, "Original (copy)")
    assert fork.id != original.id and fork.version == 1
    assert _opened(store, fork.id).state == state
    assert _opened(store, original.id).version == 2
    with pytest.raises(NameTaken):
        store.fork(LOCAL_OWNER, original.id, "original")
    with pytest.raises(NotFound):
        store.fork("someone-else", original.id, "Stolen")


def test_another_owners_scenario_is_not_found_for_every_operation(
    store: ScenarioStore, editors: AccountStore
) -> None:
    """Opaque ids and an ownership check on every call: someone else's scenario looks missing."""
    mine = store.save_new("alice", "Private", ScenarioState(Scenario(learners=42)))
    missing = store.save_new("alice", "Gone", ScenarioState())
    store.delete("alice", missing.id)
    for scenario_id in (mine.id, missing.id, "does-not-exist", "x" * 500, "../etc", ""):
        for attempt in (
            lambda i: store.open("bob", i),
            lambda i: store.save("bob", i, 1, ScenarioState()),
            lambda i: store.rename("bob", i, "Mine now"),
            lambda i: store.delete("bob", i),
            lambda i: store.fork("bob", i, "Mine now"),
        ):
            with pytest.raises(NotFound) as error:
                attempt(scenario_id)
            assert str(error.value) == "That saved scenario does not exist (it may have been deleted)."
    assert store.list("bob") == []
    assert _opened(store, mine.id, "alice").state.scenario.learners == 42


def test_list_is_newest_change_first_with_search_ignoring_case(engine: Engine) -> None:
    """The list orders by last change (a save moves a scenario to the top) and search matches any part of the name."""
    clock_times = iter(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i) for i in range(100))
    store = ScenarioStore(engine, clock=lambda: next(clock_times))
    ids = {
        name: store.save_new(LOCAL_OWNER, name, ScenarioState()).id
        for name in ("Q1 plan", "Q2 Plan", "Budget", "50%_off")
    }
    assert [row.name for row in store.list(LOCAL_OWNER)] == ["50%_off", "Budget", "Q2 Plan", "Q1 plan"]
    store.save(LOCAL_OWNER, ids["Q1 plan"], 1, ScenarioState())
    listed = store.list(LOCAL_OWNER)
    assert [row.name for row in listed] == ["Q1 plan", "50%_off", "Budget", "Q2 Plan"]
    assert listed[0].updated_at == datetime(2026, 1, 1, 0, 4, tzinfo=UTC)
    assert listed[0].created_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert [row.name for row in store.list(LOCAL_OWNER, search="PLAN")] == ["Q1 plan", "Q2 Plan"]
    assert [row.name for row in store.list(LOCAL_OWNER, search="%")] == ["50%_off"]  # wildcards are literal
    assert [row.name for row in store.list(LOCAL_OWNER, search="_")] == ["50%_off"]
    assert store.list(LOCAL_OWNER, search="nothing like it") == []
    assert len(store.list(LOCAL_OWNER, limit=2)) == 2


def test_times_are_utc_and_timezone_aware(store: ScenarioStore) -> None:
    """Created and updated times come back timezone-aware in UTC, close to now."""
    before = datetime.now(UTC)
    saved = store.save_new(LOCAL_OWNER, "Timed", ScenarioState())
    opened = _opened(store, saved.id)
    for moment in (
        saved.updated_at,
        opened.created_at,
        opened.updated_at,
        store.list(LOCAL_OWNER)[0].updated_at,
    ):
        assert moment.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= moment <= datetime.now(UTC) + timedelta(seconds=1)
    assert opened.updated_at == saved.updated_at


def test_ids_are_short_random_and_url_safe(store: ScenarioStore) -> None:
    """Ids are 10 letters or digits (safe in `?s=`), all different."""
    ids = [store.save_new(LOCAL_OWNER, f"Id {i}", ScenarioState()).id for i in range(40)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(f"[{re.escape(ID_ALPHABET)}]{{{ID_LENGTH}}}", i) for i in ids)


def _store_raw(engine: Engine, name: str, document: str, owner: str = LOCAL_OWNER) -> str:
    """Put a row in the database behind the store's back (a damaged or hand-edited row)."""
    now = datetime.now(UTC)
    with writing(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO scenarios (id, owner, name, name_key, state, version, created_at, updated_at) "
                "VALUES (:id, :owner, :name, :key, :state, 1, :now, :now)"
            ),
            {
                "id": "bad" + name[:6].replace(" ", ""),
                "owner": owner,
                "name": name,
                "key": name.lower(),
                "state": document,
                "now": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now,
            },
        )
    return "bad" + name[:6].replace(" ", "")


@pytest.mark.parametrize(
    ("scenario_part", "expected"),
    [
        ({"learners": True}, "Learners: on is not a whole number"),
        ({"learners": 1_000_000}, "Learners: 1,000,000 is out of range"),
        ({"micro_retention_pct": -5.0}, "is out of range"),
    ],
)
def test_a_row_with_a_bad_value_is_reported_not_raised(
    store: ScenarioStore, engine: Engine, scenario_part: dict, expected: str
) -> None:
    """Strict validation on read: a bad stored value makes a BadRow naming the scenario and the value."""
    document = json.loads(state_to_json(ScenarioState()))
    document["scenario"].update(scenario_part)
    row_id = _store_raw(engine, "Broken one", json.dumps(document))
    opened = store.open(LOCAL_OWNER, row_id)
    assert isinstance(opened, BadRow)
    assert '"Broken one"' in opened.message and "could not be opened" in opened.message
    assert len(opened.problems) == 1 and expected in opened.problems[0]
    assert opened.salvaged.scenario == Scenario()  # the bad value fell back to its default
    assert [row.name for row in store.list(LOCAL_OWNER)] == ["Broken one"]  # still listed


@pytest.mark.parametrize(
    "document", ["", "{", "null", "[]", '{"scenario": {"learners": NaN}}', "x" * 300_000]
)
def test_a_row_that_is_not_a_state_at_all_is_reported(
    store: ScenarioStore, engine: Engine, document: str
) -> None:
    """Unreadable JSON, the wrong shape, or an oversized row: a BadRow, never an exception."""
    row_id = _store_raw(engine, "Garbage", document)
    opened = store.open(LOCAL_OWNER, row_id)
    assert isinstance(opened, BadRow) and opened.problems


def test_a_missing_table_is_a_message_not_a_crash(db_url: str) -> None:
    """A database that was never migrated gives StorageUnavailable with a plain message."""
    from storage import create_engine_for

    engine = create_engine_for(db_url)
    try:
        with pytest.raises(StorageUnavailable, match="busy or unreachable"):
            ScenarioStore(engine).list(LOCAL_OWNER)
    finally:
        engine.dispose()


def test_a_version_must_be_a_whole_number(store: ScenarioStore) -> None:
    """A version of the wrong type is a programming error, caught before the database."""
    saved = store.save_new(LOCAL_OWNER, "Typed", ScenarioState())
    with pytest.raises(TypeError):
        store.save(LOCAL_OWNER, saved.id, "1", ScenarioState())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.save(LOCAL_OWNER, saved.id, True, ScenarioState())  # type: ignore[arg-type]


# --- writes need an owner who may write (issue 26) ---------------------------------------------


@pytest.mark.parametrize(
    "writer",
    [
        "client-link:AbCdEfGh12",  # a client link's session (components: ClientLink.guest_owner)
        "nobody",  # a possible username without an account
        "carol",  # a viewer
        "gone",  # a disabled editor
    ],
)
def test_a_write_by_an_owner_who_may_not_write_is_refused_and_changes_nothing(
    store: ScenarioStore, accounts: AccountStore, writer: str
) -> None:
    """The page hides the save buttons from a client link's visitor and from viewers; the
    store refuses them too, so read-only rests on the storage layer, not on the page: save,
    save as new, rename, copy, delete, share and unshare are `NotAllowed`, and nothing is
    written. Before issue 26 a name without an account (a client link's session) could save
    and copy freely."""
    accounts.create_user("alice", "Alice", "correct horse battery", "editor")
    accounts.create_user("carol", "Carol", "correct horse battery", "viewer")
    accounts.create_user("gone", "Gone", "correct horse battery", "editor")
    kept = store.save_new("gone", "Kept", ScenarioState(Scenario(learners=7)))
    accounts.disable_user("gone")
    plan = store.save_new("alice", "Client plan", ScenarioState(Scenario(learners=3210)))
    store.share("alice", plan.id, ALL_SIGNED_IN)
    target = kept if writer == "gone" else plan
    before = {r.id: (r.name, r.version) for r in store.list("alice") + store.list("gone")}
    writes = {
        "save as new": lambda: store.save_new(writer, "Mine now", ScenarioState()),
        "save": lambda: store.save(writer, target.id, 1, ScenarioState(Scenario(learners=1))),
        "rename": lambda: store.rename(writer, target.id, "Renamed"),
        "delete": lambda: store.delete(writer, target.id),
        "share": lambda: store.share(writer, target.id, ["alice"]),
        "unshare": lambda: store.unshare(writer, target.id, [ALL_SIGNED_IN]),
    }
    for what, attempt in writes.items():
        with pytest.raises(NotAllowed):
            attempt()
            pytest.fail(f"{writer} could {what}")
    # a copy: refused, or (a client link's session sees no saved scenario) not found
    with pytest.raises((NotAllowed, NotFound)):
        store.fork(writer, plan.id, "Mine now")
    after = {r.id: (r.name, r.version) for r in store.list("alice") + store.list("gone")}
    assert after == before
    assert store.count(writer) == (1 if writer == "gone" else 0)
    assert _opened(store, plan.id, "alice").state.scenario.learners == 3210


def test_the_local_owner_and_editors_may_write(store: ScenarioStore, accounts: AccountStore) -> None:
    """Single-user mode's owner and an active editor or administrator write as before."""
    accounts.create_user("root", "Root", "correct horse battery", "admin")
    accounts.create_user("alice", "Alice", "correct horse battery", "editor")
    for owner in (LOCAL_OWNER, "root", "alice"):
        saved = store.save_new(owner, "Plan", ScenarioState())
        store.rename(owner, saved.id, "Plan B")
        store.delete(owner, saved.id)
    assert store.count(LOCAL_OWNER) == store.count("alice") == 0
