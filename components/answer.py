"""The answer a scenario gives, computed once per run and read by every screen that states it.

The Executive summary and ROI & payback say the same sentence because they read the same
`Answer`: returns as claimed and defensible, the screen's basis, the verdict, and the chance
of loss from the same cached Monte Carlo run (10,000 seeded draws within the user's ranges).
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.model import Option
from calculators.roi import Returns
from calculators.scenario import Scenario
from calculators.summary import Verdict, verdict
from components.messages import headline
from components.returns_view import claimed_and_defensible
from components.risk_inputs import current_ranges
from components.simulation_cache import cached_monte_carlo

SUMMARY_DRAWS = 10_000
SUMMARY_SEED = 2026


@dataclass(frozen=True)
class Answer:
    """Everything the headline rests on, for one scenario."""

    scenario: Scenario
    claimed: dict[Option, Returns]
    defensible: dict[Option, Returns]
    verdict: Verdict
    chance_of_loss: dict[Option, float]

    @property
    def screen(self) -> dict[Option, Returns]:
        """Returns on the screen's basis: defensible when Conservative is on, as claimed otherwise."""
        return _on_basis(self.scenario, self.claimed, self.defensible)

    @property
    def option(self) -> Option:
        """The option the headline is about."""
        return self.verdict.best

    @property
    def headline(self) -> str:
        return headline(
            self.verdict, self.screen, self.defensible, self.scenario, self.chance_of_loss[self.option]
        )


def _on_basis(
    scenario: Scenario, claimed: dict[Option, Returns], defensible: dict[Option, Returns]
) -> dict[Option, Returns]:
    return defensible if scenario.conservative else claimed


def the_answer(scenario: Scenario) -> Answer:
    """The answer for `scenario` on its own basis (the Monte Carlo run is cached and shared)."""
    claimed, defensible = claimed_and_defensible(scenario)
    screen = _on_basis(scenario, claimed, defensible)
    call = verdict(
        {o: r.npv for o, r in screen.items()},
        {o: r.costs for o, r in screen.items()},
        scenario.close_call_pct,
    )
    simulated = cached_monte_carlo(scenario, SUMMARY_DRAWS, SUMMARY_SEED, "triangular", current_ranges())
    return Answer(scenario, claimed, defensible, call, {o: simulated.probability_loss(o) for o in Option})
