"""The verdict «school uses the system» and its thresholds (editable by the monitoring role).

A school uses the system in a month when, in that month,
  lessons_filled / lessons_due  >= min_lessons_filled_share  (percent), and
  teachers_active / teachers_total >= min_teachers_active_share (percent).
A school with no lessons due or no teachers does not use it (there is nothing to judge by).
Comparisons are done on integers (filled·100 >= share·due), so 80% of 10 lessons is exactly 8.

Kept with the thresholds, the methodology's rule for schools without figures for a month («нет
данных», app.monitoring.coverage): in the share's denominator as not using the system (the
default), or left out of it. `no_data_rule` states it in Russian for the pages and the справка.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from app import clock, formats
from app.errors import DomainError
from app.models import UsageSnapshot, UsageThreshold
from app.i18n import _

DEFAULT_LESSONS_FILLED = Decimal("80")
DEFAULT_TEACHERS_ACTIVE = Decimal("50")


@dataclass(frozen=True)
class Threshold:
    min_lessons_filled_share: Decimal = DEFAULT_LESSONS_FILLED
    min_teachers_active_share: Decimal = DEFAULT_TEACHERS_ACTIVE
    changed_at: dt.datetime | None = None
    changed_by: str | None = None
    no_data_in_denominator: bool = True


def current_threshold(session: Session) -> Threshold:
    """The latest UsageThreshold row, or the defaults (80% lessons, 50% teachers) when none."""
    row = session.scalars(
        select(UsageThreshold).order_by(UsageThreshold.changed_at.desc(), UsageThreshold.id.desc()).limit(1)
    ).first()
    if row is None:
        return Threshold()
    who = row.changed_by
    return Threshold(
        Decimal(row.min_lessons_filled_share), Decimal(row.min_teachers_active_share), row.changed_at,
        f"{who.first_name} {who.last_name}".strip() if who else None, row.no_data_in_denominator,
    )


def no_data_rule(threshold: Threshold) -> str:
    """The methodology's rule for schools without figures, as the page and the справка state it."""
    if threshold.no_data_in_denominator:
        return _("Школа без данных за месяц (другая система журнала без загруженных показателей или нет "
                 "уроков в журнале) показана как «нет данных» и считается не использующей систему: она "
                 "входит в знаменатель доли.")
    return _("Школа без данных за месяц (другая система журнала без загруженных показателей или нет "
             "уроков в журнале) показана как «нет данных» и не входит в знаменатель доли: доля считается "
             "по школам с данными.")


def threshold_history(session: Session) -> list[UsageThreshold]:
    return list(session.scalars(select(UsageThreshold).order_by(UsageThreshold.changed_at.desc(), UsageThreshold.id.desc())))


def uses_system(threshold: Threshold, *, lessons_filled: int, lessons_due: int,
                teachers_active: int, teachers_total: int) -> bool:
    """The verdict for one school-month (see the module docstring)."""
    if lessons_due <= 0 or teachers_total <= 0:
        return False
    return (
        lessons_filled * 100 >= threshold.min_lessons_filled_share * lessons_due
        and teachers_active * 100 >= threshold.min_teachers_active_share * teachers_total
    )


def verdict_clause(threshold: Threshold):
    """The same verdict as a SQL expression over usage_snapshot columns (for bulk recomputation)."""
    s = UsageSnapshot
    return and_(
        s.lessons_due > 0,
        s.teachers_total > 0,
        s.lessons_filled * 100 >= threshold.min_lessons_filled_share * s.lessons_due,
        s.teachers_active * 100 >= threshold.min_teachers_active_share * s.teachers_total,
    )


def _share(value, label: str) -> Decimal:
    try:
        share = formats.parse_decimal(value)
    except formats.NotANumber:
        raise DomainError(_("%(label)s: введите число от 0 до 100.", label=label)) from None
    if share is None or not Decimal(0) <= share <= Decimal(100):
        raise DomainError(_("%(label)s: введите число от 0 до 100.", label=label))
    return share.quantize(Decimal("0.01"))


def change_thresholds(session: Session, *, lessons_filled_share, teachers_active_share,
                      user_id: int | None, now: dt.datetime | None = None,
                      no_data_in_denominator: bool | None = None) -> int:
    """Record new thresholds (a new row: who and when) and recompute every snapshot's verdict.
    `no_data_in_denominator`: the rule for schools without figures; None keeps the current one.

    Returns the number of snapshots whose verdict was recomputed. Commits."""
    lessons = _share(lessons_filled_share, _("Доля заполненных уроков"))
    teachers = _share(teachers_active_share, _("Доля активных учителей"))
    if no_data_in_denominator is None:
        no_data_in_denominator = current_threshold(session).no_data_in_denominator
    session.add(UsageThreshold(
        min_lessons_filled_share=lessons, min_teachers_active_share=teachers,
        no_data_in_denominator=no_data_in_denominator, changed_at=now or clock.region_now(), changed_by_id=user_id,
    ))
    count = recompute_verdicts(session, Threshold(lessons, teachers))
    session.commit()
    return count


def recompute_verdicts(session: Session, threshold: Threshold) -> int:
    """One UPDATE over usage_snapshot; cost grows with schools × months, never with marks."""
    result = session.execute(
        update(UsageSnapshot).values(uses_system=verdict_clause(threshold)).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
