"""The scenario: every input of the model, validated in one place.

`Scenario` is the single source of truth for widgets, share links, stored rows and
exports. It is frozen, forbids unknown fields, and every number is finite with a lower
and an upper bound. Each field carries its user-facing label, unit, widget hint, the
source of its default and an evidence grade (see `Grade`), which the UI shows.

Percentages are stored as percent numbers (75 means 75 %), money in the scenario's
currency, time in hours or days as the field name says.

>>> s = Scenario()
>>> s.micro_fixed_cost, s.micro_cost_per_learner, s.ilt_fixed_cost, s.ilt_cost_per_learner
(30000.0, 3.0, 10000.0, 45.0)
>>> Scenario(learners=500).learners
500
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 2  # 2: the skill half-life is the fading part's (see `codec._upgrade`)

# Tatel & Ackerman's 11 months to lose half of the whole gain (mixed measures), with the default
# 20 % kept for good, as the half-life of the part that fades (exponential): 11 × ln 2 / ln(0.8 / 0.3).
FADING_HALF_LIFE_MONTHS = 11.0 * math.log(2.0) / math.log(0.8 / 0.3)  # 7.7735…

Currency = Literal["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "INR", "JPY"]
CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "CHF": "CHF ",
    "INR": "₹",
    "JPY": "¥",
}


class Grade(StrEnum):
    """Evidence grade of a default (PRODUCT.md, "Evidence grades on defaults")."""

    A = "A"  # meta-analysis or randomised trial
    B = "B"  # survey or single study
    C = "C"  # vendor claim
    D = "D"  # untraceable or illustrative placeholder
    YOURS = "Your figure"  # organisation-specific: no published default applies


GRADE_MEANING: dict[Grade, str] = {
    Grade.A: "meta-analysis or randomised trial",
    Grade.B: "survey or single study",
    Grade.C: "vendor claim",
    Grade.D: "untraceable or illustrative placeholder",
    Grade.YOURS: "specific to your organisation; replace with your own number",
}


class Format(StrEnum):
    """A training format, in the user's words."""

    MICRO = "micro"
    ILT = "ilt"

    @property
    def label(self) -> str:
        return {"micro": "Microlearning", "ilt": "Instructor-led"}[self.value]


@dataclass(frozen=True)
class SourceDocument:
    """One of the three web articles the defaults come from (the project's "seeds"), named
    as a reader would cite it: publisher, title, date. Empty where the article gives none.

    >>> ARTICLE_002.citation
    "Upscend, 'Microlearning vs instructor-led' (10 February 2026)"
    >>> ARTICLE_000.citation
    "'How to Future-Proof Your Tech Career' (web article; no publisher or date given)"
    """

    publisher: str
    title: str
    date: str
    short: str  # how running text refers to it
    used_for: str

    @property
    def citation(self) -> str:
        missing = [w for w, v in (("publisher", self.publisher), ("date", self.date)) if not v]
        when = self.date or "web article; no " + " or ".join(missing) + " given"
        return f"{self.publisher + ', ' if self.publisher else ''}'{self.title}' ({when})"


# Seeds 000, 001 and 002 in the project's numbering (identifiers only; never on screen).
ARTICLE_000 = SourceDocument(
    "",
    "How to Future-Proof Your Tech Career",
    "",
    "the 'Future-Proof Your Tech Career' article",
    "an article on the ROI of upskilling; the retention, session-length, revenue, turnover, productivity and "
    "onboarding defaults come from it",
)
ARTICLE_001 = SourceDocument(
    "Micro-Train blog",
    "How Micro Learning Fits Into the Larger Training Strategy",
    "13 March 2023",
    "the Micro-Train article (March 2023)",
    "where microlearning fits beside classroom training; it gives no figure the model uses",
)
ARTICLE_002 = SourceDocument(
    "Upscend",
    "Microlearning vs instructor-led",
    "10 February 2026",
    "the Upscend article (February 2026)",
    "a vendor's comparison of the two formats; the vendor cost table, the decision matrix, the dual pilots "
    "and the retail and security examples come from it",
)
SOURCE_DOCUMENTS = (ARTICLE_000, ARTICLE_001, ARTICLE_002)

