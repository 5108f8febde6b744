"""Load, faults and soak through the production topology on loopback (issue 12).

    .venv/bin/python scripts/production_check.py            # about 9 minutes
    .venv/bin/python scripts/production_check.py --quick    # about 3 minutes, smaller counts
    .venv/bin/python scripts/production_check.py --phases soak   # one phase (load, database, kill, soak)

Starts `scripts/topology.py` (PostgreSQL, two app replicas with accounts, the deployment's
nginx), drives it over Streamlit's websocket protocol (`scripts/ws_load.py`: sessions signed
in by cookie, each with its own routing cookie, as browsers), prints what it measured, and
stops everything by itself. Loopback only; every phase is bounded in count and time:

1. **Load**: one session alone moving a slider (the single-session reference), then 25
   sessions per replica through the proxy, each moving a slider every 2 s for 60 s:
   p50/p95/p99 of the rerun latency, errors, how the sessions spread over the replicas.
2. **PostgreSQL restarted mid-run**: sessions moving sliders and one saving scenarios in a
   loop (the Scenarios page's "Save as new", as a user clicks it) while PostgreSQL is
   stopped for 5 s and started again: what each save answered, and every acknowledged save
   looked up in the database afterwards.
3. **kill -9**: the save loop on replica A while A is killed with SIGKILL and restarted 20
   times; the loop reconnects through the proxy as a browser does; every acknowledged save
   looked up.
4. **Soak**: 500 signed-in sessions opened (the Executive summary drawn) and closed, 25 at a
   time: each replica's memory before, just after, and once Streamlit has dropped the closed
   sessions (`server.disconnectedSessionTTL`, 120 s).

Goals (issue 12): p95 within 1.5× the single session and 0 errors; saves during the outage
refused with a message and none lost; 0 acknowledged saves lost to kill -9; memory within
+50 MB after the soak. Each is printed as met or NOT met; the exit code is 1 when a save
was lost or answered with neither success nor a message (correctness), never for a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from sqlalchemy import select  # noqa: E402

from scripts.topology import Topology, topology  # noqa: E402
from scripts.ws_load import RunError, Session, rss_mib, run_load, warm_up  # noqa: E402

SAVE_BUTTON, NAME_BOX = "Save as new", "saved_new_name"
PHASES = ("load", "database", "kill", "soak")
SESSION_TTL = 120.0  # s: Streamlit's server.disconnectedSessionTTL (default; not set in config.toml)


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.0f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# --------------------------------------------------------------------------- a save loop


@dataclass
class SaveLog:
    """What a save loop asked and what it was answered."""

    prefix: str
    acknowledged: list[str] = field(default_factory=list)  # the page said 'Saved as "<name>".'
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, the error the page showed)
    unanswered: list[str] = field(default_factory=list)  # neither success nor a message: a bug
    interrupted: list[str] = field(default_factory=list)  # in flight when the connection died
    reconnects: int = 0
    ack_times: list[float] = field(default_factory=list)

    def check(self, topo: Topology) -> tuple[list[str], int]:
        """Acknowledged saves missing from the database, and interrupted saves found stored."""
        from storage import create_engine_for
        from storage.schema import scenarios

        engine = create_engine_for(topo.database_url)
        try:
            with engine.connect() as conn:
                stored = set(
                    conn.execute(
                        select(scenarios.c.name).where(scenarios.c.name.like(self.prefix + " %"))
                    ).scalars()
                )
        finally:
            engine.dispose()
        return [n for n in self.acknowledged if n not in stored], sum(n in stored for n in self.interrupted)


async def save_loop(topo: Topology, cookies: dict[str, str], log: SaveLog, stop: threading.Event) -> None:
    """Save what is on screen under a new name, again and again, until `stop`; reconnect
    through the proxy (with the same cookies) whenever the connection dies."""
    number = 0
    while not stop.is_set():
        name = ""
        try:
            async with Session(topo.proxy_url, "scenarios", cookies=cookies) as session:
                await session.run()
                if NAME_BOX not in session.text_inputs:
                    raise RunError(f"no save form on the page: {session.alerts[:2]}")
                while not stop.is_set():
                    number += 1
                    name = f"{log.prefix} {number}"
                    await session.submit(SAVE_BUTTON, **{NAME_BOX: name})
                    said = session.alerts
                    if ("success", f'Saved as "{name}".') in said:
                        log.acknowledged.append(name)
                        log.ack_times.append(time.monotonic())
                    elif errors := [text for kind, text in said if kind == "error"]:
                        log.refused.append((name, errors[0]))
                        await asyncio.sleep(0.3)
                    else:
                        log.unanswered.append(name)
                    name = ""
        except (RunError, OSError, websockets.WebSocketException):
            if name:
                log.interrupted.append(name)
            log.reconnects += 1
            await asyncio.sleep(0.3)


def run_save_loop(
    topo: Topology, cookies: dict[str, str], log: SaveLog, stop: threading.Event
) -> threading.Thread:
    thread = threading.Thread(target=lambda: asyncio.run(save_loop(topo, cookies, log, stop)), daemon=True)
    thread.start()
    return thread


def browser_cookies(topo: Topology, signed_in: dict[str, str], route: str | None = None) -> dict[str, str]:
    """A signed-in browser's cookies with its own routing cookie (random unless given)."""
    return {**signed_in, "roi_route": route or secrets.token_hex(16)}


