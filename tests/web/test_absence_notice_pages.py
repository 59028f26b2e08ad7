"""Absence notice pages: the parent files for their own child only, the class teacher accepts on
«Сегодня» and the journal's «н» become «б»; other schools' staff and other families get 404."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from app.models import Absence, AbsenceNotice
from tests.absence_helpers import build_notice_world
from tests.conftest import csrf_token

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def nw(app, session, world):
    app.config["TODAY"] = dt.date(2012, 9, 10)
    return build_notice_world(session, app.appbuilder.sm, world)


def post(client, url, page, **form):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **form})


def file_for(client, pupil, **form):
    fields = {"pupil_id": str(pupil.id), "starts_on": "10.09.2012", "ends_on": "11.09.2012", "lessons": "",
              "reason": "illness", "comment": "", **form}
    return post(client, "/absence-notices/new", "/absence-notices/new", **fields)


def codes(session, pupil) -> list[str]:
    return sorted(session.scalars(select(Absence.code).where(Absence.pupil_id == pupil.id)).all())


@pytest.mark.parametrize("engine", ENGINES)
def test_parent_files_and_class_teacher_accepts_on_today(session, nw, as_user, engine):
    w = nw.world
    client = as_user("parent")
    form = client.get("/absence-notices/new").get_data(as_text=True)
    assert "Алексеева Мария" in form and "Борисов" not in form
    assert file_for(client, w.pupil_a).status_code == 302
    page = client.get("/absence-notices/").get_data(as_text=True)
    assert "с 10.09.2012 по 11.09.2012" in page and "Ждёт решения" in page

    teacher = as_user("teacher")
    today = teacher.get("/").get_data(as_text=True)
    assert "Заявления родителей об отсутствии" in today and "Алексеева Мария" in today
    notice_id = session.scalar(select(AbsenceNotice.id))
    assert f'action="/class-absence-notices/{notice_id}/accept"' in today
    answer = post(teacher, f"/class-absence-notices/{notice_id}/accept", "/", certificate_number="",
                  certificate_date="")
    assert answer.status_code == 302
    session.expire_all()
    assert codes(session, w.pupil_a) == ["б", "б", "б", "н"]
    listed = teacher.get("/class-absence-notices/").get_data(as_text=True)
    assert "Исправлено пропусков «н» в журнале: 3." in listed and "Принято" in listed


@pytest.mark.parametrize("engine", ENGINES)
def test_others_get_404_and_change_nothing(session, nw, as_user, engine):
    w = nw.world
    client = as_user("parent")
    assert file_for(client, w.pupil_a_other).status_code == 404  # another family's child
    assert file_for(client, w.pupil_b).status_code == 404        # another school's pupil
    assert session.scalars(select(AbsenceNotice.id)).all() == []
    assert file_for(client, w.pupil_a).status_code == 302
    notice_id = session.scalar(select(AbsenceNotice.id))
    for name in ("director_b", "secretary"):
        other = as_user(name)
        answer = post(other, f"/class-absence-notices/{notice_id}/accept", "/class-absence-notices/")
        assert answer.status_code == (404 if name == "director_b" else 403), name
    other = as_user("director_b")
    assert "Алексеева" not in other.get("/class-absence-notices/").get_data(as_text=True)
    session.expire_all()
    assert codes(session, w.pupil_a) == ["н", "н", "н", "н"]


def test_bad_input_gets_a_russian_message_and_writes_nothing(session, nw, as_user):
    client = as_user("parent")
    for form, message in ((dict(starts_on="32.09.2012"), "введите дату как 23.10.2012"),
                          (dict(starts_on="07.09.2012", ends_on=""), "не может быть раньше сегодняшнего"),
                          (dict(lessons="первый"), "номера уроков от 1 до 10"),
                          (dict(reason="x"), "Выберите причину")):
        answer = file_for(client, nw.world.pupil_a, **form)
        assert answer.status_code == 400 and message in answer.get_data(as_text=True), form
    assert session.scalars(select(AbsenceNotice.id)).all() == []
    assert as_user("teacher").get("/absence-notices/new").status_code == 403


def test_the_grid_hints_the_notice_on_the_lessons_it_covers_only(session, nw, as_user):
    w = nw.world
    client = as_user("parent")
    assert file_for(client, w.pupil_a, starts_on="11.09.2012", ends_on="12.09.2012", reason="family").status_code == 302
    teacher = as_user("teacher")
    page = teacher.get(f"/journal/{w.lesson_a.assignment_id}/?lesson={w.lesson_a.id}").get_data(as_text=True)
    assert "Заявления родителей об отсутствии на этих уроках" in page
    assert "Алексеева Мария: Заявление родителя: семейные обстоятельства, 11.09.2012–12.09.2012 (ждёт решения)" in page
    hinted = json.loads(re.search(r'<script type="application/json" id="journal-notices"[^>]*>(.*?)</script>',
                                  page, re.S).group(1))
    # Mathematics on 11.09 and 12.09, not 10.09; «у» for a family reason.
    assert hinted == {str(w.pupil_a.id): {str(nw.maths_tuesday.id): "у", str(nw.maths_wednesday.id): "у"}}
    assert "journal-notices.js" in page

    other = as_user("director_b")  # another school's: the journal is not theirs at all
    assert other.get(f"/journal/{w.lesson_a.assignment_id}/").status_code == 404


@pytest.mark.parametrize("engine", ENGINES)
def test_a_notice_number_beyond_any_integer_answers_404(session, nw, as_user, engine):
    teacher = as_user("teacher")
    for action in ("accept", "certificate"):
        answer = post(teacher, f"/class-absence-notices/99999999999999999999/{action}", "/class-absence-notices/")
        assert answer.status_code == 404, action
