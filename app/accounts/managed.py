"""The accounts a user manages: THE rule of which logins a user may list, open and change, the
«Учётные записи» page's rows, and a change of role.

A user manages the accounts they could have created (app/accounts/grants.py): every role of the
account is one they may grant, and the account belongs within their own place —
- the administrator: every account;
- a municipal coordinator: the school administrations of the municipality's schools;
- a school's administration: the school's staff (administration, secretary, teachers), its pupils
  and the guardians of its pupils;
- the secretary: the school's teachers, pupils and guardians;
- anyone else: none.
An account outside this answers 404 (NotInScope)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy import and_, delete, false, func, insert, or_, select, true, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.families import family_pupils
from app.accounts.grants import SCHOOL_PLACED, Place, grant_problem, grantable_roles
from app.accounts.issue import real_email, record
from app.errors import DomainError
from app.formats import fold_text, natural_key
from app.models import Guardian, GuardianLink, JournalSystem, Municipality, Pupil, School, Staff, UserScope
from app.name_search import fold, printable
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import CLAUSES_KEPT, Scope
from app.i18n import _

PAGE_SIZE = 50
# A typed search longer than any login or surname finds nothing and is not sent to the database.
MAX_QUERY = 100
# Roles that change into one another without moving the account: the school's staff within the
# school, the region's staff within the region.
ROLE_KINDS = (SCHOOL_PLACED, (R.ADMIN, R.MINISTRY, R.MONITORING, R.METHODIST))


def _users_with_roles(roles) -> ColumnElement[bool]:
    """Users having a role among `roles` and none outside them."""
    role_of_user = (select(assoc_user_role.c.user_id).join(Role, Role.id == assoc_user_role.c.role_id))
    return and_(User.id.in_(role_of_user.where(Role.name.in_(roles))),
                User.id.not_in(role_of_user.where(Role.name.not_in(roles))))


def _school_accounts(school_ids) -> ColumnElement[bool]:
    """Accounts belonging to the schools selected by `school_ids` (a subquery or a list): staff by
    their staff record or their user_scope, pupils, and the guardians of the schools' pupils."""
    return User.id.in_(union(
        select(Staff.user_id).where(Staff.school_id.in_(school_ids), Staff.user_id.is_not(None)),
        select(UserScope.user_id).where(UserScope.school_id.in_(school_ids)),
        select(Pupil.user_id).where(Pupil.school_id.in_(school_ids), Pupil.user_id.is_not(None)),
        select(Guardian.user_id).join(GuardianLink, GuardianLink.guardian_id == Guardian.id)
        .join(Pupil, Pupil.id == GuardianLink.pupil_id)
        .where(Pupil.school_id.in_(school_ids), Guardian.user_id.is_not(None)),
    ))


@lru_cache(maxsize=CLAUSES_KEPT)
def managed_users(scope: Scope) -> ColumnElement[bool]:
    """The accounts (rows of ab_user) `scope`'s user manages, as a WHERE clause."""
    if scope.is_admin:
        return true()
    roles = grantable_roles(scope)
    if not roles:
        return false()
    if scope.role == R.MUNICIPAL and scope.municipality_id is not None:
        schools = select(School.id).where(School.municipality_id == scope.municipality_id)
    elif scope.role in (R.SCHOOL_ADMIN, R.SECRETARY) and scope.school_id is not None:
        schools = [scope.school_id]
    else:
        return false()
    return and_(_users_with_roles(roles), _school_accounts(schools))


def managed_user(session: Session, scope: Scope, user_id: int) -> User:
    """The account `user_id` if `scope`'s user manages it; else NotInScope."""
    user = session.scalar(select(User).where(User.id == user_id, managed_users(scope)))
    if user is None:
        raise NotInScope(_("Эта учётная запись вне вашей области доступа."))
    return user


def account_school(session: Session, user_id: int) -> int | None:
    """The school an account belongs to: its staff record's, its user_scope's, its pupil's, or (a
    guardian) the first child's by id; None for the region's and municipalities' accounts."""
    for statement in (
        select(Staff.school_id).where(Staff.user_id == user_id),
        select(UserScope.school_id).where(UserScope.user_id == user_id),
        select(Pupil.school_id).where(Pupil.user_id == user_id),
        select(Pupil.school_id).join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
        .join(Guardian, Guardian.id == GuardianLink.guardian_id).where(Guardian.user_id == user_id)
        .order_by(Pupil.id).limit(1),
    ):
        school_id = session.scalar(statement)
        if school_id is not None:
            return school_id
    return None


@dataclass(frozen=True)
class AccountRow:
    user_id: int
    login: str
    name: str
    role: str
    place: str  # the school, municipality or journal system; «регион» for the region's roles
    email: str | None
    active: bool
    last_login: dt.datetime | None
    login_count: int


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    page: int
    pages: int
    query: str


def _matching(query: str) -> ColumnElement[bool]:
    text = f"%{fold_text(query)}%"
    return or_(func.lower(User.username).like(text), fold(User.last_name).like(text), fold(User.first_name).like(text))


