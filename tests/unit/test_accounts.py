"""Accounts for real people: logins from names, who may grant what, and the one door that
creates them (app/accounts)."""
import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.accounts import codes
from app.accounts.grants import Place, grant_problem, grantable_roles
from app.accounts.issue import NO_PASSWORD, NewAccount, create_accounts, real_email, role_for_position
from app.accounts.logins import login_base, login_problem, transliterate, unique_logins
from app.errors import DomainError
from app.models import AccountEvent, Guardian, OneTimeCode, Staff, UserScope
from app.security import roles as R
from app.security.scope import load_scope

NOW = dt.datetime(2012, 10, 19, 9, 30)


def test_logins_from_names():
    assert transliterate("Щукина Юлия Ёжикова") == "shchukina yuliya ezhikova"
    assert login_base("Иванова", "Мария", "Петровна") == "ivanova.mp"
    assert login_base("Ким", "Ён", None) == "kim.e"
    assert login_base("Д'Артаньян-Сидоров", "Шарль", "") == "dartanyansidorov.sh"
    assert login_base("—", "", None) == "user"
    assert login_problem("ivanova.mp") is None
    assert login_problem("Иванова") and login_problem("ab") and login_problem(".ivanova")


def test_unique_logins_skip_taken_ones_and_each_other(session, world):
    # The world has a user «teacher»; two new Ивановы М.П. in one call get different logins.
    assert unique_logins(session, ["teacher", "ivanova.mp", "ivanova.mp"]) == ["teacher2", "ivanova.mp", "ivanova.mp2"]


def test_role_from_position():
    assert role_for_position("Директор", False) == R.SCHOOL_ADMIN
    assert role_for_position("заместитель директора по УВР", True) == R.SCHOOL_ADMIN
    assert role_for_position("секретарь учебной части", False) == R.SECRETARY
    assert role_for_position("учитель физики", True) == R.TEACHER
    assert role_for_position("дворник", False) is None


def test_who_may_grant_what(session, world):
    def problem(user, role, place):
        return grant_problem(session, load_scope(session, world.users[user]), role, place)

    in_a, in_a2, in_b = (Place(school_id=s.id) for s in (world.school_a, world.school_a2, world.school_b))
    assert grantable_roles(load_scope(session, world.users["secretary"])) == (R.TEACHER, R.PARENT, R.PUPIL)
    assert grantable_roles(load_scope(session, world.users["teacher"])) == ()
    assert problem("admin", R.MUNICIPAL, Place(municipality_id=world.municipality_b.id)) is None
    assert "муниципалитет" in problem("admin", R.MUNICIPAL, in_a)
    assert problem("admin", R.MINISTRY, Place()) is None
    assert "оставьте их пустыми" in problem("admin", R.MINISTRY, in_a)
    assert problem("municipal", R.SCHOOL_ADMIN, in_a2) is None
    assert "вне вашей" in problem("municipal", R.SCHOOL_ADMIN, in_b)
    assert "«Секретарь»" in problem("municipal", R.SECRETARY, in_a)
    assert problem("director", R.SECRETARY, in_a) is None
    assert "вне вашей" in problem("director", R.TEACHER, in_a2)
    assert "«Администрация школы»" in problem("secretary", R.SCHOOL_ADMIN, in_a)
    assert "«Администратор»" in problem("director", R.ADMIN, Place())


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_secretary_creates_a_teacher_and_a_parent_account(session, world):
    scope = load_scope(session, world.users["secretary"])
    borisova = session.scalar(select(Guardian).where(Guardian.last_name == "Борисова"))
    ids = create_accounts(session, scope, [
        NewAccount("petrova.ap", R.TEACHER, "Анна", "Петрова", email="petrova@school1.ru",
                   staff_id=world.other_teacher.id),
        NewAccount("borisova.a", R.PARENT, "Анна", "Борисова", guardian_id=borisova.id),
    ], now=NOW)
    session.commit()
    teacher, parent = (session.get(User, i) for i in ids)
    assert (teacher.username, teacher.password, [r.name for r in teacher.roles]) == ("petrova.ap", NO_PASSWORD, [R.TEACHER])
    assert session.get(Staff, world.other_teacher.id).user_id == teacher.id
    assert session.get(UserScope, teacher.id).school_id == world.school_a.id
    assert real_email(teacher.email) == "petrova@school1.ru" and real_email(parent.email) is None
    assert session.get(Guardian, borisova.id).user_id == parent.id
    events = session.execute(select(AccountEvent.kind, AccountEvent.login, AccountEvent.actor_id, AccountEvent.school_id,
                                    AccountEvent.municipality_id).order_by(AccountEvent.id)).all()
    assert events == [("created", "petrova.ap", world.users["secretary"].id, world.school_a.id, world.municipality_a.id),
                      ("created", "borisova.a", world.users["secretary"].id, world.school_a.id, world.municipality_a.id)]


