"""Heavy work bounded and shared fairly: one large run at a time server-wide, in turn by user, at
most one per session and two per user or client link, runs nobody waits for stopped, results
within a budget."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import Future
from typing import Any

import pytest

from calculators.information_value import summary_and_value, value_of_information
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from components.session.requester import Requester
from components.work import heavy_runs, simulation_cache
from components.work.heavy_runs import BoundedResults, Cancelled, HeavyQueue, TooMany, Worker


def test_results_stay_within_their_byte_budget_most_recent_first():
    cache = BoundedResults(max_bytes=250)
    for key in "abcd":
        cache.put(key, key.upper(), 100)
    assert cache.bytes <= 250
    assert cache.get("a") is None and cache.get("b") is None
    assert cache.get("c") == "C" and cache.get("d") == "D"
    cache.put("huge", "X", 1_000)  # larger than the budget: not kept, nothing else lost
    assert cache.get("huge") is None and cache.get("d") == "D"


def _counting(monkeypatch, alive=None) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Fresh heavy results and queue (the real worker), and every job handed to the worker
    process recorded: queued runs (`start`) and direct ones (`run`)."""
    monkeypatch.setattr(simulation_cache, "RESULTS", BoundedResults(simulation_cache.HEAVY_BUDGET_BYTES))
    fresh = HeavyQueue(
        simulation_cache.WORKER,
        per_owner=simulation_cache.HEAVY_PER_OWNER,
        alive=alive,
        keep=simulation_cache._keep,
        kept=lambda key: simulation_cache.RESULTS.get(key),
    )
    monkeypatch.setattr(simulation_cache, "QUEUE", fresh)
    jobs: list[tuple] = []
    run, start = simulation_cache.WORKER.run, simulation_cache.WORKER.start

    def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        jobs.append((fn.__name__, *args[1:4]))
        return run(fn, *args, **kwargs)

    def started(fn, args, kwargs, on_progress):  # type: ignore[no-untyped-def]
        jobs.append((fn.__name__, *args[1:4]))
        return start(fn, args, kwargs, on_progress)

    monkeypatch.setattr(simulation_cache.WORKER, "run", counted)
    monkeypatch.setattr(simulation_cache.WORKER, "start", started)
    return jobs


def test_a_large_run_is_drawn_once_in_the_worker_and_equals_the_plain_simulation(monkeypatch):
    """A payback target or another option shown re-reads the run's summary; it never redraws."""
    jobs = _counting(monkeypatch)
    seen: list[float] = []
    first = simulation_cache.run_summary(Scenario(), 150_000, 5, "triangular", {}, progress=seen.append)
    again = simulation_cache.run_summary(Scenario(), 150_000, 5, "triangular", {})
    value = simulation_cache.heavy_value(Scenario(), 150_000, 5, "triangular", {})
    assert again is first and jobs == [("summary_and_value", 150_000, 5, "triangular")]
    assert seen == [100_000 / 150_000, 1.0]  # told after each chunk, in order, from the other process
    plain = monte_carlo(Scenario(), 150_000, 5, "triangular", {}).summary()
    assert first == plain  # the same draws, summarised alike (every percentile, chance and step)
    # what finding out is worth came with the run: its first 10^5 draws, as the page shows at 10^5
    assert value == value_of_information(Scenario(), 100_000, 5, "triangular", {})


def test_the_value_beside_a_heavy_run_pushed_out_of_the_kept_results_is_worked_out_again(monkeypatch):
    jobs = _counting(monkeypatch)
    value = simulation_cache.heavy_value(Scenario(), 400_000, 8, "PERT", {})
    assert jobs == [("value_of_information", 100_000, 8, "PERT")]
    assert value == value_of_information(Scenario(), 100_000, 8, "PERT", {})


def test_a_run_up_to_a_hundred_thousand_draws_stays_in_the_server(monkeypatch):
    jobs = _counting(monkeypatch)
    summary = simulation_cache.run_summary(Scenario(), 100_000, 5, "triangular", {})
    assert jobs == [] and summary.draws == 100_000


def test_the_worker_is_another_process_and_hands_back_errors():
    worker = Worker()
    try:
        assert worker.run(os.getpid) != os.getpid()
        assert worker.pids and worker.pids[0] != os.getpid()
        with pytest.raises(ValueError, match="invalid literal"):
            worker.run(int, "twelve")  # the function's own error, raised here
    finally:
        worker.shutdown()


