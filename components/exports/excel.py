"""The Excel workbook export: the scenario's inputs, the model as live formulas, the series
behind the charts, every input's source and evidence grade, and the Budget planner's plan
(xlsxwriter; no Streamlit calls).

Sheets, in order:

- **Inputs**: every scenario input with its value, unit, group, evidence grade and the
  name formulas use for it (`Learners`, `Micro_fixed_cost`, `Skill_half_life_months`, …).
  Change a yellow cell and every other sheet follows. Switches are TRUE/FALSE; data
  validation keeps each number inside the range the dashboard accepts.
- **Model**: `calculators.model` rewritten as formulas, for each option (microlearning,
  instructor-led, the blend) on both bases the dashboard shows: *as claimed* (Conservative
  off) and *defensible* (the Phillips rules: the first 12 months of benefits, fully loaded
  costs, estimates × confidence), plus the scenario's own basis (chosen by the
  `Conservative` cell). The returns come first and are named: `ROI_micro`, `NPV_ILT`,
  `Payback_blend` (discounted, in months), `Payback_undiscounted_micro`, `Costs_…`,
  `Benefits_…`, `BCR_…`, each also as `…_claimed` and `…_defensible`. The workings follow:
  the Skeptic switch's replacements, each format's cost line (fixed + per learner + classes
  of k seats with CEILING, nudges, seat time and refresh when fully loaded), each format's
  half-life and calibrated forgetting curve, the five benefit streams and the Phillips
  adjustments, each option's tracks, costs and benefit per month before forgetting, then the
  sums over the Cash flows sheet: benefits, NPV and the rows behind both paybacks.
- **Plan** (only when the Budget planner has a plan: `components.work.budget_plan.SharedPlan`):
  one row per program with the plan's choice, its cost and expected NPV, then the plan's
  totals as live formulas (`Plan_cost` and `Plan_expected_NPV`, SUMs over the rows), the
  budget (a yellow input cell, `Plan_budget`), the budget left (`Plan_budget_left` =
  budget − the plan's cost) and whether the plan is within it (`Plan_within_budget`). A cost
  of this workbook's own scenario whose option the Model sheet computes as the plan chose it
  (microlearning, instructor-led, the blend when its mix is the best mix) is the Model's
  `Costs_…` cell, so it follows the inputs; the other programs' figures (case studies, saved
  scenarios: inputs this workbook does not hold) and every expected NPV (a Monte Carlo mean)
  are values fixed at export, each row saying where its figures come from. The plan's
  P10/P50/P90 and chance of loss (per-draw sums) are values too. The choices are not
  re-optimised when an input or the budget changes: the dashboard does that.
- **Retention** is `calculators.retention.monthly_retention` written out, month by month:
  the share of the trained gain kept, ρ(t) = floor + (1 − floor)·R(t), with R the scenario's
  curve calibrated so that R is 1/2 at the format's half-life (half of what fades is lost, the
  floor kept on top); each nudge resets R and
  multiplies its parameter by the gain g (up to a limit). A month's share is the area under
  ρ over the month / (365/12) days, from the cumulative area at each month's end: the whole
  intervals between nudges before it (their areas are on the *Segments* sheet, added up by
  SUMIF over the interval numbers below the one the month ends in) plus the part of the
  interval it falls in (closed form). Intervals beyond the Segments sheet's rows count as the
  first one beyond it, which is exact once the parameter has reached its limit (or g = 1);
  if the inputs are changed so that it has not, the cells say to export again rather than
  show a wrong number.
- **Cash flows**: month 0 to 120, the monthly discount factor d^k = (1 + r)^(−k/12), the
  later years' cost months, and for each option and basis: its benefits (month m: each
  track's benefit per month before forgetting × its format's share kept in month m, for the
  months benefits are counted), its net cash flow (costs at month 0 and at the start of each
  later year), and where the benefits so far stand against every cost of the programme,
  plain and discounted (running sums with SUMIF, less the costs over the horizon), each with
  a "paid back" flag (1 from the first month it reaches 0 on, by COUNTIFS). NPV is the sum of
  the discounted net cash flows. A payback is the first month the benefits so far (discounted
  or not) repay all the costs, interpolated linearly within it: the months before it are the
  flag's zeros, k = Σ(1 − flag), and payback = (k − 1) + (−S_(k−1)) / (S_k − S_(k−1)), 0
  without costs, none when it never comes (as `model.first_crossing` on the model's streams;
  a discounted benefit is never more than the plain one, so the discounted payback is never
  the sooner). Months after the horizon are blank.
- **Series**: total cost of each format against the dashboard chart's learner counts
  (counts fixed at export; costs are live formulas on the Model's cost lines), and each
  option's discounted benefits so far − all costs, by month (live formulas), both on the
  scenario's basis.
- **Sources**: each input's default, source and evidence grade (with what the grade
  means), the published values the Skeptic switch uses, the source documents, and the
  scenario link.
- **Segments**: the interval numbers 0, 1, … between nudges (at least 366, more when the
  scenario's nudges need them) and each format's area under its curve over a whole interval.

Formulas use only functions Excel, LibreOffice and the `formulas` package all evaluate
(IF, AND, OR, MIN, MAX, INT, MOD, ROUND, CEILING, EXP, LN, SQRT, ABS, SUM, SUMIF,
COUNTIFS, INDEX); array formulas are entered as legacy {=…} arrays so older Excel evaluates
them too (SUMIF and COUNTIFS with a column of criteria give a column of answers, the
classic array idiom; LibreOffice 7.4 recalculates the workbook to the same figures). Every formula cell also stores its value, computed here alongside the
formula text by the same expression (`_X`), so viewers that do not recalculate (Excel's
Protected View, LibreOffice's default for .xlsx files, file previews) show the right
numbers. A figure that does not exist (ROI without costs, a payback that never comes) is
the text "none", never an error.

With the defaults, microlearning costs $33,000 and returns 890 % as claimed:

>>> from calculators.scenario import Scenario
>>> data = workbook_bytes(Scenario())
>>> data[:2]  # an .xlsx file is a zip archive
b'PK'
>>> results = _cached_results(Scenario())
>>> round(results["ROI_micro"], 1), round(results["Payback_undiscounted_micro"], 2), round(results["Payback_micro"], 2)
(890.0, 2.74, 2.77)
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from calculators.model import HOURS_PER_WEEK, MAX_HALF_LIFE_RATIO, REFERENCE_RECALL, Option
from calculators.portfolio import Choice, Plan, Program
from calculators.retention import FSRS_FACTOR, MAX_STABILITY_DAYS, MIN_POWER_EXPONENT
from calculators.scenario import (
    CURRENCY_SYMBOLS,
    GRADE_MEANING,
    INPUTS,
    SOURCE_DOCUMENTS,
    Format,
    Grade,
    InputSpec,
    Scenario,
    format_field,
    input_title,
)
from calculators.skeptic import SKEPTIC_VALUES
from calculators.summary import chart_range, cost_summary, learner_grid
from components.words.budget_words import headline
from components.words.formatting import money
from components.words.messages import cost_basis
from components.work.budget_plan import SharedPlan

__all__ = [
    "MIN_SEGMENT_ROWS", "OPTION_TAGS", "PLAN_SHEET", "SHEETS", "TOO_MANY_NUDGES", "input_name", "money_format", "segment_rows",
    "series_learners", "workbook_bytes",
]  # fmt: skip

SHEETS = ("Inputs", "Model", "Retention", "Cash flows", "Series", "Sources", "Segments")
PLAN_SHEET = "Plan"  # after Model, when the Budget planner has a plan
NONE = "none"  # what a cell shows when the figure does not exist
MONTHS = 121  # months 0..120: the longest horizon is ten years
HUGE = 1e306  # a quotient above this would overflow once scaled: the model calls it "none"
SERIES_POINTS = 201  # learner counts on the Series sheet
MIN_SEGMENT_ROWS = 366  # segments the retention formulas read at least (a year of daily nudges)
MAX_RETAINED = 0.999  # `model.half_life_days` keeps each Knowledge retained share below 1
TOO_MANY_NUDGES = "Export again: more nudges than rows on the Segments sheet"
MAX_LINK_CHARS = 32_767  # the most text an Excel cell holds
UNUSED = {
    "currency": "Not used by the formulas: number formats were set for {currency} at export, and amounts are "
    "never converted.",
    "blend_objective": "Not used by the formulas: the dashboard uses it to find the best mix.",
    "close_call_pct": "Not used by the formulas: the dashboard uses it to call a result too close to call.",
    "retention_reference_day": "Not used by the formulas: the two formats' Knowledge retained figures are "
    "measured at the same day, and only their ratio of logarithms (the ratio of the half-lives) is used, "
    "in which the day cancels out.",
}
OPTION_TAGS = {Option.MICRO: "micro", Option.ILT: "ILT", Option.BLEND: "blend"}
FORMAT_COLUMN = {Format.MICRO: Option.MICRO, Format.ILT: Option.ILT}


def input_name(field_name: str) -> str:
    """The workbook's name for an input cell: the field name, capitalised, 'ilt' as 'ILT'.

    >>> input_name("micro_fixed_cost"), input_name("ilt_class_size"), input_name("learners")
    ('Micro_fixed_cost', 'ILT_class_size', 'Learners')
    """
    if field_name.startswith("ilt_"):
        return "ILT_" + field_name[4:]
    return field_name[:1].upper() + field_name[1:]


def money_format(currency: str, decimals: int = 0) -> str:
    """Excel number format for money in `currency`: its symbol as literal text, thousands
    separators, a leading minus; no decimals for the yen.

    >>> money_format("USD"), money_format("EUR", 2), money_format("JPY", 2)
    ('"$"#,##0;-"$"#,##0', '"€"#,##0.00;-"€"#,##0.00', '"¥"#,##0;-"¥"#,##0')
    >>> money_format("CHF")
    '"CHF "#,##0;-"CHF "#,##0'
    """
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ").replace('"', "")
    digits = "#,##0" + ("." + "0" * decimals if decimals and currency != "JPY" else "")
    return f'"{symbol}"{digits};-"{symbol}"{digits}'


# --- Expressions: Excel formula text and its value, built together -------------------------
#
# Each `_X` carries the Excel text of an expression and its value for this scenario,
# computed with the same operations in the same order (Excel evaluates left to right), so
# the workbook stores the value Excel will compute. Arrays are numpy column vectors, like
# Excel's; a blank ("") inside an array is NaN here.

_CMP, _ADD, _MUL, _POW, _ATOM = 1, 2, 3, 4, 9


@dataclass(frozen=True)
class _X:
    xl: str
    v: Any
    prec: int = _ATOM
    arr: bool = False  # involves a range: entered as an array formula
    literal: bool = False

    def __add__(self, o: Any) -> _X:
        return _binary(self, o, "+", _ADD, lambda a, b: a + b)

    def __radd__(self, o: Any) -> _X:
        return _binary(o, self, "+", _ADD, lambda a, b: a + b)

    def __sub__(self, o: Any) -> _X:
        return _binary(self, o, "-", _ADD, lambda a, b: a - b)

    def __rsub__(self, o: Any) -> _X:
        return _binary(o, self, "-", _ADD, lambda a, b: a - b)

    def __mul__(self, o: Any) -> _X:
        return _binary(self, o, "*", _MUL, lambda a, b: a * b)

    def __rmul__(self, o: Any) -> _X:
        return _binary(o, self, "*", _MUL, lambda a, b: a * b)

    def __truediv__(self, o: Any) -> _X:
        return _binary(self, o, "/", _MUL, lambda a, b: a / b)

    def __rtruediv__(self, o: Any) -> _X:
        return _binary(o, self, "/", _MUL, lambda a, b: a / b)

    def __pow__(self, o: Any) -> _X:
        return _binary(self, o, "^", _POW, lambda a, b: np.power(a, b))

    def __neg__(self) -> _X:
        return _X("-" + _wrap(self, _POW, True), -_num(self.v), _ADD, self.arr)

    def lt(self, o: Any) -> _X:
        return _binary(self, o, "<", _CMP, lambda a, b: a < b)

    def le(self, o: Any) -> _X:
        return _binary(self, o, "<=", _CMP, lambda a, b: a <= b)

    def gt(self, o: Any) -> _X:
        return _binary(self, o, ">", _CMP, lambda a, b: a > b)

    def ge(self, o: Any) -> _X:
        return _binary(self, o, ">=", _CMP, lambda a, b: a >= b)

    def eq(self, o: Any) -> _X:
        return _binary(self, o, "=", _CMP, lambda a, b: a == b)

    def ne(self, o: Any) -> _X:
        return _binary(self, o, "<>", _CMP, lambda a, b: a != b)


def _num(v: Any) -> Any:
    """A number as numpy float64 (division by zero gives inf, not an exception)."""
    if isinstance(v, np.ndarray):
        return v.astype(np.float64)
    return np.float64(v)


def _number_text(x: float) -> str:
    """A number as Excel formula text (exponent notation only for huge numbers).

    >>> _number_text(1e7), _number_text(1e-9), _number_text(1.7), _number_text(-5.0), _number_text(1e306)
    ('10000000', '0.000000001', '1.7', '-5', '1E+306')
    """
    if abs(x) >= 1e15:
        mantissa, exponent = f"{x:.15E}".split("E")
        return (
            mantissa.rstrip("0").rstrip(".")
            + "E"
            + ("+" if int(exponent) >= 0 else "-")
            + str(abs(int(exponent)))
        )
    if float(x).is_integer():
        return str(int(x))
    return np.format_float_positional(float(x), trim="-")


def _x(value: Any) -> _X:
    """A literal (number, TRUE/FALSE or text) as an expression."""
    if isinstance(value, _X):
        return value
    if isinstance(value, bool | np.bool_):
        return _X("TRUE" if value else "FALSE", bool(value), literal=True)
    if isinstance(value, str):
        return _X('"' + value.replace('"', '""') + '"', value, literal=True)
    text = _number_text(float(value))
    return _X(text, np.float64(value), _ADD if text.startswith("-") else _ATOM, literal=True)


BLANK = _X('""', np.nan, literal=True)  # an empty text inside an array formula


def _wrap(e: _X, prec: int, strict: bool) -> str:
    return f"({e.xl})" if e.prec < prec or (strict and e.prec == prec) else e.xl


def _binary(a: Any, b: Any, op: str, prec: int, fn: Callable[[Any, Any], Any]) -> _X:
    a, b = _x(a), _x(b)
    values = [
        v if isinstance(v, str) else _num(v) if not isinstance(v, bool | np.bool_) else v for v in (a.v, b.v)
    ]
    return _X(f"{_wrap(a, prec, False)}{op}{_wrap(b, prec, True)}", fn(*values), prec, a.arr or b.arr)


def _call(name: str, args: Iterable[Any], value: Any) -> _X:
    xs = [_x(a) for a in args]
    return _X(f"{name}({','.join(a.xl for a in xs)})", value, _ATOM, any(a.arr for a in xs))


def IF(
    condition: Any, then: Any, otherwise: Any
) -> _X:  # Excel's names, so the builders read like the formulas
    c, a, b = _x(condition), _x(then), _x(otherwise)
    if any(np.ndim(e.v) for e in (c, a, b)):
        value = np.where(c.v, a.v, b.v) if np.ndim(c.v) else (a.v if c.v else b.v)
    else:
        value = a.v if bool(c.v) else b.v
    return _call("IF", (c, a, b), value)


def AND(*args: Any) -> _X:
    return _call("AND", args, all(bool(_x(a).v) for a in args))


def OR(*args: Any) -> _X:
    return _call("OR", args, any(bool(_x(a).v) for a in args))


def MIN(*args: Any) -> _X:
    return _call("MIN", args, np.float64(min(np.min(_x(a).v) for a in args)))


def MAX(*args: Any) -> _X:
    return _call("MAX", args, np.float64(max(np.max(_x(a).v) for a in args)))


def SUM(arg: _X) -> _X:
    return _call("SUM", (arg,), np.float64(np.sum(arg.v)))


def _unary(name: str, fn: Callable[[Any], Any]) -> Callable[[Any], _X]:
    def apply(arg: Any) -> _X:
        a = _x(arg)
        return _call(name, (a,), fn(_num(a.v)))

    return apply


INT = _unary("INT", np.floor)
EXP = _unary("EXP", np.exp)
LN = _unary("LN", np.log)
SQRT = _unary("SQRT", np.sqrt)
ABS = _unary("ABS", np.abs)


def MOD(a: Any, b: Any) -> _X:
    return _call("MOD", (a, b), np.mod(_num(_x(a).v), _num(_x(b).v)))


def ROUND(a: Any) -> _X:  # (to whole numbers, halves away from zero as Excel does)
    v = _num(_x(a).v)
    return _call("ROUND", (a, 0), np.sign(v) * np.floor(np.abs(v) + 0.5))


def CEILING(a: Any) -> _X:  # (to the next whole number)
    return _call("CEILING", (a, 1), np.ceil(_num(_x(a).v)))


def INDEX(area: _X, position: Any) -> _X:  # (1-based, in a column)
    k = int(_x(position).v)
    values = np.asarray(area.v).ravel()
    return _X(f"INDEX({area.xl},{_x(position).xl})", values[k - 1] if 1 <= k <= values.size else np.nan)


def _criteria(op: str, bounds: _X) -> _X:
    """The criteria text op & bound (for SUMIF and COUNTIFS), one per bound."""
    return _X(f'"{op}"&{bounds.xl}', bounds.v, _CMP, bounds.arr)


_COMPARE = {"<": np.less, "<=": np.less_equal, ">=": np.greater_equal}


def _matches(test: _X, op: str, bounds: _X) -> Any:
    """Which cells of `test` meet each criterion `op` bound: one row per bound."""
    t = np.asarray(test.v, dtype=np.float64).reshape(1, -1)
    b = np.asarray(bounds.v, dtype=np.float64).reshape(-1, 1)
    return _COMPARE[op](t, b)


def SUMIF(test: _X, op: str, bounds: _X, values: _X) -> _X:
    """Σ of `values` where `test` op bound, for each bound (an array of bounds gives a column;
    blank values count as nothing, as in Excel)."""
    v = np.nan_to_num(np.asarray(values.v, dtype=np.float64).reshape(-1, 1), nan=0.0)
    return _call("SUMIF", (test, _criteria(op, bounds), values), _matches(test, op, bounds) @ v)


def COUNTIFS(test: _X, op: str, bounds: _X, other: _X, other_op: str, other_bound: float) -> _X:
    """How many cells meet `test` op bound and `other` other_op other_bound, for each bound
    (blank cells of `other` meet no criterion)."""
    o = np.asarray(other.v, dtype=np.float64).reshape(1, -1)
    with np.errstate(invalid="ignore"):
        meets = _COMPARE[other_op](o, other_bound) & ~np.isnan(o)
    count = (_matches(test, op, bounds) & meets).sum(axis=1, keepdims=True).astype(np.float64)
    return _call(
        "COUNTIFS", (test, _criteria(op, bounds), other, f"{other_op}{_number_text(other_bound)}"), count
    )


def _whole(x: _X) -> _X:
    """x rounded to a whole number, halves to even (numpy's rule, which the model uses).

    >>> [float(_whole(_x(v)).v) for v in (2.5, 3.5, 420.00000000000006, 7.4)]
    [2.0, 4.0, 420.0, 7.0]
    """
    return IF((x - INT(x)).eq(0.5), INT(x) + MOD(INT(x), 2), ROUND(x))


# --- Layout and formats -----------------------------------------------------------------


class Basis(Enum):
    CLAIMED = "As claimed (Conservative off)"
    DEFENSIBLE = "Defensible (Phillips conservative rules)"
    YOURS = "On this scenario's basis (the Conservative input)"


@dataclass(frozen=True)
class _Col:
    basis: Basis
    option: Option

    @property
    def fmt(self) -> Format:
        return Format.MICRO if self.option is Option.MICRO else Format.ILT

    @property
    def index(self) -> int:
        return 2 + list(Basis).index(self.basis) * 3 + list(Option).index(self.option)


WORKING = tuple(_Col(b, o) for b in (Basis.CLAIMED, Basis.DEFENSIBLE) for o in Option)
YOURS = tuple(_Col(Basis.YOURS, o) for o in Option)
PURE = tuple(c for c in WORKING if c.option is not Option.BLEND)


class _Formats:
    """The workbook's cell formats, money in the scenario's currency."""

    def __init__(self, book: Workbook, currency: str):
        add = book.add_format
        self.currency = currency
        self.title = add({"bold": True, "font_size": 13})
        self.header = add(
            {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.group = add({"bold": True, "bg_color": "#DCE6F1", "align": "center", "border": 1})
        self.section = add({"bold": True, "bg_color": "#F2F2F2", "top": 1})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.money = add({"num_format": money_format(currency)})
        self.money_cents = add({"num_format": money_format(currency, 2)})
        self.number = add({"num_format": "#,##0.0###"})
        self.whole = add({"num_format": "#,##0"})
        self.one_decimal = add({"num_format": "#,##0.0"})
        self.factor = add({"num_format": "0.0000"})
        self.percent = add({"num_format": "0.0%"})
        self.general = add({})
        input_look = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}
        self.input = add(input_look)
        self.input_money = add({**input_look, "num_format": money_format(currency)})
        self.input_money_cents = add({**input_look, "num_format": money_format(currency, 2)})
        self.input_whole = add({**input_look, "num_format": "#,##0"})

    def named(self, kind: str) -> Any:
        return getattr(self, kind)


def _cached(value: Any) -> Any:
    """A value as a cell stores it: float, bool or text; a non-finite number as the error
    Excel would show (#NUM!), which the tests look for."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    x = float(value)
    return x if math.isfinite(x) else "#NUM!"


def _write(ws: Worksheet, row: int, col: int, e: _X, cell_format: Any) -> None:
    """One cell: a literal as a value, else a formula (an array formula if it reads a range)."""
    if e.literal:
        ws.write(row, col, _cached(e.v), cell_format)
    elif e.arr:
        ws.write_array_formula(row, col, row, col, "{=" + e.xl + "}", cell_format, _cached(e.v))
    else:
        ws.write_formula(row, col, "=" + e.xl, cell_format, _cached(e.v))


def _write_column(ws: Worksheet, first_row: int, col: int, e: _X, cell_format: Any, rows: int) -> _X:
    """`e` as one array formula filling `rows` rows of one column (a single value fills them
    all, as Excel does), each cell with its value; returns the range, for formulas on the
    same sheet."""
    values = np.broadcast_to(np.asarray(e.v, dtype=np.float64).reshape(-1, 1), (rows, 1))
    _write_array(ws, first_row, col, _X(e.xl, values, e.prec, True), cell_format)
    return _X(_span(col, first_row, first_row + rows - 1), values, arr=True)


def _write_array(ws: Worksheet, first_row: int, first_col: int, e: _X, cell_format: Any) -> None:
    """An array formula over the range its value's shape covers, each cell with its value
    (a blank where the formula gives the empty text)."""
    values = np.atleast_2d(np.asarray(e.v, dtype=np.float64))
    rows, cols = values.shape
    ws.write_array_formula(
        first_row, first_col, first_row + rows - 1, first_col + cols - 1, "{=" + e.xl + "}", cell_format,
        _cached_cell(values[0, 0]),
    )  # fmt: skip
    for (r, c), v in np.ndenumerate(values):
        if (r, c) == (0, 0):
            continue
        if math.isnan(v):
            ws.write_blank(first_row + r, first_col + c, None, cell_format)
        else:
            ws.write_number(first_row + r, first_col + c, float(v), cell_format)


def _cached_cell(v: Any) -> Any:
    return "" if isinstance(v, float) and math.isnan(v) else _cached(v)


# --- The Inputs sheet -------------------------------------------------------------------


def _unit_text(spec: InputSpec, currency: str) -> str:
    if spec.widget == "toggle":
        return "TRUE/FALSE"
    if spec.unit == "money":
        return currency
    if spec.unit == "money/hour":
        return f"{currency} per hour"
    return spec.unit


def _choices(name: str) -> tuple[str, ...]:
    import typing

    return tuple(typing.get_args(Scenario.model_fields[name].annotation))


def _write_inputs(book: Workbook, ws: Worksheet, f: _Formats, scenario: Scenario) -> dict[str, _X]:
    """The Inputs sheet; returns each field's named cell as an expression."""
    headers = (
        "Input",
        "Value",
        "Unit",
        "Group",
        "Name in formulas",
        "Evidence grade",
        "Allowed values and notes",
    )
    widths = (50, 14, 14, 16, 30, 14, 70)
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, col, text, f.header)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 1)
    cells: dict[str, _X] = {}
    for row, spec in enumerate(INPUTS.values(), start=1):
        value = getattr(scenario, spec.name)
        name = input_name(spec.name)
        ws.write_string(row, 0, input_title(spec.name), f.text)
        ws.write_string(row, 2, _unit_text(spec, scenario.currency), f.text)
        ws.write_string(row, 3, spec.group, f.text)
        ws.write_string(row, 4, name, f.text)
        ws.write_string(row, 5, spec.grade.value, f.text)
        note = UNUSED.get(spec.name, "").format(currency=scenario.currency)
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value, f.input)
            allowed = "TRUE (on) or FALSE (off)."
        elif isinstance(value, str):
            ws.write_string(row, 1, value, f.input)
            choices = _choices(spec.name)
            allowed = "One of: " + ", ".join(choices) + "."
            ws.data_validation(
                row, 1, row, 1,
                {"validate": "list", "source": list(choices), "error_title": "Not a choice",
                 "error_message": allowed[:255]},
            )  # fmt: skip
        else:
            lo, hi = spec.minimum, spec.maximum
            whole = isinstance(spec.default, int)
            if spec.unit in ("money", "money/hour"):
                cell_format = f.input_money_cents if (spec.step or 1) < 1 else f.input_money
            else:
                cell_format = f.input_whole if whole else f.input
            ws.write_number(row, 1, float(value), cell_format)
            allowed = f"{'A whole number' if whole else 'A number'} from {lo:,} to {hi:,}."
            ws.data_validation(
                row, 1, row, 1,
                {"validate": "integer" if whole else "decimal", "criteria": "between", "minimum": lo,
                 "maximum": hi, "error_title": "Out of range", "error_message": allowed,
                 "input_title": input_title(spec.name)[:32], "input_message": (spec.help or spec.label)[:255]},
            )  # fmt: skip
        ws.write_string(
            row,
            6,
            " ".join(t for t in (allowed, note, spec.help if spec.help != spec.label else "") if t),
            f.note,
        )
        book.define_name(name, f"=Inputs!$B${row + 1}")
        cells[spec.name] = _X(name, value if isinstance(value, bool | str) else np.float64(value))
    return cells


