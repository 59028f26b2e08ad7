"""Imports go downward only (docs/architecture.md, «Layers»), and no module imports itself back.

Every import of every module of app/ counts, those inside functions included: a function-local
import hides a cycle from Python's start-up, not from the design.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Top to bottom; a module belongs to the first layer with a prefix of its name. A module may import
# its own layer and those below. The pages and the API are siblings that never import each other.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("entry", ("app", "app.cli", "app.demo_logins")),
    ("pages and API", ("app.views", "app.api")),
    ("web", ("app.web", "app.http", "app.health", "app.observability", "app.replica", "app.security.manager",
             "app.security.current", "app.security.filters", "app.security.login_guard",
             "app.security.password_forms")),
    ("domain", ("app.journal", "app.diary", "app.timetable", "app.today", "app.monitoring", "app.rollout", "app.notify",
                "app.accounts", "app.messages", "app.school", "app.backup", "app.exports", "app.demo", "app.demo_names",
                "app.demo_plans",
                "app.import_tokens", "app.xlsx_upload",
                "app.uploads", "app.name_search", "app.security", "app.reference_cache", "app.startup")),
    ("models", ("app.models",)),
    ("base", ("app.textinput", "app.formats", "app.clock", "app.errors", "app.i18n", "app.extensions")),
]
SIBLINGS = {"pages and API"}  # app.views and app.api never import each other


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best, rank = None, -1
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > rank:
                best, rank = index, len(prefix)
    assert best is not None, f"{module} is in no layer of tests/unit/test_layers.py"
    return best


def imports(source: str, module: str, *, is_package: bool = False, modules=None) -> set[str]:
    """The app modules `module`'s source imports, anywhere in it. `from app.x import y` imports the
    module app.x.y where there is one (`modules`), else app.x."""
    found = set()
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if modules is None or name in modules else base)
    return {name for name in found if name == "app" or name.startswith("app.")}


def graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in (ROOT / "app").rglob("*.py")}
    edges = {}
    for module, path in modules.items():
        targets = imports(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py",
                          modules=modules)
        edges[module] = {target for target in targets if target in modules and target != module}
    return edges


def upward(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in edges.items():
        for target in targets:
            if target == "app" or module == "app":
                continue  # the package itself: the factory on top, imported by nobody but app.py
            here, there = _layer(module), _layer(target)
            if there < here or (there == here and LAYERS[here][0] in SIBLINGS and module.split(".")[1] != target.split(".")[1]):
                wrong.append(f"{module} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
    return sorted(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_imports_go_downward_only():
    assert upward(graph()) == []


def test_no_module_imports_itself_back():
    assert cycles(graph()) == []


def test_the_check_sees_an_upward_import_and_a_cycle():
    planted = {"app.journal.grid": {"app.views.journal"}, "app.views.journal": {"app.journal.grid"},
               "app.api.diary": {"app.views.diary"}, "app.views.diary": set()}
    assert upward(planted) == ["app.api.diary (pages and API) imports app.views.diary (pages and API)",
                               "app.journal.grid (domain) imports app.views.journal (pages and API)"]
    assert cycles(planted) == [["app.journal.grid", "app.views.journal"]]


@pytest.mark.parametrize("source,expected", [
    ("def f():\n    from app.views.diary import family\n", {"app.views.diary"}),
    ("from . import grading\n", {"app.journal.grading"}),
    ("from .week import load_periods\n", {"app.journal.week"}),
])
def test_function_local_and_relative_imports_count(source, expected):
    modules = {"app.views.diary", "app.journal.grading", "app.journal.week"}
    assert imports(source, "app.journal.grid", modules=modules) == expected
