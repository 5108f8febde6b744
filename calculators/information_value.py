"""The value of information: what resolving the uncertainty could be worth before choosing a format.

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

  estimated without a second simulation by sorting the draws by X and cutting them into
  ⌈√N⌉ bins of equal size, the bin means standing for E[NPV_o | X] (the one-level
  "binning" estimator, Sadatsafavi et al. 2013, Value in Health 16:438; Strong & Oakley
  2013, Med Decis Making 33:755, review it against their regression method). It is clipped
  to [0, EVPI]; an input that does not vary is worth 0. Bin means carry sampling noise, so
  even an input that does not matter would score about 0.4·sd(NPV difference)/√(draws per
  bin); that floor is estimated with the same bins over the draws in a fixed random order
  (which carries no information about any input) and subtracted in proportion to the
  noise left within X's bins (all of it for an input that explains nothing, none for one
  that explains everything).

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

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from calculators.model import Option, effective, evaluate
from calculators.ranges import RANGED_FIELDS, all_triangles
from calculators.scenario import Scenario
from calculators.simulation import (
    CHUNK,
    REUSED_DRAWS,
    Distribution,
    Summary,
    draw_inputs,
    draw_orders,
    inputs_used,
    monte_carlo,
    reused_draws,
    reused_order,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class InformationValue:
    """EVPI with its standard error, the option best on average, and partial EVPI per input."""

    evpi: float
    standard_error: float
    best_on_average: Option
    partial: dict[str, float]  # input field → partial EVPI, largest first
    draws: int

    def ranked(self, top: int = 10) -> list[tuple[str, float]]:
        """The inputs most worth learning, largest partial EVPI first."""
        return list(self.partial.items())[:top]


def _matrix(npv: Mapping[Any, FloatArray]) -> tuple[list[Any], FloatArray]:
    keys = list(npv)
    return keys, np.column_stack([np.asarray(npv[k], dtype=float) for k in keys])


def best_on_average(npv: Mapping[Any, FloatArray]) -> tuple[Any, float]:
    """The option with the highest mean NPV over the draws, and that mean: the choice made now.

    >>> best_on_average({"a": np.array([1.0, 3.0]), "b": np.array([2.5, 2.5])})
    ('b', 2.5)
    """
    means = {o: float(np.mean(v)) for o, v in npv.items()}
    best = max(means, key=lambda o: means[o])
    return best, means[best]


def evpi(npv: Mapping[Any, FloatArray]) -> tuple[float, float]:
    """EVPI and its Monte Carlo standard error from per-draw NPVs of each option.

    >>> evpi({"a": np.array([0.0, 0.0]), "b": np.array([-1.0, 3.0])})  # b on average; a wins draw 1
    (0.5, 0.5)
    """
    _, m = _matrix(npv)
    best = int(np.argmax(m.mean(axis=0)))
    regret = m.max(axis=1) - m[:, best]
    n = regret.size
    se = float(regret.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return float(regret.mean()), se


def partial_evpi(npv: Mapping[Any, FloatArray], x: FloatArray, bins: int | None = None) -> float:
    """The value of learning `x` alone (binning estimator; see the module docstring), ≥ 0.

    >>> x = np.linspace(0, 1, 10_000)
    >>> npv = {"a": np.zeros_like(x), "b": x - 0.5}   # learning x decides it exactly
    >>> round(partial_evpi(npv, x), 3), round(evpi(npv)[0], 3)
    (0.125, 0.125)
    >>> partial_evpi(npv, np.full_like(x, 0.3))       # an input that does not vary
    0.0
    """
    return _Binning(_matrix(npv)[1], bins).partial(x)


class _Binning:
    """What every input's partial EVPI shares: the NPV matrix (draws × options), the bins,
    the best mean, EVPI, and the noise floor of bins that order the draws by nothing."""

    def __init__(self, m: FloatArray, bins: int | None = None) -> None:
        self.m = m
        n = m.shape[0]
        self.k = min(n, bins or max(1, math.ceil(math.sqrt(n)))) if n else 1
        self.counts = np.full(self.k, n // self.k) + (np.arange(self.k) < n % self.k)  # as np.array_split
        self.starts = np.concatenate(([0], np.cumsum(self.counts)[:-1])).astype(int)
        self.best_now = float(m.mean(axis=0).max()) if n else 0.0
        self.evpi = float((m.max(axis=1) - m[:, int(np.argmax(m.mean(axis=0)))]).mean()) if n else 0.0
        self.noise_floor = self._binned_best(np.take(m, _shuffled(n), axis=0)) if n else 0.0
        # the variance of the options' NPV differences does not depend on the order: once
        d = m[:, 1:] - m[:, :1]
        self.total_variance = float(d.var(axis=0).sum()) if n else 0.0
        # NPVs and the squares of their differences side by side: for each input one gather in
        # its order and one sum per bin give the bin means and the variance left (a bin's sum of
        # differences is the difference of its sums)
        self.stacked = np.hstack([m, d * d])

    def _binned_best(self, ordered: FloatArray) -> float:
        """E over the bins of max over options of the bin mean."""
        means = np.add.reduceat(ordered, self.starts, axis=0) / self.counts[:, None]
        return float((self.counts * means.max(axis=1)).sum() / ordered.shape[0])

    def partial(self, x: FloatArray, order: FloatArray | None = None) -> float:
        """Partial EVPI of the input drawn as `x` (`order`: its stable argsort, if known)."""
        x = np.asarray(x, dtype=float)
        if x.size == 0 or np.ptp(x) == 0:
            return 0.0
        order = np.argsort(x, kind="stable") if order is None else order
        sums = np.add.reduceat(
            np.take(self.stacked, order, axis=0), self.starts, axis=0
        )  # take: ~3x fancy indexing
        k, n, counts = self.m.shape[1], self.m.shape[0], self.counts[:, None]
        binned_best = float((self.counts * (sums[:, :k] / counts).max(axis=1)).sum() / n)
        unexplained = 0.0
        if self.total_variance > 0:
            # share of the variance of the NPV differences left within the bins (0 to 1):
            # the noise in the bin means scales with its square root
            firsts, squares = sums[:, 1:k] - sums[:, :1], sums[:, k:]
            within = float((squares - firsts * firsts / counts).sum())
            unexplained = min(1.0, max(0.0, within / (n * self.total_variance)))
        floor = (self.noise_floor - self.best_now) * math.sqrt(unexplained)
        value = binned_best - self.best_now - floor
        return min(max(value, 0.0), max(self.evpi, 0.0))


@lru_cache(maxsize=4)
def _shuffled(n: int) -> npt.NDArray[np.intp]:
    """A fixed random order of n draws (the noise floor's bins): made once per size."""
    order = np.random.default_rng(0).permutation(n)
    order.setflags(write=False)
    return order


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
            for option, result in evaluate(scenario, values).items():
                npv[option].append(np.asarray(result.npv, dtype=float))
        for f in fields:
            value = np.asarray(values[f], dtype=float)  # a ranged input's draws are not copied
            inputs[f].append(value if value.shape == (size,) else np.broadcast_to(value, (size,)).copy())
        done += size
    joined = {f: v[0] if len(v) == 1 else np.concatenate(v) for f, v in inputs.items()}
    if known_npv is not None:
        return {o: np.asarray(known_npv[o], dtype=float)[:draws] for o in Option}, joined
    return {o: np.concatenate(v) for o, v in npv.items()}, joined


def _chunk_seeds(seed: int, draws: int) -> list[int]:
    """The chunk seeds `calculators.simulation.monte_carlo` uses: the same draws as its page."""
    spawned = np.random.SeedSequence(seed).spawn(max(1, math.ceil(draws / CHUNK)))
    return [int(s.generate_state(1)[0]) for s in spawned]


def value_of_information(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 2026,
    distribution: Distribution = "triangular",
    overrides: Mapping[str, tuple[float, float]] | None = None,
    known_npv: Mapping[Option, FloatArray] | None = None,
) -> InformationValue:
    """EVPI and partial EVPI per ranged input from `draws` seeded draws of the whole model.

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
    value, se = evpi(npv_all)
    triangles = all_triangles(effective(scenario), overrides)
    used = inputs_used(scenario, overrides)  # an input the scenario does not use is worth 0
    binning = _Binning(_matrix(npv_all)[1])
    orders = draw_orders(scenario, draws, _chunk_seeds(seed, draws)[0], distribution, overrides)
    partial = {
        f: (
            binning.partial(inputs[f], orders.get(f))
            if f in used and triangles[f][2] > triangles[f][0]
            else 0.0
        )
        for f in RANGED_FIELDS
    }
    ranked = dict(sorted(partial.items(), key=lambda item: -item[1]))
    return InformationValue(value, se, best_on_average(npv_all)[0], ranked, draws)


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

    `evsi`: expected value of its sample information; `cost`: its learners' delivery cost plus
    `PILOT_MONTHS` of the expected net benefit of deciding now; `net` = evsi − cost;
    `ceiling`: the partial EVPI of the effect it measures (no pilot of it is worth more)."""

    learners_per_arm: int
    evsi: float
    cost: float
    ceiling: float

    @property
    def net(self) -> float:
        return self.evsi - self.cost


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
) -> list[PilotValue]:
    """EVSI, cost and net value of a pilot measuring `field` (a relative effect, %) for each size.

    Preposterior simulation over the Monte Carlo draws (Strong, Oakley, Brennan & Breeze 2015,
    Med Decis Making 35:570, regression on a summary of the simulated data, here by binning):
    for each draw, with its true effect e, arm A's rate is `baseline` and arm B's
    pA·(1 + direction·e/100); the pilot's counts are binomial; each arm's rate is updated
    from a uniform Beta(1, 1) prior (conjugate: posterior mean (x + 1)/(n + 2)) and the
    pilot's estimate of the effect, direction·(r̂B/r̂A − 1)·100, stands for what was learnt.
    EVSI = E[max_o E[NPV_o | estimate]] − max_o E[NPV_o], estimated like a partial EVPI
    with the estimate in place of the input, and never above the effect's partial EVPI.

    When teams are randomised instead of learners (`design_effect` DE = 1 + (m − 1)·ICC ≥ 1),
    an arm's n learners carry the information of n / DE learners measured one by one (Donner &
    Klar 2000): the counts are drawn for round(n / DE) learners, the cost is that of all n.

    A pilot of ever more learners learns the effect itself: its EVSI tends to the effect's
    partial EVPI (60 learners, productivity counted: about $310 from 40,000 draws; from 10^4
    draws both estimates carry roughly ±10 % of Monte Carlo noise):

    >>> s = Scenario(learners=60, productivity_on=True)
    >>> [(v.learners_per_arm, round(v.evsi), round(v.ceiling)) for v in pilot_values(
    ...     s, "micro_productivity_gain_pct", +1, 0.35, sizes=(100, 10_000_000), draws=40_000)]
    [(100, 0, 310), (10000000, 310, 310)]
    """
    if not 0.0 < baseline < 1.0:
        raise ValueError(f"the baseline rate must be strictly between 0 and 1, got {baseline!r}")
    if not design_effect >= 1.0:
        raise ValueError(f"the design effect must be at least 1, got {design_effect!r}")
    npv_all, inputs = _simulate(scenario, draws, seed, distribution, overrides, (field,))
    effect = inputs[field]
    binning = _Binning(_matrix(npv_all)[1])
    # the effect's draws and the pilots' outcomes depend on its range only: while that is
    # unchanged (moving another slider), their sort orders are reused
    index = RANGED_FIELDS.index(field) if field in RANGED_FIELDS else -1
    reusable = draws <= REUSED_DRAWS and index >= 0
    triangle = all_triangles(effective(scenario), overrides)[field] if reusable else None
    draws_key = (index, *triangle, draws, _chunk_seeds(seed, draws)[0], distribution) if reusable else None  # type: ignore[misc]
    effect_order = reused_order(*draws_key) if draws_key else None
    ceiling = binning.partial(effect, effect_order) if np.ptp(effect) > 0 else 0.0
    best_now = best_on_average(npv_all)[1]
    out = []
    for n in sizes:
        measured = max(1, round(int(n) / design_effect))  # learners' worth of information per arm
        if ceiling <= 0:
            evsi = 0.0
        elif draws_key:
            order = _pilot_order(draws_key, measured, baseline, direction, seed)
            evsi = min(binning.partial(effect, order), ceiling) if order is not None else 0.0
        else:
            evsi = min(
                binning.partial(_pilot_estimates(effect, measured, baseline, direction, seed)), ceiling
            )
        out.append(PilotValue(int(n), float(evsi), pilot_cost(scenario, int(n), best_now), float(ceiling)))
    return out


