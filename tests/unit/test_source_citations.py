"""Sources are cited as readers know them (publisher, title, date), never by the project's
internal numbering ("seed 002") or its design documents ("PRODUCT.md")."""

from __future__ import annotations

import re

import pytest

from calculators.decision import CRITERIA
from calculators.evidence import RESEARCH
from calculators.presets import load_presets
from calculators.scenario import ARTICLE_000, ARTICLE_001, ARTICLE_002, INPUTS, SOURCE_DOCUMENTS

INTERNAL = re.compile(r"\bseeds?\b|PRODUCT\.md|seed-table", re.IGNORECASE)


def _texts() -> list[tuple[str, str]]:
    texts = [(f"input {s.name}", f"{s.label} {s.source} {s.help}") for s in INPUTS.values()]
    texts += [(f"criterion {c.key}", f"{c.label} {c.source}") for c in CRITERIA]
    texts += [(f"research {f.source}", f.finding) for f in RESEARCH]
    texts += [(f"preset {p.name}", f"{p.name} {p.description} {p.source}") for p in load_presets()[0]]
    texts += [(f"document {d.title}", f"{d.citation} {d.short} {d.used_for}") for d in SOURCE_DOCUMENTS]
    return texts


@pytest.mark.parametrize(("where", "text"), _texts(), ids=lambda x: x[:40])
def test_no_internal_words_in_on_screen_metadata(where, text):
    """Every source, help text, preset and criterion shown on screen is free of internal words."""
    assert not INTERNAL.search(text), where


def test_source_documents_are_cited_by_publisher_title_and_date():
    """The three articles as in their headers: Upscend 10 Feb 2026, Micro-Train 13 Mar 2023, seed 000 undated."""
    assert ARTICLE_002.citation == "Upscend, 'Microlearning vs instructor-led' (10 February 2026)"
    assert ARTICLE_001.citation == (
        "Micro-Train blog, 'How Micro Learning Fits Into the Larger Training Strategy' (13 March 2023)"
    )
    assert (
        ARTICLE_000.citation
        == "'How to Future-Proof Your Tech Career' (web article; no publisher or date given)"
    )


def test_vendor_cost_table_defaults_cite_the_upscend_article():
    """The cost defaults name the Upscend article and call its table what it is: a vendor cost table."""
    for name in ("micro_fixed_cost", "micro_cost_per_learner", "ilt_fixed_cost", "ilt_cost_per_learner"):
        assert INPUTS[name].source.startswith(ARTICLE_002.citation + ", vendor cost table"), name
