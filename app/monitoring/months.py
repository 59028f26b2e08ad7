"""Months as the monitoring sees them: the first day of the month stands for the month."""
from __future__ import annotations

import datetime as dt

from app import formats
from app.errors import DomainError
from app.formats import format_date
from app.i18n import N_, _

MONTH_NAMES = (  # translated where a label is built
    N_("январь"), N_("февраль"), N_("март"), N_("апрель"), N_("май"), N_("июнь"),
    N_("июль"), N_("август"), N_("сентябрь"), N_("октябрь"), N_("ноябрь"), N_("декабрь"),
)
MONTH_NAMES_IN = (  # «в сентябре»
    N_("январе"), N_("феврале"), N_("марте"), N_("апреле"), N_("мае"), N_("июне"),
    N_("июле"), N_("августе"), N_("сентябре"), N_("октябре"), N_("ноябре"), N_("декабре"),
)


def parse_month(text: str | None) -> dt.date:
    """'2012-09' (addresses, commands), «сентябрь 2012» or 09.2012 (the month chooser,
    app.formats.parse_month) -> date(2012, 9, 1). Anything else, a year outside 2000–2100 included,
    raises DomainError with a Russian hint."""
    try:
        month = formats.parse_month(text)
    except formats.NotADate:
        month = None
    if month is None or not 2000 <= month.year <= 2100:
        raise DomainError(_("Месяц «%(text)s» не распознан: укажите его так: сентябрь 2012 или 09.2012.",
                            text=text or ""))
    return month


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: dt.date) -> dt.date:
    return dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def month_label(month: dt.date) -> str:
    """'сентябрь 2012'."""
    return f"{_(MONTH_NAMES[month.month - 1])} {month.year}"


def month_label_in(month: dt.date) -> str:
    """'сентябре 2012' (to follow «в»)."""
    return f"{_(MONTH_NAMES_IN[month.month - 1])} {month.year}"


def month_key(month: dt.date) -> str:
    """'2012-09', the form used in URLs and commands."""
    return f"{month.year:04d}-{month.month:02d}"


def last_complete_month(today: dt.date) -> dt.date:
    """The month pages and the report open on: the last month wholly before `today` (on 19.10.2012
    and on 01.10.2012 alike, September 2012). A month in progress is shown only when asked for."""
    return previous_month(first_of(today))


def is_complete(month: dt.date, today: dt.date) -> bool:
    """A month is complete once its last day is over (so on its last day it is still in progress)."""
    return last_day(month) < today


def counted_until(month: dt.date, today: dt.date) -> dt.date:
    """The last day of `month` whose lessons count: the month's last day once it is complete,
    else `today` (the day before the month's first day for a month not yet begun: nothing counts)."""
    return min(last_day(month), max(today, month - dt.timedelta(days=1)))


def incomplete_label(month: dt.date, today: dt.date) -> str | None:
    """«неполный месяц: по 19.10.2012» for a month in progress, «месяц ещё не начался» for a later
    one; None for a complete month."""
    if is_complete(month, today):
        return None
    if today < month:
        return _("месяц ещё не начался")
    return _("неполный месяц: по %(day)s", day=format_date(today))
