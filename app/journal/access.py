"""Who may open and change which journal, answered with the clauses of app.security.scope.

Nothing here decides scope on its own: it evaluates `visible` / `changeable` /
`journal_assignments` from the scope module, also for rows that do not exist yet (a new mark in
an empty cell) by substituting the would-be column values into the scope clause.
"""
from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors

from app.models import Lesson, Mark, TeachingAssignment
from app.security.scope import Scope, changeable, journal_assignments


class NotInScope(LookupError):
    """The row does not exist or is outside the user's scope: the web layer answers 404."""


def as_if(clause, model, values: dict):
    """`clause` with the columns of `model` replaced by `values` (column name -> value or column).

    Lets us ask "would a row with these values be changeable?" before the row exists."""
    table = model.__table__

    def replace(element):
        if getattr(element, "table", None) is table and getattr(element, "key", None) in values:
            value = values[element.key]
            return value if hasattr(value, "__clause_element__") or hasattr(value, "compile") else literal(value)
        return None

    return visitors.replacement_traverse(clause, {}, replace)


def would_be_changeable(session: Session, scope: Scope, model, **values) -> bool:
    """True when a row of `model` with these column values lies within `changeable(scope, model)`."""
    clause = as_if(changeable(scope, model), model, values)
    return session.scalar(select(literal(1)).where(clause)) is not None


def marks_writable_on(scope: Scope):
    """A boolean SQL expression over Lesson: may the user write marks/absences on this lesson?"""
    return as_if(changeable(scope, Mark), Mark, {"lesson_id": Lesson.id})


def open_assignment(session: Session, scope: Scope, assignment_id: int) -> TeachingAssignment:
    """The assignment whose journal the user may open, or NotInScope."""
    assignment = session.scalar(
        select(TeachingAssignment).where(TeachingAssignment.id == assignment_id, journal_assignments(scope))
    )
    if assignment is None:
        raise NotInScope(f"teaching_assignment {assignment_id}")
    return assignment
