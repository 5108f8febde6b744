"""Heavy work shared fairly by everyone on the server: one chunk drawn at a time, in turn by user,
results kept within a byte budget.

A million Monte Carlo draws of the whole model take about a second of one core and ~70 MB.
Unbounded, twelve users asking at once took a 2-core server to 2.9 GB and made everyone
else's reruns ten times slower; queued first come, first served, one user with 12 tabs made
another user's run wait 18.8 s instead of 1.5 s, and runs were drawn for tabs long closed. So,
server-wide:

- `HeavyQueue`: heavy runs are started in the worker in turn by owner (the signed-in user, the
  client link, or the local owner in single-user mode; the owner served least recently goes
  next), at most `Worker.STARTED_AT_ONCE` (3) at once, and drawn there **one chunk of 10^5
  draws (~0.1 s) at a time**, the next chunk to the started run whose owner has drawn least in
  their current stretch of work (`Turns`). So a run asked for while another user's run draws
  begins at that run's next chunk, and, if that user has drawn more lately than the newcomer
  needs, finishes within its own time and about one chunk; otherwise the two take turns chunk
  by chunk. (Issue 26: one run at a time to its end made another user's run wait for a whole
  run, ≥ 2× its idle time.) One chunk computes at a time: no more CPU than one run at a time.
  Limits: **one run per browser session** (a session that asks for another run stops waiting
  for its earlier one), and **`per_owner` runs queued or running per user or client link** (2
  on the server, `components/work/simulation_cache.py`); a request beyond that is refused
  (`TooMany`: the page says so) instead of being queued. A request for a run already queued or
  running joins it (nothing more is drawn). A run nobody waits for any more (its sessions
  closed or moved on to other settings) is cancelled: taken out of the queue, or stopped by
  the worker at the end of its current chunk of 10^5 draws (`Cancelled`; a closed tab is
  noticed when a chunk ends, so at the next), unless that chunk was its last: a run whose
  draws are all done finishes and is kept.
- `BoundedResults`: finished results are kept, most recent first, within a byte budget, so a
  setting that only re-reads the draws (a payback target, a percentile) never redraws them,
  and memory stays bounded whatever users ask for;
- `Worker`: heavy runs are drawn in one process beside the server, not in it. In the server,
  a run of about a second shares Python's interpreter lock with every user's rerun (measured:
  other users' reruns ~2× slower while 12 heavy runs queue); in its own process it takes one
  core and nobody's lock. What comes back should be small: the Monte Carlo page asks for the
  run's summary (a few kB), not its 10^6 draws (72 MB, ~0.3 s to pickle and pass back). Each
  job runs in a thread of the worker that computes only while it holds the turn; a job started
  holds no draws until its first turn, one begun holds its draws so far (≤ 72 MB for 10^6), so
  the worker holds at most 3 runs' draws (plus a direct `Worker.run`'s) and one chunk's working
  arrays at a time.

Pure Python (no Streamlit): who asks comes in as plain names, whether a session is still there
as a function (`alive`), and the page shows its notes through callbacks.

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
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
_ROOT = str(Path(__file__).resolve().parents[2])  # the project: `components` importable from here


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


class Cancelled(Exception):
    """A heavy run stopped before its end: nobody waited for it any more."""


class Turns:
    """Who computes next, when several started jobs share one core: one holder at a time (`take`
    waits for the turn; `between` — at a chunk's end — hands it on and waits for it again; `leave`
    gives it up for good), and the turn goes to the waiting job whose owner has the **fewest jobs
    started** (an owner with several tabs' runs lets a single run through first), then whose
    **owner has drawn least in their current stretch of work**, then the earliest job. A stretch is the owner's worker
    time since they last had no job started for `REST` seconds: a newcomer (or an owner back after
    a pause) starts at 0 and overtakes, at the next chunk's end, an owner who has drawn more since;
    an owner asking again right after a run does not start a new stretch; once a newcomer has
    drawn as much as the others, turns alternate (nobody waits for ever). An owner's own runs go
    earliest first. `clock` in seconds (tests pass their own).

    >>> turns = Turns()
    >>> turns.join(1, "ada"); turns.take(1)
    True
    >>> turns.join(2, "bob"); turns.waiting
    []
    >>> turns.leave(1); turns.take(2)  # ada's run ended: bob's turn at once
    True
    """

    REST = 1.0  # s without a job that end an owner's stretch of work

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._changed = threading.Condition()
        self._holder: Hashable | None = None
        self._since = 0.0  # when the holder took the turn
        self._owners: dict[Hashable, Hashable] = {}  # each job joined (not left): its owner
        self._order: dict[Hashable, Any] = {}  # each job joined: its rank on a tie
        self._waiting: set[Hashable] = set()
        self._drawn: dict[Hashable, float] = {}  # each owner's worker time in their current stretch
        self._idle: dict[Hashable, float] = {}  # owners with no job joined: since when

    @property
    def waiting(self) -> list[Hashable]:
        """The jobs waiting for the turn, next first."""
        with self._changed:
            return sorted(self._waiting, key=self._rank)

    def join(self, job: Hashable, owner: Hashable, order: Any = None) -> None:
        """`job` (of `owner`) is started: it may ask for the turn (ranked by `order` on a tie, by
        `job` without one)."""
        with self._changed:
            now = self._clock()
            for other, since in list(self._idle.items()):  # forget stretches that ended
                if now - since >= self.REST:
                    del self._idle[other]
                    self._drawn.pop(other, None)
            self._idle.pop(owner, None)
            self._drawn.setdefault(owner, 0.0)
            self._owners[job] = owner
            self._order[job] = job if order is None else order

    def take(self, job: Hashable, stop: Callable[[], bool] | None = None) -> bool:
        """Wait for the turn; False (without it) if `stop()` comes true first (see `wake`)."""
        with self._changed:
            if self._holder == job:
                return True
            self._waiting.add(job)
            self._hand_on()
            return self._await(job, stop)

    def between(self, job: Hashable, stop: Callable[[], bool] | None = None) -> bool:
        """At a chunk's end: the turn to whoever should have it now (`job` keeps it if that is
        itself), then wait for it again; False (without it) if `stop()` comes true first."""
        with self._changed:
            if self._holder == job:
                self._charge()
                self._holder = None
            self._waiting.add(job)
            self._hand_on()
            return self._await(job, stop)

    def leave(self, job: Hashable) -> None:
        """`job` ended: its turn (if it holds it) to the next."""
        with self._changed:
            if self._holder == job:
                self._charge()
                self._holder = None
            self._waiting.discard(job)
            if job in self._owners:
                owner = self._owners.pop(job)
                del self._order[job]
                if owner not in self._owners.values():
                    self._idle[owner] = self._clock()
            self._hand_on()

    def wake(self) -> None:
        """Have every waiting job look at its `stop` again (one was cancelled)."""
        with self._changed:
            self._changed.notify_all()

    # --- with the condition held -------------------------------------------------------------

    def _rank(self, job: Hashable) -> tuple[int, float, Any]:
        owner = self._owners.get(job)
        started = sum(1 for o in self._owners.values() if o == owner)
        return (started, self._drawn.get(owner, 0.0), self._order.get(job, job))

    def _charge(self) -> None:
        owner = self._owners.get(self._holder)
        self._drawn[owner] = self._drawn.get(owner, 0.0) + max(self._clock() - self._since, 0.0)

    def _hand_on(self) -> None:
        if self._holder is None and self._waiting:
            self._holder = min(self._waiting, key=self._rank)
            self._waiting.discard(self._holder)
            self._since = self._clock()
            self._changed.notify_all()

    def _await(self, job: Hashable, stop: Callable[[], bool] | None) -> bool:
        while self._holder != job:
            if stop is not None and stop():
                self._waiting.discard(job)
                return False
            self._changed.wait()
        return True


def _job(
    job: int,
    fn: Callable[..., T],
    args: tuple,
    kwargs: dict,
    report: bool,
    say: Callable[[tuple], None],
    stop: Callable[[], bool] | None = None,
    turns: Turns | None = None,
    owner: Hashable = None,
) -> None:
    """Run one job, telling `say` its progress (when `report`) and then its result or error; its
    freed memory is trimmed afterwards. With `turns` (shared by the jobs started together), the
    job computes only while it holds the turn: it takes it to start (told `("begun", job, None)`
    when `report`) and hands it on at each chunk's end (`Turns.between`), keeping it from its
    last chunk to its end (the summary). A job told to `stop` ends at its next progress (the end
    of a chunk) unless all is drawn (`fraction` 1), or before it starts, answered "cancelled"."""
    if turns is not None:
        turns.join(job, owner)
    try:
        if turns is not None and not turns.take(job, stop):
            say(("cancelled", job, None))
            return
        if report:

            def progress(fraction: float) -> None:
                if fraction < 1 and stop is not None and stop():
                    raise Cancelled
                say(("progress", job, fraction))
                if fraction < 1 and turns is not None:
                    if not turns.between(job, stop) or (stop is not None and stop()):
                        raise Cancelled

            kwargs = {**kwargs, "progress": progress}
            if turns is not None:
                say(("begun", job, None))
        try:
            if stop is not None and stop():
                raise Cancelled
            result = fn(*args, **kwargs)
        except Cancelled:
            say(("cancelled", job, None))
        except Exception as error:  # noqa: BLE001 - the caller raises it
            say(("error", job, error))
        else:
            say(("done", job, result))
        finally:
            release_freed_memory()
    finally:
        if turns is not None:
            turns.leave(job)


def serve(requests: BinaryIO, answers: BinaryIO, turns: Turns | None = None) -> None:
    """The worker process's loop: read `(job, fn, args, kwargs, report, owner)` requests until
    the server closes the pipe, each job started at once in a thread of its own, computing only
    while it holds the turn (`Turns`: one chunk at a time, the next to the owner who has drawn
    least lately); then wait for the jobs started. Write `("begun" | "progress" | "done" |
    "error" | "cancelled", job, value)` answers, each whole and flushed at once (so a job's
    progress always arrives before its result). `("cancel", job)` asks a job to stop at its
    next chunk (or not to start)."""
    turns = Turns() if turns is None else turns
    writing = threading.Lock()

    def say(message: tuple) -> None:
        kind, job, value = message
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - what cannot travel is told as text (the pipe stays whole)
            problem = RuntimeError(
                f"the worker could not send its {kind} back: {type(error).__name__}: {error}"
            )
            data = pickle.dumps(("error", job, problem), protocol=pickle.HIGHEST_PROTOCOL)
        with writing:
            answers.write(data)
            answers.flush()

    cancelled: set[int] = set()
    threads: list[threading.Thread] = []

    def run(
        job: int, fn: Callable[..., Any], args: tuple, kwargs: dict, report: bool, owner: Hashable
    ) -> None:
        try:
            _job(job, fn, args, kwargs, report, say, lambda: job in cancelled, turns, owner)
        finally:
            cancelled.discard(job)

    try:
        while True:
            message = pickle.load(requests)
            if message[0] == "cancel":
                cancelled.add(message[1])
                turns.wake()
                continue
            threads = [t for t in threads if t.is_alive()]
            thread = threading.Thread(target=run, args=message, name=f"heavy-job-{message[0]}", daemon=True)
            thread.start()
            threads.append(thread)
    except BaseException:  # noqa: BLE001, S110 - the pipe closed (or a request cannot be read): end after the jobs started
        pass
    for thread in threads:
        thread.join()


_OWNER: ContextVar[Hashable] = ContextVar("heavy_run_owner", default=None)


@contextmanager
def for_owner(owner: Hashable) -> Iterator[None]:
    """Jobs handed to a `Worker` in this block are `owner`'s: the worker process shares its turns
    by owner (`Turns`). Jobs handed outside one share the turns as one owner. (A context, not an
    argument of `Worker.start`, so that whatever wraps `start` passes it on untouched.)"""
    token = _OWNER.set(owner)
    try:
        yield
    finally:
        _OWNER.reset(token)


class _Pending:
    """A job sent to `process`: its answer to come and the progress told so far."""

    def __init__(
        self, process: subprocess.Popen[bytes], on_progress: Callable[[float], None] | None = None
    ) -> None:
        self.process = process
        self.future: Future[Any] = Future()
        self.progress: queue.SimpleQueue[float] = queue.SimpleQueue()
        self.on_progress = on_progress  # told 0.0 once begun, then each fraction (on the answers' thread)


class Worker:
    """One process beside the server for heavy pure computations, started on first use
    (`python -m components.work.heavy_runs`, a fresh interpreter that imports only what its jobs
    need: not Streamlit, not the app).

    `run(fn, *args, progress=…)` calls a module-level function there and returns its result
    (its error is raised here); the calling thread waits without holding the interpreter
    lock, passing on `progress` fractions as they arrive. Jobs start at once, each in a thread
    of the process, but compute one at a time, a chunk of 10^5 draws per turn (`Turns`: one
    core of two stays the server's; the next chunk goes to the owner, `for_owner`, who has
    drawn least lately), so a job asked for while another draws begins at that one's next
    chunk; the heavy queue starts at most `STARTED_AT_ONCE` of its runs here at once.
    `on_result` gets the result even if the caller stops waiting (a user who leaves the page
    mid-run): the next visit finds it. If the process dies, the job is run in the server
    instead and the next job starts a new process.

    (Not `multiprocessing`: its spawned children re-run the parent's `__main__`, which in a
    Streamlit server is the app's own script.)

    >>> worker = Worker()
    >>> worker.run(divmod, 7, 2)
    (3, 1)
    >>> worker.shutdown()
    """

    POLL = 0.05  # s between looks for progress while waiting
    STARTED_AT_ONCE = 3  # the heavy queue's runs started here at once (each holds its draws so far)

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
                [sys.executable, "-m", "components.work.heavy_runs"],
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
                ending = kind not in ("progress", "begun")
                pending = self._pending.pop(job, None) if ending else self._pending.get(job)
            if pending is None:
                continue
            if kind in ("begun", "progress"):  # begun: it holds the turn (0.0, to `start`'s listener only)
                if kind == "progress":
                    pending.progress.put(value)
                if pending.on_progress is not None:
                    try:
                        pending.on_progress(value if kind == "progress" else 0.0)
                    except Exception:  # noqa: BLE001, S110 - a listener's fault must not stop the answers
                        pass
            elif kind == "done":
                pending.future.set_result(value)
            elif kind == "cancelled":
                pending.future.set_exception(Cancelled("stopped: nobody waits for this run any more"))
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

    def _submit(
        self,
        fn: Callable[..., T],
        args: tuple,
        kwargs: dict,
        report: bool,
        on_progress: Callable[[float], None] | None = None,
    ) -> tuple[int, _Pending]:
        job = next(self._jobs)
        owner = _OWNER.get()  # told apart, not named: the worker needs no user names or links
        request = pickle.dumps(
            (job, fn, args, kwargs, report, None if owner is None else hash(owner)),
            protocol=pickle.HIGHEST_PROTOCOL,
        )  # errors raise here
        with self._lock:
            process = self._start()
            pending = self._pending[job] = _Pending(process, on_progress)
        try:
            with self._writing:
                assert process.stdin is not None
                process.stdin.write(request)
                process.stdin.flush()
        except (OSError, ValueError):  # the process ended (a closed pipe)
            with self._lock:
                self._pending.pop(job, None)
            raise WorkerGone("the worker process could not be reached") from None
        return job, pending

    def start(
        self, fn: Callable[..., T], args: tuple, kwargs: dict, on_progress: Callable[[float], None]
    ) -> tuple[int, Future[T]]:
        """Hand `fn(*args, **kwargs, progress=…)` to the worker process and return at once: the
        job's number (for `cancel`) and its future (the result, the function's error,
        `Cancelled`, or `WorkerGone`). `on_progress(fraction)` is called on the answers' thread
        after each chunk, and `on_progress(0.0)` once when the job takes its first turn (begins
        drawing). Raises `WorkerGone` when the process cannot be reached."""
        job, pending = self._submit(fn, args, kwargs, True, on_progress)
        return job, pending.future

    def cancel(self, job: int) -> None:
        """Ask the worker to stop `job` at the end of its current chunk (or not to start it); its
        future then ends in `Cancelled`, unless the job had drawn its last chunk already."""
        with self._lock:
            pending = self._pending.get(job)
        if pending is None:  # ended already
            return
        try:
            with self._writing:
                assert pending.process.stdin is not None
                pending.process.stdin.write(pickle.dumps(("cancel", job), protocol=pickle.HIGHEST_PROTOCOL))
                pending.process.stdin.flush()
        except (OSError, ValueError):  # the process ended: its jobs end with it
            pass

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
            _, pending = self._submit(fn, args, kwargs, progress is not None)
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
            _drain(pending.progress, progress)  # after the result: every fraction has arrived
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
        """End the worker process (it finishes the jobs it started first; the next run starts another)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class TooMany(Exception):
    """A heavy run refused, not queued: its owner already has `limit` runs queued or running."""

    def __init__(self, owner: str, limit: int) -> None:
        super().__init__(f"{owner!r} already has {limit} heavy runs queued or running")
        self.owner = owner
        self.limit = limit


