"""Parent notifications: which guardians are due a message now, and what it contains.

Each guardian has a watermark `notified_until`: everything created up to it was sent. A run
collects marks and absences created after the watermark (and not after `now`) for that
guardian's own children, and the watermark moves only when the message was accepted by the
SMTP relay — so nothing is sent twice and a failed send is retried by the next run.

Modes: instant (every run that has something new), daily (once a calendar day), weekly (once
seven days have passed since the previous digest), none. A parent account starts at daily
(settings.DEFAULT_MODE). The letters go to the guardian's address on file, else to the account's
own e-mail (`mail_address`).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from app import formats
from app.accounts.issue import NO_EMAIL_DOMAIN
from app.journal.absence_notices import CODE_OF_REASON
from app.i18n import N_, _

from app.models import Absence, AbsenceCode, ClassGroup, Guardian, GuardianLink, Lesson, Mark, MarkType, Pupil, Subject, TeachingAssignment
from app.models.notices import ACCEPTED, AbsenceNotice


@dataclass(frozen=True)
class Entry:
    pupil_id: int
    date: dt.date
    subject: str
    text: str  # «5 (контрольная работа)» or «пропуск: болел»
    created_at: dt.datetime


@dataclass
class Digest:
    guardian_id: int
    email: str
    guardian_name: str
    mode: str
    until: dt.datetime
    children: dict[int, str] = field(default_factory=dict)  # pupil id -> «Иванова Мария, 5А»
    entries: list[Entry] = field(default_factory=list)


def _due(mode: str, watermark: dt.datetime, now: dt.datetime) -> bool:
    if mode == "instant":
        return True
    if mode == "daily":
        return now.date() > watermark.date()
    if mode == "weekly":
        return now - watermark >= dt.timedelta(days=7)
    return False


def start_watermarks(session: Session, now: dt.datetime) -> int:
    """Guardians who chose a mode but have no watermark yet start from now, not from history."""
    result = session.execute(
        update(Guardian)
        .where(Guardian.notify_mode != "none", Guardian.notified_until.is_(None))
        .values(notified_until=now)
    )
    return result.rowcount or 0


def collect_due(session: Session, now: dt.datetime) -> list[Digest]:
    """Digests that are due at `now`, each with only that guardian's children and new entries.

    Guardians without an e-mail address are skipped; a due guardian with nothing new gets no
    message (and keeps the watermark, so a daily digest goes out on the next day with news)."""
    guardians = _guardians_with_email(session)
    digests = _due_digests(guardians, now)
    if not digests:
        return []
    watermark = {g.id: g.notified_until for g in guardians}
    pupils_of = _add_children(session, digests)
    if not pupils_of:
        return []
    oldest = min(watermark[g] for g in digests)
    for entry in _new_entries(session, list(pupils_of), oldest, now):
        for guardian_id in pupils_of[entry.pupil_id]:
            if entry.created_at > watermark[guardian_id]:
                digests[guardian_id].entries.append(entry)
    result = [d for d in digests.values() if d.entries]
    for d in result:
        d.entries.sort(key=lambda e: (e.pupil_id, e.date, e.subject))
    return result


def _address():
    """The column of where a guardian's letters go (see `mail_address`); NULL for nowhere."""
    own = case((User.email.like("%@" + NO_EMAIL_DOMAIN), None), else_=func.nullif(User.email, ""))
    return func.coalesce(func.nullif(Guardian.email, ""), own)


def mail_address(session: Session, guardian: Guardian) -> str:
    """Where the guardian's letters go: the address on file, else the e-mail of the guardian's
    account (left at the first login for recovery; not the placeholder of an account without one);
    "" for nowhere."""
    return session.scalar(select(_address()).select_from(Guardian).outerjoin(User, User.id == Guardian.user_id)
                          .where(Guardian.id == guardian.id)) or ""


def _guardians_with_email(session: Session) -> list:
    """Guardians who chose a mode (or have it by default), have a watermark and an e-mail address."""
    address = _address()
    return session.execute(
        select(Guardian.id, address.label("email"), Guardian.last_name, Guardian.first_name, Guardian.middle_name,
               Guardian.notify_mode, Guardian.notified_until)
        .outerjoin(User, User.id == Guardian.user_id)
        .where(Guardian.notify_mode != "none", Guardian.notified_until.is_not(None), address.is_not(None))
    ).all()


def _due_digests(guardians, now: dt.datetime) -> dict[int, Digest]:
    """An empty digest by guardian id for each guardian whose mode makes one due at `now`."""
    return {
        g.id: Digest(guardian_id=g.id, email=g.email, mode=g.notify_mode, until=now,
                     guardian_name=" ".join(p for p in (g.first_name, g.middle_name) if p))
        for g in guardians if _due(g.notify_mode, g.notified_until, now)
    }


