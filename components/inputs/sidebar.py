"""The shared scenario inputs in the sidebar, kept in step with the address bar.

One function, `scenario_sidebar`, is called by the entry script on every run:

1. On a session's first run it reads the share link (`st.query_params`) through the
   scenario codec; rejected values are reported and fall back to the defaults.
2. It draws one widget per scenario field (keys `sb_<field>`), grouped as UI.md says,
   with help text naming each default's source and evidence grade.
3. It validates the widget values with the same model; a rejected value keeps the last
   valid scenario and is reported, so the app never shows a stack trace.
4. The entry script then writes the values that differ from the defaults back to the
   address bar (`components.session.address.sync_address_bar`), so the URL is always a share
   link for what is on screen.

A switch can decide other inputs while it is on (`implied_inputs`): Conservative counts
costs fully loaded, Skeptic replaces grade C/D defaults with published values (the model
applies both, `calculators.model.effective`). Their widgets then show the value the model
uses, locked, with the reason; the scenario (and so the link) keeps the user's own value,
which the widget shows again once the switch is off.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from calculators.codec import apply_inputs
from calculators.presets import Preset
from calculators.scenario import (
    CURRENCY_SYMBOLS,
    GRADE_MEANING,
    GROUPS,
    INPUTS,
    SCALE,
    Grade,
    InputSpec,
    Scenario,
)
from calculators.skeptic import SKEPTIC_VALUES, replaced_fields
from components.inputs.steering import hours_scale, parse_amount, stepped_scale, with_value
from components.session.address import share_link
from components.session.problems import PROBLEMS_KEY, take_notices
from components.session.problems import take as take_problems
from components.session.scenario import (
    LINK_SCENARIO_KEY,
    NAMED_KEY,
    SCENARIO_KEY,
    current_scenario,
    first_run_from_link,
    group_key,
    load_preset,
    set_scenario,
    widget_key,
)
from components.session.scenario import presets as session_presets
from components.views.sections import lazy_expander
from components.words.formatting import hours, input_value, money
from components.words.safe_text import plain, problem_list

PICKER_KEY = "sb_preset_choice"
CUSTOM = "Custom"
FROM_LINK = "From a link"


def _help(spec: InputSpec, currency: str = "USD") -> str:
    grade = "your own figure" if spec.grade is Grade.YOURS else f"grade {spec.grade.value}"
    text = f"{spec.help}\n\n" if spec.help and spec.help != spec.label else ""
    return f"{text}Default {_default_text(spec, currency)} — source: {spec.source} ({grade}: {GRADE_MEANING[spec.grade]})."


def _default_text(spec: InputSpec, currency: str) -> str:
    """A default as people read it: '7.5 min', '$30,000', 'on', 'USD' (never a Python repr)."""
    return _value_text(spec, spec.default, currency)


def _value_text(spec: InputSpec, value: Any, currency: str) -> str:
    """An input's value as people read it (`_default_text` for any value).

    >>> _value_text(INPUTS["ilt_risk_reduction_pct"], 1.7, "USD"), _value_text(INPUTS["fully_loaded"], True, "USD")
    ('1.7 %', 'on')
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return value
    if spec.unit in {"money", "money/hour"}:
        return money(value, currency) + ("" if spec.unit == "money" else " an hour")
    if spec.unit == "×":
        return f"{value:g}×"
    return input_value(spec.name, value, currency) + (
        f" {spec.unit}" if spec.unit in {"learners", "years", "days", "minutes", "weeks", "incidents"} else ""
    )


