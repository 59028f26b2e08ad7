"""Accounts of the region's and municipalities' people, in one form: the administrator creates the
ministry's, the monitoring's, the methodists', a municipal coordinator's (choosing the
municipality), a vendor's (choosing the journal system; its schools are the schools using it) and
any school's administration; a municipal coordinator creates the administration accounts of its
municipality's schools. A school's own staff get theirs from their staff records
(app/accounts/staff.py), pupils and families from the class lists.

Nobody grants a role above their own (refused in Russian) or a place beyond their own: a
municipality or school the user does not see answers 404 (NotInScope) with the reason."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts import codes
from app.accounts.delivery import OFFICIAL, last_day
from app.accounts.families import Issued
from app.accounts.grants import Place, grantable_roles
from app.accounts.issue import NewAccount, create_accounts
from app.accounts.logins import login_base, unique_logins
from app.accounts.slips import Slip
from app.errors import DomainError
from app.formats import natural_key
from app.models import JournalSystem, Municipality, School
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import Scope, visible
from app.i18n import _
from app.textinput import clean_text
from app.timetable.pupil_import import EMAIL, split_name

# The roles this form gives, in the order it offers them.
FORM_ROLES = (R.MINISTRY, R.MONITORING, R.METHODIST, R.MUNICIPAL, R.VENDOR, R.SCHOOL_ADMIN, R.ADMIN)
MAX_EMAIL = 200


def form_roles(scope: Scope) -> tuple[str, ...]:
    granted = grantable_roles(scope)
    return tuple(role for role in FORM_ROLES if role in granted)


@dataclass(frozen=True)
class Choices:
    """What the form offers `scope`'s user: roles, municipalities, the schools of the chosen
    municipality (all of them for a coordinator, its own), journal systems."""

    roles: tuple[str, ...]
    municipalities: list[tuple[int, str]]
    municipality_id: int | None
    schools: list[tuple[int, str]]
    journal_systems: list[tuple[int, str]]


def _municipality(session: Session, scope: Scope, municipality_id: int) -> Municipality:
    found = session.scalar(select(Municipality).where(Municipality.id == municipality_id,
                                                      visible(scope, Municipality)))
    if found is None:
        raise NotInScope(_("Этот муниципалитет вне вашей области доступа."))
    return found


def _school(session: Session, scope: Scope, school_id: int) -> School:
    found = session.scalar(select(School).where(School.id == school_id, visible(scope, School)))
    if found is None:
        raise NotInScope(_("Эта школа вне вашей области доступа."))
    return found


def choices(session: Session, scope: Scope, municipality_id: int | None = None) -> Choices:
    """The form's choices; the schools are those of `municipality_id` (a coordinator: always its
    own). NotInScope for a municipality the user does not see, or a user who creates none of these
    accounts."""
    roles = form_roles(scope)
    if not roles:
        raise NotInScope()
    if scope.role == R.MUNICIPAL:
        municipality_id = scope.municipality_id
    municipalities = sorted(session.execute(select(Municipality.id, Municipality.name)
                                            .where(visible(scope, Municipality))).tuples(),
                            key=lambda row: natural_key(row[1]))
    schools: list[tuple[int, str]] = []
    if municipality_id is not None and R.SCHOOL_ADMIN in roles:
        _municipality(session, scope, municipality_id)
        schools = sorted(session.execute(select(School.id, School.name)
                                         .where(School.municipality_id == municipality_id,
                                                visible(scope, School))).tuples(),
                         key=lambda row: natural_key(row[1]))
    systems = []
    if R.VENDOR in roles:
        systems = list(session.execute(select(JournalSystem.id, JournalSystem.name).order_by(JournalSystem.name))
                       .tuples())
    return Choices(roles=roles, municipalities=municipalities, municipality_id=municipality_id, schools=schools,
                   journal_systems=systems)


@dataclass(frozen=True)
class AccountForm:
    """The form as sent: text, as typed; ids as numbers (None: not chosen)."""

    role: str
    full_name: str
    login: str = ""
    email: str = ""
    municipality_id: int | None = None
    school_id: int | None = None
    journal_system_id: int | None = None
    by_mail: bool = True  # e-mail the link when an address is given; False: a slip


def _place(session: Session, scope: Scope, form: AccountForm) -> tuple[Place, str]:
    """The account's place and its name for the slip; NotInScope for a municipality or school the
    user does not see, DomainError when the role's place is not chosen."""
    if form.role == R.MUNICIPAL:
        if form.municipality_id is None:
            raise DomainError(_("Для муниципального координатора выберите муниципалитет."))
        municipality = _municipality(session, scope, form.municipality_id)
        return Place(municipality_id=municipality.id), municipality.name
    if form.role == R.SCHOOL_ADMIN:
        if form.school_id is None:
            raise DomainError(_("Для администрации школы выберите школу."))
        school = _school(session, scope, form.school_id)
        return Place(school_id=school.id), school.name
    if form.role == R.VENDOR:
        system = session.get(JournalSystem, form.journal_system_id) if form.journal_system_id is not None else None
        if system is None:
            raise DomainError(_("Для поставщика выберите систему электронного журнала."))
        return Place(journal_system_id=system.id), system.name
    return Place(), _("Московская область")


