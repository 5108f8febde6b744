"""The full decision model: benefits, Phillips adjustments and returns per option.

Options are pure microlearning, pure instructor-led, and the blend (a share s of the
learners on the instructor-led track, the rest on microlearning). A track of n learners
of format f costs (money over the horizon H):

    C_f(n) = costs.total_cost(f, n) + n · nudges · (cost per nudge + seat time per nudge)

and 0 when n = 0. Gross benefit per learner per year, summing the streams switched on:

    revenue      = multiplier × C_f(n) / n / H
    turnover     = saving over 5 years / 5      or   rate × reduction × replacement cost
    productivity = gain_f × yearly output value
    onboarding   = new-hire share × weeks saved × 40 h × loaded hourly cost
    risk         = incidents per learner × share avoided_f × cost per incident

Adjusted benefit per learner per year (each factor in 0..1):

    A_f = gross × completion_f × attribution × [confidence] × application × [mean retention_f]

(confidence when the conservative switch is on; mean retention when decay weighting is on).
Benefits accrue for H years, or the first year only when conservative; the blend's benefit
per learner is (1 − s)·A_micro + s·A_ILT, exact at s = 0 and s = 1.

>>> from calculators.scenario import Scenario
>>> r = option_returns(Scenario(), Option.MICRO)
>>> r.costs, round(r.benefits), round(r.roi_pct, 1)
(33000.0, 42497, 28.8)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from calculators.costs import cost_line, total_cost
from calculators.retention import CurveFamily, calibrate, mean_retention, nudges_in
from calculators.returns import (
    CashFlows,
    bcr,
    cash_flows,
    cumulative_net,
    monthly_rate,
    npv,
    payback_month,
    payback_months,
    roi_percent,
)
from calculators.scenario import Format, Scenario
from calculators.skeptic import apply_skeptic

DAYS_PER_YEAR = 365.0
HOURS_PER_WEEK = 40.0


class Option(StrEnum):
    """What the budget can buy: one of the pure formats, or the blend."""

    MICRO = "micro"
    ILT = "ilt"
    BLEND = "blend"

    @property
    def label(self) -> str:
        return {"micro": "Microlearning", "ilt": "Instructor-led", "blend": "Blended"}[self.value]


def effective(scenario: Scenario) -> Scenario:
    """The scenario as the model reads it: the conservative switch forces fully loaded costs,
    the skeptic switch replaces vendor-claim defaults with published values."""
    scenario = apply_skeptic(scenario)
    if scenario.conservative and not scenario.fully_loaded:
        return scenario.model_copy(update={"fully_loaded": True})
    return scenario


def benefit_years(scenario: Scenario) -> int:
    """Years of benefits counted: 1 when conservative (first-year benefits only), else H."""
    return 1 if scenario.conservative else scenario.horizon_years


def _nudge_days(scenario: Scenario, fmt: Format) -> int:
    return scenario.micro_nudge_days if fmt is Format.MICRO else scenario.ilt_nudge_days


def nudge_count(scenario: Scenario, fmt: Format) -> int:
    """Nudges each learner of `fmt` receives over the horizon."""
    return nudges_in(scenario.horizon_years * DAYS_PER_YEAR, _nudge_days(scenario, fmt) or None)


@dataclass(frozen=True)
class TrackCost:
    """Cost of training `learners` learners in one format: paid up front and each later year."""

    learners: float
    upfront: float
    yearly: float  # paid at the start of years 2..H
    total: float


def track_cost(scenario: Scenario, fmt: Format, learners: float) -> TrackCost:
    """Cost of a track of `learners` learners (0 learners cost nothing).

    >>> track_cost(Scenario(), Format.ILT, 1_000).total
    55000.0
    >>> track_cost(Scenario(), Format.ILT, 0).total
    0.0
    """
    s = effective(scenario)
    if learners <= 0:
        return TrackCost(0.0, 0.0, 0.0, 0.0)
    line = cost_line(s, fmt)
    base = float(total_cost(line, learners))
    refresh = float(getattr(s, f"{fmt.value}_refresh_per_year")) if s.fully_loaded else 0.0
    per_nudge = s.cost_per_nudge + (s.nudge_minutes / 60.0 * s.loaded_hourly_cost if s.fully_loaded else 0.0)
    nudges_total = learners * nudge_count(s, fmt) * per_nudge
    years = s.horizon_years
    nudges_yearly = nudges_total / years
    upfront = base - refresh * (years - 1) + nudges_yearly
    yearly = refresh + nudges_yearly
    return TrackCost(learners, upfront, yearly, upfront + yearly * (years - 1))


STREAMS = ("revenue", "turnover", "productivity", "onboarding", "risk")
STREAM_LABELS = {
    "revenue": "Revenue multiplier",
    "turnover": "Turnover savings",
    "productivity": "Productivity gain",
    "onboarding": "Faster onboarding",
    "risk": "Risk reduction",
}


def gross_streams(scenario: Scenario, fmt: Format, cost_per_learner: float) -> dict[str, float]:
    """Gross benefit per learner per year of each stream switched on (money).

    >>> gross_streams(Scenario(), Format.MICRO, 33.0)
    {'turnover': 1000.0}
    >>> gross_streams(Scenario(revenue_on=True, turnover_on=False), Format.MICRO, 1_200.0)
    {'revenue': 720.0}
    """
    s = scenario
    out: dict[str, float] = {}
    if s.revenue_on:
        out["revenue"] = s.revenue_per_training_dollar * cost_per_learner / s.horizon_years
    if s.turnover_on:
        if s.turnover_bottom_up:
            out["turnover"] = s.turnover_rate_pct / 100 * s.turnover_reduction_pct / 100 * s.replacement_cost
        else:
            out["turnover"] = s.turnover_saving_5y / 5.0
    if s.productivity_on:
        gain = s.micro_productivity_gain_pct if fmt is Format.MICRO else s.ilt_productivity_gain_pct
        out["productivity"] = gain / 100 * s.output_value_per_employee
    if s.onboarding_on:
        out["onboarding"] = (
            s.new_hire_pct / 100 * s.onboarding_weeks_saved * HOURS_PER_WEEK * s.loaded_hourly_cost
        )
    if s.risk_on:
        avoided = s.micro_risk_reduction_pct if fmt is Format.MICRO else s.ilt_risk_reduction_pct
        out["risk"] = s.incidents_per_100_learners / 100 * avoided / 100 * s.cost_per_incident
    return out


def overlapping_streams(scenario: Scenario) -> bool:
    """True when the revenue multiplier is summed with bottom-up streams (double counting risk)."""
    bottom_up = scenario.turnover_on or scenario.productivity_on or scenario.onboarding_on or scenario.risk_on
    return scenario.revenue_on and bottom_up


def mean_retained(scenario: Scenario, fmt: Format) -> float:
    """Mean retention of `fmt` over the benefit years, its curve calibrated at the reference day."""
    retained = (scenario.micro_retention_pct if fmt is Format.MICRO else scenario.ilt_retention_pct) / 100
    family = CurveFamily(scenario.retention_curve)
    parameter = calibrate(family, retained, scenario.retention_reference_day)
    days = benefit_years(scenario) * DAYS_PER_YEAR
    return mean_retention(family, parameter, days, _nudge_days(scenario, fmt) or None, scenario.spacing_gain)


@dataclass(frozen=True)
class Adjustment:
    """The factors applied to a format's gross benefit, in waterfall order (each in 0..1)."""

    completion: float
    attribution: float
    confidence: float
    application: float
    retention: float

    @property
    def product(self) -> float:
        return self.completion * self.attribution * self.confidence * self.application * self.retention


