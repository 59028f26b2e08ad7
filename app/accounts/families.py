"""Diary access for families: «Выдать доступ классу» and «Новый код входа».

- `issue_class_access`: for one class, an account for every guardian of its pupils who has none
  (one per guardian, whatever the number of children; a guardian with an account is not touched)
  and, when the class is of the chosen grade or above, for every pupil without one; a one-time code
  each (app/accounts/codes.py). The accounts are made by the one door, create_accounts.
- `send_links`: the one-time link by e-mail to those with an address on file; whoever it fails
  for gets a printed slip instead.
- `new_code`: a fresh code (the earlier ones void) for one pupil's or guardian's account whose
  password is forgotten: e-mailed to the account's own address if it has one and the school
  chooses so, else a slip.

Who may: the users who may grant parents' accounts (app/accounts/grants.py: the school's
administration and secretary), for their own school's classes; the administrator for any. Anything
else is NotInScope (404). A class's pupils are those in it today (not left)."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import formats
from app.accounts import codes
from app.accounts.grants import grantable_roles
from app.accounts.issue import NewAccount, create_accounts, real_email
from app.accounts.logins import login_base, unique_logins
from app.accounts.slips import Slip, expires_on
from app.errors import DomainError
from app.models import ClassGroup, Guardian, GuardianLink, Pupil, School
from app.notify.mailer import Mailer, SmtpSettings
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import Scope
from app.i18n import _
from app.timetable.pupil_import import EMAIL, import_year

log = logging.getLogger(__name__)

GUARDIAN, PUPIL = "guardian", "pupil"
GRADES = range(1, 12)
MAX_CODE_DAYS = 365


# --- who may ------------------------------------------------------------------------------

def _issuer_school(scope: Scope) -> int | None:
    """The school whose families `scope`'s user may give access to, or None (none: not an issuer)."""
    if R.PARENT not in grantable_roles(scope) or scope.is_admin:
        return None
    return scope.school_id


def family_classes(scope: Scope):
    """The classes whose families the user may give access to (a clause over ClassGroup)."""
    if scope.is_admin:
        return true()
    school_id = _issuer_school(scope)
    return false() if school_id is None else ClassGroup.school_id == school_id


def family_pupils(scope: Scope):
    """The pupils the user may issue a new code for (a clause over Pupil)."""
    if scope.is_admin:
        return true()
    school_id = _issuer_school(scope)
    return false() if school_id is None else Pupil.school_id == school_id


def family_guardians(scope: Scope):
    """The guardians the user may issue a new code for: those of the user's school's pupils."""
    if scope.is_admin:
        return true()
    school_id = _issuer_school(scope)
    if school_id is None:
        return false()
    return Guardian.id.in_(select(GuardianLink.guardian_id).join(Pupil, Pupil.id == GuardianLink.pupil_id)
                           .where(Pupil.school_id == school_id))


def open_class(session: Session, scope: Scope, class_id: int) -> ClassGroup:
    """The class, if the user may give its families access; else NotInScope."""
    found = session.scalars(select(ClassGroup).where(ClassGroup.id == class_id, family_classes(scope))).first()
    if found is None:
        raise NotInScope()
    return found


def _present(today: dt.date):
    return or_(Pupil.left_on.is_(None), Pupil.left_on > today)


# --- what a class has -----------------------------------------------------------------------

@dataclass(frozen=True)
class ClassRow:
    """A class on the overview: its pupils and families, and how many have no access yet."""

    class_id: int
    name: str
    pupils: int
    pupils_without: int
    families: int
    families_without: int


