"""Subjects taught without marks: how a subject is assessed in a class during a study period.

Three modes (codes in app.models.journal, stored in subject_assessment.mode):
- MARKS: marks 2–5 on lessons, averages, «накопляемость», a period mark;
- UNMARKED («без отметок»): attendance, topics and homework only; no marks, no averages, no period
  result. The default of every subject of grade 1 for the whole year (СанПиН 2.4.2.2821-10,
  п. 10.10); many schools set it also for the first half of grade 2;
- PASS_FAIL («зачёт/незачёт»): no marks on lessons; the period result is «зач.» or «незач.» (or
  «н/а», «осв.»).

The school records a mode per class, subject and study period only where it differs from the
default (`default_mode`: grade 1 unmarked, other grades marks); app.journal.assessment_settings
is its page. The rule is answered in two forms that must agree:
- in Python, for a page that knows its class, subject and period (`mode_in`, `year_mode`): the
  grid, the period marks, the class report, the diary's progress;
- in SQL, for a lesson row (`lesson_marked`): the lesson's period is the study period of its date;
  a lesson outside every period follows the default. The monitoring, the diary's marks and the
  cell save read it so: a lesson that is not marked counts as a lesson (filled when it has a
  topic), but its marks — entered before the setting, or imported — count nowhere.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from app.errors import DomainError
from app.models import ClassGroup, Lesson, StudyPeriod, SubjectAssessment, TeachingAssignment
from app.models.journal import EXEMPT, FAILED, MARKS, NOT_ASSESSED, PASS_FAIL, PASSED, PERIOD_MARK_VALUES, UNMARKED
from app.i18n import N_, _

# Grades whose subjects are all taught without marks unless the school says otherwise.
UNMARKED_GRADES = frozenset({1})

# The period results each mode takes (MARKS: every value of the scale and the words).
PERIOD_RESULTS = {
    MARKS: PERIOD_MARK_VALUES,
    PASS_FAIL: (PASSED, FAILED, NOT_ASSESSED, EXEMPT),
    UNMARKED: (),
}

# What each mode is called on the pages (translated where shown).
MODE_LABELS = {MARKS: N_("отметки"), UNMARKED: N_("без отметок"), PASS_FAIL: N_("зачёт/незачёт")}


def default_mode(grade: int | None) -> str:
    """The mode of every subject of a class of `grade` where the school has set none."""
    return UNMARKED if grade in UNMARKED_GRADES else MARKS


def mode_in(settings: Mapping[int, str], grade: int | None, period_id: int | None) -> str:
    """The mode of a subject in the period `period_id`: the school's setting (`settings`: study
    period id -> mode, the class's and subject's), else the grade's default. No period (a school
    without periods): the default."""
    if period_id is None:
        return default_mode(grade)
    return settings.get(period_id) or default_mode(grade)


def year_mode(settings: Mapping[int, str], grade: int | None, period_ids: Iterable[int]) -> str:
    """The mode of the year result: MARKS when any period is marked, else PASS_FAIL when any period
    is «зачёт/незачёт», else UNMARKED (no year result). No periods: the grade's default."""
    modes = {mode_in(settings, grade, period_id) for period_id in period_ids}
    if not modes:
        return default_mode(grade)
    for mode in (MARKS, PASS_FAIL):
        if mode in modes:
            return mode
    return UNMARKED


def parse_settings(text: str | None) -> dict[int, str]:
    """"12:unmarked,13:pass_fail" (as `settings_column` aggregates them) -> {12: "unmarked", 13: "pass_fail"}."""
    settings = {}
    for pair in (text or "").split(","):
        period_id, _sep, mode = pair.partition(":")
        if period_id.isdigit() and mode:
            settings[int(period_id)] = mode
    return settings


def settings_column(class_group_id, subject_id) -> ColumnElement:
    """A scalar SQL column: the school's settings of a class and subject as "period id:mode,…"
    (NULL when there are none), for a statement that reads them along with its own rows."""
    return (select(func.aggregate_strings(
        cast(SubjectAssessment.study_period_id, String) + ":" + SubjectAssessment.mode, ","))
        .where(SubjectAssessment.class_group_id == class_group_id, SubjectAssessment.subject_id == subject_id)
        .scalar_subquery())


