"""The decision model, written once: costs, benefits, Phillips adjustments, retention
weighting, returns and the blend, for one scenario or a million Monte Carlo draws.

`evaluate(scenario, values)` reads every input from the scenario, except the numeric
inputs named in `values`, which may be arrays (one element per draw, per grid point or
per learner count); numpy broadcasting does the rest, so a single scenario is simply an
evaluation of size one (numpy-financial's convention). The skeptic and conservative
switches are applied once, here at the entrance (`effective`), never at call sites.

Options are pure microlearning, pure instructor-led, and the blend: a share s of the N
learners (counted as whole people, n_ILT = round(s·N)) on the instructor-led track, the
rest on microlearning. A track of n learners of format f costs (money over the horizon H):

    C_f(n) = costs.total_cost(f, n) + n · nudges_f · (cost per nudge + seat time per nudge)

and 0 when n = 0. Gross benefit per learner per year, summing the streams switched on:

    revenue      = multiplier × C_f(N) / N / H
    turnover     = saving over 5 years / 5      or   rate × reduction × replacement cost
    productivity = gain_f × yearly output value
    onboarding   = new-hire share × weeks saved × 40 h × loaded hourly cost
    risk         = incidents per learner × share avoided_f × cost per incident

Adjusted benefit per learner per year, before forgetting (each factor in 0..1):

    A_f = gross × completion_f × attribution × [confidence] × application

(confidence when conservative). Benefits run month by month: in month m = 1..12·Y

    b_f,m = A_f / 12 × ρ_f,m,    ρ_f,m = the mean over month m of floor + (1 − floor)·R_f(t)

the share of the trained skill still kept that month (`retention_profile`: the scenario's
curve family through the format's half-life, with its nudges; 1 when decay weighting is
off). Y is the horizon H, or 1 when conservative: the first 12 months of the same stream.
The blend's month is (1 − w)·A_micro·ρ_micro,m + w·A_ILT·ρ_ILT,m per learner, w = n_ILT / N,
exact at w = 0 and w = 1.

Returns: ROI % = (benefits − costs) / costs × 100; NPV of the monthly flows (costs up front
and at the start of each later year, benefits from month 1):

    NPV = Σ_{m=1}^{12·Y} b_m·d^m − upfront − yearly · Σ_{j=1}^{H−1} d^{12j},   d = (1 + r)^(−1/12)

Payback (plain and discounted): the month, interpolated within it, in which the benefits so
far repay every cost of the programme; never within the horizon when they do not. Large
evaluations on the exponential curve without nudges sum the same stream in closed form
(a geometric series, `_closed_forms`).

With the defaults (seed 002's cost table, 1,000 learners): microlearning costs $33,000 and keeps $326,699 of
benefits over 3 years, ROI 890.0 %; the same call with two retention assumptions gives two answers
(at 35 % microlearning's skills last as long as instructor-led's: half of what fades lost after
7.77 months, half of the whole gain after 11):

>>> from calculators.scenario import Scenario
>>> r = evaluate(Scenario())[Option.MICRO]
>>> float(r.costs[0]), round(float(r.benefits[0])), round(float(r.roi_pct[0]), 1)
(33000.0, 326699, 890.0)
>>> draws = {"micro_retention_pct": np.array([35.0, 75.0])}
>>> np.round(evaluate(Scenario(), draws)[Option.MICRO].roi_pct, 1).tolist()
[493.9, 890.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from itertools import product

import numpy as np
import numpy.typing as npt

from calculators.costs import cost_line, total_cost
from calculators.retention import (
    MONTH_DAYS,
    CurveFamily,
    half_lost_after,
    monthly_retention,
    monthly_retention_by_month,
    nudges_in,
    skill_parameter,
)
from calculators.scenario import INPUTS, Format, FormatView, Scenario
from calculators.skeptic import apply_skeptic

FloatArray = npt.NDArray[np.float64]
DAYS_PER_YEAR = 365.0
HOURS_PER_WEEK = 40.0
# Inputs that change the shape of the cash flows or of the nudge schedule: an array of
# them is evaluated one distinct value at a time (they take few whole values).
STRUCTURAL = ("horizon_years", "micro_nudge_days", "ilt_nudge_days")


class Option(StrEnum):
    """What the budget can buy: one of the pure formats, or the blend."""

    MICRO = "micro"
    ILT = "ilt"
    BLEND = "blend"

    @property
    def label(self) -> str:
        return {"micro": "Microlearning", "ilt": "Instructor-led", "blend": "Blended"}[self.value]

    @property
    def in_sentence(self) -> str:
        """The option's name inside a sentence: "choose microlearning", "more than the blend".

        >>> [o.in_sentence for o in Option]
        ['microlearning', 'instructor-led', 'the blend']
        """
        return {"micro": "microlearning", "ilt": "instructor-led", "blend": "the blend"}[self.value]


FORMAT_OPTION: dict[Format, Option] = {Format.MICRO: Option.MICRO, Format.ILT: Option.ILT}  # pure formats
_FORMAT_OF: dict[Option, Format] = {o: f for f, o in FORMAT_OPTION.items()}


@lru_cache(maxsize=256)
def effective(scenario: Scenario) -> Scenario:
    """The scenario as the model reads it: the conservative switch forces fully loaded costs,
    the skeptic switch replaces vendor-claim defaults with published values (kept for the
    last 256 scenarios: a scenario is immutable, and each model call asks).

    >>> effective(Scenario(conservative=True)).fully_loaded
    True
    """
    scenario = apply_skeptic(scenario)
    if scenario.conservative and not scenario.fully_loaded:
        return scenario.with_changes(fully_loaded=True)
    return scenario


def benefit_years(scenario: Scenario | Inputs) -> int:
    """Years of benefits counted: 1 when conservative (first-year benefits only), else H."""
    return 1 if scenario.conservative else scenario.horizon_years


class Inputs:
    """The model's inputs: the scenario's values, with any numeric field in `values`
    replaced by an array (whole-number fields rounded). Read them by field name, or one
    format's through `format(fmt)`."""

    def __init__(self, scenario: Scenario, values: Mapping[str, FloatArray | float] | None = None):
        self.scenario = scenario
        self._values: dict[str, FloatArray] = {}
        for name, value in (values or {}).items():
            array = np.asarray(value, dtype=np.float64)
            self._values[name] = np.round(array) if isinstance(INPUTS[name].default, int) else array
        shapes = [a.shape for a in self._values.values()]
        self.shape: tuple[int, ...] = np.broadcast_shapes(*shapes) if shapes else (1,)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._values[name] if name in self._values else getattr(self.scenario, name)
        self.__dict__[name] = value  # kept: the model reads each input several times
        return value

    def format(self, fmt: Format) -> FormatView:
        return FormatView(self, fmt)


