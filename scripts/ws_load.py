"""Load without a browser: sessions that speak Streamlit's websocket protocol and move a slider.

Each `Session` opens `/_stcore/stream` as the browser does (subprotocol ``streamlit``, a
same-origin ``Origin``), asks for a first run of a page (a ``rerun_script`` BackMsg carrying
the page's URL path), reads the sliders out of the ForwardMsg deltas (``slider.id`` ends with
the widget's key, e.g. ``sb_learners``), and then moves one slider a step at a time: one
``rerun_script`` BackMsg with the new ``WidgetState``. A rerun's latency is the time from
sending that BackMsg to receiving the ``script_finished`` ForwardMsg (server time plus the
wire; the browser's drawing is not included).

As a module (issue 12 reuses it)::

    from scripts.server import streamlit_server
    from scripts.ws_load import run_load
    with streamlit_server("app.py") as server:
        report = run_load(server.url, sessions=25, seconds=30, pid=server.pid)
    print(report.summary())

As a command (cwd = project root, so `.streamlit/config.toml` applies)::

    .venv/bin/python scripts/ws_load.py --serve app.py --sessions 25 --seconds 30
    .venv/bin/python scripts/ws_load.py --url http://127.0.0.1:8501 --pid 1234 --page costs

No XSRF token is needed: Streamlit 1.67 accepts a websocket whose ``Origin`` is absent or
matches its ``Host`` (others are closed with 1008), and reads the token (the subprotocol
header's second entry, checked against the ``_streamlit_xsrf`` cookie) only to trust an auth
cookie (`streamlit/web/server/starlette/starlette_websocket.py`).

Like the browser, a session sends back the address bar's query string and the page hash the
server last reported, and the hashes of the cacheable messages it has already received
(so the server sends references for unchanged elements, as it does to a browser). Unlike
the browser, it sends only the widget states it has set itself; the server keeps the other
widgets' previous values, so every run computes the same page.

Percentiles are nearest-rank: the p-th percentile of n sorted latencies is the value at
rank ceil(p/100 · n).

>>> percentile([0.1, 0.2, 0.3, 0.4], 50), percentile([0.1, 0.2, 0.3, 0.4], 95)
(0.2, 0.4)
>>> percentile([], 50) is None
True
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg, DeferredFileRequestPayload
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/ws_load.py` puts scripts/ first, not the root
    sys.path.insert(0, str(ROOT))

from scripts.server import streamlit_server  # noqa: E402  (the one server starter)

STREAM_PATH = "/_stcore/stream"
RUN_TIMEOUT = 60.0  # s: a rerun that has not finished by then counts as an error
MAX_MESSAGE = 200 * 2**20  # bytes: Streamlit's default server.maxMessageSize is 200 MB


# --------------------------------------------------------------------------- statistics


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def rss_mib(pid: int | Sequence[int] | None) -> float | None:
    """Resident set size of process `pid` in MiB (VmRSS in /proc/<pid>/status), or None.
    Several pids: their sum (None if any cannot be read)."""
    if pid is None:
        return None
    if not isinstance(pid, int):
        values = [rss_mib(one) for one in pid]
        return None if None in values else sum(values)  # type: ignore[arg-type]
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # the kernel reports kB
    return None


def with_children(pid: int | None) -> list[int] | None:
    """`pid` and every process it started, however deep (the server's worker process, the
    resource tracker multiprocessing starts beside it), from /proc/<pid>/stat's parent field."""
    if pid is None:
        return None
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while being read
        parents[int(stat.parent.name)] = int(fields[1])
    family, grew = [pid], True
    while grew:
        found = [child for child, parent in parents.items() if parent in family and child not in family]
        family += found
        grew = bool(found)
    return family


def family_rss_mib(pid: int | None) -> float | None:
    """RSS of `pid` and all its descendants, in MiB (what the server costs in memory)."""
    family = with_children(pid)
    if family is None:
        return None
    values = [v for v in (rss_mib(one) for one in family) if v is not None]  # a child may just have ended
    return sum(values) if values else None


# --------------------------------------------------------------------------- a server's CPU time


def cpu_seconds(pid: int | Sequence[int] | None) -> float | None:
    """CPU time (user + system, s) process `pid` has used so far (/proc/<pid>/stat), or None.
    Several pids: their sum."""
    if pid is None:
        return None
    if not isinstance(pid, int):
        values = [cpu_seconds(one) for one in pid]
        return None if None in values else sum(values)  # type: ignore[arg-type]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


