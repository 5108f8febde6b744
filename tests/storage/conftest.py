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

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

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


def _postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(on_path):
        return Path(on_path[0]).resolve().parent  # type: ignore[arg-type]
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    port: int
    database: str = "roi_tests"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str | None = None) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database or self.database}"


def _as_server_user(args: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *args] if user else args


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server on loopback for this test session."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING_MESSAGE + " (required when CI=true)")
        pytest.skip(MISSING_MESSAGE)
    user = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as postgres
        user = "postgres"
        try:
            owner = pwd.getpwnam(user)
        except KeyError:
            pytest.fail("Running as root, but there is no 'postgres' user to run PostgreSQL as.")
    folder = Path(tempfile.mkdtemp(prefix="roi-pg-"))
    if user:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log, port = folder / "data", folder / "server.log", _free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                user,
            ),
            **run,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}"
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], user
            ),
            **run,
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "") + (log.read_text() if log.exists() else "")
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"Could not start PostgreSQL for the tests: {detail[-2000:]}")
    server = PostgresServer(port)
    try:
        import psycopg

        with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {server.database}")
        yield server
    finally:
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user
            ),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


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
