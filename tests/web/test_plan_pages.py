"""The thematic plan's pages: the teacher enters, imports, fills and copies; the school reads;
another school's teacher is answered 404 on the plan page and on the import.

The world is tests/plan_helpers.py's (7А's mathematics with a plan of 4 topics, 8 hours, and six
lessons in the 1st quarter); «teacher_b» teaches in СОШ № 3 (Сидорова)."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from app.models import Lesson, PlanTopic, Staff, ThematicPlan
from app.security import roles as R
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.plan_helpers import build_plan_world, topics_of


@pytest.fixture
def pw(app, session):
    pw = build_plan_world(session, app.appbuilder.sm)
    user = make_user(session, app.appbuilder.sm, "teacher_b", R.TEACHER)
    session.scalar(select(Staff).where(Staff.last_name == "Сидорова")).user_id = user.id
    session.commit()
    return pw


def xlsx(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def stored(session, assignment) -> list[tuple]:
    session.expire_all()
    return [tuple(row) for row in session.execute(
        select(PlanTopic.position, PlanTopic.section, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment.id).order_by(PlanTopic.position))]


def text_of(response) -> str:
    """The page with each run of whitespace one space, none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", response.get_data(as_text=True)))


def upload(client, assignment, rows, name="ktp.xlsx"):
    token = csrf_token(client, f"/plan/{assignment.id}/")
    return client.post(f"/plan/{assignment.id}/preview", data={"csrf_token": token, "file": (xlsx(rows), name)},
                       content_type="multipart/form-data")


def test_the_teacher_imports_a_plan_after_its_preview(pw, session, as_user):
    client = as_user("teacher")
    page = upload(client, pw.parallel, [["№", "раздел", "тема", "часы"], [1, "Дроби", "Понятие дроби", 2],
                                        [2, None, "Сравнение дробей", 3]])
    assert page.status_code == 200
    body = text_of(page)
    assert "Ошибок нет. В плане будет тем: 2, часов: 5." in body
    assert stored(session, pw.parallel) == []  # nothing before the confirmation
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    done = client.post(f"/plan/{pw.parallel.id}/confirm", data={"csrf_token": csrf_token(client), "token": token})
    assert done.status_code == 302
    assert stored(session, pw.parallel) == [(1, "Дроби", "Понятие дроби", 2), (2, "Дроби", "Сравнение дробей", 3)]
    assert "План загружен из файла: тем 2, часов 5." in text_of(client.get(done.headers["Location"]))


def test_bad_rows_are_shown_with_their_numbers_and_nothing_is_written(pw, session, as_user):
    client = as_user("teacher")
    page = upload(client, pw.own, [["тема", "часы"], ["Дроби", 2], [None, 1], ["Проценты", "много"]])
    body = text_of(page)
    assert "В файле 2 строк с ошибками. Ничего не записано" in body
    assert "<td>3</td><td>тема не указана</td>" in body
    assert "<td>4</td><td>часы «много»: нужно целое число от 1 до 99</td>" in body
    assert 'name="token"' not in body
    assert len(stored(session, pw.own)) == 4


def test_no_file_or_a_foreign_one_is_refused_on_the_plan_page(pw, session, as_user):
    client = as_user("teacher")
    token = csrf_token(client, f"/plan/{pw.own.id}/")
    response = client.post(f"/plan/{pw.own.id}/preview", data={"csrf_token": token}, follow_redirects=True)
    assert "Выберите файл плана (xlsx или csv)." in text_of(response)
    response = upload(client, pw.own, [["тема"]], name="plan.pdf")
    assert response.status_code == 302
    assert "Загрузите файл xlsx или csv" in text_of(client.get(response.headers["Location"]))


