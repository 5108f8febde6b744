"""Decision matrix: the seed's ratings, the cost rating formula, weights and the radar figure."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.decision import (
    CRITERIA,
    RATING_SCORE,
    RATINGS,
    blend_rating,
    cost_scores,
    default_ratings,
    normalised_weights,
    rating_for,
    weighted_totals,
)
from calculators.roi import Option
from calculators.scenario import Scenario
from components.charts.theme import unwrap
from components.views.decision_view import radar_figure, radar_title, result_sentence

weights_strategy = st.fixed_dictionaries({c.key: st.integers(0, 10) for c in CRITERIA})


def test_rating_scale_is_the_documented_one():
    assert RATING_SCORE == {"Very Low": 1, "Lower": 2, "Moderate": 3, "High": 4, "Very High": 5}


def test_seed_002_ratings_are_the_defaults():
    # Seed 002 decision matrix (simplified): speed High / Moderate; retention High (with spacing) /
    # Moderate; behavioural-change depth Moderate / High; scalability Very High / Lower (without investment).
    r = default_ratings(Scenario())
    seed = {k: (r[k][Option.MICRO], r[k][Option.ILT]) for k in ("speed", "retention", "depth", "scalability")}
    assert seed == {
        "speed": ("High", "Moderate"),
        "retention": ("High", "Moderate"),
        "depth": ("Moderate", "High"),
        "scalability": ("Very High", "Lower"),
    }
    assert {r["culture"][o] for o in Option} == {"Moderate"}


def test_cost_at_your_scale_from_the_seed_cost_table():
    # Seed 002 table at 1,000 learners: micro $33,000, ILT $55,000, ratio 5/3:
    # 3 ± log2(5/3) = 3.74 (High) and 2.26 (Lower).
    scores = cost_scores({Option.MICRO: 33_000.0, Option.ILT: 55_000.0})
    assert scores[Option.MICRO] == pytest.approx(3 + math.log2(5 / 3))
    assert scores[Option.ILT] == pytest.approx(3 - math.log2(5 / 3))
    r = default_ratings(Scenario())
    assert (r["cost"][Option.MICRO], r["cost"][Option.ILT]) == ("High", "Lower")


def test_cost_rating_flips_below_the_crossover():
    # At 100 learners ILT costs 14,500 and microlearning 30,300: ILT is the cheaper format.
    r = default_ratings(Scenario(learners=100))
    assert RATING_SCORE[r["cost"][Option.ILT]] > RATING_SCORE[r["cost"][Option.MICRO]]


def test_cost_scores_equal_costs_are_moderate():
    assert cost_scores({Option.MICRO: 5.0, Option.ILT: 5.0}) == {Option.MICRO: 3.0, Option.ILT: 3.0}


def test_cost_scores_free_option_scores_top():
    scores = cost_scores({Option.MICRO: 0.0, Option.ILT: 100.0})
    assert scores == {Option.MICRO: 5.0, Option.ILT: 1.0}


def test_blend_rating_corners_are_the_pure_formats():
    for micro in RATINGS:
        for ilt in RATINGS:
            assert blend_rating(micro, ilt, 0.0) == micro
            assert blend_rating(micro, ilt, 1.0) == ilt


def test_all_weights_zero_gives_no_totals():
    ratings = default_ratings(Scenario())
    assert normalised_weights(dict.fromkeys(ratings, 0)) is None
    assert weighted_totals(ratings, dict.fromkeys(ratings, 0)) is None
    assert result_sentence(None).startswith("Give at least one criterion a weight")


def test_negative_weight_is_rejected():
    with pytest.raises(ValueError):
        normalised_weights({"speed": -1})


def test_equal_weights_by_hand():
    # Micro: 4 + 4 + 3 + 5 + 4 (cost) + 3 = 23 → 3.83; ILT: 3 + 3 + 4 + 2 + 2 + 3 = 17 → 2.83.
    totals = weighted_totals(default_ratings(Scenario()), {c.key: 1 for c in CRITERIA})
    assert totals[Option.MICRO] == pytest.approx(23 / 6)
    assert totals[Option.ILT] == pytest.approx(17 / 6)


def test_depth_only_makes_instructor_led_win():
    weights = {c.key: 0 for c in CRITERIA} | {"depth": 1}
    totals = weighted_totals(default_ratings(Scenario()), weights)
    assert totals[Option.ILT] == 4 and totals[Option.MICRO] == 3
    assert "instructor-led leads" in result_sentence(totals)


@given(weights=weights_strategy)
@settings(max_examples=50, deadline=None)
def test_totals_stay_on_the_scale_and_weights_sum_to_one(weights):
    ratings = default_ratings(Scenario())
    totals = weighted_totals(ratings, weights)
    if sum(weights.values()) == 0:
        assert totals is None
        return
    assert sum(normalised_weights(weights).values()) == pytest.approx(1.0)
    assert all(1.0 <= t <= 5.0 for t in totals.values())


@given(weights=weights_strategy, factor=st.integers(2, 5))
@settings(max_examples=30, deadline=None)
def test_scaling_all_weights_changes_nothing(weights, factor):
    ratings = default_ratings(Scenario())
    scaled = {k: w * factor for k, w in weights.items()}
    assert weighted_totals(ratings, weights) == pytest.approx(weighted_totals(ratings, scaled) or {}) or (
        sum(weights.values()) == 0
    )


@given(score=st.floats(-10, 20))
def test_rating_for_is_always_on_the_scale(score):
    assert rating_for(score) in RATINGS


def test_radar_figure_colours_and_title():
    ratings = default_ratings(Scenario())
    weights = {c.key: 1 for c in CRITERIA}
    totals = weighted_totals(ratings, weights)
    fig = radar_figure(ratings, totals, weights)
    assert [t.type for t in fig.data] == ["scatterpolar"] * 3
    assert [t.line.color for t in fig.data] == ["#009E73", "#0072B2", "#D55E00"]  # blend drawn first, dashed
    assert fig.data[0].line.dash == "dash"
    assert unwrap(fig.layout.title.text) == radar_title(
        totals
    )  # wrapped for a phone: components/charts/theme.py
    assert unwrap(fig.layout.title.text).startswith("Microlearning scores 3.8 of 5")
    assert fig.data[0].r[0] == fig.data[0].r[-1]  # the outline closes
    assert fig.layout.polar.radialaxis.range == (0, 5)
