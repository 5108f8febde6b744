"""The Excel workbook export, recalculated independently of this code.

The `formulas` package reads each exported file and evaluates every formula itself (as
Excel would); the ROI, NPV, both paybacks, costs and benefits it computes must equal
`calculators.roi.all_returns` for the default scenario, every sample preset, generated
scenarios (nudges, every curve family, conservative, skeptic, horizons 1 … 10), and after
input cells are changed in the recalculation; month by month, its share of the gain kept,
benefits, and benefits so far − all costs must equal the model's. The values stored in the file (what a
viewer that does not recalculate shows) are checked against the model too.

Tolerances: 1e-6 relative; NPV, costs and benefits within 1e-6 of the money flowing
(costs + benefits), since an NPV near zero is a difference of large flows.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import openpyxl
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from calculators.costs import cost_line, total_cost
from calculators.model import Inputs, Option, effective, retention_profile
from calculators.portfolio import NoPlan, Plan
from calculators.presets import load_presets
from calculators.roi import Returns, all_returns, mean_retention_of
from calculators.scenario import CURRENCY_SYMBOLS, GRADE_MEANING, INPUTS, Format, Scenario, input_title
from calculators.verdict import Simulation
from components.exports.excel import (
    MIN_SEGMENT_ROWS,
    OPTION_TAGS,
    PLAN_SHEET,
    SHEETS,
    TOO_MANY_NUDGES,
    input_name,
    money_format,
    segment_rows,
    series_learners,
    workbook_bytes,
)
from components.work.budget_plan import SCREEN_ID, SCREEN_NAME, ProgramSource, SharedPlan, shared_plan
from tests.strategies import CURRENCIES, valid_scenarios

BOOK = "roi.xlsx"
PRESETS, PRESET_ERRORS = load_presets()
SUFFIXES = {"_claimed": False, "_defensible": True}
# Every function the formulas call: each is one Excel, LibreOffice and `formulas` all evaluate.
ALLOWED_FUNCTIONS = {
    "IF", "AND", "OR", "MIN", "MAX", "INT", "MOD", "ROUND", "CEILING", "EXP", "LN", "SQRT", "ABS", "SUM",
    "SUMIF", "COUNTIFS", "INDEX",
}  # fmt: skip
CURVES = ("exponential", "power law", "FSRS-style")


# --- Helpers ---------------------------------------------------------------------------


def _open(data: bytes, **kwargs: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), **kwargs)


def _key(sheet: str, cell: str) -> str:
    """A cell's key in a `formulas` solution."""
    return f"'[{BOOK}]{sheet.upper()}'!{cell.replace('$', '')}"


