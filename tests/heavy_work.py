"""Fresh heavy work for a test, as a fresh server has it: the kept heavy results and the queue
of `components.work.simulation_cache` replaced (monkeypatched back after the test), and every
job handed to the worker process recorded."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest

from components.work import simulation_cache
from components.work.heavy_runs import BoundedResults, HeavyQueue, Worker


def fresh_heavy_work(
    monkeypatch: pytest.MonkeyPatch,
    *,
    worker: Worker | None = None,
    results: BoundedResults | None = None,
    alive: Callable[[str], bool] | None = None,
) -> HeavyQueue:
    """Fresh kept results (`results`, or empty ones of the server's budget) and a fresh queue on
    `worker` (default the real worker process), with the server's rules; the queue is returned."""
    fresh = results if results is not None else BoundedResults(simulation_cache.HEAVY_BUDGET_BYTES)
    monkeypatch.setattr(simulation_cache, "RESULTS", fresh)
    queue = HeavyQueue(
        worker or simulation_cache.WORKER,
        per_owner=simulation_cache.HEAVY_PER_OWNER,
        alive=alive,
        keep=simulation_cache._keep,
        kept=lambda key: simulation_cache.RESULTS.get(key),
    )
    monkeypatch.setattr(simulation_cache, "QUEUE", queue)
    return queue


def record_started(
    monkeypatch: pytest.MonkeyPatch, worker: Worker, record: Callable[[Callable[..., Any], tuple], tuple]
) -> list[tuple]:
    """Every job `worker` starts, as `record(fn, args)`, in a list that grows as they start."""
    jobs: list[tuple] = []
    start = worker.start

    def started(fn, args, kwargs, on_progress):  # type: ignore[no-untyped-def]
        jobs.append(record(fn, args))
        return start(fn, args, kwargs, on_progress)

    monkeypatch.setattr(worker, "start", started)
    return jobs


class HeldWorker:
    """A worker whose runs never end (they stay queued or running): for the limits' tests.
    `started`: the first argument of each run it was given."""

    def __init__(self) -> None:
        self.started: list[object] = []

    def start(self, fn, args, kwargs, on_progress):  # type: ignore[no-untyped-def]
        self.started.append(args[0])
        return len(self.started) - 1, Future()

    def cancel(self, job: int) -> None:
        pass
