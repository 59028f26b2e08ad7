"""Messages: who may write to whom, threads and their pages, unread counts, hiding, files.

Who may write (anything else is NotInScope, a 404: the page does not say whether the child or the
class exists):
- a parent, about their own child, to a teacher of the child's class or to its class teacher;
- a teacher, to the family of a pupil of a class they teach or lead (the pupil too when included),
  or an announcement to such a class;
- the school administration, to a family of the school, an announcement to one of its classes or
  to all the school's families;
- a reply in a thread the user reads; an announcement is answered by staff only (families write to
  the teacher instead). Pupils reply in the threads they are included in and start none.

Who reads a thread is the scope rule (app.security.scope.thread_visible). Messages are never
edited; the administration hides one with a reason (who and when are recorded). Every function
takes the session and the user's Scope and commits or rolls back itself."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import clock
from app.errors import DomainError
from app.i18n import _
from app.models import (ClassGroup, Guardian, Message, MessageAttachment, MessageRead, MessageThread, Pupil, Staff, Subject,
                        TeachingAssignment)
from app.models.messages import MAX_BODY, MAX_SUBJECT
from app.models.timetable import class_name
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import Scope, thread_visible, visible
from app.uploads import UploadedFile

MAX_FILES = 5
MAX_REASON = 500
THREADS_LISTED = 200
STAFF_WRITERS = (R.TEACHER, R.SCHOOL_ADMIN)


@dataclass(frozen=True)
class Contact:
    """Someone a family may write to about a child: «Петрова А.В. — математика, алгебра»."""

    pupil_id: int
    staff_id: int
    name: str
    what: str  # the subjects taught, «классный руководитель» first when so


@dataclass(frozen=True)
class FamilyTarget:
    pupil_id: int
    label: str  # «Иванова Мария, 5А»
    class_group_id: int | None


@dataclass(frozen=True)
class ClassTarget:
    class_group_id: int
    label: str  # «5А»


@dataclass
class Targets:
    """Whom the user may start a thread with; empty lists when nobody."""

    contacts: list[Contact] = field(default_factory=list)
    families: list[FamilyTarget] = field(default_factory=list)
    classes: list[ClassTarget] = field(default_factory=list)
    whole_school: bool = False


@dataclass(frozen=True)
class ThreadRow:
    id: int
    subject: str
    about: str  # the child, the class or the school
    party: str  # the member of staff, or ""
    last_message_at: dt.datetime
    unread: int


@dataclass(frozen=True)
class ThreadPage:
    thread: MessageThread
    about: str
    party: str
    messages: list[Message]
    may_reply: bool
    may_hide: bool


# --- who may write to whom ---------------------------------------------------------------------

def _child_class(session: Session, pupil_id: int) -> tuple[int | None, int]:
    row = session.execute(select(Pupil.class_group_id, Pupil.school_id).where(Pupil.id == pupil_id)).first()
    if row is None:
        raise NotInScope()
    return row


def _child_staff(session: Session, class_group_id: int | None):
    """(staff id, subject name or None for the class teacher) of the child's class."""
    if class_group_id is None:
        return []
    taught = session.execute(
        select(TeachingAssignment.teacher_id, Subject.name)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.class_group_id == class_group_id)
    ).all()
    lead = session.scalar(select(ClassGroup.class_teacher_id).where(ClassGroup.id == class_group_id))
    return ([(lead, None)] if lead else []) + [tuple(row) for row in taught]


def _teacher_classes(session: Session, staff_id: int) -> set[int]:
    taught = session.scalars(select(TeachingAssignment.class_group_id).where(TeachingAssignment.teacher_id == staff_id))
    led = session.scalars(select(ClassGroup.id).where(ClassGroup.class_teacher_id == staff_id))
    return set(taught) | set(led)


