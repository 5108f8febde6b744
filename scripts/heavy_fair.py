"""Fair heavy work (issue 26), measured over the websocket on a server with accounts.

The heavy-run queue (`components/work/heavy_runs.py`) promises that however many 10^6-draw
Monte Carlo runs one user (or one client link) asks for, another user's run waits for at most
the one being drawn: one run per tab, two queued or running per user or client link, later
requests refused on the page ("You already have 2 large simulations running…"). This module
checks it the way users would meet it, with `scripts/ws_load.py` sessions:

- `accounts_server()`: `streamlit run serve.py` with accounts on (a throw-away SQLite file, a
  random cookie key), the users it is given (and `ADA`, an administrator who owns a saved
  scenario, with a client link to it: `AccountsServer.client_link`); sessions sign in by cookie
  (`AccountsServer.cookies`), as `scripts/topology.py` does;
- `run_fair(server, flood)`: another user (`BOB`) on the Monte Carlo page at 10^6 draws moves
  the learners slider, which asks for one heavy run, and waits for it: alone (idle), then while
  `flood` sends its requests, in interleaved rounds. `FLOODS`: "one user, 12 tabs" (12 sessions
  with ADA's cookie, each its own draw set) and "20 requests from one client link" (20
  sessions opened on the link within about a second). The goal: BOB's run ≤ 2× its idle time;
- `family_memory(pid)`: the resident memory of a server and every process it started (the
  heavy-run worker, the PDF export's headless Chromium), summed from /proc: VmRSS (counts
  pages shared between processes once per process: an upper bound) and PSS (shared pages
  split between their users).

As a command (cwd = the project root)::

    .venv/bin/python scripts/heavy_fair.py [--rounds 3]

`scripts/benchmark_speed.py --heavy-only` runs this and the 12-users memory measurement.

>>> Outcome.of([("warning", "You already have 2 large simulations running on this server")], 0)
'refused'
>>> Outcome.of([], 0), Outcome.of([], 1)
('drawn', 'error')
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/heavy_fair.py` puts scripts/ first, not the root
    sys.path.insert(0, str(ROOT))

from scripts.server import streamlit_server  # noqa: E402
from scripts.ws_load import RunError, Session, with_children  # noqa: E402

ADA = "ada"  # the administrator: owns the client link's scenario; the user with 12 tabs
BOB = "bob"  # the other user, whose heavy run is timed
PASSWORD = "correct horse battery staple"
KEY = "sb_learners"
HEAVY_DRAWS = 1_000_000
REFUSED = "You already have"  # components/work/simulation_cache.py: TOO_MANY's first words
LIMIT = 2.0  # × idle: issue 26's goal for another user's run


# --------------------------------------------------------------------------- a server with accounts


@dataclass
class AccountsServer:
    url: str
    pid: int
    cookie_key: str
    database_url: str
    client_link: str  # a client-link token for ADA's saved scenario (`?t=<token>`)
    log_text: Callable[[], str]

    def cookies(self, username: str) -> dict[str, str]:
        """A browser's cookies once `username` has signed in (a new server-side session)."""
        from components.accounts.sign_in import COOKIE_NAME, cookie_for
        from storage import AccountStore, create_engine_for

        engine = create_engine_for(self.database_url)
        try:
            token = AccountStore(engine, bcrypt_rounds=4).start_session(username)
        finally:
            engine.dispose()
        return {COOKIE_NAME: cookie_for(token, self.cookie_key)}


@contextmanager
def accounts_server(users: list[str] | tuple[str, ...] = (BOB,)) -> Iterator[AccountsServer]:
    """`serve.py` with accounts on a throw-away SQLite file: `ADA` (administrator, owner of a
    saved scenario and a 14-day client link to it) and `users` (editors)."""
    from calculators.scenario import Scenario
    from storage import AccountStore, ScenarioState, create_engine_for, open_store, upgrade

    with tempfile.TemporaryDirectory(prefix="roi-heavy-fair-") as folder:
        url = f"sqlite:///{Path(folder) / 'accounts.sqlite3'}"
        key = secrets.token_urlsafe(48)
        engine = create_engine_for(url)
        try:
            upgrade(engine)
            accounts = AccountStore(engine, bcrypt_rounds=4)
            accounts.create_first_admin(ADA, "Ada Admin", PASSWORD)
            for name in users:
                accounts.create_user(name, name.title(), PASSWORD, "editor")
        finally:
            engine.dispose()
        store = open_store(url)
        try:
            saved = store.save_new(ADA, "Client plan", ScenarioState(Scenario()))
            token = _client_link(store.engine, saved.id, key)
        finally:
            store.engine.dispose()
        env = {
            "TRAINING_ROI_SINGLE_USER": "0",
            "TRAINING_ROI_COOKIE_KEY": key,
            "TRAINING_ROI_DATABASE_URL": url,
        }
        with streamlit_server("serve.py", env=env, folder=Path(folder)) as server:
            yield AccountsServer(server.url, server.pid, key, url, token, server.log_text)


