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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from calculators.kept import Kept
from calculators.model import Option, effective, evaluate, inputs_read
from calculators.ranges import RANGED_FIELDS, all_triangles
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
    triangles = all_triangles(effective(scenario), overrides)
    # The probe gives the model every ranged input as an array, so what it reads depends on the
    # other inputs (the switches among them) and, of the ranged ones, only on which of their
    # values are zero or negative (a class cost of 0 opens no classes): kept per that layout,
    # moving a slider reads it from the kept answer (tests/unit/test_inputs_used.py).
    key = (
        scenario.model_copy(update=dict.fromkeys(RANGED_FIELDS)),
        tuple(tuple(int(np.sign(v)) for v in triangles[f]) for f in RANGED_FIELDS),
    )
    return _USED.get_or_put(
        key,
        lambda: inputs_read(scenario, {f: np.array(triangles[f], dtype=np.float64) for f in RANGED_FIELDS}),
    )


_USED: Kept[tuple[Any, ...], frozenset[str]] = Kept(256)


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
    """ROI, NPV and payback draws for each option. The paybacks (discounted) are worked out
    when first read, from the same draws, when the run was made without them (`monte_carlo(...,
    paybacks_later=True)`): the verdict reads only NPV and losses."""

    roi_pct: dict[Option, FloatArray]
    npv: dict[Option, FloatArray]
    known_payback: dict[Option, FloatArray] | None = field(default=None, compare=False, repr=False)
    source: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    # month m → each option's share of draws whose payback takes longer than m months, as
    # drawn with the run (`monte_carlo(..., late_after=m)`) or worked out when first asked
    late_known: dict[int, dict[Option, float]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def payback_months(self) -> dict[Option, FloatArray]:
        """Each draw's discounted payback month (+inf: never within the horizon)."""
        if self.known_payback is None:
            assert self.source is not None, "a run without paybacks keeps how to draw them"
            paybacks = _draw_paybacks(*self.source)
            for array in paybacks.values():
                array.setflags(write=False)
            object.__setattr__(self, "known_payback", paybacks)
        assert self.known_payback is not None
        return self.known_payback

    def probability_loss(self, option: Option) -> float:
        """P(ROI < 0) among the draws (a draw without costs has no ROI and is not a loss)."""
        roi = self.roi_pct[option]
        return float(np.count_nonzero(roi < 0)) / roi.size if roi.size else math.nan  # NaN < 0 is False

    def probability_payback_after(self, option: Option, months: float) -> float:
        """P(payback takes longer than `months`), never-paying draws included. For whole months
        without the paybacks at hand: from each draw's running total at that month alone
        (`model.evaluate(..., late_after=)`), the same share without any payback month.

        >>> run, later = monte_carlo(Scenario(), 2_000, 7), monte_carlo(Scenario(), 2_000, 7, paybacks_later=True)
        >>> [run.probability_payback_after(Option.MICRO, m) == later.probability_payback_after(Option.MICRO, m)
        ...  for m in (0, 3, 12, 36, 120)], later.known_payback is None
        ([True, True, True, True, True], True)
        """
        if self.known_payback is None and months == int(months) and self.source is not None:
            month = int(months)
            if month not in self.late_known:
                self.late_known[month] = _draw_late(*self.source, month)
            return self.late_known[month][option]
        return float(np.mean(self.payback_months[option] > months))

    def expected_npv(self, option: Option) -> float:
        """The mean net present value over the draws: what the verdict decides on."""
        return float(np.mean(self.npv[option]))

    def percentiles(self, option: Option, metric: str = "roi_pct") -> tuple[float, float, float]:
        """P10, P50, P90 of a metric (ROI ignoring draws where it does not exist), as
        `np.percentile(values, [10, 50, 90])` gives them.

        >>> run = monte_carlo(Scenario(), 1_000, 7)
        >>> v = run.npv[Option.ILT]
        >>> run.percentiles(Option.ILT, "npv") == tuple(np.percentile(v, [10, 50, 90]).tolist())
        True
        """
        values = getattr(self, metric)[option]
        values = values[np.isfinite(values)]  # a copy: partially sorted in place
        if values.size == 0:
            return (math.nan, math.nan, math.nan)
        each, _ = _percentiles([values], PERCENTILES)
        p10, p50, p90 = each[0]
        return p10, p50, p90

    def summary(self) -> Summary:
        """What the Monte Carlo page reads from these draws (see `Summary`): a few kilobytes."""
        roi = self.roi_pct
        finite = {o: v[np.isfinite(v)] for o, v in roi.items()}  # copies: partially sorted in place
        found = {o: v for o, v in finite.items() if v.size}
        percentiles = dict.fromkeys(roi, (math.nan, math.nan, math.nan))
        edges: FloatArray = np.empty(0)
        shares: dict[Option, tuple[float, ...]] = {o: () for o in roi}
        if found:
            each, (lo, hi) = _percentiles(list(found.values()), PERCENTILES, HISTOGRAM_RANGE)
            percentiles.update(zip(found, each, strict=True))
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            edges = np.linspace(lo, hi if hi > lo else lo + 1.0, HISTOGRAM_STEPS + 1)
            for option, values in finite.items():
                counts = _histogram(np.clip(values, lo, hi), edges)
                shares[option] = tuple((counts / max(roi[option].size, 1) * 100).tolist())
        paybacks = self.known_payback
        return Summary(
            draws=len(next(iter(roi.values()))),
            roi_percentiles=percentiles,
            loss={o: self.probability_loss(o) for o in roi},
            payback_over=None
            if paybacks is None
            else {o: _shares_after_each_month(v) for o, v in paybacks.items()},
            edges=tuple(edges.tolist()),
            shares=shares,
            mean_npv={o: self.expected_npv(o) for o in self.npv},
            late=None if paybacks is not None else self.probability_payback_after,
        )


PAYBACK_MONTHS_MAX = 120  # the longest payback target the Monte Carlo page offers (months)
HISTOGRAM_STEPS = 60  # ROI steps in the Monte Carlo page's histogram
PERCENTILES = (10, 50, 90)  # each option's P10, P50, P90
HISTOGRAM_RANGE = (0.5, 99.5)  # the histogram's ROI range: these percentiles of every option's ROI


def _order(n: int, percent: float) -> tuple[int, int, float]:
    """Where `np.percentile`'s default ("linear") method reads a percentile p of n values:
    between the order statistics i and j = i + 1 (0-based; both n − 1 at the top), at
    (n − 1)·p/100 = i + γ.

    >>> _order(11, 25.0), _order(5, 100.0)
    ((2, 3, 0.5), (4, 4, 0.0))
    """
    at = (n - 1) * (percent / 100)
    if at >= n - 1:
        return n - 1, n - 1, at - (n - 1)
    i = math.floor(at)
    return i, i + 1, at - i


def _lerp(a: float, b: float, t: float) -> float:
    """a + t·(b − a) as `np.percentile` works it out, to the last bit: from b when t ≥ ½."""
    d = b - a
    return b - d * (1 - t) if t >= 0.5 else a + d * t


def _percentiles(
    parts: list[FloatArray], percents: tuple[float, ...], pooled: tuple[float, ...] = ()
) -> tuple[list[tuple[float, ...]], tuple[float, ...]]:
    """`np.percentile(part, percents)` of each part (non-empty, finite) and
    `np.percentile(np.concatenate(parts), pooled)`, the same numbers to the last bit, from one
    partial sort of each part (`ndarray.partition`, in place: the parts' order is lost).

    A percentile interpolates between two order statistics (`_order`, `_lerp`). The r + 1
    smallest of the pooled values take at most r + 1 from each part, so the pooled order
    statistic r is the r-th of each part's r + 1 smallest put together (and the same from
    the top): the pooled percentiles read a few values at each part's ends, not a sort of all.

    >>> rng = np.random.default_rng(3)
    >>> parts = [rng.normal(size=n) for n in (700, 1, 300)]
    >>> expected = [tuple(np.percentile(p, [10, 50, 90]).tolist()) for p in parts]
    >>> pooled = tuple(np.percentile(np.concatenate(parts), [0.5, 99.5]).tolist())
    >>> _percentiles(parts, (10, 50, 90), (0.5, 99.5)) == (expected, pooled)
    True
    """
    total = sum(p.size for p in parts)
    wanted = [_order(total, q) for q in pooled]
    ranks = {k for i, j, _ in wanted for k in (i, j)}
    low = max((k + 1 for k in ranks if 2 * k < total), default=0)  # read among the low smallest
    high = max((total - k for k in ranks if 2 * k >= total), default=0)  # or the high largest
    each, smallest, largest = [], [], []
    for part in parts:
        n = part.size
        own = [_order(n, q) for q in percents]
        cut_low, cut_high = min(low, n) - 1, max(n - high, 0)
        kth = {k for i, j, _ in own for k in (i, j)}
        kth.update(k for k in (cut_low, cut_high) if 0 <= k < n)
        part.partition(sorted(kth))
        each.append(tuple(_lerp(float(part[i]), float(part[j]), t) for i, j, t in own))
        smallest.append(part[: cut_low + 1])
        largest.append(part[cut_high:])
    ends_low = np.sort(np.concatenate(smallest)) if low > 0 else np.empty(0)
    ends_high = np.sort(np.concatenate(largest)) if high > 0 else np.empty(0)
    skipped = total - ends_high.size  # the pooled values below the largest kept

    def pooled_value(k: int) -> float:
        return float(ends_low[k]) if k < low else float(ends_high[k - skipped])

    return each, tuple(_lerp(pooled_value(i), pooled_value(j), t) for i, j, t in wanted)


def _histogram(values: FloatArray, edges: FloatArray) -> npt.NDArray[np.intp]:
    """`np.histogram(values, bins=edges)[0]` for values within [edges[0], edges[-1]] and edges
    in increasing order: step s counts edges[s] ≤ v < edges[s + 1], the last step its right
    edge too. Each value's step is first guessed from the equal widths, then moved down or up
    until its edges hold it (a guess is off only by rounding), so the counts are exactly
    `np.histogram`'s, without sorting the values.

    >>> _histogram(np.array([0.0, 0.5, 1.0, 1.5, 2.0]), np.array([0.0, 1.0, 2.0])).tolist()
    [2, 3]
    """
    steps = edges.size - 1
    scale = steps / (edges[-1] - edges[0])
    step = ((values - edges[0]) * (scale if math.isfinite(scale) else 0.0)).astype(np.intp)
    np.clip(step, 0, steps - 1, out=step)
    while True:
        down = values < edges[step]
        up = values >= edges[step + 1]
        up &= step < steps - 1
        if not (down.any() or up.any()):
            return np.bincount(step, minlength=steps)
        step -= down
        step += up


def _shares_after_each_month(payback: FloatArray) -> tuple[float, ...]:
    """Share of draws whose payback takes longer than m months, for m = 0 … 120, in one pass.

    For a whole m, p > m exactly when ceil(p) − 1 ≥ m (5.3 > 5; 5 > 4 but not > 5), so one
    count of ceil(p) − 1 per month, summed from the top, answers every m; draws without a
    payback (NaN) count in the total but never as late, +inf (never repaid) always as late,
    exactly as `MonteCarlo.probability_payback_after`.

    >>> _shares_after_each_month(np.array([0.5, 5.0, 5.3, np.inf]))[4:7]  # > 4, > 5, > 6 months
    (0.75, 0.5, 0.25)
    """
    n = max(payback.size, 1)
    known = payback[~np.isnan(payback)]
    month = np.clip(np.ceil(known) - 1, -1, PAYBACK_MONTHS_MAX + 1).astype(np.int64) + 1  # 0 … 122
    counts = np.bincount(month, minlength=PAYBACK_MONTHS_MAX + 3)
    later = np.cumsum(counts[::-1])[::-1]  # later[k] = draws with ceil(p) − 1 ≥ k − 1
    return tuple((later[1 : PAYBACK_MONTHS_MAX + 2] / n).tolist())


@dataclass(frozen=True)
class Summary:
    """What the Monte Carlo page reads from a run: a few kilobytes, whatever its number of draws.

    A run of 10^6 draws is 72 MB of arrays; its page shows three percentiles, the chances of a
    loss and of a late payback, and a histogram of 60 steps. A heavy run is summarised where
    it is drawn (the worker process), so only this crosses back, and a payback target or an
    option shown re-reads it instead of 3 × 10^6 draws.

    - `roi_percentiles`: P10, P50, P90 of ROI (%) over the draws where ROI exists;
    - `loss`: the share of draws with ROI < 0;
    - `payback_over[m]`: the share whose payback (discounted, as every screen states it) takes longer than m months,
      m = 0 … 120 (never repaid included), when the run has its paybacks; else `late(option, m)`
      works out the one asked for from the run's draws (a run kept in this process);
    - `edges`: 61 ROI (%) step edges from the 0.5th to the 99.5th percentile of every option's
      ROI, widened to include 0 (empty when no option has costs, so no ROI); `shares[o]`: % of
      o's draws in each step (ROI beyond the edges counted in the end steps).

    >>> from calculators.scenario import Scenario
    >>> run = monte_carlo(Scenario(), 2_000, 7)
    >>> s = run.summary()
    >>> s.draws, len(s.edges), s.percentiles(Option.MICRO) == run.percentiles(Option.MICRO)
    (2000, 61, True)
    >>> s.probability_payback_after(Option.ILT, 24) == run.probability_payback_after(Option.ILT, 24)
    True
    """

    draws: int
    roi_percentiles: dict[Option, tuple[float, float, float]]
    loss: dict[Option, float]
    payback_over: dict[Option, tuple[float, ...]] | None
    edges: tuple[float, ...]
    shares: dict[Option, tuple[float, ...]]
    mean_npv: dict[Option, float] = field(default_factory=dict)
    late: Callable[[Option, int], float] | None = field(default=None, compare=False, repr=False)

    def expected_npv(self, option: Option) -> float:
        """The mean net present value over the draws: what the verdict decides on."""
        return self.mean_npv[option]

    def percentiles(self, option: Option) -> tuple[float, float, float]:
        """P10, P50, P90 of ROI (%), NaN when ROI does not exist in any draw."""
        return self.roi_percentiles[option]

    def probability_loss(self, option: Option) -> float:
        """P(ROI < 0) among the draws."""
        return self.loss[option]

    def probability_payback_after(self, option: Option, months: int) -> float:
        """P(payback takes longer than `months`), for whole months 0 … 120."""
        if months != int(months) or not 0 <= months <= PAYBACK_MONTHS_MAX:
            raise ValueError(f"payback target must be whole months 0–{PAYBACK_MONTHS_MAX}, not {months}")
        if self.payback_over is None:
            assert self.late is not None, "a summary without the paybacks' table reads its run"
            return self.late(option, int(months))
        return self.payback_over[option][int(months)]

    @property
    def nbytes(self) -> int:
        """About what it holds in memory (8 bytes a number), for caches bounded in bytes."""
        numbers = 3 * len(self.roi_percentiles) + len(self.loss) + len(self.edges) + len(self.mean_npv)
        numbers += sum(map(len, (self.payback_over or {}).values())) + sum(map(len, self.shares.values()))
        return 8 * numbers


def monte_carlo(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    progress: Callable[[float], None] | None = None,
    paybacks_later: bool = False,
    late_after: int | None = None,
) -> MonteCarlo:
    """Draw all ranged inputs `draws` times and evaluate every option (chunks of 10^5 draws).

    Chunks use consecutive seeds derived from `seed`, so a run is reproducible and its
    memory stays bounded whatever `draws` is. `paybacks_later`: leave the paybacks out, to be
    worked out from the same draws if they are read (`MonteCarlo.payback_months`). `late_after`
    (whole months): also the share of draws whose payback takes longer than that, from the
    same evaluation (the Monte Carlo page's payback target, without every draw's payback).

    >>> later = monte_carlo(Scenario(), 2_000, 7, paybacks_later=True)
    >>> now = monte_carlo(Scenario(), 2_000, 7)
    >>> all(np.array_equal(later.payback_months[o], now.payback_months[o]) for o in Option)
    True
    """
    roi: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    npv: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    payback: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    wanted = frozenset() if paybacks_later else frozenset({"discounted"})
    late: dict[Option, int] = dict.fromkeys(Option, 0)
    for done, drawn in _drawn_chunks(scenario, draws, seed, distribution, overrides):
        for option, r in evaluate(scenario, drawn, paybacks=wanted, late_after=late_after).items():
            roi[option].append(r.roi_pct)
            npv[option].append(r.npv)
            payback[option].append(r.discounted_payback_months)
            if r.late is not None:
                late[option] += int(np.count_nonzero(r.late))
        if progress is not None:
            progress(done / draws)
    join = lambda d: {o: np.concatenate(v) for o, v in d.items()}  # noqa: E731
    known = (
        {} if late_after is None else {late_after: {o: count / max(draws, 1) for o, count in late.items()}}
    )
    if paybacks_later:
        source = (scenario, draws, seed, distribution, dict(overrides or {}))
        return MonteCarlo(join(roi), join(npv), None, source, known)
    return MonteCarlo(join(roi), join(npv), join(payback), late_known=known)


def _draw_paybacks(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> dict[Option, FloatArray]:
    """The discounted paybacks of `monte_carlo`'s draws (the same chunk seeds, the same draws)."""
    payback: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    for _, drawn in _drawn_chunks(scenario, draws, seed, distribution, overrides):
        for option, r in evaluate(scenario, drawn, paybacks=frozenset({"discounted"})).items():
            payback[option].append(r.discounted_payback_months)
    return {o: np.concatenate(v) for o, v in payback.items()}


def _draw_late(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
    month: int,
) -> dict[Option, float]:
    """Each option's share of `monte_carlo`'s draws whose payback takes longer than `month`."""
    late: dict[Option, int] = dict.fromkeys(Option, 0)
    for _, drawn in _drawn_chunks(scenario, draws, seed, distribution, overrides):
        for option, r in evaluate(scenario, drawn, paybacks=frozenset(), late_after=month).items():
            late[option] += int(np.count_nonzero(r.late))
    return {o: count / max(draws, 1) for o, count in late.items()}


def _drawn_chunks(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]] | None,
) -> Iterator[tuple[int, dict[str, FloatArray]]]:
    """`monte_carlo`'s draws chunk by chunk (10^5 at most, consecutive seeds derived from
    `seed`): the draws done so far and the drawn values of the inputs the scenario uses."""
    done = 0
    for chunk_seed in np.random.SeedSequence(seed).spawn(max(1, math.ceil(draws / CHUNK))):
        size = min(CHUNK, draws - done)
        if size <= 0:
            break
        values = draw_inputs(scenario, size, int(chunk_seed.generate_state(1)[0]), distribution, overrides)
        used = inputs_used(scenario, overrides)
        done += size
        yield done, {f: v for f, v in values.items() if f in used}
