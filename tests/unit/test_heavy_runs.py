"""Heavy work bounded for everyone: one large run at a time server-wide, results within a budget."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from calculators.information_value import summary_and_value, value_of_information
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from components import heavy_runs, simulation_cache
from components.heavy_runs import BoundedResults, HeavyGate, Worker


def test_gate_lets_one_heavy_run_at_a_time_and_tells_the_others_to_wait():
    gate = HeavyGate(limit=1)
    waited: list[int] = []

    def run(i: int) -> None:
        with gate.turn(on_wait=lambda: waited.append(i)):
            time.sleep(0.02)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gate.most_at_once == 1 and gate.running == 0
    assert len(waited) >= 1  # the others were told, none failed


def test_results_stay_within_their_byte_budget_most_recent_first():
    cache = BoundedResults(max_bytes=250)
    for key in "abcd":
        cache.put(key, key.upper(), 100)
    assert cache.bytes <= 250
    assert cache.get("a") is None and cache.get("b") is None
    assert cache.get("c") == "C" and cache.get("d") == "D"
    cache.put("huge", "X", 1_000)  # larger than the budget: not kept, nothing else lost
    assert cache.get("huge") is None and cache.get("d") == "D"


def _counting(monkeypatch) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Fresh heavy results, and every job handed to the worker process recorded."""
    monkeypatch.setattr(simulation_cache, "RESULTS", BoundedResults(simulation_cache.HEAVY_BUDGET_BYTES))
    jobs: list[tuple] = []
    original = simulation_cache.WORKER.run

    def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        jobs.append((fn.__name__, *args[1:4]))
        return original(fn, *args, **kwargs)

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


def test_a_heavy_run_whose_user_left_keeps_its_turn_until_it_ends(monkeypatch):
    """A user who leaves mid-run (Streamlit stops the script at its next progress update) does
    not free the server's one heavy turn: the abandoned run finishes in the worker (and is
    kept) before the next one starts, so one session's runs never pile up in the worker."""
    jobs = _counting(monkeypatch)
    gate = HeavyGate(1)
    monkeypatch.setattr(simulation_cache, "GATE", gate)

    class Left(Exception):
        pass

    def leave(fraction: float) -> None:
        raise Left

    with pytest.raises(Left):
        simulation_cache.run_summary(Scenario(), 400_000, 31, "triangular", {}, progress=leave)
    assert gate.running == 1  # still drawing in the worker
    waited: list[int] = []
    again = simulation_cache.run_summary(
        Scenario(), 400_000, 31, "triangular", {}, on_wait=lambda: waited.append(1)
    )
    assert waited == [1] and gate.running == 0 and gate.most_at_once == 1
    assert len(jobs) == 1  # the abandoned run's result, kept and found: not drawn again
    assert again == monte_carlo(Scenario(), 400_000, 31, "triangular", {}).summary()


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
        [sys.executable, "-c", "import os, time\nfrom components.heavy_runs import Worker\n"
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