def list_accounts(session: Session, scope: Scope, *, query: str = "", page: int = 1) -> AccountPage:
    """One page (PAGE_SIZE rows, by login) of the accounts `scope`'s user manages whose login, surname
    or name contains `query` (case and «ё» blind). A page past the last one shows the last."""
    query = printable(query or "").strip()[:MAX_QUERY]
    where = [managed_users(scope)]
    if query:
        where.append(_matching(query))
    total = session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    users = session.scalars(select(User).where(*where).order_by(User.username)
                            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    places = _places(session, [user.id for user in users])
    rows = [_row(user, places.get(user.id)) for user in users]
    return AccountPage(rows=rows, total=total, page=page, pages=pages, query=query)


def _row(user: User, place: str | None) -> AccountRow:
    role = ", ".join(role.name for role in user.roles)
    return AccountRow(user_id=user.id, login=user.username, name=f"{user.last_name} {user.first_name}".strip(),
                      role=role, place=place or _("регион"), email=real_email(user.email), active=bool(user.active),
                      last_login=user.last_login, login_count=user.login_count or 0)


def _places(session: Session, user_ids: list[int]) -> dict[int, str]:
    """user id -> the name of the account's place, for a page of accounts (four statements)."""
    if not user_ids:
        return {}
    places: dict[int, str] = {}
    scoped = session.execute(
        select(UserScope.user_id, School.short_name, Municipality.name, JournalSystem.name)
        .outerjoin(School, School.id == UserScope.school_id)
        .outerjoin(Municipality, Municipality.id == UserScope.municipality_id)
        .outerjoin(JournalSystem, JournalSystem.id == UserScope.journal_system_id)
        .where(UserScope.user_id.in_(user_ids)))
    for user_id, school, municipality, system in scoped:
        places[user_id] = school or municipality or system
    for model in (Staff, Pupil):
        for user_id, school in session.execute(select(model.user_id, School.short_name)
                                               .join(School, School.id == model.school_id)
                                               .where(model.user_id.in_(user_ids))):
            places[user_id] = school
    families = session.execute(
        select(Guardian.user_id, School.short_name).join(GuardianLink, GuardianLink.guardian_id == Guardian.id)
        .join(Pupil, Pupil.id == GuardianLink.pupil_id).join(School, School.id == Pupil.school_id)
        .where(Guardian.user_id.in_(user_ids)).distinct())
    schools_of: dict[int, list[str]] = {}
    for user_id, school in families:
        schools_of.setdefault(user_id, []).append(school)
    for user_id, schools in schools_of.items():
        places[user_id] = ", ".join(sorted(schools, key=natural_key))
    return places


@dataclass(frozen=True)
class Account:
    """One managed account's page: its row, the roles it may be given instead of its own, and for a
    pupil's or a guardian's account the pupil whose page gives it a new printed code («Новый код
    входа»: the way back in without an e-mail address)."""

    row: AccountRow
    created_on: dt.datetime | None
    other_roles: tuple[str, ...]
    code_pupil_id: int | None = None


def _kind(role: str) -> tuple[str, ...] | None:
    return next((kind for kind in ROLE_KINDS if role in kind), None)


def _other_roles(scope: Scope, user: User) -> tuple[str, ...]:
    """The roles `scope`'s user may give this account instead of its one role (none for the user's
    own account, an account of several roles, or a role whose kind of place differs)."""
    if user.id == scope.user_id or len(user.roles) != 1:
        return ()
    current = user.roles[0].name
    kind = _kind(current)
    return tuple(role for role in grantable_roles(scope) if kind and role in kind and role != current)


def open_account(session: Session, scope: Scope, user_id: int) -> Account:
    """The page of a managed account; NotInScope for any other."""
    user = managed_user(session, scope, user_id)
    return Account(row=_row(user, _places(session, [user.id]).get(user.id)), created_on=user.created_on,
                   other_roles=_other_roles(scope, user), code_pupil_id=_code_pupil(session, scope, user.id))


def _code_pupil(session: Session, scope: Scope, user_id: int) -> int | None:
    """The pupil's page where `scope`'s user gives the account `user_id` a new code: the pupil's
    own, or a guardian's first child by id among those the user issues codes for; None for staff,
    the region's accounts and a user who issues no codes."""
    own = session.scalar(select(Pupil.id).where(Pupil.user_id == user_id, family_pupils(scope)))
    if own is not None:
        return own
    return session.scalar(select(Pupil.id).join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
                          .join(Guardian, Guardian.id == GuardianLink.guardian_id)
                          .where(Guardian.user_id == user_id, family_pupils(scope)).order_by(Pupil.id).limit(1))


def change_role(session: Session, scope: Scope, user_id: int, role: str, *, now: dt.datetime) -> str:
    """Give the managed account `user_id` the role `role` instead of its own and record a
    «role_changed» event; returns the former role. Only within a kind of place (a teacher becomes the
    secretary, the ministry's account the monitoring's): other changes are refused (DomainError), as
    is a role `scope`'s user may not grant there (grant_problem). Commits."""
    user = managed_user(session, scope, user_id)
    if user.id == scope.user_id:
        raise DomainError(_("Свою роль изменить нельзя: это делает тот, кто выдал вам учётную запись."))
    if role not in _other_roles(scope, user):
        raise DomainError(_("Эту учётную запись нельзя перевести в роль «%(role)s».", role=role))
    school_id = account_school(session, user.id)
    place = Place(school_id=school_id) if role in SCHOOL_PLACED else Place()
    problem = grant_problem(session, scope, role, place)
    if problem:
        raise DomainError(problem)
    former = user.roles[0].name
    try:
        connection = session.connection()
        connection.execute(delete(assoc_user_role).where(assoc_user_role.c.user_id == user.id))
        connection.execute(insert(assoc_user_role).values(
            user_id=user.id, role_id=select(Role.id).where(Role.name == role).scalar_subquery()))
        record(session, "role_changed", user_id=user.id, login=user.username, actor_id=scope.user_id, now=now,
               school_id=school_id, detail=f"{former} → {role}")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.expire_all()
    return former