def nudge_count(x: Inputs | Scenario, fmt: Format) -> int:
    """Nudges each learner of `fmt` receives over the horizon."""
    return nudges_in(x.horizon_years * DAYS_PER_YEAR, x.format(fmt).nudge_days or None)


@dataclass(frozen=True)
class TrackCosts:
    """Cost of a track of learners: paid up front, paid at the start of each later year, in all."""

    upfront: FloatArray
    yearly: FloatArray
    total: FloatArray


def track_costs(x: Inputs, fmt: Format, learners: FloatArray) -> TrackCosts:
    """Cost of training `learners` learners in `fmt` (0 learners cost nothing).

    The total is `costs.total_cost` of the format's cost line, nudges included; content
    refresh and nudges are paid year by year, the rest up front.

    >>> track_costs(Inputs(Scenario()), Format.ILT, np.array([1_000.0, 0.0])).total.tolist()
    [55000.0, 0.0]
    """
    years = x.horizon_years
    loaded = x.fully_loaded
    total = total_cost(cost_line(x, fmt), learners)
    refresh = x.format(fmt).refresh_per_year if loaded else 0.0
    per_nudge = x.cost_per_nudge + (x.nudge_minutes / 60.0 * x.loaded_hourly_cost if loaded else 0.0)
    yearly = refresh + learners * nudge_count(x, fmt) * per_nudge / years
    used = learners > 0
    total = np.where(used, total, 0.0)
    yearly = np.where(used, yearly, 0.0)
    upfront = total - yearly * (years - 1) if yearly.any() else total  # nothing yearly: all up front
    return TrackCosts(upfront, yearly, total)


def option_costs(scenario: Scenario, option: Option, learners: FloatArray) -> FloatArray:
    """The option's total cost (money) at each learner count in `learners`: what
    `evaluate(scenario, {"learners": learners}, (option,))[option].costs` gives, the same
    figures, without working out any benefit (a cost chart over a few hundred counts).

    >>> option_costs(Scenario(), Option.ILT, np.array([1_000.0, 0.0])).tolist()
    [55000.0, 0.0]
    """
    x = Inputs(effective(scenario), {"learners": learners})
    n = np.asarray(x.learners, dtype=np.float64)
    if option is Option.BLEND:
        share = np.clip(np.asarray(x.blend_ilt_share_pct, dtype=np.float64) / 100.0, 0.0, 1.0)
        on_ilt = np.round(share * n)  # as `_option` splits the learners
        return track_costs(x, Format.MICRO, n - on_ilt).total + track_costs(x, Format.ILT, on_ilt).total
    return track_costs(x, _FORMAT_OF[option], n).total


STREAMS = ("revenue", "turnover", "productivity", "onboarding", "risk")
STREAM_LABELS = {
    "revenue": "Revenue multiplier",
    "turnover": "Turnover savings",
    "productivity": "Productivity gain",
    "onboarding": "Faster onboarding",
    "risk": "Risk reduction",
}


def gross_streams(x: Inputs, fmt: Format, cost_per_learner: FloatArray | float) -> dict[str, FloatArray]:
    """Gross benefit per learner per year of each stream switched on (money).

    >>> gross_streams(Inputs(Scenario()), Format.MICRO, 33.0)
    {'turnover': 1000.0}
    >>> gross_streams(Inputs(Scenario(revenue_on=True, turnover_on=False)), Format.MICRO, 1_200.0)
    {'revenue': 720.0}
    """
    f = x.format(fmt)
    out: dict[str, FloatArray] = {}
    if x.revenue_on:
        out["revenue"] = x.revenue_per_training_dollar * cost_per_learner / x.horizon_years
    if x.turnover_on:
        if x.turnover_bottom_up:
            out["turnover"] = x.turnover_rate_pct / 100 * x.turnover_reduction_pct / 100 * x.replacement_cost
        else:
            out["turnover"] = x.turnover_saving_5y / 5.0
    if x.productivity_on:
        out["productivity"] = f.productivity_gain_pct / 100 * x.output_value_per_employee
    if x.onboarding_on:
        out["onboarding"] = (
            x.new_hire_pct / 100 * x.onboarding_weeks_saved * HOURS_PER_WEEK * x.loaded_hourly_cost
        )
    if x.risk_on:
        out["risk"] = x.incidents_per_100_learners / 100 * f.risk_reduction_pct / 100 * x.cost_per_incident
    return out


def overlapping_streams(scenario: Scenario) -> bool:
    """True when the revenue multiplier is summed with bottom-up streams (double counting risk)."""
    bottom_up = scenario.turnover_on or scenario.productivity_on or scenario.onboarding_on or scenario.risk_on
    return scenario.revenue_on and bottom_up


MAX_HALF_LIFE_RATIO = 100.0  # one format's skills last at most 100 times longer than the other's


REFERENCE_RECALL = (
    INPUTS["ilt_retention_pct"].default / 100
)  # the recall the skill half-life is set for (35 %)


def half_life_days(x: Inputs | Scenario, fmt: Format) -> FloatArray | float:
    """Days until half of the part of `fmt`'s trained gain that fades is lost without practice
    (the floor is kept on top: `retention.skill_parameter`).

    The skill half-life (Tatel & Ackerman 2025) is that of a training whose knowledge check
    keeps `REFERENCE_RECALL` (35 %, the source documents' workshop figure) at the reference
    day; a format that keeps more lasts longer, by how much more slowly its knowledge fades:

        H_f = H_skill × ln 0.35 / ln R_f(day)      (ratio kept within 1/100..100)

    the ratio of the exponential stabilities through the Knowledge retained figures. Each
    format's half-life reads its own figure only: raising one format's retention lengthens its
    own half-life and leaves the other's as it was. Defaults: instructor-led 7.77 months (R = 35 %),
    microlearning 7.77 × ln 0.35 / ln 0.75 = 7.77 × 3.649 = 28.4 months (with 20 % kept for good,
    half of the whole gain is lost after 11 and 40.1 months).

    >>> x = Inputs(Scenario())
    >>> round(half_life_days(x, Format.ILT) / (365 / 12), 2), round(half_life_days(x, Format.MICRO) / (365 / 12), 2)
    (7.77, 28.37)
    >>> round(half_life_days(Inputs(Scenario(ilt_retention_pct=50)), Format.MICRO) / (365 / 12), 2)  # its own figure only
    28.37
    """
    base = np.asarray(x.skill_half_life_months, dtype=np.float64) * MONTH_DAYS
    ratio = np.clip(
        half_life_ratio(x.format(fmt).retention_pct), 1.0 / MAX_HALF_LIFE_RATIO, MAX_HALF_LIFE_RATIO
    )
    return _plain(base * ratio)


