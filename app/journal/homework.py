"""Homework: given on a lesson, due on a day, for the lesson's class, a subgroup or one pupil, with files.

The due day is by default the next lesson of the same teaching assignment (`next_lesson_date`):
the first later day with a lesson that is not cancelled, from the lesson calendar, and from the
weekly timetable in the study periods whose calendar is not generated yet (school days only: no
Sunday, no holiday of the class's grade, within a study period), so homework given before the
holidays or on the last lesson of a period is due at the first lesson after them. A teacher may
change it to another day with a lesson of the assignment.

The writes keep the journal's rules (app.journal.entries): the lesson row locked, the lesson's
period lock, a stale version refused, one history row per change, one transaction. Files are
checked as every upload is (app.uploads) and kept in the database.

Grade 1 gets no homework (СанПиН 2.4.2.2821-10, п. 10.10): refused with that reason.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app import clock, formats
from app.errors import DomainError
from app.journal.entries import Actor, StaleVersion, _audit, _check_lock, _transaction, period_of
from app.models import (
    ClassGroup,
    Holiday,
    Homework,
    HomeworkFile,
    Lesson,
    Pupil,
    StudyPeriod,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableSlot,
)
from app.models.timetable import class_name, subgroup_pupil
from app.security.clauses import NotInScope, would_be_changeable
from app.security.scope import Scope, visible
from app.i18n import _
from app.textinput import clean_column
from app.timetable.calendar import DayOff, study_days
from app.uploads import UploadedFile

HOMEWORK_MAX = 4000  # characters of a task's text
MAX_FILES = 5  # files of one task
NO_HOMEWORK_GRADE = 1  # СанПиН 2.4.2.2821-10, п. 10.10: no homework in grade 1

# Audience keys as the lesson panel sends them: the lesson's own audience (its class, or its
# subgroup for a subgroup's lesson), "subgroup:<id>", "pupil:<id>".
LESSON_AUDIENCE = "class"


# --- the due-date rule -----------------------------------------------------------------------------

def lesson_dates(session: Session, assignment_id: int, after: dt.date, until: dt.date) -> list[dt.date]:
    """The days after `after` up to `until` (inclusive) with a lesson of the assignment, in order.

    Study periods with a lesson of the assignment in the calendar count its lessons that are not
    cancelled; the others (not generated yet) count the weekly timetable's days: school days of
    the class's grade within the period, with a slot of the assignment valid that day and not
    every such lesson cancelled by a substitution. Days outside the study periods have none."""
    if until <= after:
        return []
    school_id, grade = session.execute(
        select(ClassGroup.school_id, ClassGroup.grade)
        .join(TeachingAssignment, TeachingAssignment.class_group_id == ClassGroup.id)
        .where(TeachingAssignment.id == assignment_id)).one()
    recorded = session.execute(select(Lesson.date, Lesson.cancelled).where(
        Lesson.assignment_id == assignment_id, Lesson.date > after, Lesson.date <= until)).all()
    dates = {date for date, cancelled in recorded if not cancelled}
    periods = session.execute(select(StudyPeriod.starts_on, StudyPeriod.ends_on).where(
        StudyPeriod.school_id == school_id, StudyPeriod.starts_on <= until, StudyPeriod.ends_on > after)).all()
    open_spans = [(max(starts, after + dt.timedelta(days=1)), min(ends, until)) for starts, ends in periods
                  if not any(starts <= date <= ends for date, _cancelled in recorded)]
    if open_spans:
        dates |= _planned_dates(session, assignment_id, school_id, grade, open_spans)
    return sorted(dates)


def _planned_dates(session: Session, assignment_id: int, school_id: int, grade: int,
                   spans: list[tuple[dt.date, dt.date]]) -> set[dt.date]:
    """The days of `spans` on which the weekly timetable has a lesson of the assignment."""
    first, last = min(s for s, _e in spans), max(e for _s, e in spans)
    slots = session.execute(select(TimetableSlot.weekday, TimetableSlot.lesson_number, TimetableSlot.valid_from,
                                   TimetableSlot.valid_to).where(
        TimetableSlot.assignment_id == assignment_id, TimetableSlot.valid_from <= last,
        or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= first))).all()
    if not slots:
        return set()
    holidays = [DayOff(*row) for row in session.execute(
        select(Holiday.starts_on, Holiday.ends_on, Holiday.grade_from, Holiday.grade_to).where(
            Holiday.school_id == school_id, Holiday.starts_on <= last, Holiday.ends_on >= first))]
    cancelled = set(session.execute(select(Substitution.date, Substitution.lesson_number).where(
        Substitution.assignment_id == assignment_id, Substitution.cancelled.is_(True),
        Substitution.date >= first, Substitution.date <= last)).all())
    dates = set()
    for starts, ends in spans:
        for day in study_days(starts, ends, holidays, grade):
            numbers = [number for weekday, number, valid_from, valid_to in slots
                       if weekday == day.isoweekday() and valid_from <= day and (valid_to is None or day <= valid_to)]
            if any((day, number) not in cancelled for number in numbers):
                dates.add(day)
    return dates


def year_end(session: Session, class_group_id: int) -> dt.date:
    """The last day of the class's school year: the end of its last study period (else of the year)."""
    class_group = session.get(ClassGroup, class_group_id)
    last = session.scalar(select(func.max(StudyPeriod.ends_on)).where(
        StudyPeriod.school_id == class_group.school_id, StudyPeriod.academic_year_id == class_group.academic_year_id))
    return last or class_group.academic_year.ends_on


