"""Returns on screen: the best option, ROI / payback / NPV tiles, the comparison table."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from calculators.roi import Option, Returns, all_returns, overlapping_streams
from calculators.scenario import Format, Scenario
from components.formatting import money, months, percent, plural
from components.kpi import Tile, kpi_row

_MARKDOWN_COLOUR = {Option.MICRO: "blue", Option.ILT: "orange", Option.BLEND: "green"}


def option_label(option: Option, text: str = "") -> str:
    """The option's name in its colour (Markdown)."""
    return f":{_MARKDOWN_COLOUR[option]}[**{option.label}**]{' ' + text if text else ''}"


def best_option(returns: dict[Option, Returns]) -> Option:
    """The option with the highest net present value (ties: the cheaper one).

    >>> from calculators.scenario import Format, Scenario
    >>> best_option(all_returns(Scenario())).label
    'Microlearning'
    """
    return max(returns, key=lambda o: (returns[o].npv, -returns[o].costs))


def roi_sentence(returns: dict[Option, Returns], currency: str) -> str:
    """One sentence on returns: the best option's ROI, payback and NPV.

    >>> from calculators.scenario import Format, Scenario
    >>> print(roi_sentence(all_returns(Scenario()), "USD"))
    On returns, microlearning leads: ROI 28.8 %, payback in 28 months, net present value $4,826 over 3 years.
    """
    best = best_option(returns)
    r = returns[best]
    years = plural(r.horizon_years, "year")
    tied = [o for o in returns if o is not best and _same(returns[o], r)]
    lead = (
        f"{best.label.lower()} and {' and '.join(o.label.lower() for o in tied)} tie"
        if tied
        else f"{best.label.lower()} leads"
    )
    if r.npv <= 0:
        return (
            f"No option creates value on these assumptions: the best, {best.label.lower()}, has a net present "
            f"value of {money(r.npv, currency)} over {years} (ROI before discounting {percent(r.roi_pct)})."
        )
    payback = months(r.payback_months)
    payback_text = f"payback in {payback}" if payback != "—" else f"no payback within {years}"
    return (
        f"On returns, {lead}: ROI {percent(r.roi_pct)}, {payback_text}, "
        f"net present value {money(r.npv, currency)} over {years}."
    )


def _same(a: Returns, b: Returns) -> bool:
    return math.isclose(a.npv, b.npv, rel_tol=1e-12, abs_tol=1e-6) and math.isclose(
        a.costs, b.costs, rel_tol=1e-12
    )


def returns_tiles(
    returns: dict[Option, Returns], currency: str, chance_of_loss: dict[Option, float] | None = None
) -> None:
    """Tiles for the best option: ROI, payback, NPV (and the chance of loss); captions compare the others."""
    best = best_option(returns)
    r = returns[best]
    others = [o for o in returns if o is not best]

    def compare(fn) -> str:  # type: ignore[no-untyped-def]
        return " · ".join(f"{o.label} {fn(returns[o])}" for o in others)

    loss_tiles = []
    if chance_of_loss is not None:
        loss_tiles.append(
            Tile(
                option_label(best, "chance of loss"),
                percent(100 * chance_of_loss[best]),
                " · ".join(f"{o.label} {percent(100 * chance_of_loss[o])}" for o in others),
                help="Share of 10,000 Monte Carlo draws of the uncertain inputs with ROI below 0 (see Monte Carlo).",
            )
        )
    kpi_row(
        [
            Tile(option_label(best, "ROI"), percent(r.roi_pct), compare(lambda x: percent(x.roi_pct))),
            Tile(
                option_label(best, "payback"),
                months(r.payback_months),
                compare(lambda x: months(x.payback_months)),
                help=(
                    "Costs ÷ (yearly benefits ÷ 12), undiscounted. '—': benefits never repay the costs "
                    "within the years counted."
                ),
            ),
            Tile(
                option_label(best, "NPV"),
                money(r.npv, currency),
                compare(lambda x: money(x.npv, currency, compact=True)),
                help="Monthly benefits minus costs, discounted at the scenario's discount rate.",
            ),
            *loss_tiles,
        ]
    )


def returns_table(returns: dict[Option, Returns], currency: str) -> pd.DataFrame:
    """One row per option with every return figure, formatted ('—' where none exists)."""
    rows = []
    for option, r in returns.items():
        rows.append(
            {
                "Option": option.label,
                f"Costs ({currency})": money(r.costs, currency),
                f"Benefits ({currency})": money(r.benefits, currency),
                f"Net ({currency})": money(r.net, currency),
                "ROI": percent(r.roi_pct),
                "Benefit-cost ratio": "—" if r.bcr is None else f"{r.bcr:,.2f}",
                "Payback": months(r.payback_months),
                "Discounted payback": months(r.discounted_payback_month),
                f"NPV ({currency})": money(r.npv, currency),
            }
        )
    return pd.DataFrame(rows)


def overlap_warning(scenario: Scenario) -> None:
    """Warn when the revenue multiplier is summed with bottom-up streams."""
    if overlapping_streams(scenario):
        st.warning(
            "The revenue multiplier is summed with bottom-up benefit streams. Revenue per training "
            "dollar already includes the gains they measure, so the total likely counts them twice.",
            icon=":material/warning:",
        )


def defensible_gap(scenario: Scenario, option: Option) -> tuple[float | None, float | None]:
    """ROI of `option` without and with the conservative rules (optimistic, defensible)."""
    optimistic = all_returns(scenario.model_copy(update={"conservative": False}))[option].roi_pct
    defensible = all_returns(scenario.model_copy(update={"conservative": True}))[option].roi_pct
    return optimistic, defensible


def waterfall_format(scenario: Scenario, option: Option) -> Format:
    """The format whose benefit waterfall explains `option` (a blend: its larger track).

    >>> waterfall_format(Scenario(), Option.BLEND).label
    'Microlearning'
    """
    if option is Option.BLEND:
        return Format.ILT if scenario.blend_ilt_share_pct >= 50 else Format.MICRO
    return Format.MICRO if option is Option.MICRO else Format.ILT
