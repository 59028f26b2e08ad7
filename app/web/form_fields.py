"""Form fields that read and write dates, months and numbers the Russian way (app.formats), and the
calendar that fills them.

FAB's own date field took only 2012-10-23, and its calendar (bootstrap-datepicker, set to
yyyy-mm-dd) rewrote a typed «23.10.2012» into «29-04-03» before the form refused it as «Неверное
значение даты.». Here a date is typed as 23.10.2012 (or ISO, or 23/10/2012), shown as 23.10.2012,
and anything else is the field's Russian error, the form kept as typed and nothing saved. A month
is typed and shown as «октябрь 2012» (or 10.2012, 2012-10); a number with a comma or a point.

The calendar is the bootstrap-datepicker FAB already serves (no CDN: the CSP allows 'self' only),
in Russian whatever the browser's language (app/static/js/locale-ru.js), driven by the data
attributes of templates/widgets/date_input.html: it never rewrites what was typed
(force-parse off), a picked day is written as дд.мм.гггг, a picked month as «октябрь 2012». The
same template draws the date inputs of our own pages (`date_input(…)`, a global of the templates).

`russian_fields(form)` puts these fields in place of FAB's in a generated form (app.views.base
does it for every add, edit and search form of every view, FAB's own included), and
`natural_choices(form)` orders every drop-down of related rows by its label, naturally («СОШ № 2»
before «СОШ № 10»).
"""
from __future__ import annotations

import datetime as dt

from flask import render_template
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from markupsafe import Markup
from wtforms import fields as wtf, widgets
from wtforms.fields.core import UnboundField
from wtforms.widgets import html_params

from app import clock, formats
from app.i18n import _


def date_input(field_id: str | None, name: str, value: dt.date | str | None, *, month: bool = False,
               small: bool = False, **attributes) -> Markup:
    """One date (or month) input with its calendar, drawn by templates/widgets/date_input.html;
    templates call it as `date_input(…)`. Its id (None: none), name, value (a date, or text that
    reads as one, is formatted, a month's as its month; other typed text is kept as it was for the
    user to correct), whether it takes a month, whether it sits in a table (`small`), and any
    other attributes of the <input> (required=True, aria_label=…). An empty input's calendar
    opens on the app's today (app.clock: the demo's is in 2012)."""
    today = clock.today()
    if isinstance(value, str):
        try:
            value = (formats.parse_month if month else formats.parse_date)(value) or ""
        except formats.NotADate:
            pass
    if isinstance(value, dt.date):
        value = formats.format_month(value) if month else formats.format_date(value)
    return Markup(render_template(
        "widgets/date_input.html", field_id=field_id, name=name, value=value or "", month=month, small=small,
        opens_on=formats.format_month(today) if month else formats.format_date(today),
        extra=Markup(html_params(**attributes)) if attributes else ""))


class DateInputWidget:
    """The text input and its calendar for a DateField or MonthField; FAB's form templates may pass
    extra attributes (a class is the template's own)."""

    def __call__(self, field, **kwargs):
        field_id = kwargs.pop("id", field.id)
        name = kwargs.pop("name_", None) or kwargs.pop("name", field.name)
        kwargs.pop("class", None)
        kwargs.pop("class_", None)
        if field.flags.required:
            kwargs.setdefault("required", True)
        return date_input(field_id, name, field._value(), month=isinstance(field, MonthField), **kwargs)


class DateField(wtf.Field):
    """A date typed as 23.10.2012, 2012-10-23 or 23/10/2012 (app.formats.parse_date), shown as
    23.10.2012. Typed text that is no such date is the field's error and stays in the input."""

    widget = DateInputWidget()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.formatted(self.data) if self.data else ""

    @staticmethod
    def formatted(value) -> str:
        return formats.format_date(value)

    @staticmethod
    def parse(text: str) -> dt.date | None:
        return formats.parse_date(text)

    def refusal(self, text: str) -> str:
        return _("«%(text)s» — не дата: введите её в виде дд.мм.гггг, например 23.10.2012.", text=text)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = self.parse(valuelist[0])
        except formats.NotADate:
            self.data = None
            raise ValueError(self.refusal(valuelist[0].strip())) from None


class MonthField(DateField):
    """A month typed as «октябрь 2012», 10.2012 or 2012-10 (app.formats.parse_month), kept as its
    first day, shown as «октябрь 2012»."""

    @staticmethod
    def formatted(value) -> str:
        return formats.format_month(value)

    @staticmethod
    def parse(text: str) -> dt.date | None:
        return formats.parse_month(text)

    def refusal(self, text: str) -> str:
        return _("«%(text)s» — не месяц: введите его так: октябрь 2012 или 10.2012.", text=text)


class MomentField(DateField):
    """A moment typed as 19.10.2012 13:30 (or ISO 8601, app.formats.parse_moment) and shown so, in
    the region's time as the app keeps its moments (app.clock.region_now). A plain text input:
    the calendar picks days only."""

    widget = widgets.TextInput()

    def __call__(self, **kwargs):
        kwargs.setdefault("class", "form-control")
        kwargs.setdefault("placeholder", _("дд.мм.гггг чч:мм"))
        return super().__call__(**kwargs)

    @staticmethod
    def formatted(value) -> str:
        return formats.format_region_moment(value)

    @staticmethod
    def parse(text: str) -> dt.datetime | None:
        return formats.parse_moment(text)

    def refusal(self, text: str) -> str:
        return _("«%(text)s» — не дата и время: введите их так: 19.10.2012 13:30.", text=text)


class DecimalField(wtf.DecimalField):
    """A number typed with a comma or a point (app.formats.parse_decimal), shown with the comma and
    without the zeros a numeric column adds (1,5; 75)."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return formats.format_decimal(self.data, None, trim=True) if self.data is not None else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = formats.parse_decimal(valuelist[0])
        except formats.NotANumber:
            self.data = None
            raise ValueError(_("«%(text)s» — не число: введите его с запятой, например 1,5.",
                               text=valuelist[0].strip())) from None


# FAB's field class -> ours.
RUSSIAN = {wtf.DateField: DateField, wtf.DateTimeField: MomentField, wtf.DecimalField: DecimalField}


def _unbound_fields(form):
    for name in dir(form):
        field = getattr(form, name, None)
        if isinstance(field, UnboundField):
            yield name, field


def russian_fields(form, months: tuple[str, ...] = ()) -> None:
    """Put our date and number fields in place of FAB's in a generated form class (`months`: the
    date columns that hold a month). The field keeps its label, description, validators and
    place; FAB's widget goes, ours draws it."""
    for name, field in _unbound_fields(form):
        ours = MonthField if name in months and issubclass(field.field_class, wtf.DateField) \
            else RUSSIAN.get(field.field_class)
        if ours is not None:
            field.field_class = ours
            field.kwargs.pop("widget", None)


def _naturally(query_func):
    def rows():
        return sorted(query_func(), key=lambda row: formats.natural_key(str(row)))
    return rows


def natural_choices(form) -> None:
    """Order the options of every drop-down of related rows in a generated form class by their
    labels, naturally: «СОШ № 2» before «СОШ № 10», «2А» before «10А». FAB lists them in the
    database's order."""
    for _name, field in _unbound_fields(form):
        if issubclass(field.field_class, (QuerySelectField, QuerySelectMultipleField)) and "query_func" in field.kwargs \
                and not getattr(field.kwargs["query_func"], "natural", False):
            field.kwargs["query_func"] = _naturally(field.kwargs["query_func"])
            field.kwargs["query_func"].natural = True