def settings_of(session: Session, class_group_id: int, subject_id: int) -> dict[int, str]:
    """Study period id -> mode: the school's settings of a class and subject."""
    return dict(session.execute(select(SubjectAssessment.study_period_id, SubjectAssessment.mode).where(
        SubjectAssessment.class_group_id == class_group_id, SubjectAssessment.subject_id == subject_id)).all())


def class_settings(session: Session, class_group_id: int, period_id: int) -> dict[int, str]:
    """Subject id -> mode: the school's settings of a class in one study period."""
    return dict(session.execute(select(SubjectAssessment.subject_id, SubjectAssessment.mode).where(
        SubjectAssessment.class_group_id == class_group_id, SubjectAssessment.study_period_id == period_id)).all())


@lru_cache(maxsize=1)
def lesson_mode() -> ColumnElement[str]:
    """SQL over the Lesson row of the enclosing statement: the mode of the lesson's subject in its
    class in the study period of its date (the school's setting, else the grade's default)."""
    setting, period, assignment = aliased(SubjectAssessment), aliased(StudyPeriod), aliased(TeachingAssignment)
    chosen = (select(setting.mode)
              .join(period, period.id == setting.study_period_id)
              .join(assignment, assignment.subject_id == setting.subject_id)
              .where(assignment.id == Lesson.assignment_id, setting.class_group_id == Lesson.class_group_id,
                     period.starts_on <= Lesson.date, period.ends_on >= Lesson.date)
              .correlate(Lesson).limit(1).scalar_subquery())
    class_group = aliased(ClassGroup)
    grade = (select(class_group.grade).where(class_group.id == Lesson.class_group_id)
             .correlate(Lesson).scalar_subquery())
    default = case((grade.in_(sorted(UNMARKED_GRADES)), UNMARKED), else_=MARKS)
    return func.coalesce(chosen, default)


def lesson_marked() -> ColumnElement[bool]:
    """SQL over the Lesson row of the enclosing statement: the lesson is assessed with marks.
    The one condition by which reports and counts leave out the marks of unmarked lessons."""
    return lesson_mode() == MARKS


def refuse_marks(mode: str, value: int, codes: Iterable[str]) -> None:
    """DomainError when marks (the first typed: `value`) may not be written on a lesson of `mode`,
    saying what may (`codes`: the absence codes)."""
    codes = ", ".join(sorted(codes))
    if mode == UNMARKED:
        raise DomainError(_("Отметка «%(value)s» не ставится: предмет в этом классе и периоде изучается без "
                            "отметок. Отмечайте пропуски (%(codes)s), записывайте тему и задание.",
                            value=value, codes=codes))
    if mode == PASS_FAIL:
        raise DomainError(_("Отметка «%(value)s» не ставится: предмет в этом периоде оценивается по системе "
                            "«зачёт/незачёт». Отмечайте пропуски (%(codes)s); итог за период — «зач.» или «незач.».",
                            value=value, codes=codes))


def check_period_result(mode: str, value: str) -> None:
    """DomainError unless `value` (non-empty, lower case) is a period result the mode takes."""
    allowed = PERIOD_RESULTS[mode]
    if value in allowed:
        return
    if mode == UNMARKED:
        raise DomainError(_("Предмет в этом периоде изучается без отметок: итоговая отметка не ставится."))
    if mode == PASS_FAIL:
        raise DomainError(_("«%(value)s» не принимается: предмет оценивается по системе «зачёт/незачёт». "
                            "Допустимы: %(values)s", value=value, values=", ".join(allowed)))  # the last value ends with «.»
    raise DomainError(_("«%(value)s» — не итоговая отметка. Допустимы: %(values)s.",
                        value=value, values=", ".join(allowed)))


def mode_of_lesson(session: Session, lesson_id: int) -> str:
    """The mode of one lesson (`lesson_mode` on its row)."""
    return session.scalar(select(lesson_mode()).where(Lesson.id == lesson_id)) or MARKS