def test_a_caller_who_stops_waiting_still_gets_the_run_kept_and_sees_no_other_runs_progress():
    """A user who leaves mid-run (Streamlit stops the script at the next progress update):
    the run still ends in the worker and is kept; the next caller is told only its own progress."""
    worker = Worker()
    kept: list[object] = []

    class Left(Exception):
        pass

    def leave(fraction: float) -> None:
        raise Left

    try:
        with pytest.raises(Left):
            worker.run(summary_and_value, Scenario(), 300_000, 1, progress=leave, on_result=kept.append)
        seen: list[float] = []
        worker.run(summary_and_value, Scenario(), 200_000, 2, progress=seen.append)
        assert seen == [0.5, 1.0]
        assert len(kept) == 1 and kept[0][0] == monte_carlo(Scenario(), 300_000, 1).summary()
    finally:
        worker.shutdown()


def test_a_session_interrupted_mid_run_that_asks_again_joins_its_run(monkeypatch):
    """A rerun (a payback target moved while the million is drawn: Streamlit stops the script
    at its next progress update) asks for the same run again: it joins the run being drawn,
    told "already running", and nothing is drawn twice; the run ends and is kept."""
    jobs = _counting(monkeypatch)
    tab = Requester("tab", "ada")

    class Left(Exception):
        pass

    def leave(fraction: float) -> None:
        raise Left

    with pytest.raises(Left):
        simulation_cache.run_summary(Scenario(), 400_000, 31, "triangular", {}, progress=leave, who=tab)
    joined: list[int] = []
    again = simulation_cache.run_summary(
        Scenario(), 400_000, 31, "triangular", {}, on_join=lambda: joined.append(1), who=tab
    )
    assert joined == [1] and len(jobs) == 1 and simulation_cache.QUEUE.started == 1
    assert again == monte_carlo(Scenario(), 400_000, 31, "triangular", {}).summary()
    assert simulation_cache.RESULTS.get(simulation_cache._key(Scenario(), 400_000, 31, "triangular", {}))


def test_a_worker_that_dies_is_replaced_and_the_run_is_still_answered():
    worker = Worker()
    try:
        first = worker.run(os.getpid)
        assert worker.pids == [first]
        os.kill(first, signal.SIGKILL)
        assert worker.run(divmod, 7, 2) == (3, 1)  # answered (here, or by a new process)
        assert worker.run(os.getpid) not in (first, os.getpid())  # a new process serves the next run
    finally:
        worker.shutdown()


def test_the_worker_imports_neither_streamlit_nor_the_app():
    """The worker is a fresh interpreter: its memory is the calculators', not the server's."""
    worker = Worker()
    try:
        loaded = worker.run(eval, "sorted(__import__('sys').modules)")
        assert "calculators.simulation" not in loaded  # nothing until a job needs it
        worker.run(summary_and_value, Scenario(), 1_000, 1)
        loaded = worker.run(eval, "sorted(__import__('sys').modules)")
        assert "calculators.simulation" in loaded
        assert not any(m == "streamlit" or m.startswith("streamlit.") for m in loaded)
        assert "__mp_main__" not in loaded and "app" not in loaded
    finally:
        worker.shutdown()


def test_the_worker_trims_freed_memory_after_each_job(monkeypatch):
    """After a job the worker gives the run's freed working arrays back to the system (glibc
    malloc_trim), whether the job succeeded or not; errors travel back to be raised."""
    trims: list[int] = []
    said: list[tuple] = []
    monkeypatch.setattr(heavy_runs, "release_freed_memory", lambda: trims.append(1))
    heavy_runs._job(1, divmod, (7, 2), {}, False, said.append)
    heavy_runs._job(2, divmod, (7, 0), {}, False, said.append)
    assert trims == [1, 1]
    assert said[0] == ("done", 1, (3, 1)) and said[1][:2] == ("error", 2)
    assert isinstance(said[1][2], ZeroDivisionError)


def test_a_result_that_cannot_travel_back_is_an_error_and_the_worker_goes_on():
    worker = Worker()
    try:
        with pytest.raises(RuntimeError, match="could not send its done back"):
            worker.run(eval, "lambda: 1")  # a function made there cannot be pickled back
        first = worker.run(os.getpid)
        assert worker.run(divmod, 9, 4) == (2, 1) and worker.run(os.getpid) == first  # the same process
    finally:
        worker.shutdown()


def test_trimming_freed_memory_is_harmless_anywhere():
    assert heavy_runs.release_freed_memory() is None  # glibc here: trims; elsewhere: does nothing