def _pilot_estimates(effect: FloatArray, n: int, baseline: float, direction: int, seed: int) -> FloatArray:
    """Each draw's pilot estimate of the effect: binomial counts in both arms, beta-binomial means."""
    rate_b = np.clip(baseline * (1 + direction * effect / 100), 0.0, 1.0)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 13, n]))  # each size its own pilots
    x_a, x_b = rng.binomial(n, baseline, effect.size), rng.binomial(n, rate_b)
    return direction * ((x_b + 1) / (x_a + 1) - 1) * 100  # (n + 2) cancels in the ratio


@lru_cache(maxsize=128)
def _pilot_order(
    key: tuple[Any, ...], n: int, baseline: float, direction: int, seed: int
) -> FloatArray | None:
    """The stable sort order of the pilot estimates for the effect drawn as `key` (the
    arguments of its reused draws); None when every estimate is the same."""
    estimate = _pilot_estimates(reused_draws(*key), n, baseline, direction, seed)
    if np.ptp(estimate) == 0:
        return None
    order = np.argsort(estimate, kind="stable")
    order.flags.writeable = False
    return order


def pilot_cost(scenario: Scenario, learners_per_arm: int, best_mean_npv: float) -> float:
    """A two-arm pilot's cost: its learners at both formats' cost per learner, plus
    `PILOT_MONTHS` of the expected net benefit of deciding now (the NPV spread evenly over
    the horizon's months; nothing when no option is expected to gain).

    >>> pilot_cost(Scenario(), 100, 36_000.0)   # 100 × ($3 + $45) + 3 × 36,000 / 36
    7800.0
    """
    delay = PILOT_MONTHS * max(best_mean_npv, 0.0) / (12 * scenario.horizon_years)
    return float(learners_per_arm * (scenario.micro_cost_per_learner + scenario.ilt_cost_per_learner) + delay)
