"""Cache wrappers for the pure simulation (shared by all users: inputs only, no user data)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from calculators.scenario import Scenario
from calculators.simulation import Distribution, MonteCarlo, monte_carlo


@st.cache_data(max_entries=16, show_spinner="Simulating…")
def _cached(scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple) -> MonteCarlo:
    scenario = Scenario.model_validate_json(scenario_json)
    return monte_carlo(scenario, draws, seed, distribution, dict(ranges))  # type: ignore[arg-type]


def cached_monte_carlo(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> MonteCarlo:
    """`calculators.simulation.monte_carlo`, cached on its inputs (up to 10^5 draws)."""
    return _cached(scenario.model_dump_json(), draws, seed, distribution, tuple(sorted(overrides.items())))