# --- The Model sheet --------------------------------------------------------------------


@dataclass
class _Model:
    """Rows of the Model sheet: each key's cell in each column, as expressions."""

    ws: Worksheet
    f: _Formats
    i: dict[str, _X]  # named input cells
    currency: str
    segments: Worksheet
    segment_rows: int
    row: int = 2
    external: bool = False
    cells: dict[tuple[str, _Col], _X] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def section(self, title: str) -> None:
        self.row += 1
        for col in range(0, 11):
            self.ws.write_blank(self.row, col, None, self.f.section)
        self.ws.write_string(self.row, 0, title, self.f.section)
        self.row += 1

    def add(
        self,
        key: str,
        label: str,
        unit: str,
        kind: str,
        build: Callable[[_Col], _X],
        columns: tuple[_Col, ...] = WORKING,
        at: int | None = None,
    ) -> None:
        row = self.row if at is None else at
        self.ws.write_string(row, 0, label, self.f.text)
        self.ws.write_string(row, 1, unit.replace("money", self.currency), self.f.text)
        for col in columns:
            e = build(col)
            _write(self.ws, row, col.index, e, self.f.named(kind))
            self.cells[key, col] = _X(xl_rowcol_to_cell(row, col.index), e.v)
        self.rows[key] = row
        if at is None:
            self.row += 1

    def __call__(self, key: str, col: _Col) -> _X:
        if self.external:
            return self.absolute(key, col)
        return self.cells[key, col]

    @contextmanager
    def from_other_sheet(self) -> Iterator[None]:
        """Within this block, cells are named with their sheet (for formulas on other sheets)."""
        self.external = True
        try:
            yield
        finally:
            self.external = False

    def of(self, key: str, col: _Col, fmt: Format) -> _X:
        """The per-format row `key` of `fmt` on `col`'s basis."""
        return self.cells[key, _Col(col.basis, Option.MICRO if fmt is Format.MICRO else Option.ILT)]

    def absolute(self, key: str, col: _Col) -> _X:
        e = self.cells[key, col]
        return _X("Model!" + xl_rowcol_to_cell(self.rows[key], col.index, True, True), e.v)


