"""Which schools have figures for a month, and why the others have none («нет данных»).

A school's figures come from this journal only when it keeps its journal here that month: its
chosen system is this product (or it chose none yet) and it has lessons due in the month, up to
«today» for a month in progress. The others have figures only if they were imported (another
vendor's system) or entered by hand. A school without figures is «нет данных», never zero: it is
listed with its reason and counted apart in every total; whether it stays in the share's
denominator is the methodology's rule (app.monitoring.thresholds, `no_data_in_denominator`).

Reasons, for a school with no snapshot for the month:
- VENDOR: its system is another vendor's and nothing was imported;
- NO_LESSONS: it is on this product (or chose nothing) but has no lessons due in the month;
- NOT_COMPUTED: it has lessons due here, but the month was not computed since.

Everything here is SQL over the School row, so the readers count reasons in the statement they
already run (no statement of its own).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, exists, not_
from sqlalchemy.sql.elements import ColumnElement

from app.models import JournalSystem, Lesson, School
from app.i18n import N_, _

VENDOR = "vendor"
NO_LESSONS = "no_lessons"
NOT_COMPUTED = "not_computed"
REASONS = (VENDOR, NO_LESSONS, NOT_COMPUTED)  # the order they are listed in
REASON_LABELS = {
    VENDOR: N_("другая система журнала, показатели не загружены"),
    NO_LESSONS: N_("нет уроков в журнале за месяц"),
    NOT_COMPUTED: N_("уроки есть, месяц не рассчитан"),
}


def reason_label(reason: str) -> str:
    return _(REASON_LABELS[reason])


def reasons_text(counts: dict[str, int]) -> str:
    """«другая система журнала, показатели не загружены — 254; нет уроков в журнале за месяц — 1143»:
    the reasons with schools, in REASONS order; "" when there are none."""
    return "; ".join(f"{reason_label(r)} — {counts[r]}" for r in REASONS if counts.get(r))


def on_other_vendor() -> ColumnElement[bool]:
    """The school's chosen system is another vendor's."""
    # correlate_except: the reader's query may join journal_system itself (the school's system name).
    return (exists().where(JournalSystem.id == School.journal_system_id, JournalSystem.is_own.is_(False))
            .correlate_except(JournalSystem))


def has_lessons(month: dt.date, until: dt.date) -> ColumnElement[bool]:
    """The school has a lesson due (not cancelled) dated from the month's first day to `until`."""
    return (exists().where(Lesson.school_id == School.id, Lesson.date >= month, Lesson.date <= until,
                           Lesson.cancelled.is_(False))
            .correlate_except(Lesson))


def keeps_journal_here(month: dt.date, until: dt.date) -> ColumnElement[bool]:
    """The school's figures for the month are computed from this journal (see the module docstring)."""
    return and_(not_(on_other_vendor()), has_lessons(month, until))


def no_data_reason(month: dt.date, until: dt.date) -> ColumnElement[str]:
    """The reason code of a school that has no snapshot for the month (SQL CASE over School)."""
    return case((on_other_vendor(), VENDOR), (has_lessons(month, until), NOT_COMPUTED), else_=NO_LESSONS)