def targets(session: Session, scope: Scope) -> Targets:
    """Whom the user may start a thread with, for the «Написать» page (names sorted)."""
    found = Targets()
    if scope.role == R.PARENT:
        pupils = session.execute(
            select(Pupil.id, Pupil.last_name, Pupil.first_name, Pupil.class_group_id, ClassGroup.grade, ClassGroup.letter)
            .outerjoin(ClassGroup, ClassGroup.id == Pupil.class_group_id)
            .where(Pupil.id.in_(scope.pupil_ids)).order_by(Pupil.last_name, Pupil.first_name)
        ).all()
        for pupil_id, last, first, class_id, grade, letter in pupils:
            found.families.append(FamilyTarget(pupil_id, _family_label(last, first, grade, letter), class_id))
            found.contacts += _contacts(session, pupil_id, class_id)
    elif scope.role in STAFF_WRITERS:
        if scope.role == R.TEACHER:
            classes = _teacher_classes(session, scope.staff_id) if scope.staff_id else set()
            where = ClassGroup.id.in_(classes)
        else:
            where = ClassGroup.school_id == scope.school_id
            found.whole_school = scope.school_id is not None
        class_rows = session.execute(select(ClassGroup.id, ClassGroup.grade, ClassGroup.letter).where(where)
                                     .order_by(ClassGroup.grade, ClassGroup.letter)).all()
        found.classes = [ClassTarget(cid, class_name(grade, letter)) for cid, grade, letter in class_rows]
        pupils = session.execute(
            select(Pupil.id, Pupil.last_name, Pupil.first_name, Pupil.class_group_id, ClassGroup.grade, ClassGroup.letter)
            .join(ClassGroup, ClassGroup.id == Pupil.class_group_id)
            .where(Pupil.class_group_id.in_([c.class_group_id for c in found.classes]))
            .order_by(ClassGroup.grade, ClassGroup.letter, Pupil.last_name, Pupil.first_name)
        ).all()
        found.families = [FamilyTarget(pid, _family_label(last, first, grade, letter), cid)
                          for pid, last, first, cid, grade, letter in pupils]
    return found


def _family_label(last, first, grade, letter) -> str:
    return f"{last} {first}" + (f", {class_name(grade, letter)}" if grade else "")


def _contacts(session: Session, pupil_id: int, class_id: int | None) -> list[Contact]:
    what: dict[int, list[str]] = {}
    for staff_id, subject in _child_staff(session, class_id):
        label = subject if subject is not None else _("классный руководитель")
        if label not in what.setdefault(staff_id, []):
            what[staff_id].append(label)
    if not what:
        return []
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(what), Staff.active.is_(True)))}
    contacts = [Contact(pupil_id, sid, staff[sid].short_name, ", ".join(what[sid])) for sid in what if sid in staff]
    return sorted(contacts, key=lambda c: c.name)


def _check_parent_target(session: Session, scope: Scope, pupil_id: int | None, staff_id: int | None) -> MessageThread:
    if pupil_id not in scope.pupil_ids or staff_id is None:
        raise NotInScope()
    class_id, school_id = _child_class(session, pupil_id)
    if staff_id not in {sid for sid, _subject in _child_staff(session, class_id)}:
        raise NotInScope()
    return MessageThread(school_id=school_id, pupil_id=pupil_id, staff_id=staff_id, include_pupil=False)


def _check_staff_target(session: Session, scope: Scope, pupil_id: int | None, class_group_id: int | None,
                        whole_school: bool, include_pupil: bool) -> MessageThread:
    if scope.school_id is None:
        raise NotInScope()
    if scope.role == R.TEACHER:
        if whole_school or scope.staff_id is None:
            raise NotInScope()
        allowed = _teacher_classes(session, scope.staff_id)
    else:
        allowed = set(session.scalars(select(ClassGroup.id).where(ClassGroup.school_id == scope.school_id)))
    if pupil_id is not None:
        class_id, school_id = _child_class(session, pupil_id)
        if class_id not in allowed or school_id != scope.school_id:
            raise NotInScope()
        return MessageThread(school_id=school_id, pupil_id=pupil_id, staff_id=scope.staff_id,
                             include_pupil=include_pupil)
    if class_group_id is not None:
        if class_group_id not in allowed:
            raise NotInScope()
        return MessageThread(school_id=scope.school_id, class_group_id=class_group_id, staff_id=scope.staff_id,
                             include_pupil=include_pupil)
    if whole_school:
        return MessageThread(school_id=scope.school_id, staff_id=scope.staff_id, include_pupil=include_pupil)
    raise DomainError(_("Выберите, кому написать: семью ученика или класс."))


# --- writing -----------------------------------------------------------------------------------