@dataclass
class Recalculated:
    """An exported workbook loaded into `formulas`, with its named cells and input cells."""

    model: Any
    names: dict[str, str]  # defined name → solution key
    inputs: dict[str, str]  # scenario field → solution key of its value cell
    book: openpyxl.Workbook  # the file as written

    def model_cell(self, label_start: str, column: str) -> str:
        """Solution key of the Model sheet's cell in `column` on the row whose label starts so."""
        for (cell,) in self.book["Model"].iter_rows(min_col=1, max_col=1):
            if isinstance(cell.value, str) and cell.value.startswith(label_start):
                return _key("Model", f"{column}{cell.row}")
        raise AssertionError(f"no Model row labelled {label_start!r}")

    def results(self, scenario: Scenario | None = None, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        """Named result cells after setting every input cell to `scenario`'s values (if given)."""
        changes = {}
        if scenario is not None:
            for field, key in self.inputs.items():
                value = getattr(scenario, field)
                changes[key] = value if isinstance(value, bool | str) else float(value)
        outputs = [k for n, k in self.names.items() if _is_result(n)] + list(extra)
        solution = self.model.calculate(inputs=changes, outputs=outputs)
        out = {n: _value(solution[k]) for n, k in self.names.items() if _is_result(n)}
        out.update({k: solution[k].value for k in extra})
        return out


def _is_result(name: str) -> bool:
    return name.split("_")[0] in {"ROI", "NPV", "Payback", "Costs", "Benefits", "BCR"}


def _value(ranges: Any) -> Any:
    value = ranges.value.ravel()[0]
    if isinstance(value, np.generic):
        return value.item()
    return value


def recalculate(path: Path, data: bytes) -> Recalculated:
    path.write_bytes(data)
    book = _open(data)
    names = {}
    for name, defined in book.defined_names.items():
        for sheet, cell in defined.destinations:
            names[name] = _key(sheet, cell)
    inputs = {field: names[input_name(field)] for field in INPUTS}
    model = formulas.ExcelModel().loads(str(path)).finish()
    return Recalculated(model, names, inputs, book)


def expected(scenario: Scenario) -> dict[str, Any]:
    """Every named result the workbook must show, from the model: both bases and the scenario's."""
    out: dict[str, Any] = {}
    bases = {**SUFFIXES, "": scenario.conservative}
    for suffix, conservative in bases.items():
        for option, r in all_returns(scenario.with_changes(conservative=conservative)).items():
            tag = OPTION_TAGS[option] + suffix
            scale = abs(r.costs) + abs(r.benefits)
            out[f"ROI_{tag}"] = (r.roi_pct, 0.0)
            out[f"BCR_{tag}"] = (r.bcr, 0.0)
            out[f"NPV_{tag}"] = (r.npv, scale)
            out[f"Payback_{tag}"] = (r.discounted_payback_month, 0.0)
            out[f"Payback_undiscounted_{tag}"] = (r.payback_months, 0.0)
            out[f"Costs_{tag}"] = (r.costs, scale)
            out[f"Benefits_{tag}"] = (r.benefits, scale)
    return out


def assert_matches_model(values: dict[str, Any], scenario: Scenario) -> None:
    """Each named result equals the model's; a figure the model has none of reads 'none'."""
    wanted = expected(scenario)
    assert set(wanted) <= set(values)
    for name, (model_value, scale) in wanted.items():
        got = values[name]
        if model_value is None:
            assert got == "none", (name, got, scenario)
            continue
        assert isinstance(got, int | float) and not isinstance(got, bool), (name, got, scenario)
        assert math.isclose(got, model_value, rel_tol=1e-6, abs_tol=1e-6 * scale + 1e-9), (
            name, got, model_value, scenario,
        )  # fmt: skip


def assert_paybacks_in_order(values: dict[str, Any], scenario: Scenario) -> None:
    """In every column of the workbook, the discounted payback is never sooner than the plain
    one, and there is none whenever there is no plain payback.

    Allowed 1e-12 of a month for rounding: at a discount rate of a few units in the last
    place the two cumulative series are the same sums rounded differently."""
    plain_names = [n for n in values if n.startswith("Payback_undiscounted_")]
    assert len(plain_names) == 9
    for plain_name in plain_names:
        plain, discounted = values[plain_name], values[plain_name.replace("_undiscounted", "")]
        if plain == "none":
            assert discounted == "none", (plain_name, discounted, scenario)
        elif discounted != "none":
            assert discounted >= plain - 1e-12 * max(1.0, plain), (plain_name, plain, discounted, scenario)


def cached_results(book: openpyxl.Workbook) -> dict[str, Any]:
    """The values the file stores in its named cells (what a non-recalculating viewer shows);
    `book` opened with data_only=True."""
    out = {}
    for name, defined in book.defined_names.items():
        for sheet, cell in defined.destinations:
            if ":" not in cell:
                out[name] = book[sheet][cell.replace("$", "")].value
    return out


# --- Fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_book(tmp_path_factory: pytest.TempPathFactory) -> Recalculated:
    folder = tmp_path_factory.mktemp("default")
    return recalculate(folder / BOOK, workbook_bytes(Scenario()))


# --- Recalculated by `formulas`: the returns equal the model's -------------------------


def test_presets_load():
    assert PRESET_ERRORS == [] and len(PRESETS) >= 4


def test_default_workbook_recalculates_to_the_model(default_book: Recalculated):
    """Microlearning $33,000, ROI 890 % as claimed, paid back in month 2.74 (2.77 discounted),
    with the defaults; every return as the model's."""
    values = default_book.results()
    assert values["Costs_micro"] == pytest.approx(33_000)
    assert round(values["ROI_micro"], 1) == 890.0
    assert (round(values["Payback_undiscounted_micro"], 2), round(values["Payback_micro"], 2)) == (2.74, 2.77)
    assert_matches_model(values, Scenario())
    assert_paybacks_in_order(values, Scenario())


@pytest.mark.parametrize("preset", [p for p in PRESETS if p.scenario != Scenario()], ids=lambda p: p.name)
def test_each_preset_workbook_recalculates_to_the_model(preset, tmp_path: Path):
    book = recalculate(tmp_path / BOOK, workbook_bytes(preset.scenario))
    assert_matches_model(book.results(), preset.scenario)


def test_changing_input_cells_gives_the_changed_scenarios_returns(default_book: Recalculated):
    """Change inputs in the workbook (as a user would in Excel): it follows the model."""
    changed = Scenario().with_changes(
        learners=2_500, conservative=True, skeptic=True, micro_nudge_days=14, ilt_nudge_days=30,
        retention_curve="power law", risk_on=True, productivity_on=True, blend_ilt_share_pct=25.0,
        ilt_class_size=12, horizon_years=5, discount_rate_pct=11.5,
    )  # fmt: skip
    values = default_book.results(changed)
    assert_matches_model(values, changed)
    before = default_book.results(Scenario())
    assert values["ROI_micro"] != before["ROI_micro"]


def test_each_curve_family_and_daily_nudges_beyond_the_segment_rows(default_book: Recalculated):
    """Nudges every day for ten years: 3,650 intervals on a sheet of 366 rows; the gain
    caps the curve parameter early, so the rest are counted in closed form, exactly."""
    for curve in ("exponential", "FSRS-style", "power law"):
        changed = Scenario().with_changes(
            horizon_years=10, micro_nudge_days=1, ilt_nudge_days=3, retention_curve=curve, spacing_gain=1.5
        )
        assert segment_rows(changed) > MIN_SEGMENT_ROWS
        assert_matches_model(default_book.results(changed), changed)


def test_too_many_nudges_for_the_sheet_says_export_again(default_book: Recalculated):
    """With a gain so small that the parameter still changes past the sheet's last row,
    the workbook says so instead of showing a wrong number; exported with those inputs,
    its Segments sheet has every row they need and its figures are the model's."""
    changed = Scenario().with_changes(horizon_years=10, micro_nudge_days=1, spacing_gain=1.001)
    mean_cell = default_book.model_cell("Mean retention", "C")
    values = default_book.results(changed, extra=(mean_cell,))
    assert values[mean_cell].ravel()[0] == TOO_MANY_NUDGES
    assert segment_rows(changed) == 3_650
    assert_matches_model(cached_results(_open(workbook_bytes(changed), data_only=True)), changed)


SLOW = settings(
    deadline=None,
    phases=(
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ),  # a recalculation takes a second: report, not shrink
)


@settings(SLOW, max_examples=6)
@given(scenario=valid_scenarios())
@example(scenario=Scenario(micro_completion_pct=1e-310))  # benefits so small they never repay the costs
@example(scenario=Scenario(micro_fixed_cost=0.0, micro_cost_per_learner=1e-320))  # ROI would overflow
def test_generated_scenarios_recalculate_to_the_model(default_book: Recalculated, scenario: Scenario):
    """Any valid scenario typed into the workbook's input cells gives the model's returns.

    The formulas are the same text for every scenario (test below), so typing a scenario
    into one workbook tests the workbook exported for it; only a scenario whose nudges
    need more segment rows than the default workbook has is exported and loaded itself."""
    if segment_rows(scenario) > MIN_SEGMENT_ROWS:
        with tempfile.TemporaryDirectory() as folder:
            own = recalculate(Path(folder) / BOOK, workbook_bytes(scenario))
            values = own.results()
    else:
        values = default_book.results(scenario)
    assert_matches_model(values, scenario)
    assert_paybacks_in_order(values, scenario)


HORIZON_SCENARIOS = [
    Scenario().with_changes(horizon_years=h, **changes)
    for h, changes in zip(range(1, 11), (
        {"micro_nudge_days": 7, "retention_curve": "power law"},
        {"conservative": True, "ilt_nudge_days": 30},
        {"retention_curve": "FSRS-style", "micro_nudge_days": 45, "ilt_nudge_days": 90, "spacing_gain": 1.2},
        {"skeptic": True, "fully_loaded": True, "discount_rate_pct": 25.0},
        {"conservative": True, "retention_curve": "power law", "ilt_nudge_days": 14, "retention_floor_pct": 0.0},
        {"decay_weighting": False, "blend_ilt_share_pct": 60.0},
        {"retention_curve": "FSRS-style", "conservative": True, "skeptic": True, "micro_nudge_days": 30},
        {"skill_half_life_months": 6.5, "retention_floor_pct": 45.0, "micro_nudge_days": 90, "learners": 8_000},
        {"micro_retention_pct": 20.0, "ilt_retention_pct": 90.0, "risk_on": True, "productivity_on": True},
        {"micro_nudge_days": 30, "ilt_nudge_days": 60, "spacing_gain": 1.05, "discount_rate_pct": 0.0},
    ), strict=True)
]  # fmt: skip


@pytest.mark.parametrize("scenario", HORIZON_SCENARIOS, ids=lambda s: f"{s.horizon_years}y")
def test_each_horizon_with_nudges_curves_and_bases_recalculates_to_the_model(
    default_book: Recalculated, scenario: Scenario
):
    """Horizons 1 … 10, each with another curve family, nudges, basis or switch: the model's returns."""
    values = default_book.results(scenario)
    assert_matches_model(values, scenario)
    assert_paybacks_in_order(values, scenario)


def test_fully_loaded_8000_learners_discounted_payback_is_not_sooner(default_book: Recalculated):
    """Regression: a workbook that divided costs by the average monthly benefit for the plain
    payback, and read the discounted one off a cumulative series, gave 8,000 fully loaded
    learners a discounted payback (10.89 months) sooner than the plain one (11.12). Both are
    now the model's first crossing, the discounted one strictly later with a positive rate."""
    scenario = Scenario().with_changes(fully_loaded=True, learners=8_000)
    values = default_book.results(scenario)
    assert_matches_model(values, scenario)
    assert_paybacks_in_order(values, scenario)
    returns = all_returns(scenario)
    for option in Option:
        tag = OPTION_TAGS[option]
        if returns[option].payback_months is None:
            assert values[f"Payback_{tag}"] == values[f"Payback_undiscounted_{tag}"] == "none"
        else:
            assert values[f"Payback_{tag}"] > values[f"Payback_undiscounted_{tag}"]


@settings(SLOW, max_examples=8)
@given(scenario=valid_scenarios(discount_rate_pct=st.floats(0.0, 30.0) | st.sampled_from([0.0, 1e-9, 30.0])))
@example(scenario=Scenario(fully_loaded=True, learners=8_000))
@example(scenario=Scenario(conservative=True, learners=100_000, discount_rate_pct=30.0))
def test_discounted_payback_is_never_sooner_in_the_recalculated_workbook(
    default_book: Recalculated, scenario: Scenario
):
    """Whatever the inputs typed into the workbook, its discounted payback is never sooner than
    its plain payback, and there is none when there is no plain payback (model.first_crossing)."""
    if segment_rows(scenario) > MIN_SEGMENT_ROWS:  # nudges finer than the default workbook has rows for
        scenario = scenario.with_changes(micro_nudge_days=0, ilt_nudge_days=0)
    values = default_book.results(scenario)
    assert_paybacks_in_order(values, scenario)
    assert_matches_model(values, scenario)


def _columns(book: openpyxl.Workbook, sheet: str) -> dict[tuple[str, str], str]:
    """Column letters of a sheet with two header rows: (group title, column title) → letter,
    each group title spreading right over its merged cells."""
    ws = book[sheet]
    out, group = {}, ""
    for col in range(1, ws.max_column + 1):
        top, below = ws.cell(1, col).value, ws.cell(2, col).value
        group = top if isinstance(top, str) and top else group
        if isinstance(below, str):
            out[group, below.split(":")[0].split(" (")[0]] = openpyxl.utils.get_column_letter(col)
    return out


@pytest.mark.parametrize("curve", CURVES)
def test_retention_sheet_recalculates_to_the_models_monthly_shares(default_book: Recalculated, curve: str):
    """The share of the gain kept in each month 1 … 12·H, per format, with nudges: `model.retention_profile`."""
    scenario = Scenario().with_changes(
        retention_curve=curve,
        micro_nudge_days=10,
        ilt_nudge_days=45,
        horizon_years=4,
        retention_floor_pct=15.0,
    )
    columns = _columns(default_book.book, "Retention")
    letters = {fmt: columns[fmt.label, "Share kept in the month"] for fmt in Format}
    extra = {
        fmt: _key("Retention", f"{letter}4:{letter}123") for fmt, letter in letters.items()
    }  # months 1 … 120
    values = default_book.results(scenario, extra=tuple(extra.values()))
    months = 12 * scenario.horizon_years
    for fmt, key in extra.items():
        cells = np.asarray(values[key], dtype=object).ravel()
        want = retention_profile(Inputs(effective(scenario)), fmt, months)
        np.testing.assert_allclose(cells[:months].astype(float), want, rtol=1e-9, atol=1e-12)
        assert all(v in ("", None) or str(v) == "empty" for v in cells[months:])


def test_mean_retention_rows_are_the_models_mean_retained(default_book: Recalculated):
    """The Model's mean retention (for reading) is `model.mean_retained` on each basis."""
    scenario = Scenario().with_changes(micro_nudge_days=21, retention_curve="FSRS-style", horizon_years=5)
    cells = {
        (fmt, conservative): default_book.model_cell("Mean retention", column)
        for fmt, conservative, column in ((Format.MICRO, False, "C"), (Format.ILT, False, "D"),
                                          (Format.MICRO, True, "F"), (Format.ILT, True, "G"))
    }  # fmt: skip
    values = default_book.results(scenario, extra=tuple(cells.values()))
    for (fmt, conservative), key in cells.items():
        want = mean_retention_of(scenario.with_changes(conservative=conservative), fmt)
        assert float(values[key].ravel()[0]) == pytest.approx(want, rel=1e-9)


def test_cash_flows_recalculate_to_the_models_month_by_month(default_book: Recalculated):
    """Each option's benefits, and its benefits so far − all costs (plain and discounted) with
    their paid-back flags, month by month on both bases: the model's flows (benefits declining
    with the share kept, a blend's two tracks, later years' costs)."""
    scenario = Scenario().with_changes(
        micro_nudge_days=30, horizon_years=4, learners=3_000, blend_ilt_share_pct=35.0, fully_loaded=True
    )
    columns = _columns(default_book.book, "Cash flows")
    titles = ("Benefits", "Net cash flow", "Benefits so far − all costs", "Paid back",
              "Discounted benefits so far − all costs", "Paid back, discounted")  # fmt: skip
    extra: dict[tuple[str, Option, str], str] = {}
    for basis in ("As claimed", "Defensible"):
        for option in Option:
            for title in titles:
                letter = columns[f"{basis}: {option.label}", title]
                extra[basis, option, title] = _key("Cash flows", f"{letter}3:{letter}123")
    values = default_book.results(scenario, extra=tuple(extra.values()))
    for (basis, option, title), key in extra.items():
        r = all_returns(scenario.with_changes(conservative=basis == "Defensible"))[option]
        want = {
            "Benefits": r.flows.benefits,
            "Net cash flow": r.flows.net,
            "Benefits so far − all costs": r.cumulative(),
            "Paid back": np.maximum.accumulate(r.cumulative() >= 0).astype(float),
            "Discounted benefits so far − all costs": r.cumulative(discounted=True),
            "Paid back, discounted": np.maximum.accumulate(r.cumulative(discounted=True) >= 0).astype(float),
        }[title]
        cells = np.asarray(values[key], dtype=object).ravel()
        got = np.array([float(v) for v in cells[: want.size]])
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * (r.costs + r.benefits), err_msg=title)
        assert all(v in ("", None) or str(v) == "empty" for v in cells[want.size :])


