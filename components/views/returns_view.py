"""Returns on screen: the best option, ROI / payback / NPV tiles, the comparison table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from calculators.roi import Option, Returns, overlapping_streams
from calculators.scenario import Format, Scenario
from calculators.skeptic import replaced_fields
from components.views.kpi import Tile, kpi_row
from components.words.formatting import money, months, percent, plural

_MARKDOWN_COLOUR = {Option.MICRO: "blue", Option.ILT: "orange", Option.BLEND: "green"}


def option_label(option: Option, text: str = "") -> str:
    """The option's name in its colour (Markdown)."""
    return f":{_MARKDOWN_COLOUR[option]}[**{option.label}**]{' ' + text if text else ''}"


def best_option(returns: dict[Option, Returns]) -> Option:
    """The option with the highest net present value (ties: the cheaper one).

    >>> from calculators.roi import all_returns
    >>> from calculators.scenario import Format, Scenario
    >>> best_option(all_returns(Scenario())).label
    'Microlearning'
    """
    return max(returns, key=lambda o: (returns[o].npv, -returns[o].costs))


def returns_tiles(
    option: Option,
    claimed: dict[Option, Returns],
    defensible: dict[Option, Returns],
    scenario: Scenario,
    chance_of_loss: float | None = None,
    draws: int = 10_000,
) -> None:
    """The option's name in its colour, then four tiles: ROI as claimed and defensible side by
    side, net present value on the screen's basis, and the chance of loss (or, without a
    simulation, the payback)."""
    currency = scenario.currency
    screen = defensible if scenario.conservative else claimed
    r = screen[option]
    years = plural(scenario.horizon_years, "year")
    # With Skeptic on, the claimed figures use published values in place of grade C/D defaults.
    skeptical = scenario.skeptic and replaced_fields(scenario)
    basis = "with Skeptic's published values" if skeptical else "as entered"
    st.markdown(option_label(option, "— the figures behind the headline"))
    tiles = [
        Tile(
            "ROI as claimed",
            percent(claimed[option].roi_pct),
            f"Benefits over {years} {basis}, your cost basis",
            help=(
                f"(Benefits − costs) ÷ costs, with the benefits {basis} after completion, attribution, "
                "application and retention. See the glossary on Assumptions & sources."
            ),
        ),
        Tile(
            "ROI, defensible",
            percent(defensible[option].roi_pct),
            "First-year benefits × confidence, fully loaded costs",
            help="The Phillips ROI Methodology's conservative rules, as a CFO would audit the case.",
        ),
        Tile(
            "Net present value",
            money(r.npv, currency),
            f"At the most likely values, over {years} at {percent(scenario.discount_rate_pct)} a year",
            help=(
                "Monthly benefits minus costs, discounted at the scenario's discount rate, with every input at its "
                "most likely value. The headline's expected net present value is the average over the simulated "
                "outcomes instead: with skewed ranges the two differ."
            ),
        ),
    ]
    if chance_of_loss is not None:
        tiles.append(
            Tile(
                "Chance of loss",
                percent(100 * chance_of_loss),
                "Simulated outcomes with ROI below 0",
                help=f"Share of {draws:,} Monte Carlo draws of the uncertain inputs this scenario uses, each within its "
                "range (see Monte Carlo), in which benefits fall short of costs.",
            )
        )
    else:
        tiles.append(payback_tile(r))
    kpi_row(tiles)


def payback_tile(r: Returns) -> Tile:
    """The payback on the screen: discounted, as the cumulative chart marks it."""
    month = r.discounted_payback_month
    return Tile(
        "Payback (discounted)",
        months(month),
        "Not within the benefit period" if month is None else "The month the chart marks",
        help=(
            "The month in which discounted benefits first cover the costs paid so far, rounded up to whole "
            "months (13.3 reads '14 months': paid back during month 14). '—': not within the horizon."
        ),
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
                "Payback (undiscounted)": months(r.payback_months),
                "Payback (discounted)": months(r.discounted_payback_month),
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


def waterfall_format(scenario: Scenario, option: Option) -> Format:
    """The format whose benefit waterfall explains `option` (a blend: its larger track).

    >>> waterfall_format(Scenario(), Option.BLEND).label
    'Microlearning'
    """
    if option is Option.BLEND:
        return Format.ILT if scenario.blend_ilt_share_pct >= 50 else Format.MICRO
    return Format.MICRO if option is Option.MICRO else Format.ILT