def spread(topo: Topology, routes: list[str]) -> Counter[str]:
    """Sessions per replica name, from nginx's log (the replica that served each route's websocket)."""
    by_route = {row.route: row.replica for row in topo.served_by() if row.path.startswith("/_stcore/stream")}
    names = {app.address: app.name for app in topo.replicas}
    return Counter(names.get(by_route.get(route, ""), "none") for route in routes)


# --------------------------------------------------------------------------- phases


def phase_load(topo: Topology, signed_in: dict[str, str], per_replica: int, seconds: float) -> bool:
    print("\n1. Load through the proxy", flush=True)
    for app in topo.replicas:
        warm_up(topo.proxy_url, cookies=browser_cookies(topo, signed_in, topo.route_to(app)))
    alone = run_load(
        topo.proxy_url,
        sessions=1,
        seconds=20,
        interval=1.0,
        cookies=lambda i: browser_cookies(topo, signed_in),
    )
    print(
        f"   one session alone: p50 {ms(alone.p(50))}, p95 {ms(alone.p(95))} ({len(alone.latencies)} reruns)"
    )
    routes = [secrets.token_hex(16) for _ in range(per_replica * len(topo.replicas))]
    pids = [app.pid for app in topo.replicas if app.pid]
    report = run_load(
        topo.proxy_url,
        sessions=len(routes),
        seconds=seconds,
        interval=2.0,
        pid=pids,
        cookies=lambda i: browser_cookies(topo, signed_in, routes[i]),
    )
    print("   " + report.summary())
    for message, count in Counter(report.errors).most_common(5):
        print(f"     error ×{count}: {message}")
    print(f"   sessions per replica: {dict(sorted(spread(topo, routes).items()))}")
    ratio = (report.p(95) or 0) / (alone.p(95) or 1)
    ok = ratio <= 1.5 and not report.errors
    print(
        f"   p95 {ms(report.p(95))} = {ratio:.1f}× the single session's; errors {len(report.errors)}: goal {verdict(ok)}"
    )
    return ok


def phase_database_restart(topo: Topology, signed_in: dict[str, str], sessions: int) -> bool:
    print("\n2. PostgreSQL restarted mid-run (stopped 5 s)", flush=True)
    log, stop = SaveLog(f"Outage {secrets.token_hex(3)}"), threading.Event()
    saver = run_save_loop(topo, browser_cookies(topo, signed_in), log, stop)
    result: dict[str, object] = {}
    movers = threading.Thread(
        target=lambda: result.setdefault(
            "load",
            run_load(
                topo.proxy_url,
                sessions=sessions,
                seconds=25,
                interval=2.0,
                cookies=lambda i: browser_cookies(topo, signed_in),
            ),
        ),
        daemon=True,
    )
    movers.start()
    time.sleep(8)
    down = time.monotonic()
    topo.database.stop()
    time.sleep(5)
    topo.database.start()
    up = time.monotonic()
    time.sleep(8)
    stop.set()
    saver.join(timeout=90)
    movers.join(timeout=120)
    lost, _ = log.check(topo)
    during = [n for n, _ in log.refused]
    after = [t for t in log.ack_times if t > up]
    messages = Counter(text for _, text in log.refused)
    load = result.get("load")
    print(f"   saves: {len(log.acknowledged)} acknowledged ({len(after)} after the restart), {len(during)} refused "
          f"with a message, {len(log.unanswered)} unanswered, {len(log.interrupted)} interrupted; "
          f"acknowledged but missing: {len(lost)}")  # fmt: skip
    for text, count in messages.most_common(3):
        print(f"     refused ×{count}: {text}")
    if load is not None:
        print(f"   sessions moving sliders meanwhile: {load.summary()}")  # type: ignore[attr-defined]
        for message, count in Counter(load.errors).most_common(3):  # type: ignore[attr-defined]
            print(f"     error ×{count}: {message}")
    ok = bool(during) and bool(after) and not lost and not log.unanswered
    print(
        f"   outage of {up - down:.1f} s: refused with a message, then saved, none lost: goal {verdict(ok)}"
    )
    return ok


