"""The value of information: what resolving the uncertainty could be worth before choosing.

Every choice here is among four options: microlearning, instructor-led, the blend, and
**not training** (cost 0, benefit 0, NPV 0 in every draw; PRODUCT.md, "The decision").
Not training is not a format of the model (`calculators.model.Option` has no such member):
as in `calculators.verdict`, it is None (`NO_TRAINING`), and `with_not_training` adds its
zero column to the options' per-draw NPVs.

From the Monte Carlo draws (the same seeded draws as the Monte Carlo page, one evaluation
of the model core for all of them), in the scenario's currency:

- **EVPI**, the expected value of perfect information: knowing every uncertain input before
  choosing would let one pick the best option draw by draw, instead of the option best on
  average, so

      EVPI = E[max_o NPV_o] − max_o E[NPV_o]  =  E[max_o NPV_o − NPV_o*]  ≥ 0,

  where o* is the option with the highest mean NPV. Its Monte Carlo standard error is the
  standard deviation of that per-draw regret over √N. It is the most any study, pilot or
  survey could be worth: a pilot costing more cannot pay for itself.
- **Partial EVPI** of one input X: the value of learning X alone,

      EVPPI(X) = E_X[ max_o E[NPV_o | X] ] − max_o E[NPV_o],

  estimated without a second simulation by regression on X (Strong, Oakley & Brennan 2014,
  Med Decis Making 34:311): each option's NPV difference from o*, D_o = NPV_o − NPV_o*, is
  fitted on X by least squares with a natural cubic spline (`KNOTS` knots at quantiles of
  X: linear beyond the outer knots), the fitted values ĝ_o(x_i) standing for E[D_o | X = x_i]:

      EVPPI(X) ≈ mean_i max(0, max_o ĝ_o(x_i))        (the fit keeps each mean: mean_i ĝ_o = mean D_o ≤ 0)

  clipped to [0, EVPI]. An input that takes few distinct values is fitted by its group
  means (exact); one that does not vary is worth 0. Unlike cutting the sorted draws into
  bins, the fit has no bias at a tie from a small number of draws per bin: what is left is
  its noise, about 0.4·sd(D)·√(KNOTS/N) for an input that explains nothing at an exact
  tie (0.01·sd(D) at N = 10^4).

- **EVSI** of the Pilot planner's pilot (`pilot_values`, `binomial_evsi`): what learning the
  pilot's count of successes is worth, exact over its binomial outcomes by weighting the
  draws of the effect it measures by their likelihood (Menzies 2016), less its cost
  (`pilot_cost`) for its net value.

The tornado says what moves the answer; this says what is worth finding out.

Worked example, two options whose NPV difference D is normal (a closed form exists):
EVPI = σ·φ(μ/σ) − |μ|·Φ(−|μ|/σ). For μ = 0, σ = 1000 it is 1000·φ(0) ≈ 398.9:

>>> rng = np.random.default_rng(1)
>>> npv = {"a": np.zeros(400_000), "b": rng.normal(0.0, 1000.0, 400_000)}
>>> value, se = evpi(npv)
>>> abs(value - 1000 * 0.3989423) < 3 * se, round(se)
(True, 1)
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.kept import Kept
from calculators.model import Option, effective, evaluate
from calculators.ranges import RANGED_FIELDS, all_triangles, ranges_key
from calculators.scenario import Scenario
from calculators.simulation import (
    CHUNK,
    REUSED_DRAWS,
    Distribution,
    Summary,
    draw_inputs,
    inputs_used,
    monte_carlo,
    reused_order,
)

FloatArray = npt.NDArray[np.float64]


NO_TRAINING = None  # not training, as `calculators.verdict` names it: the key of its NPVs, a choice
Choice = Option | None  # what value of information chooses among: an option, or None (not training)


def choice_label(choice: Choice) -> str:
    """A choice's name on its own: an option's label, or "Not training".

    >>> choice_label(Option.BLEND), choice_label(NO_TRAINING)
    ('Blended', 'Not training')
    """
    return "Not training" if choice is None else choice.label


def with_not_training(npv: Mapping[Any, FloatArray]) -> dict[Any, FloatArray]:
    """The options' per-draw NPVs and not training's (`NO_TRAINING`, 0 in every draw): the four
    options of every choice (a new dict; the options' arrays are not copied).

    >>> {str(k): v.tolist() for k, v in with_not_training({Option.MICRO: np.array([-1.0, 2.0])}).items()}
    {'micro': [-1.0, 2.0], 'None': [0.0, 0.0]}
    """
    size = len(next(iter(npv.values()))) if npv else 0
    return dict(npv) if NO_TRAINING in npv else {**npv, NO_TRAINING: np.zeros(size)}


@dataclass(frozen=True)
class InformationValue:
    """EVPI with its standard error, the choice best on average (an `Option`, or None: not
    training), and partial EVPI per input, all among the three options and not training."""

    evpi: float
    standard_error: float
    best_on_average: Choice
    partial: dict[str, float]  # input field → partial EVPI, largest first
    draws: int

    def ranked(self, top: int = 10) -> list[tuple[str, float]]:
        """The inputs most worth learning, largest partial EVPI first."""
        return list(self.partial.items())[:top]


def _matrix(npv: Mapping[Any, FloatArray]) -> tuple[list[Any], FloatArray]:
    keys = list(npv)
    return keys, np.column_stack([np.asarray(npv[k], dtype=float) for k in keys])


def best_on_average(npv: Mapping[Any, FloatArray]) -> tuple[Any, float]:
    """The option with the highest mean NPV over the draws, and that mean: the choice made now
    (among the options given: pass `with_not_training(npv)` to include not training; a tie
    goes to the option given first).

    >>> best_on_average({"a": np.array([1.0, 3.0]), "b": np.array([2.5, 2.5])})
    ('b', 2.5)
    >>> best_on_average(with_not_training({Option.MICRO: np.array([-3.0, 1.0])}))  # not training
    (None, 0.0)
    """
    means = {o: float(np.mean(v)) for o, v in npv.items()}
    best = max(means, key=lambda o: means[o])
    return best, means[best]


def expected_value_now(npv: Mapping[Any, FloatArray]) -> float:
    """The expected NPV of deciding now, among the options and not training: max(0, max_o E[NPV_o]).

    >>> expected_value_now({Option.MICRO: np.array([-3.0, 1.0]), Option.ILT: np.array([-5.0, -4.0])})
    0.0
    """
    return best_on_average(with_not_training(npv))[1]


def evpi(npv: Mapping[Any, FloatArray]) -> tuple[float, float]:
    """EVPI and its Monte Carlo standard error from per-draw NPVs of each option given.

    >>> evpi({"a": np.array([0.0, 0.0]), "b": np.array([-1.0, 3.0])})  # b on average; a wins draw 1
    (0.5, 0.5)
    """
    _, m = _matrix(npv)
    return _evpi(m, _best_column(m))


def _best_column(m: FloatArray) -> int:
    """The option (column) with the highest mean NPV over the draws (rows); a tie to the first."""
    return int(np.argmax(m.mean(axis=0))) if m.shape[0] else 0


def _evpi(m: FloatArray, best: int) -> tuple[float, float]:
    """`evpi` of the NPV matrix (draws × options) whose column `best` is best on average."""
    regret = functools.reduce(np.maximum, m.T) - m[:, best]  # max_o NPV_o − NPV_o*, draw by draw
    n = regret.size
    se = float(regret.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return float(regret.mean()), se


# --- partial EVPI by regression on the input ---------------------------------------------------

KNOTS = 6  # natural cubic spline knots at these quantiles of the input: 6 coefficients per option
_KNOT_QUANTILES = np.linspace(0.05, 0.95, KNOTS)
_FEW_VALUES = 2 * KNOTS  # an input with at most this many distinct values: fitted by group means


def _spline_basis(x: FloatArray, knots: FloatArray) -> FloatArray:
    """The natural (restricted) cubic spline basis 1, z, h_1 … h_{K−2} of x on K ≥ 3 knots t
    (Harrell 2015, Regression Modeling Strategies, eq. 2.25), on z = (x − t_1)/(t_K − t_1),
    one row per basis function:

        h_j = (z − τ_j)₊³ − (z − τ_{K−1})₊³·(τ_K − τ_j)/(τ_K − τ_{K−1}) + (z − τ_K)₊³·(τ_{K−1} − τ_j)/(τ_K − τ_{K−1})

    (τ the scaled knots): cubic between the knots, linear beyond the outer two.

    >>> b = _spline_basis(np.linspace(-1.0, 3.0, 9), np.array([0.0, 1.0, 2.0]))
    >>> b.shape, bool(np.allclose(np.diff(b[2, -3:], 2), 0))  # linear beyond the last knot
    ((3, 9), True)
    """
    span = knots[-1] - knots[0]
    tau = (knots - knots[0]) / span
    k = tau.size
    basis = np.empty((k, x.size))
    basis[0] = 1.0
    z = basis[1]
    np.subtract(x, knots[0], out=z)
    z /= span
    cubes = z[None, :] - tau[:, None]
    np.maximum(cubes, 0.0, out=cubes)
    squares = cubes * cubes
    cubes *= squares
    last, before = tau[-1], tau[-2]
    a = (last - tau[:-2]) / (last - before)
    b = (before - tau[:-2]) / (last - before)
    h = basis[2:]
    np.subtract(cubes[:-2], np.multiply.outer(a, cubes[-2]), out=h)
    h += np.multiply.outer(b, cubes[-1])
    return basis


Design = tuple[Any, ...]  # ("mean",) | ("groups", inverse, counts, m) | ("spline", basis, gram)


def _design(x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> Design:
    """What a fit on `x` needs from `x` alone: nothing (it does not vary), its groups (at most
    `2·KNOTS` distinct values), or its spline basis B and Gram matrix B·Bᵀ."""
    n = x.size
    if n == 0:
        return ("mean",)
    low, high = float(x.min()), float(x.max())
    if low == high:
        return ("mean",)
    # at most 2·KNOTS distinct values: E[d | x] is the mean of each group (exact); a few draws
    # with more distinct values than that settle it without counting them all
    if np.unique(x[: 4 * _FEW_VALUES]).size <= _FEW_VALUES:
        values, inverse = np.unique(x, return_inverse=True)
        if values.size <= _FEW_VALUES:
            return ("groups", inverse, np.bincount(inverse, minlength=values.size), values.size)
    # the knots are order statistics: found by partial sorting (the sorted draws' values there)
    at = np.round(_KNOT_QUANTILES * (n - 1)).astype(int)
    knots = np.unique((x[order] if order is not None else np.partition(x, at))[at])
    basis = _spline_basis(x, knots) if knots.size >= 3 else np.vstack([np.ones_like(x), x - low])
    return ("spline", basis, basis @ basis.T)


_DESIGNS_KEPT = 48  # designs of shared draws kept: 10^4 draws take 0.5 MB each
_designs: Kept[int, tuple[weakref.ref, Design]] = Kept(_DESIGNS_KEPT)  # on the draws' id, while they live


def _kept_design(x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> Design:
    """`_design(x)`, kept for the shared read-only draws of up to `REUSED_DRAWS`
    (`calculators.simulation.draw_inputs` reuses an input's draws while its range is unchanged:
    moving one slider leaves every other input's basis as it was)."""
    if x.flags.writeable or x.size > REUSED_DRAWS:
        return _design(x, order)
    key = id(x)
    found = _designs.get(key, valid=lambda kept: kept[0]() is x)  # not another array's, since freed
    if found is not None:
        return found[1]
    design = _design(x, order)
    _designs.put(key, (weakref.ref(x), design))
    return design


def _fit(gaps: FloatArray, x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> FloatArray:
    """`conditional_means` with one row per column of d (rows × draws, in and out)."""
    return _fitted(gaps, _kept_design(np.asarray(x, dtype=float), order))


def _fitted(gaps: FloatArray, design: Design) -> FloatArray:
    """`_fit` on the design of x (`_design`)."""
    if design[0] == "mean":
        return np.broadcast_to(gaps.mean(axis=1)[:, None], gaps.shape).copy()
    if design[0] == "groups":
        _, inverse, counts, m = design
        return np.array([(np.bincount(inverse, row, m) / counts)[inverse] for row in gaps])
    _, basis, gram = design
    try:  # least squares by the normal equations: K × K, well conditioned on the scaled basis
        coefficients = np.linalg.solve(gram, basis @ gaps.T)
    except np.linalg.LinAlgError:
        coefficients = np.linalg.lstsq(basis.T, gaps.T, rcond=None)[0]
    return coefficients.T @ basis


def conditional_means(d: FloatArray, x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> FloatArray:
    """E[d | x] at each draw, for each column of `d` (draws × columns): a least-squares natural
    cubic spline on `x` with `KNOTS` knots at its quantiles (group means when `x` takes at most
    `2·KNOTS` distinct values; the mean when it does not vary). `order`: x's stable argsort, if known.

    The fit has an intercept, so each column keeps its mean; a linear relation is fitted exactly:

    >>> x = np.linspace(0.0, 1.0, 101)
    >>> fit = conditional_means(np.column_stack([3 * x - 1, x * x]), x)
    >>> bool(np.allclose(fit[:, 0], 3 * x - 1)), bool(np.isclose(fit[:, 1].mean(), (x * x).mean()))
    (True, True)
    >>> conditional_means(np.array([[1.0], [3.0], [10.0]]), np.array([0.0, 0.0, 1.0])).ravel().tolist()
    [2.0, 2.0, 10.0]
    """
    d = np.asarray(d, dtype=float).reshape(len(x), -1)
    return _fit(np.ascontiguousarray(d.T), x, order).T


class _Regression:
    """What every input's partial EVPI shares: each option's NPV difference from the option
    best on average (one row per other option, one column per draw) and EVPI."""

    def __init__(self, m: FloatArray, best: int | None = None) -> None:
        n, k = m.shape
        best = _best_column(m) if best is None else best  # `best`: `_best_column(m)`, if known
        gaps = [m[:, o] - m[:, best] for o in range(k) if o != best]
        self.gaps = np.stack(gaps) if gaps else np.empty((0, n))
        self.evpi = _best_gain(self.gaps) if n else 0.0

    def fitted(self, x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> FloatArray:
        """ĝ_o(x_i): each option's expected NPV difference from the best on average, given x
        (options × draws)."""
        return _fit(self.gaps, x, order)

    def partial(self, x: FloatArray, order: npt.NDArray[np.intp] | None = None) -> float:
        """Partial EVPI of the input drawn as `x` (`order`: its stable argsort, if known)."""
        x = np.asarray(x, dtype=float)
        if x.size == 0 or self.evpi <= 0 or self.gaps.shape[0] == 0:
            return 0.0
        design = _kept_design(x, order)
        if design[0] == "mean":  # x does not vary
            return 0.0
        return _clip(_best_gain(_fitted(self.gaps, design)), self.evpi)


def _best_gain(gains: FloatArray) -> float:
    """mean_i max(0, max_o ĝ_o(x_i)) over gains (options × draws): the expected gain of
    choosing after learning what they are conditioned on."""
    if gains.shape[0] == 0 or gains.shape[1] == 0:
        return 0.0
    return float(np.maximum(gains.max(axis=0), 0.0).mean())


def _clip(value: float, ceiling: float) -> float:
    return min(max(value, 0.0), max(ceiling, 0.0))


def partial_evpi(npv: Mapping[Any, FloatArray], x: FloatArray) -> float:
    """The value of learning `x` alone, among the options given (regression on x; see the
    module docstring), in [0, EVPI].

    >>> x = np.linspace(0, 1, 10_000)
    >>> npv = {"a": np.zeros_like(x), "b": x - 0.5}   # learning x decides it exactly
    >>> round(partial_evpi(npv, x), 3), round(evpi(npv)[0], 3)
    (0.125, 0.125)
    >>> partial_evpi(npv, np.full_like(x, 0.3))       # an input that does not vary
    0.0
    """
    return _Regression(_matrix(npv)[1]).partial(x)


def _simulate(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]] | None,
    fields: tuple[str, ...],
    known_npv: Mapping[Option, FloatArray] | None = None,
) -> tuple[dict[Option, FloatArray], dict[str, FloatArray]]:
    """Per-draw NPV of every option and the drawn values of `fields`: the Monte Carlo page's draws.

    `known_npv`: the NPVs of these very draws, already computed (a Monte Carlo run with the
    same draws, seed, distribution and ranges): the model is then not evaluated again."""
    inputs: dict[str, list[FloatArray]] = {f: [] for f in fields}
    npv: dict[Option, list[FloatArray]] = {o: [] for o in Option}
    done = 0
    for chunk_seed in _chunk_seeds(seed, draws):
        size = min(CHUNK, draws - done)
        values = draw_inputs(scenario, size, chunk_seed, distribution, overrides)
        if known_npv is None:
            for option, result in evaluate(scenario, values, paybacks=frozenset()).items():
                npv[option].append(np.asarray(result.npv, dtype=float))
        for f in fields:
            value = np.asarray(values[f], dtype=float)  # a ranged input's draws are not copied
            inputs[f].append(value if value.shape == (size,) else np.broadcast_to(value, (size,)).copy())
        done += size
    joined = {f: v[0] if len(v) == 1 else np.concatenate(v) for f, v in inputs.items()}
    if known_npv is not None:
        return {o: np.asarray(known_npv[o], dtype=float)[:draws] for o in Option}, joined
    return {o: np.concatenate(v) for o, v in npv.items()}, joined


@lru_cache(maxsize=64)
def _chunk_seeds(seed: int, draws: int) -> tuple[int, ...]:
    """The chunk seeds `calculators.simulation.monte_carlo` uses: the same draws as its page
    (kept: spawning them costs ~3 ms, asked for twice per value of information)."""
    spawned = np.random.SeedSequence(seed).spawn(max(1, math.ceil(draws / CHUNK)))
    return tuple(int(s.generate_state(1)[0]) for s in spawned)


def value_of_information(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    known_npv: Mapping[Option, FloatArray] | None = None,
) -> InformationValue:
    """EVPI and partial EVPI per ranged input from `draws` seeded draws of the whole model,
    among the three options and not training.

    `known_npv`: the per-draw NPVs of a Monte Carlo run of the same draws (its first `draws`
    are used), so the model is not evaluated twice; the result is the same.

    >>> info = value_of_information(Scenario(), draws=2_000, seed=7)
    >>> info.evpi >= max(info.partial.values()) >= min(info.partial.values()) >= 0
    True
    >>> from calculators.simulation import monte_carlo
    >>> mc = monte_carlo(Scenario(), 2_000, 7)
    >>> value_of_information(Scenario(), draws=2_000, seed=7, known_npv=mc.npv) == info
    True
    """
    npv_all, inputs = _simulate(scenario, draws, seed, distribution, overrides, RANGED_FIELDS, known_npv)
    choices = with_not_training(npv_all)
    m = _matrix(choices)[1]
    best = _best_column(m)
    value, se = _evpi(m, best)
    triangles = all_triangles(effective(scenario), overrides)
    used = inputs_used(scenario, overrides)  # an input the scenario does not use is worth 0
    regression = _Regression(m, best)
    partial = {
        f: (regression.partial(inputs[f]) if f in used and triangles[f][2] > triangles[f][0] else 0.0)
        for f in RANGED_FIELDS
    }
    ranked = dict(sorted(partial.items(), key=lambda item: -item[1]))
    return InformationValue(value, se, best_on_average(choices)[0], ranked, draws)


VALUE_DRAWS = CHUNK  # what finding out is worth is estimated over at most a run's first 10^5 draws


def summary_and_value(
    scenario: Scenario,
    draws: int,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[Summary, InformationValue]:
    """A Monte Carlo run's summary and what finding out is worth over its first
    min(draws, 10^5) draws, from one run (the Monte Carlo page's heavy job, done in the
    worker process): the value of information reads the run's own NPVs, not a second run.

    Sorting a million draws per input would cost seconds for little precision, hence 10^5.
    A run's first 10^5 draws are the 10^5-draw run's (the same chunk seeds), so the value is
    the one the page shows at 10^5 draws.

    >>> summary, value = summary_and_value(Scenario(), 3_000, 7)
    >>> summary == monte_carlo(Scenario(), 3_000, 7).summary(), value == value_of_information(Scenario(), 3_000, 7)
    (True, True)
    """
    run = monte_carlo(scenario, draws, seed, distribution, overrides, progress)
    value = value_of_information(
        scenario, min(draws, VALUE_DRAWS), seed, distribution, overrides, known_npv=run.npv
    )
    return run.summary(), value


# --- the pilot: expected value of sample information -------------------------------------------

PILOT_MONTHS = 3  # the pilot's last measure is at day 90: deciding waits three months
PILOT_SIZES = (25, 50, 100, 200, 400, 800, 1_600, 3_200)


@dataclass(frozen=True)
class PilotValue:
    """What a two-arm pilot of `learners_per_arm` is worth before choosing, in the currency.

    `evsi`: expected value of its sample information (`binomial_evsi`); `cost`: `pilot_cost`
    (its learners at both formats' cost per learner, plus `PILOT_MONTHS` of the expected net
    benefit of deciding now); `net` = evsi − cost; `ceiling`: the partial EVPI of the effect
    it measures (no pilot of it is worth more)."""

    learners_per_arm: int
    evsi: float
    cost: float
    ceiling: float

    @property
    def net(self) -> float:
        return self.evsi - self.cost

    @property
    def worth_its_cost(self) -> bool:
        """Whether the pilot is expected to be worth more than it costs (EVSI > cost)."""
        return self.net > 0


def best_pilot(values: list[PilotValue]) -> PilotValue | None:
    """The size with the highest net value (EVSI − cost), the smallest such; None for no sizes.
    Whether it is worth running: `best_pilot(values).worth_its_cost`.

    >>> best_pilot([PilotValue(50, 90.0, 100.0, 500.0), PilotValue(100, 300.0, 200.0, 500.0)])
    PilotValue(learners_per_arm=100, evsi=300.0, cost=200.0, ceiling=500.0)
    """
    return max(values, key=lambda v: (v.net, -v.learners_per_arm), default=None)


def pilot_rates(effect: FloatArray, baseline: float, direction: int) -> FloatArray:
    """Arm B's rate in each draw: baseline·(1 + direction·e/100), within 0..1 (arm A's is `baseline`).

    >>> pilot_rates(np.array([0.0, 20.0, 400.0]), 0.35, +1).round(2).tolist()
    [0.35, 0.42, 1.0]
    """
    return np.clip(baseline * (1 + direction * np.asarray(effect, dtype=float) / 100), 0.0, 1.0)


_TAIL = 40.0  # likelihood terms below e^−40 are left out: the EVSI is exact to within (m + 1)·e^−40·max|ΔNPV|
_BLOCK = 1 << 19  # counts × draws evaluated at once (4 MB: in cache)


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _stirling_error(n: FloatArray) -> FloatArray:
    """ln n! − [(n + ½)·ln n − n + ½·ln 2π], accurately (Loader 2000, "Fast and accurate
    computation of binomial probabilities"): its series above 15, lgamma below.

    >>> float(_stirling_error(np.array([1.0]))[0]) == 1 - _HALF_LOG_2PI
    True
    """
    n = np.asarray(n, dtype=float)
    out = np.empty_like(n)
    small = n <= 15
    if small.any():
        k = n[small]
        out[small] = [math.lgamma(v + 1) for v in k.tolist()] - (k + 0.5) * np.log(k) + k - _HALF_LOG_2PI
    big = n[~small]
    inv = 1.0 / (big * big)
    out[~small] = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - inv / 1188) * inv) * inv) * inv) / big
    return out