def school_classes(session: Session, scope: Scope, today: dt.date) -> list[ClassRow]:
    """The classes of the user's school in the year of `today` (else the school's latest year),
    by grade and letter; [] for a user of no school (the administrator opens a class's page)."""
    school_id = _issuer_school(scope)
    if school_id is None:
        return []
    year = import_year(session, today, school_id)
    if year is None:
        return []
    classes = session.execute(select(ClassGroup.id, ClassGroup.grade, ClassGroup.letter)
                              .where(ClassGroup.school_id == school_id, ClassGroup.academic_year_id == year.id)
                              .order_by(ClassGroup.grade, ClassGroup.letter)).all()
    pupils = session.execute(select(Pupil.class_group_id, Pupil.id, Pupil.user_id)
                             .where(Pupil.class_group_id.in_([c.id for c in classes]), _present(today))).all()
    links = session.execute(select(Pupil.class_group_id, Guardian.id, Guardian.user_id)
                            .join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
                            .join(Guardian, Guardian.id == GuardianLink.guardian_id)
                            .where(Pupil.class_group_id.in_([c.id for c in classes]), _present(today))).all()
    pupil_rows, family_rows = defaultdict(list), defaultdict(dict)
    for class_id, _pupil_id, user_id in pupils:
        pupil_rows[class_id].append(user_id)
    for class_id, guardian_id, user_id in links:
        family_rows[class_id][guardian_id] = user_id
    return [ClassRow(c.id, f"{c.grade}{c.letter}", len(pupil_rows[c.id]),
                     sum(1 for user in pupil_rows[c.id] if user is None), len(family_rows[c.id]),
                     sum(1 for user in family_rows[c.id].values() if user is None))
            for c in classes]


@dataclass(frozen=True)
class Person:
    """A pupil or guardian as the access page lists them: `login` None = no account yet;
    `email`: the address on file a letter can go to (guardians only)."""

    id: int
    last_name: str
    first_name: str
    middle_name: str | None
    login: str | None = None
    email: str | None = None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


@dataclass(frozen=True)
class PupilFamily:
    pupil: Person
    guardians: tuple[Person, ...]


@dataclass(frozen=True)
class ClassFamilies:
    """A class's pupils, each with their guardians, in register order."""

    class_id: int
    name: str
    grade: int
    school_id: int
    school_name: str
    pupils: list[PupilFamily] = field(default_factory=list)

    @property
    def families_without(self) -> int:
        return len({g.id for p in self.pupils for g in p.guardians if g.login is None})

    @property
    def families_with_email(self) -> int:
        return len({g.id for p in self.pupils for g in p.guardians if g.login is None and g.email})

    @property
    def pupils_without(self) -> int:
        return sum(1 for p in self.pupils if p.pupil.login is None)


def _mail_address(email: str | None) -> str | None:
    """A guardian's e-mail on file, if it is one a letter can go to."""
    email = (email or "").strip()
    return email if EMAIL.match(email) else None


def class_families(session: Session, scope: Scope, class_id: int, today: dt.date) -> ClassFamilies:
    """The class's pupils of today and their guardians, with their logins; NotInScope as
    open_class."""
    klass = open_class(session, scope, class_id)
    school_name = session.scalar(select(School.short_name).where(School.id == klass.school_id))
    pupils = session.execute(
        select(Pupil.id, Pupil.last_name, Pupil.first_name, Pupil.middle_name, User.username)
        .outerjoin(User, User.id == Pupil.user_id)
        .where(Pupil.class_group_id == klass.id, _present(today))
        .order_by(Pupil.last_name, Pupil.first_name, Pupil.id)).all()
    guardians = session.execute(
        select(GuardianLink.pupil_id, Guardian.id, Guardian.last_name, Guardian.first_name, Guardian.middle_name,
               Guardian.email, User.username)
        .join(Guardian, Guardian.id == GuardianLink.guardian_id)
        .outerjoin(User, User.id == Guardian.user_id)
        .where(GuardianLink.pupil_id.in_([p.id for p in pupils]))
        .order_by(GuardianLink.pupil_id, Guardian.id)).all()
    by_pupil = defaultdict(list)
    for row in guardians:
        by_pupil[row.pupil_id].append(Person(row.id, row.last_name, row.first_name, row.middle_name, row.username,
                                             _mail_address(row.email)))
    return ClassFamilies(klass.id, klass.name, klass.grade, klass.school_id, school_name, [
        PupilFamily(Person(p.id, p.last_name, p.first_name, p.middle_name, p.username), tuple(by_pupil[p.id]))
        for p in pupils])