def _skeptic_rules(i: dict[str, _X]) -> dict[str, _X]:
    """Inputs as the model reads them with the Skeptic switch: a vendor-claim default the user
    has not changed is replaced by the published value (`calculators.skeptic`)."""
    out: dict[str, _X] = {}
    for sv in SKEPTIC_VALUES:
        if INPUTS[sv.field].grade in {Grade.C, Grade.D}:
            out[sv.field] = IF(
                AND(i["skeptic"], i[sv.field].eq(INPUTS[sv.field].default)), sv.value, i[sv.field]
            )
    return out


def _input_of(i: dict[str, _X], fmt: Format, name: str, fallback: float) -> _X:
    source = format_field(fmt, name)
    return _x(fallback) if source is None else i[source]


def _track_total(m: _Model, col: _Col, fmt: Format, n: _X) -> _X:
    """C(n) = fixed + per learner·n + CEILING(n / seats)·per class; 0 for no learners."""
    steps = IF(
        m.of("per_class", col, fmt).gt(0),
        CEILING(n / m.of("class_size", col, fmt)) * m.of("per_class", col, fmt),
        0,
    )
    return IF(n.gt(0), m.of("fixed", col, fmt) + m.of("per_learner", col, fmt) * n + steps, 0)


def _track_yearly(m: _Model, col: _Col, fmt: Format, n: _X) -> _X:
    """Paid at the start of each later year: refresh + n · nudges · cost per nudge / horizon."""
    per_year = (
        m.of("refresh", col, fmt)
        + n * m.of("nudges", col, fmt) * m.of("per_nudge", col, fmt) / m.i["horizon_years"]
    )
    return IF(n.gt(0), per_year, 0)


def _segment_parameter(m: _Model, col: _Col, n: _X, family: str) -> _X:
    """Curve parameter of segment n (0-based): p·g^n, at most 10^7 days, or for the power law
    a / g^n, at least 10^−9 (`retention._segment_parameters`); n may be an array. Written
    as p·g^min(n, n*), with n* the segment from which the limit holds, so an array formula
    names each segment once."""
    p, g = m("parameter", col), m.i["spacing_gain"]
    limit = m("limit_segment", col)
    capped = IF(n.gt(limit), limit, n)
    if family == "power law":
        return EXP(LN(p) - capped * LN(g))
    return EXP(LN(p) + capped * LN(g))


def _curve_segment_parameter(m: _Model, col: _Col, n: _X) -> _X:
    """Segment n's parameter for the scenario's curve."""
    return IF(
        m.i["retention_curve"].eq("power law"),
        _segment_parameter(m, col, n, "power law"),
        _segment_parameter(m, col, n, "exponential"),
    )


def _segment_area(m: _Model, col: _Col, n: _X, days: _X) -> _X:
    """∫ R(t) dt over a segment of `days` days with segment n's parameter, per family
    (`retention.segment_area`):

    exponential S(1 − e^(−L/S)); power law ((1 + L)^(1−a) − 1) / (1 − a), or ln(1 + L) when
    a is within 10^−9 of 1; FSRS-style (2·81/19)·S·(√(1 + (19/81)·L/S) − 1)."""
    stable = _segment_parameter(m, col, n, "exponential")
    exponent = _segment_parameter(m, col, n, "power law")
    exponential = stable * (1 - EXP(-days / stable))
    power = IF(
        ABS(1 - exponent).lt(1e-9), LN(1 + days), (EXP((1 - exponent) * LN(1 + days)) - 1) / (1 - exponent)
    )
    fsrs = stable * (_x(2) * 81 / 19) * (SQRT(1 + _x(19) / 81 * days / stable) - 1)
    curve = m.i["retention_curve"]
    return IF(curve.eq("exponential"), exponential, IF(curve.eq("power law"), power, fsrs))