SEED_000 = ARTICLE_000.citation
SEED_002 = ARTICLE_002.citation + ", vendor cost table"
SEED_002_RETAIL = ARTICLE_002.citation + ", retail point-of-sale example"


def _input(
    default: Any,
    *,
    label: str,
    group: str,
    source: str,
    grade: Grade,
    ge: float | None = None,
    le: float | None = None,
    unit: str = "",
    widget: Literal["slider", "number", "toggle", "select"] = "slider",
    step: float | None = None,
    help: str = "",
) -> Any:
    """A scenario field with its bounds and the metadata the UI needs."""
    return Field(
        default,
        ge=ge,
        le=le,
        allow_inf_nan=False if isinstance(default, float) else None,
        description=help or label,
        json_schema_extra={
            "label": label,
            "group": group,
            "source": source,
            "grade": grade.value,
            "unit": unit,
            "widget": widget,
            "step": step,
        },
    )


SCALE = "Scale"
MICRO = "Microlearning"
ILT = "Instructor-led"
BENEFITS = "Benefits"
ADJUSTMENTS = "Adjustments"
RETENTION = "Retention"
BLEND = "Blended mix"
ASSUMPTIONS = "Assumptions"
GROUPS = (SCALE, MICRO, ILT, BENEFITS, ADJUSTMENTS, RETENTION, BLEND, ASSUMPTIONS)
SEED_002_SECURITY = ARTICLE_002.citation + ", security champions example"
ILLUSTRATIVE = "Illustrative placeholder: replace with your organisation's figure"


