"""«Выдать учётную запись» for a school's staff: the school's administration and its secretary
give logins to their own school's staff, one or many at once.

For each chosen person the form proposes a login made from the name (unique, editable) and the
role the position gives (role_for_position, editable among the staff roles the user may grant);
the accounts are created through the one door (create_accounts: all or none) with a one-time
code each, which app/accounts/delivery.py e-mails or prints."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts import codes
from app.accounts.delivery import STAFF, last_day
from app.accounts.families import Issued
from app.accounts.grants import SCHOOL_PLACED, Place, grantable_roles
from app.accounts.issue import NewAccount, create_accounts, role_for_position
from app.accounts.logins import login_base, unique_logins
from app.accounts.slips import Slip
from app.errors import DomainError
from app.models import Staff
from app.security.clauses import NotInScope
from app.security.scope import Scope, visible
from app.i18n import _
from app.timetable.pupil_import import EMAIL

# More people than a school's staff at once is not a form anyone fills in.
MOST_AT_ONCE = 200


def staff_roles(scope: Scope) -> tuple[str, ...]:
    """The staff roles `scope`'s user may give (school administration, secretary, teacher)."""
    return tuple(role for role in grantable_roles(scope) if role in SCHOOL_PLACED)


def mail_address(email: str | None) -> str | None:
    """The staff record's e-mail if it is one a letter can go to."""
    email = (email or "").strip()
    return email if EMAIL.match(email) else None


def staff_without_accounts(session: Session, scope: Scope) -> list[Staff]:
    """The working staff of the user's school who have no login yet, by name."""
    if not staff_roles(scope):
        return []
    return list(session.scalars(
        select(Staff).where(visible(scope, Staff), Staff.user_id.is_(None), Staff.active.is_(True))
        .order_by(Staff.last_name, Staff.first_name, Staff.middle_name, Staff.id)))


@dataclass(frozen=True)
class Proposal:
    """A row of the form: the person, and the login and role proposed (None: not proposed, with
    `note` saying why, e.g. an account exists already)."""

    staff_id: int
    name: str
    position: str
    email: str | None
    login: str | None
    role: str | None
    note: str | None


def _staff_rows(session: Session, scope: Scope, staff_ids: list[int]) -> list[Staff]:
    """The staff rows of `staff_ids` in the order given, each once; NotInScope when any is not one
    of the user's school (or does not exist)."""
    wanted = list(dict.fromkeys(staff_ids))
    if len(wanted) > MOST_AT_ONCE:
        raise DomainError(_("Выберите не больше %(n)s работников за один раз.", n=MOST_AT_ONCE))
    if not staff_roles(scope):
        raise NotInScope()
    found = {row.id: row for row in session.scalars(select(Staff).where(Staff.id.in_(wanted), visible(scope, Staff)))}
    if len(found) != len(wanted):
        raise NotInScope(_("Среди выбранных есть работник не вашей школы."))
    return [found[staff_id] for staff_id in wanted]


def propose(session: Session, scope: Scope, staff_ids: list[int]) -> list[Proposal]:
    """The form's rows for these staff members (NotInScope when any is not of the user's school)."""
    rows = _staff_rows(session, scope, staff_ids)
    offered = staff_roles(scope)
    without = [row for row in rows if row.user_id is None and row.active]
    logins = dict(zip((row.id for row in without),
                      unique_logins(session, [login_base(r.last_name, r.first_name, r.middle_name) for r in without]),
                      strict=True))
    proposals = []
    for row in rows:
        note = None
        if row.user_id is not None:
            note = _("Учётная запись уже есть.")
        elif not row.active:
            note = _("Работник отмечен как неработающий.")
        role = role_for_position(row.position, row.is_teacher)
        proposals.append(Proposal(staff_id=row.id, name=row.full_name, position=row.position,
                                  email=mail_address(row.email), login=logins.get(row.id),
                                  role=role if role in offered else None, note=note))
    return proposals


@dataclass(frozen=True)
class StaffChoice:
    """What the form sent for one person: the login and role as typed or chosen."""

    staff_id: int
    login: str
    role: str
    by_mail: bool = True  # e-mail the link where the record has an address; False: a slip


def issue_staff_accounts(session: Session, scope: Scope, choices: list[StaffChoice], *, now: dt.datetime,
                         days: int = codes.DEFAULT_DAYS) -> list[Issued]:
    """Create the accounts of these staff members, each with a one-time code valid `days` days:
    all of them, or none with a DomainError naming every person's reason (a login taken or
    malformed, a role not chosen or not the user's to give, an account already there). NotInScope
    when a person is not of the user's school. Commits."""
    if not choices:
        raise DomainError(_("Отметьте хотя бы одного работника."))
    first: dict[int, StaffChoice] = {}
    for choice in choices:  # each person once, as first sent
        first.setdefault(choice.staff_id, choice)
    choices = list(first.values())
    rows = _staff_rows(session, scope, [choice.staff_id for choice in choices])
    offered = staff_roles(scope)
    emails = _free_emails(session, [mail_address(row.email) for row in rows])
    people = [(row.full_name, row.position) for row in rows]
    schools = {row.school_id for row in rows}
    problems = []
    accounts = []
    for row, choice, email in zip(rows, choices, emails, strict=True):
        if choice.role not in offered:
            problems.append(_("%(name)s: выберите роль из предложенных.", name=row.full_name))
            continue
        accounts.append(NewAccount(login=choice.login.strip().lower(), role=choice.role, first_name=row.first_name,
                                   last_name=row.last_name, email=email, place=Place(school_id=row.school_id),
                                   staff_id=row.id))
    if problems:
        raise DomainError(_("Учётные записи не созданы: %(reasons)s", reasons="; ".join(problems)))
    try:
        user_ids = create_accounts(session, scope, accounts, now=now)
        issued_codes = codes.issue_codes(session, user_ids, actor_id=scope.user_id, now=now, days=days,
                                         school_id=schools.pop() if len(schools) == 1 else None)
        session.commit()
    except IntegrityError as error:  # the same person or login got an account from another window first
        session.rollback()
        raise DomainError(_("Учётные записи выданы одновременно из другого окна: обновите страницу и "
                            "повторите.")) from error
    except BaseException:
        session.rollback()
        raise
    until = last_day(now, days)
    return [Issued(user_id, STAFF, Slip(name, position, account.login, issued_codes[user_id], until),
                   account.email if choice.by_mail else None)
            for user_id, account, (name, position), choice in zip(user_ids, accounts, people, choices, strict=True)]


def _free_emails(session: Session, emails: list[str | None]) -> list[str | None]:
    """Each address, or None where another account has it already or an earlier person of the list
    does (a school's shared address): an account's e-mail is unique, and those people get a slip."""
    wanted = {email.lower() for email in emails if email}
    taken = set(session.scalars(select(func.lower(User.email)).where(func.lower(User.email).in_(wanted)))) if wanted else set()
    free = []
    for email in emails:
        key = email.lower() if email else None
        free.append(email if key and key not in taken else None)
        if key:
            taken.add(key)
    return free
