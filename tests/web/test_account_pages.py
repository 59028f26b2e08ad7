"""The account pages: issuing staff accounts (letters and slips), the region form, the accounts a
user manages and their roles, the record of account events and who reads it, and an account
following its person when the staff or pupil form changes (a logged-in browser is logged out).
Expected values by hand from the test world (tests/factories.py) and tests/accounts_helpers.py."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import select

from app import clock
from app.accounts.codes import issue_codes
from app.accounts.issue import record
from app.models import AccountEvent, Lesson, Mark, Pupil, Staff
from app.security import roles as R
from tests.accounts_helpers import (add_people, code_of, page_text, region_form, shown_codes, smtp, staff_form,  # noqa: F401
                                    user_id)
from tests.conftest import login
from tests.factories import PASSWORD
from tests.security_helpers import client_for, form_token
from tests.web.test_reference_cache import ENGINES

TODAY = dt.date(2012, 10, 19)
PUPILS_PAGE = "/pupilview/list/"


@pytest.fixture
def people(app, session, world):
    return add_people(session, app.appbuilder.sm, world)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login/" in response.location


# --- staff accounts -------------------------------------------------------------------------

def test_the_secretary_issues_a_letter_and_a_slip(app, session, world, people, smtp):
    client = client_for(app, "secretary")
    choose = page_text(client.get("/staff-accounts/"))
    assert "Петрова Анна Петровна учитель petrova@school1.test" in choose and "Иванова" not in choose
    form = client.get(f"/staff-accounts/issue?staff={people.petrova.id}&staff={people.kuznetsova.id}")
    html = form.get_data(as_text=True)
    assert 'value="petrova.ap"' in html and 'value="kuznetsova.ap"' in html
    assert "письмом на petrova@school1.test" in html

    response = staff_form(client, (people.petrova, "petrova.ap", R.TEACHER), (people.kuznetsova, "kuznetsova.ap",
                                                                                R.TEACHER), delivery="mail")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = page_text(response)
    assert "Создано учётных записей: 2." in text
    assert "Ссылка для первого входа отправлена по эл. почте: 1. Петрова Анна Петровна" in text
    # Кузнецова has no address: her slip is the only one on the page.
    printed = shown_codes(response)
    assert len(printed) == 1 and "kuznetsova.ap" in text and "petrova.ap" not in text
    assert code_of(session, "kuznetsova.ap", printed, clock.now()) is not None

    [(to, subject, body)] = smtp.messages
    assert (to, subject) == ("petrova@school1.test", "Ваша учётная запись в электронном журнале")
    link = re.search(r"http://localhost/login/code/petrova\.ap/([A-Z0-9-]{14})\n", body)
    assert link and code_of(session, "petrova.ap", [link.group(1)], clock.now()) == link.group(1)
    assert [s.user_id for s in session.scalars(select(Staff).where(Staff.id.in_(
        [people.petrova.id, people.kuznetsova.id])).order_by(Staff.last_name))] == [
        user_id(session, "kuznetsova.ap"), user_id(session, "petrova.ap")]


def test_a_refused_letter_is_printed_instead(app, session, world, people, smtp):
    smtp.refuse.add("petrova@school1.test")
    response = staff_form(client_for(app, "director"), (people.petrova, "petrova.ap", R.TEACHER), delivery="mail")
    text = page_text(response)
    assert "Письмо не отправлено (почтовый сервер не принял его), поэтому листок напечатан: Петрова Анна Петровна." in text
    assert code_of(session, "petrova.ap", shown_codes(response), clock.now()) is not None
    assert smtp.messages == []


def test_the_staff_form_refuses_in_russian_and_keeps_what_was_typed(app, session, world, people):
    client = client_for(app, "secretary")
    response = staff_form(client, (people.petrova, "Петрова", R.TEACHER))
    text = page_text(response)
    assert response.status_code == 200 and "Логин — от 3 до 64 символов" in text
    assert 'value="Петрова"' in response.get_data(as_text=True)
    assert user_id(session, "petrova.ap") is None
    assert page_text(client.get("/staff-accounts/issue?staff=abc")).count("Форма заполнена неверно") == 1
    assert client.get("/staff-accounts/issue?staff=abc").status_code == 400
    empty = client.get("/staff-accounts/issue")
    assert sent_to_login(empty) is False and empty.status_code == 302


def test_the_staff_record_page_offers_the_account(app, world):
    page = client_for(app, "secretary").get(f"/staffview/show/{world.other_teacher.id}").get_data(as_text=True)
    assert f'/staff-accounts/issue?staff={world.other_teacher.id}' in page and "Выдать учётную запись" in page
    page = client_for(app, "teacher").get(f"/staffview/show/{world.other_teacher.id}").get_data(as_text=True)
    assert "Выдать учётную запись" not in page


# --- region and municipal accounts ------------------------------------------------------------

def test_the_administrator_mails_a_coordinator_of_klin_the_link(app, session, world, smtp):
    client = client_for(app, "admin")
    page = page_text(client.get("/accounts/new/"))
    assert "Клинский муниципальный район" in page and "Другой журнал" not in page
    response = region_form(client, role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна", email="klin@klin.test",
                           municipality_id=world.municipality_b.id, delivery="mail")
    assert sent_to_login(response) is False and response.location.endswith("/accounts/")
    [(to, _subject, body)] = smtp.messages
    assert to == "klin@klin.test" and "/login/code/klinova.oi/" in body
    assert "Муниципальный координатор: Клинский муниципальный район" in body


def test_the_region_form_shows_a_municipalitys_schools_and_answers_404_for_an_unknown_one(app, world):
    client = client_for(app, "admin")
    token = form_token(client)
    shown = client.post("/accounts/new/", data={"csrf_token": token, "role": R.SCHOOL_ADMIN, "full_name": "",
                                                "municipality_id": str(world.municipality_b.id), "show_schools": "1"})
    assert re.search(r'<option value="\d+">СОШ № 3</option>', shown.get_data(as_text=True))
    assert "alert-danger" not in shown.get_data(as_text=True)
    missing = client.get("/accounts/new/?municipality_id=99999")
    assert missing.status_code == 404 and "Этот муниципалитет вне вашей области доступа." in page_text(missing)
    assert client.get("/accounts/new/?municipality_id=x").status_code == 200  # «Форма заполнена неверно»


# --- the accounts a user manages ----------------------------------------------------------------

def _listed(client) -> list[str]:
    return re.findall(r'href="/accounts/\d+">([^<]+)</a>', client.get("/accounts/").get_data(as_text=True))


def test_each_user_lists_the_accounts_they_manage(app, world):
    assert _listed(client_for(app, "municipal")) == ["director"]
    assert _listed(client_for(app, "director")) == ["director", "parent", "pupil", "secretary", "teacher"]
    assert _listed(client_for(app, "secretary")) == ["parent", "pupil", "teacher"]
    assert client_for(app, "teacher").get("/accounts/").status_code == 403
    assert client_for(app, "ministry").get("/accounts/").status_code == 403


def test_the_director_changes_a_teachers_role_and_the_secretary_cannot(app, session, world):
    teacher = world.users["teacher"].id
    director = client_for(app, "director")
    card = page_text(director.get(f"/accounts/{teacher}"))
    assert "Учётная запись teacher" in card and "Изменить роль" in card and "События этой учётной записи" in card
    response = director.post(f"/accounts/{teacher}/role", data={"csrf_token": form_token(director), "role": R.SECRETARY})
    assert response.status_code == 302
    assert "Роль изменена: была «Учитель», стала «Секретарь»." in page_text(director.get(response.location))
    session.expire_all()
    assert [role.name for role in session.get(User, teacher).roles] == [R.SECRETARY]

    secretary = client_for(app, "secretary")
    card = page_text(secretary.get(f"/accounts/{world.users['pupil'].id}"))
    assert "Изменить роль" not in card and "События этой учётной записи" not in card
    director_id = world.users["director"].id
    assert secretary.get(f"/accounts/{director_id}").status_code == 404
    assert secretary.post(f"/accounts/{director_id}/role", data={"csrf_token": form_token(secretary),
                                                                "role": R.TEACHER}).status_code == 404


# --- the record of account events ---------------------------------------------------------------

def _event_logins(client) -> list[str]:
    page = client.get("/accounteventview/list/")
    assert page.status_code == 200
    return sorted(re.findall(r"<td>\s*(ev-[a-z0-9.]+)\s*</td>", page.get_data(as_text=True)))


def test_the_record_of_account_events_is_read_by_the_administrator_and_the_schools_administration(
        app, session, world):
    now = dt.datetime(2012, 10, 19, 9, 30)
    for login, school in (("ev-a", world.school_a), ("ev-a2", world.school_a2), ("ev-b", world.school_b)):
        record(session, "created", user_id=None, login=login, actor_id=None, now=now, school_id=school.id,
               detail=R.TEACHER)
    record(session, "created", user_id=None, login="ev-region", actor_id=world.users["admin"].id, now=now,
           detail=R.MINISTRY)
    session.commit()
    assert _event_logins(client_for(app, "admin")) == ["ev-a", "ev-a2", "ev-b", "ev-region"]
    assert _event_logins(client_for(app, "director")) == ["ev-a"]
    for username in ("secretary", "municipal", "teacher", "ministry", "monitor", "methodist", "parent", "pupil"):
        assert client_for(app, username).get("/accounteventview/list/").status_code == 403, username
    page = page_text(client_for(app, "admin").get("/accounteventview/list/"))
    assert "19.10.2012 13:30 создана ev-region Министерство admin" in page  # 09:30 UTC, in Moscow time
    # Nobody edits or deletes the record, the administrator included.
    admin = client_for(app, "admin")
    event = session.scalar(select(AccountEvent.id).where(AccountEvent.login == "ev-a"))
    assert admin.get(f"/accounteventview/edit/{event}").status_code in (403, 404)
    assert admin.post(f"/accounteventview/delete/{event}", data={"csrf_token": form_token(admin)}).status_code in (
        403, 404, 405)
    assert session.get(AccountEvent, event) is not None


# --- lifecycle through the forms --------------------------------------------------------------

def _staff_edit(client, staff: Staff, *, active: bool):
    data = {"csrf_token": form_token(client), "school": str(staff.school_id), "last_name": staff.last_name,
            "first_name": staff.first_name, "middle_name": staff.middle_name or "", "position": staff.position,
            "is_teacher": "y", "email": staff.email or "", "phone": staff.phone or ""}
    if active:
        data["active"] = "y"
    return client.post(f"/staffview/edit/{staff.id}", data=data)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_teacher_marked_as_not_working_is_logged_out_and_keeps_the_marks(app, session, world, engine):
    teacher = client_for(app, "teacher")
    assert teacher.get(PUPILS_PAGE).status_code == 200
    director = client_for(app, "director")
    response = _staff_edit(director, world.teacher, active=False)
    assert response.status_code == 302, page_text(response)[-500:]
    assert sent_to_login(teacher.get(PUPILS_PAGE))
    session.expire_all()
    assert session.get(User, world.users["teacher"].id).active is False
    assert session.get(Mark, world.mark_a.id).value == 5 and session.get(Lesson, world.lesson_a.id) is not None
    refused = teacher.post("/login/", data={"username": "teacher", "password": PASSWORD,
                                            "csrf_token": form_token(teacher, "/login/")})
    assert sent_to_login(refused)

    _staff_edit(director, world.teacher, active=True)
    assert sent_to_login(teacher.get(PUPILS_PAGE))  # the old session stays ended
    login(teacher, "teacher")
    assert teacher.get(PUPILS_PAGE).status_code == 200
    kinds = session.execute(select(AccountEvent.kind, AccountEvent.detail, AccountEvent.actor_id)
                            .where(AccountEvent.kind != "first_login").order_by(AccountEvent.id)).all()
    director_id = world.users["director"].id
    assert kinds == [("deactivated", "staff_inactive", director_id), ("reactivated", "staff_active", director_id)]


def _pupil_edit(client, pupil: Pupil, left_on: str):
    data = {"csrf_token": form_token(client), "school": str(pupil.school_id), "class_group": str(pupil.class_group_id),
            "last_name": pupil.last_name, "first_name": pupil.first_name, "middle_name": pupil.middle_name or "",
            "birth_date": pupil.birth_date.isoformat(), "enrolled_on": pupil.enrolled_on.isoformat(),
            "left_on": left_on}
    return client.post(f"/pupilview/edit/{pupil.id}", data=data)


def test_a_pupil_who_leaves_is_logged_out_and_the_guardian_with_the_last_child(app, session, world):
    app.config["TODAY"] = TODAY
    pupil, parent = client_for(app, "pupil"), client_for(app, "parent")
    assert pupil.get("/diary/").status_code == 200 and parent.get("/diary/").status_code == 200
    secretary = client_for(app, "secretary")
    assert _pupil_edit(secretary, world.pupil_a, "2012-10-19").status_code == 302
    assert sent_to_login(pupil.get("/diary/")) and parent.get("/diary/").status_code == 200
    assert _pupil_edit(secretary, world.sibling_a, "2012-10-19").status_code == 302
    assert sent_to_login(parent.get("/diary/"))
    assert _pupil_edit(secretary, world.pupil_a, "").status_code == 302
    session.expire_all()
    assert [session.get(User, world.users[name].id).active for name in ("pupil", "parent")] == [True, True]


def test_the_daily_command_closes_accounts_whose_leaving_date_has_come(app, session, world, runner):
    for pupil in (world.pupil_a, world.sibling_a):
        session.get(Pupil, pupil.id).left_on = dt.date(2012, 10, 26)
    session.commit()
    assert runner.invoke(args=["accounts", "sync", "--today", "2012-10-25"]).output == "Закрыто учётных записей: 0.\n"
    assert runner.invoke(args=["accounts", "sync", "--today", "2012-10-26"]).output == "Закрыто учётных записей: 2.\n"
    bad = runner.invoke(args=["accounts", "sync", "--today", "26.10.2012"])
    assert bad.exit_code != 0 and "Дата пишется так: 2012-10-19." in bad.output


# --- the administrator's raw user editor -------------------------------------------------------

def test_the_raw_user_editor_records_role_changes_and_closings_and_ends_sessions(app, session, world):
    teacher = client_for(app, "teacher")
    admin = client_for(app, "admin")
    user = world.users["teacher"]
    secretary_role = session.scalar(select(Role.id).where(Role.name == R.SECRETARY))
    response = admin.post(f"/users/edit/{user.id}", data={
        "csrf_token": form_token(admin), "first_name": user.first_name, "last_name": user.last_name,
        "username": user.username, "email": user.email, "roles": str(secretary_role)})
    assert response.status_code == 302
    assert sent_to_login(teacher.get(PUPILS_PAGE))
    events = session.execute(select(AccountEvent.kind, AccountEvent.detail, AccountEvent.school_id)
                             .where(AccountEvent.kind != "first_login").order_by(AccountEvent.id)).all()
    assert events == [("role_changed", "Учитель → Секретарь", world.school_a.id),
                      ("deactivated", "by_administrator", world.school_a.id)]


def test_codes_issued_to_a_closed_account_do_not_open_it(app, session, world):
    """A closed account stays closed to a code as to a password (codes.redeem reads active)."""
    from app.accounts.codes import redeem

    user = world.users["teacher"]
    code = issue_codes(session, [user.id], actor_id=None, now=clock.now())[user.id]
    session.get(User, user.id).active = False
    session.commit()
    assert redeem(session, "teacher", code, clock.now()) is None


@pytest.mark.parametrize("engine", ENGINES)
def test_control_characters_in_the_forms_are_refused_in_russian(app, session, world, people, engine):
    """PostgreSQL stores no NUL: a login, an e-mail or a search with one must be refused before any
    query carries it (it answered 500)."""
    admin = client_for(app, "admin")
    for fields in (dict(login="klin\x00"), dict(email="klin\x00@klin.test")):
        response = region_form(admin, role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна",
                               municipality_id=world.municipality_b.id, **fields)
        assert response.status_code == 200 and "alert-danger" in response.get_data(as_text=True)
    assert admin.get("/accounts/?q=ab%00c").status_code == 200
    response = staff_form(client_for(app, "director"), (people.petrova, "petrova\x00", R.TEACHER))
    assert response.status_code == 200 and "Логин — от 3 до 64 символов" in page_text(response)
    assert user_id(session, "petrova") is None and user_id(session, "klin") is None


@pytest.mark.parametrize("pk", ["²", "١٢"])
def test_odd_ids_in_the_edit_addresses_answer_404(app, world, pk):
    """The edit pages read a record's state before the form changes it: an id that is no number
    (a superscript two is a digit to Python, not to int()) answers 404, as FAB's own lookup does."""
    director, admin = client_for(app, "director"), client_for(app, "admin")
    assert director.get(f"/staffview/edit/{pk}").status_code == 404
    assert admin.get(f"/users/edit/{pk}").status_code == 404
    assert admin.get(f"/staff-accounts/issue?staff={pk}").status_code == 400