def _author_name(session: Session, scope: Scope) -> str:
    if scope.staff_id is not None:
        staff = session.get(Staff, scope.staff_id)
        return f"{staff.short_name}, {staff.position.lower()}"
    if scope.guardian_id is not None:
        guardian = session.get(Guardian, scope.guardian_id)
        return _("%(name)s, родитель", name=guardian.short_name)
    if scope.role == R.PUPIL and scope.pupil_ids:
        pupil = session.get(Pupil, scope.pupil_ids[0])
        return _("%(name)s, ученик", name=pupil.short_name)
    return _("Администрация")


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Напишите текст сообщения."))
    if len(body) > MAX_BODY:
        raise DomainError(_("Сообщение длиннее %(max)s знаков: сократите его или приложите файл.", max=MAX_BODY))
    return body


def _new_message(session: Session, scope: Scope, thread: MessageThread, body: str,
                 files: list[UploadedFile], now: dt.datetime) -> Message:
    if len(files) > MAX_FILES:
        raise DomainError(_("К сообщению можно приложить не более %(max)s файлов.", max=MAX_FILES))
    message = Message(thread=thread, author_id=scope.user_id, author_name=_author_name(session, scope),
                      body=body, created_at=now)
    message.attachments = [MessageAttachment(filename=f.filename, content_type=f.content_type, data=f.data)
                           for f in files]
    thread.last_message_at = now
    session.add(message)
    return message


def start_thread(session: Session, scope: Scope, *, subject: str, body: str, pupil_id: int | None = None,
                 staff_id: int | None = None, class_group_id: int | None = None, whole_school: bool = False,
                 include_pupil: bool = False, files: list[UploadedFile] = ()) -> MessageThread:
    """Start a thread with its first message (see the module's docstring for who may write to whom).

    NotInScope for a target outside the user's relations; DomainError, nothing written, for an
    empty or too long subject or text, or too many files. Commits; the writer's own message
    counts as read."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise DomainError(_("Напишите тему сообщения."))
    if len(subject) > MAX_SUBJECT:
        raise DomainError(_("Тема длиннее %(max)s знаков: сократите её.", max=MAX_SUBJECT))
    body = _clean_body(body)
    if scope.role == R.PARENT:
        thread = _check_parent_target(session, scope, pupil_id, staff_id)
    elif scope.role in STAFF_WRITERS:
        thread = _check_staff_target(session, scope, pupil_id, class_group_id, whole_school, include_pupil)
    else:
        raise NotInScope()
    now = clock.region_now()
    thread.subject, thread.created_by_id, thread.created_at, thread.last_message_at = subject, scope.user_id, now, now
    try:
        session.add(thread)
        message = _new_message(session, scope, thread, body, list(files), now)
        session.flush()
        _mark_read(session, scope, thread.id, message.id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return thread


def _visible_thread(session: Session, scope: Scope, thread_id: int) -> MessageThread:
    thread = session.scalar(select(MessageThread).where(MessageThread.id == thread_id, thread_visible(scope)))
    if thread is None:
        raise NotInScope()
    return thread


def _may_reply(scope: Scope, thread: MessageThread) -> bool:
    return scope.role in STAFF_WRITERS or not thread.is_announcement


def reply(session: Session, scope: Scope, thread_id: int, body: str, files: list[UploadedFile] = ()) -> Message:
    """Add a message to a thread the user reads. NotInScope for a thread out of scope; DomainError
    for a family's answer to an announcement and for an empty or too long text. Commits."""
    thread = _visible_thread(session, scope, thread_id)
    if not _may_reply(scope, thread):
        raise DomainError(_("На объявление нельзя ответить: напишите учителю из раздела «Сообщения»."))
    body = _clean_body(body)
    try:
        message = _new_message(session, scope, thread, body, list(files), clock.region_now())
        session.flush()
        _mark_read(session, scope, thread.id, message.id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return message


def hide_message(session: Session, scope: Scope, message_id: int, reason: str) -> Message:
    """The school administration hides an abusive message: its text and files are no longer shown
    to anyone else; who hid it, when and why are recorded. NotInScope for another role or a message
    out of scope; DomainError without a reason or for a message hidden already. Commits."""
    if scope.role not in (R.SCHOOL_ADMIN, R.ADMIN):
        raise NotInScope()
    message = session.scalar(select(Message).where(Message.id == message_id, visible(scope, Message)))
    if message is None:
        raise NotInScope()
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Укажите, почему сообщение скрыто."))
    if len(reason) > MAX_REASON:
        raise DomainError(_("Причина длиннее %(max)s знаков: сократите её.", max=MAX_REASON))
    if message.hidden_at is not None:
        raise DomainError(_("Сообщение уже скрыто."))
    try:
        message.hidden_at, message.hidden_by_id, message.hidden_reason = clock.region_now(), scope.user_id, reason
        session.commit()
    except Exception:
        session.rollback()
        raise
    return message


# --- reading -----------------------------------------------------------------------------------

def _mark_read(session: Session, scope: Scope, thread_id: int, message_id: int) -> None:
    if scope.user_id is None:
        return
    mark = session.get(MessageRead, (thread_id, scope.user_id))
    if mark is None:
        session.add(MessageRead(thread_id=thread_id, user_id=scope.user_id, last_read_id=message_id))
    elif mark.last_read_id < message_id:
        mark.last_read_id = message_id


def _unread_clause(scope: Scope):
    """Messages the user has not read yet: later than their read mark, by someone else, not hidden."""
    return and_(
        Message.id > func.coalesce(MessageRead.last_read_id, 0),
        or_(Message.author_id.is_(None), Message.author_id != scope.user_id),
        Message.hidden_at.is_(None),
    )


def _unread_statement(scope: Scope, *columns):
    return (select(*columns).select_from(Message)
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .outerjoin(MessageRead, and_(MessageRead.thread_id == Message.thread_id,
                                         MessageRead.user_id == scope.user_id))
            .where(thread_visible(scope), _unread_clause(scope)))


def unread_count(session: Session, scope: Scope) -> int:
    """Messages the user has not read, in every thread they read (one statement); 0 for nobody."""
    if scope.user_id is None or scope.role is None:
        return 0
    return session.scalar(_unread_statement(scope, func.count(Message.id))) or 0


def thread_list(session: Session, scope: Scope) -> list[ThreadRow]:
    """The user's threads, the latest first (at most THREADS_LISTED), with their unread counts."""
    unread = dict(session.execute(
        _unread_statement(scope, Message.thread_id, func.count(Message.id)).group_by(Message.thread_id)).all())
    threads = session.scalars(
        select(MessageThread).where(thread_visible(scope))
        .options(selectinload(MessageThread.pupil).selectinload(Pupil.class_group),
                 selectinload(MessageThread.class_group), selectinload(MessageThread.staff))
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc()).limit(THREADS_LISTED)
    ).all()
    return [ThreadRow(t.id, t.subject, _about(t), _party(t), t.last_message_at, unread.get(t.id, 0)) for t in threads]


