"""The thematic plan (календарно-тематическое планирование, КТП) of a teaching assignment: the
year's topics in order, each with its hours (lessons) and optional section.

- Rows come from the plan page or from the teacher's xlsx (app/journal/plan_import.py) as cells
  №, раздел, тема, часы, and are checked one way (`check_topic_rows`): a row with only a section
  is a heading for the rows below it, a topic row with an empty section keeps the section above
  (so a merged cell, a heading row and a section repeated on every row all read alike); a topic
  needs whole hours from 1 to 99. All rows are written or none.
- Who reads and changes a plan is app/security/rules.py's: a teacher changes the plans of their
  own assignments and reads those of the journals they open; the school's administration reads
  every plan of the school; another school's plan is not found (NotInScope: 404).
- A plan is copied to the parallel classes of the subject (5А → 5Б, 5В), and the school sees per
  teacher whether the plans cover the year's lessons in the timetable (`coverage`).
«Заполнить темы из плана» is app/journal/plan_fill.py.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.diary.week import CalendarPeriod, load_periods
from app.errors import DomainError
from app.models import (
    AcademicYear,
    ClassGroup,
    PlanTopic,
    Staff,
    Subgroup,
    Subject,
    TeachingAssignment,
    ThematicPlan,
)
from app.models.people import short_name
from app.models.timetable import class_name
from app.security.clauses import NotInScope, as_if, on_row
from app.security.scope import CLAUSES_KEPT, Scope, changeable, visible
from app.i18n import _
from app.timetable.calendar import timetable_counts
from app.timetable.table_import import RowError, refused_text

MAX_TOPICS = 500
MAX_HOURS = 99
COLUMNS = ("number", "section", "topic", "hours")
# Hours as typed: «2», «2 ч», «2 ч.», «2 часа».
HOURS = re.compile(r"^(\d{1,3})\s*(?:ч\.?|час|часа|часов)?$", re.IGNORECASE)


# --- who may read and change which plan ------------------------------------------------------

@lru_cache(maxsize=CLAUSES_KEPT)
def plans_readable(scope: Scope):
    """A boolean SQL expression over TeachingAssignment: may the user read this assignment's plan
    (whether it has one yet or not)? The ThematicPlan scope clause asked of a plan of the row."""
    return on_row(as_if(visible(scope, ThematicPlan), ThematicPlan, {"assignment_id": TeachingAssignment.id}),
                  TeachingAssignment)


@lru_cache(maxsize=CLAUSES_KEPT)
def plans_changeable(scope: Scope):
    """A boolean SQL expression over TeachingAssignment: may the user write this assignment's plan?"""
    return on_row(as_if(changeable(scope, ThematicPlan), ThematicPlan, {"assignment_id": TeachingAssignment.id}),
                  TeachingAssignment)


@dataclass(frozen=True)
class PlanHeading:
    """The assignment a plan belongs to, as its page names it, and whether the user may change it."""

    assignment_id: int
    school_id: int
    academic_year_id: int
    class_group_id: int
    grade: int
    subject_id: int
    class_name: str
    subject_name: str
    subgroup_name: str | None
    teacher_id: int
    teacher_name: str | None
    editable: bool

    @property
    def label(self) -> str:
        """«5А, Математика» or «5А, Английский язык (группа 1)»."""
        group = f" ({self.subgroup_name})" if self.subgroup_name else ""
        return f"{self.class_name}, {self.subject_name}{group}"


def _heading_statement(scope: Scope):
    return (select(TeachingAssignment.id, ClassGroup.school_id, ClassGroup.academic_year_id, ClassGroup.id,
                   ClassGroup.grade, ClassGroup.letter, Subject.id, Subject.name, Subgroup.name,
                   TeachingAssignment.teacher_id, Staff.last_name, Staff.first_name, Staff.middle_name, plans_changeable(scope).label("editable"))
            .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
            .outerjoin(Staff, Staff.id == TeachingAssignment.teacher_id))