def adjustment(scenario: Scenario, fmt: Format) -> Adjustment:
    """The adjustment factors for `fmt` (confidence 1 unless conservative, retention 1 if off)."""
    s = scenario
    completion = (s.micro_completion_pct if fmt is Format.MICRO else s.ilt_completion_pct) / 100
    return Adjustment(
        completion=completion,
        attribution=s.attribution_pct / 100,
        confidence=s.confidence_pct / 100 if s.conservative else 1.0,
        application=s.application_pct / 100,
        retention=mean_retained(s, fmt) if s.decay_weighting else 1.0,
    )


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

    @property
    def payback_months(self) -> float | None:
        """Costs / (annual benefits / 12), undiscounted; None when benefits stop before it."""
        months = payback_months(self.costs, self.annual_benefits)
        if months is None or months > self.benefit_months:
            return None
        return months

    @property
    def benefit_months(self) -> int:
        """Months in which benefits accrue (the horizon, or 12 under the conservative rules)."""
        return int(np.count_nonzero(self.flows.benefits)) if self.annual_benefits > 0 else 0

    @property
    def horizon_years(self) -> int:
        return (len(self.flows.months) - 1) // 12

    @property
    def npv(self) -> float:
        return npv(self.flows, self.discount_rate)

    @property
    def discounted_payback_month(self) -> float | None:
        return payback_month(self.flows, self.discount_rate)

    def cumulative(self, discounted: bool = False) -> np.ndarray:
        return cumulative_net(self.flows, self.discount_rate if discounted else None)


def _adjusted_per_learner(scenario: Scenario, fmt: Format, track: TrackCost) -> tuple[float, float]:
    """(gross, adjusted) benefit per learner per year for a track of `fmt`."""
    per_learner_cost = track.total / track.learners if track.learners > 0 else 0.0
    gross = sum(gross_streams(scenario, fmt, per_learner_cost).values())
    return gross, gross * adjustment(scenario, fmt).product


