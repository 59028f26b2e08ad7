"""Counting the SQL statements a piece of work runs, for the tests that pin a page's cost."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

# The navbar's count of unread messages (app/views/messages.py: messages_link): one statement on every
# page of a user who reads messages (families, teachers, the school administration).
NAVBAR_STATEMENTS = 1

# FAB's own tables (the user, roles, groups, permissions): counted apart from a page's own statements.
FAB = re.compile(r"\bab_(user|role|group|permission|view_menu|permission_view|permission_view_role)\b")


@contextmanager
def recorded_statements(engine):
    """The statements sent to `engine` inside the block, in order."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_statements(client, session, url) -> tuple[int, str]:
    """(the page's own statements, FAB's left out; the page's text) for a GET of `url`, after a
    warm-up request (the tests share one session with the app)."""
    client.get(url)
    with recorded_statements(session.get_bind()) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len([s for s in statements if not FAB.search(s)]), response.get_data(as_text=True)
