"""Page settings: each page's own choices, validated by one model and carried in the link.

Besides the shared `Scenario`, pages offer choices of their own: how many Monte Carlo
draws and which random seed, the goal-seek target, the tornado's measure, the decision
matrix's weights and ratings, the pilot's plan and entered results, the budget planner's
programs, budget and cap, the scenarios compared. They survive a page
change and travel in the share link next to the scenario, so `PageSettings` is to them
what `Scenario` is to the model inputs: frozen, bounded, and the only way in.

A setting's name is its widget's key and its link parameter (prefixed by page: `mc_`,
`gs_`, `sens_`, `dm_`, `pilot_`, `budget_`, and `compare_` for the Scenarios page's
comparison). A link carries only values that differ from the defaults; a list of programs
(or of plans compared) travels as one comma-separated value:

>>> settings_to_query(PageSettings(mc_draws=100_000, gs_metric="NPV", budget_programs=("screen", "saved-a1")))
{'mc_draws': '100000', 'gs_metric': 'NPV', 'budget_programs': 'screen,saved-a1'}
>>> s, problems = settings_from_query({"mc_draws": "7", "mc_seed": "42"})
>>> s.mc_draws, s.mc_seed, problems[0].message
(10000, 42, "Monte Carlo draws: '7' is not allowed; allowed one of 1,000, 10,000, 100,000, 1,000,000. Kept 10,000.")
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, create_model

from calculators.codec import MAX_VALUE_CHARS, InputProblem, link_text
from calculators.decision import CRITERIA, RATINGS
from calculators.goal_seek import seekable_fields
from calculators.model import Option
from calculators.pilot import DAY_FIRST, DAY_SECOND, EFFECTS
from calculators.ranges import RANGED_FIELDS
from calculators.scenario import INPUTS, input_title
from calculators.simulation import PAYBACK_MONTHS_MAX

OptionName = Literal["micro", "ilt", "blend"]
Measure = Literal["ROI", "NPV"]
Rating = Literal[RATINGS]  # type: ignore[valid-type]
Seekable = Literal[tuple(seekable_fields())]  # type: ignore[valid-type]
Ranged = Literal[RANGED_FIELDS]  # type: ignore[valid-type]
PilotEffect = Literal[tuple(EFFECTS)]  # type: ignore[valid-type]
MAX_WEIGHT = 10
DECISION_OPTIONS = (Option.MICRO, Option.ILT, Option.BLEND)
PILOT_DAYS = (DAY_FIRST, DAY_SECOND)
PILOT_COUNTS = ("a_pass", "a_n", "b_pass", "b_n")
MAX_PROGRAMS = 8  # the budget planner's programs: 8 × 4 choices solve well within a rerun
MAX_BUDGET = 1e11  # money: above any training budget, below float trouble
PROGRAM_ID = r"^(screen|preset-[a-z0-9-]{1,60}|saved-[A-Za-z0-9_-]{1,64})$"
DEFAULT_PROGRAMS = ("screen", "preset-retail-pos-rollout", "preset-security-champions")


def program_ids(value: Any) -> Any:
    """A list of programs as the model takes it: a link's comma-separated text or a widget's
    list, in order, each once (anything else is left for the model to refuse).

    >>> program_ids("screen, preset-a,screen"), program_ids(["saved-x"]), program_ids("")
    (('screen', 'preset-a'), ('saved-x',), ())
    """
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(dict.fromkeys(v.strip() for v in value))
    return value


ProgramId = Annotated[str, StringConstraints(pattern=PROGRAM_ID)]
ProgramIds = Annotated[tuple[ProgramId, ...], BeforeValidator(program_ids)]
# The Scenarios page's comparison: what is on screen, the defaults, or a saved scenario's id.
PLAN_ID = r"^(on-screen|defaults|[A-Za-z0-9]{1,64})$"
MAX_PLANS = 4
DEFAULT_PLANS = ("on-screen", "defaults")
PlanIds = Annotated[
    tuple[Annotated[str, StringConstraints(pattern=PLAN_ID)], ...], BeforeValidator(program_ids)
]


def _field(default: Any, label: str, **bounds: Any) -> Any:
    return Field(default, description=label, **bounds)


_FIELDS: dict[str, tuple[Any, Any]] = {
    # Monte Carlo
    "mc_draws": (Literal[1_000, 10_000, 100_000, 1_000_000], _field(10_000, "Monte Carlo draws")),
    "mc_distribution": (Literal["triangular", "PERT"], _field("triangular", "Monte Carlo distribution")),
    "mc_seed": (int, _field(2026, "Draw set (repeatable results)", ge=0, le=2**31 - 1)),
    "mc_target": (int, _field(24, "Payback target (months)", ge=1, le=PAYBACK_MONTHS_MAX)),
    "mc_option": (OptionName, _field("micro", "Monte Carlo option shown")),
    # Retention: the two knowledge-check results fitted on the page
    "ret_t1": (int, _field(30, "Knowledge check: first test, day", ge=1, le=3650)),
    "ret_r1": (
        float,
        _field(60.0, "Knowledge check: first test, correct (%)", ge=0.1, le=100, allow_inf_nan=False),
    ),
    "ret_t2": (int, _field(90, "Knowledge check: second test, day", ge=2, le=3650)),
    "ret_r2": (
        float,
        _field(40.0, "Knowledge check: second test, correct (%)", ge=0.1, le=100, allow_inf_nan=False),
    ),
    # Sensitivity
    "sens_option": (OptionName, _field("micro", "Sensitivity option")),
    "sens_metric": (Measure, _field("ROI", "Sensitivity measure")),
    "sens_x": (Ranged, _field("learners", "Frontier: across")),
    "sens_y": (Ranged, _field("micro_retention_pct", "Frontier: and")),
    # Goal seek
    "gs_field": (Seekable, _field("learners", "Goal seek: solve for")),
    "gs_metric": (Measure, _field("ROI", "Goal seek: measure")),
    "gs_target": (float, _field(0.0, "Goal seek: target", ge=-1e9, le=1e9, allow_inf_nan=False)),
    "gs_option": (OptionName, _field("micro", "Goal seek option")),
    # Decision matrix: weights, and ratings the user set (None: the default rating)
    **{
        f"dm_weight_{c.key}": (int, _field(5, f"Weight of {c.label.lower()}", ge=0, le=MAX_WEIGHT))
        for c in CRITERIA
    },
    **{
        f"dm_rating_{c.key}_{o.value}": (Rating | None, _field(None, f"{o.label}: {c.label.lower()}"))
        for c in CRITERIA
        for o in DECISION_OPTIONS
    },
    # Pilot planner
    "pilot_design": (Literal["better", "no worse"], _field("better", "Pilot question")),
    "pilot_alpha": (Literal[0.01, 0.05, 0.10], _field(0.05, "Significance level (two-sided)")),
    "pilot_alpha_noninferiority": (
        Literal[0.01, 0.025, 0.05, 0.10],
        _field(0.025, "Significance level (one-sided)"),
    ),
    "pilot_power": (Literal[0.80, 0.85, 0.90, 0.95], _field(0.80, "Power")),
    "pilot_baseline_pct": (float, _field(35.0, "Arm A rate (%)", ge=1, le=99, allow_inf_nan=False)),
    "pilot_target_pct": (float, _field(50.0, "Arm B rate (%)", ge=1, le=99, allow_inf_nan=False)),
    "pilot_margin_pct": (
        float,
        _field(10.0, "Non-inferiority margin (points)", ge=1, le=50, allow_inf_nan=False),
    ),
    "pilot_cluster": (bool, _field(False, "Teams are randomised")),
    "pilot_team_size": (int, _field(12, "Learners per team", ge=1, le=1_000)),
    "pilot_icc": (float, _field(0.05, "Intra-cluster correlation", ge=0, le=1, allow_inf_nan=False)),
    **{
        f"pilot_{count}_{day}": (int, _field(0, f"Pilot result, day {day}", ge=0, le=100_000))
        for day in PILOT_DAYS
        for count in PILOT_COUNTS
    },
    "pilot_effect": (PilotEffect, _field(next(iter(EFFECTS)), "Effect the pilot measures")),
    "pilot_enrol": (int, _field(0, "Learners per arm you can enrol", ge=0, le=1_000_000)),
    # Budget planner (the budget: None until the user types one; the page suggests one for the programs)
    "budget_programs": (
        ProgramIds,
        _field(DEFAULT_PROGRAMS, "Budget planner: programs", max_length=MAX_PROGRAMS),
    ),
    "budget_amount": (
        float | None,
        _field(None, "Budget planner: budget", ge=0, le=MAX_BUDGET, allow_inf_nan=False),
    ),
    "budget_required": (
        ProgramIds,
        _field((), "Budget planner: programs that must run", max_length=MAX_PROGRAMS),
    ),
    "budget_cap_on": (bool, _field(False, "Budget planner: cap the chance of loss")),
    "budget_loss_cap_pct": (
        float,
        _field(10.0, "Budget planner: highest chance of loss (%)", ge=0, le=100, allow_inf_nan=False),
    ),
    # Scenarios: the plans compared side by side, the base first
    "compare_choice": (
        PlanIds,
        _field(DEFAULT_PLANS, "Scenarios to compare", max_length=MAX_PLANS),
    ),
}

PageSettings = create_model(  # type: ignore[call-overload]
    "PageSettings",
    __config__=ConfigDict(frozen=True, extra="forbid", validate_default=True),
    __doc__="Every page's own settings (see the module docstring).",
    **_FIELDS,
)
SETTING_NAMES: tuple[str, ...] = tuple(_FIELDS)


def default_value(name: str) -> Any:
    """A setting's default.

    >>> default_value("mc_seed"), default_value("dm_rating_speed_micro")
    (2026, None)
    """
    return PageSettings.model_fields[name].default


def _choices(name: str) -> list[Any]:
    """The values a choice setting allows (a Literal, optionally with None); [] for the others.

    >>> _choices("mc_distribution"), _choices("mc_seed")
    (['triangular', 'PERT'], [])
    """
    values: list[Any] = []
    if _is_list(name):
        return []
    for arg in typing.get_args(PageSettings.model_fields[name].annotation):
        if arg is type(None):
            continue
        if isinstance(arg, type):  # a plain type (int, float, str): not a list of choices
            return []
        values += list(typing.get_args(arg)) or [arg]
    return values


def _is_list(name: str) -> bool:
    """Whether a setting is a list (of programs).

    >>> _is_list("budget_programs"), _is_list("mc_seed")
    (True, False)
    """
    return typing.get_origin(PageSettings.model_fields[name].annotation) is tuple


def _allowed(name: str) -> str:
    field = PageSettings.model_fields[name]
    if name == "compare_choice":
        return f"up to {MAX_PLANS} scenarios from the comparison's list"
    if _is_list(name):
        return f"up to {MAX_PROGRAMS} programs from the planner's list"
    choices = _choices(name)
    if choices:
        if len(choices) > 8:  # field names, for instance: not words to show
            return "one of the choices on its page"
        return "one of " + ", ".join(f"{c:,}" if isinstance(c, int) else str(c) for c in choices)
    bounds = {type(m).__name__: m for m in field.metadata}
    lo = getattr(bounds.get("Ge"), "ge", None)
    hi = getattr(bounds.get("Le"), "le", None)
    if field.annotation is bool:
        return "on or off"
    if lo is None or hi is None:
        return "a valid value"
    return f"{_number(lo)} to {_number(hi)}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def _shown(value: Any) -> str:
    if value is None:
        return "the default"
    if isinstance(value, tuple):
        return "the programs chosen before" if value else "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return _number(value)
    return input_title(value) if value in INPUTS else str(value)


def apply_settings(
    base: Any, values: Mapping[str, Any], *, strict: bool = False
) -> tuple[Any, list[InputProblem]]:
    """`base` (a PageSettings) with every valid value applied; the others reported.

    All values are tried at once first (a session's settings, valid: one validation instead
    of one per setting, on every run of every page); if that fails, one at a time, so each
    bad value is named and the good ones are kept."""
    current = base.model_dump()
    problems: list[InputProblem] = []
    wanted: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in PageSettings.model_fields:
            continue
        if isinstance(raw, str) and len(raw) > MAX_VALUE_CHARS:
            label = PageSettings.model_fields[name].description or name
            problems.append(InputProblem(name, f"{label}: a value of {len(raw):,} characters is too long."))
            continue
        wanted[name] = _from_text(name, raw) if isinstance(raw, str) and not strict else raw
    if not problems:
        try:
            return PageSettings.model_validate({**current, **wanted}, strict=strict), []
        except ValidationError:
            pass  # which ones: below
    for name, value in wanted.items():
        raw = values[name]
        label = PageSettings.model_fields[name].description or name
        try:
            accepted = PageSettings.model_validate({**current, name: value}, strict=strict)
        except ValidationError:
            shown = repr(raw[:37] + "..." if isinstance(raw, str) and len(raw) > 40 else raw)
            problems.append(
                InputProblem(
                    name,
                    f"{label}: {shown} is not allowed; allowed {_allowed(name)}. Kept {_shown(current[name])}.",
                )
            )
            continue
        current[name] = getattr(accepted, name)
    order = list(values)
    problems.sort(key=lambda problem: order.index(problem.field))  # in the order they were given
    return PageSettings.model_validate(current), problems


def _from_text(name: str, raw: str) -> Any:
    """Link text to the setting's type (a choice of numbers reads as that number)."""
    field = PageSettings.model_fields[name]
    for v in _choices(name):
        if isinstance(v, int | float) and not isinstance(v, bool):
            try:
                if float(raw) == v:
                    return v
            except ValueError:
                break
    if field.annotation is bool:
        return {"1": True, "0": False, "true": True, "false": False}.get(raw.strip().lower(), raw)
    return raw


def settings_from_query(params: Mapping[str, Any]) -> tuple[Any, list[InputProblem]]:
    """Read page settings from a link; bad values keep the default and are reported."""
    values = {}
    for key, raw in params.items():
        if key in PageSettings.model_fields:
            values[key] = raw[-1] if isinstance(raw, list | tuple) and raw else raw
    return apply_settings(PageSettings(), values)


def settings_to_query(settings: Any) -> dict[str, str]:
    """The link parameters of the settings that differ from their defaults."""
    out: dict[str, str] = {}
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        if value != default_value(name):
            out[name] = ",".join(value) if isinstance(value, tuple) else link_text(value)
    return out
