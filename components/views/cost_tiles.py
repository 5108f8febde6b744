"""Cost KPI tiles, the cost table, and the evidence line shown under cost figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from calculators.costs import cost_line, total_cost
from calculators.model import Option
from calculators.roi import Returns
from calculators.scenario import INPUTS, Format, Grade, Scenario
from calculators.summary import CostSummary, chart_range
from components.views.kpi import Tile, format_label, kpi_row
from components.views.returns_view import payback_tile
from components.words.formatting import currency_symbol, learners, money, percent, plural
from components.words.messages import crossover_tile

TABLE_COUNTS = (1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000)


def _saving_tile(summary: CostSummary) -> Tile:
    cur = summary.scenario.currency
    n = plural(summary.learners, "learner")
    best = summary.cheapest
    if best is None:
        return Tile(f"Cheaper at {n}", "—", "Both formats cost the same")
    other = Format.ILT if best is Format.MICRO else Format.MICRO
    share = percent(100 * summary.saving_vs_other / summary.total[other])
    return Tile(
        format_label(best, "is cheaper by"),
        money(summary.saving_vs_other, cur),
        f"{money(summary.total[best], cur)} against {money(summary.total[other], cur)} ({share} less) at {n}",
        help="The cheaper format at your learner count, and the saving against the other.",
    )


def _crossover_tile(summary: CostSummary) -> Tile:
    value, caption = crossover_tile(summary)
    return Tile(
        "Crossover (learners)", value, caption, help="Learner count from which the cheaper format changes."
    )


def cost_tiles(summary: CostSummary) -> None:
    """Each format's total cost, the cheaper format and its saving, the crossover."""
    cur = summary.scenario.currency
    basis = "fully loaded" if summary.fully_loaded else "vendor cost table"
    tiles = [
        Tile(
            format_label(f, "total cost"),
            money(summary.total[f], cur),
            f"{money(summary.per_learner[f], cur)} per learner, {basis}",
        )
        for f in Format
    ]
    kpi_row([*tiles, _saving_tile(summary), _crossover_tile(summary)])


def scale_tiles(summary: CostSummary, option: Option, returns: Returns) -> None:
    """When `option` pays back, from how many learners, where the formats cross, and the saving."""
    be = summary.breakeven[option]
    kpi_row(
        [
            payback_tile(returns),
            Tile(
                "Break-even (learners)",
                "—" if be is None else learners(be),
                "Never pays back at any scale" if be is None else "ROI above 0 from this many learners",
                help=(
                    "The learner count from which benefits cover costs (ROI ≥ 0), with the same benefits "
                    "and costs as the ROI tiles. Goal seek finds the same count."
                ),
            ),
            _crossover_tile(summary),
            _saving_tile(summary),
        ]
    )


def cost_table(summary: CostSummary) -> pd.DataFrame:
    """Total and per-learner cost of each format at round learner counts, plus the user's."""
    top = chart_range(summary)
    counts = sorted({c for c in TABLE_COUNTS if c <= top} | {summary.learners})
    if summary.crossover is not None:
        counts = sorted(set(counts) | {summary.crossover.cheaper_from})
    n = np.array(counts, dtype=np.float64)
    cur = summary.scenario.currency
    table = pd.DataFrame({"Learners": np.array(counts, dtype=np.int64)})
    totals = {f: total_cost(cost_line(summary.scenario, f), n) for f in Format}
    for f in Format:
        table[f"{f.label} total ({cur})"] = np.round(totals[f], 2)
    for f in Format:
        table[f"{f.label} per learner ({cur})"] = np.round(totals[f] / n, 2)
    table["Cheaper"] = np.where(
        totals[Format.MICRO] < totals[Format.ILT],
        Format.MICRO.label,
        np.where(totals[Format.MICRO] > totals[Format.ILT], Format.ILT.label, "Equal"),
    )
    return table


def cost_table_view(summary: CostSummary, key: str) -> None:
    """The cost table with money columns formatted, and its CSV download (raw numbers)."""
    table = cost_table(summary)
    symbol = currency_symbol(summary.scenario.currency).replace("%", "%%")
    config = {
        column: st.column_config.NumberColumn(column, format=f"{symbol}%,.2f")
        for column in table.columns
        if column.endswith(f"({summary.scenario.currency})")
    }
    config["Learners"] = st.column_config.NumberColumn("Learners", format="%,d")
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.download_button(
        "Download CSV", table.to_csv(index=False), file_name="training-costs.csv", mime="text/csv", key=key
    )


def evidence_caption(scenario: Scenario) -> str:
    """Where the cost defaults come from, with their grades, and which inputs the user changed."""
    defaults = Scenario()
    changed = [s.label for s in INPUTS.values() if getattr(scenario, s.name) != getattr(defaults, s.name)]
    cost_fields = ["micro_fixed_cost", "micro_cost_per_learner", "ilt_fixed_cost", "ilt_cost_per_learner"]
    vendor_table = all(getattr(scenario, f) == getattr(defaults, f) for f in cost_fields)
    grade = INPUTS["micro_fixed_cost"].grade
    source = (
        f"Cost defaults: Upscend's vendor cost table, 'Microlearning vs instructor-led' (February 2026; "
        f"evidence grade {grade.value}, a vendor claim)."
        if vendor_table and grade is Grade.C
        else "Cost figures: your own (the vendor cost table's defaults replaced)."
    )
    tail = f" You changed {len(changed)} input{'s' if len(changed) != 1 else ''}." if changed else ""
    return source + tail + " Each sidebar input's ? shows its source and evidence grade."