def next_lesson_date(session: Session, assignment_id: int, after: dt.date, until: dt.date) -> dt.date | None:
    """The day of the assignment's next lesson after `after` (see `lesson_dates`), None when there
    is none up to `until` (the end of the school year)."""
    dates = lesson_dates(session, assignment_id, after, until)
    return dates[0] if dates else None


# --- what the lesson panel shows -------------------------------------------------------------------

@dataclass(frozen=True)
class HomeworkFileInfo:
    id: int
    name: str
    size_bytes: int


@dataclass
class HomeworkItem:
    """A task given on the lesson: for whom (an audience key and its label), text, due day, files."""

    id: int
    audience: str
    audience_label: str
    text: str
    due_on: dt.date
    version: int
    files: list[HomeworkFileInfo] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"id": self.id, "audience": self.audience, "audience_label": self.audience_label, "text": self.text,
                "due_on": formats.format_date(self.due_on), "version": self.version,
                "files": [{"id": f.id, "name": f.name, "size_bytes": f.size_bytes} for f in self.files]}


@dataclass
class LessonHomework:
    """The homework of one lesson as the journal's lesson panel shows it.

    `audiences`: (key, label) the teacher may give a task to: the lesson's own audience first,
    then the class's subgroups (a whole-class lesson), then its pupils. `refusal`: why no
    homework can be given on this lesson (grade 1, a cancelled lesson), or None."""

    lesson_id: int
    date: dt.date
    editable: bool
    refusal: str | None
    default_due: dt.date | None
    audiences: list[tuple[str, str]]
    items: list[HomeworkItem]

    def as_json(self) -> dict:
        return {"lesson_id": self.lesson_id, "editable": self.editable and self.refusal is None,
                "refusal": self.refusal or "", "default_due": formats.format_date(self.default_due),
                "audiences": [{"key": key, "label": label} for key, label in self.audiences],
                "homework": [item.as_json() for item in self.items]}


@dataclass(frozen=True)
class _LessonContext:
    """A lesson with what homework on it depends on."""

    lesson: Lesson
    subgroup_id: int | None
    subgroup_name: str | None
    grade: int
    class_label: str
    subject: str


