"""Creating accounts: the one door for every account of a real person (pages, imports and
`flask demo load` alike), and the record of account changes (AccountEvent).

An account is created without a password (`NO_PASSWORD`, which no typed password matches): its
person logs in first with a one-time code (a login slip or an e-mailed link) and sets one. The
demo passes a hash it has made once for all its accounts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.accounts.grants import PERSON_PLACED, Place, grant_problem
from app.accounts.logins import login_problem, taken_logins
from app.errors import DomainError
from app.models import AccountEvent, Guardian, GuardianLink, Pupil, School, Staff, UserScope
from app.notify.settings import DEFAULT_MODE
from app.security import roles as R
from app.security.scope import Scope
from app.i18n import _

# Stored as the password of an account that has none yet: not a hash, so no password matches it.
NO_PASSWORD = "!"
# FAB requires a unique e-mail per account; a person without one gets an address in the reserved
# .invalid domain (RFC 2606), which is never shown nor mailed.
NO_EMAIL_DOMAIN = "accounts.invalid"
# Shown at most this many reasons for a refused batch.
REASONS_SHOWN = 5


def placeholder_email(login: str) -> str:
    return f"{login}@{NO_EMAIL_DOMAIN}"


def real_email(email: str | None) -> str | None:
    """The account's e-mail, or None when it is the placeholder of an account without one."""
    return None if not email or email.endswith("@" + NO_EMAIL_DOMAIN) else email


@dataclass
class NewAccount:
    """One account to create. Exactly one of staff_id, guardian_id, pupil_id for a school's
    people (the place then follows from the record); none for the region's and municipalities'."""

    login: str
    role: str
    first_name: str
    last_name: str
    email: str | None = None
    place: Place = field(default_factory=Place)
    staff_id: int | None = None
    guardian_id: int | None = None
    pupil_id: int | None = None
    password_hash: str = NO_PASSWORD


def role_for_position(position: str, is_teacher: bool) -> str | None:
    """The role a staff member's position gives: директор, заместитель, завуч → school
    administration; секретарь, делопроизводитель → secretary; else teacher if they teach;
    None when the position needs no account (a caretaker)."""
    text = (position or "").lower()
    if any(word in text for word in ("директор", "заместител", "завуч")):
        return R.SCHOOL_ADMIN
    if any(word in text for word in ("секретар", "делопроизвод")):
        return R.SECRETARY
    return R.TEACHER if is_teacher else None


def _school_of(session: Session, account: NewAccount) -> int | None:
    """The school an account's person belongs to (a guardian: a child's, the first by id)."""
    if account.staff_id is not None:
        return session.scalar(select(Staff.school_id).where(Staff.id == account.staff_id))
    if account.pupil_id is not None:
        return session.scalar(select(Pupil.school_id).where(Pupil.id == account.pupil_id))
    if account.guardian_id is not None:
        return session.scalar(select(Pupil.school_id).join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
                              .where(GuardianLink.guardian_id == account.guardian_id).order_by(Pupil.id).limit(1))
    return account.place.school_id


def _person_problem(session: Session, scope: Scope, account: NewAccount) -> str | None:
    """Why the account's person cannot get it: no such record, out of the user's school, or an
    account already; None when fine."""
    person = {R.PARENT: (Guardian, account.guardian_id), R.PUPIL: (Pupil, account.pupil_id)}.get(
        account.role, (Staff, account.staff_id) if account.staff_id is not None else (None, None))
    model, person_id = person
    if account.role in PERSON_PLACED and person_id is None:
        return _("Учётную запись родителя или ученика выдают из карточки ученика.")
    if model is None:
        return None
    row = session.get(model, person_id)
    if row is None:
        return _("Нет такой записи.")
    if row.user_id is not None:
        return _("У «%(name)s» уже есть учётная запись.", name=row.full_name)
    if scope.is_admin:
        return None
    if account.staff_id is not None and account.place.school_id != row.school_id:
        return _("Работник числится в другой школе.")
    if account.guardian_id is not None:
        schools = set(session.scalars(select(Pupil.school_id).join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
                                      .where(GuardianLink.guardian_id == account.guardian_id)))
        inside = scope.school_id in schools
    else:
        inside = _school_of(session, account) == scope.school_id
    return None if inside else _("Этот человек вне вашей области доступа.")