def test_no_formula_errors_anywhere_in_the_recalculated_default_workbook(default_book: Recalculated):
    solution = default_book.model.calculate(inputs={})
    errors = [
        key for key, ranges in solution.items()
        if any(isinstance(v, formulas.tokens.operand.XlError) for v in np.asarray(ranges.value, dtype=object).ravel())
    ]  # fmt: skip
    assert errors == []


def test_series_recalculate_to_the_model(default_book: Recalculated):
    """Series: total cost on the learner counts as the chart's cost lines; discounted benefits
    so far − all costs per month as each option's; both live formulas."""
    scenario = Scenario().with_changes(fully_loaded=True, horizon_years=2)
    n = series_learners(Scenario())  # the default workbook's learner counts
    extra = (
        _key("Series", f"B3:B{2 + n.size}"), _key("Series", f"C3:C{2 + n.size}"),
        _key("Series", "F3:F123"), _key("Series", "G3:G123"), _key("Series", "H3:H123"),
    )  # fmt: skip
    values = default_book.results(scenario, extra=extra)
    s = effective(scenario)
    for key, fmt in zip(extra[:2], Format, strict=True):
        want = total_cost(cost_line(s, fmt), n)
        np.testing.assert_allclose(np.asarray(values[key], dtype=float).ravel(), want, rtol=1e-9)
    returns = all_returns(scenario)
    for key, option in zip(extra[2:], Option, strict=True):
        _assert_cumulative(values[key], returns[option])


