"""The teacher completion report («заполнение журналов»): for one school and a week or a month,
per teacher and teaching assignment, how many lessons were due, how many have a topic, how many
marks were entered and how many lessons have nothing at all (no topic, no marks, no absences).

The figures are the rows of `app.monitoring.activity.assignment_activity` — the computation the
monthly usage indicators sum per school — filtered by the user's scope. Lessons count as due up to
the end of the period or today, whichever is earlier. Rows come worst first: most lessons with
nothing, then the lowest share of lessons with a topic. A coordinator starts from the overview of
the municipality's schools (`schools_overview`, the same rows summed per school) and opens one.

The coordinator sees teachers' names here (the issue's «per teacher» report for the municipality):
a teacher's name and work figures, never a pupil's data.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import formats
from app.exports.cells import write_cell, write_row
from app.errors import DomainError
from app.models import ClassGroup, Lesson, School, Staff, Subgroup, Subject, TeachingAssignment
from app.monitoring.activity import AssignmentActivity, assignment_activity
from app.monitoring.months import last_day, month_key, month_label, parse_month
from app.security.scope import Scope, visible
from app.i18n import N_, _

WEEK, MONTH = "week", "month"

HEADERS = (  # translated where they are written
    "№", N_("Учитель"), N_("Класс"), N_("Предмет"), N_("Уроков по календарю"), N_("Уроков с темой"),
    N_("Заполнено тем, %"), N_("Отметок выставлено"), N_("Уроков без записей"),
)


@dataclass(frozen=True)
class Period:
    kind: str          # WEEK or MONTH
    start: dt.date     # Monday of the week / first day of the month
    end: dt.date       # Sunday / last day of the month

    @property
    def label(self) -> str:
        """«неделя 10.09.2012 – 16.09.2012» or «сентябрь 2012»."""
        if self.kind == MONTH:
            return month_label(self.start)
        return _("неделя %(start)s – %(end)s", start=formats.format_date(self.start), end=formats.format_date(self.end))

    @property
    def key(self) -> str:
        """'2012-09' for a month, '2012-09-10' (the Monday) for a week: used in file names and URLs."""
        return month_key(self.start) if self.kind == MONTH else self.start.isoformat()

    def previous(self) -> "Period":
        return month_of(self.start - dt.timedelta(days=1)) if self.kind == MONTH else week_of(self.start - dt.timedelta(days=7))

    def next(self) -> "Period":
        return month_of(self.end + dt.timedelta(days=1)) if self.kind == MONTH else week_of(self.start + dt.timedelta(days=7))


def week_of(day: dt.date) -> Period:
    """The Monday-to-Sunday week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return Period(WEEK, monday, monday + dt.timedelta(days=6))


def month_of(day: dt.date) -> Period:
    first = day.replace(day=1)
    return Period(MONTH, first, last_day(first))


def parse_day(text: str | None) -> dt.date:
    """12.09.2012 or '2012-09-12' (app.formats.parse_date) -> date. Anything else raises DomainError
    with a Russian hint."""
    try:
        day = formats.parse_date(text)
    except formats.NotADate:
        day = None
    if day is None:
        raise DomainError(_("Дата «%(text)s» не распознана: укажите её в виде ДД.ММ.ГГГГ, например 10.09.2012.",
                            text=text or ""))
    if not 2000 <= day.year <= 2100:
        raise DomainError(_("Дата «%(text)s» вне допустимого диапазона лет (2000–2100).", text=text))
    return day


def parse_period(kind: str | None, *, day: str | None = None, month: str | None = None) -> Period:
    """A week by any of its days ('2012-09-12'), or a month ('2012-09')."""
    if kind == MONTH:
        return month_of(parse_month(month))
    if kind in (WEEK, None, ""):
        return week_of(parse_day(day))
    raise DomainError(_("Выберите период: неделя или месяц."))