def test_the_worker_ends_when_its_server_is_killed():
    """No orphans: a server killed outright (kill -9, out of memory) takes its worker with it
    (the worker ends when its request pipe closes)."""
    import subprocess
    import sys
    from pathlib import Path

    server = subprocess.Popen(
        [sys.executable, "-c", "import os, time\nfrom components.work.heavy_runs import Worker\n"
         "print(Worker().run(os.getpid), flush=True)\ntime.sleep(120)"],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        worker_pid = int(server.stdout.readline())  # type: ignore[union-attr]
        assert Path(f"/proc/{worker_pid}").exists()
        server.kill()
        server.wait(10)
        deadline = time.monotonic() + 10
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker_pid)
    finally:
        server.kill()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its exit does not count)."""
    from pathlib import Path

    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_the_worker_gets_no_secrets_from_the_servers_environment(monkeypatch):
    monkeypatch.setenv("TRAINING_ROI_COOKIE_KEY", "a-cookie-key-of-the-server")
    monkeypatch.setenv("TRAINING_ROI_DATABASE_URL", "postgresql://app:pw@db/roi")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t")
    worker = Worker()
    try:
        seen = worker.run(eval, "dict(__import__('os').environ)")
        assert not any(
            k in seen
            for k in ("TRAINING_ROI_COOKIE_KEY", "TRAINING_ROI_DATABASE_URL", "AWS_SECRET_ACCESS_KEY")
        )
        assert seen.get("PATH") == os.environ.get("PATH")  # what a process needs is kept
    finally:
        worker.shutdown()


def test_an_answer_the_server_cannot_read_ends_that_worker_and_the_job_is_answered_here():
    """An answer whose class the server cannot find (here: one defined in the worker's own
    `__main__`) leaves the stream unreadable: that worker is ended, the job answered in the
    server, the next job served by a new worker (no caller waits for ever)."""
    worker = Worker()
    try:
        first = worker.run(os.getpid)
        answer = worker.run(eval, "WorkerGone('made in the worker')")  # eval sees the worker's globals there
        assert isinstance(answer, heavy_runs.WorkerGone)  # made here instead (eval sees this module's)
        assert worker.run(os.getpid) not in (first, os.getpid())
    finally:
        worker.shutdown()


# --- fair heavy work (issue 26): per session, per user or client link, runs nobody waits for ----


class FakeWorker:
    """Stands in for the worker process: records the runs started (by their label, the first
    argument) and the cancels asked; the test draws chunks and ends runs. Like the real worker,
    a run asked to stop ends "cancelled" at its next chunk, unless that chunk is its last."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.cancels: list[str] = []
        self._runs: dict[str, tuple[int, Future[Any], Any]] = {}

    def start(self, fn, args, kwargs, on_progress):  # type: ignore[no-untyped-def]
        label = args[0]
        future: Future[Any] = Future()
        self._runs[label] = (len(self.started), future, on_progress)
        self.started.append(label)
        return len(self.started) - 1, future

    def cancel(self, job: int) -> None:
        self.cancels.extend(label for label, (n, _, _) in self._runs.items() if n == job)

    def chunk(self, label: str, fraction: float) -> None:
        _, future, on_progress = self._runs[label]
        if label in self.cancels and fraction < 1:
            future.set_exception(Cancelled())
        else:
            on_progress(fraction)

    def finish(self, label: str) -> None:
        self._runs[label][1].set_result(f"result of {label}")


def _queue(worker: FakeWorker, **kwargs: Any) -> tuple[HeavyQueue, dict]:
    kept: dict = {}
    return HeavyQueue(worker, keep=kept.__setitem__, kept=kept.get, **kwargs), kept  # type: ignore[arg-type]


def _ask(queue: HeavyQueue, label: str, session: str, owner: str) -> heavy_runs.Ticket:
    return queue.request(label, str.upper, label, session=session, owner=owner)


def test_one_session_asking_twice_gets_one_queued_run():
    """The same run asked again joins it; another run asked by the same tab replaces its
    earlier one (dropped from the queue, or stopped at its next chunk): a tab has one run."""
    worker = FakeWorker()
    queue, _ = _queue(worker)
    _ask(queue, "bob's", "bob-tab", "bob")  # drawing: the tab's runs wait in the queue
    first = _ask(queue, "a", "tab", "ada")
    again = _ask(queue, "a", "tab", "ada")
    assert again.job is first.job and again.joined and not first.joined
    assert queue.owned("ada") == 1
    other = _ask(queue, "b", "tab", "ada")  # the tab moved on to other settings
    assert queue.owned("ada") == 1 and first.job.state == "ended"
    with pytest.raises(Cancelled):
        queue.wait(first)
    worker.finish("bob's")
    assert worker.started == ["bob's", "b"]  # "a" was never drawn
    _ask(queue, "c", "tab", "ada")  # moved on again while "b" draws: "b" stops at its next chunk
    assert worker.cancels == ["b"] and queue.owned("ada") == 1
    worker.chunk("b", 0.2)
    with pytest.raises(Cancelled):
        queue.wait(other)
    assert worker.started == ["bob's", "b", "c"] and queue.cancelled == 2