def _checked_role(scope: Scope, role: str) -> str:
    if role not in form_roles(scope):
        raise DomainError(_("Вы не можете выдавать учётные записи с ролью «%(role)s».", role=role)
                          if role in R.ALL_ROLES else _("Выберите роль."))
    return role


def _person(session: Session, form: AccountForm) -> tuple[tuple[str, str, str | None], str | None, str]:
    """The form's ФИО (surname, name, patronymic), e-mail and login (made from the name when
    empty), each checked: DomainError in Russian."""
    parts = split_name(" ".join((form.full_name or "").split()))
    if parts is None:
        raise DomainError(_("Укажите ФИО: фамилию, имя и, если есть, отчество (буквами)."))
    email = clean_text(form.email, multiline=False, max_length=MAX_EMAIL, required=False, field=_("Эл. почта"))
    if email and not EMAIL.match(email):
        raise DomainError(_("Адрес эл. почты «%(email)s» написан с ошибкой.", email=email))
    login = (form.login or "").strip().lower() or unique_logins(session, [login_base(*parts)])[0]
    return parts, email or None, login


def create_account(session: Session, scope: Scope, form: AccountForm, *, now: dt.datetime,
                   days: int = codes.DEFAULT_DAYS) -> Issued:
    """Create the account `form` describes, with a one-time code valid `days` days.

    Refused in Russian (DomainError, nothing written): a role the user may not give here, a
    missing or malformed name, e-mail or login, a login or e-mail taken. NotInScope (404) for a
    municipality or school outside the user's own. An empty login is made from the name. Commits."""
    role = _checked_role(scope, form.role)
    place, place_name = _place(session, scope, form)
    (last, first, middle), email, login = _person(session, form)
    account = NewAccount(login=login, role=role, first_name=f"{first} {middle}" if middle else first, last_name=last,
                         email=email, place=place)
    try:
        [user_id] = create_accounts(session, scope, [account], now=now)
        code = codes.issue_codes(session, [user_id], actor_id=scope.user_id, now=now, days=days,
                                 school_id=place.school_id)[user_id]
        session.commit()
    except IntegrityError as error:  # the login or e-mail was taken from another window meanwhile
        session.rollback()
        raise DomainError(_("Учётная запись создана одновременно из другого окна: обновите страницу и "
                            "проверьте список учётных записей.")) from error
    except BaseException:
        session.rollback()
        raise
    slip = Slip(" ".join(p for p in (last, first, middle) if p), f"{role}: {place_name}", login, code,
                last_day(now, days))
    return Issued(user_id, OFFICIAL, slip, email if form.by_mail else None)