@dataclass
class CompletionRow:
    teacher: str
    class_name: str
    subject: str
    activity: AssignmentActivity

    @property
    def nothing_filled(self) -> bool:
        """Not one due lesson has a topic, a mark or an absence."""
        return self.activity.lessons_empty == self.activity.lessons_due

    def sort_key(self):
        a = self.activity
        return (-a.lessons_empty, a.fill_share, -a.lessons_due, self.teacher, self.class_name, self.subject)


@dataclass
class CompletionReport:
    school_id: int
    school_name: str
    period: Period
    due_until: dt.date | None          # last day whose lessons count; None: the period has not begun
    rows: list[CompletionRow] = field(default_factory=list)

    @property
    def totals(self) -> AssignmentActivity:
        """The school's sums over all rows (the same sums the monitoring indicators take)."""
        total = AssignmentActivity(school_id=self.school_id, teacher_id=0, assignment_id=0, counts_as_teacher=False)
        for row in self.rows:
            _add(total, row.activity)
        return total

    @property
    def teachers(self) -> int:
        return len({row.activity.teacher_id for row in self.rows})


def report_schools(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(id, short name) of the schools the user may report on, by name."""
    return [tuple(r) for r in session.execute(
        select(School.id, School.short_name).where(visible(scope, School)).order_by(School.short_name, School.id))]


def latest_lesson_day(session: Session, scope: Scope, school_id: int | None, today: dt.date) -> dt.date | None:
    """The last day up to today with a due lesson in the school (None: in any school in scope),
    for a useful default week."""
    where = [Lesson.date <= today, Lesson.cancelled.is_(False), visible(scope, Lesson)]
    if school_id is not None:
        where.append(Lesson.school_id == school_id)
    return session.scalar(select(func.max(Lesson.date)).where(*where))


def _due_until(period: Period, today: dt.date) -> dt.date | None:
    due_until = min(period.end, today)
    return due_until if due_until >= period.start else None


@dataclass
class SchoolLine:
    school_id: int
    school_name: str
    totals: AssignmentActivity
    teachers: int = 0

    def sort_key(self):
        t = self.totals
        has_lessons = t.lessons_due > 0
        return (not has_lessons, t.fill_share if has_lessons else 0, -t.lessons_empty, self.school_name)


def schools_overview(session: Session, scope: Scope, period: Period, today: dt.date) -> list[SchoolLine]:
    """Every school in scope with its totals for the period, worst first (lowest share of lessons
    with a topic, then most lessons with nothing); schools without due lessons come last.

    Cost: the school list and the two activity queries, whatever the number of schools."""
    schools = report_schools(session, scope)
    lines = {
        school_id: SchoolLine(school_id, name, AssignmentActivity(school_id=school_id, teacher_id=0, assignment_id=0,
                                                                  counts_as_teacher=False))
        for school_id, name in schools
    }
    due_until = _due_until(period, today)
    if due_until is None or not lines:
        return sorted(lines.values(), key=SchoolLine.sort_key)
    teachers: dict[int, set[int]] = {}
    in_scope = select(School.id).where(visible(scope, School))
    for a in assignment_activity(session, in_scope, period.start, due_until, lesson_filter=visible(scope, Lesson)):
        line = lines.get(a.school_id)
        if line is None:
            continue
        _add(line.totals, a)
        teachers.setdefault(a.school_id, set()).add(a.teacher_id)
    for school_id, ids in teachers.items():
        lines[school_id].teachers = len(ids)
    return sorted(lines.values(), key=SchoolLine.sort_key)


def _add(total: AssignmentActivity, a: AssignmentActivity) -> None:
    total.lessons_due += a.lessons_due
    total.lessons_with_topic += a.lessons_with_topic
    total.lessons_with_marks += a.lessons_with_marks
    total.lessons_touched += a.lessons_touched
    total.lessons_empty += a.lessons_empty
    total.marks_entered += a.marks_entered
    total.marks_on_time += a.marks_on_time


def completion_report(session: Session, scope: Scope, school_id: int, period: Period,
                      today: dt.date) -> CompletionReport | None:
    """The report for one school, or None when the school is missing or outside the user's scope.

    Cost: the school, the two activity queries and two label queries, whatever the period."""
    school = session.execute(
        select(School.id, School.short_name).where(School.id == school_id, visible(scope, School))).first()
    if school is None:
        return None
    report = CompletionReport(school_id=school.id, school_name=school.short_name, period=period,
                              due_until=_due_until(period, today))
    if report.due_until is None:
        return report
    activity = assignment_activity(session, [school.id], period.start, report.due_until,
                                   lesson_filter=visible(scope, Lesson))
    if not activity:
        return report
    teachers = {
        r.id: r.full_name for r in session.scalars(
            select(Staff).where(Staff.id.in_({a.teacher_id for a in activity})))
    }
    assignments = {
        a_id: (f"{grade}{letter}", subject + (f" ({group})" if group else ""))
        for a_id, grade, letter, subject, group in session.execute(
            select(TeachingAssignment.id, ClassGroup.grade, ClassGroup.letter, Subject.name, Subgroup.name)
            .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
            .where(TeachingAssignment.id.in_({a.assignment_id for a in activity})))
    }
    for a in activity:
        class_name, subject = assignments.get(a.assignment_id, ("", ""))
        report.rows.append(CompletionRow(teacher=teachers.get(a.teacher_id, ""), class_name=class_name,
                                         subject=subject, activity=a))
    report.rows.sort(key=CompletionRow.sort_key)
    return report


def _number(value: Decimal | None):
    return None if value is None else float(value)


def completion_xlsx(report: CompletionReport) -> bytes:
    """The report as one xlsx sheet: a title, the table worst first, the school's totals.

    Every figure is a value (no formulas); text is written as strings by app.exports.cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Заполнение журналов"))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#EEEEEE"})
    cell = book.add_format({"border": 1})
    pct = book.add_format({"border": 1, "num_format": "0.0"})
    empty_cell = book.add_format({"border": 1, "bg_color": "#F2DEDE"})
    empty_pct = book.add_format({"border": 1, "num_format": "0.0", "bg_color": "#F2DEDE"})

    write_cell(sheet, 0, 0, _("Заполнение журналов: %(school)s", school=report.school_name), bold)
    write_cell(sheet, 1, 0, _("Период: %(period)s", period=report.period.label))
    write_cell(sheet, 2, 0, _("Уроки учтены по %(day)s", day=formats.format_date(report.due_until)) if report.due_until
                            else _("Период ещё не начался: уроков к проведению нет"))
    first = 4
    write_row(sheet, first, 0, [_(h) for h in HEADERS], head)
    for n, row in enumerate(report.rows, 1):
        a = row.activity
        plain, percent = (empty_cell, empty_pct) if row.nothing_filled else (cell, pct)
        r = first + n
        write_cell(sheet, r, 0, n, plain)
        write_cell(sheet, r, 1, row.teacher, plain)
        write_cell(sheet, r, 2, row.class_name, plain)
        write_cell(sheet, r, 3, row.subject, plain)
        write_cell(sheet, r, 4, a.lessons_due, plain)
        write_cell(sheet, r, 5, a.lessons_with_topic, plain)
        write_cell(sheet, r, 6, _number(a.fill_share), percent)
        write_cell(sheet, r, 7, a.marks_entered, plain)
        write_cell(sheet, r, 8, a.lessons_empty, plain)
    t = report.totals
    r = first + len(report.rows) + 1
    write_cell(sheet, r, 1, _("Итого по школе"), head)
    for c, value in ((4, t.lessons_due), (5, t.lessons_with_topic), (7, t.marks_entered), (8, t.lessons_empty)):
        write_cell(sheet, r, c, value, head)
    write_cell(sheet, r, 6, _number(t.fill_share), book.add_format({"bold": True, "border": 1, "num_format": "0.0"}))
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 8)
    sheet.set_column(3, 3, 28)
    sheet.set_column(4, 8, 13)
    sheet.freeze_panes(first + 1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()

