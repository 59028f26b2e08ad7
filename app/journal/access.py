"""Who may open and change which journal, answered with the clauses of app.security.scope.

Nothing here decides scope on its own: it evaluates `visible` / `changeable` /
`journal_assignments` from the scope module, also for rows that do not exist yet (a new mark in
an empty cell) by substituting the would-be column values into the scope clause.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, literal, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.selectable import CompoundSelect, ScalarSelect, Select

from app.models import Lesson, Mark, TeachingAssignment
from app.security.scope import CLAUSES_KEPT, Scope, changeable, journal_assignments, visible


class NotInScope(LookupError):
    """The row does not exist or is outside the user's scope: the web layer answers 404."""


def as_if(clause, model, values: dict):
    """`clause` with the columns of `model` replaced by `values` (column name -> value or column).

    Lets us ask "would a row with these values be changeable?" before the row exists."""
    table = model.__table__

    def replace(element):
        if getattr(element, "table", None) is table and getattr(element, "key", None) in values:
            value = values[element.key]
            if hasattr(value, "__clause_element__"):
                return value.__clause_element__()
            return value if hasattr(value, "compile") else literal(value)
        return None

    return visitors.replacement_traverse(clause, {}, replace)


def on_row(clause, model, *, unions: bool = True):
    """`clause` with every `model.pk IN (SELECT model.pk FROM model WHERE p)` replaced by `p`, and
    (`unions`) every `model.pk IN (SELECT … WHERE p UNION SELECT … WHERE q …)` by `p OR q …`.

    Substituting `Lesson.id` for `Mark.lesson_id` in a Mark clause yields "this lesson is one of
    the lessons where p", which PostgreSQL answers by scanning every lesson of the region; `p`
    evaluated on the same row is the same condition (the key is unique and not null) and uses the
    row at hand. Only a bare subquery is unwrapped (one table, one key column, no join, grouping,
    limit or distinct). The result may be NULL where the IN form is FALSE: use it in WHERE or as a
    truth value, not under NOT."""
    table = model.__table__
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        return clause
    key = keys[0]

    def is_key(column):  # ORM clauses carry annotated copies of the table's columns
        return getattr(column, "table", None) is table and getattr(column, "name", None) == key.name

    def replace(element):
        if not (isinstance(element, BinaryExpression) and element.operator is operators.in_op):
            return None
        inner = element.right.element if isinstance(element.right, ScalarSelect) else element.right
        return unwrapped(inner) if is_key(element.left) else None

    def unwrapped(inner):
        """The condition on the row that `inner` selects the keys of, or None."""
        if isinstance(inner, CompoundSelect):
            if (not unions or inner.keyword not in (CompoundSelect.UNION, CompoundSelect.UNION_ALL)
                    or inner._limit_clause is not None or inner._offset_clause is not None):
                return None
            parts = [unwrapped(part) for part in inner.selects]
            return None if any(part is None for part in parts) else or_(*parts).self_group()
        if not isinstance(inner, Select):
            return None
        columns = list(inner.selected_columns)
        if (len(columns) != 1 or not is_key(columns[0]) or inner._from_obj or inner._setup_joins
                or inner._group_by_clauses or inner._having_criteria or inner._limit_clause is not None
                or inner._offset_clause is not None or inner._distinct):
            return None
        # The FROM list the subquery would get (get_final_froms() costs a millisecond): only the table.
        froms = list(inner.columns_clause_froms)
        if inner.whereclause is not None:
            froms += inner.whereclause._from_objects
        if any(f._deannotate() is not table for f in froms):
            return None
        return true() if inner.whereclause is None else inner.whereclause.self_group()

    return visitors.replacement_traverse(clause, {}, replace)


def would_be_changeable(session: Session, scope: Scope, model, **values) -> bool:
    """True when a row of `model` with these column values lies within `changeable(scope, model)`."""
    statement = _would_be_changeable_statement(scope, model, tuple(sorted(values)))
    return session.scalar(statement, {f"as_if_{name}": value for name, value in values.items()}) is not None


# Rewriting a scope clause (as_if, on_row) walks and copies it: milliseconds a request. The results
# depend only on the Scope value and the model, so each process keeps them.
@lru_cache(maxsize=CLAUSES_KEPT)
def _would_be_changeable_statement(scope: Scope, model, names: tuple[str, ...]):
    columns = model.__table__.c
    values = {name: bindparam(f"as_if_{name}", type_=columns[name].type) for name in names}
    return select(literal(1)).where(as_if(changeable(scope, model), model, values))


@lru_cache(maxsize=CLAUSES_KEPT)
def marks_writable_on(scope: Scope):
    """A boolean SQL expression over Lesson: may the user write marks/absences on this lesson?

    A predicate on the Lesson row itself (see `on_row`), so the database checks only the lessons
    the query selects."""
    return on_row(as_if(changeable(scope, Mark), Mark, {"lesson_id": Lesson.id}), Lesson)


@lru_cache(maxsize=CLAUSES_KEPT)
def lessons_listed(scope: Scope, model):
    """A boolean SQL expression over Lesson for a list of marks or absences joined to their lessons:
    `visible(scope, model)` with a single subquery of lessons turned into its condition on the row
    (a director's `lesson.school_id = ?`: the database walks the school's lessons by date and stops
    at the end of the page), and a union of lessons (a teacher's) left a set of ids: as an OR on
    the row, PostgreSQL read every mark of the region."""
    return on_row(as_if(visible(scope, model), model, {"lesson_id": Lesson.id}), Lesson, unions=False)


def visible_on_lesson(scope: Scope, model):
    """A boolean SQL expression over Lesson: may the user read the rows of `model` (marks or
    absences) of this lesson? `visible(scope, model)` checked on the lesson row, like
    `marks_writable_on`."""
    return on_row(as_if(visible(scope, model), model, {"lesson_id": Lesson.id}), Lesson)


def open_assignment(session: Session, scope: Scope, assignment_id: int) -> TeachingAssignment:
    """The assignment whose journal the user may open, or NotInScope."""
    assignment = session.scalar(
        select(TeachingAssignment).where(TeachingAssignment.id == assignment_id,
                                         journal_assignments(scope, by_id=True))
    )
    if assignment is None:
        raise NotInScope(f"teaching_assignment {assignment_id}")
    return assignment
