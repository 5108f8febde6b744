"""The answer a scenario gives, computed once per run and read by every screen that states it.

The Executive summary, ROI & payback and the PDF brief say the same sentence because they
read the same `Answer`: returns as claimed and defensible, the screen's basis, the verdict,
and the chance of loss from the same Monte Carlo run (10,000 seeded draws within the
user's ranges). `answer_of` is pure (no Streamlit: the brief runs it in a worker thread);
`the_answer` is the app's, with the session's ranges and the shared cached run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from calculators.model import Option
from calculators.roi import Returns, all_returns
from calculators.scenario import Scenario
from calculators.simulation import MonteCarlo, monte_carlo
from calculators.summary import Verdict, verdict_of
from components.messages import headline

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


def claimed_and_defensible(scenario: Scenario) -> tuple[dict[Option, Returns], dict[Option, Returns]]:
    """Every option's returns as claimed (Conservative off) and defensible (Conservative on).

    >>> claimed, defensible = claimed_and_defensible(Scenario())
    >>> round(claimed[Option.MICRO].roi_pct, 1), round(defensible[Option.MICRO].roi_pct, 1)
    (28.8, -35.3)
    """
    return (
        all_returns(scenario.with_changes(conservative=False)),
        all_returns(scenario.with_changes(conservative=True)),
    )


Simulate = Callable[..., MonteCarlo]  # (scenario, draws, seed, distribution, ranges) -> MonteCarlo


def answer_of(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    simulate: Simulate = monte_carlo,
) -> Answer:
    """The answer for `scenario` on its own basis; the chance of loss from `simulate`
    (`SUMMARY_DRAWS` seeded draws within `ranges`).

    >>> a = answer_of(Scenario())
    >>> a.option.label, round(a.claimed[a.option].roi_pct, 1), round(100 * a.chance_of_loss[a.option])
    ('Microlearning', 28.8, 58)
    """
    claimed, defensible = claimed_and_defensible(scenario)
    screen = _on_basis(scenario, claimed, defensible)
    call = verdict_of(screen, scenario.close_call_pct)
    simulated = simulate(scenario, SUMMARY_DRAWS, SUMMARY_SEED, "triangular", dict(ranges or {}))
    return Answer(scenario, claimed, defensible, call, {o: simulated.probability_loss(o) for o in Option})


def the_answer(scenario: Scenario) -> Answer:
    """The answer for `scenario` on screen: the session's ranges, the shared cached Monte Carlo run."""
    from components.risk_inputs import current_ranges
    from components.simulation_cache import cached_monte_carlo

    return answer_of(scenario, current_ranges(), cached_monte_carlo)
