"""The search form of every list page, sized to the user's reach.

A drop-down of related rows fits one school (its ≤ ~1,000 pupils, a few dozen classes and staff)
but not a municipality or the region: the administrator's marks list carried every pupil of the
region. So a relation column whose rows grow with the schools gets, for a user whose rows spread
wider than the column's `DROP_DOWN_REACH`, a text condition instead, «Ученик — Содержит — Иванов»
(app.name_search finds the names). School users keep their drop-down.

Code columns (a snapshot's source, a consultation's state) are drop-downs of their Russian names,
filtering by the code: `search_code_columns = {"status": {"new": _l("новое"), …}}` on the view.

A text column's «Содержит» (a surname, a topic) is blind to case and to «ё» on SQLite as on
PostgreSQL (app.name_search.fold).

A date column's conditions take the date as it is typed in Russia, 01.10.2012 (or ISO), a month
column's «октябрь 2012», a moment's 19.10.2012 13:30 (app.formats); FAB's read 01.10.2012 as
the 10th of January.

Every condition checks what the URL brings: a value the condition cannot take (a forged «abc» for a
drop-down's id, a code that is none of the column's, a text past 100 characters) shows no rows and
says why in Russian; a condition number the column does not have is left out.
"""
from __future__ import annotations

import logging
import re

from flask import flash, g, has_request_context
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_appbuilder.models.sqla.filters import (
    FilterContains,
    FilterEqual,
    FilterNotContains,
    FilterNotEqual,
    FilterRelationOneToManyEqual,
    FilterRelationOneToManyNotEqual,
    get_field_setup_query,
)
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import false
from sqlalchemy.orm import RelationshipDirection
from wtforms import SelectField, StringField
from wtforms.widgets import TextInput

from app import formats, name_search
from app.models import ClassGroup, Pupil, School, Staff, Subgroup, Subject, TeachingAssignment
from app.security.current import current_scope
from app.security.scope import MUNICIPALITY, SCHOOL, reach
from app.i18n import _, _l

log = logging.getLogger(__name__)

# The widest reach at which a drop-down of the model's rows stays small. Beyond it the user types
# part of the name. At region scale (1,400 schools, ~1,000 pupils, ~25 classes, ~60 staff and
# ~375 teaching assignments a school) a region-wide drop-down would hold ~1.4 M pupils, 35,000
# classes a school year, 84,000 staff, 525,000 assignments; a municipality's (≤ ~100 schools)
# tens of thousands. Models not listed are catalogues of a fixed size (municipalities, school
# years, work types, journal systems): always a drop-down.
DROP_DOWN_REACH = {
    Pupil: SCHOOL, Staff: SCHOOL, ClassGroup: SCHOOL, Subgroup: SCHOOL, TeachingAssignment: SCHOOL,
    Subject: SCHOOL,  # the regional catalogue and each school's own
    User: SCHOOL,  # every login: staff, parents, pupils
    School: MUNICIPALITY,
}

_ID = re.compile(r"\d{1,9}")
# FAB hands a number column's condition value to the database as int(value): 10^20 overflowed it
# (a 500); a decimal column's as the text, which PostgreSQL refuses unless it is a number.
_WHOLE = re.compile(r"[+-]?\d{1,10}")
_DECIMAL = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,6})?")
INT_MAX = 2**31 - 1


def _refuse(message: str) -> None:
    """Say once per request why a condition shows no rows."""
    said = g.setdefault("search_refusals", set())
    if message not in said:
        said.add(message)
        flash(message, "warning")


class _Checked:
    """A search condition that checks its value: `refusal(value)` is the Russian reason it cannot
    be applied (the condition then matches no row), or None."""

    column_label = None

    def refusal(self, value) -> str | None:
        return None

    def label(self) -> str:
        return str(self.column_label or self.column_name)

    def apply(self, query, value):
        if self.refusal(value):
            return query.filter(false())
        return self.apply_checked(query, value)


class RelationEqual(_Checked, FilterRelationOneToManyEqual):
    """FAB's «Совпадает с» on a drop-down's id; FAB looked a forged «abc» up in the database
    and, on PostgreSQL, sent the user to the home page with an English error."""

    def refusal(self, value):
        if not _ID.fullmatch(str(value)):
            return _("«%(column)s»: выберите значение из списка.", column=self.label())
        return None

    def apply_checked(self, query, value):
        return FilterRelationOneToManyEqual.apply(self, query, int(value))


class RelationNotEqual(RelationEqual):
    name = FilterRelationOneToManyNotEqual.name
    arg_name = FilterRelationOneToManyNotEqual.arg_name

    def apply_checked(self, query, value):
        return FilterRelationOneToManyNotEqual.apply(self, query, int(value))