def _curve_parameter(m: _Model, col: _Col) -> _X:
    """The family's parameter with R(half-life) = r = 1/2: half of what fades is lost at the
    half-life (`retention.calibrate` through `retention.skill_parameter`): exponential
    S = −H / ln r; power law a = −ln r / ln(1 + H); FSRS-style S = (19/81)·H / (r^−2 − 1)."""
    r, d = m("at_half_life", col), m("half_life_days", col)
    exponential = IF(r.ge(1), MAX_STABILITY_DAYS, MIN(-d / LN(r), MAX_STABILITY_DAYS))
    power = IF(r.ge(1), MIN_POWER_EXPONENT, MAX(-LN(r) / LN(1 + d), MIN_POWER_EXPONENT))
    fsrs = IF(r.ge(1), MAX_STABILITY_DAYS, MIN(_x(19) / 81 * d / (r**-2 - 1), MAX_STABILITY_DAYS))
    assert math.isclose(19 / 81, FSRS_FACTOR)
    curve = m.i["retention_curve"]
    return IF(curve.eq("exponential"), exponential, IF(curve.eq("power law"), power, fsrs))


def _month_days() -> _X:
    """365/12: the days of a month (`retention.MONTH_DAYS`)."""
    return _x(365) / 12


def _model_workings(m: _Model) -> None:
    """Every row from the basis to each option's benefit per month before forgetting (the
    Model's workings); the rows that read the Retention and Cash flows sheets come later."""
    i = m.i
    sk = _skeptic_rules(i)
    H = i["horizon_years"]  # noqa: N806

    def eff(fmt: Format, name: str) -> _X:
        source = format_field(fmt, name)
        assert source is not None
        return sk.get(source, i[source])

    m.section("Basis")
    m.add("conservative", "Conservative rules applied (first 12 months of benefits, fully loaded costs, × confidence)",
          "TRUE/FALSE", "general", lambda c: _x(c.basis is Basis.DEFENSIBLE))  # fmt: skip
    m.add("loaded", "Fully loaded costs (seat time, classes, refresh)", "TRUE/FALSE", "general",
          lambda c: OR(i["fully_loaded"], m("conservative", c)))  # fmt: skip
    m.add("benefit_years", "Years of benefits counted", "years", "whole",
          lambda c: IF(m("conservative", c), 1, H))  # fmt: skip
    m.add("benefit_months", "Months of benefits counted (months 1 … 12 × years counted)", "months", "whole",
          lambda c: 12 * m("benefit_years", c))  # fmt: skip
    m.add("learners", "Learners (whole people)", "learners", "whole", lambda c: _whole(i["learners"]))
    m.add("monthly_rate", "Monthly discount rate: (1 + yearly rate)^(1/12) − 1", "share", "factor",
          lambda c: (1 + i["discount_rate_pct"] / 100) ** (_x(1) / 12) - 1)  # fmt: skip

    m.section("Inputs as the model reads them (the Skeptic switch replaces unchanged vendor claims)")
    m.add("retained_pct", "Knowledge retained at the reference day", "%", "number",
          lambda c: eff(c.fmt, "retention_pct"), PURE)  # fmt: skip
    m.add("gain_pct", "Productivity gain", "%", "number", lambda c: eff(c.fmt, "productivity_gain_pct"), PURE)
    m.add("avoided_pct", "Incidents avoided", "%", "number", lambda c: eff(c.fmt, "risk_reduction_pct"), PURE)
    m.add("revenue_multiplier", "Revenue per training dollar", "×", "number",
          lambda c: sk.get("revenue_per_training_dollar", i["revenue_per_training_dollar"]), PURE)  # fmt: skip

    m.section("Cost line of each format: C(N) = fixed + per learner × N + CEILING(N / seats) × per class")
    m.add("nudges", "Nudges per learner over the horizon: CEILING(horizon days / interval) − 1", "nudges", "whole",
          lambda c: IF(_input_of(i, c.fmt, "nudge_days", 0).gt(0),
                       MAX(CEILING(H * 365 / _input_of(i, c.fmt, "nudge_days", 0)) - 1, 0), 0), PURE)  # fmt: skip
    m.add("per_nudge", "Cost of one nudge per learner (learner time included when fully loaded)", "money per nudge",
          "money_cents", lambda c: i["cost_per_nudge"] + IF(m("loaded", c), i["nudge_minutes"] / 60 * i["loaded_hourly_cost"], 0),
          PURE)  # fmt: skip
    m.add("fixed", "Fixed cost (development; refresh for the later years when fully loaded)", "money", "money",
          lambda c: IF(m("loaded", c), _input_of(i, c.fmt, "fixed_cost", 0) + _input_of(i, c.fmt, "refresh_per_year", 0) * (H - 1),
                       _input_of(i, c.fmt, "fixed_cost", 0)), PURE)  # fmt: skip

    def per_learner(c: _Col) -> _X:
        base = _input_of(i, c.fmt, "cost_per_learner", 0) + m("nudges", c) * m("per_nudge", c)
        return IF(m("loaded", c), base + _input_of(i, c.fmt, "seat_hours", 0) * i["loaded_hourly_cost"], base)

    m.add("per_learner", "Cost per learner (nudges; seat time when fully loaded)", "money per learner",
          "money_cents", per_learner, PURE)  # fmt: skip
    m.add("class_size", "Seats per class", "learners", "whole",
          lambda c: _x(1) if c.fmt is Format.MICRO else IF(m("loaded", c), i["ilt_class_size"], 1), PURE)  # fmt: skip
    m.add("per_class", "Cost per class (counted when fully loaded)", "money", "money",
          lambda c: _x(0) if c.fmt is Format.MICRO else IF(m("loaded", c), i["ilt_cost_per_class"], 0), PURE)  # fmt: skip
    m.add("refresh", "Content refresh paid each later year (when fully loaded)", "money per year", "money",
          lambda c: IF(m("loaded", c), _input_of(i, c.fmt, "refresh_per_year", 0), 0), PURE)  # fmt: skip
    m.add("full_scale_cost", "Cost with every learner on this format", "money", "money",
          lambda c: _track_total(m, c, c.fmt, m("learners", c)), PURE)  # fmt: skip
    m.add("full_scale_per_learner", "Cost per learner with every learner on this format", "money per learner",
          "money_cents", lambda c: m("full_scale_cost", c) / m("learners", c), PURE)  # fmt: skip

    m.section("Retention: the share of the trained gain kept, ρ(t) = floor + (1 − floor) × R(t), month by month "
              "on the Retention sheet")  # fmt: skip
    m.add("retained_share", f"Knowledge retained at the reference day, as a share (at most {MAX_RETAINED})",
          "share", "factor", lambda c: MIN(m("retained_pct", c) / 100, MAX_RETAINED), PURE)  # fmt: skip

    def half_life_ratio(c: _Col) -> _X:
        ratio = LN(_x(REFERENCE_RECALL)) / LN(m("retained_share", c))
        return MIN(MAX(ratio, 1 / MAX_HALF_LIFE_RATIO), MAX_HALF_LIFE_RATIO)

    m.add("half_life_ratio", f"Half-life against the skill half-life's training (recall {REFERENCE_RECALL:.0%} at the "
          f"reference day): ln {REFERENCE_RECALL:g} / ln(this format's retained share), within "
          f"1/{MAX_HALF_LIFE_RATIO:g} … {MAX_HALF_LIFE_RATIO:g}", "×", "number", half_life_ratio, PURE)  # fmt: skip
    m.add("half_life_days", "Half-life: days until half of the part of the gain that fades is lost (half-life months × 365/12 × "
          "that ratio)", "days", "number",
          lambda c: i["skill_half_life_months"] * _month_days() * m("half_life_ratio", c), PURE)  # fmt: skip
    m.add("half_life_months", "… in months", "months", "number",
          lambda c: m("half_life_days", c) / _month_days(), PURE)  # fmt: skip
    m.add("floor", "Share of the gain kept for good (the floor)", "share", "factor",
          lambda c: i["retention_floor_pct"] / 100, PURE)  # fmt: skip
    m.add("at_half_life", "Curve value at the half-life: half of what fades is lost there (the floor stays on top)",
          "share", "factor", lambda c: _x(0.5), PURE)  # fmt: skip
    m.add("parameter", "Curve parameter calibrated at the half-life (stability in days; the power law's decay "
          "exponent)", "days or exponent", "number", lambda c: _curve_parameter(m, c), PURE)  # fmt: skip

    def limit_segment(c: _Col) -> _X:
        p, log_g = m("parameter", c), LN(i["spacing_gain"])
        power = (LN(p) - LN(MIN_POWER_EXPONENT)) / log_g
        stable = (LN(MAX_STABILITY_DAYS) - LN(p)) / log_g
        limit = IF(i["retention_curve"].eq("power law"), power, stable)
        return IF(log_g.gt(0), limit, 0)

    m.add("limit_segment", "Interval from which nudges no longer change the parameter (its limit; 0 without gain)",
          "intervals", "number", limit_segment, PURE)  # fmt: skip
    m.add("horizon_days", "Days over the horizon (365 × years)", "days", "whole", lambda c: H * 365, PURE)
    m.add("nudge_days", "Nudge every", "days", "whole", lambda c: _input_of(i, c.fmt, "nudge_days", 0), PURE)
    m.add("nudged", "Nudges fall inside the horizon", "TRUE/FALSE", "general",
          lambda c: AND(m("nudge_days", c).gt(0), m("nudge_days", c).lt(m("horizon_days", c))), PURE)  # fmt: skip
    m.add("whole_intervals", "Whole intervals between nudges over the horizon (0 without nudges)", "intervals",
          "whole", lambda c: IF(m("nudged", c), INT(m("horizon_days", c) / m("nudge_days", c)), 0), PURE)  # fmt: skip
    rows = m.segment_rows
    row_count = _X("Segment_rows", np.float64(rows))
    m.add("beyond", f"Whole intervals beyond the Segments sheet's {rows:,} rows", "intervals", "whole",
          lambda c: MAX(0, m("whole_intervals", c) - row_count), PURE)  # fmt: skip
    m.add("parameter_beyond", f"Curve parameter of interval {rows:,} (numbered from 0)", "days or exponent", "number",
          lambda c: _curve_segment_parameter(m, c, row_count), PURE)  # fmt: skip
    m.add("parameter_last", "Curve parameter of the last whole interval (equal when the limit is reached)",
          "days or exponent", "number",
          lambda c: _curve_segment_parameter(m, c, m("whole_intervals", c) - 1), PURE)  # fmt: skip
    m.add("beyond_area", "Area under R over each whole interval beyond the sheet (the parameter no longer changes "
          "there)", "days", "number", lambda c: _segment_area(m, c, row_count, m("nudge_days", c)), PURE)  # fmt: skip
    m.add("segments_ok", "The Segments sheet has every interval these inputs need (or the limit is reached)",
          "TRUE/FALSE", "general",
          lambda c: OR(m("beyond", c).le(0), m("parameter_beyond", c).eq(m("parameter_last", c))), PURE)  # fmt: skip
    m.rows["mean_retention"] = m.row  # filled in once the Retention sheet exists (`_write_retention`)
    m.row += 1

    m.section("Benefits per learner per year, before and after the Phillips adjustments (before forgetting)")
    m.add("revenue", "Revenue multiplier: × cost per learner / horizon (0 when off)", "money per learner per year",
          "money_cents", lambda c: IF(i["revenue_on"], m("revenue_multiplier", c) * m("full_scale_per_learner", c) / H, 0), PURE)  # fmt: skip
    turnover = IF(i["turnover_bottom_up"],
                  i["turnover_rate_pct"] / 100 * i["turnover_reduction_pct"] / 100 * i["replacement_cost"],
                  i["turnover_saving_5y"] / 5)  # fmt: skip
    m.add("turnover", "Turnover savings (0 when off)", "money per learner per year", "money_cents",
          lambda c: IF(i["turnover_on"], turnover, 0), PURE)  # fmt: skip
    m.add("productivity", "Productivity gain × yearly output value (0 when off)", "money per learner per year",
          "money_cents", lambda c: IF(i["productivity_on"], m("gain_pct", c) / 100 * i["output_value_per_employee"], 0), PURE)  # fmt: skip
    onboarding = (
        i["new_hire_pct"] / 100 * i["onboarding_weeks_saved"] * HOURS_PER_WEEK * i["loaded_hourly_cost"]
    )
    m.add("onboarding", "Faster onboarding: new-hire share × weeks saved × 40 h × hourly cost (0 when off)",
          "money per learner per year", "money_cents", lambda c: IF(i["onboarding_on"], onboarding, 0), PURE)  # fmt: skip
    m.add("risk", "Risk reduction: incidents × share avoided × cost per incident (0 when off)",
          "money per learner per year", "money_cents",
          lambda c: IF(i["risk_on"], i["incidents_per_100_learners"] / 100 * m("avoided_pct", c) / 100 * i["cost_per_incident"], 0),
          PURE)  # fmt: skip
    m.add("gross", "Gross benefit", "money per learner per year", "money_cents",
          lambda c: m("revenue", c) + m("turnover", c) + m("productivity", c) + m("onboarding", c) + m("risk", c), PURE)  # fmt: skip
    m.add("completion", "× completion", "share", "factor",
          lambda c: _input_of(i, c.fmt, "completion_pct", 0) / 100, PURE)  # fmt: skip
    m.add("attribution", "× share due to training", "share", "factor", lambda c: i["attribution_pct"] / 100, PURE)  # fmt: skip
    m.add("confidence", "× confidence (conservative rules only)", "share", "factor",
          lambda c: IF(m("conservative", c), i["confidence_pct"] / 100, 1), PURE)  # fmt: skip
    m.add("application", "× share applied on the job", "share", "factor", lambda c: i["application_pct"] / 100, PURE)  # fmt: skip
    m.add("adjusted", "Benefit after the adjustments, before forgetting (each month's share kept multiplies it "
          "on the Cash flows sheet)", "money per learner per year", "money_cents",
          lambda c: m("gross", c) * (m("completion", c) * m("attribution", c) * m("confidence", c)
                                     * m("application", c)), PURE)  # fmt: skip

    m.section(
        "Each option: learners on each track, costs and benefits (pure formats are the blend's corners)"
    )

    def on_ilt(c: _Col) -> _X:
        if c.option is Option.MICRO:
            return _x(0)
        if c.option is Option.ILT:
            return m("learners", c)
        return _whole(MIN(MAX(i["blend_ilt_share_pct"] / 100, 0), 1) * m("learners", c))

    m.add("on_ilt", "Learners on the instructor-led track (a share rounded to whole people, halves to even)",
          "learners", "whole", on_ilt)  # fmt: skip
    m.add("on_micro", "Learners on the microlearning track", "learners", "whole",
          lambda c: m("learners", c) - m("on_ilt", c))  # fmt: skip
    m.add(
        "ilt_share",
        "Share on the instructor-led track",
        "share",
        "factor",
        lambda c: m("on_ilt", c) / m("learners", c),
    )
    m.add("micro_total", "Microlearning track: cost over the horizon", "money", "money",
          lambda c: _track_total(m, c, Format.MICRO, m("on_micro", c)))  # fmt: skip
    m.add("micro_yearly", "Microlearning track: paid at the start of each later year", "money per year", "money",
          lambda c: _track_yearly(m, c, Format.MICRO, m("on_micro", c)))  # fmt: skip
    m.add("ilt_total", "Instructor-led track: cost over the horizon", "money", "money",
          lambda c: _track_total(m, c, Format.ILT, m("on_ilt", c)))  # fmt: skip
    m.add("ilt_yearly", "Instructor-led track: paid at the start of each later year", "money per year", "money",
          lambda c: _track_yearly(m, c, Format.ILT, m("on_ilt", c)))  # fmt: skip
    m.add(
        "costs", "Costs over the horizon", "money", "money", lambda c: m("micro_total", c) + m("ilt_total", c)
    )
    m.add("yearly", "Paid at the start of each later year", "money per year", "money",
          lambda c: m("micro_yearly", c) + m("ilt_yearly", c))  # fmt: skip
    m.add("upfront", "Paid up front (month 0)", "money", "money",
          lambda c: (m("micro_total", c) - m("micro_yearly", c) * (H - 1)) + (m("ilt_total", c) - m("ilt_yearly", c) * (H - 1)))  # fmt: skip
    m.add("gross_mix", "Gross benefit per learner: (1 − share) × microlearning's + share × instructor-led's",
          "money per learner per year", "money_cents",
          lambda c: (1 - m("ilt_share", c)) * m.of("gross", c, Format.MICRO) + m("ilt_share", c) * m.of("gross", c, Format.ILT))  # fmt: skip
    m.add("micro_monthly", "Microlearning track: benefit per month before forgetting, (1 − share) × adjusted × "
          "learners / 12", "money per month", "money_cents",
          lambda c: (1 - m("ilt_share", c)) * m.of("adjusted", c, Format.MICRO) * m("learners", c) / 12)  # fmt: skip
    m.add("ilt_monthly", "Instructor-led track: benefit per month before forgetting, share × adjusted × learners / 12",
          "money per month", "money_cents",
          lambda c: m("ilt_share", c) * m.of("adjusted", c, Format.ILT) * m("learners", c) / 12)  # fmt: skip