def test_the_teacher_saves_the_plan_on_its_page(pw, session, as_user):
    client = as_user("teacher")
    page = text_of(client.get(f"/plan/{pw.own.id}/"))
    assert 'value="Обозначение натуральных чисел"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf_token(client), "version": version,
            "number": ["1", "2", "1"], "section": ["Повторение", "", ""], "topic": ["Числа", "Дроби", "Шкалы"],
            "hours": ["2", "1", "3"]}
    response = client.post(f"/plan/{pw.own.id}/save", data=form)
    assert response.status_code == 302
    assert stored(session, pw.own) == [(1, "Повторение", "Числа", 2), (2, "Повторение", "Шкалы", 3),
                                       (3, "Повторение", "Дроби", 1)]
    # The same page sent again is refused: the plan changed since it was shown.
    again = client.post(f"/plan/{pw.own.id}/save", data=form, follow_redirects=True)
    assert "План уже изменили в другом окне" in text_of(again)


def test_a_page_with_bad_rows_keeps_what_was_typed(pw, session, as_user):
    client = as_user("teacher")
    response = client.post(f"/plan/{pw.own.id}/save", data={
        "csrf_token": csrf_token(client, f"/plan/{pw.own.id}/"), "version": "1",
        "number": ["1", "2"], "section": ["", ""], "topic": ["Дроби", "Проценты"], "hours": ["2", "0"]})
    assert response.status_code == 400
    body = text_of(response)
    assert "Строка 2: часы «0»: нужно целое число от 1 до 99" in body
    assert 'value="Проценты"' in body
    assert len(stored(session, pw.own)) == 4


def test_fill_writes_the_quarters_topics_and_says_what(pw, session, as_user):
    client = as_user("teacher")
    response = client.post(f"/plan/{pw.own.id}/fill", data={"csrf_token": csrf_token(client, f"/plan/{pw.own.id}/"),
                                                            "period": str(pw.q1.id)})
    assert response.status_code == 200
    body = text_of(response)
    assert "Темы записаны в уроков: 6." in body
    assert "<td>10.09.2012</td><td>1</td><td>Обозначение натуральных чисел</td><td>1 из 2</td>" in body
    assert "<td>21.09.2012</td><td>1</td><td>Сложение натуральных чисел</td><td>3 из 3</td>" in body
    assert topics_of(session, pw.lessons)[5] == "Сложение натуральных чисел"
    again = text_of(client.post(f"/plan/{pw.own.id}/fill", data={"csrf_token": csrf_token(client),
                                                                 "period": str(pw.q1.id)}))
    assert "Записывать нечего: у уроков периода уже есть темы." in again


def test_a_lessons_filled_topic_is_still_edited_in_the_journal(pw, session, as_user):
    from tests.journal_helpers import post_json

    client = as_user("teacher")
    client.post(f"/plan/{pw.own.id}/fill", data={"csrf_token": csrf_token(client, f"/plan/{pw.own.id}/"),
                                                 "period": str(pw.q1.id)})
    lesson = session.get(Lesson, pw.lessons[0].id)
    session.refresh(lesson)
    response = post_json(client, csrf_token(client, f"/journal/{pw.own.id}/"), "/journal/api/lesson",
                         {"lesson_id": lesson.id, "topic": "Римские цифры", "homework": "", "version": lesson.version})
    assert response.status_code == 200
    assert topics_of(session, pw.lessons)[0] == "Римские цифры"


def test_copy_to_a_parallel_class(pw, session, as_user):
    client = as_user("teacher")
    page = text_of(client.get(f"/plan/{pw.own.id}/"))
    assert f'name="target" value="{pw.parallel.id}"' in page
    assert f'name="target" value="{pw.colleague.id}"' not in page  # 7В is Петрова's
    response = client.post(f"/plan/{pw.own.id}/copy", data={"csrf_token": csrf_token(client),
                                                            "target": [str(pw.parallel.id)]})
    assert response.status_code == 302
    assert len(stored(session, pw.parallel)) == 4
    assert "План скопирован: 7Б, Математика." in text_of(client.get(response.headers["Location"]))


