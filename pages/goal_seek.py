"""Goal seek: what would have to be true for the target ROI (or NPV)?"""

import streamlit as st

from calculators.goal_seek import seekable_fields
from calculators.scenario import input_title
from components.charts.risk_charts import focus_range, goal_curve_figure, input_text, metric_text
from components.inputs.ranges_editor import option_picker
from components.session.guard import require_entry
from components.session.page_settings import seed
from components.session.scenario import current_scenario
from components.views.parts import change_scenario, page_part
from components.views.show import show_chart
from components.words.messages import basis_line
from components.work.model_cache import cached_goal_seek, cached_metric_curve

require_entry("goal_seek")

scenario = current_scenario()
st.title("Goal seek")
st.caption(basis_line(scenario))


@page_part
def goal_seek_part() -> None:
    """What to solve for and the target: a change reruns this part only."""
    scenario = current_scenario()
    currency = scenario.currency
    for name in ("gs_field", "gs_metric", "gs_target"):
        seed(name)  # page settings: kept across pages and in the link (components/session/page_settings.py)
    c1, c2, c3 = st.columns([2, 1, 1])
    field = c1.selectbox(
        "Solve for", seekable_fields(), format_func=input_title, key="gs_field", persist_state="session"
    )
    metric = (
        c2.segmented_control("Measure", ["ROI", "NPV"], key="gs_metric", persist_state="session") or "ROI"
    )
    target = c3.number_input(
        f"Target {'ROI (%)' if metric == 'ROI' else f'NPV ({currency})'}", -1e9, 1e9, format="%.1f",
        key="gs_target", persist_state="session",
    )  # fmt: skip
    option = option_picker("gs_option")

    result = cached_goal_seek(scenario, field, option, metric, target)
    label = input_title(field)
    if result.value is None:
        st.markdown(
            f"## No solution in range: with {label} anywhere in its allowed range, {option.label.lower()} "
            f"{metric} runs from {metric_text(result.low, metric, currency)} to {metric_text(result.high, metric, currency)}, "
            f"never {metric_text(target, metric, currency)}."
        )
    else:
        now = input_text(field, float(getattr(scenario, field)), currency)
        st.markdown(
            f"## {option.label} reaches {metric} {metric_text(target, metric, currency)} when {label} is "
            f"{input_text(field, result.value, currency)} (now {now})."
        )
        st.button(
            f"Use {input_text(field, result.value, currency)} in the scenario", key="gs_apply",
            on_click=change_scenario, kwargs={field: result.value},
        )  # fmt: skip
    span = focus_range(field, float(getattr(scenario, field)), result.value)
    xs, ys = cached_metric_curve(scenario, field, option, metric, span=span)
    show_chart(
        goal_curve_figure(xs, ys, field, target, result.value, metric, currency, option), key="gs_curve_chart"
    )
    st.caption(
        "The whole allowed range of the input is scanned for every place the target is crossed; the crossing "
        "nearest your current value is then narrowed down step by step. Other inputs stay as they are."
    )


goal_seek_part()
