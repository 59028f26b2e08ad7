"""The substitution pages: a lesson picked on a date, the day, the month's register; their scope."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from app.models import Lesson, Substitution
from tests.conftest import csrf_token
from tests.factories import make_lesson, make_staff

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def kuznetsova(world, session):
    """A free teacher of school A: nothing to teach on 10.09."""
    teacher = make_staff(session, world.school_a, "Кузнецова")
    session.commit()
    return teacher


def where(lesson):
    return {"assignment": lesson.assignment_id, "date": lesson.date.strftime("%d.%m.%Y"), "n": lesson.lesson_number}


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/substitute/day"), **data})


@pytest.mark.parametrize("database_engine", ENGINES)
def test_secretary_substitutes_a_free_teacher_and_the_day_shows_it(world, kuznetsova, as_user, session,
                                                                   database_engine):
    secretary = as_user("secretary")
    lesson = world.lesson_a_other  # 8Б maths, Петрова, 10.09.2012, lesson 1
    page = secretary.get("/substitute/lesson", query_string=where(lesson)).get_data(as_text=True)
    assert "Замена: 8Б, 10.09.2012, 1-й урок" in page
    # Иванова gives 7А's lesson 1 at that time: not offered. Кузнецова is free, with no lessons that day.
    assert "Кузнецова Анна Петровна" in page and "уроков в этот день: 0" in page
    assert "Иванова Анна Петровна" not in page
    response = post(secretary, "/substitute/lesson/teacher", teacher_id=kuznetsova.id, reason="болезнь", **where(lesson))
    assert response.status_code == 302 and "/substitute/day?date=10.09.2012" in response.headers["Location"]
    session.expire_all()
    assert session.get(Lesson, lesson.id).teacher_id == kuznetsova.id
    day = secretary.get("/substitute/day?date=10.09.2012").get_data(as_text=True)
    assert "Замены на 10.09.2012" in day and "Ведёт Кузнецова А.П." in day and "болезнь" in day
    assert "Математика, Петрова А.П." in day


@pytest.mark.parametrize("database_engine", ENGINES)
def test_another_schools_secretary_gets_404(world, kuznetsova, as_user, session, database_engine):
    secretary = as_user("secretary")
    far = world.lesson_b  # school B
    assert secretary.get("/substitute/lesson", query_string=where(far)).status_code == 404
    response = post(secretary, "/substitute/lesson/teacher", teacher_id=kuznetsova.id, **where(far))
    assert response.status_code == 404
    response = post(secretary, "/substitute/lesson/cancel", reason="карантин", **where(far))
    assert response.status_code == 404
    assert session.query(Substitution).count() == 0
    # School B's substitutions are not on school A's day either.
    session.add(Substitution(assignment_id=far.assignment_id, date=far.date, lesson_number=1, cancelled=True,
                             reason="карантин школы Б"))
    session.commit()
    assert "карантин школы Б" not in secretary.get("/substitute/day?date=10.09.2012").get_data(as_text=True)


def test_cancel_without_reason_is_refused_with_a_message(world, as_user, session):
    secretary = as_user("secretary")
    response = post(secretary, "/substitute/lesson/cancel", reason=" ", **where(world.lesson_a))
    page = secretary.get(response.headers["Location"]).get_data(as_text=True)
    assert "Укажите причину отмены урока." in page
    assert session.query(Substitution).count() == 0


def test_bad_date_in_the_day_view_says_so(world, as_user):
    page = as_user("secretary").get("/substitute/day?date=31.02.2012").get_data(as_text=True)
    assert "«31.02.2012» — не дата" in page


def test_register_page_and_xlsx_give_hours_per_teacher(world, kuznetsova, as_user, session):
    second = make_lesson(session, world.lesson_a.assignment, dt.date(2012, 9, 10), number=2)
    session.commit()
    secretary = as_user("secretary")
    post(secretary, "/substitute/lesson/teacher", teacher_id=kuznetsova.id, **where(world.lesson_a_other))
    # At the same time as the first: refused, no hour.
    post(secretary, "/substitute/lesson/teacher", teacher_id=kuznetsova.id, **where(world.lesson_a))
    post(secretary, "/substitute/lesson/teacher", teacher_id=kuznetsova.id, **where(second))
    page = secretary.get("/substitute/register?month=09.2012").get_data(as_text=True)
    assert "Учёт замен: сентябрь 2012" in page and "Итого Кузнецова А.П.: 2 ч" in page
    response = secretary.get("/substitute/register.xlsx?month=сентябрь 2012")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [tuple(c for c in row) for row in sheet.iter_rows(min_row=5, max_col=6, values_only=True)]
    assert rows[:3] == [
        ("Кузнецова А.П.", "10.09.2012", 1, "8Б", "Математика", "Петрова А.П."),
        ("Кузнецова А.П.", "10.09.2012", 2, "7А", "Математика", "Иванова А.П."),
        ("Итого Кузнецова А.П., часов:", None, 2, None, None, None),
    ]


def test_fab_list_is_for_history_only(world, as_user):
    secretary = as_user("secretary")
    assert secretary.get("/substitutionview/list/").status_code == 200
    assert secretary.get("/substitutionview/add", follow_redirects=False).status_code in (302, 403, 404)