# --- The Retention sheet: the share of the gain kept, month by month ----------------------

RETENTION_NOTE = (
    "How this sheet works. ρ(t) = floor + (1 − floor) × R(t) is the share of the trained gain still kept t days "
    "after training; R is the scenario's forgetting curve, its parameter calibrated on the Model sheet so that "
    "R = 1/2 at the format's half-life (half of what fades is lost; the floor stays on top). A nudge every k days resets R to 1 and multiplies the stability by the "
    "gain g (the power law's exponent is divided by g), up to a limit. A month's share is the mean of ρ over "
    "the month: the area under ρ up to the month's end minus the same at the previous month's end, over 365/12 "
    "days. The area up to day t is floor × t + (1 − floor) × (the areas under R over the whole intervals "
    "between nudges before t + the area over the interval t falls in, up to t). Each area has a closed form: "
    "exponential S(1 − e^(−L/S)); power law ((1 + L)^(1 − a) − 1) / (1 − a); FSRS-style "
    "2 × (81/19) × S × (√(1 + (19/81) × L/S) − 1). The whole intervals' areas are on the Segments sheet, one "
    "row per interval, added up to the interval each month ends in (SUMIF); intervals beyond the sheet's rows "
    "count as many times the area of the first one beyond it, exact once the parameter has reached its limit "
    "(or g = 1); otherwise the cells say to export again. The share is kept within 0 … 1, and is 1 every "
    "month when benefits are not weighted by retention. Months after the horizon are blank."
)


def _write_retention(ws: Worksheet, f: _Formats, m: _Model, areas: dict[Format, _X]) -> dict[Format, _X]:
    """The Retention sheet (`retention.monthly_retention` for each format, months 1 … 12·H);
    returns each format's column of shares kept (months 1 … 120), and fills the Model's
    mean retention row."""
    first, last = 2, 2 + MONTHS - 1
    ws.write_string(0, 0, "Month", f.header)
    ws.write_string(1, 0, "", f.header)
    ws.write_string(0, 1, "Day at the month's end", f.header)
    ws.write_string(1, 1, "t = month × 365/12", f.header)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 14)
    months = np.arange(MONTHS, dtype=np.float64).reshape(-1, 1)
    for k in range(MONTHS):
        ws.write_number(first + k, 0, k, f.whole)
    month = _X(_span(0, first, last), months, arr=True)
    later = _X(_span(0, first + 1, last), months[1:], arr=True)  # months 1 … 120
    day = _write_column(ws, first, 1, month * _month_days(), f.number, MONTHS)
    horizon_months = 12 * m.i["horizon_years"]
    columns = (("Interval", "numbered from 0 (nudges at k, 2k, …)"),
               ("Whole intervals' area (days)", "under R, intervals before this one (SUMIF)"),
               ("Part of the interval (days)", "area under R up to t"),
               ("Area under ρ (days)", "floor × t + (1 − floor) × (whole + part)"),
               ("Share kept in the month", "ρ over month m: Δ area / (365/12)"))  # fmt: skip
    rows = _X("Segment_rows", np.float64(m.segment_rows))
    n = _X("Segment_numbers", np.arange(m.segment_rows, dtype=np.float64).reshape(-1, 1), arr=True)
    out: dict[Format, _X] = {}
    for n_fmt, fmt in enumerate(Format):
        base = 2 + len(columns) * n_fmt
        ws.merge_range(0, base, 0, base + len(columns) - 1, fmt.label, f.group)
        for k, (top, below) in enumerate(columns):
            ws.write_string(1, base + k, f"{top}: {below}", f.header)
        ws.set_column(base, base + len(columns) - 1, 16)
        c = _Col(Basis.CLAIMED, FORMAT_COLUMN[fmt])  # the curve is the same on both bases
        with m.from_other_sheet():
            k_days = m("nudge_days", c)
            j = _write_column(ws, first, base, IF(m("nudged", c), INT(day / k_days), 0), f.whole, MONTHS)
            tail = IF(j.gt(rows), (j - rows) * m("beyond_area", c), 0)
            whole = _write_column(ws, first, base + 1, SUMIF(n, "<", j, areas[fmt]) + tail, f.number, MONTHS)
            part = _write_column(
                ws, first, base + 2, _segment_area(m, c, j, day - j * k_days), f.number, MONTHS
            )
            floor = m("floor", c)
            area = _write_column(
                ws, first, base + 3, floor * day + (1 - floor) * (whole + part), f.number, MONTHS
            )
            after = _X(_span(base + 3, first + 1, last), area.v[1:], arr=True)
            before = _X(_span(base + 3, first, last - 1), area.v[:-1], arr=True)
            mean = (after - before) / _month_days()
            kept = IF(mean.gt(1), 1, IF(mean.lt(0), 0, mean))
            share = IF(
                later.le(horizon_months),
                IF(m.i["decay_weighting"], IF(m("segments_ok", c), kept, TOO_MANY_NUDGES), 1),
                BLANK,
            )
            ws.write_string(first, base + 4, "—", f.text)
            column = _write_column(ws, first + 1, base + 4, share, f.factor, MONTHS - 1)
            out[fmt] = _external("Retention", column)
    note_col = 2 + len(columns) * len(Format) + 1
    ws.set_column(note_col, note_col, 90)
    ws.write_string(first, note_col, RETENTION_NOTE, f.note)
    ws.freeze_panes(2, 1)

    def mean_retention(c: _Col) -> _X:
        counted = m("benefit_months", c)
        in_months = _external("Retention", later).le(counted)
        mean = SUM(IF(in_months, out[c.fmt], 0)) / counted
        return IF(m.i["decay_weighting"], IF(m("segments_ok", c), mean, TOO_MANY_NUDGES), 1)

    m.add("mean_retention", "Mean retention over the months counted (the mean of the monthly shares on the "
          "Retention sheet; for reading: each month's benefit uses its own month's share)", "share", "factor",
          mean_retention, PURE, at=m.rows["mean_retention"])  # fmt: skip
    return out


