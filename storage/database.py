"""Which database, and an engine that uses it safely: SQLite by default, PostgreSQL by URL.

Where the database is, first match wins:

1. the environment variable `TRAINING_ROI_DATABASE_URL`;
2. the key `database_url` in `.streamlit/secrets.toml` (read with `tomllib`, so storage
   needs no Streamlit);
3. the SQLite file `data/studio.sqlite3` under the project root, created with its folder
   on first use, with no set-up.

A SQLite file holds password hashes and private scenarios: `create_engine_for` creates it
(and a missing folder, 0700) readable and writable by its owner only (0600) before SQLite
opens it, and tightens an existing file and its `-wal` and `-shm` companions to 0600 too
(SQLite creates those with the database file's permissions). A file it cannot tighten (not
its owner) is used as it is, with a warning in the log.

A PostgreSQL URL may be written `postgresql://user:password@host/db` or `postgres://...`;
it is driven by psycopg 3 (`postgresql+psycopg://`). Other databases are refused.

SQLite, made safe for several writers (SECURITY.md, "Share links and stored scenarios"):

- `journal_mode=WAL`: readers never wait for the writer, the writer never waits for readers;
- `busy_timeout` of `BUSY_TIMEOUT_S` seconds: a writer waits for the lock instead of failing
  at once with "database is locked";
- writes start with `BEGIN IMMEDIATE` (take the write lock before reading what the write
  depends on, so a transaction never has to be abandoned half-way because another writer got
  in between; with plain `BEGIN`, 353 of 400 concurrent saves failed in a measurement here,
  with `BEGIN IMMEDIATE` 0). Python's sqlite3 module issues its own `BEGIN` by default, so,
  following SQLAlchemy's documented recipe, its transaction handling is switched off
  (`isolation_level = None`) and the engine emits `BEGIN` or `BEGIN IMMEDIATE` itself;
- `synchronous=FULL`: a commit is on disk before it is acknowledged, so no acknowledged save
  is lost when the process or the machine dies;
- `foreign_keys=ON`.

Reads use a plain (deferred) `BEGIN` and take no write lock. Use `writing(engine)` for every
transaction that writes:

>>> import shutil, tempfile
>>> folder = tempfile.mkdtemp()
>>> from sqlalchemy import text
>>> engine = create_engine_for(f"sqlite:///{folder}/demo.sqlite3")
>>> with writing(engine) as conn:
...     _ = conn.execute(text("CREATE TABLE t (x INTEGER)"))
...     _ = conn.execute(text("INSERT INTO t VALUES (1)"))
>>> with engine.connect() as conn:
...     conn.execute(text("PRAGMA journal_mode")).scalar(), conn.execute(text("SELECT x FROM t")).scalar()
('wal', 1)
>>> engine.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from storage.errors import StorageUnavailable

ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "TRAINING_ROI_DATABASE_URL"
SECRETS_KEY = "database_url"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
DEFAULT_SQLITE_FILE = ROOT / "data" / "studio.sqlite3"
# Several app processes on one SQLite file across hosts corrupt it or lose writes: refuse.
REPLICAS_ENV_VAR = "TRAINING_ROI_REPLICAS"
BUSY_TIMEOUT_S = 15
_WRITE_OPTION = "training_roi_write"  # connection execution option: this transaction writes
logger = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The database configuration cannot work; the message says what to change."""


