"""The full model over arrays: many scenarios in one call, for Monte Carlo, tornado and grids.

`evaluate(scenario, values, option)` computes what `calculators.roi.option_returns` computes,
but every numeric input may be an array (one element per draw); the others come from the
scenario. The formulas are those of `calculators.roi` (see its docstring), written with
numpy so that 10^5 draws of the whole model take one call and no Python loop per draw.
NPV uses closed-form sums of the monthly discount factors.

Monte Carlo draws every ranged input from a triangular or PERT distribution between its
low, most likely and high values (`calculators.ranges`), with `np.random.default_rng(seed)`.

>>> from calculators.scenario import Scenario
>>> from calculators.roi import option_returns
>>> r = evaluate(Scenario(), {}, Option.MICRO)
>>> abs(float(r.roi_pct[0]) - option_returns(Scenario(), Option.MICRO).roi_pct) < 1e-9
True
>>> a, b = monte_carlo(Scenario(), draws=10_000, seed=7), monte_carlo(Scenario(), draws=10_000, seed=7)
>>> bool(np.array_equal(a.roi_pct[Option.MICRO], b.roi_pct[Option.MICRO]))  # same seed, same draws
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from calculators.ranges import RANGED_FIELDS, all_triangles
from calculators.retention import (
    FSRS_FACTOR,
    MAX_STABILITY_DAYS,
    MIN_POWER_EXPONENT,
    CurveFamily,
    segment_area,
)
from calculators.roi import DAYS_PER_YEAR, HOURS_PER_WEEK, Option, benefit_years, effective, nudge_count
from calculators.scenario import INPUTS, Format, Scenario

FloatArray = npt.NDArray[np.float64]
Distribution = Literal["triangular", "PERT"]
CHUNK = 100_000


class _Inputs:
    """Numeric inputs as arrays (drawn) or scalars (the scenario's), read by field name."""

    def __init__(self, scenario: Scenario, values: Mapping[str, FloatArray | float]):
        self.scenario = scenario
        self.values = values
        self.size = max((np.size(v) for v in values.values()), default=1)

    def __getattr__(self, name: str) -> FloatArray:
        if name in self.values:
            value = np.asarray(self.values[name], dtype=np.float64)
            if isinstance(INPUTS[name].default, int):
                value = np.round(value)
            return value
        return np.asarray(float(getattr(self.scenario, name)), dtype=np.float64)


def _track(x: _Inputs, fmt: Format, learners: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(upfront, yearly, total) cost of a track of `learners` learners (0 learners cost 0)."""
    s = x.scenario
    p = fmt.value
    years = s.horizon_years
    fixed = getattr(x, f"{p}_fixed_cost")
    per_learner = getattr(x, f"{p}_cost_per_learner")
    refresh = getattr(x, f"{p}_refresh_per_year") if s.fully_loaded else np.float64(0.0)
    if s.fully_loaded:
        fixed = fixed + refresh * (years - 1)
        per_learner = per_learner + getattr(x, f"{p}_seat_hours") * x.loaded_hourly_cost
    base = fixed + per_learner * learners
    if s.fully_loaded and fmt is Format.ILT:
        per_class = x.ilt_cost_per_class
        base = base + np.where(per_class > 0, np.ceil(learners / x.ilt_class_size) * per_class, 0.0)
    per_nudge = x.cost_per_nudge + (x.nudge_minutes / 60.0 * x.loaded_hourly_cost if s.fully_loaded else 0.0)
    nudges_yearly = learners * nudge_count(s, fmt) * per_nudge / years
    upfront = base - refresh * (years - 1) + nudges_yearly
    yearly = refresh + nudges_yearly
    used = learners > 0
    upfront, yearly = np.where(used, upfront, 0.0), np.where(used, yearly, 0.0)
    return upfront, yearly, upfront + yearly * (years - 1)


def _calibrate(family: CurveFamily, retained: FloatArray, day: float) -> FloatArray:
    """`calculators.retention.calibrate` for an array of retention assumptions."""
    r = np.minimum(retained, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if family is CurveFamily.EXPONENTIAL:
            p = np.where(r >= 1, MAX_STABILITY_DAYS, np.minimum(-day / np.log(r), MAX_STABILITY_DAYS))
        elif family is CurveFamily.POWER:
            p = np.where(
                r >= 1, MIN_POWER_EXPONENT, np.maximum(-np.log(r) / math.log1p(day), MIN_POWER_EXPONENT)
            )
        else:
            p = np.where(
                r >= 1,
                MAX_STABILITY_DAYS,
                np.minimum(FSRS_FACTOR * day / (r**-2.0 - 1.0), MAX_STABILITY_DAYS),
            )
    return p


def _mean_retention(x: _Inputs, fmt: Format) -> FloatArray:
    """Vectorised `calculators.retention.mean_retention` for each draw."""
    s = x.scenario
    family = CurveFamily(s.retention_curve)
    retained = (x.micro_retention_pct if fmt is Format.MICRO else x.ilt_retention_pct) / 100.0
    p = _calibrate(family, retained, float(s.retention_reference_day))
    horizon = benefit_years(s) * DAYS_PER_YEAR
    every = s.micro_nudge_days if fmt is Format.MICRO else s.ilt_nudge_days
    if not every or every >= horizon:
        return np.clip(segment_area(family, p, horizon) / horizon, 0.0, 1.0)
    full = int(horizon // every)
    rest = horizon - full * every
    lengths = [float(every)] * full + ([rest] if rest > 1e-12 else [])
    gain = np.broadcast_to(x.spacing_gain, np.shape(p)) if np.ndim(p) else x.spacing_gain
    log_gain = np.log(gain)
    total = np.zeros(np.broadcast_shapes(np.shape(p), np.shape(log_gain)))
    limit = math.log(MIN_POWER_EXPONENT) if family is CurveFamily.POWER else math.log(MAX_STABILITY_DAYS)
    for n, length in enumerate(lengths):
        if family is CurveFamily.POWER:
            log_pn = np.maximum(np.log(p) - n * log_gain, limit)
        else:
            log_pn = np.minimum(np.log(p) + n * log_gain, limit)
        pn = np.exp(log_pn)
        if np.all(log_pn == limit):  # every draw has saturated: the remaining segments are alike
            remaining = lengths[n:]
            same = [length_ for length_ in remaining if length_ == length]
            total = total + len(same) * segment_area(family, pn, length)
            for other in remaining[len(same) :]:
                total = total + segment_area(family, pn, other)
            break
        total = total + segment_area(family, pn, length)
    return np.clip(total / horizon, 0.0, 1.0)


def _gross(x: _Inputs, fmt: Format, cost_per_learner: FloatArray) -> FloatArray:
    s = x.scenario
    gross = np.zeros(np.shape(cost_per_learner))
    if s.revenue_on:
        gross = gross + x.revenue_per_training_dollar * cost_per_learner / s.horizon_years
    if s.turnover_on:
        if s.turnover_bottom_up:
            gross = gross + x.turnover_rate_pct / 100 * x.turnover_reduction_pct / 100 * x.replacement_cost
        else:
            gross = gross + x.turnover_saving_5y / 5.0
    if s.productivity_on:
        gain = x.micro_productivity_gain_pct if fmt is Format.MICRO else x.ilt_productivity_gain_pct
        gross = gross + gain / 100 * x.output_value_per_employee
    if s.onboarding_on:
        gross = (
            gross + x.new_hire_pct / 100 * x.onboarding_weeks_saved * HOURS_PER_WEEK * x.loaded_hourly_cost
        )
    if s.risk_on:
        avoided = x.micro_risk_reduction_pct if fmt is Format.MICRO else x.ilt_risk_reduction_pct
        gross = gross + x.incidents_per_100_learners / 100 * avoided / 100 * x.cost_per_incident
    return gross


def _adjusted(x: _Inputs, fmt: Format, gross: FloatArray) -> FloatArray:
    s = x.scenario
    completion = (x.micro_completion_pct if fmt is Format.MICRO else x.ilt_completion_pct) / 100
    value = gross * completion * (x.attribution_pct / 100)
    if s.conservative:
        value = value * (x.confidence_pct / 100)
    value = value * (x.application_pct / 100)
    if s.decay_weighting:
        value = value * _mean_retention(x, fmt)
    return value


@dataclass(frozen=True)
class VectorReturns:
    """Returns of one option for each draw (arrays of equal length)."""

    costs: FloatArray
    benefits: FloatArray
    annual_benefits: FloatArray
    npv: FloatArray
    benefit_months: int = 0

    @property
    def roi_pct(self) -> FloatArray:
        """ROI in percent; NaN where costs are zero (no ROI exists there)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.costs > 0, (self.benefits - self.costs) / self.costs * 100.0, np.nan)

    @property
    def payback_months(self) -> FloatArray:
        """Costs / (annual benefits / 12); +inf where benefits never repay."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.annual_benefits > 0,
                np.where(self.costs > 0, self.costs / (self.annual_benefits / 12), 0.0),
                np.inf,
            )


def _geometric(log_q: FloatArray, count: int) -> FloatArray:
    """Σ_{k=1}^{count} q^k from ln q, accurate near q = 1 (expm1) and exact at q = 1."""
    if count <= 0:
        return np.zeros(np.shape(log_q))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.expm1(count * log_q) / np.expm1(log_q)
        return np.where(log_q == 0, float(count), np.exp(log_q) * ratio)


def evaluate(scenario: Scenario, values: Mapping[str, FloatArray | float], option: Option) -> VectorReturns:
    """Returns of `option` for each draw in `values` (field → array); other inputs from `scenario`."""
    return evaluate_options(scenario, values, (option,))[option]


def evaluate_options(
    scenario: Scenario, values: Mapping[str, FloatArray | float], options: tuple[Option, ...] = tuple(Option)
) -> dict[Option, VectorReturns]:
    """Returns of several options for each draw, sharing the per-format work."""
    s = effective(scenario)
    x = _Inputs(s, values)
    n_total = np.round(x.learners)
    per: dict[Format, FloatArray] = {}
    for f in Format:
        total_full = _track(x, f, n_total)[2]
        per[f] = _adjusted(x, f, _gross(x, f, total_full / n_total))
    return {o: _option(x, o, n_total, per) for o in options}


def _option(x: _Inputs, option: Option, n_total: FloatArray, per: dict[Format, FloatArray]) -> VectorReturns:
    s = x.scenario
    share = {Option.MICRO: 0.0, Option.ILT: 1.0, Option.BLEND: s.blend_ilt_share_pct / 100}[option]
    share = min(max(share, 0.0), 1.0)
    parts = {Format.MICRO: (1.0 - share) * n_total, Format.ILT: share * n_total}
    tracks = {f: _track(x, f, parts[f]) for f in Format}
    if share == 0.0:
        adjusted = per[Format.MICRO]
    elif share == 1.0:
        adjusted = per[Format.ILT]
    else:
        adjusted = (1.0 - share) * per[Format.MICRO] + share * per[Format.ILT]
    years = benefit_years(s)
    annual = adjusted * n_total
    upfront = tracks[Format.MICRO][0] + tracks[Format.ILT][0]
    yearly = tracks[Format.MICRO][1] + tracks[Format.ILT][1]
    costs = tracks[Format.MICRO][2] + tracks[Format.ILT][2]
    log_d = -np.log1p(x.discount_rate_pct / 100) / 12.0  # ln of the monthly discount factor
    pv_benefits = annual / 12.0 * _geometric(log_d, 12 * years)
    pv_yearly = yearly * _geometric(12.0 * log_d, s.horizon_years - 1)
    size = x.size
    full = lambda a: np.broadcast_to(np.asarray(a, dtype=np.float64), (size,)).copy()  # noqa: E731
    return VectorReturns(
        costs=full(costs),
        benefits=full(annual * years),
        annual_benefits=full(annual),
        npv=full(pv_benefits - upfront - pv_yearly),
        benefit_months=12 * years,
    )


def _draw(
    rng: np.random.Generator, low: float, mode: float, high: float, size: int, kind: Distribution
) -> FloatArray:
    if high <= low:
        return np.full(size, mode)
    if kind == "triangular":
        return rng.triangular(low, mode, high, size)
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
    """Seeded draws of every ranged input (fields drawn in a fixed order: reproducible)."""
    rng = np.random.default_rng(seed)
    triangles = all_triangles(effective(scenario), overrides)
    return {f: _draw(rng, *triangles[f], draws, distribution) for f in RANGED_FIELDS}


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
        for option, r in evaluate_options(scenario, values).items():
            roi[option].append(r.roi_pct)
            npv[option].append(r.npv)
            payback[option].append(r.payback_months)
        done += size
        if progress is not None:
            progress(done / draws)
    join = lambda d: {o: np.concatenate(v) for o, v in d.items()}  # noqa: E731
    return MonteCarlo(join(roi), join(npv), join(payback))
