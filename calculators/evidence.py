"""The evidence behind the inputs: weak defaults, the seeds' own inconsistencies, research.

Pure functions for the Assumptions & sources and Case studies pages. The seeds are three
web articles (PRODUCT.md); most of their figures are vendor claims (grade C). Where a seed's
printed figure cannot be reproduced from its own inputs, the product shows the computed
figure next to the printed one instead of copying it. All money here is in US dollars,
the seeds' currency.

Seed 002's break-even learner counts imply a benefit per learner it never states:

>>> round(implied_benefit_per_learner(30_000, 3, 1_000), 2)
33.0

Seed 000's worked example, recomputed:

>>> ex = seed_000_example()
>>> ex.benefits, ex.net, round(ex.roi_pct, 1), ex.printed_total in (ex.benefits, ex.net)
(7160.0, 5960.0, 496.7, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.returns import bcr, roi_percent
from calculators.roi import Option, option_returns
from calculators.scenario import INPUTS, Grade, Scenario
from calculators.skeptic import SkepticValue, apply_skeptic, replaced_fields

WEAK_GRADES = (Grade.C, Grade.D)
MONTHS_PER_YEAR = 12.0


def skeptic_values(scenario: Scenario) -> dict[str, SkepticValue]:
    """The published values the skeptic switch puts in place of weak defaults, by field.

    Empty when the switch is off.

    >>> skeptic_values(Scenario()), skeptic_values(Scenario(skeptic=True))["micro_retention_pct"].value
    ({}, 35.0)
    """
    if not scenario.skeptic:
        return {}
    return {v.field: v for v in replaced_fields(scenario)}


def weak_defaults(scenario: Scenario) -> list[str]:
    """Names of the inputs the model still reads as a grade C or D default.

    A changed value is the user's own figure, so it no longer rests on the seed's grade;
    a default the skeptic switch replaced takes the grade of the published value.

    >>> len(weak_defaults(Scenario())) == sum(s.grade in WEAK_GRADES for s in INPUTS.values())
    True
    >>> "micro_fixed_cost" in weak_defaults(Scenario(micro_fixed_cost=25_000))
    False
    >>> "micro_retention_pct" in weak_defaults(Scenario(skeptic=True))  # grade A value instead
    False
    """
    replaced = skeptic_values(scenario)
    weak = []
    for name, spec in INPUTS.items():
        if getattr(scenario, name) != spec.default:
            continue
        grade = replaced[name].grade if name in replaced else spec.grade
        if grade in WEAK_GRADES:
            weak.append(name)
    return weak


def changed_inputs(scenario: Scenario) -> list[str]:
    """Names of the inputs whose value differs from the default.

    >>> changed_inputs(Scenario()), changed_inputs(Scenario(learners=477))
    ([], ['learners'])
    """
    return [name for name, spec in INPUTS.items() if getattr(scenario, name) != spec.default]


# --- (a) Seed 002: break-even learner counts without a benefit ------------------------


def implied_benefit_per_learner(fixed_cost: float, cost_per_learner: float, breakeven: float) -> float:
    """The benefit per learner b that puts break-even at `breakeven` learners.

    Break-even is N = F / (b − v), so b = F / N + v (money per learner). Seed 002 lists
    "~1,000 learners" for microlearning (F = $30,000, v = $3) and "~350" for instructor-led
    (F = $10,000, v = $45) but never states a benefit; its figures imply two different ones:

    >>> implied_benefit_per_learner(30_000, 3, 1_000)
    33.0
    >>> round(implied_benefit_per_learner(10_000, 45, 350), 2)
    73.57

    Raises ValueError for a break-even of zero or fewer learners (no such programme).
    """
    if breakeven <= 0:
        raise ValueError("break-even must be a positive learner count")
    return fixed_cost / breakeven + cost_per_learner


@dataclass(frozen=True)
class ImpliedBenefit:
    """One row of seed 002's table: its costs, its printed break-even, the benefit it implies."""

    format_label: str
    fixed_cost: float
    cost_per_learner: float
    printed_breakeven: float
    implied_benefit: float