def phase_kills(topo: Topology, signed_in: dict[str, str], kills: int) -> bool:
    print(f"\n3. kill -9 of the replica serving a save loop, {kills} times", flush=True)
    cookies = browser_cookies(topo, signed_in, topo.route_to(topo.replicas[0]))
    log, stop = SaveLog(f"Crash {secrets.token_hex(3)}"), threading.Event()
    saver = run_save_loop(topo, cookies, log, stop)
    rng = random.Random(12)
    started, victims = time.monotonic(), Counter[str]()
    for _ in range(kills):
        time.sleep(rng.uniform(1.0, 3.0))  # saving meanwhile
        victim = max(topo.replicas, key=lambda app: app.connections())  # where its websocket is now
        victims[victim.name] += 1
        victim.kill()
        time.sleep(rng.uniform(0.2, 1.0))
        victim.start()
    time.sleep(3)
    stop.set()
    saver.join(timeout=90)
    lost, interrupted_stored = log.check(topo)
    print(f"   {kills} kills ({dict(sorted(victims.items()))}) in {time.monotonic() - started:.0f} s; saves: "
          f"{len(log.acknowledged)} acknowledged, {len(log.refused)} refused with a message, "
          f"{len(log.interrupted)} interrupted by a kill ({interrupted_stored} of them stored), "
          f"{len(log.unanswered)} unanswered; reconnection attempts {log.reconnects}; acknowledged but "
          f"missing: {len(lost)}")  # fmt: skip
    ok = not lost and not log.unanswered and log.reconnects >= kills
    print(f"   0 acknowledged saves lost: goal {verdict(ok)}")
    return ok


async def _open_and_close(url: str, cookies: dict[str, str]) -> str | None:
    try:
        async with Session(url, cookies=cookies) as session:
            outcome = await session.run()
            return "an exception box" if outcome.exceptions else None
    except (RunError, OSError, websockets.WebSocketException) as error:
        return f"{type(error).__name__}: {error}"


def phase_soak(topo: Topology, signed_in: dict[str, str], count: int, batch: int, settle: float) -> bool:
    print(f"\n4. Soak: {count} sessions opened and closed, {batch} at a time", flush=True)
    for app in topo.replicas:  # "before" is a warm server's (imports done, caches filled)
        if app.process is not None and app.process.poll() is not None:
            app.start()
        warm_up(topo.proxy_url, cookies=browser_cookies(topo, signed_in, topo.route_to(app)))
    before = {app.name: rss_mib(app.pid) for app in topo.replicas}
    errors: list[str] = []
    started = time.monotonic()

    async def all_sessions() -> None:
        for first in range(0, count, batch):
            tasks = [
                _open_and_close(topo.proxy_url, browser_cookies(topo, signed_in))
                for _ in range(min(batch, count - first))
            ]  # fmt: skip
            errors.extend(e for e in await asyncio.gather(*tasks) if e)

    asyncio.run(all_sessions())
    took = time.monotonic() - started
    just_after = {app.name: rss_mib(app.pid) for app in topo.replicas}
    time.sleep(settle)
    after = {app.name: rss_mib(app.pid) for app in topo.replicas}
    growth = {name: (after[name] or 0) - (before[name] or 0) for name in before}
    for name in before:
        print(f"   {name}: {before[name]:,.0f} MiB before, {just_after[name]:,.0f} MiB just after, "
              f"{after[name]:,.0f} MiB {settle:.0f} s later ({growth[name]:+,.0f} MiB)")  # fmt: skip
    print(f"   {count} sessions in {took:.0f} s, errors {len(errors)}")
    for message, n in Counter(errors).most_common(3):
        print(f"     error ×{n}: {message}")
    ok = all(g <= 50 for g in growth.values()) and not errors
    print(f"   memory within +50 MB per replica: goal {verdict(ok)}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts and shorter phases")
    parser.add_argument(
        "--phases", nargs="+", choices=PHASES, default=list(PHASES), help="run only these (default: all)"
    )
    args = parser.parse_args(argv)
    per_replica, seconds, kills, soak = (5, 20, 5, 100) if args.quick else (25, 60, 20, 500)
    settle = 30.0 if args.quick else SESSION_TTL + 10
    started = time.monotonic()
    with topology(replicas=2) as topo:
        print(
            f"Topology: nginx {topo.proxy_url} → {', '.join(a.url for a in topo.replicas)}; PostgreSQL on port {topo.database.port}"
        )
        signed_in = topo.sign_in_cookie()
        phases = {
            "load": lambda: phase_load(topo, signed_in, per_replica, seconds),
            "database": lambda: phase_database_restart(topo, signed_in, sessions=10),
            "kill": lambda: phase_kills(topo, signed_in, kills),
            "soak": lambda: phase_soak(topo, signed_in, soak, 25, settle),
        }
        goals = {name: phases[name]() for name in PHASES if name in args.phases}
        crashed = [a.name for a in topo.replicas if "Traceback" in a.log_text()]
    print(f"\nGoals: {', '.join(f'{k} {verdict(v)}' for k, v in goals.items())}; "
          f"tracebacks in replica logs: {crashed or 'none'}; {time.monotonic() - started:.0f} s in all")  # fmt: skip
    return 0 if goals.get("database", True) and goals.get("kill", True) else 1


if __name__ == "__main__":
    sys.exit(main())
