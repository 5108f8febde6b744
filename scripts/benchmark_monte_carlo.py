"""Monte Carlo throughput: the vectorised model against a naive per-draw loop, same process.

    .venv/bin/python scripts/benchmark_monte_carlo.py

Prints draws per second for 10^4, 10^5 and 10^6 draws of the full model (all three options,
every ranged input drawn), and the ratio to a per-draw Python loop over
`calculators.roi.option_returns` (the same model core at size one, each draw a validated
scenario) on the same inputs (timed on the first 2,000 draws).
Goal (issue 4): 10^5 draws of the full model in under 0.1 s on one core. Not a test:
timings depend on the machine, so nothing here asserts them.
"""

from __future__ import annotations

import os
import time

from calculators.model import Option, effective, evaluate
from calculators.ranges import RANGED_FIELDS
from calculators.roi import option_returns
from calculators.scenario import INPUTS, Scenario
from calculators.simulation import draw_inputs, monte_carlo

NAIVE_DRAWS = 2_000


def _best_of(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    scenario = Scenario()
    print(f"cores visible: {os.cpu_count()}; ranged inputs: {len(RANGED_FIELDS)}; options: {len(Option)}")
    values = draw_inputs(scenario, NAIVE_DRAWS, seed=1)
    vector_time = _best_of(5, lambda: evaluate(scenario, values))

    base = effective(scenario)

    def naive() -> None:
        for i in range(NAIVE_DRAWS):
            update = {
                f: (round(v[i]) if isinstance(INPUTS[f].default, int) else float(v[i]))
                for f, v in values.items()
            }
            drawn = base.with_changes(**update)
            for option in Option:
                option_returns(drawn, option)

    naive_time = _best_of(1, naive)
    naive_rate = NAIVE_DRAWS / naive_time
    print(f"naive per-draw loop : {naive_rate:12,.0f} draws/s  ({NAIVE_DRAWS:,} draws in {naive_time:.3f} s)")
    print(
        f"vectorised, same    : {NAIVE_DRAWS / vector_time:12,.0f} draws/s  (ratio {naive_time / vector_time:,.0f}x)"
    )
    for draws in (10_000, 100_000, 1_000_000):
        elapsed = _best_of(3 if draws < 1_000_000 else 1, lambda d=draws: monte_carlo(scenario, d, seed=1))
        rate = draws / elapsed
        print(
            f"monte_carlo {draws:>9,} : {elapsed:8.3f} s  {rate:12,.0f} draws/s  "
            f"(ratio to naive {rate / naive_rate:,.0f}x; draws + evaluation + percentile-ready arrays)"
        )


if __name__ == "__main__":
    main()
