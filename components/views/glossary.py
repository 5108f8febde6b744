"""The glossary on the Assumptions & sources page: the terms the tiles and charts use, in plain words.

`GLOSSARY` is plain data (term, one or two sentences), so tests and other screens can read
it; `glossary` draws it under a heading with the stable anchor `GLOSSARY_ANCHOR`, so a
tile's help can end with `SEE_GLOSSARY` and the page URL `/sources#glossary` lands on it.

>>> [term for term, _ in GLOSSARY][:3]
['Net present value (NPV)', 'Payback', 'Discounted payback']
>>> all(meaning.count(". ") <= 2 and meaning.endswith(".") for _, meaning in GLOSSARY)
True
"""

from __future__ import annotations

import streamlit as st

from calculators.scenario import GRADE_MEANING, Grade

GLOSSARY_TITLE = "Glossary"
GLOSSARY_ANCHOR = "glossary"
SEE_GLOSSARY = "See the glossary on Assumptions & sources."

_GRADES = "; ".join(f"{g.value}, {GRADE_MEANING[g]}" for g in (Grade.A, Grade.B, Grade.C, Grade.D))

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "Net present value (NPV)",
        "All benefits minus all costs over the horizon, with money that arrives later counted for less "
        "at your discount rate. Above zero, the training earns more than the same money would at that rate.",
    ),
    (
        "Payback",
        "How many months the benefits take to repay the costs, counting every month's money at face value. "
        "“—” means the costs are not repaid within the horizon.",
    ),
    (
        "Discounted payback",
        "The same count of months, but with later benefits counted for less at your discount rate. "
        "It is always at least as long as the plain payback.",
    ),
    (
        "Benefit-cost ratio (BCR)",
        "Benefits divided by costs: 1.5 means every 1 spent brings back 1.50. Above 1 the training pays for itself.",
    ),
    (
        "ROI as claimed",
        "Net gain as a share of cost (0 % is break-even, 100 % means the benefits are twice the costs), on "
        "the benefits the inputs state, after completion, attribution, application and retention.",
    ),
    (
        "Defensible ROI",
        "The same ratio under the Phillips ROI Methodology's conservative rules: first-year benefits only, "
        "fully loaded costs and estimates multiplied by your confidence. It is the figure to show finance.",
    ),
    (
        "Chance of loss",
        "The share of 10,000 simulated outcomes in which ROI is below zero. Each outcome draws every uncertain "
        "input within its low and high values on the Sensitivity page.",
    ),
    (
        "P10, P50, P90",
        "The values that 10 %, 50 % and 90 % of the simulated outcomes fall below. P50 is the middle outcome; "
        "eight outcomes in ten lie between P10 and P90.",
    ),
    (
        "Break-even",
        "The number of learners from which a format's benefits cover its costs (ROI of zero or more). "
        "With fewer learners the fixed development cost is not recovered.",
    ),
    (
        "Crossover",
        "The number of learners above which one format costs less in total than the other. Below it the "
        "format with the lower development cost is cheaper; above it, the one with the lower cost per learner.",
    ),
    (
        "Evidence grades A–D",
        f"How well a default is supported: {_GRADES}. “Your figure” marks inputs only your organisation can supply.",
    ),
)


def glossary() -> None:
    """The glossary under its anchored heading, one term per line."""
    st.header(GLOSSARY_TITLE, anchor=GLOSSARY_ANCHOR)
    st.markdown("\n".join(f"- **{term}**: {meaning}" for term, meaning in GLOSSARY))
