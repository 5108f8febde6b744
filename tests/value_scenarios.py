"""Scenarios for the value-of-information tests, built from the model itself so that they keep
their meaning while the model's numbers change: a near tie between microlearning and not
training on one uncertain input (the pilot's effect), and a scenario that never pays."""

from __future__ import annotations

import numpy as np

from calculators.model import Option, evaluate
from calculators.scenario import Scenario

PRODUCTIVITY = "micro_productivity_gain_pct"


def near_tie(
    gain_pct: float = 20.0, learners: int = 60, **changes: float
) -> tuple[Scenario, dict[str, tuple[float, float]]]:
    """A scenario whose only benefit is microlearning's productivity gain, with the yearly output
    value set so that microlearning breaks even at `gain_pct` (its NPV is linear in the gain),
    and the gain ranged 0 to 2 × `gain_pct` around it: microlearning and not training are
    close, whatever the model's other numbers. Higher costs (`changes`), higher stakes."""
    base = Scenario(learners=learners, productivity_on=True, turnover_on=False, **changes)
    at = evaluate(base, {PRODUCTIVITY: np.array([0.0, 1.0])})[Option.MICRO].npv
    breakeven = -float(at[0]) / float(at[1] - at[0])
    value = round(base.output_value_per_employee * breakeven / gain_pct)
    scenario = base.model_copy(update={"output_value_per_employee": value, PRODUCTIVITY: gain_pct})
    return scenario, {PRODUCTIVITY: (0.0, 2 * gain_pct)}


def never_pays() -> Scenario:
    """No benefit stream counted: every format only costs, so not training is best in every draw."""
    return Scenario(
        turnover_on=False, productivity_on=False, revenue_on=False, onboarding_on=False, risk_on=False
    )