class Scenario(BaseModel):
    """One training-budget scenario; defaults reproduce seed 002's (Upscend's) vendor cost table."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    schema_version: Literal[2] = SCHEMA_VERSION

    # --- Scale -------------------------------------------------------------------------
    currency: Currency = _input(
        "USD",
        label="Currency",
        group=SCALE,
        source="The source documents quote US dollars; amounts are not converted: enter your own figures in this currency",
        grade=Grade.YOURS,
        widget="select",
    )
    learners: int = _input(
        1000,
        label="Learners",
        group=SCALE,
        ge=1,
        le=100_000,
        unit="learners",
        step=1,
        source="Illustrative: " + ARTICLE_002.short + " puts microlearning break-even at ~1,000 learners",
        grade=Grade.YOURS,
        help="How many people take the programme.",
    )
    horizon_years: int = _input(
        3,
        label="Horizon",
        group=SCALE,
        ge=1,
        le=10,
        unit="years",
        step=1,
        source="Illustrative planning horizon",
        grade=Grade.YOURS,
        help="Years the programme runs; content refresh is paid from year 2 on.",
    )
    fully_loaded: bool = _input(
        False,
        label="Fully loaded costs",
        group=SCALE,
        widget="toggle",
        source="Phillips ROI Methodology: participants' time, class costs and upkeep are costs",
        grade=Grade.B,
        help=(
            "Off: the vendor cost table (fixed + variable costs only). On: adds learners' seat "
            "time, instructor-led class costs and yearly content refresh."
        ),
    )

    # --- Microlearning ---------------------------------------------------------------
    micro_fixed_cost: float = _input(
        30_000.0,
        label="Development cost (microlearning series)",
        group=MICRO,
        ge=0,
        le=1_000_000,
        unit="money",
        step=1_000.0,
        source=SEED_002,
        grade=Grade.C,
    )
    micro_cost_per_learner: float = _input(
        3.0,
        label="Cost per learner (delivery and hosting)",
        group=MICRO,
        ge=0,
        le=500,
        unit="money",
        step=0.5,
        source=SEED_002,
        grade=Grade.C,
    )
    micro_seat_hours: float = _input(
        0.125,
        label="Learner time per learner",
        group=MICRO,
        ge=0,
        le=40,
        unit="hours",
        step=0.025,
        source=SEED_000 + ": 5-10 minutes per microlearning session (midpoint 7.5 min)",
        grade=Grade.C,
    )
    micro_refresh_per_year: float = _input(
        3_000.0,
        label="Content refresh per year",
        group=MICRO,
        ge=0,
        le=1_000_000,
        unit="money",
        widget="number",
        step=500.0,
        source="Illustrative: 10 % of development cost per year",
        grade=Grade.D,
    )
    micro_completion_pct: float = _input(
        85.0,
        label="Completion rate",
        group=MICRO,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source=SEED_002_RETAIL + ": 85 % completion in two weeks",
        grade=Grade.C,
    )
    micro_retention_pct: float = _input(
        75.0,
        label="Knowledge retained",
        group=MICRO,
        ge=1,
        le=100,
        unit="%",
        step=1.0,
        source=SEED_000 + ": learners retain 75 % from microlearning",
        grade=Grade.C,
        help=(
            "Share of the content still known at the reference day, as a knowledge check measures it. "
            "It sets how long this format's skills last relative to the other's, not the decay itself."
        ),
    )

    # --- Instructor-led --------------------------------------------------------------
    ilt_fixed_cost: float = _input(
        10_000.0,
        label="Development cost (materials, facilitator prep)",
        group=ILT,
        ge=0,
        le=1_000_000,
        unit="money",
        step=1_000.0,
        source=SEED_002,
        grade=Grade.C,
    )
    ilt_cost_per_learner: float = _input(
        45.0,
        label="Cost per learner (ILT seat)",
        group=ILT,
        ge=0,
        le=2_000,
        unit="money",
        step=1.0,
        source=SEED_002 + ": $45 per session seat (facilitator + logistics)",
        grade=Grade.C,
    )
    ilt_seat_hours: float = _input(
        8.0,
        label="Learner time per learner",
        group=ILT,
        ge=0,
        le=80,
        unit="hours",
        step=0.5,
        source=SEED_000 + ": 8-hour workshop",
        grade=Grade.C,
    )
    ilt_class_size: int = _input(
        20,
        label="Seats per class",
        group=ILT,
        ge=1,
        le=500,
        unit="learners",
        step=1,
        source="Illustrative placeholder: " + ARTICLE_002.short + " says to use your rate card",
        grade=Grade.D,
    )
    ilt_cost_per_class: float = _input(
        800.0,
        label="Cost per class (room, venue)",
        group=ILT,
        ge=0,
        le=100_000,
        unit="money",
        widget="number",
        step=100.0,
        source="Illustrative placeholder: " + ARTICLE_002.short + " says to use your rate card",
        grade=Grade.D,
    )
    ilt_refresh_per_year: float = _input(
        1_000.0,
        label="Content refresh per year",
        group=ILT,
        ge=0,
        le=1_000_000,
        unit="money",
        widget="number",
        step=500.0,
        source="Illustrative: 10 % of development cost per year",
        grade=Grade.D,
    )
    ilt_completion_pct: float = _input(
        95.0,
        label="Completion rate",
        group=ILT,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source="Illustrative: scheduled sessions are mostly attended",
        grade=Grade.D,
    )
    ilt_retention_pct: float = _input(
        35.0,
        label="Knowledge retained",
        group=ILT,
        ge=1,
        le=100,
        unit="%",
        step=1.0,
        source=SEED_000 + ": 35 % from a traditional eight-hour workshop",
        grade=Grade.C,
        help=(
            "Share of the content still known at the reference day, as a knowledge check measures it. "
            "It sets how long this format's skills last relative to the other's, not the decay itself."
        ),
    )

    # --- Benefits --------------------------------------------------------------------
    revenue_on: bool = _input(
        False,
        label="Revenue multiplier",
        group=BENEFITS,
        widget="toggle",
        source=SEED_000,
        grade=Grade.C,
        help="Revenue per training dollar. Overlaps the other streams: do not sum them unthinkingly.",
    )
    revenue_per_training_dollar: float = _input(
        1.8,
        label="Revenue per training dollar",
        group=BENEFITS,
        ge=0,
        le=20,
        unit="×",
        step=0.1,
        source=SEED_000 + ": $1.80 per $1 ($200k → $360k)",
        grade=Grade.C,
    )
    turnover_on: bool = _input(
        True,
        label="Turnover savings",
        group=BENEFITS,
        widget="toggle",
        source=SEED_000,
        grade=Grade.C,
    )
    turnover_saving_5y: float = _input(
        5_000.0,
        label="Turnover saving per employee over 5 years",
        group=BENEFITS,
        ge=0,
        le=200_000,
        unit="money",
        widget="number",
        step=250.0,
        source=SEED_000 + ": $5,000 per employee over five years",
        grade=Grade.C,
    )
    turnover_bottom_up: bool = _input(
        False,
        label="Estimate turnover bottom-up",
        group=BENEFITS,
        widget="toggle",
        source="Turnover rate × relative reduction × replacement cost",
        grade=Grade.YOURS,
        help="On: use your turnover rate, its reduction and the replacement cost instead of the article's $5,000 per employee.",
    )
    turnover_rate_pct: float = _input(
        15.0,
        label="Yearly turnover",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=0.5,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    turnover_reduction_pct: float = _input(
        10.0,
        label="Relative reduction in turnover",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    replacement_cost: float = _input(
        20_000.0,
        label="Cost to replace a leaver",
        group=BENEFITS,
        ge=0,
        le=1_000_000,
        unit="money",
        widget="number",
        step=1_000.0,
        source="Illustrative: about a third of a $60,000 salary",
        grade=Grade.D,
    )
    productivity_on: bool = _input(
        False,
        label="Productivity gain",
        group=BENEFITS,
        widget="toggle",
        source=SEED_000,
        grade=Grade.C,
    )
    micro_productivity_gain_pct: float = _input(
        12.0,
        label="Productivity gain, microlearning",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=0.5,
        source=SEED_000 + ": Walmart study, +12 % over six months",
        grade=Grade.C,
    )
    ilt_productivity_gain_pct: float = _input(
        4.0,
        label="Productivity gain, instructor-led",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=0.5,
        source=SEED_000 + ": traditional training +4 % over six months",
        grade=Grade.C,
    )
    output_value_per_employee: float = _input(
        80_000.0,
        label="Yearly value of an employee's output",
        group=BENEFITS,
        ge=0,
        le=5_000_000,
        unit="money",
        widget="number",
        step=5_000.0,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    onboarding_on: bool = _input(
        False,
        label="Faster onboarding",
        group=BENEFITS,
        widget="toggle",
        source=SEED_000,
        grade=Grade.C,
    )
    new_hire_pct: float = _input(
        10.0,
        label="New hires among learners each year",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    onboarding_weeks_saved: float = _input(
        2.0,
        label="Onboarding weeks saved per new hire",
        group=BENEFITS,
        ge=0,
        le=52,
        unit="weeks",
        step=0.5,
        source=SEED_000 + ": onboarding from six weeks to just under four",
        grade=Grade.C,
    )
    risk_on: bool = _input(
        False,
        label="Risk reduction",
        group=BENEFITS,
        widget="toggle",
        source=SEED_002_SECURITY,
        grade=Grade.C,
    )
    incidents_per_100_learners: float = _input(
        5.0,
        label="Incidents per 100 learners per year",
        group=BENEFITS,
        ge=0,
        le=1_000,
        unit="incidents",
        step=0.5,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    cost_per_incident: float = _input(
        10_000.0,
        label="Cost of one incident",
        group=BENEFITS,
        ge=0,
        le=10_000_000,
        unit="money",
        widget="number",
        step=1_000.0,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    micro_risk_reduction_pct: float = _input(
        18.0,
        label="Incidents avoided, microlearning",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source="The source documents give no figure for microlearning alone: set equal to a single instructor-led session",
        grade=Grade.D,
    )
    ilt_risk_reduction_pct: float = _input(
        18.0,
        label="Incidents avoided, instructor-led",
        group=BENEFITS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source=SEED_002_SECURITY + ": phishing clicks −18 % after a single session",
        grade=Grade.C,
    )

    # --- Adjustments (Phillips ROI Methodology) ------------------------------------
    attribution_pct: float = _input(
        50.0,
        label="Share of the gain due to training",
        group=ADJUSTMENTS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source="Phillips ROI Methodology: isolate the effect of training; illustrative value",
        grade=Grade.D,
    )
    confidence_pct: float = _input(
        70.0,
        label="Confidence in the estimates",
        group=ADJUSTMENTS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source="Phillips ROI Methodology: estimates × confidence; illustrative value",
        grade=Grade.D,
        help="Applied by the conservative switch.",
    )
    application_pct: float = _input(
        35.0,
        label="Share of learning applied on the job",
        group=ADJUSTMENTS,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source="1 − scrap learning; published scrap estimates range 45-85 % (midpoint 65 %)",
        grade=Grade.B,
    )
    decay_weighting: bool = _input(
        True,
        label="Weight benefits by retention",
        group=ADJUSTMENTS,
        widget="toggle",
        source="Method of this tool: each month's benefit × the share of the trained skill kept that month",
        grade=Grade.B,
        help="Each month's benefit follows the share of the trained skill still kept that month (Retention page).",
    )
    conservative: bool = _input(
        False,
        label="Conservative (Phillips)",
        group=ADJUSTMENTS,
        widget="toggle",
        source="Phillips ROI Methodology guiding principles",
        grade=Grade.B,
        help="First-year benefits only, fully loaded costs, estimates multiplied by confidence.",
    )

    skeptic: bool = _input(
        False,
        label="Skeptic",
        group=ADJUSTMENTS,
        widget="toggle",
        source="Method of this tool: replace vendor claims with conservative published values",
        grade=Grade.A,
        help="Replaces grade C/D defaults you have not changed with independent research figures (see Sources).",
    )

    # --- Retention ------------------------------------------------------------------
    retention_curve: Literal["exponential", "power law", "FSRS-style"] = _input(
        "exponential",
        label="Forgetting curve",
        group=RETENTION,
        widget="select",
        source="Method of this tool: the choice of curve changes the 90-day value by orders of magnitude",
        grade=Grade.D,
        help=(
            "How the part of a skill that fades declines. Every curve loses half of it at the half-life "
            "below; the power law loses more early and keeps a longer tail."
        ),
    )
    skill_half_life_months: float = _input(
        FADING_HALF_LIFE_MONTHS,
        label="Half of what fades is lost after",
        group=RETENTION,
        ge=0.1,
        le=120,
        unit="months",
        step=0.1,
        source=(
            "Tatel & Ackerman (2025), Psychological Bulletin, meta-analysis of procedural skill retention "
            "(1,344 effect sizes, 457 reports): with no use at all, half of the gain from training is lost "
            "after about 6.5 months on accuracy measures, 11 on mixed measures and 13 on speed; on-the-job "
            "benefits mix accuracy and speed, hence 11 months for half of the whole gain, which with 20 % "
            "kept for good is 7.8 months for half of the part that fades (11 × ln 2 / ln(0.8 / 0.3))"
        ),
        grade=Grade.A,
        help=(
            "Months until half of the part of an instructor-led course's gain that fades is lost without "
            "practice; the share kept for good stays on top. With 20 % kept for good, 7.8 months means half "
            "of the whole gain is lost after 11. Microlearning's half-life is longer or shorter in proportion "
            "to how long its learners' knowledge lasts at the reference day (the two Knowledge retained figures)."
        ),
    )
    retention_floor_pct: float = _input(
        20.0,
        label="Share of a skill kept for good",
        group=RETENTION,
        ge=0,
        le=45,
        unit="%",
        step=1.0,
        source=(
            "Illustrative value; forgetting levels off above zero in curves fitted with an asymptote "
            "(Averell & Heathcote 2011, Journal of Mathematical Psychology; Bahrick 1984, 'permastore')"
        ),
        grade=Grade.D,
        help="Where the forgetting curve levels off: the part of the gain that is not forgotten.",
    )
    micro_nudge_days: int = _input(
        0,
        label="Nudge every (microlearning)",
        group=RETENTION,
        ge=0,
        le=365,
        unit="days",
        step=1,
        source=ILLUSTRATIVE + " (0 = no nudges)",
        grade=Grade.D,
    )
    ilt_nudge_days: int = _input(
        0,
        label="Nudge every (after instructor-led)",
        group=RETENTION,
        ge=0,
        le=365,
        unit="days",
        step=1,
        source=ILLUSTRATIVE + " (0 = no nudges); the Upscend article's security example uses weekly nudges",
        grade=Grade.D,
    )
    spacing_gain: float = _input(
        1.5,
        label="Stability gain per nudge",
        group=RETENTION,
        ge=1,
        le=5,
        unit="×",
        step=0.1,
        source="Spacing effect; illustrative multiplier",
        grade=Grade.D,
    )
    nudge_minutes: float = _input(
        2.0,
        label="Learner time per nudge",
        group=RETENTION,
        ge=0,
        le=60,
        unit="minutes",
        step=0.5,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )
    cost_per_nudge: float = _input(
        0.1,
        label="Cost per nudge per learner",
        group=RETENTION,
        ge=0,
        le=100,
        unit="money",
        step=0.05,
        source=ILLUSTRATIVE,
        grade=Grade.D,
    )

    # --- Blended mix ----------------------------------------------------------------
    blend_ilt_share_pct: float = _input(
        10.0,
        label="Learners in the instructor-led foundation",
        group=BLEND,
        ge=0,
        le=100,
        unit="%",
        step=1.0,
        source=SEED_002_SECURITY + ": instructor-led for security champions",
        grade=Grade.D,
        help="The rest take microlearning. 0 % is pure microlearning, 100 % pure instructor-led.",
    )
    blend_objective: Literal["net present value", "ROI", "lowest cost"] = _input(
        "net present value",
        label="Best mix means",
        group=BLEND,
        widget="select",
        source="Your decision rule",
        grade=Grade.YOURS,
    )

    # --- Assumptions -----------------------------------------------------------------
    loaded_hourly_cost: float = _input(
        45.0,
        label="Loaded cost of an hour of learner time",
        group=ASSUMPTIONS,
        ge=0,
        le=1_000,
        unit="money/hour",
        widget="number",
        step=1.0,
        source="US BLS Employer Costs for Employee Compensation, 2024: about $45 per hour",
        grade=Grade.B,
    )
    discount_rate_pct: float = _input(
        8.0,
        label="Discount rate",
        group=ASSUMPTIONS,
        ge=0,
        le=30,
        unit="%",
        step=0.5,
        source="Illustrative corporate hurdle rate",
        grade=Grade.YOURS,
    )
    close_call_pct: float = _input(
        5.0,
        label="Too close to call within",
        group=ASSUMPTIONS,
        ge=0,
        le=50,
        unit="%",
        step=0.5,
        source="Your decision rule: differences smaller than this share of cost are not a basis for choosing",
        grade=Grade.YOURS,
        help=(
            "When the two best options differ by less than this share of their cost (in net present "
            "value, or in cost when neither pays back), the summary calls it too close to call."
        ),
    )
    retention_reference_day: int = _input(
        30,
        label="Retention measured at day",
        group=RETENTION,
        ge=1,
        le=365,
        unit="days",
        step=1,
        source="Default of this tool; " + ARTICLE_002.short + " measures pilots at 30 and 90 days",
        grade=Grade.C,
    )

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with `changes` applied, validated like every other input (the one write path).

        `model_copy(update=...)` skips validation; this does not:

        >>> Scenario().with_changes(learners=250).learners
        250
        >>> Scenario().with_changes(learners=-5)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error for Scenario
        learners
          Input should be greater than or equal to 1 [type=greater_than_equal, input_value=-5, input_type=int]
            For further information visit https://errors.pydantic.dev/2.14/v/greater_than_equal
        """
        return Scenario.model_validate({**self.model_dump(), **changes})

    def format(self, fmt: Format) -> FormatView:
        """This scenario's inputs for one format, under plain names.

        >>> Scenario().format(Format.ILT).fixed_cost, Scenario().format(Format.MICRO).class_size
        (10000.0, 1)
        """
        return FormatView(self, fmt)


