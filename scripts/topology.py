"""The production topology on loopback, without containers: PostgreSQL, app replicas, nginx.

The same parts as `deploy/compose.yaml`, started and stopped by this module itself: a
throw-away PostgreSQL cluster (`initdb`, `pg_ctl`, trust authentication on 127.0.0.1 only),
N `streamlit run serve.py` replicas on their own loopback ports with the same cookie key and
database, and Debian's nginx with `deploy/nginx.conf` (its upstream addresses, port and
folders rewritten; an access log that names the replica each request went to). Everything
lives in one temporary folder, deleted at the end.

    from scripts.topology import topology
    with topology(replicas=2) as t:
        t.proxy_url                      # http://127.0.0.1:<port>, what a browser opens
        t.replicas[0].kill()             # SIGKILL, as a crash
        t.replicas[0].start()            # the same port again
        t.database.restart()             # PostgreSQL stopped and started
        t.served_by()                    # [(path, "127.0.0.1:<port>"), ...] from nginx's log

As a command, it starts the topology, prints the addresses and a signed-in user's
credentials, and stops by itself after `--minutes` (or on Ctrl-C)::

    .venv/bin/python scripts/topology.py --minutes 30

Only loopback addresses are used; nothing is reachable from another machine.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/topology.py` puts scripts/ first, not the root
    sys.path.insert(0, str(ROOT))

from scripts.server import (  # noqa: E402  (the one server starter)
    START_TIMEOUT,
    ServerError,
    free_port,
    start_streamlit,
    stop_process,
    tail,
    wait_healthy,
)

ADMIN = "admin"  # the administrator the topology creates (password: Topology.admin_password)
# nginx's log line per request: the upstream it used, the status, the path (tests read it)
LOG_FORMAT = "log_format roi_upstream '$upstream_addr $status $request_uri $cookie_roi_route';"


class TopologyError(ServerError):
    """A part of the topology could not be started; the message holds its log's tail."""


# --------------------------------------------------------------------------- PostgreSQL


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(on_path):
        return Path(on_path[0]).resolve().parent  # type: ignore[arg-type]
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


@dataclass
class LocalPostgres:
    """A throw-away PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port` only.

    As root (CI), initdb refuses to run, so the server runs as the `postgres` user.
    """

    folder: Path
    port: int = field(default_factory=free_port)
    bin_dir: Path | None = field(default_factory=postgres_bin)

    def __post_init__(self) -> None:
        if self.bin_dir is None:
            raise TopologyError("PostgreSQL binaries not found: apt-get install -y postgresql")
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                owner = pwd.getpwnam(self.user)
            except KeyError:
                raise TopologyError(
                    "Running as root, but there is no 'postgres' user to run PostgreSQL as."
                ) from None
            self.folder.mkdir(parents=True, exist_ok=True)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data, self.log = self.folder / "data", self.folder / "server.log"

    def _command(self, *args: str) -> list[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]  # type: ignore[operator]
        return ["runuser", "-u", self.user, "--", *command] if self.user else command

    def _run(self, *args: str) -> None:
        try:
            subprocess.run(self._command(*args), check=True, capture_output=True, text=True, timeout=120)
        except subprocess.CalledProcessError as error:
            raise TopologyError(
                f"PostgreSQL: {' '.join(args[:1])} failed: {error.stderr}{tail(self.log)}"
            ) from None

    def init(self) -> LocalPostgres:
        """initdb (trust authentication: loopback only) and start."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        return self.start()

    def start(self) -> LocalPostgres:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """pg_ctl stop (`fast`: connections are cut, as in a restart; `immediate`: a crash)."""
        subprocess.run(self._command("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"),
                       capture_output=True, timeout=60)  # fmt: skip

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def create_database(self, name: str) -> str:
        """CREATE DATABASE `name` (a plain identifier); its SQLAlchemy URL."""
        import psycopg

        if not name.isidentifier():
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@contextmanager
def local_postgres(folder: Path | None = None) -> Iterator[LocalPostgres]:
    """A started PostgreSQL cluster, stopped (immediately) and deleted on exit."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="roi-pg-")) if folder is None else folder
    server = LocalPostgres(folder)
    try:
        server.init()
        yield server
    finally:
        server.stop("immediate")
        if own:
            shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- app replicas


