"""The skeptic's values: conservative published figures that replace vendor-claim defaults.

When the skeptic switch is on, every field listed here that still holds its default (a
grade C or D figure) takes the published value instead. Figures the user typed in are
theirs and stay.

>>> from calculators.scenario import Scenario
>>> s = apply_skeptic(Scenario(skeptic=True))
>>> s.micro_retention_pct, s.micro_productivity_gain_pct, s.ilt_risk_reduction_pct
(35.0, 4.0, 1.7)
>>> apply_skeptic(Scenario(skeptic=True, micro_retention_pct=60)).micro_retention_pct
60.0
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.scenario import INPUTS, Grade, Scenario

SITZMANN = (
    "Sitzmann et al. 2006 meta-analysis: web-based vs classroom instruction about equal "
    "(+6 % declarative knowledge, 0 procedural); Means et al. 2010: d = +0.05, not significant"
)
HO = (
    "Ho et al., IEEE S&P 2025: randomised trial of phishing training with 19,500 employees, "
    "about 1.7 percentage points lower failure (taken here as a 1.7 % reduction)"
)


@dataclass(frozen=True)
class SkepticValue:
    field: str
    value: float
    source: str
    grade: Grade


SKEPTIC_VALUES: tuple[SkepticValue, ...] = (
    SkepticValue(
        "micro_retention_pct", 35.0, SITZMANN + ": microlearning retains as much as a workshop", Grade.A
    ),
    SkepticValue("micro_productivity_gain_pct", 4.0, SITZMANN + ": no extra gain over classroom", Grade.A),
    SkepticValue("micro_risk_reduction_pct", 1.7, HO, Grade.A),
    SkepticValue("ilt_risk_reduction_pct", 1.7, HO, Grade.A),
    SkepticValue(
        "revenue_per_training_dollar", 1.0, "No independent evidence for a revenue multiplier", Grade.D
    ),
)


def replaced_fields(scenario: Scenario) -> list[SkepticValue]:
    """The skeptic values that apply: their field still holds a grade C/D default."""
    defaults = Scenario()
    return [
        v
        for v in SKEPTIC_VALUES
        if INPUTS[v.field].grade in {Grade.C, Grade.D}
        and getattr(scenario, v.field) == getattr(defaults, v.field)
    ]


def apply_skeptic(scenario: Scenario) -> Scenario:
    """`scenario` with the skeptic's values, if its skeptic switch is on."""
    if not scenario.skeptic:
        return scenario
    return scenario.model_copy(update={v.field: v.value for v in replaced_fields(scenario)})
