"""Text nobody can read or type is refused (or cleaned) on every path: a FAB form, the journal's
JSON API, the pupil import; what is blank is stored as NULL and not counted as filled."""
import pytest
from sqlalchemy import func, select, update

from app.api.base import ScopedModelRestApi
from app.web.data import ScopedInterface
from app.models import Guardian, JournalChange, Lesson, Mark, Pupil, Subject
from app.monitoring.activity import assignment_activity
from app.security.roles import sync_roles
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.journal_helpers import cell_post, post_json
from tests.web.test_journal_saves import jw, teacher  # noqa: F401  (fixtures)
from tests.web.test_timetable_import import upload

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def test_pupil_name_with_a_nul_byte_is_a_form_error_and_nothing_is_stored(world, as_user, session):
    secretary = as_user("secretary")
    before = session.scalar(select(func.count(Pupil.id)))
    response = secretary.post("/pupilview/add", data={
        "csrf_token": csrf_token(secretary, "/pupilview/add"), "school": world.school_a.id,
        "class_group": world.class_a.id, "last_name": "Ива\x00нов", "first_name": "Пётр",
        "birth_date": "2000-01-01", "enrolled_on": "2012-09-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, as typed, with the field's error
    assert "«Фамилия»: в тексте есть невидимый управляющий символ (U+0000)" in page
    assert session.scalar(select(func.count(Pupil.id))) == before


def test_pupil_name_is_stored_composed_trimmed_and_without_zero_width_characters(world, as_user, session):
    secretary = as_user("secretary")
    response = secretary.post("/pupilview/add", data={
        "csrf_token": csrf_token(secretary, "/pupilview/add"), "school": world.school_a.id,
        "class_group": world.class_a.id, "last_name": "  Е\u0308л\u200bкина  ", "first_name": "Мария",
        "middle_name": "   ", "birth_date": "2000-01-01", "enrolled_on": "2012-09-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    pupil = session.scalars(select(Pupil).where(Pupil.last_name == "\u0401лкина")).one()  # Ё, one letter
    assert (pupil.first_name, pupil.middle_name) == ("Мария", None)


def test_topic_with_a_bidi_override_is_a_russian_400_and_nothing_is_stored(session, jw, teacher):
    lesson = jw.lessons[1]
    reply = post_json(teacher, teacher.token, "/journal/api/lesson",
                      {"lesson_id": lesson.id, "version": 1, "topic": "\u202eибород"})
    assert reply.status_code == 400
    assert reply.get_json()["error"] == ("«Тема урока»: в тексте есть невидимый знак смены направления письма "
                                         "(U+202E). Наберите значение заново, не копируя его.")
    session.expire_all()
    assert (session.get(Lesson, lesson.id).topic, session.get(Lesson, lesson.id).version) == (None, 1)
    assert session.scalar(select(func.count(JournalChange.id))) == 0


@pytest.mark.parametrize("topic", ["\t\n", "\u200b\r\n"])
def test_blank_topic_saved_through_the_journal_is_null_and_not_a_filled_lesson(session, jw, teacher, topic):
    lesson = jw.lessons[1]
    reply = post_json(teacher, teacher.token, "/journal/api/lesson",
                      {"lesson_id": lesson.id, "version": 1, "topic": topic})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    session.expire_all()
    assert session.get(Lesson, lesson.id).topic is None
    [row] = [r for r in assignment_activity(session, [lesson.school_id], lesson.date, lesson.date)
             if r.assignment_id == lesson.assignment_id]
    assert (row.lessons_due, row.lessons_with_topic) == (1, 0)


def test_a_stored_topic_with_a_nul_can_be_corrected_and_the_history_keeps_it(session, jw, teacher):
    lesson = jw.lessons[1]
    session.execute(update(Lesson).where(Lesson.id == lesson.id).values(topic="Дро\x00би"))  # typed before the rule
    session.commit()
    reply = post_json(teacher, teacher.token, "/journal/api/lesson",
                      {"lesson_id": lesson.id, "version": 1, "topic": "Дроби"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    [change] = session.scalars(select(JournalChange).where(JournalChange.lesson_id == lesson.id))
    assert (change.old_value, change.new_value) == ("Дро\x00би", "Дроби")


@pytest.mark.parametrize("engine", ENGINES)
def test_overlong_reason_is_refused_naming_the_limit_on_both_engines(session, jw, teacher, engine):
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    reply = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "5", reason="я" * 301)
    assert reply.status_code == 400
    assert reply.get_json()["error"] == ("«Причина исправления»: не длиннее 300 знаков, а введено 301. "
                                         "Сократите текст.")
    session.expire_all()
    assert session.scalar(select(func.count(Mark.id)).where(Mark.lesson_id == lesson.id)) == 0
    assert session.scalar(select(func.count(JournalChange.id))) == 0
    done = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "5", reason="я" * 300)
    assert done.status_code == 200
    assert session.scalars(select(JournalChange.reason)).one() == "я" * 300


def test_import_rows_with_unreadable_or_overlong_text_get_row_reasons(world, as_user, session):
    secretary = as_user("secretary")
    before = session.scalar(select(func.count(Pupil.id))), session.scalar(select(func.count(Guardian.id)))
    response = upload(secretary, [
        ["Иванова Мария Петровна", "05.06.2000", "7А", "Иванов Пётр Сергеевич", "", "\u202eivanov@example.ru"],
        ["А" * 65 + " Мария", "05.06.2000", "7А", "", "", ""],
    ])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "В файле 2 строк с ошибками" in page and "Подтвердить импорт" not in page
    assert "<td>2</td>" in page and "«e-mail»: в тексте есть невидимый знак смены направления письма (U+202E)" in page
    assert "<td>3</td>" in page and "«фамилия ученика»: не длиннее 64 знаков, а введено 65" in page
    assert (session.scalar(select(func.count(Pupil.id))), session.scalar(select(func.count(Guardian.id)))) == before


class SubjectApi(ScopedModelRestApi):
    """A model API over a table with text columns (the shipped API has none that clients write)."""

    resource_name = "text_input_subject"
    datamodel = ScopedInterface(Subject)
    add_columns = edit_columns = ["name", "short_name"]
    list_columns = show_columns = ["id", "name", "short_name"]


def test_model_api_refuses_a_nul_byte_with_a_russian_400_and_stores_nothing(app, world, client, session):
    app.appbuilder.add_api(SubjectApi)
    sync_roles(app.appbuilder)  # the administrator gets every permission, this API's too
    login = client.post("/api/v1/security/login", json={"username": "admin", "password": PASSWORD, "provider": "db"})
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    before = session.scalar(select(func.count(Subject.id)))
    url = "/api/v1/text_input_subject/"
    reply = client.post(url, json={"name": "Алге\x00бра", "short_name": "Алг"}, headers=headers)
    assert reply.status_code == 400
    assert reply.json["message"] == ("«Название»: в тексте есть невидимый управляющий символ (U+0000). "
                                     "Наберите значение заново, не копируя его.")
    assert session.scalar(select(func.count(Subject.id))) == before
    long = client.post(url, json={"name": "Алгебра", "short_name": "А" * 31}, headers=headers)
    assert long.status_code == 400
    assert long.json["message"] == "«Краткое название»: не длиннее 30 знаков, а введено 31. Сократите текст."
    added = client.post(url, json={"name": "  Алгебра\u200b ", "short_name": "Алг"}, headers=headers)
    assert added.status_code == 201, added.get_data(as_text=True)
    edited = client.put(f"{url}{added.json['id']}", json={"short_name": "\u202eглА"}, headers=headers)
    assert edited.status_code == 400 and "(U+202E)" in edited.json["message"]
    session.expire_all()
    assert (session.get(Subject, added.json["id"]).name, session.get(Subject, added.json["id"]).short_name) == \
        ("Алгебра", "Алг")


def test_a_password_with_spaces_is_kept_as_typed_and_a_name_with_a_nul_is_refused(world, as_user, session, client):
    from flask_appbuilder.security.sqla.models import User

    admin = as_user("admin")
    role_id = world.users["teacher"].roles[0].id
    password = "  Сирень  цветёт 2012 "
    user = {"first_name": "Новый", "last_name": "Учи\x00тель", "username": "newteacher", "active": "y",
            "email": "new@example.test", "roles": str(role_id), "password": password, "conf_password": password}
    page = admin.post("/users/add", data={**user, "csrf_token": csrf_token(admin, "/users/add")},
                      follow_redirects=True).get_data(as_text=True)
    assert "«Фамилия»: в тексте есть невидимый управляющий символ (U+0000)" in page  # FAB's flash, not a 500
    assert session.query(User).filter_by(username="newteacher").count() == 0
    admin.post("/users/add", data={**user, "last_name": "Учитель", "csrf_token": csrf_token(admin, "/users/add")})
    assert session.query(User).filter_by(username="newteacher").one().last_name == "Учитель"
    client.get("/logout/")
    login(client, "newteacher", password)