def _log_pmf_peak(x: FloatArray, m: int) -> FloatArray:
    """ln of the largest Binomial(m, p) pmf at each count x (at p = x/m), to full precision:
    ln C(m, x) + x·ln(x/m) + (m − x)·ln(1 − x/m) = s(m) − s(x) − s(m − x) + ½·ln(m / (2π·x·(m − x))),
    s the Stirling error; 0 at x = 0 and x = m.

    >>> [round(float(v), 12) for v in np.exp(_log_pmf_peak(np.array([0.0, 1.0, 2.0]), 2))]
    [1.0, 0.5, 1.0]
    """
    inside = (x > 0) & (x < m)
    k = x[inside]
    out = np.zeros_like(x)
    out[inside] = (
        _stirling_error(np.array([float(m)]))[0]
        - _stirling_error(k)
        - _stirling_error(m - k)
        + 0.5 * np.log(m / (k * (m - k)))
        - _HALF_LOG_2PI
    )
    return out


def _binomial_evsi(rates: FloatArray, gains: FloatArray, m: int) -> float:
    """Σ_x max(0, max_o (1/N)·Σ_i gains_io·L(x | rates_i)), L the Binomial(m, rate) pmf, over
    `rates` sorted ascending (gains in the same order: draws × options).

    Only the pairs with |x/m − p_i| ≤ δ = √(_TAIL / 2m) are summed: by Pinsker's inequality
    L(x | p) ≤ e^(−2m(x/m − p)²) < e^(−_TAIL) for every other pair. Each count's terms are
    taken relative to the largest pmf any rate gives it (at p̂ = x/m, `_log_pmf_peak`), so
    nothing overflows, and in logarithms relative to a rate r inside each block of counts,
    so no large numbers cancel:

        ln L(x | p) − ln L(x | p̂) = x·ln(p/r) + (m − x)·ln((1 − p)/(1 − r)) − [the same at p = p̂]
    """
    n = rates.size
    delta = math.sqrt(_TAIL / (2 * m))
    first = max(0, math.floor(m * (rates[0] - delta)))
    last = min(m, math.ceil(m * (rates[-1] + delta)))
    total = 0.0
    x0 = first
    step = max(1, math.ceil(delta * m))  # each block's draws: those within δ of any of its counts
    while x0 <= last:
        x1 = min(last, x0 + step - 1)
        lo = int(np.searchsorted(rates, x0 / m - delta, "left"))
        hi = int(np.searchsorted(rates, x1 / m + delta, "right"))
        if (hi - lo) * (x1 - x0 + 1) > _BLOCK:
            x1 = x0 + max(1, _BLOCK // max(hi - lo, 1)) - 1
            hi = int(np.searchsorted(rates, x1 / m + delta, "right"))
        if hi > lo:
            x = np.arange(x0, x1 + 1, dtype=float)
            r = min(max((x0 + x1) / (2 * m), 0.5 / m), 1 - 0.5 / m)  # the block's reference rate
            up, down = _log_ratios(rates[lo:hi], r)
            hat_up, hat_down = _log_ratios(x / m, r)
            with np.errstate(invalid="ignore"):  # 0 · (−10^5) at the edges is 0, as it should be
                shift = np.where(x > 0, x * hat_up, 0.0) + np.where(x < m, (m - x) * hat_down, 0.0)
            likelihood = np.multiply.outer(x, up - down)
            likelihood += m * down
            likelihood -= shift[:, None]
            np.exp(likelihood, out=likelihood)  # L(x | p_i) / L(x | p̂), all ≤ 1
            expected = likelihood @ gains[lo:hi]  # counts × options, each count up to its scale
            scale = np.exp(_log_pmf_peak(x, m))  # L(x | p̂) ≤ 1
            total += float(scale @ np.maximum(expected.max(axis=1), 0.0))
        x0 = x1 + 1
    return total / n


def _log_ratios(p: FloatArray, r: float) -> tuple[FloatArray, FloatArray]:
    """ln(p / r) and ln((1 − p)/(1 − r)), accurate for p near r; ln 0 as −10^5 (an exact 0 once
    exponentiated, and finite in products: a count of 0 at a rate of 0 has probability 1)."""
    with np.errstate(divide="ignore"):
        up = np.maximum(np.log1p((p - r) / r), -1e5)
        down = np.maximum(np.log1p((r - p) / (1 - r)), -1e5)
    return up, down


def binomial_evsi(
    npv: Mapping[Any, FloatArray], effect: FloatArray, measured: int, baseline: float, direction: int
) -> float:
    """EVSI of a pilot that counts successes among `measured` learners of arm B, among the
    options given (pass `with_not_training(npv)` for the four), exact for its binomial outcomes.

    Arm A's rate is `baseline`, known, so only arm B's count x ~ Binomial(m, p(e)) carries
    information about the effect e, with p(e) = baseline·(1 + direction·e/100) (`pilot_rates`).
    With g_o(e) = E[NPV_o − NPV_o* | e] the regression of each option's NPV difference from the
    option best on average on the effect (`conditional_means`: noise from the other inputs
    does not inflate the maximum) and the N draws e_i as the prior, each count's posterior
    mean is a likelihood-weighted average over the draws (Menzies 2016, Med Decis Making 36:308):

        E[NPV_o − NPV_o* | x] = Σ_i g_o(e_i)·L(x | e_i) / Σ_i L(x | e_i),  P(x) = mean_i L(x | e_i)

        EVSI = Σ_{x=0}^{m} P(x)·max_o E[NPV_o | x] − max_o E[NPV_o]
             = Σ_x max(0, max_o mean_i g_o(e_i)·L(x | e_i)),

    L(x | e) = C(m, x)·p(e)^x·(1 − p(e))^(m−x), summed in logarithms. With the same g, EVSI is
    at most the effect's partial EVPI, mean_i max(0, max_o g_o(e_i)), and tends to it as m grows.

    Worked example: the effect is 0 or 50 % (equally likely), learners at a 40 % rate; option b
    gains 10 at e = 50 and loses 10 at e = 0 against a; one learner's result (m = 1) succeeds
    with probability 0.4 (e = 0) or 0.6: choosing b after a success gains (0.6·10 − 0.4·10)/2 = 1,
    after a failure a stays best, so EVSI = 1; learning e exactly would be worth 10/2 = 5.

    >>> e = np.array([0.0, 50.0])
    >>> npv = {"a": np.zeros(2), "b": np.array([-10.0, 10.0])}
    >>> round(binomial_evsi(npv, e, 1, 0.4, +1), 12), round(partial_evpi(npv, e), 12)
    (1.0, 5.0)
    """
    _, m = _matrix(npv)
    regression = _Regression(m)
    effect = np.asarray(effect, dtype=float)
    if effect.size == 0 or np.ptp(effect) == 0 or regression.gaps.shape[0] == 0:
        return 0.0
    return _PilotPrior(regression.fitted(effect), pilot_rates(effect, baseline, direction)).evsi(
        int(measured)
    )


class _PilotPrior:
    """The draws of the effect as the pilot's prior: arm B's rates sorted, the regression's
    expected gains over the option best on average in the same order (draws × options), and
    their ceiling (the effect's partial EVPI). `gains`: options × draws, in the draws' order."""

    def __init__(self, gains: FloatArray, rates: FloatArray, ceiling: float | None = None) -> None:
        order = np.argsort(rates, kind="stable")
        self.rates = rates[order]
        self.gains = np.ascontiguousarray(gains[:, order].T)
        self.ceiling = _best_gain(gains) if ceiling is None else ceiling

    def evsi(self, measured: int) -> float:
        if self.ceiling <= 0 or self.gains.shape[1] == 0 or self.rates[0] == self.rates[-1]:
            return 0.0
        return _clip(_binomial_evsi(self.rates, self.gains, max(1, measured)), self.ceiling)


def pilot_values(
    scenario: Scenario,
    field: str,
    direction: int,
    baseline: float,
    sizes: tuple[int, ...] = PILOT_SIZES,
    draws: int = 10_000,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    design_effect: float = 1.0,
    known_npv: Mapping[Option, FloatArray] | None = None,
) -> list[PilotValue]:
    """EVSI, cost and net value of a pilot measuring `field` (a relative effect, %) for each size,
    among the three options and not training.

    EVSI is `binomial_evsi` over the Monte Carlo draws (the page's: `draws`, `seed`,
    `distribution`, `overrides`): exact over the pilot's possible counts in arm B, whose rate
    is baseline·(1 + direction·e/100); arm A's rate is the known `baseline`. It is at most
    the effect's partial EVPI (`ceiling`, by the same regression). The cost is `pilot_cost`,
    with the expected NPV of deciding now from the same draws. A field the scenario does not
    use (its benefit stream switched off) cannot change the choice: its pilot is worth 0.

    When teams are randomised instead of learners (`design_effect` DE = 1 + (m − 1)·ICC ≥ 1),
    an arm's n learners carry the information of n / DE learners measured one by one (Donner &
    Klar 2000): the count is of round(n / DE) learners, the cost is that of all n.

    Kept for the process: the regression (per scenario, field, ranges, draws, seed and
    distribution) and each size's EVSI (also per baseline, direction and learners measured),
    so a new size or design effect computes that size alone. `known_npv`: the per-draw NPVs
    of a Monte Carlo run of the same draws, so the model is not evaluated again (the result
    is the same).

    A pilot of ever more learners learns the effect itself: its EVSI tends to the effect's
    partial EVPI. Here microlearning breaks even at a gain near the middle of its range:

    >>> s = Scenario(learners=60, productivity_on=True, turnover_on=False, output_value_per_employee=11_000)
    >>> wide = {"micro_productivity_gain_pct": (0.0, 40.0)}
    >>> small, large = pilot_values(s, "micro_productivity_gain_pct", +1, 0.35, (100, 1_000_000), overrides=wide)
    >>> 0 < small.evsi < large.evsi <= large.ceiling == small.ceiling, round(large.evsi / large.ceiling, 2)
    (True, 1.0)
    >>> small.cost == pilot_cost(s, 100, expected_value_now(monte_carlo(s, 10_000, 2026, overrides=wide).npv))
    True
    """
    if not 0.0 < baseline < 1.0:
        raise ValueError(f"the baseline rate must be strictly between 0 and 1, got {baseline!r}")
    if not design_effect >= 1.0:
        raise ValueError(f"the design effect must be at least 1, got {design_effect!r}")
    key: _PilotKey = (scenario, field, ranges_key(overrides), int(draws), int(seed), distribution)
    regression, value_now = _pilot_regression(key, known_npv)
    out = []
    for n in sizes:
        measured = max(1, round(int(n) / design_effect))  # learners' worth of information per arm
        evsi = _pilot_evsi(key, float(baseline), int(direction), measured) if regression.ceiling > 0 else 0.0
        out.append(PilotValue(int(n), evsi, pilot_cost(scenario, int(n), value_now), regression.ceiling))
    return out


# (scenario, field, ranges as `ranges_key` gives them, draws, seed, distribution)
_PilotKey = tuple[Scenario, str, tuple[tuple[str, tuple[float, ...]], ...], int, int, Distribution]


class _PilotRegression:
    """The effect's draws and each option's fitted gain over the option best on average
    (options × draws; before any baseline or direction), and the effect's partial EVPI."""

    def __init__(self, effect: FloatArray, gains: FloatArray, evpi_value: float) -> None:
        self.effect = effect
        self.gains = gains
        self.ceiling = _clip(_best_gain(gains), evpi_value)

    def prior(self, baseline: float, direction: int) -> _PilotPrior:
        return _PilotPrior(self.gains, pilot_rates(self.effect, baseline, direction), self.ceiling)


_KEPT = 8  # regressions and sorted priors kept: 10^4 draws take 0.3 MB each, 10^5 draws 3 MB
_regressions: Kept[_PilotKey, tuple[_PilotRegression, float]] = Kept(_KEPT)


def _pilot_regression(
    key: _PilotKey, known_npv: Mapping[Option, FloatArray] | None = None
) -> tuple[_PilotRegression, float]:
    """The effect's draws, each option's regression on them, and the expected NPV of deciding
    now, kept per key (least recently used out; `known_npv` only saves evaluating the model)."""
    return _regressions.get_or_put(key, lambda: _fit_pilot_regression(*key, known_npv=known_npv))


def _fit_pilot_regression(
    scenario: Scenario,
    field: str,
    ranges: tuple[tuple[str, tuple[float, ...]], ...],
    draws: int,
    seed: int,
    distribution: Distribution,
    known_npv: Mapping[Option, FloatArray] | None = None,
) -> tuple[_PilotRegression, float]:
    overrides = {f: (float(r[0]), float(r[1])) for f, r in ranges}
    npv_all, inputs = _simulate(scenario, draws, seed, distribution, overrides, (field,), known_npv)
    choices = with_not_training(npv_all)
    value_now = best_on_average(choices)[1]
    effect = inputs[field]
    nothing = np.zeros((0, effect.size))  # no option gains by learning the effect: worth 0
    if np.ptp(effect) == 0 or field not in inputs_used(scenario, overrides):
        return _PilotRegression(effect, nothing, 0.0), value_now  # it cannot change the choice
    regression = _Regression(_matrix(choices)[1])
    if regression.evpi <= 0:
        gains = nothing
    else:
        order = None  # the effect's kept sort order, while its range is unchanged
        if field in RANGED_FIELDS and draws <= REUSED_DRAWS:
            triangle = all_triangles(effective(scenario), overrides)[field]
            chunk = _chunk_seeds(seed, draws)[0]
            order = reused_order(RANGED_FIELDS.index(field), *triangle, draws, chunk, distribution)
        gains = regression.fitted(effect, order)
    return _PilotRegression(effect, gains, regression.evpi), value_now


@lru_cache(maxsize=_KEPT)
def _sorted_prior(key: _PilotKey, baseline: float, direction: int) -> _PilotPrior:
    return _pilot_regression(key)[0].prior(baseline, direction)


@lru_cache(maxsize=512)
def _pilot_evsi(key: _PilotKey, baseline: float, direction: int, measured: int) -> float:
    """One size's EVSI (`measured` learners' worth of information per arm), kept."""
    return _sorted_prior(key, baseline, direction).evsi(measured)


def pilot_cost(scenario: Scenario, learners_per_arm: int, value_now: float) -> float:
    """A two-arm pilot's cost: the one definition every screen states (the Pilot planner's
    "What the pilot costs", the verdict's "costs" on every screen, both from `pilot_values`):

        cost = n × (c_micro + c_ILT) + PILOT_MONTHS × max(0, V) / (12 × horizon_years)

    n the learners enrolled per arm (all of them, whatever the design effect: randomising
    teams lowers what they tell, not what they cost), c_micro and c_ILT the formats' cost per
    learner, and V the expected NPV of deciding now among the options and not training
    (`expected_value_now`: max(0, max_o mean NPV_o) over the Monte Carlo draws of the
    scenario as it stands), spread evenly over the horizon's months: deciding waits for the
    pilot's day-90 result. Nothing is lost by waiting when no option is expected to gain.

    Worked example: 100 learners per arm at $3 + $45, and $36,000 expected over 3 years:
    100 × 48 + 3 × 36,000 / 36 = 4,800 + 3,000.

    >>> pilot_cost(Scenario(micro_cost_per_learner=3.0, ilt_cost_per_learner=45.0, horizon_years=3), 100, 36_000.0)
    7800.0
    """
    delay = PILOT_MONTHS * max(value_now, 0.0) / (12 * scenario.horizon_years)
    return float(learners_per_arm * (scenario.micro_cost_per_learner + scenario.ilt_cost_per_learner) + delay)
