"""Markup lives in templates: no Python string under app/ writes an HTML element, so escaping is
Jinja's autoescaping and never a hand-written escape() in an f-string."""
from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# An element's start or end tag: «<td», «<td class=…», «</td>», «<br>».
ELEMENT = re.compile(r"</?(a|b|i|p|br|div|span|td|tr|th|table|thead|tbody|tfoot|li|ul|ol|dl|dt|dd|input|button|strong"
                     r"|em|small|label|select|option|form|h[1-6]|section|nav|img|script|style)(\s|>|/>|$)")
# Written before the rule, each small and escaped by markupsafe: the script tags of the page's head
# (their addresses are the app's own static files) and the material's download link of FAB's list.
KNOWN = {("views/layout.py", "scripts"), ("views/rollout.py", "attachment_link")}


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def html_in_python(root: Path = APP) -> list[str]:
    """"<file>:<line> <function>" of every string constant under `root` (f-strings' parts included)
    that writes an element, docstrings aside."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
            name = getattr(function, "name", "")
            for node in ast.walk(function):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                        and ELEMENT.search(node.value)):
                    found.append((str(path.relative_to(root)), name, node.lineno))
    # A constant inside a function is also inside the module: keep the innermost name.
    innermost = {}
    for where, name, line in found:
        if name or (where, line) not in innermost:
            innermost[(where, line)] = name
    return [f"{where}:{line} {name}" for (where, line), name in sorted(innermost.items())
            if (where, name) not in KNOWN]


def test_no_python_string_writes_an_element():
    assert html_in_python() == []


def test_the_check_sees_an_element_in_an_f_string(tmp_path):
    module = tmp_path / "views" / "cells.py"
    module.parent.mkdir()
    module.write_text('def cell(value):\n    """A <td> in a docstring is words."""\n'
                      '    return f\'<td class="cell">{value}</td>\'\n', encoding="utf-8")
    assert html_in_python(tmp_path) == ["views/cells.py:3 cell"]