def test_a_refused_batch_creates_nothing(session, world):
    scope = load_scope(session, world.users["secretary"])
    users = _count(session, User)
    with pytest.raises(DomainError) as refused:
        create_accounts(session, scope, [
            NewAccount("petrova.ap", R.TEACHER, "Анна", "Петрова", staff_id=world.other_teacher.id),
            NewAccount("teacher", R.TEACHER, "Анна", "Иванова", staff_id=world.teacher.id),
            NewAccount("vasilev", R.PUPIL, "Пётр", "Васильев", pupil_id=world.pupil_b.id),
        ], now=NOW)
    assert str(refused.value) == ("Учётные записи не созданы: Иванова Анна: Логин «teacher» уже занят.; "
                                  "Васильев Пётр: Этот человек вне вашей области доступа.")
    session.rollback()
    assert (_count(session, User), _count(session, AccountEvent)) == (users, 0)
    assert session.get(Staff, world.other_teacher.id).user_id is None


def test_a_person_with_an_account_gets_no_second_one(session, world):
    scope = load_scope(session, world.users["admin"])
    with pytest.raises(DomainError, match="уже есть учётная запись"):
        create_accounts(session, scope, [NewAccount("ivanova2", R.TEACHER, "Анна", "Иванова", staff_id=world.teacher.id)],
                        now=NOW)


def test_administrator_creates_a_coordinator_of_klin(session, world):
    scope = load_scope(session, world.users["admin"])
    [user_id] = create_accounts(session, scope, [NewAccount("klin.coord", R.MUNICIPAL, "Ольга", "Клинская",
                                                            place=Place(municipality_id=world.municipality_b.id))],
                                now=NOW)
    session.commit()
    coordinator = load_scope(session, session.get(User, user_id))
    assert (coordinator.role, coordinator.municipality_id, coordinator.school_id) == (
        R.MUNICIPAL, world.municipality_b.id, None)


def test_a_code_is_single_use_expires_and_is_stored_as_a_hash(session, world):
    parent = world.users["parent"]
    first = codes.issue_codes(session, [parent.id], actor_id=world.users["secretary"].id, now=NOW, days=30)[parent.id]
    second = codes.issue_codes(session, [parent.id], actor_id=world.users["secretary"].id, now=NOW, days=30)[parent.id]
    session.commit()
    assert len(first) == 14 and first[4] == first[9] == "-"
    stored = session.scalars(select(OneTimeCode.code_hash)).all()
    assert first not in stored and codes.normalize(first) not in stored and len(stored) == 2
    assert codes.redeem(session, "parent", first, NOW) is None  # ended by the second code
    later = NOW + dt.timedelta(days=30)
    assert codes.redeem(session, "parent", second, later) is None  # expired
    assert codes.redeem(session, "pupil", second, NOW) is None  # someone else's
    typed = second.lower().replace("-", " ")
    assert codes.redeem(session, "Parent", typed, NOW + dt.timedelta(days=29)).id == parent.id
    assert codes.redeem(session, "parent", second, NOW + dt.timedelta(days=29)) is None  # used
    kinds = session.scalars(select(AccountEvent.kind).order_by(AccountEvent.id)).all()
    assert kinds == ["code_issued", "code_issued", "code_used"]


def test_the_first_login_is_recorded_once_at_the_login(session, world, as_user):
    # The monitoring counts a family's diary access from this record: a slip nobody used is no access.
    parent = world.users["parent"]
    as_user("parent")
    as_user("parent")
    session.expire_all()
    events = session.execute(select(AccountEvent.kind, AccountEvent.actor_id)
                             .where(AccountEvent.user_id == parent.id)).all()
    assert events == [("first_login", parent.id)]