def seed_002_breakevens() -> tuple[ImpliedBenefit, ImpliedBenefit]:
    """Seed 002's two break-even figures and the benefit per learner each one implies.

    >>> micro, ilt = seed_002_breakevens()
    >>> micro.implied_benefit, round(ilt.implied_benefit, 1)
    (33.0, 73.6)
    """
    rows = (("Microlearning", 30_000.0, 3.0, 1_000.0), ("Instructor-led", 10_000.0, 45.0, 350.0))
    micro, ilt = (ImpliedBenefit(*row, implied_benefit_per_learner(*row[1:])) for row in rows)
    return micro, ilt


# --- (b) Seed 000: the per-employee calculator ------------------------------------------


@dataclass(frozen=True)
class PerEmployeeExample:
    """Seed 000's calculator for one employee, recomputed (US dollars)."""

    cost: float
    revenue: float
    turnover_saving: float
    printed_total: float

    @property
    def benefits(self) -> float:
        return self.revenue + self.turnover_saving

    @property
    def net(self) -> float:
        return self.benefits - self.cost

    @property
    def roi_pct(self) -> float:
        value = roi_percent(self.benefits, self.cost)
        assert value is not None  # the cost is positive
        return value

    @property
    def bcr(self) -> float:
        value = bcr(self.benefits, self.cost)
        assert value is not None
        return value


def seed_000_example(
    cost: float = 1_200.0,
    revenue_per_dollar: float = 1.8,
    turnover_saving: float = 5_000.0,
    printed_total: float = 6_960.0,
) -> PerEmployeeExample:
    """Seed 000's "simple calculator": cost $1,200, revenue 1.80 × cost, turnover $5,000.

    Benefits $2,160 + $5,000 = $7,160, net $5,960, ROI (7,160 − 1,200) / 1,200 = 496.7 %.
    The seed prints "Total ROI per employee: $6,960": $200 below the benefits and $1,000
    above the net, so it is neither.

    >>> ex = seed_000_example()
    >>> ex.revenue, ex.benefits, ex.net, round(ex.roi_pct, 2), round(ex.bcr, 2)
    (2160.0, 7160.0, 5960.0, 496.67, 5.97)
    >>> ex.benefits - ex.printed_total, ex.printed_total - ex.net
    (200.0, 1000.0)

    `cost` must be positive (the seed's ROI is per training dollar).
    """
    if cost <= 0:
        raise ValueError("the training cost must be positive")
    return PerEmployeeExample(cost, revenue_per_dollar * cost, turnover_saving, printed_total)


# --- (c) Seed 000: 38 % shorter onboarding vs six weeks to "just under four" -------------


def percent_reduction(before: float, after: float) -> float:
    """Relative reduction from `before` to `after`, in percent: (before − after) / before × 100.

    Seed 000 cites a 38 % cut in onboarding time (McKinsey survey) but its own rollout went
    from six weeks to "just under four", about a third:

    >>> round(percent_reduction(6, 4), 1), round(percent_reduction(6, 3.9), 1)
    (33.3, 35.0)
    """
    if before <= 0:
        raise ValueError("the starting value must be positive")
    return (before - after) / before * 100.0


def after_reduction(before: float, reduction_pct: float) -> float:
    """The value left after a `reduction_pct` % cut: six weeks cut by 38 % is 3.72 weeks.

    >>> round(after_reduction(6, 38), 2)
    3.72
    """
    return before * (1.0 - reduction_pct / 100.0)


# --- (d) Seed 000: a six-month productivity gain used as a yearly rate ------------------


@dataclass(frozen=True)
class ProductivityStretch:
    """A gain measured over `measured_months`, and what the model counts over the horizon."""

    gain_pct: float
    output_value: float  # yearly value of an employee's output (money)
    measured_months: float
    horizon_years: int

    @property
    def measured_value(self) -> float:
        """Value of the gain over the months the study observed."""
        return self.gain_pct / 100.0 * self.output_value * self.measured_months / MONTHS_PER_YEAR

    @property
    def modelled_value(self) -> float:
        """Value the model counts: the gain on a full year's output, every year of the horizon."""
        return self.gain_pct / 100.0 * self.output_value * self.horizon_years

    @property
    def stretch(self) -> float | None:
        """How many times the measured period the model assumes the gain lasts (None if unmeasured)."""
        if self.measured_value <= 0:
            return None
        return self.modelled_value / self.measured_value