class NameContains(_Checked, BaseFilter):
    """«Ученик — Содержит — Иванов»: rows whose related row's name has every typed word in it
    (app.name_search.named_ids). Nothing typed: the condition is left out."""

    name = FilterContains.name

    def refusal(self, value):
        if len(str(value or "")) > name_search.MAX_LENGTH:
            return _("«%(column)s»: введите не больше %(n)s знаков.", column=self.label(), n=name_search.MAX_LENGTH)
        return None

    def apply_checked(self, query, value):
        typed = name_search.words(value)
        if not typed:
            return query
        relation = getattr(self.model, self.column_name)
        prop = relation.property
        related = prop.mapper.class_
        ids = name_search.named_ids(query.session, related, typed)
        if prop.direction is RelationshipDirection.MANYTOONE:
            (column,) = prop.local_columns
            return query.filter(column.in_(ids))
        key = related.__mapper__.primary_key[0]
        return query.filter(relation.any(key.in_(ids)))


class CodeEqual(_Checked, FilterEqual):
    """«Источник — Равно — введено вручную»: the drop-down names the codes in Russian."""

    codes: dict = {}

    def refusal(self, value):
        if value not in self.codes:
            return _("«%(column)s»: выберите значение из списка.", column=self.label())
        return None

    def apply_checked(self, query, value):
        return FilterEqual.apply(self, query, value)


class CodeNotEqual(CodeEqual):
    name = FilterNotEqual.name
    arg_name = FilterNotEqual.arg_name

    def apply_checked(self, query, value):
        return FilterNotEqual.apply(self, query, value)


class FoldedContains(FilterContains):
    """FAB's «Содержит» of a text column («Фамилия — Содержит — иванов»), blind to case on SQLite
    too (FAB's ilike folds only Latin letters there) and to «ё»; «%» and «_» are letters."""

    negate = False

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        condition = name_search.fold(field).contains(formats.fold_text(value), autoescape=True)
        return query.filter(~condition if self.negate else condition)


class FoldedNotContains(FoldedContains):
    name = FilterNotContains.name
    arg_name = FilterNotContains.arg_name
    negate = True


FOLDED = {FilterContains: FoldedContains, FilterNotContains: FoldedNotContains}


class DateCondition(_Checked):
    """Mixed into FAB's condition of a date column («Начало — Больше чем — 01.10.2012»): the value
    is read by app.formats as a date, a month (`reads` "month": its first day) or a moment
    ("moment": 19.10.2012 13:30, as lists show and the app keeps it, in the region's time);
    nothing typed leaves the condition out."""

    reads = "date"

    def parse(self, value):
        text = str(value or "")
        if self.reads == "moment":
            return formats.parse_moment(text)
        return (formats.parse_month if self.reads == "month" else formats.parse_date)(text)

    def refusal(self, value):
        try:
            self.parse(value)
        except formats.NotADate:
            if self.reads == "month":
                return _("«%(column)s»: введите месяц так: октябрь 2012 или 10.2012.", column=self.label())
            if self.reads == "moment":
                return _("«%(column)s»: введите дату и время так: 19.10.2012 13:30.", column=self.label())
            return _("«%(column)s»: введите дату в виде дд.мм.гггг, например 23.10.2012.", column=self.label())
        return None

    def apply_checked(self, query, value):
        day = self.parse(value)
        return query if day is None else super(_Checked, self).apply(query, day)


def _date_conditions(conditions, column: str, datamodel, label, reads: str) -> list[BaseFilter]:
    return [_condition(type(f"Date{type(condition).__name__}", (DateCondition, type(condition)), {}), column,
                       datamodel, column_label=label, reads=reads) for condition in conditions]


class ReachFilters(Filters):
    """The view's FAB filters with some columns' conditions replaced (FAB's `search_filters` can
    only add to a column's). FAB finds a condition by its number in `_all_filters[column]`, the
    search widget by its place in `_search_filters[column]`: both get the same list."""

    def __init__(self, filters: Filters, replaced: dict[str, list[BaseFilter]], labels: dict):
        self.labels = labels
        self.filter_converter = filters.filter_converter
        self.datamodel = filters.datamodel
        self.search_columns = filters.search_columns
        self.clear_filters()
        self._search_filters = {**filters.get_search_filters(), **replaced}
        self._all_filters = {**filters._all_filters, **replaced}

    def add_filter_index(self, column_name, filter_instance_index, value):
        conditions = self._all_filters.get(column_name, [])
        if not 0 <= filter_instance_index < len(conditions):
            log.warning("Search condition %s of %s does not exist", filter_instance_index, column_name)
            return  # FAB answered 500 (an IndexError)
        condition = conditions[filter_instance_index]
        values = [name_search.printable(one) for one in (value if isinstance(value, list) else [value])]
        for one in values:
            if isinstance(condition, _Checked):
                reason = condition.refusal(one)
            else:
                reason = self._number_refusal(column_name, one)
                if reason:
                    condition = _no_rows(condition)
            if reason:
                _refuse(reason)
        self._add_filter(condition, values)

    def _number_refusal(self, column: str, value) -> str | None:
        text = str(value).strip()
        label = str(self.labels.get(column, column))
        if self.datamodel.is_integer(column) and not (_WHOLE.fullmatch(text) and abs(int(text)) <= INT_MAX):
            return _("«%(column)s»: введите целое число.", column=label)
        if self.datamodel.is_numeric(column) and not _DECIMAL.fullmatch(text):
            return _("«%(column)s»: введите число.", column=label)
        return None