@dataclass(frozen=True)
class Login:
    """An account as the pupil's page shows it: the login and its own e-mail (None: none)."""

    login: str
    email: str | None = None


def pupil_logins(session: Session, scope: Scope, pupil_id: int) -> tuple[Login | None, dict[int, Login]]:
    """For the pupil's page: the pupil's account and those of the pupil's guardians ({guardian id:
    account}); (None, {}) when the user may not issue codes for the pupil."""
    pupil = session.execute(select(Pupil.id, User.username, User.email).outerjoin(User, User.id == Pupil.user_id)
                            .where(Pupil.id == pupil_id, family_pupils(scope))).first()
    if pupil is None:
        return None, {}
    guardians = session.execute(select(Guardian.id, User.username, User.email)
                                .join(GuardianLink, GuardianLink.guardian_id == Guardian.id)
                                .join(User, User.id == Guardian.user_id)
                                .where(GuardianLink.pupil_id == pupil_id)).all()
    own = Login(pupil.username, real_email(pupil.email)) if pupil.username else None
    return own, {row.id: Login(row.username, real_email(row.email)) for row in guardians}


# --- issuing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issued:
    """A new account with its code: `email` is where its one-time link goes (a guardian's address
    on file), None when it gets a printed slip."""

    user_id: int
    kind: str
    slip: Slip
    email: str | None = None


@dataclass(frozen=True)
class Access:
    """What was given: the accounts with their codes, the school's name (for the letters) and, for
    a class, its name."""

    school_name: str
    issued: list[Issued]
    class_name: str = ""


def check_options(pupils_from_grade: int | None, days: int) -> None:
    """DomainError (in Russian) for a grade outside 1–11 or a validity outside 1–MAX_CODE_DAYS days."""
    if pupils_from_grade is not None and pupils_from_grade not in GRADES:
        raise DomainError(_("Выберите класс, начиная с которого ученики получают учётные записи: от 1 до 11."))
    if not 1 <= days <= MAX_CODE_DAYS:
        raise DomainError(_("Срок действия кода — от 1 до %(max)s дней.", max=MAX_CODE_DAYS))


def _guardian_subtitle(children: list[str]) -> str:
    return _("Родитель: %(children)s", children="; ".join(children))


def _pupil_subtitle(class_name: str) -> str:
    return _("Ученик %(class_name)s класса", class_name=class_name)


def issue_class_access(session: Session, scope: Scope, class_id: int, *, pupils_from_grade: int | None, days: int,
                       now: dt.datetime, today: dt.date) -> Access:
    """Accounts and codes for the class's families still without access, in register order (each
    pupil's new guardians, then the pupil); none when everybody has access already. Pupils get one
    when `pupils_from_grade` is given and the class's grade is at least that. A guardian's
    account keeps the guardian's e-mail unless another account has it. All or nothing; commits.
    DomainError for bad options or a refused account, NotInScope as open_class."""
    check_options(pupils_from_grade, days)
    families = class_families(session, scope, class_id, today)
    wanted = _without_access(families, pupils_from_grade is not None and families.grade >= pupils_from_grade)
    if not wanted:
        return Access(families.school_name, [], families.name)
    accounts = _new_accounts(session, wanted)
    try:
        user_ids = create_accounts(session, scope, accounts, now=now)
        issued = codes.issue_codes(session, user_ids, actor_id=scope.user_id, now=now, days=days,
                                   school_id=families.school_id)
        session.commit()
    except IntegrityError as error:  # another request gave the same person or login an account first
        session.rollback()
        raise DomainError(_("Доступ выдан одновременно из другого окна: обновите страницу и повторите.")) from error
    except BaseException:
        session.rollback()
        raise
    last_day = expires_on(codes.expiry(now, days))
    children = _children_in_class(families)
    result = []
    for (kind, person), account, user_id in zip(wanted, accounts, user_ids):
        subtitle = _guardian_subtitle(children[person.id]) if kind == GUARDIAN else _pupil_subtitle(families.name)
        slip = Slip(person.name, subtitle, account.login, issued[user_id], last_day)
        result.append(Issued(user_id, kind, slip, person.email))
    return Access(families.school_name, result, families.name)


