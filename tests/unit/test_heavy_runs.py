"""Heavy work bounded and shared fairly: one large run at a time server-wide, in turn by user, at
most one per session and two per user or client link, runs nobody waits for stopped, results
within a budget."""

from __future__ import annotations

import os
import pickle
import signal
import threading
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
from tests.heavy_work import fresh_heavy_work, record_started


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
    fresh_heavy_work(monkeypatch, alive=alive)
    jobs = record_started(monkeypatch, simulation_cache.WORKER, lambda fn, args: (fn.__name__, *args[1:4]))
    run = simulation_cache.WORKER.run

    def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        jobs.append((fn.__name__, *args[1:4]))
        return run(fn, *args, **kwargs)

    monkeypatch.setattr(simulation_cache.WORKER, "run", counted)
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


# --- fair heavy work at chunk level (issue 26): started runs take turns by chunk, by owner ------


class _Clock:
    """A clock the test moves: one unit per chunk drawn."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _draw(
    turns: heavy_runs.Turns, clock: _Clock, job: int, owner: str, chunks: int, ran: list[str], during=None
):  # type: ignore[no-untyped-def]
    """A job as the worker runs one: its turn taken to start, handed on at each chunk's end, kept
    after its last; `during(i)` is called while it holds the turn for chunk i."""
    turns.join(job, owner)
    try:
        assert turns.take(job)
        for i in range(chunks):
            if during is not None:
                during(i)
            ran.append(owner)
            clock.now += 1
            if i < chunks - 1:
                turns.between(job)
    finally:
        turns.leave(job)


def _newcomer(turns, clock, ran, at: int, chunks: int):  # type: ignore[no-untyped-def]
    """A `during` for the long job: at its chunk `at`, bob asks for `chunks` chunks (he waits
    for the turn before the long job's chunk ends)."""
    threads: list[threading.Thread] = []

    def during(i: int) -> None:
        if i == at:
            thread = threading.Thread(target=_draw, args=(turns, clock, 2, "bob", chunks, ran))
            thread.start()
            threads.append(thread)
            deadline = time.monotonic() + 10
            while turns.waiting != [2] and time.monotonic() < deadline:
                time.sleep(0.001)

    return during, threads


def test_a_newcomers_chunks_all_run_before_a_long_runs_remaining_ones():
    """Ada's long run has drawn 10 chunks (and is drawing its 11th) when Bob asks for 4: Bob's
    run takes the turn at the end of that chunk and draws all its chunks before Ada's next one
    (its own time plus one chunk); then Ada's run goes on to its end."""
    clock, ran = _Clock(), []
    turns = heavy_runs.Turns(clock=clock)
    during, threads = _newcomer(turns, clock, ran, at=10, chunks=4)
    _draw(turns, clock, 1, "ada", 20, ran, during)
    for thread in threads:
        thread.join(10)
    assert ran == ["ada"] * 11 + ["bob"] * 4 + ["ada"] * 9


def test_turns_alternate_once_a_newcomer_has_drawn_as_much_nobody_waits_for_ever():
    """Ada has drawn 3 chunks (drawing her 4th) when Bob asks for 8: Bob draws until he has
    drawn as much as she has, then they take turns chunk by chunk (on a tie, the earlier job)."""
    clock, ran = _Clock(), []
    turns = heavy_runs.Turns(clock=clock)
    during, threads = _newcomer(turns, clock, ran, at=3, chunks=8)
    _draw(turns, clock, 1, "ada", 10, ran, during)
    for thread in threads:
        thread.join(10)
    a, b = "ada", "bob"
    assert ran == [a] * 4 + [b] * 4 + [a, b, a, b, a, b, a, b] + [a] * 2


def test_an_owners_runs_share_one_stretch_and_a_pause_starts_a_new_one():
    """Asking again right after a run ends keeps the owner's worker time (a second run does not
    make a newcomer of them); after `REST` seconds without a run, the owner starts afresh."""
    clock = _Clock()
    turns = heavy_runs.Turns(clock=clock)
    _draw(turns, clock, 1, "ada", 5, [])
    turns.join(2, "bob")
    turns.join(3, "ada")  # at once: her 5 chunks still count
    assert turns.take(2)
    clock.now += 1
    turns.leave(2)
    clock.now += turns.REST + 1  # bob paused (ada is still started): his stretch ended
    turns.join(4, "bob")
    turns.join(5, "carl")
    assert turns.take(3)
    clock.now += 1
    threads = [threading.Thread(target=turns.take, args=(job,)) for job in (4, 5)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(turns.waiting) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert turns.waiting == [4, 5]  # bob afresh (0, the earlier job) before carl (0); ada (6) last
    turns.leave(3)
    threads[0].join(10)
    turns.leave(4)
    threads[1].join(10)
    turns.leave(5)


def test_a_job_cancelled_while_waiting_for_its_turn_stops_without_it():
    turns = heavy_runs.Turns()
    turns.join(1, "ada")
    assert turns.take(1)
    turns.join(2, "bob")
    stop = threading.Event()
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(turns.take(2, stop.is_set)))
    thread.start()
    while turns.waiting != [2]:
        time.sleep(0.001)
    stop.set()
    turns.wake()
    thread.join(10)
    assert got == [False] and turns.waiting == []
    turns.leave(2)
    turns.leave(1)


_ACTIVE = [0, 0]  # jobs computing now, most at once (`_sleepy_chunks`, run by `serve` in this process)


def _sleepy_chunks(label: str, chunks: int, seconds: float, progress=None) -> str:  # type: ignore[no-untyped-def]
    for i in range(chunks):
        _ACTIVE[0] += 1
        _ACTIVE[1] = max(_ACTIVE)
        time.sleep(seconds)
        _ACTIVE[0] -= 1
        if progress is not None:
            progress((i + 1) / chunks)
    return label


def test_the_worker_process_draws_one_chunk_at_a_time_and_a_newcomer_overtakes():
    """`serve` (the worker process's loop, here in a thread): jobs start at once but compute
    one at a time, never two chunks together; a job of another owner asked for while a long
    one draws runs all its chunks before the long one's remaining ones (but the one under
    way); a job without progress keeps the turn to its end; a cancel reaches a job waiting."""
    _ACTIVE[:] = [0, 0]
    requests_r, requests_w = (os.fdopen(fd, mode) for fd, mode in zip(os.pipe(), ("rb", "wb"), strict=True))
    answers_r, answers_w = (os.fdopen(fd, mode) for fd, mode in zip(os.pipe(), ("rb", "wb"), strict=True))
    server = threading.Thread(target=heavy_runs.serve, args=(requests_r, answers_w))
    server.start()

    def ask(*request: object) -> None:
        pickle.dump(request, requests_w)
        requests_w.flush()

    answers: list[tuple] = []

    def until(done) -> None:  # type: ignore[no-untyped-def]
        while not done():
            answers.append(pickle.load(answers_r))

    try:
        ask(1, _sleepy_chunks, ("long", 40, 0.01), {}, True, hash("ada"))
        until(lambda: sum(a[:2] == ("progress", 1) for a in answers) >= 15)
        asked = len(answers)
        ask(2, _sleepy_chunks, ("short", 3, 0.01), {}, True, hash("bob"))
        ask(3, _sleepy_chunks, ("direct", 2, 0.01), {}, False, None)
        ask(4, _sleepy_chunks, ("dropped", 3, 0.01), {}, True, hash("carl"))
        ask("cancel", 4)
        until(lambda: sum(a[0] in ("done", "cancelled") for a in answers) == 4)
    finally:
        requests_w.close()
        server.join(30)
    after = [(kind, job) for kind, job, _ in answers[asked:] if kind != "begun"]
    short = [i for i, (_, job) in enumerate(after) if job == 2]
    assert [after[i][0] for i in short] == ["progress"] * 3 + ["done"]
    # no chunk of the long job between the newcomer's (the direct job, a newcomer too, may go between)
    assert all(job != 1 for _, job in after[short[0] : short[-1]])
    assert short[0] <= 2  # after at most the long job's chunk under way (and one told before it arrived)
    assert ("cancelled", 4, None) in answers and not any(a[:2] == ("progress", 4) for a in answers)
    assert ("done", 3, "direct") in answers and ("done", 1, "long") in answers
    assert _ACTIVE == [0, 1]  # never two chunks at once
    answers_r.close()


def test_another_users_heavy_run_overtakes_a_long_run_at_its_next_chunk():
    """The real worker through the queue: Ada's 3-million-draw run has drawn 10 chunks when Bob
    asks for 200,000 draws; Bob's run is started beside it at once (told to wait only until
    its first turn), takes the turn at the end of Ada's chunk under way and ends before Ada's
    next chunk; Ada's run goes on."""
    worker = Worker()
    told: list[tuple[str, float]] = []
    start = worker.start

    def recorded(fn, args, kwargs, on_progress):  # type: ignore[no-untyped-def]
        label = "ada" if args[1] > 1_000_000 else "bob"

        def progress(fraction: float) -> None:
            told.append((label, fraction))
            on_progress(fraction)

        return start(fn, args, kwargs, progress)

    worker.start = recorded  # type: ignore[method-assign]
    queue = HeavyQueue(worker)
    assert queue.started_at_once == Worker.STARTED_AT_ONCE == 3
    try:
        long = queue.request(
            "ada's", summary_and_value, Scenario(), 3_000_000, 1, session="ada-tab", owner="ada"
        )
        deadline = time.monotonic() + 60
        while sum(f > 0 for _, f in told) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        told.append(("asked", 0.0))
        short = queue.request(
            "bob's", summary_and_value, Scenario(), 200_000, 2, session="bob-tab", owner="bob"
        )
        short.job.future.add_done_callback(lambda _: told.append(("bob done", 1.0)))
        assert short.job.state == "running" and long.job.state == "running"
        notes: list[str] = []
        summary, _ = queue.wait(short, on_wait=lambda: notes.append("waiting"))
        assert summary == monte_carlo(Scenario(), 200_000, 2).summary()
        assert notes and set(notes) == {"waiting"}  # until its first turn, a chunk away
        after = told[told.index(("asked", 0.0)) + 1 :]
        begun, ended = after.index(("bob", 0.0)), after.index(("bob done", 1.0))
        assert after[begun:ended] == [("bob", 0.0), ("bob", 0.5), ("bob", 1.0)]  # no chunk of ada's between
        assert all(who == "ada" for who, _ in after[:begun]) and begun <= 2
        assert long.job.state == "running" and long.job.fraction < 1  # ada's run goes on
    finally:
        if long.job.worker_job is not None:
            worker.cancel(long.job.worker_job)
        worker.shutdown()
    with pytest.raises(Cancelled):
        long.job.future.result(timeout=20)


def test_an_owner_with_several_runs_started_lets_a_single_run_through_first():
    """Twelve tabs of one user hold two runs; another user's one run takes the turns first, even
    if that user has drawn more lately: a flood cannot halve anyone else's share of the worker."""
    clock = _Clock()
    turns = heavy_runs.Turns(clock=clock)
    turns.join(9, "bob")
    assert turns.take(9)
    clock.now += 5  # bob has drawn 5 s in this stretch
    turns.join(3, "bob")
    turns.leave(9)
    turns.join(1, "ada")
    turns.join(2, "ada")
    assert turns.take(1)
    clock.now += 1
    threads = [threading.Thread(target=turns.take, args=(job,)) for job in (2, 3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(turns.waiting) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert turns.waiting == [3, 2]  # bob's single run before ada's second, though bob drew more
    turns.leave(1)
    threads[1].join(10)
    turns.leave(3)
    threads[0].join(10)
    turns.leave(2)