@dataclass(eq=False)
class HeavyJob:
    """One heavy run in the queue: what it calls, whose it is, who waits for it, where it stands
    (`state`: queued → running (started in the worker) → ended; `stopping` once cancelled while
    it draws; `begun` once it has had the worker's turn)."""

    key: Hashable
    owner: str
    call: tuple[Callable[..., Any], tuple, dict]
    order: int
    waiters: set[str] = field(default_factory=set)  # the sessions whose current request this is
    state: str = "queued"
    fraction: float = 0.0  # drawn so far
    begun: bool = False  # has had the worker's turn (drawing), not only started there
    worker_job: int | None = None
    future: Future[Any] = field(default_factory=Future)
    listeners: list[queue.SimpleQueue[float]] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """Waiting for another run: queued, or started but not yet given the worker's turn."""
        return self.state == "queued" or (self.state == "running" and not self.begun)


@dataclass(frozen=True, eq=False)
class Ticket:
    """A session's request: the job it waits for, whether it joined one already queued or
    running (`joined`), and the progress told to it."""

    job: HeavyJob
    joined: bool
    fractions: queue.SimpleQueue[float]


class HeavyQueue:
    """Heavy runs in `worker`, taken in turn by owner; at most one per session and `per_owner`
    per owner; cancelled when nobody waits for them (the module's docstring). Up to `started`
    runs are started in the worker at once (default: the worker's `STARTED_AT_ONCE`, else 1),
    which draws them a chunk at a time, the next chunk to the owner who has drawn least lately
    (`Turns`); the rest wait here, the next to start being the owner's served least recently.

    `request(key, fn, *args, session=, owner=)` queues `fn(*args, progress=…)` (or joins the
    run of the same `key`, or finds its result with `kept(key)`), raising `TooMany` beyond
    the owner's limit; `wait(ticket, progress, on_wait)` waits for the result, telling
    `progress` each fraction drawn and `on_wait()` while the run is queued behind another
    (at once and then every `NOTE_EVERY` seconds, until the run has the worker's turn: a page
    redraws its note, which is also where Streamlit can stop a session that moved on). A result is handed to `keep(key,
    result)` when its run ends, even if nobody waits any more. `alive(session)` tells whether
    a session is still there (a closed tab is not); the queue asks at each chunk and before
    a run starts.
    """

    POLL = 0.05  # s between looks at a run's progress while waiting
    NOTE_EVERY = 0.5  # s between two calls of `on_wait` while queued

    def __init__(
        self,
        worker: Worker,
        *,
        per_owner: int = 2,
        alive: Callable[[str], bool] | None = None,
        keep: Callable[[Hashable, Any], None] | None = None,
        kept: Callable[[Hashable], Any | None] | None = None,
        started: int | None = None,
    ) -> None:
        self.per_owner = per_owner
        self.started_at_once = started or getattr(worker, "STARTED_AT_ONCE", 1)
        self._worker = worker
        self._alive = alive or (lambda session: True)
        self._keep = keep
        self._kept = kept
        self._lock = threading.Lock()
        self._jobs: dict[Hashable, HeavyJob] = {}  # queued or running (not stopping), by key
        self._queued: list[HeavyJob] = []
        self._running: list[HeavyJob] = []  # started in the worker (stopping included)
        self._turns = Turns()  # for runs drawn here when the worker process is gone
        self._asked: dict[str, HeavyJob] = {}  # each session's one run
        self._served: dict[str, int] = {}  # each owner's last turn
        self._order = itertools.count()
        self.started = 0  # runs handed to the worker
        self.cancelled = 0  # runs ended early (dropped from the queue or stopped) as nobody waited
        self.refused = 0  # requests beyond an owner's limit

    def request(self, key: Hashable, fn: Callable[..., Any], *args: Any, session: str, owner: str) -> Ticket:
        """`session`'s request for the run `key` (`fn(*args)`), on behalf of `owner`."""
        fractions: queue.SimpleQueue[float] = queue.SimpleQueue()
        with self._lock:
            self._move_on(session, key)
            job = self._jobs.get(key)
            joined = job is not None
            if job is None:
                found = None if self._kept is None else self._kept(key)
                if found is not None:  # drawn meanwhile
                    done = HeavyJob(key, owner, (fn, args, {}), -1, state="ended")
                    done.future.set_result(found)
                    return Ticket(done, False, fractions)
                if sum(1 for j in self._jobs.values() if j.owner == owner) >= self.per_owner:
                    self.refused += 1
                    raise TooMany(owner, self.per_owner)
                job = HeavyJob(key, owner, (fn, args, {}), next(self._order))
                self._jobs[key] = job
                self._queued.append(job)
            elif job.fraction > 0:
                fractions.put(job.fraction)  # where it stands
            job.waiters.add(session)
            job.listeners.append(fractions)
            self._asked[session] = job
            starts = self._next()
        for start in starts:
            self._start(start)
        return Ticket(job, joined, fractions)

    def wait(
        self,
        ticket: Ticket,
        progress: Callable[[float], None] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Any:
        """The run's result (its error, or `Cancelled`, raised), telling `progress` and `on_wait`."""
        job = ticket.job
        noted: float | None = None
        try:
            while True:
                if on_wait is not None and job.waiting:
                    now = time.monotonic()
                    if noted is None or now - noted >= self.NOTE_EVERY:
                        on_wait()
                        noted = now
                finished = bool(wait([job.future], timeout=self.POLL).done)
                _drain(ticket.fractions, progress)  # after the result: every fraction has arrived
                if finished:
                    return job.future.result()
        finally:
            with self._lock:
                if ticket.fractions in job.listeners:
                    job.listeners.remove(ticket.fractions)

    def owned(self, owner: str) -> int:
        """How many runs `owner` has queued or running."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.owner == owner)

    # --- with the lock held ----------------------------------------------------------------------

    def _move_on(self, session: str, key: Hashable) -> None:
        """`session` now asks for `key`: it no longer waits for an earlier run of another key."""
        old = self._asked.get(session)
        if old is None or old.key == key:
            return
        del self._asked[session]
        old.waiters.discard(session)
        if not old.waiters:
            self._drop(old)

    def _prune(self, job: HeavyJob) -> None:
        """Forget `job`'s waiters that are gone (closed tabs)."""
        for session in [s for s in job.waiters if not self._alive(s)]:
            job.waiters.discard(session)
            if self._asked.get(session) is job:
                del self._asked[session]

    def _drop(self, job: HeavyJob) -> None:
        """Nobody waits for `job`: out of the queue, or stopped at its next chunk (not after its last)."""
        if self._jobs.get(job.key) is job and (job.state == "queued" or job.fraction < 1):
            del self._jobs[job.key]
        if job.state == "queued":
            self._queued.remove(job)
            job.state = "ended"
            self.cancelled += 1
            job.future.set_exception(Cancelled("dropped from the queue: nobody waits for this run any more"))
        elif job.state == "running" and job.fraction < 1:
            job.state = "stopping"
            self._turns.wake()  # (drawn here: stops waiting for its turn)
            if job.worker_job is not None:
                self._worker.cancel(job.worker_job)

    def _next(self) -> list[HeavyJob]:
        """The runs to start now, while the worker has room: each the queued run of the owner
        served least recently (the earliest asked of theirs), skipping runs whose sessions are
        all gone. (A worker of one run at a time draws a run as soon as it is started.)"""
        starts: list[HeavyJob] = []
        while self._queued and len(self._running) < self.started_at_once:
            job = min(self._queued, key=lambda j: (self._served.get(j.owner, -1), j.order))
            self._prune(job)
            if not job.waiters:
                self._drop(job)
                continue
            self._queued.remove(job)
            job.state = "running"
            job.begun = self.started_at_once == 1
            self._running.append(job)
            self._served[job.owner] = next(self._order)
            self.started += 1
            starts.append(job)
        return starts

    # --- without the lock ----------------------------------------------------------------------

    def _start(self, job: HeavyJob) -> None:
        fn, args, kwargs = job.call
        try:
            with for_owner(job.owner):
                number, future = self._worker.start(fn, args, kwargs, lambda f: self._progressed(job, f))
        except WorkerGone:
            self._here(job)
            return
        except Exception as error:  # noqa: BLE001 - a run that cannot be sent: its waiters get the error
            self._finish(job, None, error)
            return
        with self._lock:
            job.worker_job = number
            stopping = job.state == "stopping"
        if stopping:
            self._worker.cancel(number)
        future.add_done_callback(lambda f: self._ended(job, f))

    def _progressed(self, job: HeavyJob, fraction: float) -> None:
        """A chunk drawn: told to the waiters; a run nobody waits for any more is stopped.
        (0.0: the run took its first turn in the worker.)"""
        with self._lock:
            job.begun = True
            if fraction == 0:
                return
            job.fraction = fraction
            for listener in job.listeners:
                listener.put(fraction)
            if job.state == "running":
                self._prune(job)
                if not job.waiters:
                    self._drop(job)

    def _ended(self, job: HeavyJob, future: Future[Any]) -> None:
        error = future.exception()
        if isinstance(error, WorkerGone):  # the process died: drawn here instead
            self._here(job)
            return
        self._finish(job, None if error is not None else future.result(), error)

    def _here(self, job: HeavyJob) -> None:
        """Draw `job` in the server (the worker process is gone), in a thread of its own, taking
        turns by chunk with the other runs drawn here (one computes at a time, as in the worker)."""
        fn, args, kwargs = job.call

        def say(message: tuple) -> None:
            kind, _, value = message
            if kind in ("begun", "progress"):
                self._progressed(job, value if kind == "progress" else 0.0)
            elif kind == "done":
                self._finish(job, value, None)
            else:
                stopped = Cancelled("stopped: nobody waits for this run any more")
                self._finish(job, None, stopped if kind == "cancelled" else value)

        threading.Thread(
            target=_job,
            args=(
                job.order,
                fn,
                args,
                kwargs,
                True,
                say,
                lambda: job.state == "stopping",
                self._turns,
                job.owner,
            ),
            name="heavy-run-here",
            daemon=True,
        ).start()

    def _finish(self, job: HeavyJob, result: Any, error: BaseException | None) -> None:
        """`job` ended: its result kept (before it leaves the queue: a request meanwhile finds
        one or the other), its waiters told, the next run started."""
        if error is None and self._keep is not None:
            try:
                self._keep(job.key, result)
            except Exception:  # noqa: BLE001, S110 - not kept, still handed to its waiters; the queue goes on
                pass
        with self._lock:
            job.state = "ended"
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]
            for session in job.waiters:
                if self._asked.get(session) is job:
                    del self._asked[session]
            if job in self._running:
                self._running.remove(job)
            if isinstance(error, Cancelled):
                self.cancelled += 1
            starts = self._next()
        if error is None:
            job.future.set_result(result)
        else:
            job.future.set_exception(error)
        for start in starts:
            self._start(start)


def _drain(fractions: queue.Queue[float], progress: Callable[[float], None] | None) -> None:
    """Hand every fraction waiting in `fractions` to `progress` (none is kept without one)."""
    while progress is not None:
        try:
            progress(fractions.get_nowait())
        except queue.Empty:
            return


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server; the worker ends with its pipe
    _answers = os.fdopen(os.dup(1), "wb")  # answers on the real stdout; anything printed goes to stderr
    os.dup2(2, 1)
    serve(sys.stdin.buffer, _answers)
