"""calculators/ is the pure ground floor: no Streamlit, no Plotly (backs ruff's TID251 rule)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CALCULATORS = Path(__file__).resolve().parents[2] / "calculators"
BANNED = {"streamlit", "plotly"}
SOURCES = sorted(CALCULATORS.rglob("*.py"))


def imported_roots(tree: ast.AST) -> set[str]:
    """Top-level package of every `import x` and `from x import y` in a module."""
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            in {"__import__", "import_module"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_calculators_has_sources():
    names = {p.name for p in SOURCES}
    assert {"__init__.py", "scenario.py", "codec.py", "costs.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(CALCULATORS)))
def test_calculator_module_imports_no_ui_library(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert not imported_roots(tree) & BANNED


def test_purity_check_catches_banned_imports():
    # the checker itself: each spelling of a banned import is seen
    for source in [
        "import streamlit as st",
        "import plotly.graph_objects as go",
        "from plotly import express",
        "from streamlit.runtime import exists",
        "importlib.import_module('streamlit')",
        "def f():\n    import plotly",
    ]:
        assert imported_roots(ast.parse(source)) & BANNED, source
    assert not imported_roots(ast.parse("import numpy\nfrom . import costs")) & BANNED
