"""A format's "Knowledge retained" moves its own figures only, and the right way: more retained
never lowers that format's net present value, and the other format's figures do not move
(before, the micro half-life was scaled by instructor-led's figure, so raising instructor-led's
retention lowered microlearning's ROI)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.model import Option, evaluate
from tests.strategies import valid_scenarios

OWN = {"micro_retention_pct": Option.MICRO, "ilt_retention_pct": Option.ILT}
OTHER = {"micro_retention_pct": Option.ILT, "ilt_retention_pct": Option.MICRO}


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_scenarios(decay_weighting=True, skeptic=False), st.sampled_from(sorted(OWN)), st.data())
def test_more_retained_never_lowers_its_own_format_and_leaves_the_other(scenario, field, data) -> None:  # type: ignore[no-untyped-def]
    low = data.draw(st.floats(5.0, 94.0), label="low")
    high = data.draw(st.floats(low, 95.0), label="high")
    a = evaluate(scenario.with_changes(**{field: low}))
    b = evaluate(scenario.with_changes(**{field: high}))
    own, other = OWN[field], OTHER[field]
    assert float(b[own].npv[0]) >= float(a[own].npv[0]) - 1e-6 * max(1.0, abs(float(a[own].npv[0])))
    assert float(b[other].npv[0]) == float(a[other].npv[0])
