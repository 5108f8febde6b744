"""Heavy work bounded for everyone on the server: few at once, results kept within a byte budget.

A million Monte Carlo draws of the whole model take about a second of one core and ~70 MB.
Unbounded, twelve users asking at once took a 2-core server to 2.9 GB and made everyone
else's reruns ten times slower. So, server-wide:

- `HeavyGate`: at most `limit` heavy runs at a time; the others wait their turn (they are
  told so) and never fail;
- `BoundedResults`: finished results are kept, most recent first, within a byte budget, so a
  setting that only re-reads the draws (a payback target, a percentile) never redraws them,
  and memory stays bounded whatever users ask for;
- `Worker`: heavy runs are drawn in one process beside the server, not in it. In the server,
  a run of about a second shares Python's interpreter lock with every user's rerun (measured:
  other users' reruns ~2× slower while 12 heavy runs queue); in its own process it takes one
  core and nobody's lock. What comes back should be small: the Monte Carlo page asks for the
  run's summary (a few kB), not its 10^6 draws (72 MB, ~0.3 s to pickle and pass back).

Pure Python (no Streamlit): the page shows the waiting message through a callback.

>>> cache = BoundedResults(max_bytes=100)
>>> cache.put("a", "A", 60); cache.put("b", "B", 60)  # b pushes a out: 120 > 100 bytes
>>> cache.get("a") is None, cache.get("b")
(True, 'B')
"""

from __future__ import annotations

import ctypes
import itertools
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
_ROOT = str(Path(__file__).resolve().parents[1])  # the project: `components` importable from here