def _about(thread: MessageThread) -> str:
    if thread.pupil is not None:
        pupil = thread.pupil
        group = pupil.class_group
        return f"{pupil.last_name} {pupil.first_name}" + (f", {group.name}" if group else "")
    if thread.class_group is not None:
        return _("Объявление для %(name)s класса", name=thread.class_group.name)
    return _("Объявление для всех родителей школы")


def _party(thread: MessageThread) -> str:
    return thread.staff.short_name if thread.staff is not None else ""


def open_thread(session: Session, scope: Scope, thread_id: int) -> ThreadPage:
    """The thread's page, its messages in order with their files; marks them read (commits).
    NotInScope for a thread the user does not read."""
    thread = _visible_thread(session, scope, thread_id)
    messages = session.scalars(select(Message).where(Message.thread_id == thread.id)
                               .options(selectinload(Message.attachments), selectinload(Message.hidden_by))
                               .order_by(Message.id)).all()
    page = ThreadPage(thread, _about(thread), _party(thread), list(messages), _may_reply(scope, thread),
                      scope.role in (R.SCHOOL_ADMIN, R.ADMIN))
    if messages:
        try:
            _mark_read(session, scope, thread.id, messages[-1].id)
            session.commit()
        except Exception:
            session.rollback()
            raise
    return page


def open_attachment(session: Session, scope: Scope, attachment_id: int) -> MessageAttachment:
    """A message's file with its bytes, if the user reads it (a hidden message's files: the
    administration only); NotInScope otherwise."""
    attachment = session.scalar(
        select(MessageAttachment).where(MessageAttachment.id == attachment_id, visible(scope, MessageAttachment))
        .options(selectinload(MessageAttachment.message)).execution_options(populate_existing=True)
    )
    if attachment is None:
        raise NotInScope()
    attachment.data  # the deferred bytes, loaded here
    return attachment