def _context(session: Session, scope: Scope, lesson_id: int, *, lock: bool = False) -> _LessonContext:
    """The lesson (locked for the transaction with `lock`) and its assignment's subgroup, the
    class's grade and name, the subject; NotInScope when the user cannot see the lesson."""
    statement = (select(Lesson, TeachingAssignment.subgroup_id, Subgroup.name, ClassGroup.grade, ClassGroup.letter,
                        Subject.name)
                 .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
                 .join(ClassGroup, ClassGroup.id == Lesson.class_group_id)
                 .join(Subject, Subject.id == TeachingAssignment.subject_id)
                 .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
                 .where(Lesson.id == lesson_id, visible(scope, Lesson)))
    if lock:
        statement = statement.with_for_update(of=Lesson)
    row = session.execute(statement).first()
    if row is None:
        raise NotInScope(f"lesson {lesson_id}")
    lesson, subgroup_id, subgroup_name, grade, letter, subject = row
    return _LessonContext(lesson, subgroup_id, subgroup_name, grade, class_name(grade, letter), subject)


def _refusal(context: _LessonContext) -> str | None:
    if context.grade == NO_HOMEWORK_GRADE:
        return _("В 1 классе домашние задания не задаются (СанПиН 2.4.2.2821-10, п. 10.10).")
    if context.lesson.cancelled:
        return _("Урок %(date)s отменён: задание на нём не задаётся.", date=formats.format_date(context.lesson.date))
    return None


def _may_write(session: Session, scope: Scope, lesson: Lesson) -> bool:
    return would_be_changeable(session, scope, Homework, lesson_id=lesson.id, class_group_id=lesson.class_group_id)


def _audiences(session: Session, context: _LessonContext) -> list[tuple[str, str]]:
    """Who a task on the lesson may be for: the lesson's class (or subgroup), the class's
    subgroups (on a whole-class lesson), the lesson's pupils by name."""
    lesson = context.lesson
    if context.subgroup_id is None:
        own = _("Весь класс %(name)s", name=context.class_label)
        subgroups = [(f"subgroup:{sid}", _("Подгруппа «%(name)s»", name=name)) for sid, name in session.execute(
            select(Subgroup.id, Subgroup.name).where(Subgroup.class_group_id == lesson.class_group_id)
            .order_by(Subgroup.name, Subgroup.id))]
    else:
        own = _("Вся группа «%(name)s»", name=context.subgroup_name)
        subgroups = []
    return [(LESSON_AUDIENCE, own), *subgroups,
            *((f"pupil:{pid}", name) for pid, name in _lesson_pupils(session, context))]


def _lesson_pupils(session: Session, context: _LessonContext) -> list[tuple[int, str]]:
    """(id, «Фамилия Имя») of the pupils the lesson is for, by name."""
    query = select(Pupil.id, Pupil.last_name, Pupil.first_name).where(
        Pupil.class_group_id == context.lesson.class_group_id)
    if context.subgroup_id is not None:
        query = query.where(Pupil.id.in_(select(subgroup_pupil.c.pupil_id).where(
            subgroup_pupil.c.subgroup_id == context.subgroup_id)))
    rows = session.execute(query.order_by(Pupil.last_name, Pupil.first_name, Pupil.middle_name, Pupil.id)).all()
    return [(pid, f"{last} {first}") for pid, last, first in rows]


def _items(session: Session, scope: Scope, context: _LessonContext) -> list[HomeworkItem]:
    """The lesson's homework the user may read, with their files (without the files' bytes)."""
    rows = session.execute(
        select(Homework.id, Homework.subgroup_id, Homework.pupil_id, Homework.text, Homework.due_on, Homework.version,
               Subgroup.name, Pupil.last_name, Pupil.first_name, HomeworkFile.id, HomeworkFile.filename,
               HomeworkFile.size_bytes)
        .outerjoin(Subgroup, Subgroup.id == Homework.subgroup_id)
        .outerjoin(Pupil, Pupil.id == Homework.pupil_id)
        .outerjoin(HomeworkFile, HomeworkFile.homework_id == Homework.id)
        .where(Homework.lesson_id == context.lesson.id, visible(scope, Homework))
        .order_by(Homework.pupil_id.is_not(None), Homework.subgroup_id.is_not(None), Pupil.last_name,
                  Subgroup.name, Homework.id, HomeworkFile.id)).all()
    items: dict[int, HomeworkItem] = {}
    for (homework_id, subgroup_id, pupil_id, text, due_on, version, subgroup, last, first, file_id, filename,
         size) in rows:
        item = items.get(homework_id)
        if item is None:
            key, label = _audience_of(context, subgroup_id, pupil_id, subgroup, last, first)
            item = items[homework_id] = HomeworkItem(homework_id, key, label, text, due_on, version)
        if file_id is not None:
            item.files.append(HomeworkFileInfo(file_id, filename, size))
    return list(items.values())


def _audience_of(context: _LessonContext, subgroup_id, pupil_id, subgroup, last, first) -> tuple[str, str]:
    if pupil_id is not None:
        return f"pupil:{pupil_id}", f"{last} {first}"
    if subgroup_id is not None and subgroup_id != context.subgroup_id:
        return f"subgroup:{subgroup_id}", _("Подгруппа «%(name)s»", name=subgroup)
    if context.subgroup_id is not None:
        return LESSON_AUDIENCE, _("Вся группа «%(name)s»", name=context.subgroup_name)
    return LESSON_AUDIENCE, _("Весь класс %(name)s", name=context.class_label)


def lesson_homework(session: Session, scope: Scope, lesson_id: int) -> LessonHomework:
    """The homework given on a lesson, who it may be for, the default due day (the next lesson),
    whether the user may change it and why not. NotInScope when the user cannot see the lesson."""
    context = _context(session, scope, lesson_id)
    lesson = context.lesson
    until = year_end(session, lesson.class_group_id)
    return LessonHomework(
        lesson_id=lesson.id, date=lesson.date, editable=_may_write(session, scope, lesson), refusal=_refusal(context),
        default_due=next_lesson_date(session, lesson.assignment_id, lesson.date, until),
        audiences=_audiences(session, context), items=_items(session, scope, context))


# --- saving ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HomeworkInput:
    """A task as the lesson panel sends it.

    `audience`: LESSON_AUDIENCE, "subgroup:<id>" or "pupil:<id>"; `text`: empty removes the task
    (with its files); `due_on`: as typed (дд.мм.гггг), empty = the next lesson; `version`: of the
    task the page showed, None when it showed none; `files`: new files, checked (app.uploads);
    `remove_files`: ids of the task's files to remove."""

    audience: str
    text: str
    due_on: str = ""
    version: int | None = None
    files: tuple[UploadedFile, ...] = ()
    remove_files: tuple[int, ...] = ()


def save_homework(session: Session, scope: Scope, actor: Actor, *, lesson_id: int, given: HomeworkInput,
                  reason: str | None = None) -> LessonHomework:
    """Give, change or remove (empty text) the task of one audience on a lesson; returns the
    lesson's homework as it then stands. One transaction and one history row; DomainError (in
    Russian) or StaleVersion refuse it with nothing written, NotInScope when the lesson is not
    the user's to see."""
    def work():
        context = _context(session, scope, lesson_id, lock=True)
        lesson = context.lesson
        if not _may_write(session, scope, lesson):
            raise DomainError(_("Задание урока даёт учитель, который ведёт урок."))
        subgroup_id, pupil_id, label = _audience(session, context, given.audience)
        recorded = _check_lock(scope, period_of(session, lesson.school_id, lesson.date), reason)
        existing = session.scalar(select(Homework).where(
            Homework.lesson_id == lesson.id, _same_audience(subgroup_id, pupil_id)).with_for_update())
        if (existing.version if existing else None) != given.version:
            raise StaleVersion()
        text = (given.text or "").strip()
        if not text:
            if given.files:
                raise DomainError(_("Напишите, что задано: файлы прикладываются к тексту задания."))
            if existing is not None:
                _remove(session, actor, lesson, existing, label, recorded)
            return
        refusal = _refusal(context)  # a task given before may still be removed
        if refusal:
            raise DomainError(refusal)
        text = clean_column(Homework.text, given.text, field=_("Домашнее задание"))
        if len(text) > HOMEWORK_MAX:
            raise DomainError(_("Домашнее задание длиннее %(n)s знаков: сократите его.", n=HOMEWORK_MAX))
        due = _due_day(session, context, given.due_on, existing)
        _write(session, actor, context, existing, _Written(subgroup_id, pupil_id, label, text, due, given), recorded)
    _transaction(session, work)
    return lesson_homework(session, scope, lesson_id)


def _audience(session: Session, context: _LessonContext, key: str) -> tuple[int | None, int | None, str | None]:
    """(subgroup id, pupil id, label for the history) of an audience key; DomainError for a
    subgroup or pupil the lesson is not for. The lesson's own audience is stored with the
    subgroup of a subgroup's lesson."""
    lesson = context.lesson
    kind, _sep, raw = (key or "").partition(":")
    if kind == LESSON_AUDIENCE and not raw:
        return context.subgroup_id, None, None
    if kind == "subgroup" and raw.isdigit() and len(raw) <= 9 and context.subgroup_id is None:
        name = session.scalar(select(Subgroup.name).where(Subgroup.id == int(raw),
                                                          Subgroup.class_group_id == lesson.class_group_id))
        if name is not None:
            return int(raw), None, _("подгруппа «%(name)s»", name=name)
    if kind == "pupil" and raw.isdigit() and len(raw) <= 9:
        pupil = dict(_lesson_pupils(session, context)).get(int(raw))
        if pupil is not None:
            return None, int(raw), pupil
        raise DomainError(_("Ученик не числится в классе этого урока: задание не сохранено."))
    raise DomainError(_("Выберите, для кого задание: класс, подгруппа или ученик этого урока."))


def _same_audience(subgroup_id: int | None, pupil_id: int | None):
    return and_(Homework.subgroup_id.is_(None) if subgroup_id is None else Homework.subgroup_id == subgroup_id,
                Homework.pupil_id.is_(None) if pupil_id is None else Homework.pupil_id == pupil_id)


def _due_day(session: Session, context: _LessonContext, typed: str, existing: Homework | None) -> dt.date:
    """The day the task is due: as typed, else the next lesson. A new or changed day must be a
    later day with a lesson of the assignment within the school year."""
    lesson = context.lesson
    until = year_end(session, lesson.class_group_id)
    try:
        due = formats.parse_date(typed)
    except formats.NotADate:
        raise DomainError(_("Срок «%(value)s» не распознан: укажите дату как ДД.ММ.ГГГГ, например %(example)s.",
                            value=(typed or "").strip()[:20], example=formats.format_date(lesson.date)))
    if due is None:
        due = next_lesson_date(session, lesson.assignment_id, lesson.date, until)
        if due is None:
            raise DomainError(_("После %(date)s уроков «%(subject)s» в этом учебном году нет: укажите срок задания.",
                                date=formats.format_date(lesson.date), subject=context.subject))
        return due
    if existing is not None and due == existing.due_on:
        return due
    if due <= lesson.date:
        raise DomainError(_("Задание к уроку позже %(date)s: укажите срок после дня урока.",
                            date=formats.format_date(lesson.date)))
    if due not in lesson_dates(session, lesson.assignment_id, lesson.date, min(due, until)):
        following = next_lesson_date(session, lesson.assignment_id, lesson.date, until)
        hint = (_(" Ближайший урок — %(date)s.", date=formats.format_date(following)) if following else "")
        raise DomainError(_("%(date)s у %(cls)s нет урока «%(subject)s»: задание задаётся к уроку.",
                            date=formats.format_date(due), cls=context.class_label, subject=context.subject) + hint)
    return due


@dataclass(frozen=True)
class _Written:
    subgroup_id: int | None
    pupil_id: int | None
    label: str | None
    text: str
    due_on: dt.date
    given: HomeworkInput


def _write(session: Session, actor: Actor, context: _LessonContext, existing: Homework | None, new: _Written,
           recorded: str | None) -> None:
    """Insert or update the task, add and remove its files, and record the change."""
    lesson, given = context.lesson, new.given
    kept = _kept_files(session, existing, given.remove_files)
    if len(kept) + len(given.files) > MAX_FILES:
        raise DomainError(_("К заданию можно приложить не больше %(n)s файлов.", n=MAX_FILES))
    changed = bool(given.files or len(kept) != _file_count(session, existing))
    if existing is None:
        homework = Homework(lesson_id=lesson.id, class_group_id=lesson.class_group_id, subgroup_id=new.subgroup_id,
                            pupil_id=new.pupil_id, due_on=new.due_on, text=new.text, created_by_id=actor.user_id,
                            version=1)
        session.add(homework)
        session.flush()
        homework_id, action, old = homework.id, "create", None
    else:
        homework_id, action = existing.id, "update"
        old = _history_text(existing.text, existing.due_on, new.label,
                            [name for _id, name in _file_names(session, existing)])
        if existing.text == new.text and existing.due_on == new.due_on and not changed:
            return
        done = session.execute(update(Homework).where(Homework.id == existing.id, Homework.version == existing.version)
                               .values(text=new.text, due_on=new.due_on, version=Homework.version + 1,
                                       changed_at=clock.region_now())
                               .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise StaleVersion()
    removed = [file_id for file_id, _name in _file_names(session, existing) if file_id not in kept]
    if removed:
        session.execute(delete(HomeworkFile).where(HomeworkFile.id.in_(removed)))
    for upload in given.files:
        session.add(HomeworkFile(homework_id=homework_id, filename=upload.filename, content_type=upload.content_type,
                                 size_bytes=upload.size_bytes, data=upload.data, uploaded_by_id=actor.user_id))
    session.flush()
    names = [name for _id, name in _file_names(session, homework_id)]
    _audit(session, actor, school_id=lesson.school_id, entity="homework", action=action, entity_id=homework_id,
           lesson_id=lesson.id, old=old, new=_history_text(new.text, new.due_on, new.label, names), reason=recorded)


def _file_names(session: Session, homework: Homework | int | None) -> list[tuple[int, str]]:
    if homework is None:
        return []
    homework_id = homework if isinstance(homework, int) else homework.id
    return [tuple(row) for row in session.execute(select(HomeworkFile.id, HomeworkFile.filename).where(
        HomeworkFile.homework_id == homework_id).order_by(HomeworkFile.id))]


def _file_count(session: Session, homework: Homework | None) -> int:
    return len(_file_names(session, homework))


def _kept_files(session: Session, existing: Homework | None, remove: tuple[int, ...]) -> set[int]:
    """The task's files that stay; a file id to remove that is not the task's is refused."""
    files = {file_id for file_id, _name in _file_names(session, existing)}
    strangers = set(remove) - files
    if strangers:
        raise DomainError(_("Файл уже удалён или относится к другому заданию: обновите страницу."))
    return files - set(remove)


def _remove(session: Session, actor: Actor, lesson: Lesson, existing: Homework, label: str | None,
            recorded: str | None) -> None:
    """Remove a task with its files, and record it."""
    old = _history_text(existing.text, existing.due_on, label, [name for _id, name in _file_names(session, existing)])
    session.execute(delete(HomeworkFile).where(HomeworkFile.homework_id == existing.id))
    done = session.execute(delete(Homework).where(Homework.id == existing.id, Homework.version == existing.version)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise StaleVersion()
    _audit(session, actor, school_id=lesson.school_id, entity="homework", action="delete", entity_id=existing.id,
           lesson_id=lesson.id, old=old, reason=recorded)


def _history_text(text: str, due: dt.date, label: str | None, files: list[str]) -> str:
    """«№ 5, 6 (к 22.10.2012; для: Иванов Пётр; файлы: лист.pdf)»: a task in the change history."""
    parts = [_("к %(date)s", date=formats.format_date(due))]
    if label:
        parts.append(_("для: %(whom)s", whom=label))
    if files:
        parts.append(_("файлы: %(names)s", names=", ".join(files)))
    return f"{text} ({'; '.join(parts)})"


# --- files -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    data: bytes


def homework_file(session: Session, scope: Scope, file_id: int) -> StoredFile:
    """A homework file the user may read (the task's scope: app.security.scope), or NotInScope."""
    row = session.execute(select(HomeworkFile.filename, HomeworkFile.content_type, HomeworkFile.data).where(
        HomeworkFile.id == file_id, visible(scope, HomeworkFile))).first()
    if row is None:
        raise NotInScope(f"homework_file {file_id}")
    return StoredFile(*row)