def _money_format(spec: InputSpec, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS[currency].replace("%", "%%")
    return f"{symbol}%.2f" if (spec.step or 1) < 1 else f"{symbol}%,.0f"


def _number_format(spec: InputSpec, currency: str) -> str | None:
    if spec.unit == "money":
        return _money_format(spec, currency)
    if spec.unit == "money/hour":
        return _money_format(spec, currency) + " /h"
    if spec.unit == "%":
        return "%.1f%%" if (spec.step or 1) < 1 else "%.0f%%"
    if spec.unit == "hours":
        return "%.3g h"
    if spec.unit == "learners":
        return "%,d"
    if spec.unit == "years":
        return "%d-year"
    if spec.unit == "days":
        return "%d days" if spec.name != "retention_reference_day" else "day %d"
    if spec.unit == "months":  # the slider's value and what a screen reader says: "11.0 months"
        return "%.1f months"
    if spec.unit == "minutes":
        return "%.1f min"
    if spec.unit == "weeks":
        return "%.1f weeks"
    if spec.unit == "×":
        return "%.1f×"
    if spec.unit == "incidents":
        return "%.1f"
    return None


def _widget(spec: InputSpec, currency: str, container: Any, implied: Implied | None = None) -> Any:
    """The input's widget; with `implied`, locked on the value a switch implies, the reason below it."""
    key = widget_key(spec.name)
    help_text = _help(spec, currency) if implied is None else f"{implied.why}\n\n{_help(spec, currency)}"
    value = _draw(spec, currency, container, key, help_text, locked=implied is not None)
    if implied is not None:
        container.caption(implied.why)
    return value


def _draw(spec: InputSpec, currency: str, container: Any, key: str, help_text: str, *, locked: bool) -> Any:
    if spec.widget == "toggle":
        return container.toggle(spec.label, key=key, help=help_text, disabled=locked)
    if spec.widget == "select":
        options = list(typing.get_args(Scenario.model_fields[spec.name].annotation))
        return container.selectbox(spec.label, options, key=key, help=help_text, disabled=locked)
    is_int = isinstance(spec.default, int)
    cast = int if is_int else float
    common = {
        "min_value": cast(spec.minimum),
        "max_value": cast(spec.maximum),
        "step": cast(spec.step or 1),
        "key": key,
        "help": help_text,
        "disabled": locked,
    }
    fmt = _number_format(spec, currency)
    if locked and fmt == "%.0f%%" and not float(st.session_state[key]).is_integer():
        fmt = "%.1f%%"  # a published value between the slider's steps (1.7 %) is shown as it is
    if spec.unit == "hours":  # a slider's printf format cannot say "7.5 min": steps read by `hours`
        grid, labels = _scale(spec.name, "")
        return container.select_slider(
            spec.label,
            with_value(grid, st.session_state[key]),
            key=key,
            help=common["help"],
            format_func=labels.__getitem__,
            disabled=locked,
        )
    if spec.widget == "number":
        # number_input takes plain printf formats only: the unit goes into the label
        # (its identity is its key, so a currency change keeps the value).
        unit = {"money": currency, "money/hour": f"{currency} per hour"}.get(spec.unit, spec.unit)
        decimals = "%.2f" if (spec.step or 1) < 1 else "%.0f"
        return container.number_input(f"{spec.label} ({unit})", format=decimals, **common)
    # `value=` is the session's own value (one writer still): without it Streamlit scans the
    # whole session state on every slider call to guess single value or range.
    return container.slider(spec.label, format=fmt, value=st.session_state[key], **common)


STEPPED = ("learners", "micro_fixed_cost", "ilt_fixed_cost")  # inputs spanning orders of magnitude
SELECT_SLIDERS = frozenset({*STEPPED, *(n for n, s in INPUTS.items() if s.unit == "hours")})
TOP_SWITCHES = ("fully_loaded", "conservative", "skeptic")
TYPED_SUFFIX = "_typed"
BOX_SHOWS = "box_shows__"  # + a typed box's key: the slider value the box was last filled with
IMPLIED_MARK = "implied_shown__"  # + a field: its widget shows a value a switch implies, not the user's own
CONSERVATIVE_COSTS = "Conservative counts every cost, so fully loaded is on."


class Implied(typing.NamedTuple):
    """A value a switch decides while it is on, and why (shown beside the locked widget)."""

    value: Any
    why: str


def implied_inputs(switches: dict[str, bool], scenario: Scenario) -> dict[str, Implied]:
    """The inputs the switches decide, with the values the model uses for them
    (`calculators.model.effective`): Conservative counts costs fully loaded; Skeptic replaces
    each grade C/D default the user has not changed (`scenario`'s own values) with a published value.

    >>> implied_inputs({"conservative": True}, Scenario())["fully_loaded"].value
    True
    >>> implied_inputs({"skeptic": True}, Scenario(micro_retention_pct=60))["ilt_risk_reduction_pct"].why
    'Skeptic uses the published value, 1.7 %. Turn Skeptic off to set your own.'
    >>> sorted(implied_inputs({"skeptic": True}, Scenario(micro_retention_pct=60)))[-1]
    'revenue_per_training_dollar'
    """
    implied: dict[str, Implied] = {}
    if switches.get("conservative"):
        implied["fully_loaded"] = Implied(True, CONSERVATIVE_COSTS)
    if switches.get("skeptic"):
        for v in replaced_fields(scenario):
            shown = _value_text(INPUTS[v.field], v.value, scenario.currency)
            implied[v.field] = Implied(
                v.value, f"Skeptic uses the published value, {shown}. Turn Skeptic off to set your own."
            )
    return implied


LOCKABLE = ("fully_loaded", *(v.field for v in SKEPTIC_VALUES))  # every field `implied_inputs` can name


def _switches_now() -> dict[str, bool]:
    """The switches as this run's widgets hold them (a click is in session state before the run)."""
    return {name: st.session_state.get(widget_key(name)) is True for name in ("conservative", "skeptic")}


def _show_implied(implied: dict[str, Implied], scenario: Scenario) -> None:
    """Before the widgets are drawn: a locked widget shows the implied value; a widget locked on the
    last run but not on this one shows the user's own value again (kept in `scenario` meanwhile)."""
    for name in LOCKABLE:
        key, mark = widget_key(name), IMPLIED_MARK + name
        if name in implied:
            st.session_state[key] = implied[name].value
            st.session_state[mark] = True
        elif st.session_state.pop(mark, False):
            st.session_state[key] = getattr(scenario, name)


def _shown_amount(spec: InputSpec, value: float, currency: str) -> str:
    return money(value, currency) if spec.unit == "money" else f"{value:,.0f}"


def _typed(name: str) -> None:
    """A typed amount: read as people write it, validated by the model, else reported.

    The box is filled by the app on every run (it shows the slider's value). A browser that
    sends the next key press on the slider before that run's reply has arrived also sends the
    box's old text: that is not a typed value, and taking it would undo the key presses. So a
    text counts as typed only while the slider still holds the value the box was filled with."""
    if st.session_state.get(widget_key(name)) != st.session_state.get(BOX_SHOWS + widget_key(name)):
        return  # the slider moved since the box was filled: the box's text is stale, the slider wins
    spec = INPUTS[name]
    raw = str(st.session_state.get(widget_key(name) + TYPED_SUFFIX, ""))
    value = parse_amount(raw)
    if value is not None and isinstance(spec.default, int):
        value = round(value) if float(value).is_integer() else value
    scenario, problems = apply_inputs(current_scenario(), {name: raw if value is None else value})
    if problems:
        st.session_state[PROBLEMS_KEY] = st.session_state.get(PROBLEMS_KEY, []) + [
            p.message for p in problems
        ]
        return
    st.session_state[SCENARIO_KEY] = scenario
    st.session_state[widget_key(name)] = getattr(scenario, name)


class _Labels(dict):  # type: ignore[type-arg]
    """A scale's labels by value, made once; a value off the scale (a link's) is labelled on the way."""

    def __init__(self, values: Iterable[float], label: Callable[[float], str]) -> None:
        super().__init__((v, label(v)) for v in values)
        self._label = label

    def __missing__(self, value: float) -> str:
        return self._label(value)


@functools.lru_cache(maxsize=64)
def _scale(name: str, currency: str) -> tuple[tuple[float, ...], _Labels]:
    """A select slider's steps and their labels, made once per input and currency (Streamlit
    formats every option on every rerun: a dictionary lookup instead of formatting ~100).

    >>> steps, labels = _scale("micro_seat_hours", "")
    >>> labels[steps[1]], labels[0.3333]
    ('1.5 min', '20 min')
    >>> _scale("learners", "EUR")[1][2_500]
    '2,500'
    """
    spec = INPUTS[name]
    low, high = float(spec.minimum or 0), float(spec.maximum or 1)
    if spec.unit == "hours":
        steps = tuple(hours_scale(low, high, float(spec.step or 1)))
        return steps, _Labels(steps, hours)
    steps = tuple(stepped_scale(low, high, whole=True))
    return steps, _Labels(steps, lambda v: _shown_amount(spec, v, currency))


def _stepped(spec: InputSpec, currency: str, container: Any) -> Any:
    """A stepped slider (ten steps a decade) and a box to type any exact value."""
    key = widget_key(spec.name)
    whole = isinstance(spec.default, int)
    current = st.session_state[key]
    steps, labels = _scale(spec.name, currency)
    scale = with_value(steps, current)
    value = container.select_slider(
        spec.label, scale, key=key, help=_help(spec, currency), format_func=labels.__getitem__,
    )  # fmt: skip
    typed_key = key + TYPED_SUFFIX
    st.session_state[typed_key] = _shown_amount(spec, value, currency)  # the box shows the slider's value
    st.session_state[BOX_SHOWS + key] = value  # what it was filled with (`_typed`: stale or typed)
    container.text_input(
        f"{spec.label}: type an exact value", key=typed_key, on_change=_typed, args=(spec.name,),
        label_visibility="collapsed", help="Type any value, e.g. 2,500 or 25k.",
    )  # fmt: skip
    return int(value) if whole else float(value)


def reset_to_defaults() -> None:
    """Button callback: every scenario input back to its default."""
    set_scenario(Scenario())
    st.toast("Inputs reset to their defaults", icon=":material/restart_alt:")


SHARE_BOX_KEY = "share_link_box"
SHARE_LABEL = "Share link"  # it opens a box with the address and a copy button: it does not copy by itself
SHARE_CAPTION = (
    "Anyone with this link sees the same scenario, settings and page. Copy it with the copy button at "
    "the box's top right (shown when you point at the box), or select it."
)


def share_controls() -> DeltaGenerator | None:
    """Reset to defaults, and the *Share link* box; returns the box's slot while it is open.

    The box is filled by `fill_share_link` once this run's scenario is known, from the same
    parameters the address bar gets (`components.session.address.share_link`). Opening it reruns the app, so after a page setting
    changed in a fragment (which does not redraw the sidebar) the box still shows the link
    of what is on screen; while it is closed nothing is built."""
    with st.popover(
        SHARE_LABEL, icon=":material/link:", width="stretch", help="The address of this exact screen, to copy",
        key=SHARE_BOX_KEY, on_change="rerun",
    ) as box:  # fmt: skip
        slot = st.empty() if box.open else None
    st.button(
        "Reset to defaults", key="sb_reset", on_click=reset_to_defaults, icon=":material/restart_alt:",
        width="stretch", help="Every input back to its default (your uncertainty ranges and page settings stay).",
    )  # fmt: skip
    return slot


def fill_share_link(slot: DeltaGenerator) -> None:
    """The share link of what is on screen (`components.session.address.share_link`), with its copy button, in
    the *Share link* box; called once this run's scenario is in session state."""
    with slot.container():
        st.caption(SHARE_CAPTION)
        st.code(share_link(), language=None, wrap_lines=True)


def _seed_widgets(scenario: Scenario) -> None:
    """Give every widget its value before it is drawn (no `value=` argument, one writer)."""
    for name in INPUTS:
        key = widget_key(name)
        if key not in st.session_state:
            st.session_state[key] = getattr(scenario, name)


PICKER_SHOWS = "sb_preset_picker_shows"  # {field: value}: the inputs drawn with the picker's label


def _inputs_moved(shown: Any) -> bool:
    """Whether an input's widget now holds another value than it was drawn with (`shown`, the
    values the sidebar read on its last run): this message carries a newer input value than
    the one the picker's label was written for."""
    if not isinstance(shown, dict):
        return False
    return any(st.session_state.get(widget_key(name), value) != value for name, value in shown.items())


def _picked() -> None:
    """Picker callback: load the chosen preset.

    The app writes the picker's label on every run ('Custom' once an input moves). A browser
    that sends the next key press on a slider before that run's reply has arrived also sends
    the picker's old label: that is not a choice, and loading it would undo the key presses (and
    drop them from the link). So a choice counts only when no input moved in the same message."""
    if _inputs_moved(st.session_state.get(PICKER_SHOWS)):
        return  # a stale label sent with a slider's move: the slider wins
    presets, _ = session_presets()
    by_name = {p.name: p for p in presets}
    choice = st.session_state.get(PICKER_KEY)
    if choice in by_name:
        load_preset(by_name[choice])


def picker_label(
    scenario: Scenario, presets: list[Preset], from_link: Scenario | None, named: Any = None
) -> str:
    """What the preset picker shows: the saved scenario opened or saved last (`named`: its name
    and scenario) while the inputs still equal it, else the preset they equal, else 'From a
    link' while the scenario is still the one a link opened, else 'Custom'.

    >>> picker_label(Scenario(learners=5), [], None, ("Q3 plan", Scenario(learners=5)))
    'Q3 plan'
    >>> picker_label(Scenario(learners=6), [], None, ("Q3 plan", Scenario(learners=5)))
    'Custom'
    """
    if isinstance(named, tuple) and len(named) == 2 and named[1] == scenario:
        name = str(named[0])
        return f"{name} (saved)" if name in {p.name for p in presets} | {CUSTOM, FROM_LINK} else name
    for preset in presets:
        if preset.scenario == scenario:
            return preset.name
    return FROM_LINK if from_link is not None and from_link == scenario else CUSTOM


def preset_picker(slot: Any, scenario: Scenario) -> None:
    """Start from a preset in `sample_data/` (each names its source and grade); choosing one
    loads it. The picker always names what is on screen: the saved scenario opened, a preset,
    'From a link' or 'Custom'."""
    presets, errors = session_presets()
    for error in errors:
        st.warning(f"A preset file could not be read: {plain(str(error))}")
    if not presets:
        return
    label = picker_label(
        scenario, presets, st.session_state.get(LINK_SCENARIO_KEY), st.session_state.get(NAMED_KEY)
    )
    names = [p.name for p in presets]
    options = names if label in names else [label, *names]
    st.session_state[PICKER_KEY] = label
    slot.selectbox(
        "Start from a preset", options, key=PICKER_KEY, on_change=_picked,
        help="Choosing a preset replaces every input with its values.\n\n"
        + "\n\n".join(f"**{p.name}**: {p.description} Source: {p.source} (grade {p.grade.value})." for p in presets),
    )  # fmt: skip


def scenario_sidebar(*, draw: bool = True) -> Scenario:
    """Draw the shared inputs in the sidebar and return the validated scenario.

    With `draw=False` (presentation mode) no input is drawn and the scenario stays as it is.
    """
    first_run_from_link()
    last_valid = current_scenario()
    if not draw:
        return last_valid
    _seed_widgets(last_valid)
    implied = implied_inputs(_switches_now(), last_valid)  # locked widgets: their values are not read
    _show_implied(implied, last_valid)
    currency = str(st.session_state.get(widget_key("currency"), last_valid.currency))
    if currency not in CURRENCY_SYMBOLS:
        currency = last_valid.currency
    values: dict[str, Any] = {}
    with st.sidebar:
        st.markdown("### Your scenario")
        picker_slot = st.empty()  # filled once this run's inputs are read: it names what is shown
        values["learners"] = _stepped(INPUTS["learners"], currency, st)
        for name in TOP_SWITCHES:
            values[name] = _widget(INPUTS[name], currency, st, implied.get(name))
        link_slot = share_controls()
        placed = {"learners", *TOP_SWITCHES}
        for group in GROUPS:
            specs = [s for s in INPUTS.values() if s.group == group and s.name not in placed]
            if group == SCALE:
                box, shown = st.container(), True
            else:
                box, shown = lazy_expander(group, group_key(group))  # closed until clicked
            if not shown:
                # A closed group is not drawn (opening it reruns and draws it): its inputs keep
                # the scenario's values, and their widgets will show them when it opens.
                for spec in specs:
                    st.session_state[widget_key(spec.name)] = getattr(last_valid, spec.name)
                continue
            for spec in specs:
                if spec.name in implied:
                    values[spec.name] = _widget(spec, currency, box, implied[spec.name])
                else:
                    draw = _stepped if spec.name in STEPPED else _widget
                    values[spec.name] = draw(spec, currency, box)
    for name in implied:  # shown, not the user's: the scenario and the link keep the user's own
        values.pop(name, None)
    scenario, problems = apply_inputs(last_valid, values, strict=False)
    st.session_state[SCENARIO_KEY] = scenario
    st.session_state[PICKER_SHOWS] = values  # `_picked`: a label sent back with a moved input is stale
    with st.sidebar:
        preset_picker(picker_slot, scenario)
        if link_slot is not None:
            fill_share_link(link_slot)
    if problems:
        st.session_state[PROBLEMS_KEY] = [p.message for p in problems]
    return scenario


def show_input_problems() -> None:
    """Report rejected link or widget values once, as a warning naming field and range.

    The messages quote what the link carried: they are shown as text, never as Markdown
    (components/words/safe_text.py), in at most eight lines.
    """
    for text in take_notices():  # not a replaced value (a saved scenario not found): said on its own
        st.warning(plain(text), icon=":material/info:")
    messages = take_problems()
    if messages:
        st.warning(
            "Some values could not be used and were replaced:\n\n" + problem_list(messages),
            icon=":material/warning:",
        )
