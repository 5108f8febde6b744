"""Shared Hypothesis strategies: valid scenarios drawn from the bounds in `INPUTS`.

Every field is drawn inside its own [minimum, maximum] (as declared on `Scenario`), so
the strategies follow the model when a bound changes.
"""

from __future__ import annotations

import typing
from typing import Any

from hypothesis import strategies as st

from calculators.scenario import INPUTS, InputSpec, Scenario

NUMERIC_FIELDS: tuple[str, ...] = tuple(
    name for name in INPUTS if Scenario.model_fields[name].annotation in (int, float)
)
FLOAT_FIELDS: tuple[str, ...] = tuple(
    n for n in NUMERIC_FIELDS if Scenario.model_fields[n].annotation is float
)
INT_FIELDS: tuple[str, ...] = tuple(n for n in NUMERIC_FIELDS if Scenario.model_fields[n].annotation is int)
CURRENCIES: tuple[str, ...] = typing.get_args(Scenario.model_fields["currency"].annotation)


def field_values(spec: InputSpec) -> st.SearchStrategy[Any]:
    """Valid values of one scenario field, anywhere in its declared range."""
    annotation = Scenario.model_fields[spec.name].annotation
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        assert spec.minimum is not None and spec.maximum is not None
        return st.integers(int(spec.minimum), int(spec.maximum))
    if annotation is float:
        assert spec.minimum is not None and spec.maximum is not None
        return st.floats(float(spec.minimum), float(spec.maximum), allow_nan=False, allow_infinity=False)
    choices = typing.get_args(annotation)
    assert choices, f"no strategy for {spec.name}: {annotation!r}"
    return st.sampled_from(choices)


def valid_scenarios(**fixed: Any) -> st.SearchStrategy[Scenario]:
    """Valid `Scenario`s; keyword arguments pin fields (a value or a strategy)."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in INPUTS.items():
        if name in fixed:
            value = fixed[name]
            fields[name] = value if isinstance(value, st.SearchStrategy) else st.just(value)
        else:
            fields[name] = field_values(spec)
    return st.builds(Scenario, **fields)
