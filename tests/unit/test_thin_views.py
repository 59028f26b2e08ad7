"""Views parse, call one domain function and render (docs/architecture.md): no module of app/views
builds a query with select() or ends a transaction with .commit() / .flush(). Queries and writes
live in app/<domain>/, which commit or roll back themselves.

A text scan of the code (comments and strings left out), so that neither an alias nor a helper
function inside the view module hides the call."""
from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "app" / "views"
FORBIDDEN = ("select(", ".commit(", ".flush(")


def _code_only(source: str) -> str:
    """The source without comments and string literals (docstrings included)."""
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.STRING):
            kept.append(token.string)
    return " ".join(kept).replace(" (", "(").replace(" . ", ".").replace(". ", ".").replace(" .", ".")


def forbidden_calls(source: str) -> set[str]:
    """Which of select( / .commit( / .flush( the code of `source` contains."""
    ast.parse(source)  # a module that does not parse fails here, not silently
    code = _code_only(source)
    return {call for call in FORBIDDEN if call in code}


def test_scan_finds_calls_and_ignores_comments_and_strings():
    assert forbidden_calls("rows = session.scalars(select(A))\ndb.session.commit()\n") == {"select(", ".commit("}
    assert forbidden_calls("s = db.session\ns . flush ()\n") == {".flush("}
    assert forbidden_calls('"""Calls select( and .commit( in prose."""\n# session.flush()\nx = 1\n') == set()


def test_views_make_no_query_and_end_no_transaction():
    found = {}
    for path in sorted(VIEWS.glob("*.py")):
        calls = forbidden_calls(path.read_text(encoding="utf-8"))
        if calls:
            found[path.name] = sorted(calls)
    assert found == {}, f"move these into a domain function (app/<domain>/): {found}"