@dataclass
class Replica:
    """One `streamlit run serve.py` on 127.0.0.1:`port`; restarted on the same port."""

    name: str
    folder: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def start(self, wait: bool = True) -> Replica:
        self.starts += 1
        with open(self.log, "ab") as log:
            log.write(f"\n--- start {self.starts} ---\n".encode())
        self.process = start_streamlit("serve.py", self.port, self.log, env=self.env)
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        try:
            wait_healthy(self.url, self.process, log=self.log, timeout=timeout, what=f"replica {self.name}")
        except ServerError as error:
            raise TopologyError(str(error)) from None

    def kill(self) -> None:
        """SIGKILL: the replica dies at once, as in a crash (nothing flushed, nothing closed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def connections(self) -> int:
        """Open TCP connections to this replica (a websocket through nginx holds one; nginx
        logs a websocket only when it closes, so this is how to see where one is now)."""
        count = 0
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":  # ESTABLISHED
                count += 1
        return count


# --------------------------------------------------------------------------- nginx


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def nginx_conf(upstreams: list[str], port: int, folder: Path) -> str:
    """`deploy/nginx.conf` for loopback: the compose file's `app1:8501`, `app2:8501` replaced by
    `upstreams` (host:port), listening on 127.0.0.1:`port`, its folders in `folder`, one worker,
    and an access log naming the upstream of each request (`LOG_FORMAT`)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    servers = [line for line in conf.splitlines() if line.strip().startswith("server app")]
    if not servers:
        raise TopologyError("deploy/nginx.conf has no `server appN:8501` lines to rewrite")
    template = servers[0]
    replacement = "\n".join(template.replace(template.split()[1], address) for address in upstreams)
    conf = conf.replace("\n".join(servers), replacement)
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("worker_processes auto;", "worker_processes 1;")
    temp = "".join(
        f"  {kind}_temp_path {folder}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = conf.replace(
        "http {", f"http {{\n  {LOG_FORMAT}\n  access_log {folder}/access.log roi_upstream;\n{temp}", 1
    )
    return conf


