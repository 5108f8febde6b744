"""Decision matrix on screen: the rating grid, the weighted totals, the radar and the sentence.

`result_sentence` and `radar_figure` are pure (tested without Streamlit); `rating_grid`
draws the inputs (keys `dm_weight_<criterion>` and `dm_rating_<criterion>_<option>`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from calculators.decision import CRITERIA, RATING_SCORE, RATINGS, Criterion, ranking
from calculators.roi import Option
from calculators.scenario import ARTICLE_002
from components.charts.chart_data import table_hint
from components.charts.spec import Chart, scatterpolar
from components.charts.theme import AXIS_TEXT, GRID, INK, OPTION_COLOURS, frame, wrap
from components.session.page_settings import FROM_LINK, RATING_MARK, seed
from components.views.kpi import Tile, kpi_row
from components.views.returns_view import option_label

DEFAULT_WEIGHT = 5
SPOKE_WRAP = 14  # characters per line of a radar spoke's name
MAX_WEIGHT = 10


def _score(x: float) -> str:
    return f"{x:.1f}"


def result_sentence(totals: dict[Option, float] | None) -> str:
    """The matrix's answer in one sentence (scores on the 1-5 scale, one decimal).

    >>> result_sentence({Option.MICRO: 3.9, Option.ILT: 3.4})
    'With your weights, microlearning leads: 3.9 of 5 against 3.4 for instructor-led.'
    >>> result_sentence({Option.MICRO: 3.5, Option.ILT: 3.5, Option.BLEND: 3.2})
    'With your weights, microlearning and instructor-led tie at 3.5 of 5; blended scores 3.2.'
    >>> result_sentence(None)
    'Give at least one criterion a weight above zero to score the options.'
    """
    if not totals:
        return "Give at least one criterion a weight above zero to score the options."
    order = ranking(totals)
    top = round(totals[order[0]], 1)
    leaders = [o for o in order if round(totals[o], 1) == top]
    rest = [o for o in order if o not in leaders]
    if len(leaders) == len(order):
        return f"With your weights, the options tie at {_score(top)} of 5."
    if len(leaders) > 1:
        names = " and ".join(o.label.lower() for o in leaders)
        others = "; ".join(f"{o.label.lower()} scores {_score(totals[o])}" for o in rest)
        return f"With your weights, {names} tie at {_score(top)} of 5; {others}."
    others = " and ".join(f"{_score(totals[o])} for {o.label.lower()}" for o in rest)
    return f"With your weights, {order[0].label.lower()} leads: {_score(top)} of 5 against {others}."


def radar_title(totals: dict[Option, float] | None) -> str:
    """Chart title stating the scores, e.g. 'Microlearning scores 3.9 of 5, instructor-led 3.4'.

    >>> radar_title({Option.MICRO: 3.94, Option.ILT: 3.4, Option.BLEND: 3.6})
    'Microlearning scores 3.9 of 5, blended 3.6, instructor-led 3.4'
    """
    if not totals:
        return "No weights: nothing to score"
    order = ranking(totals)
    first = f"{order[0].label} scores {_score(totals[order[0]])} of 5"
    return ", ".join([first] + [f"{o.label.lower()} {_score(totals[o])}" for o in order[1:]])


def radar_figure(
    ratings: dict[str, dict[Option, str]], totals: dict[Option, float] | None, weights: dict[str, float]
) -> go.Figure:
    """One closed outline per option over the six criteria, in the option's colour (1-5 scale).

    >>> from calculators.decision import default_ratings
    >>> from calculators.scenario import Scenario
    >>> r = default_ratings(Scenario())
    >>> fig = radar_figure(r, {Option.MICRO: 3.9, Option.ILT: 3.4}, {c.key: 1 for c in CRITERIA})
    >>> [t.name for t in fig.data], fig.data[0].r[:4], fig.data[0].line.color
    (['Microlearning', 'Instructor-led'], (4, 4, 3, 5), '#0072B2')
    """
    options = list(totals) if totals else [Option.MICRO, Option.ILT]
    # The blend is drawn first and dashed: it often shares most ratings with a pure format.
    options.sort(key=lambda o: o is not Option.BLEND)
    # Spoke names wrapped short: on a phone they stand beside a small radar and must not be cut.
    labels = [
        wrap(c.label + ("" if weights.get(c.key, 0) > 0 else " (weight 0)"), SPOKE_WRAP) for c in CRITERIA
    ]
    fig = Chart()
    for option in options:
        scores = [RATING_SCORE[ratings[c.key][option]] for c in CRITERIA]
        fig.add_trace(
            scatterpolar(
                r=scores + scores[:1],
                theta=labels + labels[:1],
                name=option.label,
                mode="lines+markers",
                line={
                    "color": OPTION_COLOURS[option],
                    "width": 3,
                    "dash": "dash" if option is Option.BLEND else "solid",
                },
                marker={"size": 7},
                fill="toself",
                opacity=0.9,
                fillcolor=_translucent(OPTION_COLOURS[option]),
                hovertemplate="%{theta}: %{r} of 5<extra>" + option.label + "</extra>",
            )
        )
    frame(
        fig,
        radar_title(totals),
        x_title="",
        y_title="",
        subtitle="Ratings on a 1-5 scale (Very Low 1 … Very High 5); further out is better",
        height=540,
        legend=True,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        margin={"l": 10, "r": 10, "b": 10},
        hovermode="closest",
        polar={
            # Side room for the spoke names: ~90 px each side on a phone; the height limits it on a desktop.
            "domain": {"x": [0.24, 0.76]},
            "radialaxis": {
                "range": [0, 5],
                "tickvals": [1, 2, 3, 4, 5],
                "ticktext": list(RATINGS),
                "tickfont": {"size": 10, "color": AXIS_TEXT},
                "angle": 90,  # along the first spoke, where the scale reads upwards
                "tickangle": 90,
                "gridcolor": GRID,
            },
            "angularaxis": {
                "gridcolor": GRID,
                "direction": "clockwise",
                "tickfont": {"size": 12, "color": INK},
            },
            "bgcolor": "white",
        },
    )
    fig.update_layout(table_hint(index="Criterion", name="Ratings by criterion"))
    return fig.figure()


def _translucent(hex_colour: str, alpha: float = 0.05) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def weight_key(criterion: str) -> str:
    return f"dm_weight_{criterion}"


def rating_key(criterion: str, option: Option) -> str:
    return f"dm_rating_{criterion}_{option.value}"


def _seed_rating(key: str, default: str) -> None:
    """Give a rating widget its default; a new default (the scenario changed) replaces it.

    A rating that came from a link is the link author's choice: it stays, and the current
    default is remembered so a later change of the default is noticed."""
    mark = RATING_MARK + key
    if st.session_state.get(mark) == FROM_LINK and key in st.session_state:
        st.session_state[mark] = default
        return
    if st.session_state.get(mark) != default or key not in st.session_state:
        st.session_state[key] = default
        st.session_state[mark] = default


def _criterion_caption(c: Criterion) -> str:
    if c.seed_words:
        return f"{ARTICLE_002.publisher} article: {c.seed_words[Option.MICRO]} vs {c.seed_words[Option.ILT]}"
    if c.key == "cost":
        return "From the model's total cost at your learner count"
    return "Your judgement: equal until you rate it"


def rating_grid(
    defaults: dict[str, dict[Option, str]], options: list[Option]
) -> tuple[dict[str, dict[Option, str]], dict[str, float]]:
    """Draw one row per criterion (weight slider, a rating per option); return ratings and weights.

    Every slider shows its label ("Weight", the option's name in its colour): on a phone the
    columns stack, and a column header far above would leave unlabelled sliders.
    """
    widths = [2.2, 1.6] + [1.8] * len(options)
    ratings: dict[str, dict[Option, str]] = {}
    weights: dict[str, float] = {}
    for c in CRITERIA:
        seed(weight_key(c.key))  # a page setting: kept across pages and in the link
        row = st.columns(widths, vertical_alignment="center")
        row[0].markdown(f"**{c.label}**")
        row[0].caption(_criterion_caption(c))
        weights[c.key] = float(
            row[1].slider(
                "Weight", 0, MAX_WEIGHT, key=weight_key(c.key), persist_state="session",
                help=f"How much {c.label.lower()} matters to you (0 ignores it).",
            )
        )  # fmt: skip
        ratings[c.key] = {}
        for column, option in zip(row[2:], options, strict=True):
            key = rating_key(c.key, option)
            _seed_rating(key, defaults[c.key][option])
            ratings[c.key][option] = column.select_slider(
                option_label(option), options=list(RATINGS), key=key, persist_state="session",
                help=f"Default: {defaults[c.key][option]}. Source: {c.source}.",
            )  # fmt: skip
    return ratings, weights


def total_tiles(totals: dict[Option, float] | None, weights: dict[str, float]) -> None:
    """One tile per option: its weighted total on the 1-5 scale."""
    if not totals:
        return
    total_weight = sum(weights.values())
    heaviest = max(CRITERIA, key=lambda c: weights[c.key])
    share = 100 * weights[heaviest.key] / total_weight
    used = [w for w in weights.values() if w > 0]
    if len(set(used)) == 1:
        caption = f"Equal weights on {len(used)} of {len(weights)} criteria"
    else:
        caption = f"Heaviest criterion: {heaviest.label.lower()} ({share:.0f} % of the weight)"
    kpi_row([Tile(option_label(o, "weighted score"), f"{_score(totals[o])} of 5", caption) for o in totals])


def matrix_table(
    ratings: dict[str, dict[Option, str]], weights: dict[str, float], totals: dict[Option, float] | None
) -> pd.DataFrame:
    """The matrix as a table: weight share, then each option's rating and score per criterion."""
    total_weight = sum(weights.values()) or 1.0
    rows = []
    options = list(totals) if totals else [Option.MICRO, Option.ILT]
    for c in CRITERIA:
        row: dict[str, object] = {
            "Criterion": c.label,
            "Weight (%)": round(100 * weights[c.key] / total_weight, 1),
        }
        for o in options:
            rating = ratings[c.key][o]
            row[o.label] = f"{rating} ({RATING_SCORE[rating]})"
        row["Source"] = c.source
        rows.append(row)
    if totals:
        total_row: dict[str, object] = {"Criterion": "Weighted total (1-5)", "Weight (%)": 100.0}
        total_row.update({o.label: _score(totals[o]) for o in options})
        total_row["Source"] = "Each score times its weight, summed, divided by the sum of the weights"
        rows.append(total_row)
    return pd.DataFrame(rows)
