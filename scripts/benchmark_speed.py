"""Speed benchmark (issue 9): every page against two floors, in one run, as ratios.

    .venv/bin/python scripts/benchmark_speed.py [--quick] [--pages costs roi …]
        [--sessions 25] [--seconds 30] [--loads 3] [--presses 6]
        [--no-apptest] [--no-browser] [--no-load] [--heavy 12] [--rounds 3]
    .venv/bin/python scripts/benchmark_speed.py --heavy-only     # heavy work alone: 3–5 minutes

About 8–12 minutes on this 2-core machine (much longer when it is busy); `--quick` (fewer
repetitions, 10 sessions for 10 s, the browser on the floors and the main page only unless
`--pages` is given) about 1–2 minutes.

Run it from the project root (the servers it starts use `.streamlit/config.toml`). Floors:
`scripts/floor_apps/floor1.py` (one slider, one Plotly chart) and `floor3.py` (27 sidebar
sliders, 8 tiles, 3 two-line charts: the Executive summary's skeleton without its model).
For each floor and each page of `app.py` it measures:

- **server rerun** (AppTest, in this process): time of `at.run()` after the learners slider
  (`sb_learners`) moves one step; median and minimum of several reruns after warm-up. The
  targets are timed in interleaved rounds (one move each per round), so the floors and the
  pages share the machine's better and worse minutes, and each page opens on a scenario of
  its own (a link a dollar apart), so no page reuses what another page's moves computed.
  AppTest compiles every script afresh on each run (a new `ScriptCache` per run), which a
  server does once per script; the benchmark keeps one cache for the whole run, as a server
  does, for the floors and the app alike (the app's longer scripts paid up to ~35 ms a rerun
  for it: the Pilot planner 74 → 38 ms here); and AppTest's runtime is a mock, whose
  `st.context.headers` built mock objects on every read (1–3 ms a rerun for the app, which
  checks the Host on every run; nothing for the floors, which read none): the benchmark gives
  it a browser connection's headers as plain values, as a server has them; and the process
  sets glibc's allocator as `serve.py` sets the server's (`bound_server_memory`: two arenas,
  arrays' memory reused), for the floors and the app alike;
- **open → first chart** (Chromium): navigation start to the first Plotly chart holding a
  drawn trace (`.js-plotly-plot .main-svg .trace`, seen by a MutationObserver), a fresh
  browser context (empty cache) per load; a page without charts reports its first run
  finishing instead (marked †, no target);
- **slider key → chart redrawn** (Chromium): ArrowRight on the focused learners slider
  (in-page `keydown` time) to the last DOM change inside the page's first chart once the
  rerun has finished (`stApp[data-test-script-state]` back to `notRunning`) and the chart has
  been quiet for 500 ms; a page whose first chart does not change reports the rerun
  finishing instead (marked †; when a quick run's states are batched away by React, the
  last change in the main area); a press that changes nothing in 10 s is noted and repeated;
- the browser figures are taken like the reruns, in interleaved rounds (the floors' and
  the app's servers up at once; one load, then one key press, per target per round);
- **what the browser is sent and draws** on the first load (no target; issue 9, item 5):
  scripts and stylesheets fetched (bytes on the wire, decoded), websocket bytes from the
  server, Streamlit elements drawn in the main area and how many start above the fold, and
  where the answer (first tile or headline) and the first chart start;
- **concurrency** (`scripts/ws_load.py`): N websocket sessions on the Executive summary (and
  on floor 3 for comparison), each moving the learners slider every 2 s for S seconds:
  rerun latency p50/p95/p99 (BackMsg sent → `script_finished` received), errors, and the
  server's RSS before, at its peak and after;
- **heavy work** (`--heavy 12`), on a server with accounts (`scripts/heavy_fair.py`; the
  heavy-run queue limits each user to 2 runs, so 12 sessions of one user would queue 2): 12
  users open the Monte Carlo page asking for 10^6 draws at once (each its own random seed, so
  nothing is shared; all 12 queued, drawn one at a time in the worker) while another user
  moves the learners slider on the Executive summary every second and, half-way, downloads
  the PDF brief from another tab (its headless Chromium starts): that user's median rerun
  alone and during (target ≤ 2×; reruns while the PDF is made are counted apart), the heavy
  runs' times (queueing included), the replica's memory (the server and every process it
  started: worker, Chromium; VmRSS summed, PSS beside it) idle, at its peak and after (target
  < 1 GB, the documented bound of a replica);
- **fair heavy work** (issue 26, `--rounds 3`): another user on the Monte Carlo page at 10^6
  draws moves the learners slider (one heavy run) and waits for it, alone and then while one
  owner floods the queue, in interleaved rounds: "one user, 12 tabs" (12 signed-in sessions
  of one user) and "20 requests from one client link" (20 sessions opened on one link within
  ~1 s); target: that run ≤ 2× its idle time; the flood's requests are counted as drawn or
  refused ("You already have 2 large simulations running…");
- **Monte Carlo**: 10^5 draws of the full model (`calculators.simulation.monte_carlo`),
  best of 3.

Every figure is printed with its ratio to floor 3 (the rerun also to floor 1) and each of
issue 9's targets is marked met or not met: server rerun ≤ 2 × floor 3; slider → redraw ≤
1.3 × floor 3; open → first chart ≤ 1.1 × floor 3; 25 sessions at p95 ≤ 1 s; 10^5 draws ≤
0.1 s; heavy work as above. The final table lists every target with its figure. Timings
depend on the machine and its load, so nothing here is a test and nothing asserts them; the
machine's cores and load average are printed with the table. `--heavy-only` runs the heavy
work alone (no AppTest, browser, 25-session load or Monte Carlo timing).

A ratio is `value / floor-3 value`, e.g. a 0.30 s rerun against a 0.12 s floor:

>>> ratio(0.30, 0.12)
2.5
>>> ratio(0.30, None) is None
True
>>> verdict(2.5, 2.0), verdict(1.9, 2.0), verdict(None, 2.0)
('OVER', 'ok', '—')
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/benchmark_speed.py` puts scripts/ first, not the root
    sys.path.insert(0, str(ROOT))

from components.hosting.limits import bound_server_memory  # noqa: E402
from scripts.heavy_fair import (  # noqa: E402
    BOB,
    AccountsServer,
    FairReport,
    Memory,
    MemoryPeak,
    Outcome,
    accounts_server,
    fair_lines,
    family_memory,
    run_fair,
)
from scripts.heavy_fair import LIMIT as FAIR_LIMIT  # noqa: E402
from scripts.server import streamlit_server  # noqa: E402
from scripts.ws_load import LoadReport, RunError, Session, run_load, warm_up  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/e2e/conftest.py
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
VIEWPORT = {"width": 1440, "height": 1000}  # the browser tests' desktop: sidebar open, tiles side by side
KEY = "sb_learners"
FLOORS = {"floor-1": "scripts/floor_apps/floor1.py", "floor-3": "scripts/floor_apps/floor3.py"}
APP = "app.py"
SERVED = {APP: "serve.py"}  # what a server runs for a script: the app as deployed (serve.py serves app.py)
DEFAULT_PAGE = "executive_summary"  # served at "/" (app.py: default=True)
LOAD_TIMEOUT_MS = 60_000
REDRAW_TIMEOUT_MS = 30_000
QUIET_MS = 500  # a chart is redrawn when its DOM has not changed for this long (after the run)
NO_CHANGE_WAIT_MS = 3_000  # a first chart still unchanged this long after the run has not changed
LOST_AFTER_MS = 10_000  # a key press with no rerun and no change on the page by then was lost

TARGETS = {"rerun": 2.0, "redraw": 1.3, "open": 1.1}  # × floor 3
LOAD_P95_TARGET = 1.0  # s, 25 sessions
MONTE_CARLO_TARGET = 0.1  # s, 10^5 draws


def ratio(value: float | None, floor: float | None) -> float | None:
    """`value / floor`, or None when either is missing or the floor is zero."""
    if value is None or not floor:
        return None
    return value / floor


def verdict(r: float | None, limit: float) -> str:
    """'ok' when ratio `r` is within `limit`, 'OVER' when not, '—' when unmeasured."""
    if r is None:
        return "—"
    return "ok" if r <= limit else "OVER"


def page_files() -> list[str]:
    """The app's pages in navigation order (as the AppTest tests list them), else pages/*.py."""
    try:
        from tests.app.helpers import PAGES

        return list(PAGES)
    except Exception:  # noqa: BLE001 - the benchmark must run without the test tree
        return sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def title_of(name: str) -> str:
    return name.replace("_", " ").capitalize()