@dataclass
class Nginx:
    """Debian's nginx with the deployment's configuration, in front of `upstreams`."""

    folder: Path
    upstreams: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def start(self) -> Nginx:
        binary = nginx_binary()
        if binary is None:
            raise TopologyError("nginx not found: apt-get install -y nginx")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "nginx.conf").write_text(
            nginx_conf(self.upstreams, self.port, self.folder), encoding="utf-8"
        )
        directives = f"daemon off; pid {self.folder}/nginx.pid; error_log {self.folder}/error.log;"
        self.process = subprocess.Popen(
            [binary, "-c", f"{self.folder}/nginx.conf", "-p", str(self.folder), "-g", directives],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_healthy(self.url, self.process, log=self.folder / "error.log", what="nginx")
        except ServerError as error:
            raise TopologyError(str(error)) from None
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def served_by(self) -> list[Served]:
        """Every request so far, in order, as nginx logged it."""
        if not self.access_log.exists():
            return []
        rows = []
        for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            # "$upstream_addr" may hold "a, b" (a dead replica tried first): split from the right
            parts = line.rsplit(" ", 3)
            if len(parts) == 4:
                rows.append(Served(*parts))
        return rows


@dataclass(frozen=True)
class Served:
    """One request through nginx: the replica(s) tried (``127.0.0.1:1, 127.0.0.1:2`` when the
    first did not answer), the status, the path, the browser's routing cookie ("-": none)."""

    upstream: str
    status: str
    path: str
    route: str

    @property
    def replica(self) -> str:
        """The replica that answered (the last one tried)."""
        return self.upstream.replace(" : ", ", ").split(", ")[-1]


# --------------------------------------------------------------------------- all together


@dataclass
class Topology:
    folder: Path
    database: LocalPostgres
    database_url: str
    replicas: list[Replica]
    proxy: Nginx
    admin_password: str
    cookie_key: str

    def sign_in_cookie(self, username: str = ADMIN) -> dict[str, str]:
        """Cookies of a browser signed in as `username` (a new server-side session, in the
        sign-in cookie the app writes), for sessions that skip the form (load drivers)."""
        from components.accounts.sign_in import COOKIE_NAME, cookie_for
        from storage import AccountStore, create_engine_for

        engine = create_engine_for(self.database_url)
        try:
            token = AccountStore(engine).start_session(username)
        finally:
            engine.dispose()
        return {COOKIE_NAME: cookie_for(token, self.cookie_key)}

    @property
    def proxy_url(self) -> str:
        return self.proxy.url

    def served_by(self) -> list[Served]:
        return self.proxy.served_by()

    def route_to(self, replica: Replica, within: float = 30.0) -> str:
        """A routing-cookie value that nginx sends to `replica` (found by asking it). A replica
        that has just failed is skipped by nginx for its `fail_timeout` (5 s): keep asking."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            route = secrets.token_hex(16)
            request = urllib.request.Request(
                f"{self.proxy_url}/_stcore/health", headers={"Cookie": f"roi_route={route}"}
            )
            with urllib.request.urlopen(request, timeout=5):
                pass
            if self.replica_of(route) == replica.address:
                return route
            time.sleep(0.05)
        raise TopologyError(f"no route to {replica.name} found in {within:.0f} s")

    def replica_of(self, route: str, wait: float = 2.0) -> str | None:
        """The replica that answered the last request with routing cookie `route`."""
        deadline = time.monotonic() + wait
        while True:
            mine = [row for row in self.served_by() if row.route == route]
            if mine or time.monotonic() > deadline:
                return mine[-1].replica if mine else None
            time.sleep(0.05)

    def replica_at(self, address: str) -> Replica:
        return next(r for r in self.replicas if r.address == address)


@contextmanager
def topology(
    replicas: int = 2, *, accounts: bool = True, env: dict[str, str] | None = None
) -> Iterator[Topology]:
    """PostgreSQL, `replicas` app servers on it (accounts on, one cookie key, the replica
    count declared) and nginx in front; all stopped and deleted on exit.

    An administrator `ADMIN` exists with a random password (`Topology.admin_password`)."""
    folder = Path(tempfile.mkdtemp(prefix="roi-topology-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, True)
        database = stack.enter_context(local_postgres())  # its own folder, owned by its user
        url = database.create_database("roi")
        password, cookie_key = secrets.token_urlsafe(12), secrets.token_urlsafe(48)
        _create_admin(url, password)
        common = {
            "TRAINING_ROI_DATABASE_URL": url,
            "TRAINING_ROI_COOKIE_KEY": cookie_key,
            "TRAINING_ROI_REPLICAS": str(replicas),
            "TRAINING_ROI_SINGLE_USER": "0" if accounts else "1",
            "TRAINING_ROI_TRUSTED_PROXIES": "127.0.0.1",  # nginx on loopback, as compose's nginx
            **(env or {}),
        }
        apps = [Replica(f"app{i + 1}", folder, common) for i in range(replicas)]
        for app in apps:
            stack.callback(app.stop)
            app.start(wait=False)
        for app in apps:
            app.wait_healthy()
        proxy = Nginx(folder / "nginx", [app.address for app in apps])
        stack.callback(proxy.stop)
        proxy.start()
        yield Topology(folder, database, url, apps, proxy, password, cookie_key)


def _create_admin(url: str, password: str) -> None:
    from storage import AccountStore, create_engine_for, upgrade

    engine = create_engine_for(url)
    try:
        upgrade(engine)
        AccountStore(engine).create_first_admin(ADMIN, "Administrator", password)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=30.0, help="stop by itself after this long")
    args = parser.parse_args(argv)
    with topology(args.replicas) as t:
        print(f"proxy      {t.proxy_url}   (sign in as {ADMIN} / {t.admin_password})")
        for app in t.replicas:
            print(f"{app.name:<10} {app.url}   pid {app.pid}, log {app.log}")
        print(f"database   {t.database_url}")
        print(f"Stops in {args.minutes:g} minutes or on Ctrl-C.", flush=True)
        try:
            time.sleep(args.minutes * 60)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