def _client_link(engine: Any, scenario_id: str, key: str) -> str:
    """A 14-day client-link token for ADA's scenario: issued in the database (`ClientLinkStore`)
    where links are records, else signed alone (the earlier `client_token(sid, owner, days, key)`)."""
    from components.saved import client_links

    if len(inspect.signature(client_links.client_token).parameters) == 2:
        from storage import ClientLinkStore

        record = ClientLinkStore(engine).issue(ADA, scenario_id, 14)
        return client_links.client_token(record, key)
    return client_links.client_token(scenario_id, ADA, 14, key)  # type: ignore[call-arg]


# --------------------------------------------------------------------------- memory


def _status_kib(pid: int, field_name: str, path: str = "status") -> int | None:
    try:
        text = Path(f"/proc/{pid}/{path}").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return None


@dataclass
class Memory:
    """A process tree's resident memory (MiB): VmRSS summed, PSS summed, and both by process name."""

    rss: float
    pss: float | None
    by_name: dict[str, float]
    pss_by_name: dict[str, float] = field(default_factory=dict)

    def names(self) -> str:
        """RSS/PSS of each kind of process, largest first: "server 300/250, worker 250/240"."""
        return ", ".join(
            f"{n} {v:,.0f}" + (f"/{self.pss_by_name[n]:,.0f}" if n in self.pss_by_name else "")
            for n, v in sorted(self.by_name.items(), key=lambda x: -x[1])
        )


def family_memory(pid: int) -> Memory | None:
    """The memory of `pid` and every process it started, however deep (/proc: VmRSS, and PSS
    from smaps_rollup when readable). Names: the server ("streamlit"), the heavy-run worker
    ("worker"), Chromium (its processes together), others by their command name."""
    family = with_children(pid) or []
    rss_total, pss_total, by_name, pss_by_name = 0, 0, Counter[str](), Counter[str]()
    pss_ok = True
    for one in family:
        rss = _status_kib(one, "VmRSS")
        if rss is None:
            continue  # ended meanwhile
        pss = _status_kib(one, "Pss", "smaps_rollup")
        pss_ok = pss_ok and pss is not None
        pss_total += pss or 0
        rss_total += rss
        by_name[_name(one)] += rss / 1024
        pss_by_name[_name(one)] += (pss or 0) / 1024
    if not rss_total:
        return None
    pss_mib = pss_total / 1024 if pss_ok else None
    return Memory(rss_total / 1024, pss_mib, dict(by_name), dict(pss_by_name) if pss_ok else {})


