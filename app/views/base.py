"""Base classes for our FAB views: row scope from app.security.scope; their data layer, with its
Russian database errors, is app.web.data.ScopedInterface, shared with the API."""
from __future__ import annotations

from flask import abort
from flask_appbuilder import ModelView, expose
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.security.decorators import has_access
from flask_wtf.file import FileField
from sqlalchemy.orm import ColumnProperty
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from app import formats, uploads
from app.errors import DomainError
from app.security.filters import ScopeFilter, scope_base_filters
from app.i18n import _l
from app.textinput import TextRefused, clean_column, column_rule
from app.web.data import list_loads
from app.web.form_fields import natural_choices, russian_fields
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


def _decimal(value) -> str:
    return formats.format_decimal(value, None, trim=True)


def russian_forms(appbuilder) -> None:
    """The forms of every registered view, FAB's own included (the users list searched «Создан» as
    2026-12-07 22:14:30.086511), with our date, moment and number fields and their drop-downs in
    natural order (app.web.form_fields). A ScopedModelView has done it already; it does no harm."""
    for view in appbuilder.baseviews:
        for name in ("add_form", "edit_form", "search_form"):
            form = getattr(view, name, None)
            if form is not None:
                russian_fields(form, getattr(view, "month_columns", ()))
                natural_choices(form)


class ScopedModelView(ListArgs, ReachSearch, ModelView):
    """A ModelView that lists, shows and changes only rows in the user's scope; its search form
    fits the user's reach (app.web.search_forms); its page arguments are checked (app.web.list_args).

    Subclasses set `datamodel = ScopedInterface(Model)` (app.web.data) and `role_access = {role: permissions}`;
    code columns of `search_columns` are named in `search_code_columns`, date columns that hold a
    month (its first day) in `month_columns`.

    Dates, months and numbers are typed and shown the Russian way (app.web.form_fields, app.formats:
    23.10.2012 with a Russian calendar, «октябрь 2012», 1,5) in every form and list, and every
    drop-down of related rows is in the natural order of its labels («СОШ № 2» before «№ 10»)."""

    role_access: dict = {}
    month_columns: tuple[str, ...] = ()
    page_size = 50
    scope_filter = ScopeFilter  # how the list applies the user's scope to its query

    def __init__(self, **kwargs):
        self.base_filters = scope_base_filters(self.datamodel.obj, self.scope_filter) + list(self.base_filters or [])
        self._scope_related_fields()
        self.formatters_columns = {**{column: formats.format_month for column in self.month_columns},
                                   **self._number_formatters(), **(self.formatters_columns or {})}
        super().__init__(**kwargs)
        self.datamodel.list_loads = list_loads(self.datamodel, self.list_columns)
        self.datamodel.counts_bounded = True
        _label_blank_choices(self.add_form, self.edit_form, self.search_form)
        for form in (self.add_form, self.edit_form, self.search_form):
            russian_fields(form, self.month_columns)
            natural_choices(form)
        _check_text_fields(self.datamodel.obj, self.add_form, self.edit_form)
        # FAB offers a sort link for every listed column, relations included, and answers 500 when
        # it is clicked.
        self.order_columns = [column for column in self.order_columns if self.datamodel.is_sortable(column)]

    def _number_formatters(self) -> dict:
        """The list's and record's number columns written with the comma and without the zeros a
        numeric column adds: an hour's 1.0 reads «1», a share's 75.50 «75,5»."""
        columns = {*(self.list_columns or ()), *(self.show_columns or ())}
        return {column: _decimal for column in columns
                if "." not in column and (self.datamodel.is_numeric(column) or self.datamodel.is_float(column))}

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
        self.datamodel.assert_changeable(item, pending_add=True)

    def pre_update(self, item):
        self.datamodel.assert_changeable(item)

    def pre_delete(self, item):
        self.datamodel.assert_changeable(item)
