"""Months as the monitoring sees them: the first day of the month stands for the month."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import formats
from app.errors import DomainError
from app.models import UsageSnapshot
from app.text import N_, _

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


def opening_month(session: Session, today: dt.date) -> dt.date:
    """The month pages open on: the latest month with snapshots, else the month before `today`'s."""
    latest = session.scalar(select(func.max(UsageSnapshot.month)))
    return latest or previous_month(today.replace(day=1))