# Per-format inputs: view name -> (microlearning field, instructor-led field). None: the
# format has no such cost (microlearning runs no classes).
PER_FORMAT: dict[str, tuple[str | None, str]] = {
    "fixed_cost": ("micro_fixed_cost", "ilt_fixed_cost"),
    "cost_per_learner": ("micro_cost_per_learner", "ilt_cost_per_learner"),
    "seat_hours": ("micro_seat_hours", "ilt_seat_hours"),
    "refresh_per_year": ("micro_refresh_per_year", "ilt_refresh_per_year"),
    "completion_pct": ("micro_completion_pct", "ilt_completion_pct"),
    "retention_pct": ("micro_retention_pct", "ilt_retention_pct"),
    "productivity_gain_pct": ("micro_productivity_gain_pct", "ilt_productivity_gain_pct"),
    "risk_reduction_pct": ("micro_risk_reduction_pct", "ilt_risk_reduction_pct"),
    "nudge_days": ("micro_nudge_days", "ilt_nudge_days"),
    "class_size": (None, "ilt_class_size"),
    "cost_per_class": (None, "ilt_cost_per_class"),
}
_NO_CLASSES: dict[str, Any] = {"class_size": 1, "cost_per_class": 0.0}


def format_field(fmt: Format, name: str) -> str | None:
    """The scenario field behind a per-format name (None where the format has none).

    >>> format_field(Format.MICRO, "retention_pct"), format_field(Format.MICRO, "cost_per_class")
    ('micro_retention_pct', None)
    """
    micro, ilt = PER_FORMAT[name]
    return micro if fmt is Format.MICRO else ilt


