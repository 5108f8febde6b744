"""Every input moves the answer the way its name says (issue 23: "no switch may move a figure
against its meaning"): over generated scenarios, raising a cost never raises an option's net
present value, and raising a benefit, a rate of success or how long skills last never lowers
it, as claimed and on defensible (Conservative) figures. Inputs whose direction depends on the
scenario (learners, horizon, discount rate, an hour's loaded cost: a cost of seat time and a
value of onboarding time) are left out, and so is the revenue multiplier, which by its claim
turns every training dollar into revenue."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.model import Option, evaluate
from calculators.scenario import INPUTS
from tests.strategies import valid_scenarios

COSTS = (
    "micro_fixed_cost", "micro_cost_per_learner", "micro_seat_hours", "micro_refresh_per_year",
    "ilt_fixed_cost", "ilt_cost_per_learner", "ilt_seat_hours", "ilt_cost_per_class", "ilt_refresh_per_year",
    "cost_per_nudge", "nudge_minutes",
)  # fmt: skip
GAINS = (
    "ilt_class_size",  # more seats a class: fewer classes to pay for
    "micro_completion_pct", "ilt_completion_pct", "micro_retention_pct", "ilt_retention_pct",
    "turnover_saving_5y", "turnover_rate_pct", "turnover_reduction_pct", "replacement_cost",
    "micro_productivity_gain_pct", "ilt_productivity_gain_pct", "output_value_per_employee",
    "new_hire_pct", "onboarding_weeks_saved", "incidents_per_100_learners", "cost_per_incident",
    "micro_risk_reduction_pct", "ilt_risk_reduction_pct", "attribution_pct", "confidence_pct",
    "application_pct", "skill_half_life_months", "retention_floor_pct", "spacing_gain",
)  # fmt: skip
DIRECTION = {**dict.fromkeys(COSTS, -1), **dict.fromkeys(GAINS, +1)}


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    valid_scenarios(revenue_on=False, skeptic=False),
    st.sampled_from(sorted(DIRECTION)),
    st.booleans(),
    st.data(),
)
def test_no_input_moves_a_net_present_value_against_its_meaning(scenario, field, conservative, data) -> None:  # type: ignore[no-untyped-def]
    spec = INPUTS[field]
    low_bound, high_bound = float(spec.minimum or 0), float(spec.maximum or 1e6)
    draw = st.integers if isinstance(spec.default, int) and not isinstance(spec.default, bool) else st.floats
    a = data.draw(
        draw(low_bound, high_bound) if draw is st.floats else draw(int(low_bound), int(high_bound)), label="a"
    )
    b = data.draw(
        draw(low_bound, high_bound) if draw is st.floats else draw(int(low_bound), int(high_bound)), label="b"
    )
    low, high = sorted((a, b))
    base = scenario.with_changes(conservative=conservative)
    before, after = (evaluate(base.with_changes(**{field: v})) for v in (low, high))
    for option in Option:
        x, y = float(before[option].npv[0]), float(after[option].npv[0])
        slack = 1e-6 * max(1.0, abs(x), abs(y))
        if DIRECTION[field] > 0:
            assert y >= x - slack, (field, low, high, option, x, y)
        else:
            assert y <= x + slack, (field, low, high, option, x, y)