def productivity_stretch(scenario: Scenario, micro: bool = True) -> ProductivityStretch:
    """Seed 000's productivity gain (+12 % microlearning, +4 % traditional, over six months).

    The figures come from one internal study reported second-hand (grade C); the model
    applies the gain to a full year's output in every year of the horizon.

    >>> p = productivity_stretch(Scenario())  # +12 % of $80,000, 3-year horizon
    >>> p.measured_value, p.modelled_value, p.stretch
    (4800.0, 28800.0, 6.0)
    >>> productivity_stretch(Scenario(micro_productivity_gain_pct=0)).stretch is None
    True
    """
    s = apply_skeptic(scenario)
    gain = s.micro_productivity_gain_pct if micro else s.ilt_productivity_gain_pct
    return ProductivityStretch(gain, s.output_value_per_employee, 6.0, s.horizon_years)


# --- What independent research says -----------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A published result that the source documents' (seeds') claims can be checked against."""

    source: str
    finding: str
    grade: Grade


RESEARCH: tuple[Finding, ...] = (
    Finding(
        "Sitzmann, Kraiger, Stewart & Wisher (2006), Personnel Psychology, meta-analysis",
        "Web-based and classroom instruction are about equally effective: web-based is 6 % "
        "better for declarative knowledge and equal for procedural knowledge.",
        Grade.A,
    ),
    Finding(
        "Means, Toyama, Murphy, Bakia & Jones (2010), US Department of Education, meta-analysis",
        "Purely online vs face-to-face: no real difference (d = +0.05, not significant). Blended vs "
        "face-to-face: a small-to-moderate advantage for blended (d = +0.35; d is the difference "
        "in standard deviations).",
        Grade.A,
    ),
    Finding(
        "Ho et al. (2025), IEEE Symposium on Security and Privacy, randomised trial of 19,500 employees",
        "Phishing training lowered the failure rate by only about 1.7 percentage points.",
        Grade.A,
    ),
    Finding(
        "ATD State of the Industry (benchmark survey)",
        "Direct learning spend is about $1,300 per employee per year, for about 34 hours of formal learning.",
        Grade.B,
    ),
)


# --- Case studies: the figures a case card shows -----------------------------------------


@dataclass(frozen=True)
class CaseFigures:
    """Key figures of one option under a scenario (money in the scenario's currency)."""

    option: Option
    learners: int
    costs: float
    cost_per_learner: float
    benefits: float
    roi_pct: float | None
    payback_months: float | None


def case_figures(scenario: Scenario, option: Option) -> CaseFigures:
    """Learners, cost per learner, ROI and payback of `option` under `scenario`.

    >>> f = case_figures(Scenario(), Option.MICRO)  # seed cost table at 1,000 learners
    >>> f.learners, f.costs, f.cost_per_learner, round(f.roi_pct, 1)
    (1000, 33000.0, 33.0, 890.0)
    """
    r = option_returns(scenario, option)
    return CaseFigures(
        option=option,
        learners=r.learners,
        costs=r.costs,
        cost_per_learner=r.costs / r.learners,
        benefits=r.benefits,
        roi_pct=r.roi_pct,
        payback_months=r.discounted_payback_month,  # the one payback every screen shows (discounted)
    )


def cheapest_option(scenario: Scenario) -> Option:
    """The pure format with the lower total cost (microlearning on a tie).

    >>> cheapest_option(Scenario()), cheapest_option(Scenario(learners=100))
    (<Option.MICRO: 'micro'>, <Option.ILT: 'ilt'>)
    """
    micro, ilt = (option_returns(scenario, o).costs for o in (Option.MICRO, Option.ILT))
    return Option.ILT if ilt < micro else Option.MICRO