def _name(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"
    if "components.work.heavy_runs" in cmdline:
        return "worker"
    if "chrom" in cmdline.lower():
        return "chromium"
    if "streamlit" in cmdline:
        return "server"
    return Path(cmdline.split(" ", 1)[0]).name or "?"


class MemoryPeak:
    """The largest `family_memory` of `pid` seen, sampled every `every` s in a thread."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        import threading

        self.pid, self.every = pid, every
        self.peak: Memory | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            now = family_memory(self.pid)
            if now is not None and (self.peak is None or now.rss > self.peak.rss):
                self.peak = now
            if self._done.wait(self.every):
                return

    def __enter__(self) -> MemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


# --------------------------------------------------------------------------- the fairness scenarios


class Outcome:
    @staticmethod
    def of(alerts: list[tuple[str, str]], exceptions: int) -> str:
        """How a heavy request ended on its page: drawn (or joined), refused, or an error box."""
        if exceptions:
            return "error"
        if any(kind == "warning" and text.startswith(REFUSED) for kind, text in alerts):
            return "refused"
        return "drawn"


@dataclass
class Flood:
    """Many heavy requests from one owner: `requests` sessions opened within `within` s."""

    name: str  # as printed: "one user, 12 tabs"
    requests: int
    within: float
    by_link: bool  # through the client link (else ADA's 12 tabs, signed in)


FLOODS = (
    Flood("one user, 12 tabs", 12, 0.3, by_link=False),
    Flood("20 requests from one client link", 20, 1.0, by_link=True),
)


@dataclass
class FairReport:
    flood: Flood
    idle: list[float] = field(default_factory=list)  # BOB's heavy run alone (s)
    loaded: list[float] = field(default_factory=list)  # ... while the flood's requests are in
    outcomes: Counter[str] = field(default_factory=Counter)  # the flood's requests, as they ended
    sent_in: list[float] = field(default_factory=list)  # s from the first request sent to the last
    flood_done: list[float] = field(default_factory=list)  # s until the flood's last request ended
    errors: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        from statistics import median

        if not self.idle or not self.loaded:
            return None
        return median(self.loaded) / median(self.idle)

    @property
    def worst(self) -> float | None:
        from statistics import median

        if not self.idle or not self.loaded:
            return None
        return max(self.loaded) / median(self.idle)


def _query(seed: int, server: AccountsServer | None = None) -> str:
    link = f"t={server.client_link}&" if server is not None else ""
    return f"{link}mc_draws={HEAVY_DRAWS}&mc_seed={seed}"


async def _bobs_run(bob: Session, report: FairReport) -> float | None:
    """BOB moves the learners slider on the Monte Carlo page: one new heavy run, waited for."""
    try:
        outcome = await bob.move(KEY)
    except RunError as error:
        report.errors.append(f"{BOB}'s run failed: {error}")
        return None
    if outcome.exceptions or Outcome.of(bob.alerts, 0) != "drawn":
        report.errors.append(f"{BOB}'s run did not draw: {bob.alerts[:1] or 'an exception box'}")
    return outcome.seconds


async def _flood_round(
    server: AccountsServer, flood: Flood, bob: Session, report: FairReport, seed: int
) -> None:
    cookies = None if flood.by_link else server.cookies(ADA)  # one browser: the same cookie in every tab
    async with AsyncExitStack() as tabs:
        sessions = [
            await tabs.enter_async_context(
                Session(
                    server.url, "monte_carlo", _query(seed + i, server if flood.by_link else None), cookies
                )
            )
            for i in range(flood.requests)
        ]  # connected first, so the requests themselves go out within `flood.within`
        start = time.perf_counter()
        sent: list[float] = []

        async def ask(i: int, session: Session) -> None:
            await asyncio.sleep(i * flood.within / max(flood.requests - 1, 1))
            sent.append(time.perf_counter() - start)
            try:
                outcome = await session.run()
            except RunError as error:
                report.outcomes["failed"] += 1
                report.errors.append(f"a request failed: {error}")
                return
            report.outcomes[Outcome.of(session.alerts, outcome.exceptions)] += 1

        tasks = [asyncio.create_task(ask(i, s)) for i, s in enumerate(sessions)]
        # BOB asks once the flood is in: all sent, and those beyond the limit answered
        deadline = time.perf_counter() + flood.within + 3.0
        while time.perf_counter() < deadline and (
            len(sent) < flood.requests or sum(t.done() for t in tasks) < flood.requests - 2
        ):
            await asyncio.sleep(0.02)
        seconds = await _bobs_run(bob, report)
        if seconds is not None:
            report.loaded.append(seconds)
        await asyncio.gather(*tasks)
        report.sent_in.append(max(sent, default=0.0))
        report.flood_done.append(time.perf_counter() - start)


async def _fair(
    server: AccountsServer, floods: tuple[Flood, ...], rounds: int, log: Callable[[str], None]
) -> list[FairReport]:
    reports = [FairReport(f) for f in floods]
    async with Session(server.url, "monte_carlo", _query(7), server.cookies(BOB)) as bob:
        await bob.run()  # a first heavy run: the worker started, the page's modules imported
        await bob.move(KEY)
        for n, report in enumerate(reports):
            log(
                f"heavy     fair queue: {report.flood.name}, {rounds} rounds (another user's run alone, then during)"
            )
            for r in range(rounds):
                seconds = await _bobs_run(bob, report)
                if seconds is not None:
                    report.idle.append(seconds)
                await asyncio.sleep(0.5)
                await _flood_round(server, report.flood, bob, report, seed=10_000 * (n + 1) + 100 * r)
                await asyncio.sleep(0.5)
    return reports


def run_fair(
    server: AccountsServer,
    rounds: int = 3,
    log: Callable[[str], None] = print,
    floods: tuple[Flood, ...] = FLOODS,
) -> list[FairReport]:
    """Each flood's rounds on `server` (which must have `BOB` as a user)."""
    return asyncio.run(_fair(server, floods, rounds, log))


def fair_lines(reports: list[FairReport]) -> list[str]:
    """One printed line per flood."""

    def s(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f} s"

    from statistics import median

    lines = []
    for r in reports:
        outcomes = ", ".join(f"{v} {k}" for k, v in sorted(r.outcomes.items()))
        lines.append(
            f"  {r.flood.name}: another user's 10^6-draw run alone {s(median(r.idle) if r.idle else None)} "
            f"(median of {len(r.idle)}), during {s(median(r.loaded) if r.loaded else None)} "
            f"(×{r.ratio:.2f}; worst {s(max(r.loaded, default=None))}, ×{r.worst:.2f})"
            if r.ratio is not None and r.worst is not None
            else f"  {r.flood.name}: not measured"
        )
        lines.append(
            f"    {r.flood.requests} requests a round, sent within {s(max(r.sent_in, default=None))}, "
            f"{len(r.flood_done)} rounds: {outcomes or 'none ended'}; the flood's last request ended after "
            f"{s(median(r.flood_done) if r.flood_done else None)} (median); errors {len(r.errors)}"
        )
        for message in sorted(set(r.errors))[:3]:
            lines.append(f"    ! {message}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    with accounts_server() as server:
        idle = family_memory(server.pid)
        reports = run_fair(server, args.rounds, log)
        after = family_memory(server.pid)
    print(f"Fair heavy work, load average {'{:.2f} / {:.2f} / {:.2f}'.format(*os.getloadavg())}")
    print("\n".join(fair_lines(reports)))
    for when, memory in (("idle", idle), ("after", after)):
        if memory is not None:
            print(f"  memory {when}: {memory.rss:,.0f} MiB RSS ({memory.names()})")


if __name__ == "__main__":
    main()
