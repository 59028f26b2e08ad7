"""Base classes for our FAB views: row scope from app.security.scope, Russian database errors."""
from __future__ import annotations

from flask import abort, current_app
from flask_appbuilder import ModelView, expose
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ColumnProperty, RelationshipDirection, RelationshipProperty, selectinload
from sqlalchemy.sql.selectable import Join
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from app import uploads
from app.errors import DomainError, database_error_message
from app.security.current import current_scope
from app.security.filters import ScopeFilter, scope_base_filters
from app.security.scope import changeable
from app.textinput import TextRefused, clean_column, column_rule
from app.web.list_args import ListArgs
from app.web.search_forms import ReachSearch


class UploadField(FileField):
    """A file input of a FAB form, checked by app.uploads when the form validates.

    A refused file is the field's error (a Russian sentence under the input) and nothing is saved.
    On saving, an accepted file fills the model's `filename`, `content_type` and `data`; with
    `required=False` an empty input keeps the file the row already has (an edit form)."""

    def __init__(self, label=None, validators=None, *, required: bool, **kwargs):
        super().__init__(label, validators, render_kw={"accept": uploads.ACCEPT}, **kwargs)
        self.required = required
        self.flags.required = required
        self.checked: uploads.UploadedFile | None = None

    def pre_validate(self, form):
        storage = self.data
        if not storage and not self.required:
            return
        try:
            self.checked = uploads.check_upload(storage.filename if storage else "", storage.read() if storage else b"")
        except DomainError as refusal:
            raise ValidationError(refusal.message) from refusal

    def populate_obj(self, obj, name):
        if self.checked is not None:
            obj.filename = self.checked.filename
            obj.content_type = self.checked.content_type
            obj.data = self.checked.data


class BoundedCount(int):
    """A list's row count that stopped past its bound: FAB pages by the number, and the list header
    shows «более 10 000» instead of a figure it never counted."""

    bound: int = 0

    def __str__(self) -> str:
        return str(_l("более %(n)s", n=format_decimal(self.bound)))


def count_bound() -> int:
    """How many rows a list counts at most (LIST_COUNT_BOUND, 10,000 by default)."""
    return int(current_app.config.get("LIST_COUNT_BOUND", 10_000))


class ScopedInterface(SQLAInterface):
    """SQLAInterface whose writes turn database refusals into one Russian DomainError.

    FAB's own add() re-raises the raw SQLAlchemy error (its text, with SQL, would reach the user)
    and logs it as an exception; a refused write is not a server error."""

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

    def query_count(self, query, filters=None, select_columns=None) -> int:
        """The number of the list's rows, up to `count_bound()`: past it a BoundedCount (bench
        lists: the administrator's marks list counted all 7.2 M marks of 40 schools, 3.7 s, and a
        region has 250 M a year). FAB counted over the ordered query, so the database also sorted
        every row in scope only to count them; the count has no ORDER BY."""
        bound = count_bound()
        counted = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        number = counted.order_by(None).limit(bound + 1).count()
        if number <= bound:
            return number
        more = BoundedCount(number)
        more.bound = bound
        return more

    # Loader options of the rows a list shows (ScopedModelView sets them from its list columns).
    list_loads: tuple = ()

    def apply_all(self, query, *args, **kwargs):
        """FAB's query of a list or a drop-down, with the relations its rows are shown with loaded
        a statement each for the page: FAB read them row by row (a school's substitutions: 61
        statements, growing with its classes and subjects)."""
        return super().apply_all(query, *args, **kwargs).options(*self.list_loads, *_named_by(self.obj))

    def _write(self, action, item):
        try:
            action(item)
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise DomainError(database_error_message(error)) from error

    def add(self, item, commit=True):
        self._write(self.session.add, item)

    def edit(self, item, commit=True):
        self._write(self.session.merge, item)

    def delete(self, item, commit=True):
        self._write(self.session.delete, item)


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


def _assert_changeable(datamodel: SQLAInterface, item) -> None:
    """Refuse (and undo) a write that would leave a row outside the user's changeable scope."""
    session = datamodel.session
    model = datamodel.obj
    key = model.__mapper__.primary_key[0]
    try:
        session.flush()
        ok = session.scalar(
            select(key).where(key == getattr(item, key.key), changeable(current_scope(), model))
        ) is not None
    except SQLAlchemyError as error:
        session.rollback()
        raise DomainError(database_error_message(error)) from error
    if not ok:
        session.rollback()
        raise DomainError(str(_l("Эта запись вне вашей зоны ответственности: изменение не сохранено.")))