# --------------------------------------------------------------------------- one session


def widget_key(widget_id: str) -> str:
    """The user's key in a widget id (``$$ID-<hash>-<key>``; "None" when it has none → "").

    >>> widget_key("$$ID-6396dfe443d1608ead1dcaf9fa90d396-sb_learners")
    'sb_learners'
    >>> widget_key("$$ID-0123-my-key"), widget_key("$$ID-0123-None")
    ('my-key', '')
    """
    parts = widget_id.split("-", 2)
    key = parts[2] if len(parts) == 3 else ""
    return "" if key == "None" else key


@dataclass
class SliderWidget:
    """A slider as the server described it, and the value this session has set.

    `st.slider` sends its value as ``double_array_value``; `st.select_slider` as
    ``string_array_value`` holding the formatted option. `step()` moves one step right,
    turning back at either end, as repeated ArrowRight / ArrowLeft presses would.
    """

    id: str
    label: str
    select: bool
    options: list[str]
    value: float  # the option's index for a select slider
    minimum: float
    maximum: float
    step_size: float
    direction: int = 1

    @classmethod
    def from_proto(cls, proto: Slider) -> SliderWidget:
        current = list(proto.value) if proto.set_value and proto.value else list(proto.default)
        options = list(proto.options)
        if proto.set_value and proto.raw_value and proto.raw_value[0] in options:
            current = [options.index(proto.raw_value[0])]  # a select slider set by key: its label
        return cls(
            id=proto.id,
            label=proto.label,
            select=proto.type == Slider.Type.SELECT_SLIDER,
            options=options,
            value=float(current[0]) if current else float(proto.min),
            minimum=float(proto.min),
            maximum=float(proto.max),
            step_size=float(proto.step or 1),
        )

    def step(self) -> WidgetState:
        """Move one step (turning back at an end) and return the widget state to send."""
        nxt = self.value + self.direction * self.step_size
        if not self.minimum <= nxt <= self.maximum:
            self.direction = -self.direction
            nxt = self.value + self.direction * self.step_size
        self.value = min(max(nxt, self.minimum), self.maximum)
        return self.state()

    def state(self) -> WidgetState:
        state = WidgetState(id=self.id)
        if self.select:
            state.string_array_value.data.append(self.options[round(self.value)])
        else:
            state.double_array_value.data.append(self.value)
        return state


class RunError(Exception):
    """A rerun that did not finish cleanly (timeout, closed socket, exception on the page)."""


@dataclass
class RunOutcome:
    seconds: float
    exceptions: int  # `st.exception` elements (an error box) drawn during the run
    status: str


