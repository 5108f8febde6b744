"""Value of information (issue 13): closed forms, ordering, collapse to zero, same draws as the
Monte Carlo page, reproducibility, finiteness."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from calculators.information_value import evpi, partial_evpi, value_of_information
from calculators.model import Option, effective
from calculators.ranges import RANGED_FIELDS
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from tests.strategies import valid_scenarios


def _normal_evpi(mu: float, sigma: float) -> float:
    """Closed form for two options whose NPV difference is N(mu, sigma)."""
    z = abs(mu) / sigma
    phi = math.exp(-0.5 * (mu / sigma) ** 2) / math.sqrt(2 * math.pi)
    return sigma * phi - abs(mu) * 0.5 * math.erfc(z / math.sqrt(2))


@pytest.mark.parametrize(
    ("mu", "sigma"), [(0.0, 1_000.0), (500.0, 1_000.0), (-2_000.0, 1_500.0), (5_000.0, 800.0)]
)
def test_evpi_matches_the_closed_form_for_a_normal_difference(mu, sigma):
    rng = np.random.default_rng(11)
    difference = rng.normal(mu, sigma, 1_000_000)
    value, se = evpi({"a": np.zeros_like(difference), "b": difference})
    assert abs(value - _normal_evpi(mu, sigma)) <= 4 * se + 1e-6


def test_partial_evpi_of_the_deciding_input_equals_evpi_and_of_noise_is_near_zero():
    rng = np.random.default_rng(3)
    x, noise = rng.uniform(-1, 1, 200_000), rng.uniform(-1, 1, 200_000)
    npv = {"a": np.zeros_like(x), "b": 1_000 * x}
    total, se = evpi(npv)
    assert partial_evpi(npv, x) == pytest.approx(total, rel=0.02)
    assert partial_evpi(npv, noise) <= 0.02 * total, "an input that does not matter is worth about nothing"
    # a partly informative input: between nothing and everything, and blind to a common level
    blurred = {"a": np.zeros_like(x), "b": 1_000 * x + rng.normal(0, 600, x.size)}
    part = partial_evpi(blurred, x)
    assert 0.2 * evpi(blurred)[0] < part < 0.9 * evpi(blurred)[0]
    shifted = {k: v + 25_000.0 for k, v in blurred.items()}
    assert evpi(shifted)[0] == pytest.approx(evpi(blurred)[0])
    assert partial_evpi(shifted, x) == pytest.approx(part)


@settings(max_examples=12, deadline=None)
@given(scenario=valid_scenarios())
def test_evpi_bounds_every_partial_evpi_and_all_are_finite_and_non_negative(scenario):
    info = value_of_information(scenario, draws=2_000, seed=5)
    assert math.isfinite(info.evpi) and math.isfinite(info.standard_error) and info.evpi >= 0
    assert all(math.isfinite(v) and 0 <= v <= info.evpi + 1e-9 for v in info.partial.values())
    assert set(info.partial) == set(RANGED_FIELDS)


def test_everything_is_zero_when_every_range_collapses_to_a_point():
    scenario = Scenario()
    base = effective(scenario)
    points = {f: (float(getattr(base, f)), float(getattr(base, f))) for f in RANGED_FIELDS}
    info = value_of_information(scenario, draws=2_000, seed=1, overrides=points)
    assert info.evpi == 0 and info.standard_error == 0
    assert all(v == 0 for v in info.partial.values())


def test_the_draws_are_the_monte_carlo_page_s_own_and_reproducible():
    scenario = Scenario(learners=2_500)
    info = value_of_information(scenario, draws=5_000, seed=42)
    mc = monte_carlo(scenario, draws=5_000, seed=42)
    assert info.evpi == pytest.approx(evpi(mc.npv)[0], abs=1e-6)
    again = value_of_information(scenario, draws=5_000, seed=42)
    assert again == info
    assert info.best_on_average == max(Option, key=lambda o: float(np.mean(mc.npv[o])))


# --- the pilot (EVSI) -------------------------------------------------------------------------

PRODUCTIVITY = "micro_productivity_gain_pct"


def test_a_pilot_is_worth_no_more_than_learning_its_effect_exactly_and_tends_to_it():
    from calculators.information_value import pilot_values

    scenario = Scenario(learners=60, productivity_on=True)
    results = pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(50, 400, 10_000_000))
    ceiling = results[0].ceiling
    assert ceiling > 0
    assert all(0 <= r.evsi <= r.ceiling == ceiling for r in results)
    # a huge pilot learns the effect itself; both are estimates from 10^4 draws by different
    # estimators (binning the draws, preposterior simulation): within 10 % of each other
    assert results[-1].evsi == pytest.approx(ceiling, rel=0.10), "a huge pilot learns the effect itself"
    assert results[-1].evsi > 10 * max(results[0].evsi, 1.0), "and is worth far more than a small one"
    assert [r.cost for r in results] == sorted(r.cost for r in results)
    assert all(r.net == r.evsi - r.cost for r in results)
    assert pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(50, 400)) == results[:2], "seeded per size"


def test_randomising_teams_buys_the_information_of_fewer_learners_at_the_cost_of_all():
    """Teams with design effect 2: 8,000 learners per arm tell what 4,000 measured one by one
    tell, and cost what 8,000 cost."""
    from calculators.information_value import pilot_values

    scenario = Scenario(learners=60, productivity_on=True)
    alone = pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(4_000, 8_000))
    teams = pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(8_000,), design_effect=2.0)
    assert alone[1].evsi > alone[0].evsi > 0  # more learners, more information, at this scale
    assert teams[0].evsi == alone[0].evsi
    assert teams[0].cost == alone[1].cost and teams[0].learners_per_arm == 8_000
    with pytest.raises(ValueError, match="design effect"):
        pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(100,), design_effect=0.5)


def test_a_pilot_of_an_effect_without_uncertainty_or_not_counted_is_worth_nothing():
    from calculators.information_value import pilot_values

    scenario = Scenario(learners=60, productivity_on=True)
    base = effective(scenario)
    point = {PRODUCTIVITY: (float(getattr(base, PRODUCTIVITY)),) * 2}
    assert all(
        r.evsi == 0 for r in pilot_values(scenario, PRODUCTIVITY, +1, 0.35, sizes=(100,), overrides=point)
    )
    uncounted = Scenario(learners=60, productivity_on=False)
    assert all(r.evsi == 0 for r in pilot_values(uncounted, PRODUCTIVITY, +1, 0.35, sizes=(100, 10_000)))