def database_url(
    environ: Mapping[str, str] | None = None,
    secrets_file: Path = SECRETS_FILE,
    default_file: Path = DEFAULT_SQLITE_FILE,
) -> str:
    """The configured database URL: environment, then secrets file, then the SQLite default.

    >>> database_url({"TRAINING_ROI_DATABASE_URL": "postgres://u@db/roi"}, Path("/nonexistent"))
    'postgresql+psycopg://u@db/roi'
    >>> database_url({}, Path("/nonexistent"), Path("/srv/roi.sqlite3"))
    'sqlite:////srv/roi.sqlite3'
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_VAR, "").strip()
    source = f"the environment variable {ENV_VAR}"
    if not configured and secrets_file.is_file():
        try:
            secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"{secrets_file} is not valid TOML: {error}") from None
        value = secrets.get(SECRETS_KEY, "")
        if not isinstance(value, str):
            raise ConfigurationError(f"{SECRETS_KEY} in {secrets_file} must be a text URL.")
        configured = value.strip()
        source = f"{SECRETS_KEY} in {secrets_file}"
    if not configured:
        return URL.create("sqlite", database=str(default_file)).render_as_string()
    return normalise_url(configured, source).render_as_string(hide_password=False)


def normalise_url(text: str, source: str = "the database URL") -> URL:
    """Parse a URL; PostgreSQL through psycopg 3; anything but SQLite or PostgreSQL refused.

    >>> normalise_url("postgresql://roi:pw@db.internal:5432/roi").drivername
    'postgresql+psycopg'
    >>> normalise_url("mysql://x@y/z")
    Traceback (most recent call last):
    ...
    storage.database.ConfigurationError: the database URL: only SQLite (sqlite:///path) and PostgreSQL (postgresql://...) are supported, not 'mysql'.
    """
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigurationError(
            f"{source} is not a database URL (expected sqlite:///path or postgresql://...)."
        ) from None
    backend, _, driver = url.drivername.partition("+")
    if backend in {"postgres", "postgresql"} and driver in {"", "psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in {"", "pysqlite"}:
        if url.database in (None, "", ":memory:"):
            raise ConfigurationError(f"{source}: SQLite needs a file path (sqlite:///path/to/file.sqlite3).")
        return url.set(drivername="sqlite")
    if backend in {"postgres", "postgresql"}:
        raise ConfigurationError(
            f"{source}: PostgreSQL is driven by psycopg 3 here (postgresql://...), not {driver!r}."
        )
    raise ConfigurationError(
        f"{source}: only SQLite (sqlite:///path) and PostgreSQL (postgresql://...) are supported, not {url.drivername!r}."
    )


def describe(url: str | URL) -> str:
    """The database in words, never with its password.

    >>> describe("postgresql+psycopg://roi:secret@db.internal/roi")
    'PostgreSQL database roi on db.internal'
    >>> describe("sqlite:////srv/app/data/studio.sqlite3")
    'SQLite file /srv/app/data/studio.sqlite3'
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL database {parsed.database} on {parsed.host or 'the local socket'}"


def replicas(environ: Mapping[str, str] | None = None) -> int:
    """How many app servers the deployment declares (TRAINING_ROI_REPLICAS, default 1).

    >>> replicas({}), replicas({"TRAINING_ROI_REPLICAS": " 3 "})
    (1, 3)
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(REPLICAS_ENV_VAR, "").strip() or "1"
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{REPLICAS_ENV_VAR} must be a whole number, not {raw[:20]!r}.") from None


def check_deployment(url: str | URL | None = None, environ: Mapping[str, str] | None = None) -> None:
    """Refuse a SQLite URL when the deployment says it runs several replicas.

    SQLite is for one host; several app servers need PostgreSQL (SECURITY.md). Without
    `url`, the configured one is read only when several replicas are declared, so a single
    copy with a broken URL still starts (its Scenarios page says what is wrong).

    >>> check_deployment("sqlite:////tmp/x.sqlite3", {"TRAINING_ROI_REPLICAS": "1"})
    >>> check_deployment("sqlite:////tmp/x.sqlite3", {"TRAINING_ROI_REPLICAS": "3"})
    Traceback (most recent call last):
    ...
    storage.database.ConfigurationError: TRAINING_ROI_REPLICAS is 3, but the scenario database is a SQLite file, which serves one host only. Set TRAINING_ROI_DATABASE_URL to a PostgreSQL URL.
    """
    count = replicas(environ)
    if count <= 1:
        return
    url = database_url(environ) if url is None else url
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        raise ConfigurationError(
            f"{REPLICAS_ENV_VAR} is {count}, but the scenario database is a SQLite file, which "
            f"serves one host only. Set {ENV_VAR} to a PostgreSQL URL."
        )


def create_engine_for(url: str | URL, **options: Any) -> Engine:
    """An engine for `url` (see `normalise_url`); a SQLite file and its folder are created.

    Extra keyword arguments go to `sqlalchemy.create_engine`.
    """
    parsed = (
        normalise_url(url)
        if isinstance(url, str)
        else normalise_url(url.render_as_string(hide_password=False))
    )
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **options)
    options.setdefault("pool_pre_ping", True)
    connect_args = {"connect_timeout": 10, "application_name": "training-roi-studio"}
    connect_args.update(options.pop("connect_args", {}))
    return create_engine(parsed, connect_args=connect_args, **options)


SQLITE_FILE_MODE = 0o600  # the database and its -wal, -shm and -journal files: owner only
SQLITE_FOLDER_MODE = 0o700  # a folder created for the database
_COMPANIONS = ("-wal", "-shm", "-journal")


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file at `path` readable by its owner only, or tighten an existing
    one (and its companions) to that; a folder it creates is 0700. Never loosens, never fails
    because of permissions: a file owned by someone else is left as it is, with a warning."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=SQLITE_FOLDER_MODE, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, SQLITE_FILE_MODE))
    except OSError as error:  # read-only place, a folder of that name: SQLite will say what is wrong
        logger.warning("could not create %s readable by its owner only: %s", path, error)
        return
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in _COMPANIONS)):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                os.chmod(candidate, mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning(
                "%s stays readable by others (%s): change its permissions to 0600", candidate, error
            )


def _sqlite_engine(url: URL, **options: Any) -> Engine:
    assert url.database is not None
    private_sqlite_file(Path(url.database).expanduser())
    connect_args = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    connect_args.update(options.pop("connect_args", {}))
    engine = create_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the engine emits BEGIN itself (see below)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _switch_to_wal(cursor: Any) -> None:
    """`PRAGMA journal_mode=WAL`, waiting up to the busy timeout. The switch of a new file
    needs an exclusive lock, and SQLite refuses it at once ("database is locked", no busy
    wait) while other connections that opened the file at the same moment hold theirs: several
    processes starting together on a new database failed about one time in six."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction: `BEGIN IMMEDIATE` on SQLite; committed on leaving
    the block (the commit is durable before the block returns), rolled back on an exception.
    """
    try:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn
    finally:
        _WRITES[0] += 1  # committed or not: a reader that kept something reads it again


_WRITES = [0]


def writes() -> int:
    """How many write transactions this process has ended, committed or not: what a short-lived
    cache of reads compares to tell whether this process may have changed anything since."""
    return _WRITES[0]


class DatabaseStore:
    """What the stores share: database errors as one message, and writes in `writing`.

    A subclass sets `engine` and `UNAVAILABLE`, the message shown when the database is busy
    beyond its wait or unreachable (`StorageUnavailable`; nothing was changed). Integrity
    errors pass through for the store to explain (a taken name, say).
    """

    engine: Engine
    UNAVAILABLE = "The database is busy or unreachable; nothing was changed. Try again in a moment."

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._errors(), writing(self.engine) as conn:
            yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except DBAPIError as error:
            raise StorageUnavailable(self.UNAVAILABLE) from error
