"""What finding out is worth, on screen (issue 13): the Monte Carlo page's section and the
Executive summary's sentence, from the same draws, in the scenario's currency, never NaN."""

from __future__ import annotations

import re

from calculators.information_value import value_of_information
from calculators.scenario import Scenario
from calculators.settings import default_value
from components.formatting import money


def _text(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(e.value) for kind in ("markdown", "caption", "subheader") for e in getattr(at, kind))


def test_the_monte_carlo_page_says_what_finding_out_is_worth(app):
    at = app(query={"learners": "300"}, page="pages/monte_carlo.py")
    assert not at.exception
    text = _text(at)
    assert "Is it worth finding out more before choosing?" in text
    info = value_of_information(
        Scenario(learners=300), int(default_value("mc_draws")), int(default_value("mc_seed"))
    )
    assert info.evpi > 0
    assert f"**{money(round(info.evpi), 'USD')}** more" in text
    assert "nan" not in text.lower() and "inf" not in re.sub(r"information|infer|inform", "", text.lower())


def test_when_nothing_could_change_the_choice_the_page_says_so(app):
    at = app(page="pages/monte_carlo.py")  # the defaults: microlearning wins in every draw
    assert not at.exception
    assert "would not change the decision" in _text(at)


def test_when_no_outcome_changes_the_choice_the_summary_says_what_a_pilot_could_still_tell(app):
    """The defaults lose money in more than half the draws (the headline says test it first), yet
    microlearning is best in every draw: the sentence must not read as "no pilot is worth it"."""
    at = app()
    assert not at.exception
    sentence = next(
        m.value for m in at.markdown if m.value.startswith("Microlearning is the best of the options")
    )
    assert "cannot change which one to choose" in sentence and "whether the training pays at all" in sentence
    assert "test it before committing" in " ".join(m.value for m in at.markdown)


def test_the_summary_states_the_most_a_pilot_could_be_worth(app):
    at = app(query={"learners": "300", "currency": "EUR"})
    assert not at.exception
    sentence = next(m.value for m in at.markdown if m.value.startswith("Resolving every uncertainty"))
    assert "€" in sentence and "cannot pay for itself" in sentence
    assert "the pilot planned on the Pilot page (170 learners per arm) costs about €" in sentence


def test_the_pilot_page_weighs_the_pilot_against_its_cost(app):
    at = app(query={"learners": "60", "productivity_on": "1"}, page="pages/pilot.py")
    assert not at.exception
    assert "5 · Is the pilot worth it before choosing?" in [s.value for s in at.subheader]
    labels = [m.label for m in at.metric]
    assert {"What the pilot's answer is worth", "What the pilot costs", "Net value of the pilot"} <= set(
        labels
    )
    verdicts = [m.value for m in at.info] + [m.value for m in at.success]
    assert any(v.startswith(("Decide now", "Pilot first")) for v in verdicts)
    assert all("nan" not in str(m.value).lower() for m in at.metric)


def test_with_teams_randomised_the_pilot_s_worth_counts_fewer_learners(app):
    """The design effect (1 + (12 − 1) × 0.05 = 1.55) divides the information, as it does the
    learners in the break-even check above it; the caption says so."""
    query = {"learners": "60", "productivity_on": "1", "pilot_enrol": "8000"}
    alone = app(query=query, page="pages/pilot.py")
    teams = app(query={**query, "pilot_cluster": "1"}, page="pages/pilot.py")
    assert not alone.exception and not teams.exception

    def worth(at) -> str:  # type: ignore[no-untyped-def]
        return next(m.value for m in at.metric if m.label == "What the pilot's answer is worth")

    def cost(at) -> str:  # type: ignore[no-untyped-def]
        return next(m.value for m in at.metric if m.label == "What the pilot costs")

    assert cost(teams) == cost(alone)
    assert worth(teams) != worth(alone)
    assert "design effect (1.55)" in _text(teams) and "design effect (" not in _text(alone)


def test_beside_the_tornado_the_sensitivity_page_says_what_is_worth_finding_out(app):
    at = app(query={"learners": "300"}, page="pages/sensitivity.py")
    assert not at.exception
    assert any("worth finding out before choosing" in c.value for c in at.caption)
    quiet = app(page="pages/sensitivity.py")  # the defaults: nothing could change the choice
    assert any(c.value.startswith("Worth finding out: nothing") for c in quiet.caption)