def _no_rows(condition: BaseFilter) -> BaseFilter:
    """`condition` (shown as it is in the search form) matching no row: its value was refused."""
    kind = type(condition)
    return type(kind.__name__, (kind,), {"apply": lambda self, query, value: query.filter(false())})(
        condition.column_name, condition.datamodel)


def _by_reach(index: int) -> property:
    """The view's conditions (0) or search form (1) for the user's reach; FAB's own when set."""

    def get(view):
        return view._search_variant()[index]

    def keep(view, value):
        fab = list(view.__dict__.get("_fab_search", (None, None)))
        fab[index] = value
        view._fab_search = tuple(fab)
        view._variants = {}

    return property(get, keep)


class ReachSearch:
    """Mixin for FAB ModelViews: the search conditions and form for the current user's reach.

    FAB reads a view's conditions from `_filters` and its search form from `search_form` (both
    set once, when the view is made); here both are properties answering the variant of the
    user's reach (SCHOOL, MUNICIPALITY or REGION), each built once and kept."""

    search_code_columns: dict[str, dict] = {}
    _filters = _by_reach(0)
    search_form = _by_reach(1)

    def _search_variant(self):
        fab = self.__dict__.get("_fab_search", (None, None))
        if None in fab or not has_request_context():
            return fab  # FAB making the view, or our own changes to FAB's form
        level = reach(current_scope())
        if level not in self._variants:
            self._variants[level] = self._build_variant(level, *fab)
        return self._variants[level]

    def _build_variant(self, level: int, filters: Filters, form):
        replaced, fields = {}, {}
        for column in filters.search_columns:
            label = self.label_columns.get(column, column)
            if column in self.search_code_columns:
                codes = self.search_code_columns[column]
                replaced[column] = [_condition(kind, column, self.datamodel, column_label=label, codes=codes)
                                    for kind in (CodeEqual, CodeNotEqual)]
                fields[column] = SelectField(label, choices=lambda codes=codes: [(c, str(n)) for c, n in codes.items()],
                                             widget=Select2Widget())
                continue
            if not self.datamodel.is_relation(column):
                own = self._column_conditions(filters.get_search_filters().get(column, []), column, label)
                if own is not None:
                    replaced[column] = own
                continue
            related = self.datamodel.get_related_model(column)
            if related in DROP_DOWN_REACH and level > DROP_DOWN_REACH[related]:
                replaced[column] = [_condition(NameContains, column, self.datamodel, column_label=label)]
                # FAB's BS3TextFieldWidget would put the label over the placeholder: what to type.
                fields[column] = StringField(label, widget=TextInput(), render_kw={
                    "class": "form-control", "maxlength": name_search.MAX_LENGTH,
                    "placeholder": _l(name_search.NAMES[related].hint)})
            elif self.datamodel.is_relation_many_to_one(column):
                replaced[column] = [_condition(kind, column, self.datamodel, column_label=label)
                                    for kind in (RelationEqual, RelationNotEqual)]
        variant_form = type(f"{type(self).__name__}Search", (form,), fields) if fields else form
        return ReachFilters(filters, replaced, self.label_columns), variant_form

    def _column_conditions(self, conditions, column: str, label) -> list[BaseFilter] | None:
        """A plain column's conditions in place of FAB's: a date's, a month's or a moment's read the
        Russian way, a text's «Содержит» folded; None keeps FAB's."""
        if self.datamodel.is_date(column) or self.datamodel.is_datetime(column):
            reads = ("moment" if self.datamodel.is_datetime(column) else
                     "month" if column in getattr(self, "month_columns", ()) else "date")
            return _date_conditions(conditions, column, self.datamodel, label, reads)
        if any(type(condition) in FOLDED for condition in conditions):
            return [FOLDED.get(type(condition), type(condition))(column, self.datamodel) for condition in conditions]
        return None


def _condition(kind, column: str, datamodel, **state):
    """A condition of `kind` for `column` that knows its label (and codes). The state goes on a
    subclass: FAB makes the conditions it applies anew from their class (get_inner_filters)."""
    return type(kind.__name__, (kind,), state)(column, datamodel)