def _label_blank_choices(*forms) -> None:
    """Give the «no value» option of an optional relation's drop-down a Russian label. FAB leaves it
    without one, and WTForms then shows its value, «__None»."""
    for form in forms:
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and issubclass(field.field_class, QuerySelectField):
                field.kwargs["blank_text"] = _l("— не выбрано —")


class CleanText:
    """A form field's check by app.textinput's rule for its column, so that refused text is the
    field's error (a Russian sentence under the input, the form kept as typed) before FAB sets the
    attribute; the attribute event would refuse it too, but only as a message above the page."""

    def __init__(self, attribute):
        self.attribute = attribute

    def __call__(self, form, field):
        try:
            clean_column(self.attribute, field.data, field=str(field.label.text))
        except TextRefused as refusal:
            raise ValidationError(refusal.message) from refusal


def _check_text_fields(model, *forms) -> None:
    """Give every form field of a text column (app.textinput) the CleanText check."""
    for form in forms:
        for name in dir(form):
            field = getattr(form, name, None)
            prop = getattr(getattr(model, name, None), "property", None)
            if not isinstance(field, UnboundField) or not isinstance(prop, ColumnProperty):
                continue
            checks = list(field.kwargs.get("validators") or ())
            if column_rule(prop.columns[0]) is None or len(field.args) > 1 \
                    or any(isinstance(check, CleanText) for check in checks):
                continue  # not text, validators given by position, or checked already
            field.kwargs["validators"] = [*checks, CleanText(getattr(model, name))]


class ScopedModelView(ListArgs, ReachSearch, ModelView):
    """A ModelView that lists, shows and changes only rows in the user's scope; its search form
    fits the user's reach (app.web.search_forms); its page arguments are checked (app.web.list_args).

    Subclasses set `datamodel = ScopedInterface(Model)` and `role_access = {role: permissions}`;
    code columns of `search_columns` are named in `search_code_columns`."""

    role_access: dict = {}
    page_size = 50
    scope_filter = ScopeFilter  # how the list applies the user's scope to its query

    def __init__(self, **kwargs):
        self.base_filters = scope_base_filters(self.datamodel.obj, self.scope_filter) + list(self.base_filters or [])
        self._scope_related_fields()
        super().__init__(**kwargs)
        self.datamodel.list_loads = list_loads(self.datamodel, self.list_columns)
        _label_blank_choices(self.add_form, self.edit_form, self.search_form)
        _check_text_fields(self.datamodel.obj, self.add_form, self.edit_form)
        # FAB offers a sort link for every listed column, relations included, and answers 500 when
        # it is clicked.
        self.order_columns = [column for column in self.order_columns if self.datamodel.is_sortable(column)]

    def _scope_related_fields(self) -> None:
        """Offer only in-scope rows in the relation drop-downs of add, edit and search forms (the
        search form's listed every row: a teacher's marks list offered the region's pupils)."""
        add_rules = dict(self.add_form_query_rel_fields or {})
        edit_rules = dict(self.edit_form_query_rel_fields or {})
        search_rules = dict(self.search_form_query_rel_fields or {})
        for column in self.datamodel.get_columns_list():
            if not self.datamodel.is_relation(column):
                continue
            related = self.datamodel.get_related_model(column)
            key = related.__mapper__.primary_key[0].key
            rule = [[key, ScopeFilter, lambda: None]]
            for rules in (add_rules, edit_rules, search_rules):
                rules.setdefault(column, rule)
        self.add_form_query_rel_fields = add_rules
        self.edit_form_query_rel_fields = edit_rules
        self.search_form_query_rel_fields = search_rules

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        """FAB's download of file columns (from UPLOAD_FOLDER): our models keep no files there, and
        FAB's own version answers 500 (no UPLOAD_FOLDER, no file)."""
        abort(404)

    def pre_add(self, item):
        self.datamodel.session.add(item)
        _assert_changeable(self.datamodel, item)

    def pre_update(self, item):
        _assert_changeable(self.datamodel, item)

    def pre_delete(self, item):
        _assert_changeable(self.datamodel, item)