def _problems(session: Session, scope: Scope, accounts: list[NewAccount]) -> list[str]:
    problems: list[str] = []
    logins = [a.login.lower() for a in accounts]
    taken = taken_logins(session, logins)
    emails = [a.email.lower() for a in accounts if a.email]
    emails_taken = set(session.scalars(select(User.email).where(User.email.in_(emails)))) if emails else set()
    seen: set[str] = set()
    for account in accounts:
        login = account.login.lower()
        reason = (login_problem(login)
                  or (_("Логин «%(login)s» уже занят.", login=login) if login in taken or login in seen else None)
                  or (_("Эл. почта %(email)s уже указана у другой учётной записи.", email=account.email)
                      if account.email and account.email.lower() in emails_taken else None)
                  or grant_problem(session, scope, account.role, account.place)
                  or _person_problem(session, scope, account))
        seen.add(login)
        if reason:
            problems.append(f"{account.last_name} {account.first_name}: {reason}")
    return problems


def create_accounts(session: Session, scope: Scope, accounts: list[NewAccount], *, now: dt.datetime) -> list[int]:
    """Create `accounts` as `scope`'s user: all of them or, with a DomainError naming the reasons,
    none. Links each to its staff, guardian or pupil record, writes its place (user_scope) and
    records a «created» event. Returns the new users' ids in order. The caller commits."""
    for account in accounts:
        if account.staff_id is not None and account.place.is_region:
            account.place = Place(school_id=_school_of(session, account))
    session.flush()
    problems = _problems(session, scope, accounts)
    if problems:
        more = len(problems) - REASONS_SHOWN
        text = "; ".join(problems[:REASONS_SHOWN]) + (_(" и ещё %(n)s.", n=more) if more > 0 else "")
        raise DomainError(_("Учётные записи не созданы: %(reasons)s", reasons=text))
    role_ids = dict(session.execute(select(Role.name, Role.id)).all())
    ids: list[int] = []
    connection = session.connection()
    for account in accounts:
        login = account.login.lower()
        user_id = connection.execute(insert(User.__table__).values(
            username=login, first_name=account.first_name[:64], last_name=account.last_name[:64],
            email=(account.email or placeholder_email(login)).lower(), password=account.password_hash, active=True,
            created_on=now, changed_on=now, created_by_fk=scope.user_id, changed_by_fk=scope.user_id,
        ).returning(User.__table__.c.id)).scalar_one()
        connection.execute(insert(assoc_user_role).values(user_id=user_id, role_id=role_ids[account.role]))
        _link_person(session, account, user_id)
        place = account.place
        if not place.is_region:
            connection.execute(insert(UserScope.__table__).values(
                user_id=user_id, municipality_id=place.municipality_id, school_id=place.school_id,
                journal_system_id=place.journal_system_id))
        record(session, "created", user_id=user_id, login=login, actor_id=scope.user_id, now=now,
               school_id=_school_of(session, account), municipality_id=place.municipality_id,
               detail=account.role)
        ids.append(user_id)
    return ids


def _link_person(session: Session, account: NewAccount, user_id: int) -> None:
    """Write the person's user_id (a loaded record of the person reads it afresh). A guardian's new
    account gets the parents' default notifications (the daily digest): nobody could choose «Не
    присылать» without an account, so «none» here is the table's default, not a choice."""
    for model, person_id in ((Staff, account.staff_id), (Guardian, account.guardian_id), (Pupil, account.pupil_id)):
        if person_id is not None:
            table = model.__table__
            session.connection().execute(update(table).where(table.c.id == person_id).values(user_id=user_id))
            if model is Guardian:
                session.connection().execute(update(table).where(table.c.id == person_id, table.c.notify_mode == "none")
                                             .values(notify_mode=DEFAULT_MODE))
            loaded = session.identity_map.get(session.identity_key(model, person_id))
            if loaded is not None:
                session.expire(loaded, ["user_id", "user", *(["notify_mode"] if model is Guardian else [])])


def record(session: Session, kind: str, *, user_id: int | None, login: str, actor_id: int | None, now: dt.datetime,
           school_id: int | None = None, municipality_id: int | None = None, detail: str | None = None) -> None:
    """Record an account event (`kind` one of app.models.accounts.EVENT_KINDS). The municipality
    is the school's when only the school is given. The caller commits."""
    if municipality_id is None and school_id is not None:
        municipality_id = session.scalar(select(School.municipality_id).where(School.id == school_id))
    session.connection().execute(insert(AccountEvent.__table__).values(
        at=now, kind=kind, user_id=user_id, login=login, actor_id=actor_id, school_id=school_id,
        municipality_id=municipality_id, detail=detail))


def note_first_login(session: Session, user_id: int, login: str, now: dt.datetime) -> bool:
    """Record the account's first login (a «first_login» event), once: the monitoring counts a
    family's diary access from it. False when it was recorded before. The caller commits."""
    seen = session.scalar(select(AccountEvent.id).where(AccountEvent.user_id == user_id,
                                                        AccountEvent.kind == "first_login").limit(1))
    if seen is not None:
        return False
    record(session, "first_login", user_id=user_id, login=login, actor_id=user_id, now=now)
    return True