def _assert_cumulative(column: Any, r: Returns) -> None:
    cells = np.asarray(column, dtype=object).ravel()
    want = r.cumulative(discounted=True)
    got = np.array([float(v) for v in cells[: want.size]])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * (r.costs + r.benefits))
    assert all(v in ("", None) or str(v) == "empty" for v in cells[want.size :])


def test_formulas_are_the_same_text_for_every_scenario():
    """Only inputs, learner counts and segment numbers change with the scenario; every
    formula is the same, so one workbook's recalculation covers all scenarios' workbooks."""

    def formulas_of(data: bytes) -> dict[tuple[str, str], str]:
        book = _open(data)
        out = {}
        for name in ("Model", "Retention", "Cash flows", "Segments"):
            for row in book[name].iter_rows():
                for cell in row:
                    text = getattr(cell.value, "text", cell.value)
                    if isinstance(text, str) and text.startswith("="):
                        out[name, cell.coordinate] = text
        return out

    other = Scenario().with_changes(
        learners=70_000, currency="JPY", conservative=True, skeptic=True, retention_curve="FSRS-style",
        micro_nudge_days=7, turnover_bottom_up=True, horizon_years=10,
    )  # fmt: skip
    assert formulas_of(workbook_bytes(Scenario())) == formulas_of(workbook_bytes(other))


