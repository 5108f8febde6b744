"""The house's rooms: `components/` is a kit of sub-packages on floors, and this test fails if
an import circle, an import hidden in a function to dodge one, or an arrow from a lower floor
to a higher one comes back (docs/architecture.md draws the floors).

Floors, lowest first; a module may import its own package and any lower floor, never a higher
one. `pages/` and `app.py` stand on top of all of them; `calculators/` and `storage/` stand
below and import nothing of `components/`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "components"
FLOORS = ("hosting", "words", "charts", "session", "work", "views", "inputs", "saved", "exports", "accounts")
PURE = {"hosting", "words", "charts"}  # never import Streamlit: plain Python, testable anywhere
NO_WIDGETS = {"session", "work"}  # keep and compute what is on screen; never draw a control
WIDGETS = {
    "button", "checkbox", "color_picker", "data_editor", "date_input", "download_button", "file_uploader",
    "form", "multiselect", "number_input", "pills", "popover", "radio", "segmented_control", "select_slider",
    "selectbox", "slider", "text_area", "text_input", "time_input", "toggle",
}  # fmt: skip
# Imports kept inside a function on purpose, with the reason (none may dodge a circle):
LAZY = {
    (
        "components.exports.panel",
        "components.exports.pdf",
    ): "fpdf2 and its fonts load when a brief is asked for",
    ("components.exports.panel", "components.exports.excel"): "xlsxwriter loads when a workbook is asked for",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def components_imports(tree: ast.Module, known: set[str]) -> tuple[set[str], set[str]]:
    """The `components` modules a module imports at its top and inside functions."""
    top: set[str] = set()
    local: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                for a in node.names
            ]
        names = [n for n in names if n.split(".")[0] == "components"]
        (top if node in tree.body else local).update(names)
    return top, local


def graph() -> dict[str, tuple[set[str], set[str]]]:
    paths = sorted(COMPONENTS.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {
        module_name(p): components_imports(ast.parse(p.read_text(encoding="utf-8")), known) for p in paths
    }


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (or a module importing itself).

    >>> circles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    >>> circles({"a": {"b"}, "b": set()})
    []
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in edges.get(v, ()):
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def floor(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 2 and parts[1] in FLOORS else None


def test_every_module_lives_in_a_room():
    loose = [p.name for p in COMPONENTS.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules belong in a sub-package of components/"
    rooms = {p.name for p in COMPONENTS.iterdir() if (p / "__init__.py").exists()}
    assert rooms == set(FLOORS)


@pytest.mark.parametrize("room", FLOORS)
def test_each_room_says_in_one_line_what_lives_there(room: str):
    doc = ast.get_docstring(ast.parse((COMPONENTS / room / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "\n" not in doc.strip() and len(doc) <= 120, room


def test_no_import_circle_not_even_through_a_function():
    g = graph()
    assert circles({m: top | local for m, (top, local) in g.items()}) == []


def test_imports_inside_functions_are_only_the_listed_lazy_loads():
    hidden = {(m, dep) for m, (_, local) in graph().items() for dep in local}
    assert hidden <= set(LAZY), sorted(hidden - set(LAZY))


def test_no_arrow_from_a_lower_floor_to_a_higher_one():
    upward = [
        (m, dep)
        for m, (top, local) in graph().items()
        for dep in top | local
        if floor(m) is not None and floor(dep) is not None and floor(dep) > floor(m)  # type: ignore[operator]
    ]
    assert upward == []


def test_the_pure_rooms_never_import_streamlit():
    for room in PURE:
        for path in (COMPONENTS / room).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            roots = {
                a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
            }
            roots |= {
                n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
            }
            assert "streamlit" not in roots, path


def test_session_and_work_never_draw_a_control():
    for room in NO_WIDGETS:
        for path in (COMPONENTS / room).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            drawn = {
                n.func.attr
                for n in ast.walk(tree)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in WIDGETS
            }
            assert not drawn, (path, drawn)


def test_the_floors_below_components_never_import_it():
    for folder in ("calculators", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            top, local = components_imports(ast.parse(path.read_text(encoding="utf-8")), set())
            assert not top | local, path


def test_the_checks_see_what_they_guard():
    assert circles({"components.a.x": {"components.b.y"}, "components.b.y": {"components.a.x"}})
    tree = ast.parse(
        "import os\nfrom components.words import formatting\ndef f():\n    from components.saved import store\n"
    )
    known = {"components.words.formatting", "components.saved.store"}
    assert components_imports(tree, known) == ({"components.words.formatting"}, {"components.saved.store"})
    assert floor("components.words.formatting") < floor("components.saved.store")  # type: ignore[operator]