def _without_access(families: ClassFamilies, with_pupils: bool) -> list[tuple[str, Person]]:
    """(GUARDIAN or PUPIL, person) of the class's people to give an account, in register order:
    each pupil's guardians without one (a guardian once, at the first child), then the pupil."""
    wanted: list[tuple[str, Person]] = []
    seen: set[int] = set()
    for family in families.pupils:
        for guardian in family.guardians:
            if guardian.login is None and guardian.id not in seen:
                seen.add(guardian.id)
                wanted.append((GUARDIAN, guardian))
        if with_pupils and family.pupil.login is None:
            wanted.append((PUPIL, family.pupil))
    return wanted


def _new_accounts(session: Session, wanted: list[tuple[str, Person]]) -> list[NewAccount]:
    """The accounts of `wanted`: logins from the names, unique; a guardian's e-mail where free."""
    logins = unique_logins(session, [login_base(person.last_name, person.first_name, person.middle_name)
                                     for _kind, person in wanted])
    emails = _account_emails(session, [person.email for _kind, person in wanted])
    return [NewAccount(login, R.PARENT if kind == GUARDIAN else R.PUPIL, person.first_name, person.last_name,
                       email=email, guardian_id=person.id if kind == GUARDIAN else None,
                       pupil_id=person.id if kind == PUPIL else None)
            for (kind, person), login, email in zip(wanted, logins, emails)]


def _children_in_class(families: ClassFamilies) -> dict[int, list[str]]:
    """{guardian id: [«Фамилия Имя, 5А», …]}: each guardian's children in the class."""
    children: dict[int, list[str]] = defaultdict(list)
    for family in families.pupils:
        for guardian in family.guardians:
            children[guardian.id].append(f"{family.pupil.last_name} {family.pupil.first_name}, {families.name}")
    return children


def _account_emails(session: Session, emails: list[str | None]) -> list[str | None]:
    """The e-mail each new account keeps: its own address, unless another account has it already
    or an earlier one of the batch does (two parents with one family address): then none, and the
    letter still goes to the address on file."""
    wanted = [e.lower() for e in emails if e]
    taken = set(session.scalars(select(func.lower(User.email)).where(func.lower(User.email).in_(wanted)))) \
        if wanted else set()
    result = []
    for email in emails:
        key = email.lower() if email else None
        if key is None or key in taken:
            result.append(None)
        else:
            taken.add(key)
            result.append(key)
    return result


def new_code(session: Session, scope: Scope, *, days: int, now: dt.datetime, today: dt.date,
             pupil_id: int | None = None, guardian_id: int | None = None) -> Access:
    """A new code for the account of one pupil or guardian (its earlier codes void), with the
    account's own e-mail if it has one (the link may go there instead of a slip); commits.
    NotInScope for a person the user may not issue codes for; DomainError when the person has no
    account or it is switched off."""
    check_options(None, days)
    if pupil_id is not None:
        person = session.scalars(select(Pupil).where(Pupil.id == pupil_id, family_pupils(scope))).first()
    else:
        person = session.scalars(select(Guardian).where(Guardian.id == guardian_id, family_guardians(scope))).first()
    if person is None:
        raise NotInScope()
    if person.user_id is None:
        raise DomainError(_("У %(name)s нет учётной записи: её выдают всем семьям класса кнопкой «Выдать доступ "
                            "классу».", name=person.full_name))
    user = session.get(User, person.user_id)
    if not user.active:
        raise DomainError(_("Учётная запись %(login)s отключена: новый код ей не поможет.", login=user.username))
    if isinstance(person, Pupil):
        klass = session.get(ClassGroup, person.class_group_id) if person.class_group_id else None
        school_id, subtitle = person.school_id, _pupil_subtitle(klass.name) if klass else _("Ученик")
    else:
        kids = _children(session, scope, person.id, today)
        school_id = scope.school_id if scope.school_id else (kids[0][0] if kids else None)
        subtitle = _guardian_subtitle([name for _school, name in kids])
    school_name = session.scalar(select(School.short_name).where(School.id == school_id)) or ""
    try:
        code = codes.issue_codes(session, [user.id], actor_id=scope.user_id, now=now, days=days,
                                 school_id=school_id)[user.id]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    slip = Slip(person.full_name, subtitle, user.username, code, expires_on(codes.expiry(now, days)))
    return Access(school_name, [Issued(user.id, PUPIL if isinstance(person, Pupil) else GUARDIAN, slip,
                                       real_email(user.email))])


