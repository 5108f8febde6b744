"""Returns on a training investment: BCR, ROI, payback, NPV and discounted payback.

Definitions (Phillips ROI Methodology; money in the scenario's currency):

    BCR    = benefits / costs
    ROI %  = (benefits − costs) / costs × 100 = (BCR − 1) × 100
    payback month  = the month in which the benefits so far repay every cost (see `payback_month`)
    NPV    = Σ_t (benefits_t − costs_t) / (1 + r)^t     over monthly cash flows, r monthly

Seed 000's per-employee example: cost $1,200, benefits $2,160 (1.80 × revenue) + $5,000
(turnover savings) = $7,160, net $5,960, ROI 496.7 % (the seed prints "$6,960", which is
neither the gross nor the net figure):

>>> round(roi_percent(2_160 + 5_000, 1_200), 1), bcr(7_160, 1_200)
(496.7, 5.966666666666667)

Each function returns a finite number or None ("no return", "never pays back").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def bcr(benefits: float, costs: float) -> float | None:
    """Benefit-cost ratio; None when there is no cost to compare with.

    >>> bcr(150, 100), bcr(10, 0)
    (1.5, None)
    """
    if costs <= 0:
        return None
    value = benefits / costs
    return value if math.isfinite(value) else None


def roi_percent(benefits: float, costs: float) -> float | None:
    """ROI in percent: (benefits − costs) / costs × 100; None when costs are zero.

    >>> roi_percent(100, 100), roi_percent(50, 100)
    (0.0, -50.0)
    """
    if costs <= 0:
        return None
    value = (benefits - costs) / costs * 100.0
    return value if math.isfinite(value) else None


def payback_months(costs: float, annual_benefits: float) -> float | None:
    """Months until benefits repay the costs: costs / (annual benefits / 12); None if never.

    >>> payback_months(1_200, 7_160 / 5)  # seed 000 spread over its five years
    10.05586592178771
    >>> payback_months(100, 0) is None
    True
    """
    if annual_benefits <= 0:
        return None
    if costs <= 0:
        return 0.0
    value = costs / (annual_benefits / 12.0)
    return value if math.isfinite(value) else None


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate equivalent to an annual discount rate: (1 + r)^(1/12) − 1.

    >>> round(monthly_rate(0.12), 6)
    0.009489
    """
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


@dataclass(frozen=True)
class CashFlows:
    """Monthly cash flows from month 0 to the end of the horizon (money per month)."""

    costs: FloatArray
    benefits: FloatArray

    @property
    def net(self) -> FloatArray:
        return self.benefits - self.costs

    @property
    def months(self) -> FloatArray:
        return np.arange(self.costs.size, dtype=np.float64)


def cash_flows(
    upfront_cost: float,
    yearly_cost: float,
    annual_benefit: float,
    horizon_years: int,
    *,
    benefit_years: int | None = None,
    monthly_benefits: FloatArray | None = None,
) -> CashFlows:
    """Costs at month 0 (and `yearly_cost` at months 12, 24, …); benefits monthly from month 1.

    `benefit_years` limits benefits to the first years (the conservative "first-year
    benefits only" rule uses 1). `monthly_benefits`, when given, are the benefits of months
    1, 2, … (the model's month-by-month stream) instead of `annual_benefit` / 12 each month.

    >>> flows = cash_flows(1_200, 0, 1_200, 1)
    >>> flows.costs[:2].tolist(), flows.benefits[:2].tolist(), float(flows.net.sum())
    ([1200.0, 0.0], [0.0, 100.0], 0.0)
    """
    months = 12 * horizon_years
    costs = np.zeros(months + 1)
    benefits = np.zeros(months + 1)
    costs[0] = upfront_cost
    for year in range(1, horizon_years):
        costs[12 * year] += yearly_cost
    paid_months = 12 * min(benefit_years or horizon_years, horizon_years)
    if monthly_benefits is not None:
        stream = np.asarray(monthly_benefits, dtype=np.float64)[:paid_months]
        benefits[1 : stream.size + 1] = stream
    else:
        benefits[1 : paid_months + 1] = annual_benefit / 12.0
    return CashFlows(costs, benefits)


def npv(flows: CashFlows, annual_rate: float) -> float:
    """Net present value of monthly flows at an annual discount rate (month 0 undiscounted).

    >>> round(npv(cash_flows(1_200, 0, 1_200, 1), 0.0), 6)
    0.0
    >>> npv(cash_flows(1_200, 0, 1_200, 1), 0.08) < 0  # the same money later is worth less
    True
    """
    factors = (1.0 + monthly_rate(annual_rate)) ** -flows.months
    return float(np.sum(flows.net * factors))


def _first_month_nonnegative(cumulative: FloatArray) -> float | None:
    """Month (fractional, interpolated within it) at which a cumulative series first reaches 0
    (the payback month); None when it never does. The model core's `first_crossing`, one row."""
    reached = np.flatnonzero(cumulative >= 0)
    if reached.size == 0:
        return None
    first = int(reached[0])
    if first == 0:
        return 0.0
    before, after = float(cumulative[first - 1]), float(cumulative[first])
    return first - 1 + (-before) / (after - before)


def cumulative_net(flows: CashFlows, annual_rate: float | None = None) -> FloatArray:
    """Benefits so far (discounted when `annual_rate` is given) minus every cost of the
    programme, by month: where the programme stands against all it costs. It starts at minus
    the total cost, never falls, and crosses zero at the payback month; with no later-year
    costs its end is the net present value (discounted) or the net benefit (plain).

    >>> cumulative_net(cash_flows(1_200, 0, 1_200, 1))[[0, 6, 12]].tolist()
    [-1200.0, -600.0, 0.0]
    >>> cumulative_net(cash_flows(1_000, 200, 1_200, 2))[[0, 12, 24]].tolist()  # 1,200 owed from the start
    [-1200.0, 0.0, 1200.0]
    """
    benefits = flows.benefits
    if annual_rate is not None:
        benefits = benefits * (1.0 + monthly_rate(annual_rate)) ** -flows.months
    return np.cumsum(benefits) - float(np.sum(flows.costs))


def payback_month(flows: CashFlows, annual_rate: float | None = None) -> float | None:
    """Month in which the benefits so far (discounted when `annual_rate` is given) repay every
    cost of the programme, interpolated within the month; None when they never do within the
    horizon. A discounted benefit is never more than the plain one, so the discounted payback
    is never the sooner.

    >>> payback_month(cash_flows(1_200, 0, 2_400, 1))
    6.0
    >>> payback_month(cash_flows(1_200, 0, 1_000, 1)) is None
    True
    >>> payback_month(cash_flows(1_200, 0, 2_400, 1), 0.08) > 6.0
    True
    """
    return _first_month_nonnegative(cumulative_net(flows, annual_rate))