# --- The Cash flows sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class _Flows:
    """One option's month-by-month ranges on the Cash flows sheet (months 0 … 120)."""

    benefits: _X
    net: _X
    standing: _X
    paid: _X
    discounted_benefits: _X
    discounted_standing: _X
    paid_discounted: _X


FLOW_COLUMNS = (
    ("Benefits", "month m: each track's benefit per month × its share kept in month m"),
    ("Net cash flow", "benefits − the costs paid that month"),
    ("Benefits so far − all costs", "Σ benefits, months 0 … m, − costs over the horizon"),
    ("Paid back", "1 once benefits so far have repaid all costs"),
    ("Discounted benefits", "benefits × d"),
    ("Discounted benefits so far − all costs", "Σ benefits × d, months 0 … m, − costs over the horizon"),
    ("Paid back, discounted", "1 once discounted benefits so far have repaid all costs"),
)


def _cash_flows(
    book: Workbook, ws: Worksheet, f: _Formats, m: _Model, kept: dict[Format, _X]
) -> dict[_Col, _Flows]:
    """The Cash flows sheet, month by month (`model._streams`): each option's benefits, net
    cash flow (for the NPV), and where the benefits so far stand against every cost of the
    programme, plain and discounted (running sums with SUMIF), with a paid-back flag for each
    (COUNTIFS of the months so far at or above 0)."""
    first, last = 2, 2 + MONTHS - 1
    headers = (("Month", ""), ("Discount factor", "d = (1 + m)^−month"),
               ("Later year's costs", "1 at months 12, 24, … before the horizon's end"))  # fmt: skip
    for col, (top, below) in enumerate(headers):
        ws.write_string(0, col, top, f.header)
        ws.write_string(1, col, below, f.header)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 2, 15)
    months = np.arange(MONTHS, dtype=np.float64).reshape(-1, 1)
    for k in range(MONTHS):
        ws.write_number(first + k, 0, k, f.whole)
    book.define_name("Month_numbers", f"='Cash flows'!{_span(0, first, last)}")
    month = _X("Month_numbers", months, arr=True)
    later = _X(_span(0, first + 1, last), months[1:], arr=True)  # months 1 … 120
    factor = _write_column(
        ws, first, 1, (1 + m.absolute("monthly_rate", WORKING[0])) ** -month, f.factor, MONTHS
    )
    book.define_name("Discount_factor", f"='Cash flows'!{_span(1, first, last)}")
    factor = _X("Discount_factor", factor.v, arr=True)
    horizon = m.i["horizon_years"]
    in_horizon = month.le(12 * horizon)
    payment = MOD(month, 12).eq(0) * month.gt(0) * month.lt(12 * horizon)
    payment = _write_column(ws, first, 2, payment, f.whole, MONTHS)
    out: dict[_Col, _Flows] = {}
    for n, c in enumerate(WORKING):
        base = 3 + len(FLOW_COLUMNS) * n
        ws.merge_range(0, base, 0, base + len(FLOW_COLUMNS) - 1,
                       f"{c.basis.value.split(' (')[0]}: {c.option.label}", f.group)  # fmt: skip
        for k, (top, below) in enumerate(FLOW_COLUMNS):
            unit = "" if top.startswith("Paid") else f" ({m.currency})"
            ws.write_string(1, base + k, f"{top}{unit}: {below}", f.header)
        ws.set_column(base, base + len(FLOW_COLUMNS) - 1, 16)

        def a(key: str, c: _Col = c) -> _X:
            return m.absolute(key, c)

        def column(k: int, e: _X, kind: str, base: int = base) -> _X:
            return _write_column(ws, first, base + k, IF(in_horizon, e, BLANK), f.named(kind), MONTHS)

        benefit = a("micro_monthly") * kept[Format.MICRO] + a("ilt_monthly") * kept[Format.ILT]
        monthly = IF(later.le(12 * horizon), IF(later.le(a("benefit_months")), benefit, 0), BLANK)
        ws.write_number(first, base, 0, f.money)  # no benefit in month 0
        monthly = _write_column(ws, first + 1, base, monthly, f.money, MONTHS - 1)
        benefits = _X(_span(base, first, last), np.vstack([[[0.0]], monthly.v]), arr=True)
        net = column(1, benefits - (month.eq(0) * a("upfront") + payment * a("yearly")), "money")
        standing = column(2, SUMIF(month, "<=", month, benefits) - a("costs"), "money")
        paid = column(3, COUNTIFS(month, "<=", month, standing, ">=", 0).gt(0) * 1, "whole")
        discounted_benefits = column(4, benefits * factor, "money")
        discounted_standing = column(5, SUMIF(month, "<=", month, discounted_benefits) - a("costs"), "money")
        paid_discounted = column(
            6, COUNTIFS(month, "<=", month, discounted_standing, ">=", 0).gt(0) * 1, "whole"
        )
        out[c] = _Flows(
            benefits, net, standing, paid, discounted_benefits, discounted_standing, paid_discounted
        )
    ws.freeze_panes(2, 1)
    return out


def _span(col: int, first: int, last: int) -> str:
    """An absolute range of one column, rows first..last (0-based)."""
    name = xl_col_to_name(col)
    return f"${name}${first + 1}:${name}${last + 1}"


def _external(sheet: str, e: _X) -> _X:
    """A range on `sheet` named from another sheet."""
    return _X(f"'{sheet}'!{e.xl}", e.v, e.prec, e.arr)


def _returns_over_time(m: _Model, flows: dict[_Col, _Flows]) -> None:
    """Benefits, NPV and the rows behind both paybacks, from the Cash flows sheet."""
    i = m.i
    month = _X("Month_numbers", np.arange(MONTHS, dtype=np.float64).reshape(-1, 1), arr=True)
    factor = _X("Discount_factor", ((1 + m("monthly_rate", WORKING[0])) ** -month).v, arr=True)
    last = 12 * i["horizon_years"]
    in_horizon = month.le(last)

    def on_sheet(c: _Col, name: str) -> _X:
        return _external("Cash flows", getattr(flows[c], name))

    m.section("Benefits, net present value and paybacks, month by month (from the Cash flows sheet)")
    m.add("benefits", "Benefits over the months counted: Σ monthly benefits (after the adjustments and "
          "forgetting, undiscounted)", "money", "money",
          lambda c: SUM(IF(in_horizon, on_sheet(c, "benefits"), 0)))  # fmt: skip
    m.add("annual", "Benefits per year counted (on average)", "money per year", "money",
          lambda c: m("benefits", c) / m("benefit_years", c))  # fmt: skip
    m.add(
        "net", "Net benefit (benefits − costs)", "money", "money", lambda c: m("benefits", c) - m("costs", c)
    )
    m.add("npv", "Net present value: Σ net cash flow × discount factor", "money", "money",
          lambda c: SUM(IF(in_horizon, on_sheet(c, "net"), 0) * factor))  # fmt: skip
    for key, what, standing, paid in (
        ("plain", "benefits so far", "standing", "paid"),
        ("discounted", "discounted benefits so far", "discounted_standing", "paid_discounted"),
    ):
        m.add(f"{key}_first", f"First month the {what} repay all costs: the months before it, Σ (1 − paid back) "
              f"(12 × horizon + 1: never)", "month", "whole",
              lambda c, paid=paid: SUM(IF(in_horizon, 1 - on_sheet(c, paid), 0)))  # fmt: skip

        def inside(c: _Col, key: str = key) -> _X:
            return AND(m(f"{key}_first", c).ge(1), m(f"{key}_first", c).le(last))

        m.add(f"{key}_before", f"{what.capitalize()} − all costs, in the month before (short of 0)", "money",
              "money", lambda c, key=key, standing=standing, inside=inside: IF(
                  inside(c), INDEX(on_sheet(c, standing), m(f"{key}_first", c)), 0))  # fmt: skip
        m.add(f"{key}_after", "… and in that month (at least 0)", "money", "money",
              lambda c, key=key, standing=standing, inside=inside: IF(
                  inside(c), INDEX(on_sheet(c, standing), m(f"{key}_first", c) + 1), 0))  # fmt: skip


def _payback(m: _Model, c: _Col, key: str) -> _X:
    """`model.first_crossing` of the benefits so far (discounted or not) − all costs: 0 when
    there are no costs, none when the benefits never repay them within the horizon, else the
    month before plus the share of the month it takes to close the gap."""
    first, before, after = m(f"{key}_first", c), m(f"{key}_before", c), m(f"{key}_after", c)
    within = first - 1 + -before / (after - before)
    return IF(first.eq(0), 0, IF(first.gt(12 * m.i["horizon_years"]), NONE, within))


RESULTS = (
    ("roi", "ROI", "ROI: (benefits − costs) / costs × 100", "%", "one_decimal"),
    ("npv_result", "NPV", "Net present value", "money", "money"),
    ("payback", "Payback", "Payback, discounted: the month the discounted benefits so far repay every cost of the "
     "programme (interpolated within it)", "months", "one_decimal"),
    ("payback_undiscounted", "Payback_undiscounted", "Payback, undiscounted: the month the benefits so far repay "
     "every cost of the programme (interpolated within it)", "months", "one_decimal"),
    ("bcr", "BCR", "Benefit-cost ratio: benefits / costs", "×", "number"),
    ("costs_result", "Costs", "Costs over the horizon", "money", "money"),
    ("benefits_result", "Benefits", "Benefits over the months counted (after the adjustments and forgetting, "
     "undiscounted)", "money", "money"),
)  # fmt: skip


