"""Monte Carlo: seeded draws of every uncertain input, through the one model core.

Monte Carlo draws every ranged input from a triangular or PERT distribution between its
low, most likely and high values (`calculators.ranges`), with `np.random.default_rng(seed)`,
and evaluates all options for all draws in one call of `calculators.model.evaluate`, the
same function that answers for a single scenario: 10^5 draws of the whole model take one
call and no Python loop per draw.

>>> from calculators.scenario import Scenario
>>> a, b = monte_carlo(Scenario(), draws=10_000, seed=7), monte_carlo(Scenario(), draws=10_000, seed=7)
>>> bool(np.array_equal(a.roi_pct[Option.MICRO], b.roi_pct[Option.MICRO]))  # same seed, same draws
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from calculators.model import Option, effective, evaluate, inputs_read
from calculators.ranges import RANGED_FIELDS, all_triangles, ranges_key
from calculators.scenario import Scenario

FloatArray = npt.NDArray[np.float64]
Distribution = Literal["triangular", "PERT"]
CHUNK = 100_000


def _draw(
    rng: np.random.Generator, low: float, mode: float, high: float, size: int, kind: Distribution
) -> FloatArray:
    """`size` draws on [low, high] with that mode: triangular, or PERT (a scaled beta).

    Triangular by Stein & Keblis (2009): with U, V uniform on [0, 1) and c = (mode − low) /
    (high − low), low + (high − low)·[(1 − c)·min(U, V) + c·max(U, V)] is triangular — the
    same law as `Generator.triangular`, in about 40 % of its time (two uniforms and four
    in-place array operations).

    >>> x = _draw(np.random.default_rng(1), 10.0, 20.0, 40.0, 200_000, "triangular")
    >>> bool(10 <= x.min() and x.max() <= 40), round(float(x.mean()), 1)  # mean (10 + 20 + 40) / 3
    (True, 23.3)
    """
    if high <= low:
        return np.full(size, mode)
    if kind == "triangular":
        u, v = rng.random(size), rng.random(size)
        lesser = np.minimum(u, v)
        spread = np.maximum(u, v, out=v)
        spread -= lesser
        spread *= mode - low  # (high − low) · c · (max − min)
        lesser *= high - low
        lesser += spread
        lesser += low
        return lesser
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    return low + (high - low) * rng.beta(alpha, beta, size)


def draw_inputs(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, FloatArray]:
    """Seeded draws of every ranged input: each input from its own stream, seeded by
    (`seed`, its place in `RANGED_FIELDS`), so an input's draws depend only on its own range.

    Runs of up to `REUSED_DRAWS` draws reuse an input's draws while its range is unchanged
    (read-only arrays, kept for the process): moving one slider redraws that input alone.
    An input the scenario does not use (`inputs_used`) is not drawn: it holds its most
    likely value in every draw (a read-only view, no memory).

    >>> a = draw_inputs(Scenario(), 1_000, 7)
    >>> b = draw_inputs(Scenario(learners=2_000), 1_000, 7)
    >>> bool((a["micro_fixed_cost"] == b["micro_fixed_cost"]).all()), bool((a["learners"] == b["learners"]).all())
    (True, False)
    """
    triangles = all_triangles(effective(scenario), overrides)
    used = inputs_used(scenario, overrides)
    draw = _reused_draws if draws <= REUSED_DRAWS else _field_draws
    return {
        f: draw(i, *triangles[f], draws, seed, distribution)
        if f in used
        else _constant(triangles[f][1], draws)
        for i, f in enumerate(RANGED_FIELDS)
    }


def _constant(value: float, size: int) -> FloatArray:
    """`size` copies of `value` as a read-only view (no memory, no random numbers)."""
    return np.broadcast_to(np.float64(value), (size,))


def inputs_used(
    scenario: Scenario, overrides: Mapping[str, tuple[float, float]] | None = None
) -> frozenset[str]:
    """The ranged inputs whose draws can change an outcome of `scenario`: those the model core
    reads (`calculators.model.inputs_read`, probed on every input's low, most likely and high
    values). The others (a benefit stream switched off, say) are not drawn: their most likely
    value stands for them, which changes no outcome and saves their random numbers (the
    default scenario reads 15 of the 37). Each input keeps its own stream, so the draws of
    the inputs used are the same either way.

    >>> used = inputs_used(Scenario())
    >>> "learners" in used, "revenue_per_training_dollar" in used
    (True, False)
    >>> "revenue_per_training_dollar" in inputs_used(Scenario(revenue_on=True))
    True
    """
    return _inputs_used(scenario, ranges_key(overrides))


@lru_cache(maxsize=256)
def _inputs_used(
    scenario: Scenario, overrides: tuple[tuple[str, tuple[float, float]], ...]
) -> frozenset[str]:
    triangles = all_triangles(effective(scenario), dict(overrides))
    return inputs_read(scenario, {f: np.array(triangles[f], dtype=np.float64) for f in RANGED_FIELDS})


REUSED_DRAWS = 10_000  # at most 256 inputs' draws of this size are kept: about 20 MB


def _field_draws(
    index: int, low: float, mode: float, high: float, size: int, seed: int, kind: Distribution
) -> FloatArray:
    draws = _draw(np.random.default_rng([seed, index]), low, mode, high, size, kind)
    draws.flags.writeable = False  # shared between runs: nothing may change it in place
    return draws


_reused_draws = lru_cache(maxsize=256)(_field_draws)
reused_draws = _reused_draws  # (index, low, mode, high, size, seed, kind): one input's kept draws


@lru_cache(maxsize=256)
def _reused_order(
    index: int, low: float, mode: float, high: float, size: int, seed: int, kind: Distribution
) -> FloatArray:
    order = np.argsort(_reused_draws(index, low, mode, high, size, seed, kind), kind="stable")
    order.flags.writeable = False
    return order


reused_order = _reused_order  # (index, low, mode, high, size, seed, kind): one input's kept sort order


def draw_orders(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, FloatArray]:
    """The stable sort order of each input's draws in `draw_inputs(...)` with the same
    arguments, reused like the draws themselves; empty above `REUSED_DRAWS` draws (sort them).

    >>> x, o = draw_inputs(Scenario(), 500, 3), draw_orders(Scenario(), 500, 3)
    >>> bool((np.diff(x["learners"][o["learners"]]) >= 0).all())
    True
    """
    if draws > REUSED_DRAWS:
        return {}
    triangles = all_triangles(effective(scenario), overrides)
    used = inputs_used(scenario, overrides)
    return {
        f: _reused_order(i, *triangles[f], draws, seed, distribution)
        for i, f in enumerate(RANGED_FIELDS)
        if f in used
    }


@dataclass(frozen=True)
class MonteCarlo:
    """ROI, NPV and payback draws for each option."""

    roi_pct: dict[Option, FloatArray]
    npv: dict[Option, FloatArray]
    payback_months: dict[Option, FloatArray]

    def probability_loss(self, option: Option) -> float:
        """P(ROI < 0) among the draws (a draw without costs has no ROI and is not a loss)."""
        roi = self.roi_pct[option]
        return float(np.mean(np.nan_to_num(roi, nan=0.0) < 0))

    def probability_payback_after(self, option: Option, months: float) -> float:
        """P(payback takes longer than `months`), never-paying draws included."""
        return float(np.mean(self.payback_months[option] > months))

    def percentiles(self, option: Option, metric: str = "roi_pct") -> tuple[float, float, float]:
        """P10, P50, P90 of a metric (ROI ignoring draws where it does not exist)."""
        values = getattr(self, metric)[option]
        values = values[np.isfinite(values)]
        if values.size == 0:
            return (math.nan, math.nan, math.nan)
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return float(p10), float(p50), float(p90)


def monte_carlo(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> MonteCarlo:
    """Draw all ranged inputs `draws` times and evaluate every option (chunks of 10^5 draws).

    Chunks use consecutive seeds derived from `seed`, so a run is reproducible and its
    memory stays bounded whatever `draws` is.
    """
    roi: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    npv: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    payback: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    done = 0
    seeds = np.random.SeedSequence(seed).spawn(max(1, math.ceil(draws / CHUNK)))
    for chunk_seed in seeds:
        size = min(CHUNK, draws - done)
        if size <= 0:
            break
        values = draw_inputs(scenario, size, int(chunk_seed.generate_state(1)[0]), distribution, overrides)
        used = inputs_used(scenario, overrides)
        for option, r in evaluate(scenario, {f: v for f, v in values.items() if f in used}).items():
            roi[option].append(r.roi_pct)
            npv[option].append(r.npv)
            payback[option].append(r.payback_months)
        done += size
        if progress is not None:
            progress(done / draws)
    join = lambda d: {o: np.concatenate(v) for o, v in d.items()}  # noqa: E731
    return MonteCarlo(join(roi), join(npv), join(payback))
