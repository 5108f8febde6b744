"""Returns of one scenario, read off the model core (`calculators.model`) for screens.

The model exists once, in `calculators.model`, and broadcasts; this module takes its
size-one answer and adds what a single scenario's screens need: the monthly cash flows
behind the cumulative chart and the discounted payback month, the step-down waterfall,
and the blend curve across every mix (one array evaluation).

>>> from calculators.scenario import Scenario
>>> r = option_returns(Scenario(), Option.MICRO)
>>> r.costs, round(r.benefits), round(r.roi_pct, 1)
(33000.0, 326699, 890.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from calculators.model import (
    DAYS_PER_YEAR,
    MAX_HALF_LIFE_RATIO,
    NO_PAYBACK,
    STREAM_LABELS,
    STREAMS,
    Inputs,
    Option,
    Outcome,
    adjustment,
    benefit_years,
    effective,
    evaluate,
    finite_or_none,
    gross_streams,
    half_life_ratio,
    half_lost_days,
    mean_retained,
    overlapping_streams,
    retention_profile,
    track_costs,
)
from calculators.retention import MONTH_DAYS, CurveFamily, fading_half_life, two_point_stability
from calculators.returns import (
    CashFlows,
    bcr,
    cash_flows,
    cumulative_net,
    monthly_rate,
    npv,
    payback_month,
    roi_percent,
)
from calculators.scenario import INPUTS, Format, Scenario

__all__ = [
    "DAYS_PER_YEAR", "STREAMS", "STREAM_LABELS", "Option", "Returns", "WaterfallStep", "all_returns",
    "benefit_years", "best_share", "blend_returns", "effective", "finite_or_none", "kept_by_month",
    "mean_retention_of",
    "option_returns", "overlapping_streams", "returns_of", "returns_together", "waterfall",
]  # fmt: skip


@dataclass(frozen=True)
class Returns:
    """Costs, benefits and returns of one option over the horizon (money in the currency)."""

    option: Option
    learners: int
    costs: float
    benefits: float  # adjusted, undiscounted, over the benefit years
    annual_benefits: float
    gross_annual_benefits: float
    flows: CashFlows = field(repr=False)
    discount_rate: float = 0.0

    @property
    def net(self) -> float:
        return self.benefits - self.costs

    @property
    def roi_pct(self) -> float | None:
        return roi_percent(self.benefits, self.costs)

    @property
    def bcr(self) -> float | None:
        return bcr(self.benefits, self.costs)

    @cached_property  # the flows are read-only: worked out once (tiles, charts and verdicts ask)
    def payback_months(self) -> float | None:
        """Month in which the plain cumulative net benefit first reaches zero; None if never."""
        return payback_month(self.flows)

    @property
    def benefit_months(self) -> int:
        """Months in which benefits accrue (the horizon, or 12 under the conservative rules)."""
        return int(np.count_nonzero(self.flows.benefits)) if self.annual_benefits > 0 else 0

    @property
    def horizon_years(self) -> int:
        return (len(self.flows.months) - 1) // 12

    @cached_property
    def npv(self) -> float:
        """Net present value of the monthly flows (equals the model core's closed form)."""
        return npv(self.flows, self.discount_rate)

    @cached_property
    def discounted_payback_month(self) -> float | None:
        return payback_month(self.flows, self.discount_rate)

    def cumulative(self, discounted: bool = False) -> np.ndarray:
        return cumulative_net(self.flows, self.discount_rate if discounted else None)


def returns_of(outcome: Outcome, index: int = 0) -> Returns:
    """One point of the model's outcome as a `Returns`, with its monthly cash flows."""
    i = index
    horizon = int(outcome.horizon_years.flat[i])
    paid = int(outcome.benefit_years.flat[i])
    annual = float(outcome.annual_benefits.flat[i])
    monthly = outcome.monthly_benefits
    stream = None if monthly is None else np.asarray(monthly).reshape(-1, monthly.shape[-1])[i]
    if stream is None:  # a large evaluation keeps no months: evaluate this point alone
        raise ValueError("returns_of needs an evaluation small enough to keep its monthly benefits")
    flows = cash_flows(
        float(outcome.upfront.flat[i]),
        float(outcome.yearly.flat[i]),
        annual,
        horizon,
        benefit_years=paid,
        monthly_benefits=stream,
    )
    return Returns(
        option=outcome.option,
        learners=int(outcome.learners.flat[i]),
        costs=float(outcome.costs.flat[i]),
        benefits=float(outcome.benefits.flat[i]),
        annual_benefits=annual,
        gross_annual_benefits=float(outcome.gross_annual_benefits.flat[i]),
        flows=flows,
        discount_rate=float(outcome.discount_rate.flat[i]),
    )


def all_returns(scenario: Scenario) -> dict[Option, Returns]:
    """Returns of microlearning, instructor-led and the chosen blend (one model call).

    Kept for the last 256 scenarios (a scenario is its values: equal scenarios, equal
    returns; their cash flows are read-only): a page asks for the same scenario's returns
    several times a rerun (headline, tiles, comparison, verdicts), each ask a model call.

    >>> all_returns(Scenario())[Option.MICRO] is all_returns(Scenario())[Option.MICRO]
    True
    """
    return dict(_all_returns(scenario))


@lru_cache(maxsize=256)
def _all_returns(scenario: Scenario) -> tuple[tuple[Option, Returns], ...]:
    kept = []
    for option, outcome in evaluate(scenario).items():
        r = returns_of(outcome)
        r.flows.costs.setflags(write=False)
        r.flows.benefits.setflags(write=False)
        kept.append((option, r))
    return tuple(kept)


WHAT_IF_FIELDS = ("skill_half_life_months", "retention_floor_pct")  # what the retention what-ifs vary


def returns_together(scenarios: Sequence[Scenario]) -> list[dict[Option, Returns]]:
    """`all_returns` of each scenario, those that differ only in `WHAT_IF_FIELDS` (the
    Retention page's what-ifs: the half-lives, no floor) from one model call on arrays of
    those inputs instead of one call each; the figures are the same.

    >>> plans = [Scenario(), Scenario(skill_half_life_months=6.5), Scenario(retention_floor_pct=0.0)]
    >>> together = returns_together(plans)
    >>> all(math.isclose(t[o].npv, all_returns(s)[o].npv, rel_tol=1e-12, abs_tol=1e-6)
    ...     for t, s in zip(together, plans) for o in Option)
    True
    """
    read = [effective(s) for s in scenarios]
    groups: dict[Scenario, list[int]] = {}
    for i, e in enumerate(read):
        groups.setdefault(e.model_copy(update=dict.fromkeys(WHAT_IF_FIELDS)), []).append(i)
    out: list[dict[Option, Returns]] = [{} for _ in scenarios]
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = all_returns(scenarios[members[0]])
            continue
        values = {f: np.array([float(getattr(read[i], f)) for i in members]) for f in WHAT_IF_FIELDS}
        outcomes = evaluate(scenarios[members[0]], values)
        for k, i in enumerate(members):
            out[i] = {o: _read_only(returns_of(outcomes[o], k)) for o in outcomes}
    return out


def _read_only(r: Returns) -> Returns:
    r.flows.costs.setflags(write=False)
    r.flows.benefits.setflags(write=False)
    return r


def option_returns(scenario: Scenario, option: Option) -> Returns:
    """Returns of one option."""
    return returns_of(evaluate(scenario, options=(option,))[option])


def blend_returns(scenario: Scenario, ilt_share: float) -> Returns:
    """Returns of a blend with `ilt_share` (0..1) of the learners on the instructor-led track.

    Pure microlearning is `ilt_share = 0` and pure instructor-led `ilt_share = 1`, exactly.

    >>> blend_returns(Scenario(), 0.0).costs == option_returns(Scenario(), Option.MICRO).costs
    True
    """
    m = min(max(float(ilt_share), 0.0), 1.0)
    r = returns_of(evaluate(scenario, {"blend_ilt_share_pct": 100.0 * m}, (Option.BLEND,))[Option.BLEND])
    corner = Option.ILT if m == 1.0 else Option.MICRO if m == 0.0 else Option.BLEND
    return Returns(corner, r.learners, r.costs, r.benefits, r.annual_benefits, r.gross_annual_benefits, r.flows,
                   r.discount_rate)  # fmt: skip


def mean_retention_of(scenario: Scenario, fmt: Format) -> float:
    """Mean retention of `fmt` over the benefit years, as the model counts it (switches applied)."""
    return float(mean_retained(Inputs(effective(scenario)), fmt))


def kept_by_month(scenario: Scenario) -> dict[Option, np.ndarray]:
    """The share of the trained gain each option keeps in each month 1..12·H of the horizon, as
    the model weights its benefits (switches applied; all ones when benefits are not weighted
    by retention). Every month of the horizon is given, also past the first year that the
    conservative rules count.

    A pure format's is the model's `retention_profile`. The blend's is its month's benefit over
    the same month's benefit with nothing forgotten,

        ((1 − w)·A_micro·ρ_micro(m) + w·A_ILT·ρ_ILT(m)) / ((1 − w)·A_micro + w·A_ILT),

    w the share of learners on the instructor-led track and A_f a learner's yearly benefit of
    format f before retention: read off the model's own blend, evaluated with and without the
    weighting. With no benefit at all it is the learners' mix (1 − w)·ρ_micro + w·ρ_ILT.
    Kept for the last 64 scenarios (read-only arrays).

    Defaults (11-month skill half-life, 20 % floor, 10 % of learners instructor-led), month 12:

    >>> kept = kept_by_month(Scenario())
    >>> [round(float(kept[o][11]), 3) for o in Option], len(kept[Option.BLEND])
    ([0.804, 0.487, 0.769], 36)
    """
    return dict(_kept_by_month(scenario))


@lru_cache(maxsize=64)
def _kept_by_month(scenario: Scenario) -> tuple[tuple[Option, np.ndarray], ...]:
    s = effective(scenario)
    months = 12 * s.horizon_years
    x = Inputs(s)
    kept = {
        option: np.asarray(retention_profile(x, fmt, months), dtype=np.float64).reshape(months)
        for fmt, option in ((Format.MICRO, Option.MICRO), (Format.ILT, Option.ILT))
    }
    every_month = s.with_changes(conservative=False, skeptic=False)  # values as read; all H years
    weighted, flat = (
        evaluate(v, options=(Option.BLEND,))[Option.BLEND].monthly_benefits
        for v in (every_month, every_month.with_changes(decay_weighting=False))
    )
    w = min(max(s.blend_ilt_share_pct / 100.0, 0.0), 1.0)
    mix = (1.0 - w) * kept[Option.MICRO] + w * kept[Option.ILT]
    if weighted is None or flat is None:  # not kept by the model (never for one point): the mix
        kept[Option.BLEND] = mix
    else:
        on, off = np.asarray(weighted).reshape(months), np.asarray(flat).reshape(months)
        with np.errstate(divide="ignore", invalid="ignore"):
            kept[Option.BLEND] = np.clip(np.where(off > 0, on / off, mix), 0.0, 1.0)
    for values in kept.values():
        values.setflags(write=False)
    return tuple(kept.items())


@dataclass(frozen=True)
class WaterfallStep:
    label: str
    value: float  # benefits after this step (money over the benefit years)


def waterfall(scenario: Scenario, fmt: Format) -> list[WaterfallStep]:
    """Step-down from gross to defensible benefits of `fmt` (conservative rules applied).

    gross → completed → attributed → confidence-adjusted → applied → skill kept (the mean
    share of the trained gain kept month by month over the horizon) → first year only (the
    first 12 months of that same stream) → discounted (their present value). Each step is
    money over the months it counts; the last two are the conservative case's benefits.

    >>> steps = waterfall(Scenario(), Format.MICRO)
    >>> [step.label for step in steps][-3:]
    ['Skill kept on the job', 'First year only', 'Discounted']
    >>> steps[-2].value >= steps[-1].value and steps[-3].value >= steps[-2].value
    True
    """
    s = effective(scenario.with_changes(conservative=True))
    x = Inputs(s)
    n = np.asarray(float(s.learners))
    at_scale = track_costs(x, fmt, n)
    gross = float(sum(gross_streams(x, fmt, at_scale.total / n).values(), 0.0)) * s.learners
    a = adjustment(x, fmt, retention=False)
    months = 12 * s.horizon_years
    kept = np.asarray(retention_profile(x, fmt, months), dtype=np.float64).reshape(months)
    value = gross * s.horizon_years
    steps = [WaterfallStep("Gross benefits", value)]
    for label, factor in (
        ("Completed", a.completion),
        ("Attributed to training", a.attribution),
        ("Confidence-adjusted", a.confidence),
        ("Applied on the job", a.application),
    ):
        value *= float(factor)
        steps.append(WaterfallStep(label, value))
    per_month = value / months  # the applied benefit of a month before forgetting
    steps.append(WaterfallStep("Skill kept on the job", per_month * float(kept.sum())))
    first_year = per_month * kept[:12]
    steps.append(WaterfallStep("First year only", float(first_year.sum())))
    d = (1 + monthly_rate(s.discount_rate_pct / 100)) ** -np.arange(1, first_year.size + 1)
    steps.append(WaterfallStep("Discounted", float(np.sum(first_year * d))))
    return steps


def best_share(scenario: Scenario, points: int = 101) -> tuple[float, dict[str, np.ndarray]]:
    """The ILT share (0..1) that best meets the scenario's objective, and the curves across shares.

    One array evaluation of the model over every share. Curves: 'share', 'costs',
    'benefits', 'npv', 'roi' (NaN-free; ROI is 0 where costs are 0).

    >>> share, curves = best_share(Scenario())
    >>> share, len(curves["npv"])
    (0.0, 101)
    """
    shares = np.linspace(0.0, 1.0, points)
    r = evaluate(scenario, {"blend_ilt_share_pct": 100.0 * shares}, (Option.BLEND,), NO_PAYBACK)[Option.BLEND]
    curves = {
        "share": shares,
        "costs": r.costs,
        "benefits": r.benefits,
        "npv": r.npv,
        "roi": np.nan_to_num(r.roi_pct, nan=0.0),
    }
    objective = scenario.blend_objective
    if objective == "lowest cost":
        index = int(np.argmin(curves["costs"]))
    elif objective == "ROI":
        index = int(np.argmax(curves["roi"]))
    else:
        index = int(np.argmax(curves["npv"]))
    return float(shares[index]), curves


@dataclass(frozen=True)
class RetentionView:
    """What the Retention page shows, read off the model once (`retention_view`).

    `scenario`: as the model reads it (switches applied), with benefits weighted by retention;
    `weighted`: whether the user's own scenario weights them (if not, the curves show what the
    weighting would take off). `kept`: each option's share of the trained gain kept in months
    1..12·H (`calculators.roi.kept_by_month`); `half_life_months`: the months until half of each
    format's whole gain is lost (`calculators.model.half_lost_days`); `benefit_months`: the months benefits are counted.
    """

    scenario: Scenario
    weighted: bool
    kept: dict[Option, np.ndarray]
    half_life_months: dict[Format, float]
    benefit_months: int

    @property
    def months(self) -> int:
        return len(next(iter(self.kept.values())))

    def mean_kept(self, option: Option) -> float:
        """The share of the gain `option` keeps on average over the months benefits are counted."""
        return float(np.mean(self.kept[option][: self.benefit_months]))


def retention_view(scenario: Scenario) -> RetentionView:
    """The model's retention figures for `scenario` (see `RetentionView`).

    >>> view = retention_view(Scenario())
    >>> round(view.half_life_months[Format.ILT], 1), round(view.half_life_months[Format.MICRO], 1)
    (11.0, 40.1)
    >>> round(view.mean_kept(Option.ILT), 3), round(view.mean_kept(Option.MICRO), 3), view.months
    (0.439, 0.732, 36)
    """
    weighted = scenario.decay_weighting
    shown = scenario if weighted else scenario.with_changes(decay_weighting=True)
    s = effective(shown)
    x = Inputs(s)
    return RetentionView(
        scenario=s,
        weighted=weighted,
        kept=kept_by_month(shown),
        half_life_months={f: float(half_lost_days(x, f)) / MONTH_DAYS for f in Format},
        benefit_months=12 * benefit_years(s),
    )


def half_lost_months(scenario: Scenario, fmt: Format = Format.ILT) -> float:
    """Months until `fmt`'s skills lose half of their whole gain in `scenario`, its switches
    applied (`calculators.model.half_lost_days`).

    >>> round(half_lost_months(Scenario()), 2), round(half_lost_months(Scenario(retention_floor_pct=30)), 1)
    (11.0, 14.0)
    """
    return float(half_lost_days(Inputs(effective(scenario)), fmt)) / MONTH_DAYS


def with_half_lost_after(scenario: Scenario, half_lost_months: float) -> Scenario:
    """`scenario` with the "Half of what fades is lost after" (within the input's bounds) that
    makes its instructor-led skills lose half of their whole gain after `half_lost_months`,
    with its floor and curve (`calculators.retention.fading_half_life`): how a study's "half of
    the gain lost after 6.5 months" enters this scenario.

    >>> round(with_half_lost_after(Scenario(), 11.0).skill_half_life_months, 2)
    7.77
    >>> with_half_lost_after(Scenario(retention_floor_pct=0), 6.5).skill_half_life_months
    6.5
    """
    s = effective(scenario)
    days = fading_half_life(
        CurveFamily(s.retention_curve), half_lost_months * MONTH_DAYS, s.retention_floor_pct / 100
    )
    spec = INPUTS["skill_half_life_months"]
    months = min(max(float(days) / MONTH_DAYS, float(spec.minimum or 0)), float(spec.maximum or math.inf))
    return scenario.with_changes(skill_half_life_months=months)


@dataclass(frozen=True)
class TwoPointFit:
    """What a two-point knowledge check gives (`two_point_fit`): `stability` S (days) of the
    knowledge-check curve R(t) = R1·e^(−(t − t1)/S) through both tests, `recall_at_reference`
    (0..1) at the scenario's reference day, `entered_pct` that recall as the model takes it for
    microlearning's "Knowledge retained" (within its range), and the months until microlearning's
    skills lose half of their gain (`calculators.model.half_lost_days`) now and with that value entered."""

    stability: float
    reference_day: int
    recall_at_reference: float
    entered_pct: float
    half_life_now_months: float
    half_life_then_months: float
    entered_limit: int = (
        0  # −1: the recall is below the input's range, entered at its lowest; +1: above, at its highest
    )
    now_at_cap: int = 0  # `half_life_cap` of the scenario's own figure
    then_at_cap: int = 0  # `half_life_cap` of the figure entered


def half_life_cap(retention_pct: float) -> int:
    """Whether a format's "Knowledge retained" puts its skill half-life at the model's limit
    (`calculators.model.half_life_days`: at most `MAX_HALF_LIFE_RATIO` times the research's, at
    least 1/that): +1 at the longest the model allows (a higher figure would change nothing),
    −1 at the shortest, 0 between.

    >>> half_life_cap(75), half_life_cap(98.9), half_life_cap(99.0), half_life_cap(100)
    (0, 0, 1, 1)
    """
    ratio = float(half_life_ratio(retention_pct))  # as the model reads the figure (0 % → a ratio of 0)
    return 1 if ratio >= MAX_HALF_LIFE_RATIO else -1 if ratio <= 1 / MAX_HALF_LIFE_RATIO else 0


def two_point_fit(
    t1: float, r1_pct: float, t2: float, r2_pct: float, scenario: Scenario
) -> TwoPointFit | None:
    """Fit a two-point knowledge check: S = (t2 − t1) / ln(R1 / R2); None when it shows no decay.

    The fit is of the knowledge-check curve, not of the skill on the job: the model takes how
    fast skills fade from research, and a format's recall only sets how long its skills last
    compared with the other format's (`calculators.model.half_life_days`).

    >>> fit = two_point_fit(30, 60, 90, 40, Scenario())
    >>> round(fit.stability), round(fit.half_life_then_months), round(fit.half_life_now_months)
    (148, 23, 40)
    >>> two_point_fit(30, 40, 90, 60, Scenario()) is None
    True

    A check that barely fades puts the half-life at the longest the model allows (`then_at_cap`):

    >>> fit = two_point_fit(30, 99, 90, 98.9, Scenario())
    >>> round(fit.half_life_then_months), fit.then_at_cap, fit.now_at_cap, fit.entered_limit
    (1100, 1, 0, 0)
    """
    stability = two_point_stability(t1, r1_pct / 100, t2, r2_pct / 100)
    if stability is None:
        return None
    s = effective(scenario)
    day_ref = s.retention_reference_day
    fitted = r1_pct / 100 * math.exp(-(day_ref - t1) / stability)
    at_ref = min(fitted, 1.0)
    spec = INPUTS["micro_retention_pct"]
    low, high = float(spec.minimum or 0), float(spec.maximum or 100)
    entered = min(max(100 * at_ref, low), high)
    limit = -1 if 100 * fitted < low else 1 if 100 * fitted > high else 0
    now, then = (
        float(half_lost_days(Inputs(v), Format.MICRO)) / MONTH_DAYS
        for v in (s, s.with_changes(micro_retention_pct=entered))
    )
    return TwoPointFit(
        stability, day_ref, at_ref, entered, now, then, limit, half_life_cap(s.micro_retention_pct),
        half_life_cap(entered),
    )  # fmt: skip


def mean_kept(scenario: Scenario, option: Option, benefit_months: int) -> float:
    """The share of the gain `option` keeps on average over the first `benefit_months` months
    (the mean of `kept_by_month` over them).

    A pure format's is read off its retention profile alone (the blend's needs the model's
    blend, evaluated twice: `kept_by_month`), the same figures at a fraction of the cost.

    >>> round(mean_kept(Scenario(), Option.ILT, 36), 3), round(mean_kept(Scenario(), Option.BLEND, 12), 3)
    (0.439, 0.871)
    >>> all(mean_kept(Scenario(), o, 24) == float(kept_by_month(Scenario())[o][:24].mean()) for o in Option)
    True
    """
    if option is Option.BLEND:
        return float(kept_by_month(scenario)[option][:benefit_months].mean())
    s = effective(scenario)
    fmt = Format.MICRO if option is Option.MICRO else Format.ILT
    profile = np.asarray(retention_profile(Inputs(s), fmt, 12 * s.horizon_years), dtype=np.float64)
    return float(profile.reshape(-1)[:benefit_months].mean())