def _results(book: Workbook, m: _Model, top: int) -> None:
    """The returns at the top of the Model sheet, named, on both bases and the scenario's own."""
    build: dict[str, Callable[[_Col], _X]] = {
        "roi": lambda c: _ratio(m("benefits", c) - m("costs", c), m("costs", c), 100),
        "npv_result": lambda c: m("npv", c),
        "payback": lambda c: _payback(m, c, "discounted"),
        "payback_undiscounted": lambda c: _payback(m, c, "plain"),
        "bcr": lambda c: _ratio(m("benefits", c), m("costs", c), 1),
        "costs_result": lambda c: m("costs", c),
        "benefits_result": lambda c: m("benefits", c),
    }
    conservative = m.i["conservative"]
    m.ws.write_string(top - 1, 0, "Returns", m.f.section)
    for col in range(1, 11):
        m.ws.write_blank(top - 1, col, None, m.f.section)
    for offset, (key, prefix, label, unit, kind) in enumerate(RESULTS):
        row = top + offset
        m.add(key, label, unit, kind, build[key], at=row)
        m.add(key, label, unit, kind,
              lambda c, key=key: IF(conservative, m(key, _Col(Basis.DEFENSIBLE, c.option)),
                                    m(key, _Col(Basis.CLAIMED, c.option))), YOURS, at=row)  # fmt: skip
        for c in (*WORKING, *YOURS):
            suffix = {Basis.CLAIMED: "_claimed", Basis.DEFENSIBLE: "_defensible", Basis.YOURS: ""}[c.basis]
            book.define_name(f"{prefix}_{OPTION_TAGS[c.option]}{suffix}",
                             "=Model!" + xl_rowcol_to_cell(row, c.index, True, True))  # fmt: skip


def _ratio(numerator: _X, costs: _X, times: float) -> _X:
    """numerator / costs × times; none without costs, or where the quotient would overflow
    (the model's 'not finite': costs of a few 10^−300, say)."""
    too_big = (ABS(numerator) / HUGE).gt(costs)
    return IF(costs.gt(0), IF(too_big, NONE, numerator / costs * times), NONE)


def _write_model(
    ws: Worksheet, f: _Formats, i: dict[str, _X], currency: str, segments: Worksheet, rows: int
) -> _Model:
    ws.write_string(
        0, 0, "Model: every figure is a formula on the Inputs sheet ('none': no such figure)", f.title
    )
    ws.write_string(1, 0, "Figure", f.header)
    ws.write_string(1, 1, "Unit", f.header)
    ws.write_string(0, 1, "", f.header)
    for basis in Basis:
        c0 = _Col(basis, Option.MICRO).index
        ws.merge_range(0, c0, 0, c0 + 2, basis.value, f.group)
        for option in Option:
            ws.write_string(1, _Col(basis, option).index, option.label, f.header)
    ws.set_column(0, 0, 70)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 10, 15)
    ws.freeze_panes(2, 2)
    top = 3
    m = _Model(ws, f, i, currency, segments, rows, row=top + len(RESULTS))
    _model_workings(m)
    return m


# --- Series, Sources, Segments ------------------------------------------------------------


def series_learners(scenario: Scenario) -> np.ndarray:
    """Learner counts of the Series sheet: the dashboard chart's range (`calculators.summary.chart_range`),
    every whole count when there are at most `SERIES_POINTS`, else that many evenly spaced
    (`calculators.summary.learner_grid`'s rule with fewer points: a sheet to read and re-plot, not a
    screen's worth of pixels).

    >>> n = series_learners(Scenario())
    >>> int(n[0]), int(n[-1]), n.size
    (0, 2000, 201)
    """
    top = chart_range(cost_summary(scenario))
    if top + 1 <= SERIES_POINTS:
        return learner_grid(top)
    return np.unique(np.round(np.linspace(0, top, SERIES_POINTS)))


def _write_series(
    ws: Worksheet, f: _Formats, m: _Model, flows: dict[_Col, _Flows], scenario: Scenario
) -> None:
    """Total cost against learners and the cumulative discounted net by month, on the scenario's basis."""
    conservative = m.i["conservative"]
    grid = series_learners(scenario)
    ws.merge_range(0, 0, 0, 2, "Total cost against learners (learner counts fixed at export; costs are live formulas)",
                   f.group)  # fmt: skip
    ws.write_string(1, 0, "Learners", f.header)
    first = 2
    learners = _X(f"$A${first + 1}:$A${first + grid.size}", grid.reshape(-1, 1), arr=True)
    for k, n in enumerate(grid):
        ws.write_number(first + k, 0, float(n), f.whole)
    for col, fmt in ((1, Format.MICRO), (2, Format.ILT)):
        ws.write_string(1, col, f"{fmt.label} ({scenario.currency})", f.header)

        def line(basis: Basis, fmt: Format = fmt) -> _X:
            c = _Col(basis, Option.MICRO if fmt is Format.MICRO else Option.ILT)
            a = lambda key: m.absolute(key, c)  # noqa: E731
            steps = IF(a("per_class").gt(0), CEILING(learners / a("class_size")) * a("per_class"), 0)
            return a("fixed") + a("per_learner") * learners + steps

        _write_column(
            ws, first, col, IF(conservative, line(Basis.DEFENSIBLE), line(Basis.CLAIMED)), f.money, grid.size
        )
    ws.merge_range(
        0,
        4,
        0,
        7,
        "Discounted benefits so far − all costs, by month (live formulas from Cash flows)",
        f.group,
    )
    ws.write_string(1, 4, "Month", f.header)
    for k in range(MONTHS):
        ws.write_number(first + k, 4, k, f.whole)
    for n, option in enumerate(Option):
        ws.write_string(1, 5 + n, f"{option.label} ({scenario.currency})", f.header)
        claimed, defensible = (
            _external("Cash flows", flows[_Col(basis, option)].discounted_standing)
            for basis in (Basis.CLAIMED, Basis.DEFENSIBLE)
        )
        _write_column(ws, first, 5 + n, IF(conservative, defensible, claimed), f.money, MONTHS)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 2, 22)
    ws.set_column(3, 3, 3)
    ws.set_column(4, 4, 8)
    ws.set_column(5, 7, 22)
    ws.freeze_panes(2, 0)


def _write_sources(ws: Worksheet, f: _Formats, scenario: Scenario, link: str | None) -> None:
    ws.write_string(0, 0, "Sources and evidence grades", f.title)
    ws.write_string(1, 0, "Scenario link (opens these inputs in the dashboard)", f.text)
    link = "".join(ch for ch in (link or "") if unicodedata.category(ch) != "Cc")  # no control characters
    if link:
        cut = link[: MAX_LINK_CHARS - 40] + " … (cut: too long for a cell)"
        ws.write_string(1, 1, link if len(link) <= MAX_LINK_CHARS else cut, f.text)
    else:
        ws.write_string(1, 1, "No link was given at export.", f.note)
    headers = (
        "Input",
        "Group",
        "Default",
        "Unit",
        "Source of the default",
        "Evidence grade",
        "What the grade means",
    )
    widths = (48, 16, 14, 14, 90, 14, 44)
    row = 3
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(row, col, text, f.header)
        ws.set_column(col, col, width)
    ws.freeze_panes(row + 1, 1)
    for spec in INPUTS.values():
        row += 1
        ws.write_string(row, 0, input_title(spec.name), f.text)
        ws.write_string(row, 1, spec.group, f.text)
        default = spec.default
        if isinstance(default, bool):
            ws.write_boolean(row, 2, default, f.general)
        elif isinstance(default, str):
            ws.write_string(row, 2, default, f.text)
        else:
            ws.write_number(row, 2, float(default), f.money if spec.unit == "money" else f.general)
        ws.write_string(row, 3, _unit_text(spec, scenario.currency), f.text)
        ws.write_string(row, 4, spec.source, f.text)
        ws.write_string(row, 5, spec.grade.value, f.text)
        ws.write_string(row, 6, GRADE_MEANING[spec.grade], f.text)
    row += 2
    ws.write_string(
        row, 0, "Published values the Skeptic switch uses (when the default is unchanged)", f.section
    )
    row += 1
    for col, text in enumerate(
        ("Input", "", "Published value", "", "Source", "Evidence grade", "What the grade means")
    ):
        ws.write_string(row, col, text, f.header)
    for sv in SKEPTIC_VALUES:
        row += 1
        ws.write_string(row, 0, input_title(sv.field), f.text)
        ws.write_number(row, 2, sv.value, f.general)
        ws.write_string(row, 4, sv.source, f.text)
        ws.write_string(row, 5, sv.grade.value, f.text)
        ws.write_string(row, 6, GRADE_MEANING[sv.grade], f.text)
    row += 2
    ws.write_string(row, 0, "Source documents", f.section)
    for doc in SOURCE_DOCUMENTS:
        row += 1
        ws.write_string(row, 0, doc.citation, f.text)
        ws.write_string(row, 4, doc.used_for, f.text)
    row += 2
    ws.write_string(row, 0, "Evidence grades", f.section)
    for grade, meaning in GRADE_MEANING.items():
        row += 1
        ws.write_string(row, 0, grade.value, f.text)
        ws.write_string(row, 4, meaning, f.text)


