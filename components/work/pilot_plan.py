"""The Pilot planner's pilot, read from its page settings, and what it is worth: one
definition for the Pilot planner's section "Is the pilot worth it?" and for the verdict
every screen states (`components.work.answer`).

The pilot's learners per arm are what the user can enrol, or else the plan's sample size
(whole teams when teams are randomised); the effect it measures, its direction and arm A's
rate are the page's settings. Its worth is computed on the scenario as the sidebar holds it:
a pilot of a benefit stream the scenario does not count cannot change the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from calculators.information_value import PILOT_SIZES, VALUE_DRAWS, PilotValue, pilot_values
from calculators.pilot import EFFECTS, design_effect, pilot_size
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.verdict import PilotPlan, Simulation
from components.session.page_settings import page_settings
from components.work.simulation_cache import HEAVY_DRAWS, cached_monte_carlo, spinner_above_quick


def planned_learners(settings: Any) -> int | None:
    """Learners per arm the Pilot page plans: what can be enrolled, else its sample size
    (`calculators.pilot.pilot_size`, in whole teams when teams are randomised); None when no
    size can answer its question. `settings` are the page settings (`calculators.settings`)."""
    s = settings
    if int(s.pilot_enrol) > 0:
        return int(s.pilot_enrol)
    alpha = s.pilot_alpha_noninferiority if s.pilot_design == "no worse" else s.pilot_alpha
    try:
        size = pilot_size(
            s.pilot_design, s.pilot_baseline_pct / 100, s.pilot_target_pct / 100, s.pilot_margin_pct / 100,
            float(alpha), float(s.pilot_power), bool(s.pilot_cluster), int(s.pilot_team_size), float(s.pilot_icc),
        )  # fmt: skip
    except ValueError:
        return None
    return None if size is None else size.learners


def plan_from(settings: Any) -> PilotPlan | None:
    """The pilot the Pilot page's settings describe; None when it has no learners."""
    per_arm = planned_learners(settings)
    if not per_arm:
        return None
    s = settings
    effect = EFFECTS[s.pilot_effect]
    de = design_effect(int(s.pilot_team_size), float(s.pilot_icc)) if s.pilot_cluster else 1.0
    return PilotPlan(effect.field, effect.direction, s.pilot_baseline_pct / 100, int(per_arm), float(de))


def current_pilot(scenario: Scenario) -> PilotPlan | None:  # noqa: ARG001 - the plan is the page's, not the scenario's
    """The Pilot planner's pilot as the session's settings describe it."""
    return plan_from(page_settings())


def pilot_sizes(plan: PilotPlan) -> tuple[int, ...]:
    """The sizes tried: the standard ladder and the planned size."""
    return tuple(sorted({*PILOT_SIZES, int(plan.per_arm)} - {0}))


@lru_cache(maxsize=16)
def _cached(
    scenario_json: str, field: str, direction: int, baseline: float, sizes: tuple[int, ...], draws: int, seed: int,
    distribution: str, ranges: tuple, de: float,
) -> tuple[PilotValue, ...]:  # fmt: skip
    scenario = Scenario.model_validate_json(scenario_json)
    known = None
    if draws <= HEAVY_DRAWS:  # the verdict's own run (cached): its NPVs, not a second evaluation
        known = cached_monte_carlo(scenario, draws, seed, distribution, dict(ranges)).npv  # type: ignore[arg-type]
    return tuple(pilot_values(
        scenario, field, direction, baseline, sizes, draws, seed, distribution, dict(ranges), de,  # type: ignore[arg-type]
        known_npv=known,
    ))  # fmt: skip


def pilot_values_now(
    scenario: Scenario, plan: PilotPlan, simulation: Simulation, ranges: Mapping[str, tuple[float, float]]
) -> list[PilotValue]:
    """`cached_pilot_values` worked out here, with no Streamlit call (a download's thread): the
    same values (the same draws; the verdict's run is drawn again rather than read)."""
    return pilot_values(
        scenario, plan.field, plan.direction, plan.baseline, pilot_sizes(plan), min(simulation.draws, VALUE_DRAWS),
        simulation.seed, simulation.distribution, dict(ranges), plan.design_effect,  # type: ignore[arg-type]
    )  # fmt: skip


def cached_pilot_values(
    scenario: Scenario, plan: PilotPlan, simulation: Simulation, ranges: Mapping[str, tuple[float, float]]
) -> list[PilotValue]:
    """Each size's worth and cost (`calculators.information_value.pilot_values`) over the
    link's simulation settings (at most `VALUE_DRAWS` draws, as the value of information
    beside a heavy run), cached on everything it depends on."""
    draws = min(simulation.draws, VALUE_DRAWS)
    args = (
        scenario.model_dump_json(), plan.field, plan.direction, plan.baseline, pilot_sizes(plan),
        draws, simulation.seed, simulation.distribution, ranges_key(ranges), plan.design_effect,
    )  # fmt: skip
    return list(spinner_above_quick(draws, "Working out what a pilot could learn…", lambda: _cached(*args)))


def clear_pilot_values() -> None:
    """Forget every kept pilot value (tests: each starts as a fresh server would)."""
    _cached.cache_clear()