def test_a_request_beyond_the_users_limit_is_refused_not_queued(monkeypatch):
    """Two runs per user (or client link) queued or running; a third tab's request is refused
    (`TooMany`, the page's note) and nothing is queued for it; other users are not refused."""
    worker = FakeWorker()
    queue, _ = _queue(worker, per_owner=simulation_cache.HEAVY_PER_OWNER)
    monkeypatch.setattr(simulation_cache, "QUEUE", queue)
    monkeypatch.setattr(simulation_cache, "RESULTS", BoundedResults(simulation_cache.HEAVY_BUDGET_BYTES))
    assert simulation_cache.HEAVY_PER_OWNER == 2
    _ask(queue, "one", "tab-1", "ada")
    _ask(queue, "two", "tab-2", "ada")
    with pytest.raises(TooMany) as refused:
        simulation_cache.run_summary(
            Scenario(), 1_000_000, 3, "triangular", {}, who=Requester("tab-3", "ada")
        )
    assert refused.value.limit == 2 and queue.refused == 1 and queue.owned("ada") == 2
    assert worker.started == ["one"]  # the third was not queued
    assert "You already have 2 large simulations running" in simulation_cache.TOO_MANY.format(limit=2)
    _ask(queue, "bob's", "bob-tab", "bob")  # another user is not refused
    worker.finish("one")  # one of hers ended: she may ask again
    _ask(queue, "three", "tab-3", "ada")
    assert queue.owned("ada") == 2


def test_twenty_requests_through_one_client_link_queue_two():
    worker = FakeWorker()
    queue, _ = _queue(worker)
    refused = 0
    for i in range(20):
        try:
            _ask(queue, f"link {i}", f"visitor-{i}", "client-link:AbCdEfGh12")
        except TooMany:
            refused += 1
    assert refused == 18 and queue.owned("client-link:AbCdEfGh12") == 2


def test_another_users_run_is_not_held_up_by_one_users_many_requests():
    """Functional, not timed: one user with 12 tabs (each its own run) and another user asking
    after them: the other user's run is drawn right after the one being drawn, ahead of the
    first user's queued run; the first user's other ten requests were never queued."""
    worker = FakeWorker()
    queue, _ = _queue(worker)
    refused = 0
    for tab in range(12):
        try:
            _ask(queue, f"ada {tab}", f"ada-tab-{tab}", "ada")
        except TooMany:
            refused += 1
    bob = _ask(queue, "bob's", "bob-tab", "bob")
    assert refused == 10 and worker.started == ["ada 0"]
    worker.finish("ada 0")
    assert worker.started == ["ada 0", "bob's"]  # bob's goes before ada's second
    worker.finish("bob's")
    assert queue.wait(bob) == "result of bob's" and worker.started == ["ada 0", "bob's", "ada 1"]


def test_a_run_whose_sessions_are_gone_is_dropped_before_it_starts_and_one_finished_is_kept():
    worker = FakeWorker()
    live = {"ada-tab", "bob-tab", "carl-tab"}
    queue, kept = _queue(worker, alive=live.__contains__)
    _ask(queue, "bob's", "bob-tab", "bob")
    _ask(queue, "ada's", "ada-tab", "ada")
    live.discard("ada-tab")  # she closed the tab while her run waited
    worker.finish("bob's")
    assert worker.started == ["bob's"] and queue.cancelled == 1 and queue.owned("ada") == 0
    # a run whose last chunk is drawn finishes and is kept, even if nobody waits any more
    _ask(queue, "carl's", "carl-tab", "carl")
    worker.chunk("carl's", 1.0)
    _ask(queue, "carl's other", "carl-tab", "carl")  # moved on after the last chunk
    assert worker.cancels == []
    worker.finish("carl's")
    assert kept["carl's"] == "result of carl's"