def test_the_teachers_index_and_the_template(pw, as_user):
    client = as_user("teacher")
    body = text_of(client.get("/plan/"))
    assert "7А, Математика" in body and "7Б, Математика" in body
    assert "8Б, Математика" not in body  # Петрова's
    template = client.get("/plan/template.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).active
    assert [c.value for c in sheet[1]] == ["№", "раздел", "тема", "часы"]


def test_the_director_reads_every_plan_of_the_school_and_changes_none(pw, session, as_user):
    client = as_user("director")
    body = text_of(client.get("/plan/"))
    assert "Иванова А.П." in body and "Петрова А.П." in body
    assert "Планы покрывают год: 0 из 2." in body
    page = client.get(f"/plan/{pw.own.id}/")
    assert page.status_code == 200
    assert "Обозначение натуральных чисел" in text_of(page) and 'name="topic"' not in text_of(page)
    token = csrf_token(client, "/plan/")
    assert client.post(f"/plan/{pw.own.id}/fill", data={"csrf_token": token, "period": str(pw.q1.id)}).status_code == 403
    assert client.get(f"/plan/{pw.far.id}/").status_code == 404


def test_another_schools_teacher_gets_404_on_the_plan_and_the_import(pw, session, as_user):
    client = as_user("teacher_b")
    assert client.get(f"/plan/{pw.own.id}/").status_code == 404
    assert upload(client, pw.far, [["тема", "часы"], ["Дроби", 1]]).status_code == 200  # her own class: fine
    token = csrf_token(client, "/plan/")
    file = {"csrf_token": token, "file": (xlsx([["тема", "часы"], ["Дроби", 1]]), "ktp.xlsx")}
    assert client.post(f"/plan/{pw.own.id}/preview", data=file, content_type="multipart/form-data").status_code == 404
    for action, data in (("confirm", {"token": "x"}), ("fill", {"period": str(pw.q1.id)}), ("save", {"version": "1"}),
                         ("copy", {"target": str(pw.parallel.id)})):
        response = client.post(f"/plan/{pw.own.id}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 404, action
    assert len(stored(session, pw.own)) == 4
    assert topics_of(session, pw.lessons) == [None] * 8


def test_the_journal_index_leads_to_the_plan(pw, as_user):
    client = as_user("teacher")
    assert f'href="/plan/{pw.own.id}/"' in client.get("/journal/").get_data(as_text=True)
    assert dt.date(2012, 9, 10) == pw.lessons[0].date


def test_the_grid_reads_the_planned_topics_of_the_lessons_without_one(pw, session, as_user):
    """What journal.js shows in grey on the lessons without a topic: the plan's topic for each."""
    session.get(Lesson, pw.lessons[1].id).topic = "Римские цифры"
    session.commit()
    naming, segment, adding = "Обозначение натуральных чисел", "Отрезок. Длина отрезка", "Сложение натуральных чисел"
    expected = {str(pw.lessons[0].id): naming, str(pw.lessons[2].id): naming, str(pw.lessons[3].id): segment,
                str(pw.lessons[4].id): adding, str(pw.lessons[5].id): adding}
    for user in ("teacher", "director"):
        response = as_user(user).get(f"/plan/api/{pw.own.id}/planned?period={pw.q1.id}")
        assert response.status_code == 200, user
        assert response.get_json() == {"topics": expected}, user
    assert as_user("teacher").get(f"/plan/api/{pw.parallel.id}/planned?period={pw.q1.id}").get_json() == {"topics": {}}
    assert as_user("teacher").get(f"/plan/api/{pw.own.id}/planned?period=x").get_json() == {"topics": {}}
    assert as_user("teacher_b").get(f"/plan/api/{pw.own.id}/planned?period={pw.q1.id}").status_code == 404
    assert topics_of(session, pw.lessons)[0] is None  # nothing written