def half_life_ratio(retention_pct: FloatArray | float) -> FloatArray:
    """How much longer a format's skills last than the research's half-life, ln 0.35 / ln R
    (R, the format's "Knowledge retained" as a share, at most 0.999), before `half_life_days`
    keeps it within 1/`MAX_HALF_LIFE_RATIO` … `MAX_HALF_LIFE_RATIO`.

    >>> round(float(half_life_ratio(75.0)), 3), float(half_life_ratio(35.0))
    (3.649, 1.0)
    """
    r_f = np.minimum(np.asarray(retention_pct, dtype=np.float64) / 100.0, 0.999)
    with np.errstate(divide="ignore"):
        return math.log(REFERENCE_RECALL) / np.log(r_f)


def half_lost_days(x: Inputs | Scenario, fmt: Format) -> FloatArray | float:
    """Days until half of `fmt`'s whole trained gain is lost without practice (ρ = 1/2, the
    floor included; no nudges): what people mean by "keeps half of its skill gain for".
    Defaults: instructor-led 11 months, microlearning 40.1.

    >>> x = Inputs(Scenario())
    >>> round(half_lost_days(x, Format.ILT) / (365 / 12), 2), round(half_lost_days(x, Format.MICRO) / (365 / 12), 2)
    (11.0, 40.14)
    """
    floor = np.asarray(x.retention_floor_pct, dtype=np.float64) / 100.0
    return _plain(np.asarray(half_lost_after(CurveFamily(x.retention_curve), half_life_days(x, fmt), floor)))


def _plain(a: FloatArray) -> FloatArray | float:
    return float(a) if np.ndim(a) == 0 else a


def retention_by_month(x: Inputs | Scenario, fmt: Format, months: int) -> FloatArray:
    """`retention_profile` with the months down the rows and the points across (flattened;
    one column when nothing varies): the layout the running totals read."""
    if not x.decay_weighting:
        return np.ones((months, 1))
    family = CurveFamily(x.retention_curve)
    floor = np.asarray(x.retention_floor_pct, dtype=np.float64) / 100.0
    parameter = skill_parameter(family, half_life_days(x, fmt))
    every = x.format(fmt).nudge_days or None
    return monthly_retention_by_month(family, parameter, months, every, x.spacing_gain, floor)


def retention_profile(x: Inputs | Scenario, fmt: Format, months: int) -> FloatArray:
    """Share of `fmt`'s trained gain kept in each month 1..`months` (the curve family of the
    scenario through its half-life and floor, with the format's nudges); ones when benefits
    are not weighted by retention. Shape: the inputs' shape followed by one column per month.

    >>> np.round(retention_profile(Inputs(Scenario()), Format.ILT, 36)[[0, 10, 35]], 3).tolist()
    [0.965, 0.514, 0.234]
    """
    if not x.decay_weighting:
        return np.ones(months)
    family = CurveFamily(x.retention_curve)
    floor = np.asarray(x.retention_floor_pct, dtype=np.float64) / 100.0
    parameter = skill_parameter(family, half_life_days(x, fmt))
    every = x.format(fmt).nudge_days or None
    return monthly_retention(family, parameter, months, every, x.spacing_gain, floor)


def mean_retained(x: Inputs | Scenario, fmt: Format) -> FloatArray | float:
    """Mean share of `fmt`'s trained gain kept over the months benefits are counted (1 when
    benefits are not weighted by retention): the model's benefits are the annual benefit ×
    years × this share. Defaults, 36 months: instructor-led 0.44, microlearning 0.73.

    >>> x = Inputs(Scenario())
    >>> round(float(mean_retained(x, Format.ILT)), 3), round(float(mean_retained(x, Format.MICRO)), 3)
    (0.439, 0.732)
    """
    if not x.decay_weighting:
        return 1.0
    return _plain(np.mean(retention_profile(x, fmt, 12 * benefit_years(x)), axis=-1))


@dataclass(frozen=True)
class Adjustment:
    """The factors applied to a format's gross benefit, in waterfall order (each in 0..1)."""

    completion: FloatArray | float
    attribution: FloatArray | float
    confidence: FloatArray | float
    application: FloatArray | float
    retention: FloatArray | float

    @property
    def before_retention(self) -> FloatArray | float:
        return self.completion * self.attribution * self.confidence * self.application

    @property
    def product(self) -> FloatArray | float:
        return self.before_retention * self.retention


def adjustment(x: Inputs, fmt: Format, retention: bool = True) -> Adjustment:
    """The adjustment factors for `fmt` (confidence 1 unless conservative; retention: the mean
    share kept over the benefit months, 1 if weighting is off or `retention` is False)."""
    return Adjustment(
        completion=x.format(fmt).completion_pct / 100,
        attribution=x.attribution_pct / 100,
        confidence=x.confidence_pct / 100 if x.conservative else 1.0,
        application=x.application_pct / 100,
        retention=mean_retained(x, fmt) if retention and x.decay_weighting else 1.0,
    )


@dataclass(frozen=True)
class Outcome:
    """Costs, benefits and returns of one option, one element per evaluated point (money in
    the scenario's currency; benefits adjusted and undiscounted over the benefit months).

    `payback_months` and `discounted_payback_months`: the month (interpolated within it) in
    which the benefits so far, plain or discounted, repay every cost of the programme (all of
    its costs over the horizon, committed at the start); +inf when they never do within the
    horizon. A discounted month's benefit is never more than its plain one, so the discounted
    payback is never the sooner; the plain one exists exactly when ROI ≥ 0, the discounted one
    when the benefits' present value covers the costs. `monthly_benefits`: the benefit of each
    month 1..12·H (last axis), kept for small evaluations only. `late`: where the discounted
    payback takes longer than `evaluate`'s `late_after` months (never repaid included), when
    asked: discounted benefits of months 1..min(late_after, benefit months) short of the costs,
    which is `discounted_payback_months > late_after` exactly (the running total only grows)."""

    option: Option
    learners: FloatArray
    costs: FloatArray
    upfront: FloatArray
    yearly: FloatArray
    benefits: FloatArray
    annual_benefits: FloatArray
    gross_annual_benefits: FloatArray
    npv: FloatArray
    horizon_years: FloatArray
    benefit_years: FloatArray
    discount_rate: FloatArray
    payback_months: FloatArray
    discounted_payback_months: FloatArray
    monthly_benefits: FloatArray | None = None
    late: npt.NDArray[np.bool_] | None = None

    @property
    def net(self) -> FloatArray:
        return self.benefits - self.costs

    @property
    def roi_pct(self) -> FloatArray:
        """(benefits − costs) / costs × 100; NaN where there is no cost (no ROI exists)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.costs > 0, (self.benefits - self.costs) / self.costs * 100.0, np.nan)

    @property
    def bcr(self) -> FloatArray:
        """Benefits / costs; NaN where there is no cost."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.costs > 0, self.benefits / self.costs, np.nan)


