"""Parents' notices of absence: filing one, the class teacher's decision, and where they show.

A parent tells the school in advance or on the day that the child will be absent: the dates, the
lessons (none named: the whole day) and the reason. The class teacher of the pupil's class (or the
school administration) accepts the notice or asks for the doctor's certificate first; of the
certificate only its number and date are recorded (152-ФЗ, ст. 10: no medical file is kept).
Accepting turns every «н» already marked on the notice's lessons, in every subject, into the
notice's code (б for illness, у for a valid reason), one journal change row per absence, in one
transaction; lessons of a closed study period keep their «н». Accepting again changes nothing.

The notices also show where the absence is marked: the journal grid hints them on the lessons
concerned (`grid_hints`: one statement per page), and the class teacher's «Сегодня» lists the
class's open and coming ones (`class_notices`: one statement).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, false, or_, select, true, update
from sqlalchemy.orm import Session

from app import clock, formats
from app.errors import DomainError
from app.i18n import N_, _
from app.journal.entries import Actor, _audit
from app.models import Absence, ClassGroup, Lesson, Pupil, StudyPeriod
from app.models.notices import (
    ACCEPTED,
    CERTIFICATE_ASKED,
    FAMILY,
    ILLNESS,
    OTHER,
    PENDING,
    REASONS,
    AbsenceNotice,
)
from app.models.timetable import class_name
from app.security import roles as R
from app.security.clauses import NotInScope, as_if
from app.security.scope import Scope, changeable, visible
from app.textinput import clean_column

# The absence code an accepted notice puts in place of «н» (the journal's codes: app.demo).
MISSED = "н"
CODE_OF_REASON = {ILLNESS: "б", FAMILY: "у", OTHER: "у"}
# Shown through gettext where shown.
REASON_NAMES = {ILLNESS: N_("болезнь"), FAMILY: N_("семейные обстоятельства"), OTHER: N_("другая причина")}
STATUS_NAMES = {PENDING: N_("ждёт решения"), CERTIFICATE_ASKED: N_("нужна справка врача"), ACCEPTED: N_("принято")}
LONGEST_NOTICE_DAYS = 31   # a longer absence is the school's business (an order), not a notice
LAST_LESSON_NUMBER = 10
LISTED = 200               # notices on the list page, latest first


@dataclass(frozen=True)
class Child:
    id: int
    name: str


@dataclass(frozen=True)
class NoticeRow:
    id: int
    pupil_id: int
    pupil_name: str
    class_name: str
    starts_on: dt.date
    ends_on: dt.date
    lessons: tuple[int, ...]      # empty: the whole day
    reason: str                   # ILLNESS, FAMILY, OTHER
    comment: str | None
    status: str                   # PENDING, CERTIFICATE_ASKED, ACCEPTED
    certificate_number: str | None
    certificate_date: dt.date | None
    decidable: bool               # the user may accept it or ask for the certificate

    @property
    def code(self) -> str:
        return CODE_OF_REASON[self.reason]

    @property
    def reason_name(self) -> str:
        return REASON_NAMES[self.reason]

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def open(self) -> bool:
        return self.status != ACCEPTED


# --- parsing what the parent typed ------------------------------------------------------------

def parse_lessons(text: str | None) -> tuple[int, ...]:
    """"2, 3" or "2 3" -> (2, 3), sorted, each once; "" -> () (the whole day).

    Refuses anything but lesson numbers 1…LAST_LESSON_NUMBER, in Russian."""
    numbers = set()
    for token in re.split(r"[\s,;]+", (text or "").strip()):
        if not token:
            continue
        if not token.isascii() or not token.isdigit() or not 1 <= int(token) <= LAST_LESSON_NUMBER:
            raise DomainError(_("Уроки: укажите номера уроков от 1 до %(last)s через запятую (например, 2, 3) "
                                "или оставьте поле пустым, если ребёнка не будет весь день.", last=LAST_LESSON_NUMBER))
        numbers.add(int(token))
    return tuple(sorted(numbers))


def _lessons_text(numbers: tuple[int, ...]) -> str | None:
    return ",".join(str(n) for n in numbers) or None


def _lessons_of(text: str | None) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",")) if text else ()


# --- who may do what --------------------------------------------------------------------------

def _family_may_file(scope: Scope):
    """The pupils a notice may be filed for by the user (a parent: their own children), as a
    clause on Pupil: the notice scope's write rule asked of a notice that would be the pupil's."""
    return as_if(changeable(scope, AbsenceNotice), AbsenceNotice, {"pupil_id": Pupil.id})


def decidable(scope: Scope):
    """The notices the user may accept or ask the certificate for, as a clause: the class teacher
    of the notice's class, the school administration of its school, the administrator."""
    if scope.role == R.ADMIN:
        return true()
    if scope.role == R.SCHOOL_ADMIN:
        return visible(scope, AbsenceNotice)
    if scope.role == R.TEACHER and scope.staff_id is not None:
        return and_(visible(scope, AbsenceNotice), AbsenceNotice.class_group_id.in_(
            select(ClassGroup.id).where(ClassGroup.class_teacher_id == scope.staff_id)))
    return false()