def _heading(row) -> PlanHeading:
    (assignment_id, school_id, year_id, class_id, grade, letter, subject_id, subject_name, subgroup_name, teacher_id,
     last_name, first_name, middle_name, editable) = row
    return PlanHeading(assignment_id=assignment_id, school_id=school_id, academic_year_id=year_id,
                       class_group_id=class_id, grade=grade, subject_id=subject_id,
                       class_name=class_name(grade, letter), subject_name=subject_name, subgroup_name=subgroup_name,
                       teacher_id=teacher_id, teacher_name=short_name(last_name, first_name, middle_name) if last_name else None,
                       editable=bool(editable))


def open_heading(session: Session, scope: Scope, assignment_id: int, *, to_change: bool = False) -> PlanHeading:
    """The assignment whose plan the user may read (`to_change`: change), or NotInScope."""
    row = session.execute(_heading_statement(scope).where(
        TeachingAssignment.id == assignment_id, plans_changeable(scope) if to_change else plans_readable(scope))).first()
    if row is None:
        raise NotInScope(f"thematic plan of teaching_assignment {assignment_id}")
    return _heading(row)


# --- checking rows -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TopicRow:
    """A checked topic: the row's number as the user sees it, its section, text and hours."""

    number: int
    section: str | None
    topic: str
    hours: int