class Session:
    """One browser-like session over the websocket (use `async with Session(...)`)."""

    def __init__(self, base_url: str, page: str = "", query: str = "", cookies: dict[str, str] | None = None):
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.query = query
        self.cookies = dict(cookies or {})  # sent in the handshake, as a browser sends its cookies
        self.text_inputs: dict[str, str] = {}  # widget id by key (or by label when it has no key)
        self.buttons: dict[str, str] = {}  # widget id by label (form submit buttons included)
        self.alerts: list[tuple[str, str]] = []  # (kind, text) of the last run's message boxes
        self.page_hash = ""
        self.timeout = RUN_TIMEOUT  # s a run may take before it counts as an error (a queued heavy run: more)
        self.session_id = ""  # the server's id of this session (new_session), for backend operations
        self.downloads: dict[str, str] = {}  # a deferred download button's file id, by widget key
        self.sliders: dict[str, SliderWidget] = {}  # by widget key ("" for a slider without one)
        self.widget_states: dict[str, WidgetState] = {}
        self.cached_hashes: set[str] = set()
        # element types the last run sent in full ({"plotly_chart": 2}); a first run sends all,
        # later runs send unchanged elements as references to cached messages
        self.elements: Counter[str] = Counter()
        self.ws: websockets.ClientConnection | None = None

    async def __aenter__(self) -> Session:
        ws_url = self.base_url.replace("http", "ws", 1) + STREAM_PATH
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(self.base_url),
            max_size=MAX_MESSAGE,
            open_timeout=RUN_TIMEOUT,
            ping_interval=None,  # the server's own keep-alive is enough; a busy loop must not drop us
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if self.cookies
            else None,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()

    def slider(self, key: str) -> SliderWidget:
        """The slider whose widget key is `key`."""
        if key not in self.sliders:
            raise KeyError(f"no slider with key {key!r} on this page; keys: {self.slider_keys()}")
        return self.sliders[key]

    def slider_keys(self) -> list[str]:
        return [k for k in self.sliders if k]

    async def run(self) -> RunOutcome:
        """Ask for a rerun with the current widget states; wait for `script_finished`."""
        assert self.ws is not None, "use `async with Session(...)`"
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.page
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(sorted(self.cached_hashes))
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}"
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        exceptions = 0
        self.elements = Counter()
        self.alerts = []
        for key in [k for k, v in self.widget_states.items() if v.WhichOneof("value") == "trigger_value"]:
            del self.widget_states[key]  # a click is sent once
        deadline = start + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise RunError(f"no script_finished within {self.timeout:.0f} s")
            try:
                data = await asyncio.wait_for(self.ws.recv(), timeout=remaining)
            except TimeoutError as error:
                raise RunError(f"no script_finished within {self.timeout:.0f} s") from error
            except websockets.ConnectionClosed as error:
                raise RunError(f"websocket closed: {error}") from error
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if fwd.metadata.cacheable and fwd.hash:
                self.cached_hashes.add(fwd.hash)
            if kind == "new_session":
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":  # st.navigation: the page actually run (after new_session)
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                self.elements[which] += 1
                if which == "slider":
                    key = widget_key(element.slider.id)
                    known = self.sliders.get(key)
                    if known is None or known.id != element.slider.id:  # new, or redefined (new id)
                        self.sliders[key] = SliderWidget.from_proto(element.slider)
                elif which == "exception":
                    exceptions += 1
                elif which == "text_input":
                    self.text_inputs[widget_key(element.text_input.id) or element.text_input.label] = (
                        element.text_input.id
                    )
                elif which == "button":
                    self.buttons[element.button.label] = element.button.id
                elif which == "download_button" and element.download_button.deferred_file_id:
                    self.downloads[widget_key(element.download_button.id)] = (
                        element.download_button.deferred_file_id
                    )
                elif which == "alert":
                    kind = element.alert.Format.Name(element.alert.format).lower()
                    shown = re.sub(r"\\(.)", r"\1", element.alert.body)  # Markdown escapes, as drawn
                    self.alerts.append((kind, shown))
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run follows on this session
                elapsed = time.perf_counter() - start
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RunError(f"script finished with {status}")
                return RunOutcome(elapsed, exceptions, status)

    async def submit(self, button: str, **texts: str) -> RunOutcome:
        """Type `texts` into the text boxes with those keys and click the button labelled
        `button` (a form's submit button sends the form's values with it), as one rerun."""
        for key, text in texts.items():
            state = WidgetState(id=self.text_inputs[key])
            state.string_value = text
            self.widget_states[state.id] = state
        click = WidgetState(id=self.buttons[button])
        click.trigger_value = True
        self.widget_states[click.id] = click
        return await self.run()

    async def download(self, key: str) -> tuple[float, int]:
        """Click the download button with widget key `key` whose file is made on the click (a
        callable `data`), as the browser does: a ``backend_operation_request`` asking the server
        to make the file, then a GET of the address it answers. Returns (seconds, bytes)."""
        assert self.ws is not None, "use `async with Session(...)`"
        if key not in self.downloads:
            raise KeyError(f"no deferred download button with key {key!r}; keys: {sorted(self.downloads)}")
        msg = BackMsg()
        request = msg.backend_operation_request
        request.request_id = uuid.uuid4().hex
        request.session_id = self.session_id
        request.deferred_file.CopyFrom(DeferredFileRequestPayload(file_id=self.downloads[key]))
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        deadline = start + RUN_TIMEOUT
        while True:
            remaining = deadline - time.perf_counter()
            try:
                data = await asyncio.wait_for(self.ws.recv(), timeout=max(remaining, 0.001))
            except TimeoutError as error:
                raise RunError(f"no file within {RUN_TIMEOUT:.0f} s") from error
            except websockets.ConnectionClosed as error:
                raise RunError(f"websocket closed: {error}") from error
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            if fwd.WhichOneof("type") != "backend_operation_response":
                continue
            answer = fwd.backend_operation_response
            if answer.request_id != request.request_id:
                continue
            if answer.error_msg or not answer.deferred_file.url:
                raise RunError(f"download {key!r} failed: {answer.error_msg or 'no address'}")
            url = answer.deferred_file.url
            url = url if url.startswith("http") else f"{self.base_url}/{url.lstrip('/')}"
            body = await asyncio.to_thread(_get, url)
            return time.perf_counter() - start, len(body)

    async def move(self, key: str) -> RunOutcome:
        """Move slider `key` one step and wait for the rerun to finish."""
        widget = self.slider(key)
        self.widget_states[widget.id] = widget.step()
        return await self.run()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=RUN_TIMEOUT) as response:  # noqa: S310 - our own loopback server
        return response.read()


# --------------------------------------------------------------------------- many sessions


@dataclass
class LoadReport:
    """What `run_load` measured. Latencies in seconds, memory in MiB."""

    url: str
    page: str
    sessions: int
    seconds: float
    interval: float
    latencies: list[float] = field(default_factory=list)  # slider moves, in the measured window
    first_runs: list[float] = field(default_factory=list)  # each session's first page run
    errors: list[str] = field(default_factory=list)
    connected: int = 0
    rss_before: float | None = None
    rss_peak: float | None = None
    rss_after: float | None = None
    rss_after_close: float | None = None
    wall: float = 0.0  # s: measured window actually taken
    server_cpu: float | None = None  # CPU seconds the server used in the window
    client_cpu: float | None = None  # CPU seconds this process (the sessions) used in the window

    @property
    def server_cores(self) -> float | None:
        """Cores the server kept busy on average in the window (1.0 = one core flat out)."""
        return None if self.server_cpu is None or not self.wall else self.server_cpu / self.wall

    def p(self, q: float) -> float | None:
        return percentile(self.latencies, q)

    def summary(self) -> str:
        def ms(v: float | None) -> str:
            return "—" if v is None else f"{v * 1000:,.0f} ms"

        def mib(v: float | None) -> str:
            return "—" if v is None else f"{v:,.0f} MiB"

        rate = len(self.latencies) / self.wall if self.wall else 0.0
        return (
            f"{self.sessions} sessions on {self.url}/{self.page} for {self.seconds:.0f} s, "
            f"a slider move every {self.interval:g} s each: {len(self.latencies)} reruns "
            f"({rate:.1f}/s), p50 {ms(self.p(50))}, p95 {ms(self.p(95))}, p99 {ms(self.p(99))}, "
            f"max {ms(max(self.latencies, default=None))}; first page run p50 "
            f"{ms(percentile(self.first_runs, 50))}; errors {len(self.errors)}; server RSS "
            f"{mib(self.rss_before)} before, {mib(self.rss_peak)} peak, {mib(self.rss_after)} after, "
            f"{mib(self.rss_after_close)} after closing; server CPU "
            f"{'—' if self.server_cores is None else f'{self.server_cores:.2f} cores'}, "
            f"this client {'—' if self.client_cpu is None or not self.wall else f'{self.client_cpu / self.wall:.2f} cores'}"
        )


async def _one_session(
    report: LoadReport,
    key: str,
    arrivals: asyncio.Semaphore,
    start_gate: asyncio.Event,
    stop_at: list[float],
    seed: int,
    cookies: dict[str, str] | None = None,
) -> None:
    rng = random.Random(seed)
    try:
        async with Session(report.url, report.page, cookies=cookies) as session:
            async with arrivals:  # first runs a few at a time, as users arrive, not in one burst
                outcome = await session.run()
            report.first_runs.append(outcome.seconds)
            if outcome.exceptions:
                report.errors.append(f"{outcome.exceptions} exception box(es) on the first run")
            session.slider(key).direction = rng.choice((1, -1))  # users go both ways (and fail early)
            report.connected += 1
            await start_gate.wait()
            # spread the sessions over one interval so the load is even, not in bursts
            next_move = time.perf_counter() + rng.uniform(0, report.interval)
            while True:
                await asyncio.sleep(max(0.0, next_move - time.perf_counter()))
                if time.perf_counter() >= stop_at[0]:
                    break
                try:
                    outcome = await session.move(key)
                except RunError as error:
                    report.errors.append(str(error))
                    if session.ws is None or session.ws.close_code is not None:
                        return
                else:
                    report.latencies.append(outcome.seconds)
                    if outcome.exceptions:
                        report.errors.append(f"{outcome.exceptions} exception box(es) on the page")
                next_move += report.interval
                next_move = max(next_move, time.perf_counter())  # a late run moves the next one on
    except (OSError, websockets.WebSocketException, RunError, KeyError) as error:
        report.errors.append(f"session failed: {type(error).__name__}: {error}")