def children(session: Session, scope: Scope) -> list[Child]:
    """The children the user may file a notice for (in a class), by name. One statement."""
    rows = session.execute(
        select(Pupil.id, Pupil.last_name, Pupil.first_name)
        .where(visible(scope, Pupil), _family_may_file(scope), Pupil.class_group_id.is_not(None))
        .order_by(Pupil.last_name, Pupil.first_name, Pupil.id)).all()
    return [Child(row.id, f"{row.last_name} {row.first_name}") for row in rows]


# --- filing -----------------------------------------------------------------------------------

def file_notice(session: Session, scope: Scope, user_id: int | None, *, pupil_id: int, starts_on: dt.date | None,
                ends_on: dt.date | None, lessons: tuple[int, ...], reason: str, comment: str | None,
                today: dt.date) -> int:
    """Record a parent's notice; returns its id. NotInScope for a pupil not the user's to file for.

    `ends_on` None: one day. The absence may start today or later (a notice is given in advance
    or on the day) and lasts at most LONGEST_NOTICE_DAYS days. DomainError, nothing written, for
    anything else."""
    pupil = session.execute(
        select(Pupil.id, Pupil.class_group_id, Pupil.school_id)
        .where(Pupil.id == pupil_id, visible(scope, Pupil), _family_may_file(scope))).first()
    if pupil is None:
        raise NotInScope(f"pupil {pupil_id}")
    if pupil.class_group_id is None:
        raise DomainError(_("Ученик не числится ни в одном классе: заявление некому передать. Обратитесь в школу."))
    if starts_on is None:
        raise DomainError(_("Укажите, с какого дня ребёнка не будет в школе."))
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise DomainError(_("Дата окончания раньше даты начала: проверьте даты."))
    if starts_on < today:
        raise DomainError(_("Заявление подаётся заранее или в день отсутствия: первый день не может быть раньше "
                            "сегодняшнего (%(today)s). О прошедших днях сообщите классному руководителю.",
                            today=formats.format_date(today)))
    if (ends_on - starts_on).days + 1 > LONGEST_NOTICE_DAYS:
        raise DomainError(_("Заявление можно подать не больше чем на %(days)s дней. О долгом отсутствии "
                            "договоритесь со школой.", days=LONGEST_NOTICE_DAYS))
    if reason not in REASONS:
        raise DomainError(_("Выберите причину: болезнь, семейные обстоятельства или другая."))
    comment = clean_column(AbsenceNotice.comment, comment, field=_("Комментарий"))
    notice = AbsenceNotice(pupil_id=pupil.id, class_group_id=pupil.class_group_id, school_id=pupil.school_id,
                           starts_on=starts_on, ends_on=ends_on, lesson_numbers=_lessons_text(lessons),
                           reason=reason, comment=comment, status=PENDING, filed_by_id=user_id, version=1)
    try:
        session.add(notice)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return notice.id


# --- reading ----------------------------------------------------------------------------------

def _row_statement(scope: Scope):
    return (select(AbsenceNotice, Pupil.last_name, Pupil.first_name, ClassGroup.grade, ClassGroup.letter,
                   case((decidable(scope), True), else_=False))
            .join(Pupil, Pupil.id == AbsenceNotice.pupil_id)
            .join(ClassGroup, ClassGroup.id == AbsenceNotice.class_group_id)
            .where(visible(scope, AbsenceNotice)))


def _row(found) -> NoticeRow:
    notice, last_name, first_name, grade, letter, may_decide = found
    return NoticeRow(id=notice.id, pupil_id=notice.pupil_id, pupil_name=f"{last_name} {first_name}",
                     class_name=class_name(grade, letter), starts_on=notice.starts_on, ends_on=notice.ends_on,
                     lessons=_lessons_of(notice.lesson_numbers), reason=notice.reason, comment=notice.comment,
                     status=notice.status, certificate_number=notice.certificate_number,
                     certificate_date=notice.certificate_date, decidable=bool(may_decide))


