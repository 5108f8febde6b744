"""Storage fixtures: every storage test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started by the tests themselves, once per session: `initdb` into a
temporary folder, `pg_ctl start` on 127.0.0.1 and a free port, its socket in that folder,
trust authentication (it listens on loopback only), stopped and deleted at the end. As root
(CI), initdb refuses to run, so the server runs as the `postgres` user (`runuser`).

Without PostgreSQL binaries the PostgreSQL half is skipped with a message, except when
`CI=true`, where it fails: CI must test both databases (`.ci/run` installs them).

Accounts: `clock` is a frozen clock the test moves (`clock.advance(minutes=15)`), and
`accounts` an `AccountStore` on the test database with that clock and bcrypt's lowest cost.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scripts.topology import TopologyError, local_postgres, postgres_bin
from storage import AccountStore, ScenarioStore, create_engine_for, upgrade
from tests.storage.clocks import FrozenClock

TEST_BCRYPT_ROUNDS = 4  # bcrypt's lowest cost: about 1 ms a hash instead of 0.25 s
MISSING_MESSAGE = "PostgreSQL binaries not found; install Debian's postgresql to run these"
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "timing: measures wall-clock latency at the production bcrypt cost (interleaved, "
        "median, re-measured if a busy machine spoils a round); deselect with -m 'not timing'",
    )


@dataclass
class PostgresServer:
    port: int
    database: str = "roi_tests"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str | None = None) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database or self.database}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server on loopback for this test session (`scripts.topology`)."""
    if postgres_bin() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING_MESSAGE + " (required when CI=true)")
        pytest.skip(MISSING_MESSAGE)
    with ExitStack() as stack:
        try:
            local = stack.enter_context(local_postgres())
        except TopologyError as error:
            pytest.fail(f"Could not start PostgreSQL for the tests: {error}")
        server = PostgresServer(local.port)
        local.create_database(server.database)
        yield server


def _fresh_schema(server: PostgresServer) -> str:
    """A URL whose connections see only a new, empty schema (cheaper than a database per test)."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return server.url(server.database) + f"?options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a fresh SQLite file, or a fresh schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    return _fresh_schema(request.getfixturevalue("postgres_server"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database, migrated to the newest schema."""
    engine = create_engine_for(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> ScenarioStore:
    """A scenario store on a fresh, migrated database."""
    return ScenarioStore(engine)


@pytest.fixture
def clock() -> FrozenClock:
    """A frozen clock at 2026-11-02 09:00 UTC."""
    return FrozenClock()


@pytest.fixture
def accounts(engine: Engine, clock: FrozenClock) -> AccountStore:
    """An account store on a fresh, migrated database, on the frozen clock, at bcrypt's lowest cost."""
    return AccountStore(engine, clock=clock, bcrypt_rounds=TEST_BCRYPT_ROUNDS)


PASSWORD = "correct horse battery"  # every test account's password


@pytest.fixture
def people(accounts: AccountStore) -> AccountStore:
    """alice and bob (editors), carol (viewer), root (admin), each with `PASSWORD`."""
    accounts.create_user("root", "Root", PASSWORD, "admin")
    accounts.create_user("alice", "Alice Smith", PASSWORD, "editor")
    accounts.create_user("bob", "Bob Jones", PASSWORD, "editor")
    accounts.create_user("carol", "Carol", PASSWORD, "viewer")
    return accounts