async def _load(
    report: LoadReport,
    key: str,
    pid: int | Sequence[int] | None,
    connect_concurrency: int,
    cookies: Callable[[int], dict[str, str]] | None = None,
) -> None:
    report.rss_before = rss_mib(pid)
    report.rss_peak = report.rss_before
    gate = asyncio.Event()
    stop_at = [math.inf]
    done = threading.Event()

    def sample() -> None:  # memory, twice a second, off the event loop
        while not done.wait(0.5):
            value = rss_mib(pid)
            if value is not None:
                report.rss_peak = max(report.rss_peak or 0.0, value)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    arrivals = asyncio.Semaphore(connect_concurrency)
    tasks = [
        asyncio.create_task(
            _one_session(
                report, key, arrivals, gate, stop_at, seed=i, cookies=cookies(i) if cookies else None
            )
        )
        for i in range(report.sessions)
    ]
    while report.connected + _failed(report) < report.sessions and not all(t.done() for t in tasks):
        await asyncio.sleep(0.1)
    start, cpu_start, client_start = time.perf_counter(), cpu_seconds(pid), time.process_time()
    stop_at[0] = start + report.seconds
    gate.set()
    await asyncio.gather(*tasks)
    report.wall = time.perf_counter() - start
    cpu_end = cpu_seconds(pid)
    report.server_cpu = None if cpu_start is None or cpu_end is None else cpu_end - cpu_start
    report.client_cpu = time.process_time() - client_start
    report.rss_after = rss_mib(pid)
    done.set()
    sampler.join()


def _failed(report: LoadReport) -> int:
    return sum(1 for e in report.errors if e.startswith("session failed"))


def run_load(
    url: str,
    *,
    sessions: int = 25,
    seconds: float = 30.0,
    interval: float = 2.0,
    page: str = "",
    key: str = "sb_learners",
    pid: int | Sequence[int] | None = None,
    settle: float = 2.0,
    cookies: Callable[[int], dict[str, str]] | None = None,
) -> LoadReport:
    """`sessions` websocket sessions on `url`/`page`, each moving slider `key` every `interval` s.

    All sessions first open the page (their first runs are reported apart); then, for
    `seconds`, each moves the slider one step every `interval` seconds (staggered so the
    moves are spread evenly). `cookies(i)` gives session i's cookies (a routing cookie, a
    sign-in cookie). With `pid` (or several), the server's RSS is read before, at its peak (sampled
    every 0.5 s), after, and `settle` seconds after the sessions have closed.
    """
    report = LoadReport(url.rstrip("/"), page.strip("/"), sessions, seconds, interval)
    asyncio.run(_load(report, key, pid, connect_concurrency=4, cookies=cookies))
    time.sleep(settle)
    report.rss_after_close = rss_mib(pid)
    return report


def warm_up(
    url: str, page: str = "", key: str = "sb_learners", cookies: dict[str, str] | None = None
) -> None:
    """One session opens the page and moves the slider once, then leaves: the server has
    imported everything and filled its caches, as after its first visitor."""

    async def visit() -> None:
        async with Session(url, page, cookies=cookies) as session:
            await session.run()
            await session.move(key)

    asyncio.run(visit())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8501")
    target.add_argument("--serve", metavar="SCRIPT", help="start `streamlit run SCRIPT` for the run")
    parser.add_argument("--pid", type=int, help="the server's process id, for its RSS (with --url)")
    parser.add_argument("--page", default="", help="the page's URL path, e.g. costs (default: the main page)")
    parser.add_argument("--key", default="sb_learners", help="the slider's widget key")
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between one session's moves")
    args = parser.parse_args(argv)
    options = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "interval": args.interval,
        "page": args.page,
        "key": args.key,
    }
    if args.serve:
        with streamlit_server(args.serve) as server:
            warm_up(server.url, args.page, args.key)  # RSS "before" is a warm server's, as with --url
            report = run_load(server.url, pid=server.pid, **options)
    else:
        report = run_load(args.url, pid=args.pid, **options)
    print(report.summary())
    for message in sorted(set(report.errors))[:10]:
        print(f"  error ×{report.errors.count(message)}: {message}")


if __name__ == "__main__":
    main()
