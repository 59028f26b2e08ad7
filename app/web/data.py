"""The one data layer under Flask-AppBuilder's model views (app.views.base) and model APIs
(app.api.base): `ScopedInterface`, FAB's SQLAInterface with our policy for writes.

- A database refusal of a write (unique, foreign key, check, a value the column cannot hold, a
  lost connection: any SQLAlchemyError) is rolled back and raised as one DomainError whose message
  is app.errors.database_error_message's Russian sentence; nothing is logged as a server error, and
  the SQL text never reaches the user. A page flashes the sentence, the API answers it with 422.
- `add`, `edit` and `delete` commit when `commit` is true (FAB's default, what its views and APIs
  pass); with `commit=False` the caller owns the transaction.
- `assert_changeable` refuses (ScopeRefused) and rolls back a write that would leave the row outside
  the user's changeable scope; the flush it needs meets database refusals first, with the same
  Russian sentence.

The list helpers (counts bounded for pages, the relations a list shows loaded with it, sorting by
columns only, names with numbers in their natural order) live here too, since FAB reaches them
through the interface.
"""
from __future__ import annotations

from flask import current_app
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_decimal
from sqlalchemy import asc, desc, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ColumnProperty, RelationshipDirection, RelationshipProperty, selectinload
from sqlalchemy.sql.selectable import Join

from app import name_search
from app.errors import DomainError, database_error_message
from app.models import (
    AcademicYear, Holiday, JournalSystem, Municipality, Room, School, StudyPeriod, Subgroup, Subject,
)
from app.security.current import current_scope
from app.security.scope import changeable
from app.i18n import _l


class ScopeRefused(DomainError):
    """A write outside the user's changeable scope: nothing saved (the API answers 403)."""


class BoundedCount(int):
    """A list's row count that stopped past its bound: FAB pages by the number, and the list header
    shows «более 10 000» instead of a figure it never counted."""

    bound: int = 0

    def __str__(self) -> str:
        return str(_l("более %(n)s", n=format_decimal(self.bound)))


# Names that carry numbers, listed in their natural order («СОШ № 2» before «СОШ № 10», «Каб. 9»
# before «Каб. 10») instead of the database's letter by letter one. Catalogues a school or the
# region names, of a size a list sorts by an expression at once (1,400 schools at most); people's
# names carry no numbers and keep the order of their indexes.
NATURAL_ORDER = {
    School: {"short_name", "name"}, Municipality: {"name"}, Subject: {"name", "short_name"}, Room: {"name"},
    Subgroup: {"name"}, StudyPeriod: {"name"}, Holiday: {"name"}, AcademicYear: {"name"}, JournalSystem: {"name"},
}


def count_bound() -> int:
    """How many rows a list counts at most (LIST_COUNT_BOUND, 10,000 by default)."""
    return int(current_app.config.get("LIST_COUNT_BOUND", 10_000))