class FormatView:
    """One format's inputs read from any source with the scenario's field names (a
    `Scenario`, or the model's inputs where some fields are arrays of draws)."""

    __slots__ = ("_source", "format")

    def __init__(self, source: Any, fmt: Format):
        self._source = source
        self.format = fmt

    def __getattr__(self, name: str) -> Any:
        if name not in PER_FORMAT:
            raise AttributeError(name)
        field = format_field(self.format, name)
        return _NO_CLASSES[name] if field is None else getattr(self._source, field)


@dataclass(frozen=True)
class InputSpec:
    """What the UI needs to show one scenario field."""

    name: str
    label: str
    group: str
    unit: str
    widget: str
    step: float | None
    minimum: float | None
    maximum: float | None
    default: Any
    source: str
    grade: Grade
    help: str


def _bound(field: Any, kind: str) -> float | None:
    for m in field.metadata:
        if hasattr(m, kind):
            return getattr(m, kind)
    return None


def input_specs() -> tuple[InputSpec, ...]:
    """Every user input of `Scenario`, in declaration order.

    >>> [s.name for s in input_specs()][:3]
    ['currency', 'learners', 'horizon_years']
    >>> next(s for s in input_specs() if s.name == "learners").maximum
    100000
    """
    specs = []
    for name, field in Scenario.model_fields.items():
        extra = field.json_schema_extra
        if not isinstance(extra, dict):
            continue
        specs.append(
            InputSpec(
                name=name,
                label=str(extra["label"]),
                group=str(extra["group"]),
                unit=str(extra["unit"]),
                widget=str(extra["widget"]),
                step=extra["step"],  # type: ignore[arg-type]
                minimum=_bound(field, "ge"),
                maximum=_bound(field, "le"),
                default=field.default,
                source=str(extra["source"]),
                grade=Grade(extra["grade"]),
                help=field.description or "",
            )
        )
    return tuple(specs)


INPUTS: dict[str, InputSpec] = {s.name: s for s in input_specs()}


_LABEL_COUNTS: dict[str, int] = {}
for _spec in INPUTS.values():
    _LABEL_COUNTS[_spec.label] = _LABEL_COUNTS.get(_spec.label, 0) + 1


def input_title(name: str) -> str:
    """A field's label, with its group where another field has the same label.

    >>> input_title("learners"), input_title("micro_retention_pct")
    ('Learners', 'Knowledge retained (Microlearning)')
    """
    spec = INPUTS[name]
    return spec.label if _LABEL_COUNTS[spec.label] == 1 else f"{spec.label} ({spec.group})"