@dataclass
class CheckedRows:
    rows: list[TopicRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    headings: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def hours(self) -> int:
        return sum(row.hours for row in self.rows)


def parse_hours(text: str) -> int | None:
    """«2», «2 ч.», «2 часа» -> 2; None for anything else or outside 1…MAX_HOURS."""
    match = HOURS.match(text.strip())
    if not match:
        return None
    hours = int(match.group(1))
    return hours if 1 <= hours <= MAX_HOURS else None


def check_topic_rows(body: list[tuple[int, dict[str, str]]]) -> CheckedRows:
    """Check the rows in their order: (the row's number for messages, its trimmed cells by key
    «section», «topic», «hours»). A row with a section alone is a heading: its section goes to the
    topics below it, as does the section of a topic row, until the next one. A row without any
    text is skipped. Every reason of a row is given at once."""
    checked = CheckedRows()
    section: str | None = None
    for number, cells in body:
        row_section, topic, hours_text = cells.get("section", ""), cells.get("topic", ""), cells.get("hours", "")
        if not (row_section or topic or hours_text):
            continue
        if row_section and not topic and not hours_text:
            section, checked.headings = row_section, checked.headings + 1
            reasons = refused_text([(PlanTopic.section, row_section, _("раздел"))])
            if reasons:
                checked.errors.append(RowError(number, "; ".join(reasons)))
            continue
        section = row_section or section
        reasons = _row_reasons(section if row_section else None, topic, hours_text)
        if reasons:
            checked.errors.append(RowError(number, "; ".join(reasons)))
            continue
        checked.rows.append(TopicRow(number, section, topic, parse_hours(hours_text)))
    if len(checked.rows) > MAX_TOPICS:
        raise DomainError(_("В плане больше %(n)s тем: столько уроков в году не бывает — проверьте файл.",
                            n=MAX_TOPICS))
    return checked


def _row_reasons(section: str | None, topic: str, hours_text: str) -> list[str]:
    reasons = []
    if not topic:
        reasons.append(_("тема не указана"))
    if not hours_text:
        reasons.append(_("не указано, сколько часов на тему"))
    elif parse_hours(hours_text) is None:
        reasons.append(_("часы «%(v)s»: нужно целое число от 1 до %(max)s", v=hours_text, max=MAX_HOURS))
    return reasons + refused_text([(PlanTopic.section, section, _("раздел")),
                                   (PlanTopic.topic, topic or None, _("тема"))])


def check_page_rows(rows: list[dict[str, str]]) -> CheckedRows:
    """The plan page's rows (cells by key, the page's order): ordered by the № typed (a row keeps
    its place among rows of the same №, so a new row numbered 3 goes after the present 3rd), then
    checked. A row is named by its № in messages, or by its place on the page without one."""
    errors: list[RowError] = []
    keyed = []
    for place, cells in enumerate(rows, 1):
        cells = {key: (cells.get(key) or "").strip() for key in COLUMNS}
        if not (cells["section"] or cells["topic"] or cells["hours"]):
            continue
        number = cells["number"]
        if number and not (number.isdigit() and 1 <= int(number) <= 9999):
            errors.append(RowError(place, _("№ «%(v)s»: нужен номер по порядку — целое число", v=number)))
            continue
        keyed.append((int(number) if number else place, place, cells))
    keyed.sort(key=lambda item: (item[0], item[1]))
    checked = check_topic_rows([(number, cells) for number, _place, cells in keyed])
    checked.errors = sorted(errors + checked.errors, key=lambda error: error.number)
    return checked


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShownTopic:
    """A topic as the plan page shows it: with the lessons it takes (first…last of the year) and
    whether it opens its section (the page prints the section there only)."""

    position: int
    section: str | None
    topic: str
    hours: int
    first_lesson: int
    last_lesson: int
    opens_section: bool


@dataclass(frozen=True)
class Parallel:
    """Another assignment of the subject in the same grade, whose plan the user may change."""

    assignment_id: int
    label: str
    topics: int


@dataclass
class PlanPage:
    heading: PlanHeading
    version: int  # 0: no plan yet
    topics: list[ShownTopic]
    timetable_hours: int
    periods: list[CalendarPeriod]
    current_period_id: int | None
    parallels: list[Parallel]

    @property
    def hours(self) -> int:
        return sum(topic.hours for topic in self.topics)


def _topics(session: Session, assignment_id: int):
    return session.execute(
        select(PlanTopic.position, PlanTopic.section, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment_id).order_by(PlanTopic.position)).all()


def shown_topics(rows) -> list[ShownTopic]:
    """(position, section, topic, hours) rows in order, numbered by the lessons they take."""
    shown, lesson, previous = [], 1, None
    for position, section, topic, hours in rows:
        shown.append(ShownTopic(position, section, topic, hours, lesson, lesson + hours - 1,
                                bool(section) and section != previous))
        lesson += hours
        previous = section
    return shown


def plan_page(session: Session, scope: Scope, assignment_id: int, today: dt.date) -> PlanPage:
    """Everything the plan page shows (NotInScope -> 404): the topics, the year's lessons in the
    timetable, the study periods to fill (the one of `today` chosen) and the parallels to copy to."""
    heading = open_heading(session, scope, assignment_id)
    version = session.scalar(select(ThematicPlan.version).where(ThematicPlan.assignment_id == assignment_id)) or 0
    periods = [p for p in load_periods(session, heading.school_id) if p.academic_year_id == heading.academic_year_id]
    current = next((p.id for p in periods if p.starts_on <= today <= p.ends_on), None)
    if current is None:
        current = next((p.id for p in periods if p.starts_on > today), periods[-1].id if periods else None)
    timetable = timetable_counts(session, heading.school_id, heading.academic_year_id, [assignment_id])
    return PlanPage(heading=heading, version=version, topics=shown_topics(_topics(session, assignment_id)),
                    timetable_hours=timetable.get(assignment_id, 0), periods=periods, current_period_id=current,
                    parallels=parallels(session, scope, heading) if heading.editable else [])


def parallels(session: Session, scope: Scope, heading: PlanHeading) -> list[Parallel]:
    """The other assignments of the subject in classes of the same grade, school and year whose
    plans the user may change, by class, with the number of topics they have."""
    counted = (select(ThematicPlan.assignment_id, func.count(PlanTopic.id).label("topics"))
               .join(PlanTopic, PlanTopic.plan_id == ThematicPlan.id).group_by(ThematicPlan.assignment_id).subquery())
    rows = session.execute(
        _heading_statement(scope).add_columns(func.coalesce(counted.c.topics, 0))
        .outerjoin(counted, counted.c.assignment_id == TeachingAssignment.id)
        .where(ClassGroup.school_id == heading.school_id, ClassGroup.academic_year_id == heading.academic_year_id,
               ClassGroup.grade == heading.grade, TeachingAssignment.subject_id == heading.subject_id,
               TeachingAssignment.id != heading.assignment_id, plans_changeable(scope))
        .order_by(ClassGroup.letter, Subgroup.name)).all()
    return [Parallel(row[0], _heading(row[:-1]).label, row[-1]) for row in rows]


# --- writing -------------------------------------------------------------------------------------

class StalePlan(DomainError):
    def __init__(self):
        super().__init__(_("План уже изменили в другом окне или другой пользователь: откройте страницу плана "
                           "заново и повторите изменения."), code="stale")


def write_topics(session: Session, assignment_id: int, rows: list[TopicRow], *, user_id: int | None,
                 now: dt.datetime, version: int | None = None) -> None:
    """Replace the assignment's plan by `rows` (numbered 1, 2, … in their order), creating the plan
    when there is none. `version`: the plan's version the page showed (0: no plan yet), refused
    as StalePlan when the plan has changed since; None: not checked (an import, a copy).
    Flushes; the caller commits."""
    plan_id = session.scalar(select(ThematicPlan.id).where(ThematicPlan.assignment_id == assignment_id))
    if plan_id is None:
        if version not in (None, 0):
            raise StalePlan()
        plan = ThematicPlan(assignment_id=assignment_id, changed_by_id=user_id, changed_at=now, version=1)
        session.add(plan)
        try:
            session.flush()
        except IntegrityError as error:  # created meanwhile by another request; the caller rolls back
            raise StalePlan() from error
        plan_id = plan.id
    else:
        conditions = [ThematicPlan.id == plan_id] + ([ThematicPlan.version == version] if version is not None else [])
        done = session.execute(update(ThematicPlan).where(*conditions).values(
            version=ThematicPlan.version + 1, changed_by_id=user_id, changed_at=now)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise StalePlan()
    # The old rows go first, in their own statement: the new ones take the same positions.
    session.execute(delete(PlanTopic).where(PlanTopic.plan_id == plan_id).execution_options(synchronize_session=False))
    session.add_all([PlanTopic(plan_id=plan_id, position=position, section=row.section, topic=row.topic,
                               hours=row.hours) for position, row in enumerate(rows, 1)])
    session.flush()


def _in_one_transaction(session: Session, work):
    try:
        result = work()
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise


def save_plan(session: Session, scope: Scope, assignment_id: int, rows: list[dict[str, str]], version: int | None,
              *, user_id: int | None, now: dt.datetime) -> CheckedRows:
    """The plan page's save: check the rows (`check_page_rows`) and, when every row is right, make
    them the plan, in one transaction. Returns the checked rows (with their errors, nothing
    written, when some are wrong). NotInScope when the user may not change the plan; StalePlan
    when it changed since the page showed `version` (None: the page sent none); DomainError for a
    plan left without topics."""
    def work():
        open_heading(session, scope, assignment_id, to_change=True)
        if version is None:
            raise DomainError(_("Запрос не распознан: обновите страницу и повторите."))
        checked = check_page_rows(rows)
        if checked.errors:
            return checked
        if not checked.rows:
            raise DomainError(_("В плане не осталось ни одной темы: план не сохранён. Чтобы начать заново, "
                                "загрузите план из файла."))
        write_topics(session, assignment_id, checked.rows, user_id=user_id, now=now, version=version)
        return checked
    return _in_one_transaction(session, work)


def copy_to_parallels(session: Session, scope: Scope, assignment_id: int, target_ids: list[int], *,
                      user_id: int | None, now: dt.datetime) -> list[str]:
    """Copy the plan of `assignment_id` to the chosen parallels (see `parallels`), replacing their
    topics, in one transaction. Returns the labels of the plans written, in class order.
    NotInScope when the user may not change the source; DomainError for no plan to copy, no target
    chosen, or a target that is not one of the parallels the user may change."""
    def work():
        heading = open_heading(session, scope, assignment_id, to_change=True)
        topics = _topics(session, assignment_id)
        if not topics:
            raise DomainError(_("В плане нет тем: копировать нечего."))
        if not target_ids:
            raise DomainError(_("Отметьте классы, в которые скопировать план."))
        allowed = {p.assignment_id: p for p in parallels(session, scope, heading)}
        unknown = [target for target in target_ids if target not in allowed]
        if unknown:
            raise DomainError(_("План копируется только в параллельные классы того же предмета, которые ведёте вы: "
                                "обновите страницу и выберите классы из списка."))
        rows = [TopicRow(position, section, topic, hours) for position, section, topic, hours in topics]
        for target in sorted(set(target_ids), key=list(allowed).index):
            write_topics(session, target, rows, user_id=user_id, now=now)
        return [allowed[target].label for target in sorted(set(target_ids), key=list(allowed).index)]
    return _in_one_transaction(session, work)


# --- does the plan cover the year? -----------------------------------------------------------------

@dataclass(frozen=True)
class AssignmentCoverage:
    """One assignment's plan against its year in the timetable, in hours (lessons)."""

    assignment_id: int
    label: str
    has_plan: bool
    planned_hours: int
    timetable_hours: int
    editable: bool

    @property
    def difference(self) -> int:
        """Planned minus timetable hours: below 0 the plan runs out before the year ends."""
        return self.planned_hours - self.timetable_hours

    @property
    def covers(self) -> bool:
        return self.has_plan and self.planned_hours >= self.timetable_hours


@dataclass
class TeacherCoverage:
    teacher_id: int
    teacher_name: str
    assignments: list[AssignmentCoverage] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return sum(a.covers for a in self.assignments)

    @property
    def without_plan(self) -> int:
        return sum(not a.has_plan for a in self.assignments)

    @property
    def short(self) -> int:
        """Plans that run out before the year's lessons do."""
        return sum(a.has_plan and not a.covers for a in self.assignments)


@dataclass
class Coverage:
    year_name: str | None
    teachers: list[TeacherCoverage]


def year_of(session: Session, today: dt.date) -> AcademicYear | None:
    """The school year of `today`; between years, the last one begun (else the first one)."""
    years = list(session.scalars(select(AcademicYear).order_by(AcademicYear.starts_on)))
    begun = [year for year in years if year.starts_on <= today]
    return begun[-1] if begun else (years[0] if years else None)


def coverage(session: Session, scope: Scope, today: dt.date, *, own: bool = False) -> Coverage:
    """Per teacher (by name), each assignment of the school year of `today` whose plan the user
    may read (`own`: change), with the plan's hours and the year's lessons in the timetable
    (app.timetable.calendar.timetable_counts), by class and subject."""
    year = year_of(session, today)
    if year is None:
        return Coverage(None, [])
    planned = (select(ThematicPlan.assignment_id, func.sum(PlanTopic.hours).label("hours"))
               .join(PlanTopic, PlanTopic.plan_id == ThematicPlan.id).group_by(ThematicPlan.assignment_id).subquery())
    rows = session.execute(
        _heading_statement(scope).add_columns(planned.c.hours, planned.c.assignment_id.is_not(None))
        .outerjoin(planned, planned.c.assignment_id == TeachingAssignment.id)
        .where(ClassGroup.academic_year_id == year.id, plans_changeable(scope) if own else plans_readable(scope))
        .order_by(Staff.last_name, Staff.first_name, Staff.id, ClassGroup.grade, ClassGroup.letter, Subject.name,
                  Subgroup.name)).all()
    schools: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        schools[row[1]].append(row[0])
    timetable = {}
    for school_id, assignment_ids in schools.items():
        timetable.update(timetable_counts(session, school_id, year.id, assignment_ids))
    teachers: dict[int, TeacherCoverage] = {}
    for row in rows:
        heading = _heading(row[:-2])
        teachers.setdefault(heading.teacher_id, TeacherCoverage(heading.teacher_id, heading.teacher_name or "")).assignments.append(AssignmentCoverage(
            heading.assignment_id, heading.label, bool(row[-1]), int(row[-2] or 0),
            timetable.get(heading.assignment_id, 0), heading.editable))
    return Coverage(year.name, list(teachers.values()))