class BoundedResults:
    """A thread-safe least-recently-used store whose entries' sizes add up to at most `max_bytes`
    (an entry larger than the budget is not kept)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._items.values())

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            self._items.pop(key, None)
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            total = sum(s for _, s in self._items.values())
            while total > self.max_bytes:
                _, (_, evicted) = self._items.popitem(last=False)
                total -= evicted

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class HeavyGate:
    """At most `limit` heavy runs at once, server-wide; the rest wait, after `on_wait()`.

    A turn is normally a `with gate.turn():` block. A run handed to the worker process may
    outlive its caller (a user who leaves the page mid-run), so its turn can instead be
    taken with `enter` and given back by the run's end (`leave`): the next run waits for it,
    and the worker never holds more heavy runs than the gate allows.

    >>> gate = HeavyGate(limit=1)
    >>> with gate.turn():
    ...     gate.running
    1
    >>> gate.running
    0
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    def enter(self, on_wait: Callable[[], None] | None = None) -> None:
        """Take a turn, waiting (after `on_wait()`) while all are taken."""
        if not self._slots.acquire(blocking=False):
            if on_wait is not None:
                on_wait()
            self._slots.acquire()
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)

    def leave(self) -> None:
        """Give a turn back (from any thread)."""
        with self._lock:
            self.running -= 1
        self._slots.release()

    @contextmanager
    def turn(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        self.enter(on_wait)
        try:
            yield
        finally:
            self.leave()


def release_freed_memory() -> None:
    """Give memory freed by Python back to the operating system (glibc `malloc_trim`).

    A heavy run allocates and frees hundreds of MB of arrays; glibc keeps freed heap memory
    for reuse, so a process that has drawn a few heavy runs stays large (12 runs of 10^6
    draws: 1.1 GB, 0.85 GB afterwards, measured by `scripts/benchmark_speed.py --heavy 12`).
    Trimming after each run costs a few milliseconds; elsewhere than glibc it does nothing.
    """
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        return
    trim(0)


_SECRET_WORDS = ("KEY", "SECRET", "PASSWORD", "TOKEN", "CREDENTIAL")


def worker_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: the server's, without the app's settings (`TRAINING_ROI_*`:
    the cookie key, the database URL), Streamlit's, or anything named like a secret. It
    computes; it needs none of them.

    >>> sorted(worker_environment({"PATH": "/bin", "TRAINING_ROI_COOKIE_KEY": "k", "PGPASSWORD": "p", "LANG": "C"}))
    ['LANG', 'PATH']
    """
    environ = dict(os.environ if environ is None else environ)
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith(("TRAINING_ROI_", "STREAMLIT_"))
        and not any(w in name.upper() for w in _SECRET_WORDS)
    }


class WorkerGone(RuntimeError):
    """The worker process ended before answering (killed, out of memory)."""


def _job(
    job: int, fn: Callable[..., T], args: tuple, kwargs: dict, report: bool, say: Callable[[tuple], None]
) -> None:
    """In the worker process: run one job, telling `say` its progress (when `report`) and then
    its result or error; its freed memory is trimmed afterwards."""
    if report:
        kwargs = {**kwargs, "progress": lambda fraction: say(("progress", job, fraction))}
    try:
        result = fn(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the caller raises it
        say(("error", job, error))
    else:
        say(("done", job, result))
    finally:
        release_freed_memory()


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker process's loop: read `(job, fn, args, kwargs, report)` requests until the server
    closes the pipe; write `("progress" | "done" | "error", job, value)` answers, each flushed
    at once (so a job's progress always arrives before its result)."""

    def say(message: tuple) -> None:
        kind, job, value = message
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - what cannot travel is told as text (the pipe stays whole)
            problem = RuntimeError(
                f"the worker could not send its {kind} back: {type(error).__name__}: {error}"
            )
            data = pickle.dumps(("error", job, problem), protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(data)
        answers.flush()

    while True:
        try:
            job, fn, args, kwargs, report = pickle.load(requests)
        except EOFError:  # the server ended or closed the pipe: so does the worker
            return
        _job(job, fn, args, kwargs, report, say)


class _Pending:
    """A job sent to `process`: its answer to come and the progress told so far."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.future: Future[Any] = Future()
        self.progress: queue.SimpleQueue[float] = queue.SimpleQueue()


class Worker:
    """One process beside the server for heavy pure computations, started on first use
    (`python -m components.heavy_runs`, a fresh interpreter that imports only what its jobs
    need: not Streamlit, not the app).

    `run(fn, *args, progress=…)` calls a module-level function there and returns its result
    (its error is raised here); the calling thread waits without holding the interpreter
    lock, passing on `progress` fractions as they arrive. Jobs run one after another (one
    process: one core of two stays the server's). `on_result` gets the result even if the
    caller stops waiting (a user who leaves the page mid-run): the next visit finds it. If the
    process dies, the job is run in the server instead and the next job starts a new process.

    (Not `multiprocessing`: its spawned children re-run the parent's `__main__`, which in a
    Streamlit server is the app's own script.)

    >>> worker = Worker()
    >>> worker.run(divmod, 7, 2)
    (3, 1)
    >>> worker.shutdown()
    """

    POLL = 0.05  # s between looks for progress while waiting

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the process and the jobs waiting for it
        self._writing = threading.Lock()  # one request written at a time (a write may wait for the pipe)
        self._process: subprocess.Popen[bytes] | None = None
        self._pending: dict[int, _Pending] = {}
        self._jobs = itertools.count()

    @property
    def pids(self) -> list[int]:
        """The worker's process id once started (for memory figures), else nothing."""
        process = self._process
        return [] if process is None or process.poll() is not None else [process.pid]

    def _start(self) -> subprocess.Popen[bytes]:
        """The running worker process (started if needed); call with `_lock` held."""
        if self._process is None or self._process.poll() is not None:
            process = subprocess.Popen(
                [sys.executable, "-m", "components.heavy_runs"],
                cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=worker_environment(),
            )  # fmt: skip
            self._process = process
            threading.Thread(
                target=self._read, args=(process,), name="heavy-worker-answers", daemon=True
            ).start()
        return self._process

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        """Hand each answer of `process` to its job; when the process ends, fail its jobs."""
        assert process.stdout is not None
        while True:
            try:
                kind, job, value = pickle.load(process.stdout)
            except (EOFError, OSError):  # the process is gone
                break
            except Exception:  # noqa: BLE001 - an answer that cannot be read: the stream is lost, so is the process
                process.kill()
                break
            with self._lock:
                pending = self._pending.get(job) if kind == "progress" else self._pending.pop(job, None)
            if pending is None:
                continue
            if kind == "progress":
                pending.progress.put(value)
            elif kind == "done":
                pending.future.set_result(value)
            else:
                pending.future.set_exception(value)
        process.wait()
        with self._lock:
            lost = [job for job, p in self._pending.items() if p.process is process]
            lost_pending = [self._pending.pop(job) for job in lost]
        for pending in lost_pending:
            pending.future.set_exception(
                WorkerGone(f"the worker process ended (exit code {process.returncode})")
            )

    def _submit(self, fn: Callable[..., T], args: tuple, kwargs: dict, report: bool) -> _Pending:
        job = next(self._jobs)
        request = pickle.dumps(
            (job, fn, args, kwargs, report), protocol=pickle.HIGHEST_PROTOCOL
        )  # errors raise here
        with self._lock:
            process = self._start()
            pending = self._pending[job] = _Pending(process)
        try:
            with self._writing:
                assert process.stdin is not None
                process.stdin.write(request)
                process.stdin.flush()
        except (OSError, ValueError):  # the process ended (a closed pipe)
            with self._lock:
                self._pending.pop(job, None)
            raise WorkerGone("the worker process could not be reached") from None
        return pending

    def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        progress: Callable[[float], None] | None = None,
        on_result: Callable[[T], None] | None = None,
        on_end: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> T:
        """`fn(*args, **kwargs)` in the worker process. `on_result(result)` and then `on_end()`
        are called when the job ends there, even if the caller stopped waiting; `on_end` once,
        whatever the outcome (an error, the process gone, or the job run here instead)."""
        try:
            pending = self._submit(fn, args, kwargs, progress is not None)
        except WorkerGone:
            try:
                return self._here(fn, args, kwargs, progress, on_result)
            finally:
                if on_end is not None:
                    on_end()
        except BaseException:  # a job that cannot be sent (an argument that cannot be pickled)
            if on_end is not None:
                on_end()
            raise
        pending.future.add_done_callback(lambda f: self._ended(f, on_result, on_end))
        while True:
            finished = bool(wait([pending.future], timeout=self.POLL).done)
            while progress is not None:  # after the result: every fraction has arrived
                try:
                    progress(pending.progress.get_nowait())
                except queue.Empty:
                    break
            if finished:
                break
        try:
            return pending.future.result()
        except WorkerGone:
            return self._here(fn, args, kwargs, progress, on_result)

    @staticmethod
    def _ended(
        future: Future[T], on_result: Callable[[T], None] | None, on_end: Callable[[], None] | None
    ) -> None:
        try:
            if on_result is not None and future.exception() is None:
                on_result(future.result())
        finally:
            if on_end is not None:
                on_end()

    @staticmethod
    def _here(
        fn: Callable[..., T],
        args: tuple,
        kwargs: dict,
        progress: Callable[[float], None] | None,
        on_result: Callable[[T], None] | None,
    ) -> T:
        result = fn(*args, **(kwargs if progress is None else {**kwargs, "progress": progress}))
        if on_result is not None:
            on_result(result)
        return result

    def shutdown(self) -> None:
        """End the worker process (it finishes its current job first; the next run starts another)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server; the worker ends with its pipe
    _answers = os.fdopen(os.dup(1), "wb")  # answers on the real stdout; anything printed goes to stderr
    os.dup2(2, 1)
    serve(sys.stdin.buffer, _answers)