class ScopedInterface(SQLAInterface):
    """SQLAInterface of every model view and model API; see the module docstring."""

    # Loader options of the rows a list shows (ScopedModelView sets them from its list columns).
    list_loads: tuple = ()
    # Whether counts stop at count_bound() (the pages' lists: ScopedModelView turns it on). The
    # API's `count` stays exact: clients page by it.
    counts_bounded: bool = False

    @staticmethod
    def is_model_already_joined(query, model) -> bool:
        """Whether `model`'s table is in the query's FROM or joined to it. FAB's own check walks the
        whole statement, so a scope filter's subquery on the table (the marks' `lesson.school_id =
        ?`) counted as a join: sorting the marks by «lesson.date» then skipped the join and the
        database refused the column (a 500)."""
        table = model.__table__

        def tables(clause):
            clause = getattr(clause, "__clause_element__", lambda: clause)()
            if isinstance(clause, Join):
                yield from tables(clause.left)
                yield from tables(clause.right)
            else:
                clause = getattr(clause, "element", clause)  # an alias stands for its table
                yield clause._deannotate()  # the ORM's joins hold annotated copies of the tables

        statement = query.statement
        # The ORM keeps a query's joins apart from its FROM list until it is compiled.
        clauses = [*statement.get_final_froms(), *(join[0] for join in statement._setup_joins)]
        return any(found is table for clause in clauses for found in tables(clause))

    def is_sortable(self, column: str) -> bool:
        """Whether the database can order by `column`: a column of the model or, dotted, of a related
        model; not a relation («academic_year», «lesson.assignment»), which FAB cannot order by."""
        root, _, leaf = column.partition(".")
        model = self.get_related_model(root) if leaf and self.is_relation(root) else self.obj
        attribute = getattr(model, leaf or root, None)
        prop = getattr(attribute, "property", None)
        return isinstance(prop, ColumnProperty)

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        """FAB's order, but a name of NATURAL_ORDER in its natural order (app.name_search.natural),
        the key breaking ties so that pages do not overlap."""
        if order_column not in NATURAL_ORDER.get(self.obj, ()):
            return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                          bypass_many_to_many, add_pk)
        direction = asc if order_direction == "asc" else desc
        return query.order_by(direction(name_search.natural(getattr(self.obj, order_column))),
                              direction(self.obj.__mapper__.primary_key[0]))

    def query_count(self, query, filters=None, select_columns=None) -> int:
        """The number of the list's rows; on pages up to `count_bound()`, past it a BoundedCount
        (bench lists: the administrator's marks list counted all 7.2 M marks of 40 schools, 3.7 s,
        and a region has 250 M a year). FAB counted over the ordered query, so the database also
        sorted every row in scope only to count them; the count has no ORDER BY."""
        counted = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        counted = counted.order_by(None)
        if not self.counts_bounded:
            return counted.count()
        bound = count_bound()
        number = counted.limit(bound + 1).count()
        if number <= bound:
            return number
        more = BoundedCount(number)
        more.bound = bound
        return more

    def apply_all(self, query, *args, **kwargs):
        """FAB's query of a list or a drop-down, with the relations its rows are shown with loaded
        a statement each for the page: FAB read them row by row (a school's substitutions: 61
        statements, growing with its classes and subjects)."""
        return super().apply_all(query, *args, **kwargs).options(*self.list_loads, *_named_by(self.obj))

    # --- writes ------------------------------------------------------------------------------

    def _write(self, action, item, commit: bool) -> None:
        try:
            action(item)
            if commit:
                self.session.commit()
        except SQLAlchemyError as error:
            self.session.rollback()
            raise DomainError(database_error_message(error)) from error

    def add(self, item, commit=True):
        self._write(self.session.add, item, commit)

    def edit(self, item, commit=True):
        self._write(self.session.merge, item, commit)

    def delete(self, item, commit=True):
        self._write(self.session.delete, item, commit)

    def assert_changeable(self, item, *, pending_add: bool = False) -> None:
        """Refuse (and undo) a write that would leave `item` outside the user's changeable scope.
        `pending_add`: the item is new and joins the session first."""
        session = self.session
        key = self.obj.__mapper__.primary_key[0]
        try:
            if pending_add:
                session.add(item)
            session.flush()
            found = session.scalar(select(key).where(key == getattr(item, key.key),
                                                     changeable(current_scope(), self.obj)))
        except SQLAlchemyError as error:
            session.rollback()
            raise DomainError(database_error_message(error)) from error
        if found is None:
            session.rollback()
            raise ScopeRefused(str(_l("Эта запись вне вашей зоны ответственности: изменение не сохранено.")))


def _named_by(model, path=None) -> list:
    """selectinload options for the relations `model`'s name reads (its `named_by`), under `path`."""
    return [(path.selectinload if path else selectinload)(getattr(model, name))
            for name in getattr(model, "named_by", ())]


def list_loads(datamodel: SQLAInterface, columns) -> tuple:
    """Loader options for the many-to-one relations that list `columns` show («pupil»,
    «lesson.date», «lesson.assignment»), and for what their names read."""
    options = []
    for column in columns:
        root, _, leaf = column.partition(".")
        if not datamodel.is_relation(root) or not datamodel.is_relation_many_to_one(root):
            continue
        path = selectinload(getattr(datamodel.obj, root))
        related = datamodel.get_related_model(root)
        prop = getattr(getattr(related, leaf, None), "property", None) if leaf else None
        if isinstance(prop, RelationshipProperty) and prop.direction is RelationshipDirection.MANYTOONE:
            path = path.selectinload(getattr(related, leaf))
            related = prop.mapper.class_
        elif leaf:
            options.append(path)
            continue
        options += [path, *_named_by(related, path)]
    return tuple(options)