def blend_returns(scenario: Scenario, ilt_share: float) -> Returns:
    """Returns of a blend with `ilt_share` (0..1) of the learners on the instructor-led track.

    Pure microlearning is `ilt_share = 0` and pure instructor-led `ilt_share = 1`, exactly.

    >>> from calculators.scenario import Scenario
    >>> blend_returns(Scenario(), 0.0).costs == option_returns(Scenario(), Option.MICRO).costs
    True
    """
    s = effective(scenario)
    n = s.learners
    m = min(max(float(ilt_share), 0.0), 1.0)
    tracks = {
        Format.MICRO: track_cost(s, Format.MICRO, (1.0 - m) * n),
        Format.ILT: track_cost(s, Format.ILT, m * n),
    }
    # Per-learner benefits are computed at the full scale so that the blend's corners are exact.
    full = {f: track_cost(s, f, n) for f in Format}
    per = {f: _adjusted_per_learner(s, f, full[f]) for f in Format}
    gross = (1.0 - m) * per[Format.MICRO][0] + m * per[Format.ILT][0]
    adjusted = (1.0 - m) * per[Format.MICRO][1] + m * per[Format.ILT][1]
    if m == 0.0 or m == 1.0:
        only = Format.ILT if m == 1.0 else Format.MICRO
        gross, adjusted = per[only]
    years = benefit_years(s)
    annual = adjusted * n
    upfront = sum(t.upfront for t in tracks.values())
    yearly = sum(t.yearly for t in tracks.values())
    costs = sum(t.total for t in tracks.values())
    option = Option.BLEND if 0.0 < m < 1.0 else (Option.ILT if m == 1.0 else Option.MICRO)
    return Returns(
        option=option,
        learners=n,
        costs=costs,
        benefits=annual * years,
        annual_benefits=annual,
        gross_annual_benefits=gross * n,
        flows=cash_flows(upfront, yearly, annual, s.horizon_years, benefit_years=years),
        discount_rate=s.discount_rate_pct / 100,
    )


def option_returns(scenario: Scenario, option: Option) -> Returns:
    """Returns of one option: the pure formats are the blend's corners."""
    share = {Option.MICRO: 0.0, Option.ILT: 1.0, Option.BLEND: scenario.blend_ilt_share_pct / 100}[option]
    result = blend_returns(scenario, share)
    return result if option is not Option.BLEND else _as_blend(result)


def _as_blend(result: Returns) -> Returns:
    return Returns(
        Option.BLEND, result.learners, result.costs, result.benefits, result.annual_benefits,
        result.gross_annual_benefits, result.flows, result.discount_rate,
    )  # fmt: skip


def all_returns(scenario: Scenario) -> dict[Option, Returns]:
    """Returns of microlearning, instructor-led and the chosen blend."""
    return {o: option_returns(scenario, o) for o in Option}


@dataclass(frozen=True)
class WaterfallStep:
    label: str
    value: float  # benefits after this step (money over the benefit years)


def waterfall(scenario: Scenario, fmt: Format) -> list[WaterfallStep]:
    """Step-down from gross to defensible benefits of `fmt` (conservative rules applied).

    gross → completed → attributed → confidence-adjusted → applied → decay-adjusted →
    first year only → discounted (present value of the monthly benefits).
    """
    s = effective(scenario.model_copy(update={"conservative": True}))
    n = s.learners
    track = track_cost(s, fmt, n)
    gross = sum(gross_streams(s, fmt, track.total / n).values()) * n
    a = adjustment(s, fmt)
    years_all = s.horizon_years
    steps = [WaterfallStep("Gross benefits", gross * years_all)]
    value = gross * years_all
    for label, factor in (
        ("Completed", a.completion),
        ("Attributed to training", a.attribution),
        ("Confidence-adjusted", a.confidence),
        ("Applied on the job", a.application),
        ("Knowledge retained", mean_retained(s, fmt) if s.decay_weighting else 1.0),
    ):
        value *= factor
        steps.append(WaterfallStep(label, value))
    value = value / years_all  # first-year benefits only
    steps.append(WaterfallStep("First year only", value))
    flows = cash_flows(0.0, 0.0, value, s.horizon_years, benefit_years=1)
    discounted = float(
        np.sum(flows.benefits * (1 + monthly_rate(s.discount_rate_pct / 100)) ** -flows.months)
    )
    steps.append(WaterfallStep("Discounted", discounted))
    return steps


def best_share(scenario: Scenario, points: int = 101) -> tuple[float, dict[str, np.ndarray]]:
    """The ILT share (0..1) that best meets the scenario's objective, and the curves across shares.

    Curves: 'share', 'costs', 'benefits', 'npv', 'roi' (NaN-free; ROI is 0 where costs are 0).
    """
    shares = np.linspace(0.0, 1.0, points)
    results = [blend_returns(scenario, float(m)) for m in shares]
    curves = {
        "share": shares,
        "costs": np.array([r.costs for r in results]),
        "benefits": np.array([r.benefits for r in results]),
        "npv": np.array([r.npv for r in results]),
        "roi": np.array([r.roi_pct if r.roi_pct is not None else 0.0 for r in results]),
    }
    objective = scenario.blend_objective
    if objective == "lowest cost":
        index = int(np.argmin(curves["costs"]))
    elif objective == "ROI":
        index = int(np.argmax(curves["roi"]))
    else:
        index = int(np.argmax(curves["npv"]))
    return float(shares[index]), curves


def finite_or_none(x: float | None) -> float | None:
    """Guard for display: a non-finite number becomes None (shown as '—')."""
    return x if x is not None and math.isfinite(x) else None