def test_a_heavy_run_nobody_waits_for_is_stopped_at_its_next_chunk(monkeypatch):
    """The real worker: the tab asking for 3 million draws closes after the first chunk; the
    worker stops drawing at its next chunk (the run ends "cancelled", well before its end),
    nothing is kept, and the same worker process serves the next run at once."""
    live = {"tab", "other"}
    jobs = _counting(monkeypatch, alive=live.__contains__)
    queue = simulation_cache.QUEUE
    seen: list[float] = []

    def closed(fraction: float) -> None:
        seen.append(fraction)
        live.discard("tab")

    started = time.monotonic()
    with pytest.raises(Cancelled):
        simulation_cache.run_summary(
            Scenario(), 3_000_000, 12, "triangular", {}, progress=closed, who=Requester("tab", "ada")
        )
    assert seen and max(seen) <= 0.5  # 30 chunks: stopped within a few
    assert time.monotonic() - started < 10 and queue.started == 1 and len(jobs) == 1
    # (the page asks once more, in case it was taken for gone by mistake: dropped before it starts)
    assert queue.cancelled == 2
    assert (
        simulation_cache.RESULTS.get(simulation_cache._key(Scenario(), 3_000_000, 12, "triangular", {}))
        is None
    )
    pid = simulation_cache.WORKER.pids
    assert (
        simulation_cache.run_summary(Scenario(), 200_000, 12, "triangular", {}, who=Requester("other", "bob"))
        == monte_carlo(Scenario(), 200_000, 12, "triangular", {}).summary()
    )
    assert simulation_cache.WORKER.pids == pid and len(jobs) == 2


def test_a_tab_that_moves_on_stops_its_earlier_heavy_run_in_the_worker(monkeypatch):
    _counting(monkeypatch)
    queue = simulation_cache.QUEUE
    tab = Requester("tab", "ada")
    key = (Scenario(), 3_000_000, 5, "triangular", {})
    first = queue.request(
        simulation_cache._key(*key), summary_and_value, *key, session=tab.session, owner=tab.owner
    )
    deadline = time.monotonic() + 20
    while first.job.fraction == 0 and time.monotonic() < deadline:  # drawing
        time.sleep(0.01)
    second = simulation_cache.run_summary(Scenario(), 200_000, 5, "triangular", {}, who=tab)
    with pytest.raises(Cancelled):
        queue.wait(first)
    assert first.job.fraction < 1 and queue.cancelled == 1
    assert second == monte_carlo(Scenario(), 200_000, 5, "triangular", {}).summary()


def test_a_cancel_reaches_a_run_not_yet_started_in_the_worker():
    worker = Worker()
    try:
        long, long_future = worker.start(summary_and_value, (Scenario(), 2_000_000, 1), {}, lambda f: None)
        short, short_future = worker.start(summary_and_value, (Scenario(), 200_000, 2), {}, lambda f: None)
        worker.cancel(short)
        worker.cancel(long)
        for future in (long_future, short_future):
            with pytest.raises(Cancelled):
                future.result(timeout=20)
        assert worker.run(divmod, 7, 2) == (3, 1)  # the worker goes on
    finally:
        worker.shutdown()


def test_who_asks_is_read_as_the_store_reads_it():
    """`components.session.requester` repeats the store's session-state keys a floor below:
    they agree, and its owner is `store.owner()` for a signed-in user, a client link and
    single-user mode."""
    from streamlit.testing.v1 import AppTest

    from components.saved import store
    from components.session import requester

    assert (requester.SIGNED_IN_KEY, requester.CLIENT_KEY) == (store.SIGNED_IN_KEY, store.CLIENT_KEY)

    def script() -> None:
        from datetime import UTC, datetime, timedelta

        import streamlit as st

        from components.saved.client_links import ClientLink
        from components.saved.store import CLIENT_KEY, SIGNED_IN_KEY, owner
        from components.session.requester import requester
        from storage import Role, SessionInfo, User

        now = datetime.now(UTC)
        st.write(f"{requester().owner}|{owner()}")
        st.session_state[CLIENT_KEY] = ClientLink("AbCdEfGh12", "ada", now + timedelta(days=1))
        st.write(f"{requester().owner}|{owner()}")
        user = User("bob", "Bob", Role.EDITOR, False, now, now)
        st.session_state[SIGNED_IN_KEY] = SessionInfo(user, now, now)
        st.write(f"{requester().owner}|{owner()}")
        st.write(requester().session)

    at = AppTest.from_function(script).run()
    assert not at.exception, at.exception
    rows = [m.value for m in at.markdown]
    assert rows[:3] == ["local|local", "client-link:AbCdEfGh12|client-link:AbCdEfGh12", "bob|bob"]
    assert rows[3]  # the browser session's id
