"""Giving accounts to a school's staff and to the region's and municipalities' people, handing over
their codes (letter or slip), and the accounts a user manages (app/accounts: staff, region,
delivery, managed). Expected values by hand from the test world."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.accounts.delivery import STAFF, account_letter, deliver, last_day
from app.accounts.families import Issued
from app.accounts.slips import Slip
from app.accounts.managed import change_role, list_accounts, open_account
from app.accounts.region import AccountForm, choices, create_account
from app.accounts.staff import StaffChoice, issue_staff_accounts, propose
from app.errors import DomainError
from app.models import AccountEvent, Staff, UserScope
from app.notify.mailer import SmtpSettings
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.accounts_helpers import add_people
from tests.factories import make_staff
from tests.web.test_notifications import free_port

NOW = dt.datetime(2012, 10, 19, 9, 30)


@pytest.fixture
def people(app, session, world):
    return add_people(session, app.appbuilder.sm, world)


def scope_of(session, world, username):
    return load_scope(session, world.users[username])


def test_the_form_proposes_a_login_from_the_name_and_a_role_from_the_position(session, world, people):
    ids = [people.petrova.id, people.kuznetsova.id, people.smirnov.id, world.teacher.id]
    rows = propose(session, scope_of(session, world, "director"), ids)
    assert [(p.name, p.login, p.role, p.email, p.note) for p in rows] == [
        ("Петрова Анна Петровна", "petrova.ap", R.TEACHER, "petrova@school1.test", None),
        ("Кузнецова Анна Петровна", "kuznetsova.ap", R.SECRETARY, None, None),
        ("Смирнов Анна Петровна", "smirnov.ap", R.SCHOOL_ADMIN, None, None),
        ("Иванова Анна Петровна", None, R.TEACHER, None, "Учётная запись уже есть."),
    ]
    # The secretary gives teachers only: the secretary's and the deputy head's roles are not proposed.
    rows = propose(session, scope_of(session, world, "secretary"), ids[:3])
    assert [p.role for p in rows] == [R.TEACHER, None, None]


def test_staff_of_another_school_are_out_of_scope(session, world, people):
    with pytest.raises(NotInScope, match="не вашей школы"):
        propose(session, scope_of(session, world, "director"), [people.petrova.id, people.sidorova.id])
    with pytest.raises(NotInScope):
        propose(session, scope_of(session, world, "teacher"), [people.petrova.id])


def test_issuing_links_the_staff_record_and_gives_one_code_each(session, world, people):
    issued = issue_staff_accounts(session, scope_of(session, world, "director"), [
        StaffChoice(people.petrova.id, "Petrova.AP ", R.TEACHER),
        StaffChoice(people.kuznetsova.id, "kuznetsova.ap", R.SECRETARY, by_mail=False),
    ], now=NOW, days=30)
    assert [(i.slip.login, i.slip.name, i.slip.subtitle, i.email, i.slip.expires_on) for i in issued] == [
        ("petrova.ap", "Петрова Анна Петровна", "учитель", "petrova@school1.test", dt.date(2012, 11, 18)),
        ("kuznetsova.ap", "Кузнецова Анна Петровна", "секретарь учебной части", None, dt.date(2012, 11, 18)),
    ]
    petrova = session.get(User, issued[0].user_id)
    assert ([r.name for r in petrova.roles], petrova.email) == ([R.TEACHER], "petrova@school1.test")
    assert session.get(Staff, people.petrova.id).user_id == petrova.id
    assert load_scope(session, petrova).school_id == world.school_a.id
    kinds = session.execute(select(AccountEvent.kind, AccountEvent.login, AccountEvent.school_id)
                            .order_by(AccountEvent.id)).all()
    assert kinds == [("created", "petrova.ap", world.school_a.id), ("created", "kuznetsova.ap", world.school_a.id),
                     ("code_issued", "petrova.ap", world.school_a.id),
                     ("code_issued", "kuznetsova.ap", world.school_a.id)]


def test_a_person_sent_twice_gets_one_account(session, world, people):
    issued = issue_staff_accounts(session, scope_of(session, world, "director"), [
        StaffChoice(people.petrova.id, "petrova.ap", R.TEACHER), StaffChoice(people.petrova.id, "petrova2", R.TEACHER),
    ], now=NOW)
    assert [i.slip.login for i in issued] == ["petrova.ap"]


def test_a_shared_or_taken_address_gets_a_slip_instead(session, world, people):
    people.kuznetsova.email = "PETROVA@school1.test"  # the school's shared address, written otherwise
    people.smirnov.email = "director@example.test"  # the director's login has it already
    session.commit()
    issued = issue_staff_accounts(session, scope_of(session, world, "director"), [
        StaffChoice(people.petrova.id, "petrova.ap", R.TEACHER),
        StaffChoice(people.kuznetsova.id, "kuznetsova.ap", R.SECRETARY),
        StaffChoice(people.smirnov.id, "smirnov.ap", R.SCHOOL_ADMIN),
    ], now=NOW)
    assert [i.email for i in issued] == ["petrova@school1.test", None, None]


def test_a_refused_person_refuses_the_whole_batch(session, world, people):
    with pytest.raises(DomainError) as refused:
        issue_staff_accounts(session, scope_of(session, world, "secretary"), [
            StaffChoice(people.petrova.id, "petrova.ap", R.TEACHER),
            StaffChoice(people.kuznetsova.id, "kuznetsova.ap", R.SECRETARY),
        ], now=NOW)
    assert str(refused.value) == ("Учётные записи не созданы: Кузнецова Анна Петровна: выберите роль из "
                                  "предложенных.")
    with pytest.raises(DomainError, match="Логин «teacher» уже занят"):
        issue_staff_accounts(session, scope_of(session, world, "secretary"), [
            StaffChoice(people.petrova.id, "teacher", R.TEACHER)], now=NOW)
    assert session.get(Staff, people.petrova.id).user_id is None
    assert session.scalar(select(AccountEvent.id)) is None


def _issued(user_id, login, name, subtitle, email, code) -> Issued:
    return Issued(user_id, STAFF, Slip(name, subtitle, login, code, last_day(NOW, 30)), email)


def test_the_letter_carries_a_one_time_link_and_the_last_day():
    issued = _issued(7, "petrova.ap", "Петрова Анна Петровна", "учитель", "petrova@school1.test", "K7QM-3XWD-9RTA")
    letter = account_letter(issued, "http://dnevnik.test/login/code/petrova.ap/K7QM-3XWD-9RTA")
    assert (letter.to, letter.subject) == ("petrova@school1.test", "Ваша учётная запись в электронном журнале")
    assert "http://dnevnik.test/login/code/petrova.ap/K7QM-3XWD-9RTA\n" in letter.body
    assert "до 18.11.2012 включительно" in letter.body and "Ваш логин: petrova.ap" in letter.body
    assert "Здравствуйте, Петрова Анна Петровна!" in letter.body and "(учитель)" in letter.body
    # Issued at 09:30 UTC for 30 days, the code ends at 13:30 Moscow time on 18.11.2012; issued at
    # 21:30 UTC it ends after midnight in Moscow, on the next day.
    assert last_day(NOW, 30) == dt.date(2012, 11, 18)
    assert last_day(dt.datetime(2012, 10, 19, 21, 30), 30) == dt.date(2012, 11, 19)


def test_an_unreachable_mail_server_prints_every_slip():
    issued = [_issued(1, "petrova.ap", "Петрова Анна Петровна", "учитель", "petrova@school1.test", "AAAA-BBBB-CCCC"),
              _issued(2, "kuznetsova.ap", "Кузнецова Анна Петровна", "секретарь", None, "DDDD-EEEE-FFFF")]
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    result = deliver(issued, closed, lambda login, code: f"http://dnevnik.test/login/code/{login}/{code}")
    assert (result.sent, result.not_sent) == ([], ["Петрова Анна Петровна"])
    assert [(s.login, s.code) for s in result.slips] == [("petrova.ap", "AAAA-BBBB-CCCC"),
                                                         ("kuznetsova.ap", "DDDD-EEEE-FFFF")]


def test_a_coordinator_creates_the_administration_of_its_own_schools_only(session, world):
    coordinator = scope_of(session, world, "municipal")
    offered = choices(session, coordinator)
    assert offered.roles == (R.SCHOOL_ADMIN,)
    assert [name for _, name in offered.schools] == ["СОШ № 1", "СОШ № 2"]
    issued = create_account(session, coordinator, AccountForm(role=R.SCHOOL_ADMIN, full_name=" Второва  Нина Львовна",
                                                              school_id=world.school_a2.id), now=NOW)
    assert (issued.slip.login, issued.slip.name, issued.slip.subtitle) == ("vtorova.nl", "Второва Нина Львовна",
                                                                           "Администрация школы: СОШ № 2")
    created = load_scope(session, session.get(User, issued.user_id))
    assert (created.role, created.school_id, created.municipality_id) == (
        R.SCHOOL_ADMIN, world.school_a2.id, world.municipality_a.id)
    with pytest.raises(NotInScope, match="Эта школа вне вашей области доступа"):
        create_account(session, coordinator, AccountForm(role=R.SCHOOL_ADMIN, full_name="Третьякова Нина Львовна",
                                                         school_id=world.school_b.id), now=NOW)
    with pytest.raises(DomainError, match="с ролью «Муниципальный координатор»"):
        create_account(session, coordinator, AccountForm(role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна",
                                                         municipality_id=world.municipality_a.id), now=NOW)


def test_the_administrator_creates_a_coordinator_of_klin(session, world):
    admin = scope_of(session, world, "admin")
    with pytest.raises(NotInScope, match="муниципалитет вне вашей"):
        choices(session, admin, 999_999)
    with pytest.raises(DomainError, match="выберите муниципалитет"):
        create_account(session, admin, AccountForm(role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна"), now=NOW)
    with pytest.raises(DomainError, match="Укажите ФИО"):
        create_account(session, admin, AccountForm(role=R.MUNICIPAL, full_name="Клинова",
                                                   municipality_id=world.municipality_b.id), now=NOW)
    with pytest.raises(DomainError, match="написан с ошибкой"):
        create_account(session, admin, AccountForm(role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна",
                                                   email="klin@", municipality_id=world.municipality_b.id), now=NOW)
    issued = create_account(session, admin, AccountForm(role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна",
                                                        login="klin.coord", email="klin@klin.test",
                                                        municipality_id=world.municipality_b.id), now=NOW)
    assert (issued.slip.login, issued.email, issued.slip.subtitle) == (
        "klin.coord", "klin@klin.test", "Муниципальный координатор: Клинский муниципальный район")
    place = session.get(UserScope, issued.user_id)
    assert (place.municipality_id, place.school_id) == (world.municipality_b.id, None)
    user = session.get(User, issued.user_id)
    assert (user.last_name, user.first_name) == ("Клинова", "Ольга Ивановна")


@pytest.mark.parametrize("username, logins", [
    ("admin", ["admin", "director", "methodist", "ministry", "monitor", "municipal", "parent", "pupil", "secretary",
               "teacher"]),
    ("municipal", ["director"]),
    ("director", ["director", "parent", "pupil", "secretary", "teacher"]),
    ("secretary", ["parent", "pupil", "teacher"]),
    ("teacher", []),
    ("ministry", []),
    ("parent", []),
])
def test_the_accounts_a_user_manages(session, world, username, logins):
    page = list_accounts(session, scope_of(session, world, username))
    assert ([row.login for row in page.rows], page.total) == (logins, len(logins))


def test_the_accounts_list_finds_by_login_or_name_and_names_the_place(session, world):
    admin = scope_of(session, world, "admin")
    assert [row.login for row in list_accounts(session, admin, query="MINIST").rows] == ["ministry"]
    assert list_accounts(session, admin, query="ТЁСТОВ").total == 10  # every surname of the world, «ё» as «е»
    rows = {row.login: row for row in list_accounts(session, admin).rows}
    assert (rows["parent"].place, rows["municipal"].place, rows["ministry"].place) == (
        "СОШ № 1", "Одинцовский муниципальный район", "регион")


def test_a_role_changes_within_its_kind_of_place(session, world):
    director = scope_of(session, world, "director")
    teacher = world.users["teacher"].id
    assert open_account(session, director, teacher).other_roles == (R.SCHOOL_ADMIN, R.SECRETARY)
    assert change_role(session, director, teacher, R.SECRETARY, now=NOW) == R.TEACHER
    assert [role.name for role in session.get(User, teacher).roles] == [R.SECRETARY]
    event = session.scalars(select(AccountEvent)).one()
    assert (event.kind, event.login, event.detail, event.actor_id, event.school_id) == (
        "role_changed", "teacher", "Учитель → Секретарь", world.users["director"].id, world.school_a.id)
    with pytest.raises(DomainError, match="нельзя перевести в роль «Ученик»"):
        change_role(session, director, world.users["parent"].id, R.PUPIL, now=NOW)
    with pytest.raises(DomainError, match="Свою роль изменить нельзя"):
        change_role(session, director, world.users["director"].id, R.TEACHER, now=NOW)
    secretary = scope_of(session, world, "secretary")
    assert open_account(session, secretary, world.users["pupil"].id).other_roles == ()
    with pytest.raises(NotInScope):
        change_role(session, secretary, world.users["director"].id, R.TEACHER, now=NOW)
    admin = scope_of(session, world, "admin")
    assert open_account(session, admin, world.users["ministry"].id).other_roles == (R.ADMIN, R.MONITORING, R.METHODIST)


def test_a_staff_member_without_a_login_is_listed_for_issuing(session, world, people):
    from app.accounts.staff import staff_without_accounts

    gone = make_staff(session, world.school_a, "Ушедшая")
    gone.active = False
    session.commit()
    names = [s.last_name for s in staff_without_accounts(session, scope_of(session, world, "secretary"))]
    assert names == ["Кузнецова", "Петрова", "Смирнов"]
    assert staff_without_accounts(session, scope_of(session, world, "teacher")) == []
