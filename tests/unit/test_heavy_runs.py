"""Heavy work bounded for everyone: one large run at a time server-wide, results within a budget."""

from __future__ import annotations

import threading
import time

import numpy as np

from calculators.model import Option
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from components import simulation_cache
from components.heavy_runs import BoundedResults, HeavyGate


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


def test_a_large_run_is_drawn_once_and_equals_the_plain_simulation(monkeypatch):
    """A payback target or another option shown re-reads the draws; it never redraws them."""
    monkeypatch.setattr(simulation_cache, "RESULTS", BoundedResults(simulation_cache.HEAVY_BUDGET_BYTES))
    calls: list[int] = []
    original = simulation_cache.monte_carlo

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(simulation_cache, "monte_carlo", counted)
    first = simulation_cache.heavy_monte_carlo(Scenario(), 150_000, 5, "triangular", {})
    again = simulation_cache.heavy_monte_carlo(Scenario(), 150_000, 5, "triangular", {})
    assert again is first and len(calls) == 1
    plain = monte_carlo(Scenario(), 150_000, 5, "triangular", {})
    assert np.array_equal(first.npv[Option.MICRO], plain.npv[Option.MICRO])


def test_freed_memory_goes_back_to_the_system_after_a_heavy_run(monkeypatch):
    """After a heavy run the working arrays' memory is trimmed (glibc malloc_trim), once per run
    actually drawn: a run found among the kept results draws nothing and trims nothing."""
    from calculators.scenario import Scenario
    from components import simulation_cache

    trims: list[int] = []
    monkeypatch.setattr(simulation_cache, "release_freed_memory", lambda: trims.append(1))
    simulation_cache.RESULTS.clear()
    args = (Scenario(), 200_000, 11, "triangular", {})
    first = simulation_cache.heavy_monte_carlo(*args)
    again = simulation_cache.heavy_monte_carlo(*args)
    assert again is first and trims == [1]
    simulation_cache.RESULTS.clear()


def test_trimming_freed_memory_is_harmless_anywhere():
    from components.simulation_cache import release_freed_memory

    assert release_freed_memory() is None  # glibc here: trims; elsewhere: does nothing