@dataclass
class Target:
    """One column of issue 9's table: a floor app or one page of the app."""

    name: str  # "floor-1", "floor-3" or a page's URL path ("costs")
    script: str  # what `streamlit run` / AppTest opens
    page_file: str | None = None  # for AppTest's switch_page
    url_path: str = ""  # "" = the app's default page
    rerun: list[float] = field(default_factory=list)  # s
    open_ms: list[float] = field(default_factory=list)
    open_fallback: bool = False  # † no chart: time to the first run finishing
    redraw_ms: list[float] = field(default_factory=list)
    redraw_fallback: int = 0  # presses whose first chart did not change (†: run finished)
    notes: list[str] = field(default_factory=list)
    title: str = ""  # the page's st.title, once AppTest has opened it
    cost: dict[str, float] = field(default_factory=dict)  # what the browser is sent and draws (first load)

    @property
    def label(self) -> str:
        return self.name if self.name.startswith("floor") else self.title or title_of(self.name)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- AppTest


def _navigation_apptest() -> None:
    """Keep AppTest on st.navigation although a `pages/` folder exists (as tests/conftest.py)."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils import script_run_context

    original = PagesManager.__init__
    if getattr(original, "_bench_patched", False):
        return
    # AppTest from the main thread: Streamlit warns "missing ScriptRunContext" (harmless here)
    logging.getLogger(script_run_context.__name__).addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        PagesManager.uses_pages_directory = False  # the app uses st.navigation, never MPA v1
        original(self, *args, **kwargs)

    init._bench_patched = True  # type: ignore[attr-defined]
    PagesManager.__init__ = init  # type: ignore[method-assign]
    _one_script_cache()
    _server_client_context()


class _BrowserConnection:
    """What a server knows of a browser tab's connection (`streamlit.runtime.session_manager.
    ClientContext`): the headers, cookies and address of its websocket's opening request."""

    headers = (("Host", "localhost:8501"), ("User-Agent", "benchmark"), ("Accept-Language", "en"))
    cookies: dict[str, str] = {}  # noqa: RUF012 - read-only here
    remote_ip = "127.0.0.1"


def _server_client_context() -> None:
    """Give `st.context` a connection as a server does: AppTest's runtime is a `MagicMock`, so
    every `st.context.headers` read built mock objects (~1-3 ms a rerun for a page that checks
    its Host, as the app does on every run; a server reads a dict). The floors read no headers."""
    from streamlit.runtime import context

    context._get_client_context = lambda: _BrowserConnection  # type: ignore[assignment]


def _one_script_cache() -> None:
    """Compile each script once, as a server does: AppTest makes a new `ScriptCache` (so parses,
    rewrites and compiles the entry script and the page again) on every run."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


def _next_select_option(widget: Any) -> Any:
    """The value one step right of a select slider's (left at its end), from its labels.

    AppTest knows the options only as their labels ("1,250"); the value is the label read
    as a number when the widget's own format gives the label back.
    """
    labels = list(widget.options)
    fmt = widget.format_func
    current = labels.index(str(fmt(widget.value)))
    nxt = labels[current + 1] if current + 1 < len(labels) else labels[current - 1]
    digits = "".join(ch for ch in nxt if ch.isdigit() or ch in ".-")
    for candidate in (int(float(digits)), float(digits)) if digits else ():
        if str(fmt(candidate)) == nxt:
            return candidate
    raise ValueError(f"cannot read the select-slider label {nxt!r} as a value")


def _step_slider(at: Any) -> Any:
    """Move the learners slider one step (select slider in the app, st.slider in the floors)."""
    selects = [w for w in at.select_slider if w.key == KEY]
    if selects:
        return selects[0].set_value(_next_select_option(selects[0]))
    widget = at.slider(key=KEY)
    proto = widget.proto
    value = widget.value + proto.step
    if value > proto.max:
        value = widget.value - proto.step
    return widget.set_value(type(widget.value)(value))


def _learners(at: Any) -> Any:
    return at.session_state[KEY]


OWN_SCENARIO_FIELD = "ilt_fixed_cost"  # each page its own scenario (a dollar apart): no shared cache hits


def open_apptest(target: Target, index: int, warmup: int) -> Any | None:
    """Open `target` in AppTest on a scenario of its own and make the warm-up slider moves.

    Every page of the app opens on a link whose instructor-led fixed cost is `index` dollars
    above the default, so no page is served a result that another page's moves computed (a
    real user's move reaches a new scenario; the summary's cached answer must not make the
    Costs page look fast)."""
    from streamlit.testing.v1 import AppTest

    _navigation_apptest()
    at = AppTest.from_file(str(ROOT / target.script), default_timeout=120)
    if target.page_file:
        from calculators.scenario import INPUTS

        at.query_params[OWN_SCENARIO_FIELD] = str(int(INPUTS[OWN_SCENARIO_FIELD].default) + index)
    at.run()
    if target.page_file:
        at.switch_page(target.page_file).run()
    if at.exception:
        target.notes.append(f"AppTest: exception on opening: {at.exception[0].message[:120]}")
        return None
    if at.title:
        target.title = at.title[0].value
    for _ in range(warmup):
        if not time_one_move(target, at, record=False):
            return None
    return at


def time_one_move(target: Target, at: Any, *, record: bool = True) -> bool:
    """Move the learners slider one step and time the rerun; False (and a note) if it failed."""
    before = _learners(at)
    _step_slider(at)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        target.notes.append(f"AppTest: exception after a slider move: {at.exception[0].message[:120]}")
        return False
    if _learners(at) == before:
        target.notes.append(f"AppTest: the slider did not move from {before}")
        return False
    if record:
        target.rerun.append(elapsed)
    return True


def measure_apptest(targets: list[Target], reps: int, warmup: int, log: Callable[[str], None]) -> None:
    """Server reruns of every target, interleaved: after each target's warm-up, `reps` rounds in
    which every target makes one timed move, starting one further along each round.

    The floors and the pages are timed through the same minutes, so a slower stretch of the
    machine (other work, a noisy neighbour) weighs on all of them alike instead of on
    whichever was measured then; the ratios are what is compared.

    >>> rotated(["a", "b", "c"], 4)
    ['b', 'c', 'a']
    """
    bound_server_memory()  # the allocator as the server's (serve.py): the floors and the app alike
    opened: list[tuple[Target, Any]] = []
    for index, target in enumerate(targets):
        log(f"AppTest   {target.label}: open and warm up")
        at = None

        def run(target: Target = target, index: int = index) -> None:
            nonlocal at
            at = open_apptest(target, index, warmup)

        _guard(target, "AppTest", run)
        if at is not None:
            opened.append((target, at))
    log(f"AppTest   {reps} rounds of one move on each of {len(opened)}")
    failed: set[str] = set()
    for round_ in range(reps):
        for target, at in rotated(opened, round_):
            if target.name in failed:
                continue
            ok = False

            def move(target: Target = target, at: Any = at) -> None:
                nonlocal ok
                ok = time_one_move(target, at)

            _guard(target, "AppTest", move)
            if not ok:
                failed.add(target.name)


def rotated(items: list[Any], shift: int) -> list[Any]:
    """`items` starting at position `shift` (modulo its length)."""
    if not items:
        return []
    k = shift % len(items)
    return items[k:] + items[:k]


# --------------------------------------------------------------------------- Chromium

# Installed before any page script: timestamps (ms since navigation start) of the first drawn
# chart, the script-run state changes, the last key press (and the run state then), DOM
# changes inside the first chart since that key press, and the last change inside any chart.
INSTRUMENT_JS = """
(() => {
  if (window.__bench) return;
  const B = (window.__bench = {
    firstChart: null, keydown: null, stateAtKeydown: null, chartMuts: [], mainMut: null, states: [],
    lastChartMut: 0,
  });
  const CHART = '[data-testid="stPlotlyChart"]';
  const now = () => performance.now();
  const state = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  document.addEventListener('keydown', () => {
    B.keydown = now(); B.stateAtKeydown = state(); B.chartMuts = []; B.mainMut = null;
  }, true);
  const observe = (records) => {
    const t = now();
    const s = state();
    const last = B.states[B.states.length - 1];
    if (s !== null && (!last || last[0] !== s)) B.states.push([s, t]);
    if (B.firstChart === null) {
      for (const c of document.querySelectorAll(CHART)) {
        if (c.querySelector('.js-plotly-plot .main-svg .trace')) { B.firstChart = t; break; }
      }
    }
    const first = document.querySelector(CHART);
    const main = document.querySelector('[data-testid="stMain"]');
    if (B.keydown !== null && main && records.some((r) => main.contains(r.target))) B.mainMut = t;
    for (const r of records) {
      const n = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!n || !n.closest('.js-plotly-plot')) continue;
      B.lastChartMut = t;
      if (B.keydown !== null && first && first.contains(n)) { B.chartMuts.push(t); break; }
    }
  };
  new MutationObserver(observe).observe(document,  // the document: <html> may not exist yet
    {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""

# The first run after navigation: its first drawn chart or, on a page without charts, its end.
OPEN_DONE_JS = """
([hasChart]) => {
  const B = window.__bench;
  if (!B) return null;
  if (B.firstChart !== null) return {kind: 'chart', ms: B.firstChart};
  if (hasChart) return null;
  let started = false;
  for (const [s, t] of B.states) {
    if (s === 'running') started = true;
    else if (s === 'notRunning' && started) return {kind: 'run', ms: t};
  }
  return null;
}
"""

# Ready for a key press: no run going on and nothing changed for `quiet` ms (no state change,
# no chart drawing), so the press's rerun is the only one measured.
IDLE_JS = """
([quiet]) => {
  const B = window.__bench;
  const last = B.states[B.states.length - 1];
  if (!last || last[0] !== 'notRunning') return false;
  const t = performance.now();
  return t - last[1] >= quiet && t - B.lastChartMut >= quiet;
}
"""

# What the first load cost the browser, once the first run has finished and the page is quiet:
# scripts and stylesheets fetched (bytes on the wire and decoded), Streamlit elements drawn in
# the main area and how many start above the fold, and where the answer (first tile or
# headline) and the first chart start (px from the top of the page).
COST_JS = """
() => {
  const res = performance.getEntriesByType('resource');
  const sum = (kind, key) => res.filter((r) => r.initiatorType === kind).reduce((a, r) => a + (r[key] || 0), 0);
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = main ? [...main.querySelectorAll('[data-testid="stElementContainer"]')] : [];
  const shown = boxes.map((b) => b.getBoundingClientRect()).filter((r) => r.height > 0);
  const top = (sel) => {
    const el = main && main.querySelector(sel);
    return el ? el.getBoundingClientRect().top + window.scrollY : null;
  };
  const answer = [top('[data-testid="stMetric"]'), top('[data-testid="stHeading"] h4'), top('[data-testid="stMarkdownContainer"] strong')]
    .filter((v) => v !== null);
  return {
    js_kb: sum('script', 'transferSize') / 1024, js_decoded_kb: sum('script', 'decodedBodySize') / 1024,
    css_kb: (sum('link', 'transferSize') + sum('css', 'transferSize')) / 1024,
    elements: shown.length, above_fold: shown.filter((r) => r.top < window.innerHeight).length,
    answer_y: answer.length ? Math.min(...answer) : -1, chart_y: top('[data-testid="stPlotlyChart"]') ?? -1,
  };
}
"""

# After a key press: the rerun has finished and the first chart has been quiet for `quiet` ms
# (its last change is the redraw), or the chart did not change (then: the run's end).
REDRAW_DONE_JS = """
([quiet, noChangeWait, lostAfter]) => {
  const B = window.__bench;
  const k = B.keydown;
  if (k === null) return null;
  const last = B.states[B.states.length - 1];
  if (!last || last[0] !== 'notRunning') return null;
  let started = B.stateAtKeydown !== 'notRunning', done = null;
  for (const [s, t] of B.states) {
    if (t < k) continue;
    if (s !== 'notRunning') started = true;
    else if (started) { done = t; break; }
  }
  const t = performance.now();
  const muts = B.chartMuts.filter((x) => x >= k);
  const lastMut = muts.length ? muts[muts.length - 1] : null;
  if (lastMut !== null) {
    // a run too quick to show its state still redraws the chart: wait twice as long then
    const settle = done === null ? 2 * quiet : quiet;
    if (t - lastMut < settle || (done !== null && t - done < quiet)) return null;
    return {kind: 'chart', ms: lastMut - k};
  }
  if (done !== null) return t - done < noChangeWait ? null : {kind: 'run', ms: done - k};
  // no run state seen (React may batch a quick run's states away): the page's last change
  if (B.mainMut !== null && t - B.mainMut >= Math.max(2 * quiet, noChangeWait)) {
    return {kind: 'run', ms: B.mainMut - k};
  }
  return t - k > lostAfter ? {kind: 'lost'} : null;
}
"""


def _slider(page: Any) -> Any:
    """The learners slider (a hidden range input, role "slider") in its keyed sidebar container."""
    return page.locator(f'[data-testid="stSidebar"] .st-key-{KEY}').get_by_role("slider").first


def _exceptions(page: Any) -> int:
    return page.locator('[data-testid="stException"]').count()


def page_has_chart(base_url: str, url_path: str) -> bool:
    """Whether a first run of the page sends a Plotly chart (asked over the websocket).

    The browser cannot tell by itself: a chart's element appears only once Plotly's bundle
    has loaded, seconds after the run has finished.
    """

    async def probe() -> bool:
        async with Session(base_url, url_path) as session:
            await session.run()
            return session.elements["plotly_chart"] > 0

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
        return pool.submit(asyncio.run, probe()).result()


def measure_browser(browser: Any, base_url: str, target: Target, loads: int, presses: int) -> None:
    """`loads` fresh contexts: open → first chart; then, in a fresh one, 1 + `presses` key presses."""
    has_chart = page_has_chart(base_url, target.url_path)
    for n in range(loads):
        open_once(browser, base_url, target, has_chart, record_cost=n == 0)
    context, page = open_for_presses(browser, base_url, target, has_chart)
    try:
        for _ in range(presses):
            press_once(page, target, has_chart)
        _after_presses(page, target)
    finally:
        context.close()


def open_once(browser: Any, base_url: str, target: Target, has_chart: bool, *, record_cost: bool) -> None:
    """One fresh context (empty cache): open → first chart (or the first run's end, †)."""
    if not has_chart and not target.open_fallback:
        target.notes.append("no chart on this page: † figures are the run finishing")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(INSTRUMENT_JS)
        page = context.new_page()
        received = [0]  # websocket bytes from the server during the first load
        page.on(
            "websocket",
            lambda ws, received=received: ws.on(
                "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))
            ),
        )
        page.goto(f"{base_url}/{target.url_path}", wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        handle = page.wait_for_function(OPEN_DONE_JS, arg=[has_chart], timeout=LOAD_TIMEOUT_MS, polling=50)
        result = handle.json_value()
        target.open_ms.append(float(result["ms"]))
        target.open_fallback = target.open_fallback or result["kind"] != "chart"
        if _exceptions(page):
            target.notes.append("browser: an exception box on opening")
        if record_cost:
            page.wait_for_function(IDLE_JS, arg=[QUIET_MS], timeout=REDRAW_TIMEOUT_MS, polling=50)
            target.cost = {**page.evaluate(COST_JS), "ws_kb": received[0] / 1024}
    finally:
        context.close()


def open_for_presses(browser: Any, base_url: str, target: Target, has_chart: bool) -> tuple[Any, Any]:
    """A page kept open for key presses, warmed up by one press that is not counted."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT_JS)
    page = context.new_page()
    page.goto(f"{base_url}/{target.url_path}", wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(OPEN_DONE_JS, arg=[has_chart], timeout=LOAD_TIMEOUT_MS, polling=50)
    _slider(page).wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    press_once(page, target, has_chart, record=False)
    return context, page


def press_once(page: Any, target: Target, has_chart: bool, *, record: bool = True) -> None:
    """One ArrowRight on the learners slider once the page is quiet: key → chart redrawn (or the
    run's end, †). A press that changes nothing is noted and pressed again (a third ends it)."""
    no_change_wait = NO_CHANGE_WAIT_MS if has_chart else 0
    slider = _slider(page)
    for _attempt in range(3):
        page.wait_for_function(IDLE_JS, arg=[QUIET_MS], timeout=REDRAW_TIMEOUT_MS, polling=50)
        slider.focus()
        page.keyboard.press("ArrowRight")
        handle = page.wait_for_function(
            REDRAW_DONE_JS,
            arg=[QUIET_MS, no_change_wait, LOST_AFTER_MS],
            timeout=REDRAW_TIMEOUT_MS,
            polling=25,
        )
        result = handle.json_value()
        if result["kind"] == "lost":
            target.notes.append(f"browser: a key press changed nothing in {LOST_AFTER_MS / 1000:.0f} s")
            if os.environ.get("BENCH_DEBUG"):
                print("lost key press:", page.evaluate("() => window.__bench"), file=sys.stderr)
            continue
        if record:
            target.redraw_ms.append(float(result["ms"]))
            if result["kind"] != "chart":
                target.redraw_fallback += 1
        return
    raise RuntimeError(f"3 key presses changed nothing in {LOST_AFTER_MS / 1000:.0f} s")


def _after_presses(page: Any, target: Target) -> None:
    if _exceptions(page):
        target.notes.append("browser: an exception box after slider moves")


# --------------------------------------------------------------------------- orchestration


SERVER_PROBLEMS: list[str] = []  # servers whose log holds a traceback (printed under the table)


@contextmanager
def _server(script: str) -> Iterator[Any]:
    with streamlit_server(SERVED.get(script, script), env=single_user_env()) as server:
        try:
            yield server
        finally:
            log = server.log_text()
            if "Traceback" in log:
                start = log.index("Traceback")
                SERVER_PROBLEMS.append(
                    f"the server of {script} logged a traceback:\n{log[start : start + 1500]}"
                )


def single_user_env() -> dict[str, str]:
    """The benchmark's own servers run single-user (no sign-in), as `python3 tasks.py run` does,
    unless the environment says otherwise: `serve.py` with no mode set asks for accounts and
    answers its health check 503 until it has a cookie key (issue 26's `HealthGate`)."""
    return {} if "TRAINING_ROI_SINGLE_USER" in os.environ else {"TRAINING_ROI_SINGLE_USER": "1"}


def _guard(target: Target, what: str, fn: Callable[[], None]) -> None:
    """Run one measurement; a failure is noted on the target, the benchmark goes on."""
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - one failed measurement must not lose the rest
        first_line = (str(error).strip().splitlines() or [""])[0][:160]
        target.notes.append(f"{what} failed: {type(error).__name__}: {first_line}")
        if os.environ.get("BENCH_DEBUG"):
            traceback.print_exc()


def run_browser(targets: list[Target], loads: int, presses: int, log: Callable[[str], None]) -> str:
    """Chromium figures of every target, interleaved as the server reruns are: one server per
    script for the whole phase; `loads` rounds of one fresh load per target, then one open
    page per target and `presses` rounds of one key press each, each round starting one
    target further along, so a slower minute weighs on floors and pages alike."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, ExitStack() as servers:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        try:
            url: dict[str, str] = {}
            for t in targets:
                if t.script not in url:
                    url[t.script] = servers.enter_context(_server(t.script)).url
            charts = {t.name: page_has_chart(url[t.script], t.url_path) for t in targets}
            for round_ in range(loads):
                log(f"browser   opening, round {round_ + 1} of {loads}")
                for t in rotated(targets, round_):
                    _guard(
                        t, "browser",
                        lambda t=t, first=round_ == 0: open_once(browser, url[t.script], t, charts[t.name], record_cost=first),
                    )  # fmt: skip
            log(f"browser   key presses: {presses} rounds")
            opened: list[tuple[Target, Any, Any]] = []
            for t in targets:
                try:
                    context, page = open_for_presses(browser, url[t.script], t, charts[t.name])
                except Exception as error:  # noqa: BLE001
                    t.notes.append(f"browser failed: {type(error).__name__}: {str(error)[:120]}")
                    continue
                opened.append((t, context, page))
            failed: set[str] = set()
            for round_ in range(presses):
                for t, _context, page in rotated(opened, round_):
                    if t.name in failed:
                        continue
                    before = len(t.notes)
                    _guard(t, "browser", lambda t=t, page=page: press_once(page, t, charts[t.name]))
                    if any("failed" in n for n in t.notes[before:]):
                        failed.add(t.name)
            for t, context, page in opened:
                _after_presses(page, t)
                context.close()
        finally:
            browser.close()
    return version


def run_concurrency(
    scripts: dict[str, str], sessions: int, seconds: float, log: Callable[[str], None]
) -> dict[str, LoadReport | str]:
    reports: dict[str, LoadReport | str] = {}
    for name, script in scripts.items():
        log(f"load      {name}: {sessions} sessions × {seconds:.0f} s")
        try:
            with _server(script) as server:
                warm_up(server.url)  # RSS "before" is a warm server's: modules imported, one visit done
                reports[name] = run_load(server.url, sessions=sessions, seconds=seconds, pid=server.pid)
        except Exception as error:  # noqa: BLE001
            reports[name] = f"failed: {type(error).__name__}: {error}"
    return reports


@dataclass
class HeavyReport:
    """Heavy work (issues 9 and 26), on a server with accounts (`scripts/heavy_fair.py`):
    `heavy` users each asking for 10^6 draws at once (one run each: all `heavy` queued) while
    another user moves a slider on the Executive summary, a PDF brief exported half-way (its
    headless Chromium counted in the replica's memory); then the fair-queue floods."""

    heavy: int
    idle: list[float] = field(default_factory=list)  # the other user's reruns alone (s)
    loaded: list[float] = field(default_factory=list)  # ... while the heavy runs go on (s)
    loaded_export: list[float] = field(default_factory=list)  # ... while the PDF brief is made too
    heavy_runs: list[float] = field(default_factory=list)  # each heavy session's run (s), queue included
    refused: int = 0  # heavy sessions told they already have 2 runs (none expected: one run each)
    errors: list[str] = field(default_factory=list)
    memory_idle: Memory | None = None  # the replica (server + children) warm and idle
    memory_peak: Memory | None = None  # ... at its largest during the heavy runs and the export
    memory_export_done: Memory | None = (
        None  # ... at its largest once the export is done, heavy runs going on
    )
    memory_after: Memory | None = None  # ... after everything (the floods included)
    pdf: str = "not exported"  # what the PDF export took ("3.1 s, 412 kB") or why it failed
    fair: list[FairReport] = field(default_factory=list)  # issue 26's floods
    fair_peak: Memory | None = None  # the replica's largest memory during the floods

    @property
    def rss_before(self) -> float | None:
        return None if self.memory_idle is None else self.memory_idle.rss

    @property
    def rss_peak(self) -> float | None:
        return None if self.memory_peak is None else self.memory_peak.rss

    @property
    def rss_after(self) -> float | None:
        return None if self.memory_after is None else self.memory_after.rss


HEAVY_RUN_DRAWS = 1_000_000  # what each heavy session asks for
MEMORY_BOUND = 1e9  # bytes: a replica's documented bound (docs/deployment.md: "two cores and 1 GB")
HEAVY_TIMEOUT = 300.0  # s a queued heavy session may wait for its run
PDF_KEY = "summary_pdf"  # the Executive summary's PDF brief button (components/exports/panel.py)


def heavy_user(i: int) -> str:
    return f"user{i + 1:02d}"


async def _heavy(server: AccountsServer, report: HeavyReport, idle_moves: int) -> None:
    exporting = asyncio.Event()

    async def one(i: int) -> None:
        query = f"mc_draws={HEAVY_RUN_DRAWS}&mc_seed={1_000 + i}"  # each its own run: no shared result
        try:
            async with Session(
                server.url, "monte_carlo", query=query, cookies=server.cookies(heavy_user(i))
            ) as s:
                s.timeout = HEAVY_TIMEOUT  # the 12th waits for 11 runs: a minute or more on a busy machine
                outcome = await s.run()
                report.heavy_runs.append(outcome.seconds)
                if Outcome.of(s.alerts, 0) == "refused":
                    report.refused += 1
                if outcome.exceptions:
                    report.errors.append("an exception box on a heavy run")
        except (OSError, RunError) as error:
            report.errors.append(f"heavy session failed: {type(error).__name__}: {error}")

    async def export(cookies: dict[str, str]) -> None:
        """Half-way through the heavy runs, the other user (another tab) downloads the PDF brief."""
        while len(report.heavy_runs) < report.heavy // 2 and not all(t.done() for t in tasks):
            await asyncio.sleep(0.1)
        try:
            async with Session(server.url, cookies=cookies) as tab:
                await tab.run()
                exporting.set()
                seconds, size = await tab.download(PDF_KEY)
                report.pdf = f"{seconds:.1f} s, {size / 1000:,.0f} kB"
        except (OSError, RunError, KeyError) as error:
            report.pdf = f"failed: {type(error).__name__}: {error}"
            report.errors.append(f"the PDF export failed: {error}")
        finally:
            exporting.clear()

    cookies = server.cookies(BOB)
    async with Session(server.url, cookies=cookies) as user:
        await user.run()
        for _ in range(idle_moves + 2):
            report.idle.append((await user.move(KEY)).seconds)
            await asyncio.sleep(0.5)
        del report.idle[:2]  # warm-up moves
        report.memory_idle = family_memory(server.pid)
        with MemoryPeak(server.pid) as peak:
            tasks = [asyncio.create_task(one(i)) for i in range(report.heavy)]
            exporter = asyncio.create_task(export(cookies))
            done_peak: MemoryPeak | None = None  # from the export's end while the heavy runs go on
            while not all(t.done() for t in tasks):
                if done_peak is None and exporter.done():
                    done_peak = MemoryPeak(server.pid).__enter__()
                during_export = exporting.is_set()
                try:
                    seconds = (await user.move(KEY)).seconds
                except RunError as error:
                    report.errors.append(f"the other user's rerun failed: {error}")
                else:
                    (report.loaded_export if during_export or exporting.is_set() else report.loaded).append(
                        seconds
                    )
                await asyncio.sleep(1.0)
            await asyncio.gather(*tasks)
            await exporter
            if done_peak is not None:
                done_peak.__exit__()
                report.memory_export_done = done_peak.peak
        report.memory_peak = peak.peak


def run_heavy(heavy: int, idle_moves: int, rounds: int, log: Callable[[str], None]) -> HeavyReport | str:
    log(f"heavy     {heavy} users × 10^6 Monte Carlo draws, another user moving a slider, a PDF export")
    report = HeavyReport(heavy)
    try:
        with accounts_server([BOB, *(heavy_user(i) for i in range(heavy))]) as server:
            try:
                warm_up(server.url, cookies=server.cookies(BOB))
                asyncio.run(_heavy(server, report, idle_moves))
                if rounds > 0:
                    with MemoryPeak(server.pid) as peak:
                        report.fair = run_fair(server, rounds, log)
                    report.fair_peak = peak.peak
                report.memory_after = family_memory(server.pid)
            finally:
                log_text = server.log_text()
                if "Traceback" in log_text:
                    at = log_text.index("Traceback")
                    SERVER_PROBLEMS.append(
                        f"the heavy-work server logged a traceback:\n{log_text[at : at + 1500]}"
                    )
    except Exception as error:  # noqa: BLE001
        if os.environ.get("BENCH_DEBUG"):
            traceback.print_exc()
        return f"failed: {type(error).__name__}: {error}"
    return report


def print_heavy(report: HeavyReport | str | None) -> list[tuple[str, str, bool | None]]:
    if report is None:
        return []
    print()
    if isinstance(report, str):
        print(f"Heavy work: {report}")
        return [("heavy work: another user's rerun ≤ 2× idle", report[:40], None)]
    idle, loaded = median(report.idle), median(report.loaded)
    r = ratio(loaded, idle)
    ms = lambda v: "—" if v is None else f"{v * 1000:,.0f} ms"  # noqa: E731
    mib = lambda v: "—" if v is None else f"{v:,.0f} MiB"  # noqa: E731
    print(
        f"Heavy work (accounts on): {report.heavy} users each asking for 10^6 Monte Carlo draws at once "
        "(own seeds, one run each: all queued), while another user moves the learners slider on the "
        "Executive summary every second and, half-way, downloads the PDF brief from another tab"
    )
    print(
        f"  the other user's rerun: median {ms(idle)} alone, {ms(loaded)} during (×{r:.2f}; max "
        f"{ms(max(report.loaded, default=None))}, {len(report.loaded)} reruns; {len(report.loaded_export)} more "
        f"while the PDF was made, median {ms(median(report.loaded_export))}) · heavy runs finished "
        f"{len(report.heavy_runs)} of {report.heavy}, {report.refused} refused (median "
        f"{ms(median(report.heavy_runs))}, last {ms(max(report.heavy_runs, default=None))}, waiting included) · "
        f"PDF brief {report.pdf} · errors {len(report.errors)}"
        if r is not None
        else "  not measured"
    )

    def memory(m: Memory | None) -> str:
        if m is None:
            return "—"
        pss = "" if m.pss is None else f", PSS {m.pss:,.0f}"
        return f"{m.rss:,.0f} MiB ({m.names()}{pss})"

    print(
        f"  replica memory (the server and every process it started, VmRSS summed, MiB; by process "
        f"RSS/PSS; bound "
        f"{MEMORY_BOUND / 2**20:,.0f} MiB = 1 GB): idle {memory(report.memory_idle)} → peak "
        f"{memory(report.memory_peak)} during the {report.heavy} heavy runs and the PDF export → peak "
        f"{memory(report.memory_export_done)} once the export was done, the heavy runs going on → peak "
        f"{memory(report.fair_peak)} during the floods below → after {memory(report.memory_after)}"
    )
    if report.fair:
        print("Fair heavy work (issue 26): another user's run (a learners move on the Monte Carlo page at "
              "10^6 draws) alone, then while one owner floods the queue; interleaved rounds")  # fmt: skip
        print("\n".join(fair_lines(report.fair)))
    for message in sorted(set(report.errors))[:5]:
        print(f"  ! {message}")
    # issue 26: "a replica's memory with the export done and 12 heavy runs stays under 1 GB" (the
    # export's own Chromium, while it draws, is printed above and in docs/deployment.md)
    peaks = [m.rss for m in (report.memory_export_done, report.fair_peak) if m is not None]
    peak = max(peaks, default=None) if report.memory_export_done is not None else None
    during = None if report.memory_peak is None else report.memory_peak.rss
    results: list[tuple[str, str, bool | None]] = [
        ("heavy work: 12 users at once: another user's median rerun ≤ 2× idle", "—" if r is None else f"×{r:.2f}",
         None if r is None else r <= 2.0),
        (f"heavy work: replica memory < 1 GB with the PDF export done and {report.heavy} heavy runs going on",
         f"peak {mib(peak)} (while the brief was drawn: {mib(during)}), idle {mib(report.rss_before)}",
         None if peak is None else peak * 2**20 < MEMORY_BOUND and not report.errors),
    ]  # fmt: skip
    for fair in report.fair:
        x = fair.ratio
        figure = "—" if x is None else (
            f"×{x:.2f} ({median(fair.loaded):.2f} s / {median(fair.idle):.2f} s idle; worst ×{fair.worst:.2f})"
        )  # fmt: skip
        met = None if x is None else x <= FAIR_LIMIT and not fair.errors
        results.append(
            (f"heavy work: {fair.flood.name}: another user's run ≤ {FAIR_LIMIT:g}× idle", figure, met)
        )
    return results


def monte_carlo_seconds() -> float:
    from calculators.scenario import Scenario
    from calculators.simulation import monte_carlo

    scenario = Scenario()
    monte_carlo(scenario, 1_000, seed=1)  # warm-up
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        monte_carlo(scenario, 100_000, seed=1)
        best = min(best, time.perf_counter() - start)
    return best


# --------------------------------------------------------------------------- printing


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f} ms"


def _x(r: float | None) -> str:
    return "" if r is None else f"×{r:.2f}"


def print_costs(targets: list[Target]) -> None:
    """What each first load cost the browser (issue 9, item 5): measured, no target."""
    measured = [t for t in targets if t.cost]
    if not measured:
        return
    print()
    print(
        f"What the browser is sent and draws on opening ({VIEWPORT['width']}×{VIEWPORT['height']}, a fresh context)"
    )
    head = (
        f"{'':24} | {'scripts':>8} {'decoded':>9} {'styles':>7} {'websocket':>10} | "
        f"{'elements':>8} {'above fold':>10} | {'answer at':>9} {'1st chart at':>12}"
    )
    print(head)
    print("-" * len(head))
    for t in measured:
        c = t.cost
        px = lambda v: "—" if v is None or v < 0 else f"{v:,.0f} px"  # noqa: E731
        print(
            f"{t.label[:24]:24} | {c['js_kb']:>6,.0f} kB {c['js_decoded_kb']:>6,.0f} kB {c['css_kb']:>4,.0f} kB "
            f"{c['ws_kb']:>7,.0f} kB | {c['elements']:>8,} {c['above_fold']:>10,} | {px(c['answer_y']):>9} "
            f"{px(c['chart_y']):>12}"
        )
    print("-" * len(head))
    print(
        "scripts / styles: bytes on the wire (decoded: unpacked); websocket: what the server sent during the "
        "first load; elements: Streamlit elements drawn in the main area (above fold: starting within the "
        "window); answer at: the first tile, headline or bold sentence; 1st chart at: the first chart's top."
    )


def print_table(targets: list[Target], loads_info: str) -> list[tuple[str, str, bool | None]]:
    """The table (one row per floor and page) and the list of targets: (what, figure, met)."""
    floor1 = next((t for t in targets if t.name == "floor-1"), None)
    floor3 = next((t for t in targets if t.name == "floor-3"), None)

    def med_s(t: Target | None) -> float | None:
        return None if t is None or not t.rerun else median(t.rerun) * 1000

    f1_rerun, f3_rerun = med_s(floor1), med_s(floor3)
    f3_open = median(floor3.open_ms) if floor3 else None
    f3_redraw = median(floor3.redraw_ms) if floor3 else None
    header = (
        f"{'':24} | {'server rerun after a slider change (AppTest)':^45} | "
        f"{'slider key → chart redrawn':^28} | {'open → first chart drawn':^28}"
    )
    sub = (
        f"{'':24} | {'median':>9} {'min':>8} {'/f-1':>6} {'/f-3':>6} {'≤2×':>5}  | "
        f"{'median':>10} {'/f-3':>7} {'≤1.3×':>6}  | {'median':>10} {'/f-3':>7} {'≤1.1×':>6} "
    )
    print(header)
    print(sub)
    print("-" * len(sub))
    results: list[tuple[str, str, bool | None]] = []
    for t in targets:
        rerun = med_s(t)
        rerun_min = min(t.rerun) * 1000 if t.rerun else None
        r_rerun = ratio(rerun, f3_rerun)
        redraw, open_ = median(t.redraw_ms), median(t.open_ms)
        r_redraw, r_open = ratio(redraw, f3_redraw), ratio(open_, f3_open)
        dagger_redraw = "†" if t.redraw_fallback else " "
        dagger_open = "†" if t.open_fallback else " "
        floor = t.name.startswith("floor")
        if t.open_fallback:  # no chart: "open → first chart" does not apply
            r_open = None
        row = (
            f"{t.label[:24]:24} | {_ms(rerun):>9} {_ms(rerun_min):>8} {_x(ratio(rerun, f1_rerun)):>6} "
            f"{_x(r_rerun):>6} {'' if floor else verdict(r_rerun, TARGETS['rerun']):>5}  | "
            f"{_ms(redraw):>9}{dagger_redraw} {_x(r_redraw):>7} {'' if floor else verdict(r_redraw, TARGETS['redraw']):>6}  | "
            f"{_ms(open_):>9}{dagger_open} {_x(r_open):>7} "
            f"{'' if floor else 'n/a' if t.open_fallback else verdict(r_open, TARGETS['open']):>6}"
        )
        print(row)
        if not floor:
            checks = [
                ("server rerun", r_rerun, TARGETS["rerun"]),
                ("slider → redraw", r_redraw, TARGETS["redraw"]),
            ]
            if not t.open_fallback:
                checks.append(("open → first chart", r_open, TARGETS["open"]))
            for what, r, limit in checks:
                met = None if r is None else r <= limit
                results.append((f"{t.label}: {what} ≤ {limit:g}× floor-3", _x(r) or "—", met))
    print("-" * len(sub))
    print(
        "Medians (ms). /f-1, /f-3: ratio to floor-1, floor-3. "
        f"{loads_info}. † the page's first chart did not change or it has no chart: "
        "the time until the rerun (or first run) finished instead (n/a: no chart to open to)."
    )
    for t in targets:
        for note in dict.fromkeys(t.notes):
            print(f"  ! {t.label}: {note}")
    print_costs(targets)
    for problem in SERVER_PROBLEMS:
        print(f"  ! {problem}")
    return results


def print_load(reports: dict[str, LoadReport | str], sessions: int) -> list[tuple[str, str, bool | None]]:
    results: list[tuple[str, str, bool | None]] = []
    if not reports:
        return results
    print()
    print(f"Concurrency: {sessions} websocket sessions, each moving the learners slider every 2 s")
    print(
        f"{'':24} | {'reruns':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6} | "
        f"{'RSS before':>10} {'peak':>8} {'after':>8} {'closed':>8} | {'server CPU':>10}"
    )
    for name, report in reports.items():
        if isinstance(report, str):
            print(f"{name:24} | {report}")
            if name != "floor-3":
                results.append((f"{name}: {sessions} sessions, p95 ≤ 1 s", report[:40], None))
            continue

        def s(v: float | None) -> str:
            return "—" if v is None else f"{v * 1000:,.0f} ms"

        def mib(v: float | None) -> str:
            return "—" if v is None else f"{v:,.0f} MiB"

        print(
            f"{name:24} | {len(report.latencies):>6} {s(report.p(50)):>8} {s(report.p(95)):>8} "
            f"{s(report.p(99)):>8} {s(max(report.latencies, default=None)):>8} {len(report.errors):>6} | "
            f"{mib(report.rss_before):>10} {mib(report.rss_peak):>8} {mib(report.rss_after):>8} "
            f"{mib(report.rss_after_close):>8} | "
            f"{'—' if report.server_cores is None else f'{report.server_cores:.2f} cores':>10}"
        )
        for message in sorted(set(report.errors))[:5]:
            print(f"  ! {name}: ×{report.errors.count(message)} {message}")
        if name != "floor-3":
            p95 = report.p(95)
            met = None if p95 is None else (p95 <= LOAD_P95_TARGET and not report.errors)
            label = f"{name}: {report.sessions} sessions, p95 ≤ {LOAD_P95_TARGET:g} s, no errors"
            results.append((label, s(p95) + f", {len(report.errors)} errors", met))
    print(
        "Latency = rerun BackMsg sent → script_finished received (server and wire, no drawing); "
        "p = nearest rank; RSS of the server process (VmRSS); server CPU = its CPU seconds per "
        "second of the window (its scripts share one Python process and its GIL)."
    )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repetitions; without --pages, the browser on the floors and the main page only",
    )
    parser.add_argument("--pages", nargs="*", help="URL paths of the pages to measure (default: all)")
    parser.add_argument("--sessions", type=int, help="concurrent websocket sessions (default 25, quick 10)")
    parser.add_argument("--seconds", type=float, help="seconds of slider moves (default 30, quick 10)")
    parser.add_argument("--loads", type=int, help="fresh browser loads per page (default 5, quick 1)")
    parser.add_argument("--presses", type=int, help="timed key presses per page (default 6, quick 3)")
    parser.add_argument("--no-apptest", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument(
        "--heavy",
        type=int,
        default=None,
        help="sessions asking for 10^6 draws at once (12; --quick 4; 0: none)",
    )
    parser.add_argument(
        "--no-concurrency", action="store_true", help="skip the 25-session load (keep --heavy)"
    )
    parser.add_argument(
        "--heavy-only",
        action="store_true",
        help="heavy work only: the 12 users' runs, the replica's memory and the fair-queue floods",
    )
    parser.add_argument(
        "--rounds", type=int, help="rounds of each fair-queue flood (default 3, quick 2; 0: none)"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    if args.heavy_only:
        args.no_apptest = args.no_browser = args.no_concurrency = True
        args.no_load = False
    rounds = args.rounds if args.rounds is not None else (2 if quick else 3)
    reps, warmup = (3, 1) if quick else (21, 5)
    loads = args.loads or (1 if quick else 5)
    presses = args.presses or (3 if quick else 6)
    sessions = args.sessions or (10 if quick else 25)
    seconds = args.seconds if args.seconds is not None else (10.0 if quick else 30.0)

    all_pages = page_files()
    names = [Path(f).stem for f in all_pages]
    wanted = args.pages if args.pages is not None else names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    targets = [Target(name, script) for name, script in FLOORS.items()]
    for file, name in zip(all_pages, names, strict=True):
        if name in wanted:
            url_path = "" if name == DEFAULT_PAGE else name
            targets.append(Target(name, APP, page_file=file, url_path=url_path))

    started = time.monotonic()
    load_start = os.getloadavg()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    if not args.no_apptest:
        measure_apptest(targets, reps, warmup, log)
    chromium = "not run"
    if not args.no_browser:
        in_browser = [
            t
            for t in targets
            if not quick or args.pages is not None or t.name.startswith("floor") or t.name == DEFAULT_PAGE
        ]  # --quick alone: the floors and the main page
        if not Path(CHROMIUM).exists():
            chromium = f"{CHROMIUM} missing: apt-get install -y chromium"
        else:
            chromium = run_browser(in_browser, loads, presses, log)
    reports: dict[str, LoadReport | str] = {}
    if not args.no_load and not args.no_concurrency:
        scripts = (
            {"Executive summary": APP} if quick else {"Executive summary": APP, "floor-3": FLOORS["floor-3"]}
        )
        reports = run_concurrency(scripts, sessions, seconds, log)
    heavy_sessions = args.heavy if args.heavy is not None else (4 if quick else 12)
    heavy = (
        None
        if args.no_load or heavy_sessions <= 0
        else run_heavy(heavy_sessions, 3 if quick else 8, rounds, log)
    )
    mc = None
    if not args.heavy_only:
        log("Monte Carlo")
        mc = monte_carlo_seconds()

    import streamlit

    print()
    print(
        f"Speed benchmark, {dt.datetime.now().isoformat(timespec='seconds')} · {platform.node()} · "
        f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable) · load average at start "
        f"{load_start[0]:.2f} / {load_start[1]:.2f} / {load_start[2]:.2f}, at end "
        f"{'{:.2f} / {:.2f} / {:.2f}'.format(*os.getloadavg())}"
    )
    print(
        f"Python {platform.python_version()} · Streamlit {streamlit.__version__} · Chromium {chromium} · "
        f"{'quick' if quick else 'full'} run in {time.monotonic() - started:.0f} s"
    )
    print()
    loads_info = (
        f"Rerun: {reps} after {warmup} warm-up; browser: {loads} fresh load(s), "
        f"{presses} key presses after 1 warm-up{'; browser on floors and the main page only' if quick and args.pages is None else ''}"
    )
    results = [] if args.heavy_only else print_table(targets, loads_info)
    results += print_load(reports, sessions)
    results += print_heavy(heavy)
    print()
    if mc is not None:
        met_mc = mc <= MONTE_CARLO_TARGET
        results.append(
            (f"10^5 Monte Carlo draws of the full model ≤ {MONTE_CARLO_TARGET:g} s", f"{mc:.3f} s", met_mc)
        )
        print(f"Monte Carlo: 10^5 draws of the full model in {mc:.3f} s (best of 3; target ≤ 0.1 s)")
        print()
    print_targets(results)


def print_targets(results: list[tuple[str, str, bool | None]]) -> None:
    """The final table: every target with its figure, then the count and the misses."""
    met = sum(1 for *_, m in results if m)
    missed = [r for r in results if r[2] is False]
    unmeasured = sum(1 for *_, m in results if m is None)
    width = max((len(what) for what, *_ in results), default=0)
    for what, figure, ok in results:
        print(f"  {'met' if ok else '—' if ok is None else 'NOT MET':7} {what:{width}}  {figure}")
    print(f"Targets: {met} met, {len(missed)} not met, {unmeasured} not measured")
    for what, figure, _ in missed:
        print(f"  not met: {what} ({figure})")


if __name__ == "__main__":
    main()