def segment_rows(scenario: Scenario) -> int:
    """Rows the Segments sheet needs: the whole intervals between nudges of either format
    over the horizon (the months counted are always its first months), and at least
    `MIN_SEGMENT_ROWS`.

    >>> segment_rows(Scenario()), segment_rows(Scenario(horizon_years=10, micro_nudge_days=2))
    (366, 1825)
    """
    need = 0
    days = 365 * scenario.horizon_years
    for fmt in Format:
        every = scenario.format(fmt).nudge_days
        if 0 < every < days:
            need = max(need, days // every)
    return max(need, MIN_SEGMENT_ROWS)


SEGMENTS_NOTE = (
    "One row per whole interval between nudges (numbered from 0: interval n runs from day n × k to day "
    "(n + 1) × k), with the area under each format's forgetting curve R over it, the curve parameter being "
    "p × g^n (the power law's a / g^n) up to its limit. The Retention sheet adds these areas up to the interval "
    "each month ends in. There are as many rows as the exported scenario's nudges need (at least 366); "
    "intervals beyond them count as the first one beyond the sheet, exact once the parameter has reached its "
    "limit, otherwise the Model and Retention sheets say to export again."
)


def _write_segments(book: Workbook, ws: Worksheet, f: _Formats, rows: int) -> None:
    """Interval numbers 0, 1, … read by the retention formulas."""
    ws.write_string(0, 0, "Interval", f.header)
    ws.set_column(0, 0, 10)
    for k in range(rows):
        ws.write_number(k + 1, 0, k, f.whole)
    book.define_name("Segment_numbers", f"=Segments!$A$2:$A${rows + 1}")
    ws.set_column(4, 4, 28)
    ws.write_string(0, 4, "Rows of interval numbers", f.text)
    ws.write_number(0, 5, rows, f.whole)
    book.define_name("Segment_rows", "=Segments!$F$1")
    ws.set_column(6, 6, 90)
    ws.write_string(2, 4, "How this sheet works", f.text)
    ws.write_string(2, 6, SEGMENTS_NOTE, f.note)
    ws.freeze_panes(1, 0)


def _write_segment_areas(book: Workbook, m: _Model) -> dict[Format, _X]:
    """Each format's area under R over each whole interval between nudges (one array formula
    per format on the Segments sheet, named `Interval_area_micro` and `Interval_area_ILT`)."""
    ws, f, rows = m.segments, m.f, m.segment_rows
    n = _X("Segment_numbers", np.arange(rows, dtype=np.float64).reshape(-1, 1), arr=True)
    out: dict[Format, _X] = {}
    for col, fmt in enumerate(Format, start=1):
        c = _Col(Basis.CLAIMED, FORMAT_COLUMN[fmt])  # the curve is the same on both bases
        ws.write_string(0, col, f"{fmt.label}: area under R (days)", f.header)
        ws.set_column(col, col, 18)
        with m.from_other_sheet():
            area = _segment_area(m, c, n, m("nudge_days", c))
        values = _write_column(ws, 1, col, area, f.number, rows).v
        name = f"Interval_area_{OPTION_TAGS[FORMAT_COLUMN[fmt]]}"
        book.define_name(name, f"=Segments!{_span(col, 1, rows)}")
        out[fmt] = _X(name, values, arr=True)
    return out


# --- The Plan sheet ----------------------------------------------------------------------


PLAN_NOTE = (
    "Each program's cost is its total cost over its horizon at the most likely values, undiscounted, on this "
    "workbook's basis: {basis}; "
    "its expected NPV is the mean of {draws:,} simulated outcomes per program ({distribution}, draw set {seed}). "
    "The totals, the budget left and the check are live formulas over the rows; a cost marked 'live' is this "
    "workbook's Model sheet, so it follows the Inputs sheet. The other figures are the Budget planner's at export: "
    "case studies and saved scenarios have their own inputs, not this workbook's, and an expected NPV is a Monte "
    "Carlo mean. The choices are the planner's at export: change the budget or an input and the totals follow, "
    "but the choices are not chosen again (the dashboard does that)."
)


def _model_cost(m: _Model, scenario: Scenario, program: Program, choice: Choice, screen: bool) -> _X | None:
    """The Model sheet's live cost of `choice` when its program is the scenario on screen
    (`screen`), which this workbook holds, and the Model computes that option as the plan
    chose it (the blend at the plan's mix), and equals it."""
    option = choice.option
    if option is None or not screen or program.scenario != scenario:
        return None
    if option is Option.BLEND and abs(100 * (choice.ilt_share or 0.0) - scenario.blend_ilt_share_pct) > 1e-9:
        return None
    value = m("costs_result", _Col(Basis.YOURS, option)).v
    if not math.isclose(float(value), choice.cost, rel_tol=1e-9, abs_tol=1e-6):
        return None
    return _X(f"Costs_{OPTION_TAGS[option]}", value)


def _plan_source(choice: Choice, live: bool, screen: bool) -> str:
    """Where a Plan row's figures come from, in a line."""
    if choice.option is None:
        return "Not training: costs nothing, returns nothing."
    npv = "the mean of its simulated outcomes"
    if live:
        return f"Cost: live, the Model sheet's Costs_{OPTION_TAGS[choice.option]}. Expected NPV: {npv}, a value at export."
    own = "this workbook's scenario" if screen else "the program's own inputs (not in this workbook)"
    mix = ", the blend at its best mix" if choice.option is Option.BLEND else ""
    return f"Cost and expected NPV ({npv}): values at export, from {own}{mix}."


def _write_plan(
    book: Workbook, ws: Worksheet, f: _Formats, m: _Model, scenario: Scenario, shared: SharedPlan
) -> None:
    """The Plan sheet (module docstring): the plan's rows, its totals as live formulas, its risk."""
    answer, currency = shared.answer, scenario.currency
    plan, risk = answer.plan, answer.risk
    assert isinstance(plan, Plan)
    ws.write_string(
        0,
        0,
        f"Plan: the Budget planner's best plan for a budget of {money(shared.budget, currency)}",
        f.title,
    )
    ws.write_string(1, 0, headline(plan, risk, shared.budget, currency), f.text)
    for col, text in enumerate(("Program", "Choice", f"Cost ({currency})", f"Expected NPV ({currency})",
                                "Where the figures come from")):  # fmt: skip
        ws.write_string(3, col, text, f.header)
    programs = {p.name: p for p in shared.programs}
    first = 4
    costs, npvs = [], []
    for k, (name, choice) in enumerate(zip(plan.programs, plan.choices, strict=True)):
        row = first + k
        program = programs[name]
        screen = name == shared.screen_name
        live = _model_cost(m, scenario, program, choice, screen)
        ws.write_string(row, 0, name, f.text)
        ws.write_string(row, 1, choice.label, f.text)
        if live is not None:
            _write(ws, row, 2, live, f.money)
        else:
            ws.write_number(row, 2, choice.cost, f.money)
        ws.write_number(row, 3, choice.expected_npv, f.money)
        ws.write_string(row, 4, _plan_source(choice, live is not None, screen), f.note)
        costs.append(float(live.v) if live is not None else choice.cost)
        npvs.append(choice.expected_npv)
    last = first + len(plan.programs) - 1
    total = last + 1
    ws.write_string(total, 0, "The plan", f.section)
    ws.write_string(total, 1, f"{len(plan.funded)} of {len(plan.programs)} funded", f.section)
    cost = SUM(_X(_span(2, first, last), np.asarray(costs, dtype=np.float64)))
    npv = SUM(_X(_span(3, first, last), np.asarray(npvs, dtype=np.float64)))
    _write(
        ws, total, 2, cost, book.add_format({"num_format": money_format(currency), "bold": True, "top": 1})
    )
    _write(ws, total, 3, npv, book.add_format({"num_format": money_format(currency), "bold": True, "top": 1}))
    ws.write_string(total, 4, "Live formulas: the sums of the rows above.", f.note)
    book.define_name("Plan_cost", f"={PLAN_SHEET}!" + xl_rowcol_to_cell(total, 2, True, True))
    book.define_name("Plan_expected_NPV", f"={PLAN_SHEET}!" + xl_rowcol_to_cell(total, 3, True, True))

    row = total + 2
    ws.write_string(row, 0, "Budget", f.text)
    ws.write_number(row, 2, shared.budget, f.input_money)
    ws.write_string(row, 4, "Money for the programs' whole horizons (not discounted). Change it: the two rows "
                    "below follow.", f.note)  # fmt: skip
    book.define_name("Plan_budget", f"={PLAN_SHEET}!" + xl_rowcol_to_cell(row, 2, True, True))
    budget = _X("Plan_budget", np.float64(shared.budget))
    cost = _X("Plan_cost", cost.v)
    left = budget - cost
    ws.write_string(row + 1, 0, "Budget left (budget − the plan's cost)", f.text)
    _write(ws, row + 1, 2, left, f.money)
    book.define_name("Plan_budget_left", f"={PLAN_SHEET}!" + xl_rowcol_to_cell(row + 1, 2, True, True))
    ws.write_string(row + 2, 0, "Within the budget", f.text)
    _write(ws, row + 2, 2, IF(cost.le(budget), "yes", "no"), f.general)
    book.define_name("Plan_within_budget", f"={PLAN_SHEET}!" + xl_rowcol_to_cell(row + 2, 2, True, True))

    row += 4
    if risk is not None and risk.draws:
        ws.write_string(row, 0, f"The plan's risk: its NPV over {risk.draws:,} simulated outcomes, each program's "
                        "outcomes added up draw by draw (values at export)", f.section)  # fmt: skip
        for col in range(1, 5):
            ws.write_blank(row, col, None, f.section)
        figures = (("NPV, P10 (1 in 10 outcomes is lower)", risk.p10, f.money),
                   ("NPV, median (P50)", risk.p50, f.money), ("NPV, P90 (1 in 10 outcomes is higher)", risk.p90, f.money),
                   ("Chance of loss (the plan's NPV below 0)", risk.chance_of_loss, f.percent))  # fmt: skip
        for k, (label, value, cell_format) in enumerate(figures, start=1):
            ws.write_string(row + k, 0, label, f.text)
            ws.write_number(row + k, 2, float(value), cell_format)
        row += len(figures) + 1
        if shared.cap is not None:
            ws.write_string(row, 0, "Cap on the chance of loss (the plan meets it)", f.text)
            ws.write_number(row, 2, shared.cap, f.percent)
            row += 1
    row += 1
    sim = answer.simulation
    ws.write_string(row, 0, "How this sheet works", f.section)
    ws.merge_range(row + 1, 0, row + 1, 4, PLAN_NOTE.format(basis=cost_basis(scenario), draws=sim.draws,
                   distribution=sim.distribution, seed=sim.seed), f.note)  # fmt: skip
    ws.set_row(row + 1, 90)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3, 18)
    ws.set_column(4, 4, 70)
    ws.freeze_panes(first, 1)


# --- The workbook -----------------------------------------------------------------------


def _build(
    scenario: Scenario, link: str | None, target: io.BytesIO, plan: SharedPlan | None = None
) -> _Model:
    book = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {"title": "Training ROI Studio: scenario workbook", "comments": "Live formulas; see Model."}
    )
    planned = plan is not None and isinstance(plan.answer.plan, Plan)
    names = list(SHEETS)
    if planned:
        names.insert(names.index("Model") + 1, PLAN_SHEET)
    sheets = {name: book.add_worksheet(name) for name in names}
    f = _Formats(book, scenario.currency)
    with np.errstate(all="ignore"):
        i = _write_inputs(book, sheets["Inputs"], f, scenario)
        rows = segment_rows(scenario)
        _write_segments(book, sheets["Segments"], f, rows)
        m = _write_model(sheets["Model"], f, i, scenario.currency, sheets["Segments"], rows)
        areas = _write_segment_areas(book, m)
        kept = _write_retention(sheets["Retention"], f, m, areas)
        flows = _cash_flows(book, sheets["Cash flows"], f, m, kept)
        _returns_over_time(m, flows)
        _results(book, m, top=3)
        _write_series(sheets["Series"], f, m, flows, scenario)
        if planned:
            _write_plan(book, sheets[PLAN_SHEET], f, m, scenario, plan)  # type: ignore[arg-type]
    _write_sources(sheets["Sources"], f, scenario, link)
    sheets["Inputs"].activate()
    book.close()
    return m


def workbook_bytes(scenario: Scenario, *, link: str | None = None, plan: SharedPlan | None = None) -> bytes:
    """The scenario as an .xlsx workbook whose Model sheet recomputes every return from the
    Inputs sheet (see the module docstring for the sheets); `link` is written on Sources;
    `plan`, the Budget planner's plan, adds the Plan sheet (when it is a plan, not "no plan").

    The ROI, NPV and payback cells equal `calculators.roi.all_returns(scenario)` (to
    floating-point rounding), on the scenario's basis and on both bases the dashboard shows.
    """
    target = io.BytesIO()
    _build(scenario, link, target, plan)
    return target.getvalue()


def _cached_results(scenario: Scenario) -> dict[str, Any]:
    """The values the workbook stores in its named result cells (for tests and doctests)."""
    m = _build(scenario, None, io.BytesIO())
    out: dict[str, Any] = {}
    for key, prefix, *_ in RESULTS:
        for c in (*WORKING, *YOURS):
            suffix = {Basis.CLAIMED: "_claimed", Basis.DEFENSIBLE: "_defensible", Basis.YOURS: ""}[c.basis]
            out[f"{prefix}_{OPTION_TAGS[c.option]}{suffix}"] = _cached(m(key, c).v)
    return out
