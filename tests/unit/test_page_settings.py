"""Page settings through their model: all valid at once, or each bad value named in order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.settings import SETTING_NAMES, PageSettings, apply_settings

_SAMPLE = ("mc_draws", "mc_seed", "mc_target", "mc_distribution", "gs_metric", "pilot_enrol")


def _one_at_a_time(values: dict) -> tuple[object, list[str]]:
    """The plain rule: apply each value alone on top of those accepted so far."""
    current, fields = PageSettings(), []
    for name, value in values.items():
        current, problems = apply_settings(current, {name: value})
        fields += [p.field for p in problems]
    return current, fields


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(_SAMPLE),
        st.one_of(
            st.integers(-5, 2_000_000),
            st.sampled_from(["PERT", "NPV", "ROI", "triangular", "x" * 400, "abc", "1e309"]),
        ),
        max_size=6,
    )
)
def test_settings_applied_together_equal_settings_applied_one_by_one(values):
    together, problems = apply_settings(PageSettings(), values)
    alone, fields = _one_at_a_time(values)
    assert together == alone
    assert [p.field for p in problems] == fields  # each bad value named, in the order given


def test_a_bad_value_among_good_ones_is_named_and_the_good_ones_kept():
    settings_, problems = apply_settings(
        PageSettings(), {"mc_seed": 7, "mc_target": 999, "mc_distribution": "PERT", "gs_metric": "x" * 500}
    )
    assert settings_.mc_seed == 7 and settings_.mc_distribution == "PERT"
    assert settings_.mc_target == PageSettings().mc_target
    assert [p.field for p in problems] == ["mc_target", "gs_metric"]
    assert all(name in SETTING_NAMES for name in ("mc_seed", "mc_target"))
