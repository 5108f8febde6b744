"""Concurrent writers and crashes, on SQLite and PostgreSQL: no error, no lost update, no lost save."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from calculators.scenario import Scenario
from storage import (
    LOCAL_OWNER,
    ScenarioState,
    ScenarioStore,
    StoredScenario,
    VersionConflict,
    create_engine_for,
)

ROOT = Path(__file__).resolve().parents[2]
THREADS, SAVES = 8, 50


def _in_threads(work: Callable[[int], None]) -> list[BaseException]:
    """Run work(0..THREADS-1) in threads released together; return what they raised."""
    start, errors = threading.Barrier(THREADS), []

    def run(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # collected and asserted on by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return errors


def _learners(store: ScenarioStore, scenario_id: str) -> tuple[int, int]:
    opened = store.open(LOCAL_OWNER, scenario_id)
    assert isinstance(opened, StoredScenario)
    return opened.version, opened.state.scenario.learners


def test_eight_writers_fifty_saves_each_without_an_error(store: ScenarioStore) -> None:
    """8 threads × 50 saves (a new scenario, then 49 saves of it) at once: all succeed, every last save is there."""
    last: dict[int, tuple[str, int, int]] = {}

    def writer(index: int) -> None:
        saved = store.save_new(LOCAL_OWNER, f"Writer {index}", ScenarioState(Scenario(learners=1)))
        for n in range(2, SAVES + 1):
            saved = store.save(LOCAL_OWNER, saved.id, saved.version, ScenarioState(Scenario(learners=n)))
        last[index] = (saved.id, saved.version, SAVES)

    assert _in_threads(writer) == []
    assert len(last) == THREADS
    for scenario_id, version, learners in last.values():
        assert _learners(store, scenario_id) == (version, learners) == (SAVES, SAVES)
    assert store.count(LOCAL_OWNER) == THREADS


def test_eight_writers_on_one_scenario_lose_no_update(store: ScenarioStore) -> None:
    """8 threads × 50 read-add-one-save cycles on one scenario: each save is applied or refused as
    a conflict, never lost; the count equals 1 + the saves applied, the version likewise."""
    shared = store.save_new(LOCAL_OWNER, "Counter", ScenarioState(Scenario(learners=1)))
    applied, conflicts = [0] * THREADS, [0] * THREADS

    def incrementer(index: int) -> None:
        for _ in range(SAVES):
            version, learners = _learners(store, shared.id)
            try:
                store.save(LOCAL_OWNER, shared.id, version, ScenarioState(Scenario(learners=learners + 1)))
            except VersionConflict:
                conflicts[index] += 1  # someone else saved since this thread read it: refused, not lost
            else:
                applied[index] += 1

    assert _in_threads(incrementer) == []
    assert sum(applied) + sum(conflicts) == THREADS * SAVES
    assert _learners(store, shared.id) == (1 + sum(applied), 1 + sum(applied))
    assert sum(conflicts) > 0, "the writers never overlapped: this test proved nothing"
    assert sum(applied) >= SAVES  # and they made progress


def test_kill_9_in_a_save_loop_loses_no_acknowledged_save(db_url: str, engine: Engine) -> None:
    """A process saving in a loop is killed with SIGKILL twice; every save it acknowledged is there."""
    acknowledged: dict[str, tuple[int, int]] = {}  # id -> (version, learners) of the last ack
    for kill_after in (20, 60):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.save_loop", db_url, f"Run {kill_after}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        seen = 0
        for line in child.stdout:
            seen += _record(line, acknowledged)
            if seen >= kill_after:
                child.send_signal(signal.SIGKILL)
                break
        rest, errors = child.communicate(timeout=60)
        for line in rest.splitlines():  # acknowledged before it died, still in the pipe
            _record(line, acknowledged)
        assert child.returncode == -signal.SIGKILL, f"the save loop stopped on its own: {errors[-2000:]}"
        assert seen >= kill_after

    engine.dispose()  # reopen as after a restart
    reopened = ScenarioStore(create_engine_for(db_url))
    try:
        for scenario_id, (version, learners) in acknowledged.items():
            stored_version, stored_learners = _learners(reopened, scenario_id)
            assert stored_version >= version
            if stored_version == version:
                assert stored_learners == learners
        if reopened.engine.dialect.name == "sqlite":
            with reopened.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        reopened.engine.dispose()
    assert len(acknowledged) >= 3


def _record(line: str, acknowledged: dict[str, tuple[int, int]]) -> int:
    parts = line.split()
    if len(parts) != 4 or parts[0] != "ACK":
        return 0
    scenario_id, version, learners = parts[1], int(parts[2]), int(parts[3])
    if version >= acknowledged.get(scenario_id, (0, 0))[0]:
        acknowledged[scenario_id] = (version, learners)
    return 1
