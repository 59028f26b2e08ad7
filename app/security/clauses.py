"""Asking the row-scope rule (app.security.scope) about single rows.

- `NotInScope`: the row does not exist or is outside the user's scope; the web layer answers 404.
- `as_if(clause, model, values)`: a scope clause for a row not written yet (a new mark in an empty
  cell), with the would-be column values in place of the columns.
- `on_row(clause, model)`: a clause that asked "is this row's parent one of the parents where p"
  rewritten as p on the parent row at hand, which the database checks on that row alone.
- `would_be_changeable(session, scope, model, **values)`: may the user write such a row?
Nothing here decides scope: it rewrites and evaluates the clauses of app.security.scope.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, literal, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.selectable import CompoundSelect, ScalarSelect, Select

from app.security.scope import CLAUSES_KEPT, Scope, changeable


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