def _add_children(session: Session, digests: dict[int, Digest]) -> dict[int, set[int]]:
    """Name the children of each digest's guardian; returns pupil id -> ids of their due guardians."""
    children = session.execute(
        select(GuardianLink.guardian_id, Pupil.id, Pupil.last_name, Pupil.first_name, ClassGroup.grade, ClassGroup.letter)
        .join(Pupil, Pupil.id == GuardianLink.pupil_id)
        .outerjoin(ClassGroup, ClassGroup.id == Pupil.class_group_id)
        .where(GuardianLink.guardian_id.in_(digests))
    ).all()
    pupils_of: dict[int, set[int]] = defaultdict(set)
    for guardian_id, pupil_id, last, first, grade, letter in children:
        label = f"{last} {first}" + (f", {grade}{letter}" if grade else "")
        digests[guardian_id].children[pupil_id] = label
        pupils_of[pupil_id].add(guardian_id)
    return pupils_of


def _new_entries(session: Session, pupil_ids: list[int], since: dt.datetime, until: dt.datetime) -> list[Entry]:
    entries = []
    marks = session.execute(
        select(Mark.pupil_id, Lesson.date, Subject.name, Mark.value, MarkType.name, Mark.created_at)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(MarkType, MarkType.id == Mark.mark_type_id)
        .where(Mark.pupil_id.in_(pupil_ids), Mark.created_at > since, Mark.created_at <= until)
    ).all()
    for pupil_id, date, subject, value, kind, created in marks:
        entries.append(Entry(pupil_id, date, subject, _("отметка %(value)s (%(kind)s)", value=value, kind=kind.lower()), created))
    absences = session.execute(
        select(Absence.pupil_id, Lesson.date, Subject.name, AbsenceCode.name, Absence.created_at)
        .join(Lesson, Lesson.id == Absence.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(AbsenceCode, AbsenceCode.code == Absence.code)
        .where(Absence.pupil_id.in_(pupil_ids), Absence.created_at > since, Absence.created_at <= until)
    ).all()
    for pupil_id, date, subject, reason, created in absences:
        entries.append(Entry(pupil_id, date, subject, _("пропуск урока: %(reason)s", reason=reason), created))
    entries += _accepted_notices(session, pupil_ids, since, until)
    return entries


def _accepted_notices(session: Session, pupil_ids: list[int], since: dt.datetime, until: dt.datetime) -> list[Entry]:
    """The parents' absence notices the school accepted in the span (app.journal.absence_notices),
    dated by their first day. One statement."""
    accepted = session.execute(
        select(AbsenceNotice.pupil_id, AbsenceNotice.starts_on, AbsenceNotice.ends_on, AbsenceNotice.reason,
               AbsenceNotice.decided_at)
        .where(AbsenceNotice.pupil_id.in_(pupil_ids), AbsenceNotice.status == ACCEPTED,
               AbsenceNotice.decided_at > since, AbsenceNotice.decided_at <= until)
    ).all()
    return [Entry(pupil_id, first, _("заявление об отсутствии"),
                  _("принято (по %(last)s), пропуски отмечены «%(code)s»", last=formats.format_date(last),
                    code=CODE_OF_REASON[reason]), decided)
            for pupil_id, first, last, reason, decided in accepted]


def mark_sent(session: Session, digest: Digest) -> None:
    """Move the guardian's watermark to the end of what was sent; call after the relay accepted it."""
    session.execute(
        update(Guardian).where(Guardian.id == digest.guardian_id,
                               or_(Guardian.notified_until.is_(None), Guardian.notified_until < digest.until))
        .values(notified_until=digest.until)
    )


MODE_SUBJECT = {  # translated where the subject is built
    "instant": N_("Новые отметки и пропуски"),
    "daily": N_("Ежедневная сводка"),
    "weekly": N_("Еженедельная сводка"),
}


def render(digest: Digest, diary_url: str) -> tuple[str, str]:
    """(subject, plain-text body) in Russian. Only the guardian's own children appear."""
    subject = _("%(mode)s: электронный дневник", mode=_(MODE_SUBJECT.get(digest.mode, N_("Сводка"))))
    lines = [_("Здравствуйте, %(name)s!", name=digest.guardian_name), "", _("Новое в электронном дневнике:")]
    by_pupil: dict[int, list[Entry]] = defaultdict(list)
    for entry in digest.entries:
        by_pupil[entry.pupil_id].append(entry)
    for pupil_id, entries in by_pupil.items():
        lines += ["", digest.children[pupil_id] + ":"]
        lines += [f"  {e.date:%d.%m.%Y}, {e.subject}: {e.text}" for e in entries]
    lines += ["", _("Дневник: %(url)s", url=diary_url), "",
              _("Настроить или отключить уведомления можно в дневнике, в разделе «Уведомления»."),
              _("Это письмо отправлено автоматически, отвечать на него не нужно.")]
    return subject, "\n".join(lines)
