"""Tests for the speed benchmark's tools: the floor apps, the websocket driver, the timers.

The benchmark itself lives in `scripts/` (`benchmark_speed.py`, `ws_load.py`,
`floor_apps/`); these tests run with the suite. They check what the benchmark relies on (the floors have the promised shape and react to
the slider; a websocket session really moves the slider; the browser timers see a chart
draw and redraw), never how fast anything is.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.proto.Slider_pb2 import Slider
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.benchmark_speed import (  # noqa: E402
    APP,
    FLOORS,
    OWN_SCENARIO_FIELD,
    Target,
    measure_apptest,
    measure_browser,
    open_apptest,
    page_has_chart,
)
from scripts.server import streamlit_server  # noqa: E402
from scripts.ws_load import Session, SliderWidget, percentile, run_load  # noqa: E402

FLOOR1 = str(ROOT / FLOORS["floor-1"])
FLOOR3 = str(ROOT / FLOORS["floor-3"])


def in_own_thread(test):  # type: ignore[no-untyped-def]
    """Run a test in a thread of its own: the benchmark's tools start their own event loop
    (`asyncio.run`, Playwright's sync API), which cannot run inside the one that
    pytest-playwright keeps in the main thread once a browser test has run."""

    @functools.wraps(test)
    def run(*args, **kwargs):  # type: ignore[no-untyped-def]
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(test, *args, **kwargs).result()

    return run


def traces(at: AppTest) -> list[int]:
    return [len(json.loads(c.proto.spec)["data"]) for c in at.get("plotly_chart")]


# ----------------------------------------------------------------------------- floors


def test_floor1_is_one_slider_and_one_two_line_chart():
    at = AppTest.from_file(FLOOR1).run()
    assert not at.exception
    assert [s.key for s in at.sidebar.slider] == ["sb_learners"]
    assert traces(at) == [2]


def test_floor3_is_the_summary_skeleton():
    at = AppTest.from_file(FLOOR3).run()
    assert not at.exception
    assert len(at.sidebar.slider) == 27
    assert at.sidebar.slider[0].key == "sb_learners"
    assert len(at.metric) == 8
    assert traces(at) == [2, 2, 2]


@pytest.mark.parametrize("floor", [FLOOR1, FLOOR3])
def test_floor_charts_follow_the_learners_slider(floor):
    at = AppTest.from_file(floor).run()
    before = [c.proto.spec for c in at.get("plotly_chart")]
    at.sidebar.slider(key="sb_learners").set_value(5_000).run()
    after = [c.proto.spec for c in at.get("plotly_chart")]
    assert before[0] != after[0], "the first chart must redraw on a slider move"


# ----------------------------------------------------------------------------- driver pieces


def test_percentile_is_nearest_rank():
    values = [0.5, 0.1, 0.4, 0.2, 0.3]
    assert percentile(values, 50) == 0.3
    assert percentile(values, 100) == 0.5
    assert percentile(values, 1) == 0.1


def slider_proto(**fields) -> Slider:
    return Slider(id="$$ID-abc-sb_learners", min=0, max=100, step=50, **fields)


def test_slider_steps_right_and_turns_back_at_the_end():
    widget = SliderWidget.from_proto(slider_proto(default=[50]))
    values = [widget.step().double_array_value.data[0] for _ in range(4)]
    assert values == [100, 50, 0, 50]


def test_select_slider_sends_the_option_label_and_reads_a_value_set_by_key():
    proto = slider_proto(type=Slider.Type.SELECT_SLIDER, default=[0], options=["1", "10", "100"])
    proto.max, proto.step, proto.set_value = 2, 1, True
    proto.raw_value.append("10")  # what Streamlit sends when session state set the value
    widget = SliderWidget.from_proto(proto)
    assert widget.value == 1
    assert list(widget.step().string_array_value.data) == ["100"]
    assert list(widget.step().string_array_value.data) == ["10"]


# ----------------------------------------------------------------------------- live server


@pytest.fixture(scope="module")
def floor1_server():
    with streamlit_server(FLOORS["floor-1"]) as server:
        yield server


@in_own_thread
def test_a_websocket_session_moves_the_slider(floor1_server):
    async def visit() -> tuple[float, float, int]:
        async with Session(floor1_server.url) as session:
            first = await session.run()
            start = session.slider("sb_learners").value
            await session.move("sb_learners")
            return start, session.slider("sb_learners").value, first.exceptions

    start, moved, exceptions = asyncio.run(visit())
    assert exceptions == 0
    assert abs(moved - start) == 50  # one step of floor 1's slider
    assert page_has_chart(floor1_server.url, "")


@in_own_thread
def test_run_load_reports_latencies_and_memory(floor1_server):
    report = run_load(floor1_server.url, sessions=2, seconds=3, interval=1, pid=floor1_server.pid, settle=0)
    assert report.errors == []
    assert report.connected == 2
    assert len(report.latencies) >= 2 and all(x > 0 for x in report.latencies)
    assert report.rss_before and report.rss_peak and report.rss_peak >= report.rss_before
    assert "p95" in report.summary()


@in_own_thread
def test_a_page_without_the_slider_is_an_error_not_a_crash(floor1_server):
    report = run_load(floor1_server.url, sessions=1, seconds=1, key="no_such_slider", settle=0)
    assert report.latencies == []
    assert len(report.errors) == 1 and "no slider with key 'no_such_slider'" in report.errors[0]


def test_apptest_timer_moves_the_slider_every_rerun_in_interleaved_rounds():
    floor = Target("floor-1", FLOORS["floor-1"])
    page = Target("costs", APP, page_file="pages/costs.py", url_path="costs")
    logged: list[str] = []
    measure_apptest([floor, page], reps=3, warmup=1, log=logged.append)
    for target in (floor, page):
        assert target.notes == []
        assert len(target.rerun) == 3 and all(x > 0 for x in target.rerun)
    assert any("3 rounds" in line for line in logged)


def test_each_page_is_timed_on_a_scenario_of_its_own():
    from calculators.scenario import INPUTS

    page = Target("costs", APP, page_file="pages/costs.py", url_path="costs")
    at = open_apptest(page, 7, warmup=0)
    assert at is not None and page.notes == []
    default = INPUTS[OWN_SCENARIO_FIELD].default
    assert getattr(at.session_state["scenario"], OWN_SCENARIO_FIELD) == default + 7


@pytest.mark.browser
@in_own_thread
def test_browser_timers_see_the_chart_drawn_and_redrawn(floor1_server):
    sync_api = pytest.importorskip("playwright.sync_api")

    from scripts.benchmark_speed import CHROMIUM, CHROMIUM_ARGS

    target = Target("floor-1", FLOORS["floor-1"])
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            measure_browser(browser, floor1_server.url, target, loads=1, presses=2)
        finally:
            browser.close()
    assert target.notes == []
    assert len(target.open_ms) == 1 and target.open_ms[0] > 0 and not target.open_fallback
    assert len(target.redraw_ms) == 2 and all(x > 0 for x in target.redraw_ms)
    assert target.redraw_fallback == 0, "floor 1's chart changes with the slider: a real redraw"
    cost = target.cost  # what the first load cost the browser
    assert cost["js_kb"] > 1_000 and cost["css_kb"] > 0  # Streamlit's bundle, Plotly's included
    assert cost["ws_kb"] > 1 and cost["elements"] == cost["above_fold"] == 1  # one chart, in view
    assert 0 < cost["chart_y"] < 1_000 and cost["answer_y"] == -1  # floor 1 has no tile or headline


@in_own_thread
def test_a_session_moves_the_apps_stepped_learners_slider_on_a_chosen_page():
    """The app's learners slider is a select slider (ten steps a decade): 1,000 → 1,250,
    which the app writes back to the address bar; the rerun stays on the chosen page."""

    async def visit(url: str) -> tuple[str, str, str]:
        async with Session(url, "roi") as session:
            await session.run()
            first_page = session.page_hash
            await session.move("sb_learners")
            return first_page, session.page_hash, session.query

    with streamlit_server("app.py") as server:
        first_page, page_after, query = asyncio.run(visit(server.url))
        default_page = asyncio.run(_page_hash(server.url, ""))
    assert "learners=1250" in query.split("&")
    assert first_page == page_after != default_page


async def _page_hash(url: str, page: str) -> str:
    async with Session(url, page) as session:
        await session.run()
        return session.page_hash


# ----------------------------------------------------------------------------- heavy work (issue 26)


def test_the_replica_memory_sums_a_process_and_its_children():
    import os
    import subprocess

    from scripts.heavy_fair import family_memory

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alone_of_child = family_memory(child.pid)
        memory = family_memory(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert memory is not None and alone_of_child is not None
    assert memory.rss >= alone_of_child.rss > 0  # this process and its child, counted together
    assert sum(memory.by_name.values()) == pytest.approx(memory.rss)


def test_the_heavy_work_lines_reach_the_final_target_table(capsys):
    from scripts.benchmark_speed import HeavyReport, print_heavy, print_targets
    from scripts.heavy_fair import FLOODS, FairReport, Memory

    report = HeavyReport(12, idle=[0.05, 0.05], loaded=[0.06, 0.07], heavy_runs=[1.5] * 12)
    report.memory_idle = Memory(210.0, 160.0, {"server": 210.0})
    report.memory_peak = Memory(1100.0, 900.0, {"server": 400.0, "worker": 350.0, "chromium": 350.0})
    report.memory_export_done = Memory(700.0, 500.0, {"server": 300.0, "worker": 250.0, "chromium": 150.0})
    report.fair = [
        FairReport(FLOODS[0], idle=[1.5, 1.7], loaded=[2.0, 2.4]),
        FairReport(FLOODS[1], idle=[1.5]),
    ]
    results = print_heavy(report)
    print_targets(results)
    table = {what: (figure, met) for what, figure, met in results}
    assert table["heavy work: one user, 12 tabs: another user's run ≤ 2× idle"] == (
        "×1.38 (2.20 s / 1.60 s idle; worst ×1.50)",
        True,
    )
    assert table["heavy work: 20 requests from one client link: another user's run ≤ 2× idle"] == ("—", None)
    memory = next(v for k, v in table.items() if "replica memory" in k)
    assert memory == ("peak 700 MiB (while the brief was drawn: 1,100 MiB), idle 210 MiB", True)
    out = capsys.readouterr().out
    assert "met     heavy work: one user, 12 tabs" in out and "chromium 150" in out
