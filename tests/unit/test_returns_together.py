"""The Retention page's what-ifs evaluated in one model call give each scenario's own returns."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.roi import all_returns, returns_together
from components.views.retention_view import what_ifs
from tests.strategies import valid_scenarios


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_scenarios(), st.booleans())
def test_every_what_if_has_its_own_returns(scenario, weighted) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario.with_changes(decay_weighting=weighted)
    plans = [w.scenario for w in what_ifs(scenario)]
    for together, plan in zip(returns_together(plans), plans, strict=True):
        alone = all_returns(plan)
        assert set(together) == set(alone)
        for option in alone:
            a, t = alone[option], together[option]
            scale = max(1.0, abs(a.npv), abs(a.costs))
            assert math.isclose(t.npv, a.npv, rel_tol=1e-9, abs_tol=1e-9 * scale), (option, plan)
            assert math.isclose(t.costs, a.costs, rel_tol=1e-12, abs_tol=1e-9)
            tp, ap = t.discounted_payback_month, a.discounted_payback_month
            assert (tp is None) == (ap is None)
            assert tp is None or math.isclose(tp, ap, rel_tol=1e-9), (option, plan)  # type: ignore[arg-type]
            assert math.isclose(t.benefits, a.benefits, rel_tol=1e-9, abs_tol=1e-9 * scale)
