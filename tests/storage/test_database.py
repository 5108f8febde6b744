"""Which database is used, and SQLite's safety settings (WAL, busy timeout, BEGIN IMMEDIATE, FULL sync)."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage import (
    ConfigurationError,
    check_deployment,
    create_engine_for,
    database_url,
    describe,
    open_store,
)
from storage.database import ENV_VAR, writing
from storage.state import ScenarioState

# --- which database -----------------------------------------------------------------------


def test_without_configuration_the_default_sqlite_file_is_created_on_first_use(tmp_path: Path) -> None:
    """No URL anywhere: a SQLite file under data/, folder and file created, schema migrated, ready to save."""
    default = tmp_path / "data" / "studio.sqlite3"
    url = database_url({}, tmp_path / "no-secrets.toml", default)
    assert url == f"sqlite:///{default}"
    assert not default.parent.exists()
    store = open_store(url)
    try:
        assert default.is_file()
        assert store.list("local") == []
    finally:
        store.engine.dispose()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_and_shm_files_are_readable_by_the_owner_only(
    tmp_path: Path,
) -> None:
    """Under the usual umask (022, which gives 0644 files), the database file, its -wal and
    -shm companions (SQLite gives them the database's mode) and a folder created for it are
    the owner's only: they hold password hashes and private scenarios. Before issue 26 all
    three files were world-readable."""
    previous = os.umask(0o022)
    try:
        path = tmp_path / "new-folder" / "studio.sqlite3"
        store = open_store(f"sqlite:///{path}")
        try:
            store.save_new("local", "Private plan", ScenarioState())
            companions = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert all(p.exists() for p in companions)
            assert {p.name: oct(_mode(p)) for p in companions} == {p.name: "0o600" for p in companions}
            assert oct(_mode(path.parent)) == "0o700"
        finally:
            store.engine.dispose()
    finally:
        os.umask(previous)


def test_an_existing_world_readable_sqlite_file_is_tightened(tmp_path: Path) -> None:
    """A database made by an earlier version (0644, companions 0644) is 0600 once opened; an
    existing folder is left as it is (it may hold other things)."""
    path = tmp_path / "studio.sqlite3"
    sqlite3.connect(path).close()
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")
    for p in (path, wal):
        os.chmod(p, 0o644)
    os.chmod(tmp_path, 0o755)
    engine = create_engine_for(f"sqlite:///{path}")
    engine.dispose()
    assert (oct(_mode(path)), oct(_mode(wal)), oct(_mode(tmp_path))) == ("0o600", "0o600", "0o755")


def test_the_environment_wins_over_the_secrets_file(tmp_path: Path) -> None:
    """TRAINING_ROI_DATABASE_URL first, then database_url in secrets.toml, then the default."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('database_url = "postgresql://roi:pw@db.example/roi"\nother = 1\n')
    assert database_url({}, secrets) == "postgresql+psycopg://roi:pw@db.example/roi"
    assert database_url({ENV_VAR: "sqlite:////srv/x.sqlite3"}, secrets) == "sqlite:////srv/x.sqlite3"
    assert database_url({ENV_VAR: "   "}, secrets) == "postgresql+psycopg://roi:pw@db.example/roi"
    secrets.write_text('other = "no database here"\n')
    assert database_url({}, secrets, tmp_path / "d.sqlite3") == f"sqlite:///{tmp_path / 'd.sqlite3'}"


@pytest.mark.parametrize(
    ("secrets_text", "message"),
    [
        ("database_url = ", "not valid TOML"),
        ("database_url = 5", "must be a text URL"),
        ('database_url = "mysql://x@y/z"', "only SQLite"),
        ('database_url = "postgresql+psycopg2://x@y/z"', "psycopg 3"),
        ('database_url = "sqlite://"', "needs a file path"),
        ('database_url = "::nonsense::"', "not a database URL"),
    ],
)
def test_a_bad_configuration_fails_fast_with_a_clear_message(
    tmp_path: Path, secrets_text: str, message: str
) -> None:
    """A configuration that cannot work stops start-up with a message saying what to fix."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(secrets_text)
    with pytest.raises(ConfigurationError, match=message):
        database_url({}, secrets)


def test_the_password_is_never_shown() -> None:
    """`describe` names the database for the screen without its password."""
    shown = describe("postgresql+psycopg://roi:s3cret-pw@db.example:5432/roi")
    assert "s3cret" not in shown and "db.example" in shown and "roi" in shown


def test_several_replicas_on_sqlite_are_refused() -> None:
    """SQLite serves one host: a deployment declaring several replicas must use PostgreSQL."""
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        check_deployment("sqlite:////tmp/x.sqlite3", {"TRAINING_ROI_REPLICAS": "2"})
    check_deployment("postgresql+psycopg://u@h/d", {"TRAINING_ROI_REPLICAS": "2"})
    with pytest.raises(ConfigurationError, match="whole number"):
        check_deployment("sqlite:////tmp/x.sqlite3", {"TRAINING_ROI_REPLICAS": "many"})


# --- SQLite's safety settings ----------------------------------------------------------------


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'safety.sqlite3'}")
    with writing(engine) as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def test_sqlite_connections_use_wal_full_sync_a_busy_timeout_and_foreign_keys(sqlite_engine: Engine) -> None:
    """Every pooled connection gets WAL, synchronous=FULL (2), a busy timeout and foreign keys on."""
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_write_transaction_takes_the_write_lock_at_begin(sqlite_engine: Engine, tmp_path: Path) -> None:
    """`writing` starts with BEGIN IMMEDIATE: before it has written anything, another writer
    cannot start (with a plain BEGIN it could, and one of the two would fail later)."""
    other = sqlite3.connect(tmp_path / "safety.sqlite3", timeout=0.1, isolation_level=None)
    try:
        with writing(sqlite_engine):
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the write transaction ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_reads_do_not_take_the_write_lock_and_see_committed_data(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """A read transaction leaves writers free (plain BEGIN); WAL lets it read while a writer writes."""
    other = sqlite3.connect(tmp_path / "safety.sqlite3", timeout=0.1, isolation_level=None)
    try:
        with sqlite_engine.connect() as reader:
            reader.execute(text("SELECT count(*) FROM t")).scalar()
            assert reader.in_transaction()
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO t VALUES (1)")
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0  # its snapshot
            other.execute("COMMIT")
        with sqlite_engine.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        other.close()


def test_a_waiting_writer_gets_in_once_the_lock_is_released(sqlite_engine: Engine) -> None:
    """The busy timeout makes a second writer wait for the first instead of failing."""
    first_has_lock, results = threading.Event(), []

    def second_writer() -> None:
        first_has_lock.wait()
        with writing(sqlite_engine) as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        results.append("done")

    thread = threading.Thread(target=second_writer)
    thread.start()
    with writing(sqlite_engine) as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        first_has_lock.set()
        time.sleep(0.3)  # the second writer is now waiting on the lock
    thread.join(timeout=30)
    assert results == ["done"]
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t ORDER BY x")).scalars().all() == [1, 2]


def test_a_failed_write_transaction_leaves_nothing_behind(sqlite_engine: Engine) -> None:
    """An exception inside `writing` rolls the whole transaction back."""
    with pytest.raises(RuntimeError):
        with writing(sqlite_engine) as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("stop")
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