def list_notices(session: Session, scope: Scope) -> list[NoticeRow]:
    """The notices the user may read, the open ones first, then by first day, latest first (at most
    LISTED). One statement."""
    found = session.execute(_row_statement(scope).order_by(
        case((AbsenceNotice.status == ACCEPTED, 1), else_=0), AbsenceNotice.starts_on.desc(),
        AbsenceNotice.id.desc()).limit(LISTED)).all()
    return [_row(row) for row in found]


@dataclass(frozen=True)
class ClassNotices:
    day: dt.date
    notices: tuple[NoticeRow, ...]


def class_notices(session: Session, scope: Scope, day: dt.date) -> ClassNotices | None:
    """The block «Заявления об отсутствии» of a class teacher's «Сегодня»: the notices of the
    classes led that still wait for a decision or whose absence is not over by `day`, the earliest
    first. One statement; None when there are none (or the user leads no class)."""
    if scope.role != R.TEACHER or scope.staff_id is None:
        return None
    found = session.execute(_row_statement(scope).where(
        AbsenceNotice.class_group_id.in_(select(ClassGroup.id).where(ClassGroup.class_teacher_id == scope.staff_id)),
        or_(AbsenceNotice.status != ACCEPTED, AbsenceNotice.ends_on >= day))
        .order_by(AbsenceNotice.starts_on, Pupil.last_name, AbsenceNotice.id).limit(LISTED)).all()
    if not found:
        return None
    return ClassNotices(day=day, notices=tuple(_row(row) for row in found))


@dataclass(frozen=True)
class GridHint:
    """A notice as the journal grid shows it on a pupil's cells."""

    pupil_id: int
    code: str
    accepted: bool
    text: str  # «Заявление родителя: болезнь, 10.09.2012–11.09.2012 (принято)»


@dataclass(frozen=True)
class GridHints:
    cells: dict[tuple[int, int], GridHint]   # (pupil id, lesson id) -> the notice covering that cell
    notices: tuple[GridHint, ...]           # each notice once, for the list under the grid

    def as_json(self) -> dict:
        """pupil id -> lesson id -> code, as journal.js's hint reads it."""
        cells: dict[str, dict[str, str]] = defaultdict(dict)
        for (pupil_id, lesson_id), hint in self.cells.items():
            cells[str(pupil_id)][str(lesson_id)] = hint.code
        return dict(cells)


def grid_hints(session: Session, scope: Scope, class_group_id: int, lessons) -> GridHints:
    """The notices of the class covering the grid's lessons (`lessons`: objects with id, date and
    number), by cell. One statement, none without lessons."""
    if not lessons:
        return GridHints({}, ())
    first, last = min(lesson.date for lesson in lessons), max(lesson.date for lesson in lessons)
    found = session.execute(
        select(AbsenceNotice.id, AbsenceNotice.pupil_id, AbsenceNotice.starts_on, AbsenceNotice.ends_on,
               AbsenceNotice.lesson_numbers, AbsenceNotice.reason, AbsenceNotice.status)
        .where(AbsenceNotice.class_group_id == class_group_id, AbsenceNotice.starts_on <= last,
               AbsenceNotice.ends_on >= first, visible(scope, AbsenceNotice))
        .order_by(AbsenceNotice.id)).all()
    cells: dict[tuple[int, int], GridHint] = {}
    shown: list[GridHint] = []
    for row in found:
        hint = GridHint(row.pupil_id, CODE_OF_REASON[row.reason], row.status == ACCEPTED, _(
            "Заявление родителя: %(reason)s, %(first)s–%(last)s (%(status)s)", reason=_(REASON_NAMES[row.reason]),
            first=formats.format_date(row.starts_on), last=formats.format_date(row.ends_on),
            status=_(STATUS_NAMES[row.status])))
        numbers = _lessons_of(row.lesson_numbers)
        covered = [lesson for lesson in lessons if row.starts_on <= lesson.date <= row.ends_on
                   and (not numbers or lesson.number in numbers)]
        if covered:
            shown.append(hint)
        for lesson in covered:
            cells[(row.pupil_id, lesson.id)] = hint
    return GridHints(cells, tuple(shown))


# --- the class teacher's decision -------------------------------------------------------------

