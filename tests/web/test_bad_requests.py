"""Odd requests a browser never sends but a user may still type, bookmark or be sent: each answers a
Russian page or JSON reason (400), or simply the list, and changes nothing; never a 500."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.models import Mark, TimetableSlot, UsageSnapshot
from tests.conftest import csrf_token
from tests.journal_helpers import build_journal_world, cell_post
from tests.rollout_helpers import make_snapshot
from tests.security_helpers import api_token
from tests.timetable_helpers import MONDAY, build_timetable_school
from tests.web.test_search_forms import _list_views

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HUGE = "99999999999999999999"  # 10^20: beyond any database integer
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def _list_paths(app):
    for view in _list_views(app):
        with app.test_request_context():
            yield type(view).__name__, url_for(f"{view.endpoint}.list")


@pytest.mark.parametrize("engine", ENGINES)
def test_every_list_ignores_an_unknown_sort_column(app, world, as_user, engine):
    client = as_user("admin")
    answers = {}
    for name, path in _list_paths(app):
        answers[path] = client.get(f"{path}?_oc_{name}=nosuchcolumn&_od_{name}=asc").status_code
    assert len(answers) >= 25
    assert {path: status for path, status in answers.items() if status != 200} == {}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("argument", ["page", "psize"])
def test_every_list_refuses_a_huge_page_number_or_size_in_russian(app, world, as_user, argument, engine):
    client = as_user("admin")
    wrong = {}
    for name, path in _list_paths(app):
        response = client.get(f"{path}?{argument}_{name}={HUGE}")
        body = response.get_data(as_text=True)
        if response.status_code != 400 or "Номер страницы" not in body and "Размер страницы" not in body:
            wrong[path] = response.status_code
    assert wrong == {}


def test_a_page_beyond_the_last_shows_an_empty_list(world, as_user):
    response = as_user("admin").get("/schoolview/list/?page_SchoolView=1000")
    assert response.status_code == 200
    assert world.school_a.short_name not in response.get_data(as_text=True)


# --- the journal and the timetable's JSON ------------------------------------------------------

@pytest.fixture
def jw(app, session):
    return build_journal_world(session, app.appbuilder.sm)


def _marks(session) -> int:
    return session.scalar(select(func.count()).select_from(Mark))


def test_a_journal_cell_of_4301_digits_is_refused_in_russian(session, jw, as_user):
    teacher = as_user("teacher")
    token = csrf_token(teacher, f"/journal/{jw.assignment.id}/")
    before = _marks(session)
    reply = cell_post(teacher, token, jw.lessons[1], jw.pupils[1], jw.assignment, "1" * 4301)
    assert reply.status_code == 400
    assert "не отметка" in reply.get_json()["error"]
    assert _marks(session) == before


@pytest.fixture
def t(world, session):
    t = build_timetable_school(session, world.school_a, world.year, (world.class_a, world.class_a_other))
    session.commit()
    return t


def _slots(session) -> int:
    return session.scalar(select(func.count()).select_from(TimetableSlot))


ODD_CELLS = {
    "huge lesson number": {"weekday": 1, "lesson_number": 10**20, "assignment_id": 1},
    "huge weekday": {"weekday": 10**20, "lesson_number": 1, "assignment_id": 1},
    "weekday 8": {"weekday": 8, "lesson_number": 1, "assignment_id": 1},
    "array": [1],
}


@pytest.mark.parametrize("action, body", [
    *((action, body) for action in ("cell", "cell/clear") for body in ODD_CELLS.values()),
    ("cell", {"weekday": 1, "lesson_number": 1, "assignment_id": 10**20}),
], ids=[*(f"{a}-{k}" for a in ("cell", "clear") for k in ODD_CELLS), "cell-huge assignment"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_timetable_cell_refuses_odd_json_in_russian(session, world, t, as_user, body, action, engine):
    secretary = as_user("secretary")
    token = csrf_token(secretary, f"/timetable/class/{world.class_a.id}?week={MONDAY}")
    if isinstance(body, dict):
        body = {**body, "valid_from": MONDAY.isoformat()}
    before = _slots(session)
    response = secretary.post(f"/timetable/class/{world.class_a.id}/{action}", json=body,
                              headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert CYRILLIC.search(response.get_json()["error"])
    assert _slots(session) == before


# --- the REST API -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [{"teachers_active": 5, "teachers_total": 1}, [1]], ids=["active>total", "array"])
@pytest.mark.parametrize("engine", ENGINES)
def test_usage_snapshot_put_refuses_an_impossible_body_in_russian(session, world, client, body, engine):
    snapshot = make_snapshot(session, world.school_a, dt.date(2012, 9, 1))
    snapshot.teachers_active, snapshot.teachers_total = 1, 2
    session.commit()
    headers = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    response = client.put(f"/api/v1/usage_snapshot/{snapshot.id}", json=body, headers=headers)
    assert response.status_code in (400, 422)
    assert CYRILLIC.search(json.dumps(response.get_json(), ensure_ascii=False))
    session.expire_all()
    row = session.get(UsageSnapshot, snapshot.id)
    assert (row.teachers_active, row.teachers_total) == (1, 2)


# --- the login form -----------------------------------------------------------------------------

@pytest.mark.parametrize("next_url", ["/%0d%0aSet-Cookie:%20x=1", "/schoolview/list/%0a"])
def test_a_login_with_cr_or_lf_in_next_answers_400_in_russian(world, client, next_url):
    from tests.factories import PASSWORD

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login/").get_data(as_text=True)).group(1)
    response = client.post(f"/login/?next={next_url}",
                           data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400
    assert "Адрес" in response.get_data(as_text=True)
    assert "Set-Cookie" not in str(response.headers.get("Location"))


def test_every_list_view_checks_its_page_arguments(app):
    from app.web.list_args import ListArgs

    unchecked = [type(view).__name__ for view in _list_views(app) if not isinstance(view, ListArgs)]
    assert unchecked == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_list_searched_by_a_huge_number_shows_no_rows_and_says_why(app, world, as_user, engine):
    client = as_user("admin")
    checked, wrong = 0, {}
    for view in _list_views(app):
        with app.test_request_context():
            path = url_for(f"{view.endpoint}.list")
        for column in view.search_columns or []:
            if not view.datamodel.is_integer(column):
                continue
            checked += 1
            response = client.get(f"{path}?_flt_0_{column}={HUGE}")
            if response.status_code != 200 or "введите целое число" not in response.get_data(as_text=True):
                wrong[f"{path} {column}"] = response.status_code
    assert checked >= 1
    assert wrong == {}
