"""One figure from every chart builder, drawn once with the defaults (seed 002's cost table,
1,000 learners): the charts the unit tests check for phones, meeting rooms and margins."""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go

from calculators.compare import compare as compare_plans
from calculators.decision import CRITERIA, default_ratings, weighted_totals
from calculators.goal_seek import goal_seek, metric_curve
from calculators.information_value import value_of_information
from calculators.pilot import compare
from calculators.roi import Option, all_returns, best_share, retention_view, waterfall
from calculators.scenario import Format, Scenario
from calculators.sensitivity import frontier, tornado
from calculators.simulation import monte_carlo
from calculators.summary import cost_summary
from components.charts.compare_charts import cost_figure, cumulative_figure
from components.charts.cost_charts import breakeven_figure, cost_curves_figure, cost_per_learner_figure
from components.charts.model_charts import (
    blend_figure,
    cumulative_net_figure,
    retention_figure,
    waterfall_figure,
)
from components.charts.risk_charts import frontier_figure, goal_curve_figure, histogram_figure, tornado_figure
from components.views.decision_view import radar_figure
from components.views.information_view import information_figure
from components.views.pilot_view import results_figure, sample_size_figure

S = Scenario()
USD = "USD"


@cache
def figures() -> dict[str, go.Figure]:
    """One figure from every builder, keyed by builder name."""
    summary = cost_summary(S)
    returns = all_returns(S)
    best, curves = best_share(S)
    base, bars = tornado(S, Option.MICRO, "ROI", {})
    mc = monte_carlo(S, 2_000, 7)
    xs, ys, z = frontier(S, Option.MICRO, "ROI", "learners", "micro_retention_pct", resolution=12)
    solution = goal_seek(S, "learners", Option.MICRO, "ROI", 0.0)
    gx, gy = metric_curve(S, "learners", Option.MICRO, "ROI", span=(1, 5_000))
    ratings = default_ratings(S)
    weights = {c.key: 1.0 for c in CRITERIA}
    plans = compare_plans([S, S.with_changes(learners=4_000)], draws=1_000)
    return {
        "cost_curves": cost_curves_figure(summary),
        "cost_per_learner": cost_per_learner_figure(summary),
        "breakeven": breakeven_figure(summary),
        "cumulative_net": cumulative_net_figure(returns, USD),
        "waterfall": waterfall_figure(waterfall(S, Format.MICRO), USD, "Microlearning"),
        "retention": retention_figure(retention_view(S)),
        "blend": blend_figure(curves, 0.1, best, USD, "net present value"),
        "tornado": tornado_figure(base, bars, "ROI", Option.MICRO, USD),
        "histogram": histogram_figure(mc.summary(), Option.MICRO, USD),
        "frontier": frontier_figure(xs, ys, z, "learners", "micro_retention_pct", (1_000, 75), "ROI", USD),
        "goal_curve": goal_curve_figure(gx, gy, "learners", 0.0, solution.value, "ROI", USD),
        "radar": radar_figure(ratings, weighted_totals(ratings, weights), weights),
        "sample_size": sample_size_figure(0.35, 0.50, 170, 0.05, 0.8),
        "pilot_results": results_figure({30: (48, 80, 56, 70)}, {30: compare(48, 80, 56, 70)}),
        "compare_payback": cumulative_figure(plans, ["Our plan", "Bigger cohort"]),
        "compare_cost": cost_figure(plans, ["Our plan", "Bigger cohort"]),
        "information_value": information_figure(
            value_of_information(S.with_changes(learners=300), 2_000, 7), USD
        ),
    }


NAMES = list(figures())