def _notice_to_decide(session: Session, scope: Scope, notice_id: int) -> AbsenceNotice:
    """The notice, locked; NotInScope when it is not the user's to decide (`decidable`), even if
    they may read it (a teacher of the class who does not lead it)."""
    notice = session.scalar(
        select(AbsenceNotice).where(AbsenceNotice.id == notice_id, visible(scope, AbsenceNotice), decidable(scope))
        .with_for_update(of=AbsenceNotice))
    if notice is None:
        raise NotInScope(f"absence_notice {notice_id}")
    return notice


def _certificate(number: str | None, day: dt.date | None, today: dt.date) -> tuple[str | None, dt.date | None]:
    number = clean_column(AbsenceNotice.certificate_number, number, field=_("Номер справки"))
    if (number is None) != (day is None):
        raise DomainError(_("Справка врача: укажите и номер, и дату справки (или оставьте оба поля пустыми)."))
    if day is not None and day > today:
        raise DomainError(_("Дата справки не может быть позже сегодняшнего дня (%(today)s).",
                            today=formats.format_date(today)))
    return number, day


def accept(session: Session, scope: Scope, actor: Actor, notice_id: int, *, certificate_number: str | None = None,
           certificate_date: dt.date | None = None, today: dt.date) -> int:
    """Accept the notice: every «н» of the pupil on the notice's lessons (the class's lessons of
    its days, of its lesson numbers if it names any, every subject) becomes the notice's code, with
    one journal change each. Returns how many absences changed.

    Lessons of a closed study period keep their «н» (the administration corrects those, with a
    reason). A notice already accepted changes nothing and returns 0. The doctor's certificate,
    number and date together, may be recorded with the decision."""
    def work() -> int:
        notice = _notice_to_decide(session, scope, notice_id)
        if notice.status == ACCEPTED:
            return 0
        number, day = _certificate(certificate_number, certificate_date, today)
        code = CODE_OF_REASON[notice.reason]
        numbers = _lessons_of(notice.lesson_numbers)
        marked = session.execute(
            select(Absence.id, Absence.version, Absence.lesson_id, Lesson.school_id)
            .join(Lesson, Lesson.id == Absence.lesson_id)
            .outerjoin(StudyPeriod, and_(StudyPeriod.school_id == Lesson.school_id,
                                         StudyPeriod.starts_on <= Lesson.date, StudyPeriod.ends_on >= Lesson.date))
            .where(Absence.pupil_id == notice.pupil_id, Absence.code == MISSED,
                   Lesson.class_group_id == notice.class_group_id,
                   Lesson.date >= notice.starts_on, Lesson.date <= notice.ends_on,
                   Lesson.lesson_number.in_(numbers) if numbers else true(),
                   StudyPeriod.locked_at.is_(None))
            .order_by(Lesson.date, Lesson.lesson_number)).all()
        changed = 0
        reason = _("Заявление родителя об отсутствии принято (%(reason)s)", reason=_(REASON_NAMES[notice.reason]))
        for absence_id, version, lesson_id, school_id in marked:
            written = session.execute(
                update(Absence).where(Absence.id == absence_id, Absence.version == version, Absence.code == MISSED)
                .values(code=code, version=Absence.version + 1).execution_options(synchronize_session=False))
            if written.rowcount != 1:
                continue  # changed meanwhile: it is no longer the «н» the notice replaces
            _audit(session, actor, school_id=school_id, entity="absence", action="update", entity_id=absence_id,
                   lesson_id=lesson_id, pupil_id=notice.pupil_id, old=MISSED, new=code, reason=reason)
            changed += 1
        if number is not None:
            notice.certificate_number, notice.certificate_date = number, day
        notice.status = ACCEPTED
        notice.decided_by_id = actor.user_id
        notice.decided_at = clock.region_now()
        notice.version += 1
        return changed
    return _in_transaction(session, work)


def ask_certificate(session: Session, scope: Scope, user_id: int | None, notice_id: int) -> None:
    """Ask the family for the doctor's certificate before accepting. DomainError for a notice
    already accepted; asking again changes nothing."""
    def work() -> None:
        notice = _notice_to_decide(session, scope, notice_id)
        if notice.status == ACCEPTED:
            raise DomainError(_("Заявление уже принято."))
        if notice.status == CERTIFICATE_ASKED:
            return
        notice.status = CERTIFICATE_ASKED
        notice.decided_by_id = user_id
        notice.decided_at = clock.region_now()
        notice.version += 1
    _in_transaction(session, work)


def _in_transaction(session: Session, work):
    try:
        result = work()
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise
