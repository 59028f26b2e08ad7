"""Diary access for a class's families (app/accounts/families.py), on the 5А of
tests.family_helpers: who gets an account, in which order, with which login and code."""
import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.accounts import codes, families
from app.accounts.issue import NO_PASSWORD
from app.errors import DomainError
from app.models import AccountEvent, Guardian, OneTimeCode, Pupil
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.factories import make_staff, make_user
from tests.family_helpers import NOW, TODAY, build_family_class

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def family(app, session, world):
    return build_family_class(session, app.appbuilder.sm, world)


def scope_of(session, world, user):
    return load_scope(session, world.users[user])


def issue(session, world, class_id, user="secretary", **options):
    options = {"pupils_from_grade": 5, "days": 30, "now": NOW, "today": TODAY, **options}
    return families.issue_class_access(session, scope_of(session, world, user), class_id, **options)


def logins(access):
    return [item.slip.login for item in access.issued]


def test_the_overview_counts_pupils_of_today_and_families_without_access(session, world, family):
    rows = families.school_classes(session, scope_of(session, world, "secretary"), TODAY)
    assert [(r.name, r.pupils, r.pupils_without, r.families, r.families_without) for r in rows] == [
        ("5А", 4, 4, 4, 3),  # Орлов left; Кузнецова has an account
        ("7А", 2, 1, 2, 1),  # Алексеева has the account «pupil», her father «parent»; Смирнов has none yet
        ("8Б", 2, 2, 2, 1),  # Алексеев (the same father) and Борисова
    ]
    assert families.school_classes(session, scope_of(session, world, "teacher"), TODAY) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_class_gets_one_account_per_guardian_and_pupils_from_the_grade(session, world, family, engine):
    access = issue(session, world, family.klass.id)
    assert (access.class_name, access.school_name) == ("5А", "СОШ № 1")
    assert [(item.kind, item.slip.name, item.slip.login, item.email) for item in access.issued] == [
        ("guardian", "Иванов Пётр Сергеевич", "ivanov.ps", "ivanov@family.test"),
        ("guardian", "Иванова Ольга Николаевна", "ivanova.on", None),
        ("pupil", "Иванов Илья Петрович", "ivanov.ip", None),
        ("pupil", "Иванова Мария Петровна", "ivanova.mp", None),
        ("pupil", "Кузнецов Дмитрий Андреевич", "kuznetsov.da", None),
        ("guardian", "Смирнов Алексей Иванович", "smirnov.ai", "smirnov@family.test"),
        ("pupil", "Смирнова Екатерина Алексеевна", "smirnova.ea", None),
    ]
    father, _mother, ilya = (item.slip for item in access.issued[:3])
    assert father.subtitle == "Родитель: Иванов Илья, 5А; Иванова Мария, 5А"
    assert ilya.subtitle == "Ученик 5А класса"
    # Issued at 13:30 in Moscow on 19.10.2012, valid 30 days.
    assert (father.expires_on, father.valid_until) == (dt.date(2012, 11, 18), "18.11.2012")

    session.expire_all()
    ivanov = session.get(User, session.get(Guardian, family.ivanov.id).user_id)
    assert (ivanov.username, [r.name for r in ivanov.roles], ivanov.email, ivanov.password) == (
        "ivanov.ps", [R.PARENT], "ivanov@family.test", NO_PASSWORD)
    pupil = session.get(User, session.get(Pupil, family.ilya.id).user_id)
    assert (pupil.username, [r.name for r in pupil.roles]) == ("ivanov.ip", [R.PUPIL])
    assert session.get(Guardian, family.kuznetsova.id).user.username == "kuznetsova"
    assert session.get(Guardian, family.orlova.id).user_id is None
    assert session.get(Pupil, family.left.id).user_id is None

    stored = session.execute(select(OneTimeCode.user_id, OneTimeCode.code_hash, OneTimeCode.expires_at)).all()
    assert sorted(row.code_hash for row in stored) == sorted(codes.code_hash(item.slip.code) for item in access.issued)
    assert {row.user_id for row in stored} == {item.user_id for item in access.issued}
    assert {row.expires_at for row in stored} == {dt.datetime(2012, 11, 18, 9, 30)}
    events = session.execute(select(AccountEvent.kind, func.count()).where(AccountEvent.school_id == world.school_a.id)
                             .group_by(AccountEvent.kind).order_by(AccountEvent.kind)).all()
    assert events == [("code_issued", 7), ("created", 7)]


@pytest.mark.parametrize("from_grade", [6, None])
def test_pupils_of_a_younger_class_or_none_chosen_get_no_account(session, world, family, from_grade):
    access = issue(session, world, family.klass.id, pupils_from_grade=from_grade)
    assert logins(access) == ["ivanov.ps", "ivanova.on", "smirnov.ai"]


def test_a_family_with_access_is_not_touched_again(session, world, family):
    first = issue(session, world, family.klass.id)
    assert issue(session, world, family.klass.id).issued == []
    # 7А: Смирнов has his account from 5А now; only his son Глеб gets one.
    assert logins(issue(session, world, world.class_a.id)) == ["smirnov.g"]
    smirnov = session.get(Guardian, family.smirnov.id)
    assert smirnov.user.username == "smirnov.ai"
    hashes = set(session.scalars(select(OneTimeCode.code_hash).where(OneTimeCode.user_id == smirnov.user_id)))
    assert hashes == {codes.code_hash(first.issued[5].slip.code)}, "his code from 5А stays the only one"


def test_two_parents_with_one_address_get_it_on_one_account_and_a_letter_each(session, world, family):
    family.ivanova.email = "IVANOV@family.test"
    session.commit()
    issued = issue(session, world, family.klass.id).issued
    assert [(item.slip.login, item.email) for item in issued[:2]] == [
        ("ivanov.ps", "ivanov@family.test"), ("ivanova.on", "IVANOV@family.test")]
    emails = dict(session.execute(select(User.username, User.email)
                                  .where(User.username.in_(["ivanov.ps", "ivanova.on"]))).all())
    assert emails == {"ivanov.ps": "ivanov@family.test", "ivanova.on": "ivanova.on@accounts.invalid"}


def test_only_the_schools_administration_and_secretary_give_access(app, session, world, family):
    other = make_user(session, app.appbuilder.sm, "secretary_b", R.SECRETARY)
    make_staff(session, world.school_b, "Секретарева-Б", other, position="секретарь")
    session.commit()
    world.users["secretary_b"] = other
    for user in ("teacher", "secretary_b", "municipal", "parent"):
        with pytest.raises(NotInScope):
            issue(session, world, family.klass.id, user=user)
    # 8Б in register order: Алексеев (his father has an account), then Борисов and his mother.
    assert logins(issue(session, world, world.class_a_other.id, user="director")) == ["alekseev.mi", "borisova.ii",
                                                                                      "borisov.mi"]
    assert logins(issue(session, world, world.class_b.id, user="admin")) == ["vasilev.mi"]
    assert session.scalar(select(func.count()).select_from(OneTimeCode)) == 4


@pytest.mark.parametrize("options, reason", [
    ({"days": 0}, "Срок действия кода — от 1 до 365 дней."),
    ({"days": 366}, "Срок действия кода — от 1 до 365 дней."),
    ({"pupils_from_grade": 12}, "Выберите класс, начиная с которого ученики получают учётные записи: от 1 до 11."),
])
def test_bad_options_are_refused_and_change_nothing(session, world, family, options, reason):
    users = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(DomainError) as refused:
        issue(session, world, family.klass.id, **options)
    assert refused.value.message == reason
    assert session.scalar(select(func.count()).select_from(User)) == users


def test_a_new_code_voids_the_earlier_ones(session, world, family):
    issued = {item.slip.login: item.slip.code for item in issue(session, world, family.klass.id).issued}
    secretary = scope_of(session, world, "secretary")
    later = NOW + dt.timedelta(days=1)
    access = families.new_code(session, secretary, pupil_id=family.ilya.id, days=30, now=later, today=TODAY)
    [(slip, email)] = [(item.slip, item.email) for item in access.issued]
    assert (access.school_name, email) == ("СОШ № 1", None)
    assert (slip.name, slip.subtitle, slip.login, slip.valid_until) == (
        "Иванов Илья Петрович", "Ученик 5А класса", "ivanov.ip", "19.11.2012")
    assert codes.redeem(session, "ivanov.ip", issued["ivanov.ip"], later) is None
    assert codes.redeem(session, "ivanov.ip", slip.code, later).username == "ivanov.ip"

    [father] = families.new_code(session, secretary, guardian_id=family.smirnov.id, days=30, now=later,
                                 today=TODAY).issued
    assert (father.slip.login, father.slip.subtitle, father.email) == (
        "smirnov.ai", "Родитель: Смирнов Глеб, 7А; Смирнова Екатерина, 5А", "smirnov@family.test")
    with pytest.raises(DomainError, match="У Орлов Олег Игоревич нет учётной записи"):
        families.new_code(session, secretary, pupil_id=family.left.id, days=30, now=later, today=TODAY)
    with pytest.raises(NotInScope):
        families.new_code(session, secretary, pupil_id=world.pupil_b.id, days=30, now=later, today=TODAY)
    with pytest.raises(NotInScope):
        families.new_code(session, scope_of(session, world, "teacher"), guardian_id=family.smirnov.id, days=30,
                          now=later, today=TODAY)
