"""Which uncertain inputs a scenario reads is kept per its layout (its other inputs and which of
its uncertain inputs' low, most likely and high values are zero or negative): any two scenarios
of one layout read the same inputs, so moving a slider may reuse the answer.

Each generated pair shares every field but the uncertain ones, whose values differ freely
within their bounds; where the two layouts agree, the model's own probe (`inputs_read`, on
each scenario itself) must give the same set."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.model import effective, inputs_read
from calculators.ranges import RANGED_FIELDS, all_triangles
from calculators.scenario import INPUTS, Scenario
from calculators.simulation import inputs_used
from tests.strategies import field_values, valid_scenarios

RANGED = tuple(f for f in RANGED_FIELDS if f in INPUTS)


def probe(scenario: Scenario) -> frozenset[str]:
    triangles = all_triangles(effective(scenario))
    return inputs_read(scenario, {f: np.array(triangles[f], dtype=np.float64) for f in RANGED_FIELDS})


def layout(scenario: Scenario) -> tuple:
    triangles = all_triangles(effective(scenario))
    return tuple(tuple(int(np.sign(v)) for v in triangles[f]) for f in RANGED_FIELDS)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_scenarios(), st.data())
def test_scenarios_of_one_layout_read_the_same_inputs(scenario: Scenario, data: st.DataObject) -> None:
    moved = {
        f: data.draw(field_values(INPUTS[f]), label=f) for f in data.draw(st.sets(st.sampled_from(RANGED)))
    }
    other = scenario.with_changes(**moved)
    assert inputs_used(scenario) == probe(scenario)
    assert inputs_used(other) == probe(other)
    if layout(scenario) == layout(other):
        assert probe(scenario) == probe(other)


def test_a_zero_class_cost_is_a_layout_of_its_own() -> None:
    """A class cost of 0 opens no classes (whether the class size is then read depends on the
    rest): another layout, answered by its own probe, not by the paid one's."""
    paid, free = Scenario(ilt_cost_per_class=800.0), Scenario(ilt_cost_per_class=0.0)
    assert inputs_used(paid) == probe(paid) and inputs_used(free) == probe(free)
    assert layout(paid) != layout(free)