# --- The stored values, the sheets, the formats (read without recalculating) -----------


@settings(max_examples=5, deadline=None)
@given(scenario=valid_scenarios())
def test_stored_values_equal_the_model(scenario: Scenario):
    """Viewers that do not recalculate (Protected View, LibreOffice's default) show the model's figures."""
    book = _open(workbook_bytes(scenario), data_only=True)
    assert_matches_model(cached_results(book), scenario)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    assert math.isfinite(cell.value), (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("#"), (ws.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_stored_values_of_each_preset_equal_the_model(preset):
    book = _open(workbook_bytes(preset.scenario), data_only=True)
    assert_matches_model(cached_results(book), preset.scenario)


def test_sheets_and_frozen_headers():
    book = _open(workbook_bytes(Scenario()))
    assert book.sheetnames == list(SHEETS)
    for ws in book:
        assert ws.freeze_panes is not None, ws.title


def test_inputs_sheet_has_every_input_named_with_its_value_unit_and_grade():
    scenario = Scenario().with_changes(learners=1_234, skeptic=True, retention_curve="power law")
    book = _open(workbook_bytes(scenario))
    ws = book["Inputs"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for name, spec in INPUTS.items():
        row = rows[input_title(name)]
        value = ws.cell(row, 2).value
        assert value == getattr(scenario, name), name
        assert isinstance(value, bool) == isinstance(spec.default, bool), name
        assert ws.cell(row, 5).value == input_name(name)
        assert ws.cell(row, 6).value == spec.grade.value
        (sheet, cell), *_ = book.defined_names[input_name(name)].destinations
        assert (sheet, cell) == ("Inputs", f"$B${row}")
    ranges = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    learners = ranges[f"B{rows['Learners']}"]
    assert (learners.type, float(learners.formula1), float(learners.formula2)) == ("whole", 1, 100_000)


def test_formulas_call_only_functions_every_spreadsheet_evaluates():
    book = _open(workbook_bytes(Scenario().with_changes(micro_nudge_days=7)))
    called = set()
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if isinstance(text, str) and text.startswith("="):
                    called |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text))
    assert called and called <= ALLOWED_FUNCTIONS, called - ALLOWED_FUNCTIONS


@pytest.mark.parametrize("currency", ["EUR", "JPY", "CHF"])
def test_money_cells_use_the_scenarios_currency(currency: str):
    symbol = CURRENCY_SYMBOLS[currency]
    book = _open(workbook_bytes(Scenario().with_changes(currency=currency)))
    inputs = book["Inputs"]
    row = next(r for r in range(2, inputs.max_row + 1) if inputs.cell(r, 5).value == "Micro_fixed_cost")
    assert inputs.cell(row, 2).number_format == money_format(currency)
    assert inputs.cell(row, 3).value == currency
    (sheet, cell), *_ = book.defined_names["NPV_micro"].destinations
    fmt = book[sheet][cell.replace("$", "")].number_format
    assert fmt == money_format(currency) and f'"{symbol}"' in fmt


def test_money_format_strings():
    assert money_format("USD") == '"$"#,##0;-"$"#,##0'
    assert money_format("GBP", 2) == '"£"#,##0.00;-"£"#,##0.00'
    assert money_format("JPY", 2) == '"¥"#,##0;-"¥"#,##0'  # the yen has no cents
    for currency in CURRENCIES:
        assert money_format(currency).startswith(f'"{CURRENCY_SYMBOLS[currency]}"#,##0')


def test_sources_sheet_lists_every_input_with_its_source_and_grade():
    link = "https://roi.example/?learners=2500&v=1"
    ws = _open(workbook_bytes(Scenario(), link=link))["Sources"]
    cells = {(r, c): ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in range(1, 8)}
    rows: dict[str, int] = {}
    for (r, c), v in sorted(cells.items()):
        if c == 1 and v:
            rows.setdefault(v, r)  # the inputs' table comes first
    for name, spec in INPUTS.items():
        row = rows[input_title(name)]
        assert cells[row, 5] == spec.source
        assert cells[row, 6] == spec.grade.value
        assert cells[row, 7] == GRADE_MEANING[spec.grade]
    assert link in cells.values()


def test_a_hostile_link_is_stored_as_plain_text():
    link = '=HYPERLINK("https://evil.example","click")'
    ws = _open(workbook_bytes(Scenario(), link=link))["Sources"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == link)
    assert cell.data_type == "s" and cell.hyperlink is None


def test_control_characters_are_dropped_from_the_link():
    ws = _open(workbook_bytes(Scenario(), link="https://x.example/?a=\x00\x07b\n"))["Sources"]
    assert ws["B2"].value == "https://x.example/?a=b"


def test_an_overlong_link_is_cut_to_fit_a_cell():
    ws = _open(workbook_bytes(Scenario(), link="https://x.example/?" + "a" * 40_000))["Sources"]
    text = ws["B2"].value
    assert len(text) <= 32_767 and text.endswith("(cut: too long for a cell)")


def test_without_a_link_the_sources_sheet_says_so():
    assert _open(workbook_bytes(Scenario()))["Sources"]["B2"].value == "No link was given at export."


# --- The Plan sheet: the Budget planner's plan, totals as live formulas -------------------

PLAN_SIMULATION = Simulation(2_000, "triangular", 7)


def a_shared_plan(budget: float | None = None, cap: float | None = None) -> SharedPlan:
    """The scenario on screen (required, so its row is funded) and three case studies."""
    chosen = ("Retail POS rollout", "Security champions", "Per-employee ROI")
    sources = [ProgramSource(SCREEN_ID, SCREEN_NAME, Scenario())] + [
        ProgramSource(f"preset-{k}", p.name, p.scenario) for k, p in enumerate(PRESETS) if p.name in chosen
    ]
    shared = shared_plan(sources, Scenario(), PLAN_SIMULATION, budget, [SCREEN_ID], cap)
    assert shared is not None
    return shared


def _plan_rows(book: openpyxl.Workbook) -> dict[str, int]:
    """The Plan sheet's rows by the label in column A."""
    ws = book[PLAN_SHEET]
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


@pytest.fixture(scope="module")
def plan_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recalculated, SharedPlan]:
    shared = a_shared_plan()
    folder = tmp_path_factory.mktemp("plan")
    return recalculate(folder / BOOK, workbook_bytes(Scenario(), plan=shared)), shared


