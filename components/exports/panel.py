"""Downloads of what is on screen (PDF brief, Excel workbook, scenario file) and the import.

The files are made when the button is pressed (Streamlit runs the `data` callable then, in
another thread), from values captured in the run that drew the button: no Streamlit call
happens inside them. The import reads a scenario file through the same pydantic models as a
link (`components.exports.scenario_file`); what it cannot read is listed as text and nothing on
screen changes until the user presses "Use this file".
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from calculators.scenario import Scenario
from components.exports.scenario_file import export_json, import_json
from components.inputs.budget_inputs import PLANNER_SHOWN_KEY
from components.saved.budget_programs import SAVED_PREFIX, saved_programs
from components.saved.store import apply_state, current_state
from components.session.address import share_link
from components.session.page_settings import page_settings
from components.session.ranges import current_ranges
from components.session.scenario import current_scenario
from components.words.safe_text import plain, problem_list
from components.work.answer import Answer, answer_later
from components.work.budget_plan import SharedPlan, settings_plan
from storage import ScenarioState

PENDING_KEY = "import_pending"  # the ImportResult waiting for "Use this file"
UPLOAD_KEY = "import_upload"
DONE_KEY = "import_done"


def file_stem(name: str = "training-roi") -> str:
    """A file name for today's downloads: 'training-roi-2026-11-23'.

    >>> import re
    >>> re.fullmatch(r"training-roi-\\d{4}-\\d{2}-\\d{2}", file_stem()) is not None
    True
    """
    return f"{name}-{datetime.date.today().isoformat()}"


def downloads(*, key: str, pdf: bool = True, excel: bool = True, scenario_file: bool = True) -> None:
    """Buttons that download what is on screen, side by side. Each file is made when its button
    is clicked; a click does not rerun the page (`on_click="ignore"`), so the other buttons keep
    their files (a rerun in between gave a second quick click a file that no longer existed)."""
    scenario, ranges, settings, link = current_scenario(), current_ranges(), page_settings(), share_link()
    wanted = [w for w, on in (("pdf", pdf), ("excel", excel), ("json", scenario_file)) if on]
    # the brief states the screen's verdict: the kept answer, or worked out when the brief is asked for
    answer = answer_later(scenario) if pdf else _no_answer
    plan = budget_plan(scenario, ranges, settings) if pdf or excel else _no_plan
    columns = st.columns(len(wanted))
    each = {"width": "stretch", "on_click": "ignore"}  # no rerun on a click: the others keep their files
    for column, what in zip(columns, wanted, strict=True):
        if what == "pdf":
            column.download_button(
                "Executive brief (PDF)", data=lambda: _brief(scenario, link, ranges, answer(), plan()),
                file_name=f"{file_stem()}-brief.pdf", mime="application/pdf", key=f"{key}_pdf",
                icon=":material/picture_as_pdf:", **each,
                help="Recommendation, key figures on both bases, the main charts, the assumptions that matter "
                "with sources and grades, the Budget planner's plan once you have made one, today's date and the link.",
            )  # fmt: skip
        elif what == "excel":
            column.download_button(
                "Workbook for finance (Excel)", data=lambda: _workbook(scenario, link, plan()),
                file_name=f"{file_stem()}.xlsx", key=f"{key}_xlsx", icon=":material/table_view:", **each,
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                help="Inputs, a model of live formulas (change an input and the ROI follows), the series, "
                "the sources with their grades, and the Budget planner's plan once you have made one.",
            )  # fmt: skip
        else:
            column.download_button(
                "Scenario file (JSON)", data=lambda: export_json(scenario, settings, ranges),
                file_name=f"{file_stem()}-scenario.json", mime="application/json", key=f"{key}_json",
                icon=":material/download:", **each,
                help="Every input, page setting and range: import it here later or send it to a colleague.",
            )  # fmt: skip


def _no_answer() -> Answer | None:
    return None


def _no_plan() -> SharedPlan | None:
    return None


def budget_plan(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]], settings: Any
) -> Callable[[], SharedPlan | None]:
    """The Budget planner's plan for the downloads, to work out when a file is asked for (no
    Streamlit call inside; the programs' choices come from the planner's kept runs), from the
    page settings: the chosen programs, the budget, the programs that must run and the cap.
    None until the planner has a budget (a link or a saved scenario carries it) or has shown its
    plan for the suggested one: the files of a user who never planned a budget have no plan in them.
    Saved programs are read here, in the run (the store reads the signed-in user)."""
    chosen = list(settings.budget_programs)
    if not chosen or (settings.budget_amount is None and not st.session_state.get(PLANNER_SHOWN_KEY)):
        return _no_plan
    saved = saved_programs(chosen).read if any(i.startswith(SAVED_PREFIX) for i in chosen) else {}
    return functools.partial(settings_plan, scenario, ranges, settings, saved)


def _brief(
    scenario: Scenario,
    link: str,
    ranges: dict[str, tuple[float, float]],
    answer: Answer | None,
    plan: SharedPlan | None = None,
) -> bytes:
    from components.exports.pdf import brief_pdf  # fpdf2 and its fonts load when a brief is asked for

    return brief_pdf(scenario, link=link, ranges=ranges, answer=answer, plan=plan)


def _workbook(scenario: Scenario, link: str, plan: SharedPlan | None = None) -> bytes:
    from components.exports.excel import workbook_bytes  # xlsxwriter loads when a workbook is asked for

    return workbook_bytes(scenario, link=link, plan=plan)


def _use_import() -> None:
    """Callback: put the pending import on screen (parts the file lacked keep the screen's)."""
    result = st.session_state.pop(PENDING_KEY, None)
    if result is None:
        return
    now = current_state()
    apply_state(
        ScenarioState(
            result.scenario if result.scenario is not None else now.scenario,
            result.settings if result.settings is not None else now.settings,
            result.ranges if result.ranges is not None else now.ranges,
        )
    )
    st.session_state[DONE_KEY] = True
    st.session_state[UPLOAD_KEY + "_version"] = st.session_state.get(UPLOAD_KEY + "_version", 0) + 1


def import_box() -> None:
    """Read a scenario file; show what could not be read; apply it on request."""
    if st.session_state.pop(DONE_KEY, False):
        st.success("The file's scenario is on screen now, on every page.", icon=":material/check:")
    upload = st.file_uploader(
        "Import a scenario file (JSON)", type=["json"], key=f"{UPLOAD_KEY}_{st.session_state.get(UPLOAD_KEY + '_version', 0)}",
        help="A file downloaded with \"Scenario file (JSON)\". Nothing changes until you press \"Use this file\".",
    )  # fmt: skip
    if upload is None:
        st.session_state.pop(PENDING_KEY, None)
        return
    result = import_json(
        upload.getvalue(),
        current=current_scenario(),
        current_settings=page_settings(),
        current_ranges=current_ranges(),
    )
    if not result.readable:
        st.error(
            f"{plain(upload.name, limit=60)} could not be read:\n\n" + problem_list(list(result.problems)),
            icon=":material/error:",
        )
        st.session_state.pop(PENDING_KEY, None)
        return
    st.session_state[PENDING_KEY] = result
    if result.problems:
        st.warning(
            "Some values in the file could not be used; they keep what is on screen now:\n\n"
            + problem_list(list(result.problems)),
            icon=":material/warning:",
        )
    st.button(
        "Use this file", key="import_use", on_click=_use_import, type="primary", icon=":material/upload:"
    )