def first_crossing(cumulative: FloatArray) -> FloatArray:
    """Per row, the month (interpolated linearly within it) at which a cumulative series over
    months 0, 1, …, M first reaches zero; 0 when it starts there, +inf when it never does.

    >>> first_crossing(np.array([[-10.0, -4.0, 2.0, -1.0], [0.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0]])).tolist()
    [1.6666666666666665, 0.0, inf]
    """
    c = np.asarray(cumulative, dtype=np.float64)
    reached = c >= 0
    out = np.full(c.shape[:-1], np.inf)
    first = np.argmax(reached, axis=-1)
    ever = reached.any(axis=-1)
    out[ever & (first == 0)] = 0.0
    later = ever & (first > 0)
    if later.any():
        i = first[later]
        rows = c[later]
        before = np.take_along_axis(rows, (i - 1)[:, None], axis=-1)[:, 0]
        after = np.take_along_axis(rows, i[:, None], axis=-1)[:, 0]
        out[later] = (i - 1) + (-before) / (after - before)
    return out


def _geometric(log_q: FloatArray, count: FloatArray | int) -> FloatArray:
    """Σ_{k=1}^{count} q^k from ln q, accurate near q = 1 (expm1) and exact at q = 1."""
    count = np.asarray(count, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.expm1(count * log_q) / np.expm1(log_q)
        value = np.where(log_q == 0, count, np.exp(log_q) * ratio)
    return np.where(count > 0, value, 0.0)


PAYBACKS = frozenset({"plain", "discounted"})
NO_PAYBACK: frozenset[str] = frozenset()  # for callers that read returns, not months


def evaluate(
    scenario: Scenario,
    values: Mapping[str, FloatArray | float] | None = None,
    options: tuple[Option, ...] = tuple(Option),
    paybacks: frozenset[str] = PAYBACKS,
    late_after: int | None = None,
) -> dict[Option, Outcome]:
    """Every option's outcome for each point in `values` (field → array); other inputs from
    `scenario`. The switches are applied here, once. `paybacks`: which paybacks to work out
    ("plain", "discounted"); one left out is NaN (a simulation that reads only NPV and the
    discounted payback skips the rest). `late_after` (whole months ≥ 0): also say where the
    discounted payback takes longer than that (`Outcome.late`), from the running total at that
    month alone, without working out the payback month.

    >>> at = {"learners": np.array([150.0, 300.0])}
    >>> r = evaluate(Scenario(), at, paybacks=frozenset({"discounted"}), late_after=12)[Option.MICRO]
    >>> r.discounted_payback_months.round(2).tolist(), r.late.tolist()
    ([21.23, 9.38], [True, False])
    """
    s = effective(scenario)
    values = dict(values or {})
    structural = [f for f in STRUCTURAL if f in values]
    if not structural:
        return _evaluate(Inputs(s, values), options, paybacks, late_after)
    return _evaluate_by_layout(s, values, options, structural, paybacks, late_after)


def inputs_read(scenario: Scenario, values: Mapping[str, FloatArray | float]) -> frozenset[str]:
    """The fields of `values` whose arrays the model core reads when it evaluates every
    option of `scenario` on them: the switches decide (a benefit stream switched off, costs
    not fully loaded, the conservative adjustments off never read their inputs), so a field
    not read here cannot change any outcome, whatever its values. `values` may not hold a
    `STRUCTURAL` field (those are evaluated one layout at a time).

    >>> sorted(inputs_read(Scenario(), {"learners": 500.0, "revenue_per_training_dollar": 2.0}))
    ['learners']
    >>> sorted(inputs_read(Scenario(revenue_on=True), {"revenue_per_training_dollar": 2.0}))
    ['revenue_per_training_dollar']
    """
    if any(f in values for f in STRUCTURAL):
        raise ValueError("inputs_read takes no structural field")
    read: set[str] = set()

    class Noting(Inputs):
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            if not name.startswith("_") and name in self._values:
                read.add(name)
            return super().__getattr__(name)

    _evaluate(Noting(effective(scenario), values), tuple(Option))
    return frozenset(read)


def _evaluate_by_layout(
    s: Scenario,
    values: dict[str, FloatArray | float],
    options: tuple[Option, ...],
    structural: list[str],
    paybacks: frozenset[str] = PAYBACKS,
    late_after: int | None = None,
) -> dict[Option, Outcome]:
    """`_evaluate` once per distinct combination of structural values, results put back in place."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
    full = {k: np.broadcast_to(np.asarray(v, dtype=np.float64), shape).ravel() for k, v in values.items()}
    keys = {f: np.round(full.pop(f)) for f in structural}
    size = int(np.prod(shape))
    out: dict[Option, dict[str, FloatArray]] = {}
    for combo in product(*(np.unique(keys[f]) for f in structural)):
        mask = np.ones(size, dtype=bool)
        for f, value in zip(structural, combo, strict=True):
            mask &= keys[f] == value
        if not mask.any():
            continue
        part = s.with_changes(**{f: int(v) for f, v in zip(structural, combo, strict=True)})
        results = _evaluate(
            Inputs(part, {k: v[mask] for k, v in full.items()}), options, paybacks, late_after
        )
        for option, r in results.items():
            slots = out.setdefault(option, {})
            for name in _ARRAY_FIELDS:
                slots.setdefault(name, np.empty(size))[mask] = np.broadcast_to(
                    getattr(r, name), (int(mask.sum()),)
                )
            if r.late is not None:
                slots.setdefault("late", np.empty(size, dtype=bool))[mask] = np.broadcast_to(
                    r.late, (int(mask.sum()),)
                )
    return {
        o: Outcome(option=o, **{k: v.reshape(shape) for k, v in arrays.items()}) for o, arrays in out.items()
    }


_ARRAY_FIELDS = (
    "learners", "costs", "upfront", "yearly", "benefits", "annual_benefits", "gross_annual_benefits",
    "npv", "horizon_years", "benefit_years", "discount_rate", "payback_months", "discounted_payback_months",
)  # fmt: skip
STREAM_BLOCK = 1_000_000  # points × months evaluated at once: bounds memory for 10^6 draws
KEEP_MONTHLY = 100_000  # monthly benefits are kept when points × months is at most this


@dataclass(frozen=True)
class _Shared:
    """What every option of one evaluation shares: whole learners, each format at full scale,
    per-learner benefits per year (gross, and adjusted before retention), each format's share
    of the gain kept month by month (zero after the benefit months), the discount factor of
    each month, Σ_{j=1}^{H−1} d^{12j} (the present value of a yearly cost), and the outcome
    fields every option has the same (horizon, benefit years, discount rate, and NaN for a
    payback not asked for)."""

    learners: FloatArray
    full_scale: dict[Format, TrackCosts]
    per_learner: dict[Format, tuple[FloatArray, FloatArray]]
    profile: dict[Format, FloatArray]  # (months, points) or (months, 1)
    log_d: FloatArray  # ln of the monthly discount factor
    discount: FloatArray | None  # each month's factor (months, points) or (months, 1), if small enough
    later: FloatArray  # Σ_{j=1}^{H−1} d^{12j}
    same: dict[str, FloatArray]  # horizon_years, benefit_years, discount_rate, nan (full shape)
    closed: dict[Format, Geometric] | None = None  # geometric streams in closed form (`_closed_forms`)
    paybacks: frozenset[str] = PAYBACKS  # which paybacks to work out
    late_after: int | None = None  # the month `Outcome.late` is about, if asked


def _evaluate(
    x: Inputs, options: tuple[Option, ...], paybacks: frozenset[str] = PAYBACKS, late_after: int | None = None
) -> dict[Option, Outcome]:
    learners = np.asarray(x.learners, dtype=np.float64)
    n = learners if "learners" in x._values else np.round(learners)  # `Inputs` rounds whole-number fields
    full_scale = {f: track_costs(x, f, n) for f in Format}
    horizon = int(x.horizon_years)
    months, paid = 12 * horizon, 12 * benefit_years(x)
    per: dict[Format, tuple[FloatArray, FloatArray]] = {}
    profile: dict[Format, FloatArray] = {}
    closed = _closed_forms(x, months)
    for f in Format:
        gross = sum(gross_streams(x, f, full_scale[f].total / n).values(), np.zeros(x.shape))
        per[f] = (gross, gross * adjustment(x, f, retention=False).product)
        if closed is None:
            kept = retention_by_month(x, f, months)  # months down the rows: running totals run along them
            kept[paid:] = 0.0
            profile[f] = kept
    rate = np.asarray(x.discount_rate_pct, dtype=np.float64) / 100
    log_d = -np.log1p(rate) / 12.0
    discount: FloatArray | None = None
    if closed is None:  # else no months array at all
        m = np.arange(1, months + 1, dtype=np.float64)[:, None]
        flat_d = np.broadcast_to(log_d, x.shape).reshape(-1)
        if flat_d.min() == flat_d.max():  # one rate for every point: one column of factors
            discount = np.exp(m * flat_d[0])
        elif flat_d.size * months <= STREAM_BLOCK:  # computed once for every option
            discount = np.exp(m * flat_d[None, :])
    later = _geometric(12.0 * log_d, horizon - 1)
    years = _full(x.horizon_years, x.shape)
    same = {
        "horizon_years": years,
        "benefit_years": years if paid == months else _full(paid // 12, x.shape),
        "discount_rate": _full(rate, x.shape),
        "nan": _nan(x.shape),
    }
    shared = _Shared(n, full_scale, per, profile, log_d, discount, later, same, closed, paybacks, late_after)
    corner = _blend_corner(x) if Option.BLEND in options else None
    if corner is not None:  # the blend is a pure format here: its outcome is that format's, exactly
        done = {o: _option(x, o, shared) for o in {*options, corner} - {Option.BLEND}}
        done[Option.BLEND] = replace(done[corner], option=Option.BLEND)
        return {o: done[o] for o in options}
    # The blend first: its working arrays are the largest, held before the others' results exist.
    done = {o: _option(x, o, shared) for o in sorted(options, key=lambda o: o is not Option.BLEND)}
    return {o: done[o] for o in options}


def _blend_corner(x: Inputs) -> Option | None:
    """The pure format the blend is when every point puts all learners on one track (a share of
    0 % or 100 % for the whole evaluation, as a best mix often is), else None. Its outcome is
    that format's: the other track's learners are 0, its cost 0, its weight 0 (learners ≥ 1)."""
    if "blend_ilt_share_pct" in x._values:
        return None
    share = float(x.blend_ilt_share_pct)
    return Option.MICRO if share <= 0.0 else Option.ILT if share >= 100.0 else None


def _full(a: FloatArray | float, shape: tuple[int, ...], copy: bool = True) -> FloatArray:
    """`a` as an array of `shape`: itself when it has that shape, else broadcast to it (a copy,
    or a read-only view when `copy` is False)."""
    array = np.asarray(a, dtype=np.float64)
    if array.shape == shape:
        return array
    if array.size == 1 and (copy or math.prod(shape) == 1):  # one value: no broadcasting machinery
        return np.full(shape, array.item()) if copy else array.reshape(shape)
    return np.broadcast_to(array, shape).copy() if copy else np.broadcast_to(array, shape)


Geometric = tuple[FloatArray, FloatArray, FloatArray]  # floor, first month's decaying share, ln q


def _closed_forms(x: Inputs, months: int) -> dict[Format, Geometric] | None:
    """For a large evaluation (Monte Carlo draws, grids) on the exponential curve without nudges,
    or with benefits not weighted by retention: each format's share kept month by month as a
    geometric series, ρ_m = floor + (1 − floor)·a·q^(m−1) with q = e^(−Δ/S) and
    a = (S/Δ)(1 − q) (Δ the month's days), so running totals have closed forms (`_closed_streams`)
    instead of a points × months array. None otherwise (the month-by-month arrays serve)."""
    size = int(np.prod(x.shape))
    if size * months <= KEEP_MONTHLY:
        return None
    if not x.decay_weighting:
        one, zero = np.ones(1), np.zeros(1)
        return {f: (one, zero, zero) for f in Format}
    if CurveFamily(x.retention_curve) is not CurveFamily.EXPONENTIAL:
        return None
    horizon_days = months * MONTH_DAYS
    if any(0 < (x.format(f).nudge_days or 0) < horizon_days for f in Format):
        return None
    out: dict[Format, Geometric] = {}
    floor = np.asarray(x.retention_floor_pct, dtype=np.float64) / 100.0
    for f in Format:
        stability = np.asarray(skill_parameter(CurveFamily.EXPONENTIAL, half_life_days(x, f)))
        log_q = -MONTH_DAYS / stability
        out[f] = (floor, -np.expm1(log_q) / -log_q, log_q)
    return out


class _Running:
    """Benefits of months 1..k of Σ coefficient × ρ, ρ a geometric series (`_closed_forms`),
    plain or discounted, for any whole k per point, in closed form:

        Σ_{m≤k} ρ_m     = floor·k + (1 − floor)·a·(q^k − 1)/(q − 1)
        Σ_{m≤k} ρ_m d^m = floor·d·(d^k − 1)/(d − 1) + (1 − floor)·a·d·((qd)^k − 1)/(qd − 1)

    each ratio written with expm1 (exact near 1, and k where the base is 1); what does not
    depend on k is worked out once, so a bisection over months costs one expm1 a term a step.
    Terms are added one at a time (`add`), so their weights need not all be held at once: in a
    large evaluation, fresh memory for arrays costs more than the arithmetic done in it."""

    def __init__(self) -> None:
        self.linear: FloatArray | None = None  # weight of k itself (a base of 1)
        self.terms: list[tuple[FloatArray, FloatArray]] = []  # (weight / expm1(ln base), ln base)

    def add(self, weight: FloatArray, log_x: FloatArray | None) -> None:
        """Add weight × Σ_{m≤k} x^(m−1)·x (x = e^(log_x); None: x = 1, the sum is k)."""
        weight = np.asarray(weight, dtype=np.float64)
        if log_x is None:
            self._add_linear(weight)
            return
        log_x = np.asarray(log_x, dtype=np.float64)
        bases_not_one = np.count_nonzero(log_x)  # one pass, no array: usually every base differs from 1
        if bases_not_one == 0:
            self._add_linear(weight)
            return
        if bases_not_one < log_x.size:  # a base of exactly 1 at some points (no discount, no decay): k there
            one = log_x == 0
            self._add_linear(np.where(one, weight, 0.0))
            weight = np.where(one, 0.0, weight)
            log_x = np.where(one, -1.0, log_x)
        with np.errstate(divide="ignore", invalid="ignore"):
            divisor = np.expm1(log_x)
            if divisor.shape == weight.shape:  # in place: the same quotient, one array fewer
                self.terms.append((np.divide(weight, divisor, out=divisor), log_x))
            else:
                self.terms.append((weight / divisor, log_x))

    def _add_linear(self, weight: FloatArray) -> None:
        self.linear = weight if self.linear is None else self.linear + weight

    def __call__(self, k: FloatArray | float) -> FloatArray:
        total = None if self.linear is None else self.linear * k
        for scale, log_x in self.terms:
            term = np.asarray(k * log_x, dtype=np.float64)
            if term.ndim == 0 or (
                scale.shape != term.shape and np.broadcast_shapes(term.shape, scale.shape) != term.shape
            ):
                term = scale * np.expm1(term)  # scale spans more points than k: no array to reuse
            else:
                np.expm1(term, out=term)  # in place: the same products and sums, fewer arrays made
                term *= scale
            if total is None:
                total = term
            elif total.shape == term.shape:
                total += term
            else:
                total = total + term
        return np.zeros(1) if total is None else total

    def into(self, k: FloatArray, out: FloatArray, work: FloatArray) -> FloatArray:
        """`self(k)` written into `out` (`work`: scratch), k, out and work of the evaluation's
        shape: the same products and sums, no array made (a bisection calls it each step)."""
        first = True
        if self.linear is not None:
            np.multiply(self.linear, k, out=out)
            first = False
        for scale, log_x in self.terms:
            term = out if first else work
            np.multiply(k, log_x, out=term)
            np.expm1(term, out=term)
            term *= scale
            if not first:
                out += term
            first = False
        if first:
            out.fill(0.0)
        return out


def _closed_repaid_at(
    running: _Running, at_paid: FloatArray, owed: FloatArray, paid: int, shape: tuple[int, ...]
) -> FloatArray:
    """`_repaid_at` for a geometric stream: the first whole month k ≤ `paid` whose running total
    reaches `owed`, by bisection over months (seven steps for ten years), interpolated as there
    (`running`: the stream's `_Running`, `at_paid`: its total at `paid`)."""
    owed = np.broadcast_to(owed, shape)
    lo, hi = np.zeros(shape), np.full(shape, float(paid))
    reached = at_paid >= owed
    # running(lo) < owed <= running(hi) where repaid and something is owed (running(0) = 0): each
    # step halves every bracket at once, a bracket of one month staying put (its midpoint is its
    # low end, short of what is owed), so ceil(log2(paid)) steps close them all without masks.
    # Where nothing is owed or it is never repaid the brackets wander: the answer there is 0 or inf.
    mid, value, work = np.empty(shape), np.empty(shape), np.empty(shape)
    ok = np.empty(shape, dtype=bool)
    for _ in range(max(0, math.ceil(math.log2(paid))) if paid > 1 else 0):
        np.add(lo, hi, out=mid)
        mid *= 0.5
        np.floor(mid, out=mid)
        np.greater_equal(running.into(mid, value, work), owed, out=ok)
        np.copyto(hi, mid, where=ok)
        np.logical_not(ok, out=ok)
        np.copyto(lo, mid, where=ok)
    np.maximum(hi, 1.0, out=hi)  # a bracket that closed on month 0 (nothing owed): masked below
    np.subtract(hi, 1.0, out=lo)
    after, before = running.into(hi, mid, work), running.into(lo, value, work)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        after -= before  # month = (hi − 1) + (owed − before) / (after − before)
        np.subtract(owed, before, out=before)
        before /= after
        before += lo
    month = before
    np.logical_not(reached, out=reached)
    month[reached] = np.inf  # never repaid within the benefit months
    np.less_equal(owed, 0.0, out=ok)
    month[ok] = 0.0  # nothing owed
    return month


def _nan(shape: tuple[int, ...]) -> FloatArray:
    return np.full(shape, np.nan)


def _closed_streams(
    parts: list[tuple[FloatArray, Geometric]],
    committed: FloatArray,
    log_d: FloatArray,
    shape: tuple[int, ...],
    paid: int,
    paybacks: frozenset[str] = PAYBACKS,
    nan: FloatArray | None = None,
    late_after: int | None = None,
) -> dict[str, FloatArray | None]:
    """`_streams` for geometric streams, in closed form: the same figures, no months array.
    `committed`: every cost of the programme; `nan`: the answer for a payback not asked for.
    The plain stream is done with before the discounted one is made (less memory held)."""
    nan = _nan(shape) if nan is None else nan
    committed = np.broadcast_to(committed, shape)
    plain = _Running()
    for c, (floor, a, log_q) in parts:
        plain.add(c * floor, None)
        plain.add(c * (1.0 - floor) * a, log_q)
    total = plain(float(paid))
    payback = _closed_repaid_at(plain, total, committed, paid, shape) if "plain" in paybacks else nan
    del plain
    discounted = _Running()
    with np.errstate(over="ignore"):
        d = np.exp(log_d)  # one month's discount factor
    for c, (floor, a, log_q) in parts:
        discounted.add(c * floor * d, log_d)
        discounted.add(c * (1.0 - floor) * a * d, log_q + log_d)
    del d
    pv = discounted(float(paid))
    late = None
    if late_after is not None:  # as `_closed_repaid_at` decides: never repaid by then, something owed
        by = pv if late_after >= paid else discounted(float(late_after)) if late_after > 0 else np.zeros(1)
        late = ~(np.broadcast_to(by, shape) >= committed) & ~(committed <= 0.0)
    return {
        "late": late,
        "total": total,
        "pv": pv,
        "payback": payback,
        "discounted": _closed_repaid_at(discounted, pv, committed, paid, shape)
        if "discounted" in paybacks
        else nan,
        "monthly": None,
    }


def _repaid_at(so_far: FloatArray, owed: FloatArray) -> FloatArray:
    """Per column, the month (interpolated within it) in which a non-decreasing running total
    `so_far` (months 1..M down the rows) first reaches `owed`; 0 when nothing is owed, +inf
    when it never does. A count, not a search: the months still short of what is owed.

    >>> _repaid_at(np.array([[3.0, 1.0], [6.0, 1.0], [9.0, 1.0]]), np.array([4.5, 2.0])).tolist()
    [1.5, inf]
    """
    months = so_far.shape[0]
    if so_far.shape[1] == 1:  # one point: the same figures without index arrays
        return np.array([_repaid_at_one(so_far[:, 0], owed[0])])
    short = np.count_nonzero(so_far < owed, axis=0)  # months 1..k are short: repaid in month k + 1
    out = np.full(short.shape, np.inf)
    out[owed <= 0] = 0.0
    inside = (short < months) & (owed > 0)
    if inside.any():
        k = short[inside]
        columns = np.flatnonzero(inside)
        after = so_far[k, columns]
        before = np.where(k > 0, so_far[np.maximum(k - 1, 0), columns], 0.0)
        out[inside] = k + (owed[inside] - before) / (after - before)
    return out


def _repaid_at_one(so_far: FloatArray, owed: np.float64) -> float:
    """`_repaid_at` of one column."""
    if owed <= 0:
        return 0.0
    k = int(np.count_nonzero(so_far < owed))
    if not (k < so_far.shape[0] and owed > 0):  # never repaid (or NaN owed)
        return math.inf
    before = so_far[k - 1] if k > 0 else np.float64(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(k + (owed - before) / (so_far[k] - before))


def _running_total(a: FloatArray) -> FloatArray:
    """Running totals down the rows (month by month), one vectorised add per month: the same
    sums in the same order at any width (np.cumsum along the first axis is several times slower).

    >>> _running_total(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).tolist()
    [[1.0, 2.0], [4.0, 6.0], [9.0, 12.0]]
    """
    return _running_total_in_place(np.array(a, dtype=np.float64, copy=True))


def _running_total_in_place(out: FloatArray) -> FloatArray:
    if out.ndim < 2 or out.shape[1] <= 64:  # narrow: one accumulate, the same order of additions
        return np.cumsum(out, axis=0, out=out)
    for i in range(1, out.shape[0]):
        np.add(out[i - 1], out[i], out=out[i])
    return out


def _streams(
    parts: list[tuple[FloatArray, FloatArray]],
    upfront: FloatArray,
    yearly: FloatArray,
    log_d: FloatArray,
    shape: tuple[int, ...],
    horizon: int,
    discount: FloatArray | None = None,
    paybacks: frozenset[str] = PAYBACKS,
    late_after: int | None = None,
) -> dict[str, FloatArray | None]:
    """Month-by-month figures of a benefit stream Σ coefficient × profile (each coefficient the
    track's annual benefit / 12 before retention, each profile its share kept per month, months
    down the rows), with costs `upfront` at month 0 and `yearly` at months 12, 24, … before the
    horizon's end: total benefits, their present value, plain and discounted paybacks (the
    months in which the benefits so far repay all the costs, see `Outcome`), computed in blocks
    of points so a million draws never hold a million × months array. `discount`: each month's
    discount factor (months down the rows, one column per point or one for all), when known."""
    months = 12 * horizon
    size = int(np.prod(shape))
    flat = lambda a: _full(a, shape, copy=False).reshape(-1)  # noqa: E731
    coefs = [flat(c) for c, _ in parts]
    profiles = [p for _, p in parts]  # (months, size) or (months, 1)
    up, yr, ld = flat(upfront), flat(yearly), flat(log_d)
    m = np.arange(1, months + 1, dtype=np.float64)[:, None]
    committed = up + yr * (horizon - 1)  # every cost of the programme
    out = {k: np.empty(size) for k in ("total", "pv", "payback", "discounted")}
    late = np.empty(size, dtype=bool) if late_after is not None else None
    keep = size * months <= KEEP_MONTHLY
    monthly = np.empty((months, size)) if keep else None
    columns = max(1, STREAM_BLOCK // max(months, 1))
    for start in range(0, size, columns):
        b = slice(start, start + columns)
        width = len(up[b])
        flows = np.empty((months, width))
        for i, (c, p) in enumerate(zip(coefs, profiles, strict=True)):
            term = p[:, b] if p.shape[1] > 1 else p
            if i == 0:
                np.multiply(c[None, b], term, out=flows)
            else:
                flows += c[None, b] * term
        if discount is not None:
            d = discount[:, b] if discount.shape[1] > 1 else discount
        else:
            d = np.exp(m * ld[None, b]) if ld[b].min() != ld[b].max() else np.exp(m * ld[start])
        worth = flows * d
        if monthly is not None:
            monthly[:, b] = flows
        plain, discounted = _running_total_in_place(flows), _running_total_in_place(worth)  # in order
        out["total"][b], out["pv"][b] = plain[-1], discounted[-1]  # the same sums at any width
        out["payback"][b] = _repaid_at(plain, committed[b]) if "plain" in paybacks else np.nan
        out["discounted"][b] = _repaid_at(discounted, committed[b]) if "discounted" in paybacks else np.nan
        if late is not None:  # as `_repaid_at` counts: the months short of what is owed
            k = min(int(late_after or 0), months)
            by = discounted[k - 1] if k > 0 else np.zeros(width)
            late[b] = (by < committed[b]) & (committed[b] > 0)
    result: dict[str, FloatArray | None] = {k: v.reshape(shape) for k, v in out.items()}
    result["late"] = late.reshape(shape) if late is not None else None
    result["monthly"] = np.moveaxis(monthly.reshape(months, *shape), 0, -1) if monthly is not None else None
    return result


def _option(x: Inputs, option: Option, shared: _Shared) -> Outcome:
    n, per = shared.learners, shared.per_learner
    if option is Option.BLEND:
        share = np.clip(np.asarray(x.blend_ilt_share_pct, dtype=np.float64) / 100.0, 0.0, 1.0)
        on_ilt = np.round(share * n)  # whole people: 7 % of 6,000 is 420, never 420.00000000000006
        micro, ilt = track_costs(x, Format.MICRO, n - on_ilt), track_costs(x, Format.ILT, on_ilt)
        upfront, yearly, costs = (
            micro.upfront + ilt.upfront,
            micro.yearly + ilt.yearly,
            micro.total + ilt.total,
        )
        w = on_ilt / n
        del share, on_ilt, micro, ilt  # large evaluations: what is no longer read is not held
        gross = (1.0 - w) * per[Format.MICRO][0] + w * per[Format.ILT][0]
        coefficients = [
            ((1.0 - w) * per[Format.MICRO][1] * n / 12.0, Format.MICRO),
            (w * per[Format.ILT][1] * n / 12.0, Format.ILT),
        ]
        del w
    else:  # a pure format is the blend's corner: all learners on one track, exactly
        fmt = _FORMAT_OF[option]
        track = shared.full_scale[fmt]
        gross = per[fmt][0]
        coefficients = [(per[fmt][1] * n / 12.0, fmt)]
        upfront, yearly, costs = track.upfront, track.yearly, track.total
    paid_years = benefit_years(x)
    horizon = int(x.horizon_years)
    same = shared.same
    if shared.closed is not None:
        committed = upfront + yearly * (horizon - 1)  # every cost of the programme
        geometric = [(c, shared.closed[f]) for c, f in coefficients]
        stream = _closed_streams(
            geometric, committed, shared.log_d, x.shape, 12 * paid_years, shared.paybacks, same["nan"],
            shared.late_after,
        )  # fmt: skip
    else:
        parts = [(c, shared.profile[f]) for c, f in coefficients]
        stream = _streams(
            parts, upfront, yearly, shared.log_d, x.shape, horizon, shared.discount, shared.paybacks,
            shared.late_after,
        )  # fmt: skip
    total = stream["total"]
    pv = stream["pv"] - upfront - yearly * shared.later
    shape = x.shape
    return Outcome(
        option=option,
        learners=_full(n, shape),
        costs=_full(costs, shape),
        upfront=_full(upfront, shape),
        yearly=_full(yearly, shape),
        benefits=_full(total, shape),
        annual_benefits=_full(total / paid_years if paid_years != 1 else total, shape),
        gross_annual_benefits=_full(gross * n, shape),
        npv=_full(pv, shape),
        horizon_years=same["horizon_years"],
        benefit_years=same["benefit_years"],
        discount_rate=same["discount_rate"],
        payback_months=_full(stream["payback"], shape),
        discounted_payback_months=_full(stream["discounted"], shape),
        monthly_benefits=stream["monthly"],
        late=None if stream["late"] is None else np.broadcast_to(stream["late"], shape).copy(),
    )


def breakeven_learners(scenario: Scenario, option: Option, max_learners: int | None = None) -> int | None:
    """The smallest whole learner count from which `option`'s benefits cover its costs
    (ROI ≥ 0) at every larger count in range; None when that never happens.

    The same model and the same benefits as the ROI figures: it is the learner count that
    Goal seek finds for ROI = 0. Evaluated on a dense grid, then at every whole count of
    the bracket where the last loss turns into a gain.

    >>> breakeven_learners(Scenario(), Option.MICRO)
    93
    >>> breakeven_learners(Scenario(skeptic=True, conservative=True), Option.ILT) is None  # never pays back
    True
    """
    return breakevens(scenario, (option,), max_learners)[option]


def breakevens(
    scenario: Scenario, options: tuple[Option, ...] = tuple(Option), max_learners: int | None = None
) -> dict[Option, int | None]:
    """`breakeven_learners` for several options: one array evaluation of the coarse grid for
    all of them, then one of the bracket per option that has a break-even.

    >>> breakevens(Scenario())
    {<Option.MICRO: 'micro'>: 93, <Option.ILT: 'ilt'>: 58, <Option.BLEND: 'blend'>: 130}

    The scan sets the learner count itself, so the answer does not depend on the scenario's
    own: it is kept per scenario with the count left out (the last 128), and moving the
    learners slider finds it.

    >>> breakevens(Scenario(learners=90)) == breakevens(Scenario(learners=9_000))
    True
    """
    return dict(_breakevens(scenario.with_changes(learners=1), tuple(options), max_learners))


@lru_cache(maxsize=128)
def _breakevens(
    scenario: Scenario, options: tuple[Option, ...], max_learners: int | None
) -> tuple[tuple[Option, int | None], ...]:
    top = int(max_learners or INPUTS["learners"].maximum or 100_000)
    grid = np.unique(np.round(np.geomspace(1, top, 800)))
    coarse = evaluate(scenario, {"learners": grid}, options, NO_PAYBACK)
    found: dict[Option, int | None] = {}
    for option in options:
        net = coarse[option].net
        if not net[-1] >= 0:
            found[option] = None
            continue
        losing = np.flatnonzero(~(net >= 0))
        if losing.size == 0:
            found[option] = 1
            continue
        lo, hi = int(grid[losing[-1]]), int(grid[losing[-1] + 1])
        counts = np.arange(lo, hi + 1, dtype=np.float64)
        fine = evaluate(scenario, {"learners": counts}, (option,), NO_PAYBACK)[option].net
        last_loss = int(np.flatnonzero(~(fine >= 0))[-1])
        found[option] = int(counts[last_loss + 1])
    return tuple(found.items())


def finite_or_none(x: float | None) -> float | None:
    """Guard for display: a non-finite number becomes None (shown as '—')."""
    return None if x is None or not math.isfinite(x) else float(x)