def _children(session: Session, scope: Scope, guardian_id: int, today: dt.date) -> list[tuple[int, str]]:
    """(school id, «Фамилия Имя, класс») of the guardian's children the user may issue codes for."""
    rows = session.execute(
        select(Pupil.school_id, Pupil.last_name, Pupil.first_name, ClassGroup.grade, ClassGroup.letter)
        .join(GuardianLink, GuardianLink.pupil_id == Pupil.id)
        .outerjoin(ClassGroup, ClassGroup.id == Pupil.class_group_id)
        .where(GuardianLink.guardian_id == guardian_id, family_pupils(scope), _present(today))
        .order_by(Pupil.last_name, Pupil.first_name)).all()
    return [(row.school_id, f"{row.last_name} {row.first_name}" + (f", {row.grade}{row.letter}" if row.grade else ""))
            for row in rows]


# --- e-mail -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Letter:
    user_id: int
    to: str
    subject: str
    body: str


def access_letter(issued: Issued, link: str, school_name: str, *, renewed: bool = False) -> Letter:
    """The letter that carries a one-time link (`link`: the address of /login/code/…); `renewed`:
    a new code for an account that had one (a forgotten password)."""
    slip = issued.slip
    if renewed:
        opening = _("%(school)s выдала вам новую ссылку для входа в электронный дневник: прежние коды и "
                    "ссылки больше не действуют.", school=school_name)
    else:
        opening = _("%(school)s открыла вам доступ к электронному дневнику.", school=school_name)
    body = _("Здравствуйте, %(name)s!\n\n"
             "%(opening)s\n"
             "Ваш логин: %(login)s\n\n"
             "Откройте ссылку и задайте свой пароль:\n%(link)s\n\n"
             "Ссылка действует до %(date)s включительно и открывается один раз. Если срок прошёл, "
             "попросите в школе новый код входа.\n",
             name=slip.name, opening=opening, login=slip.login, link=link,
             date=formats.format_date(slip.expires_on))
    return Letter(issued.user_id, issued.email, _("Доступ к электронному дневнику"), body)


def send_letters(settings: SmtpSettings, letters: Iterable[Letter]) -> set[int]:
    """Send the letters over one SMTP connection; returns the user ids of those not sent (the relay
    unreachable, or refusing that address), each logged as a warning."""
    letters = list(letters)
    sent: set[int] = set()
    if not letters:
        return set()
    try:
        with Mailer(settings) as mailer:
            for letter in letters:
                try:
                    mailer.send(letter.to, letter.subject, letter.body)
                except smtplib.SMTPException as error:  # this address refused; the connection goes on
                    log.warning("access link for user %s not sent: %s", letter.user_id, error)
                    if isinstance(error, smtplib.SMTPServerDisconnected):
                        raise
                else:
                    sent.add(letter.user_id)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("access links not sent, the mail relay %s:%s failed: %s", settings.host, settings.port, error)
    return {letter.user_id for letter in letters} - sent


def send_links(settings: SmtpSettings, access: Access, link_for: Callable[[str, str], str], *,
               renewed: bool = False) -> set[int]:
    """E-mail the one-time link to every account of `access` that has an address; the user ids it
    failed for (their slips are printed instead)."""
    return send_letters(settings, [
        access_letter(item, link_for(item.slip.login, item.slip.code), access.school_name, renewed=renewed)
        for item in access.issued if item.email])