def _solve(
    book: Recalculated, names: tuple[str, ...], changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    solution = book.model.calculate(inputs=changes or {}, outputs=[book.names[n] for n in names])
    return {n: _value(solution[book.names[n]]) for n in names}


PLAN_NAMES = ("Plan_cost", "Plan_expected_NPV", "Plan_budget", "Plan_budget_left", "Plan_within_budget")


def test_plan_sheet_totals_recalculate_to_the_plan(plan_book: tuple[Recalculated, SharedPlan]):
    """Recalculated by `formulas`: the plan's cost and expected NPV (SUMs over the rows), the
    budget left (budget − cost) and the check equal the planner's; the stored values too."""
    book, shared = plan_book
    plan = shared.answer.plan
    assert isinstance(plan, Plan) and plan.funded and plan.cost < shared.budget
    values = _solve(book, PLAN_NAMES)
    assert values["Plan_cost"] == pytest.approx(plan.cost, rel=1e-9)
    assert values["Plan_expected_NPV"] == pytest.approx(plan.expected_npv, rel=1e-9)
    assert values["Plan_budget"] == shared.budget
    assert values["Plan_budget_left"] == pytest.approx(shared.budget - plan.cost, rel=1e-9)
    assert values["Plan_within_budget"] == "yes"
    stored = cached_results(_open(workbook_bytes(Scenario(), plan=shared), data_only=True))
    for name in PLAN_NAMES:
        assert (
            stored[name] == pytest.approx(values[name], rel=1e-9) if name != "Plan_within_budget" else "yes"
        )


def test_plan_sheet_follows_the_budget_and_the_model_sheet(plan_book: tuple[Recalculated, SharedPlan]):
    """A smaller budget in its cell: the budget left goes negative and the check says no. More
    learners on the Inputs sheet: the scenario on screen's cost (the Model's) moves the plan's."""
    book, shared = plan_book
    plan = shared.answer.plan
    assert isinstance(plan, Plan)
    values = _solve(book, PLAN_NAMES, {book.names["Plan_budget"]: plan.cost - 1_000})
    assert values["Plan_budget_left"] == pytest.approx(-1_000, abs=1e-6)
    assert values["Plan_within_budget"] == "no"
    screen = dict(zip(plan.programs, plan.choices, strict=True))[SCREEN_NAME]
    assert screen.option is not None
    more = Scenario().with_changes(learners=2_500)
    changed = _solve(book, ("Plan_cost",), {book.inputs["learners"]: 2_500.0})["Plan_cost"]
    grown = all_returns(more)[screen.option].costs - all_returns(Scenario())[screen.option].costs
    assert grown > 0 and changed == pytest.approx(plan.cost + grown, rel=1e-9)


def test_plan_sheet_has_a_row_per_program_saying_where_its_figures_come_from(
    plan_book: tuple[Recalculated, SharedPlan],
):
    book, shared = plan_book
    plan = shared.answer.plan
    assert isinstance(plan, Plan)
    assert book.book.sheetnames == ["Inputs", "Model", PLAN_SHEET, *SHEETS[2:]]
    ws = book.book[PLAN_SHEET]
    rows = _plan_rows(book.book)
    for name, choice in zip(plan.programs, plan.choices, strict=True):
        r = rows[name]
        assert ws.cell(r, 2).value == choice.label
        cost = getattr(ws.cell(r, 3).value, "text", ws.cell(r, 3).value)
        if name == SCREEN_NAME:  # the scenario on screen: its cost is the Model's, live
            assert cost == f"=Costs_{OPTION_TAGS[choice.option]}" and "live" in ws.cell(r, 5).value  # type: ignore[index]
        else:  # a case study: its own inputs, not this workbook's: a value, said so
            said = "values at export" if choice.funded else "Not training"
            assert cost == pytest.approx(choice.cost) and said in ws.cell(r, 5).value
        assert ws.cell(r, 4).value == pytest.approx(choice.expected_npv)
    risk = shared.answer.risk
    assert risk is not None
    assert ws.cell(rows["NPV, median (P50)"], 3).value == pytest.approx(risk.p50)
    assert ws.cell(rows["Chance of loss (the plan's NPV below 0)"], 3).value == pytest.approx(
        risk.chance_of_loss
    )
    called = {
        f for row in ws.iter_rows() for c in row
        if isinstance(text := getattr(c.value, "text", c.value), str) and text.startswith("=")
        for f in re.findall(r"([A-Z][A-Z0-9.]*)\(", text)
    }  # fmt: skip
    assert called and called <= ALLOWED_FUNCTIONS
    assert ws.freeze_panes is not None


def test_no_plan_sheet_without_a_plan():
    """No plan within the budget (the programs that must run cost more): no Plan sheet."""
    shared = a_shared_plan(budget=1.0)
    assert isinstance(shared.answer.plan, NoPlan)
    assert _open(workbook_bytes(Scenario(), plan=shared)).sheetnames == list(SHEETS)
