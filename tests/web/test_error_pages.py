"""Every error answer is Russian: a page in the app's layout for a browser, a JSON message for a
script or an API client; no English text of Werkzeug, Flask-AppBuilder or marshmallow."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from app.models import UsageSnapshot
from tests.conftest import csrf_token
from tests.journal_helpers import build_journal_world
from tests.rollout_helpers import make_snapshot
from tests.security_helpers import api_token

STALE = "Страница устарела: обновите её и повторите"
ENGLISH = re.compile(r"Bad Request|Forbidden|Not Found|Not found|Method Not Allowed|Not authorized|Unauthorized|"
                     r"CSRF token|permission to access|not allowed for the requested URL|Unknown field|"
                     r"Missing data|Not a valid|Request is not JSON|Fatal error|Invalid input")


def assert_russian_page(response, status: int, text: str):
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert text in body
    assert 'class="navbar' in body  # the app's layout, not Werkzeug's bare page
    assert ENGLISH.findall(body) == []


def assert_russian_json(response, status: int, text: str):
    assert response.status_code == status
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert text in body
    assert ENGLISH.findall(body) == []


# --- pages --------------------------------------------------------------------------------------

def test_a_form_posted_with_an_expired_token_says_the_page_is_stale(world, as_user):
    client = as_user("secretary")
    response = client.post("/pupilview/add", data={"last_name": "Новиков", "csrf_token": "expired"})
    assert_russian_page(response, 400, STALE)


def test_a_login_form_without_its_token_says_the_page_is_stale(world, client):
    assert_russian_page(client.post("/login/", data={"username": "admin", "password": "x"}), 400, STALE)


def test_a_forbidden_page_is_russian(world, as_user):
    assert_russian_page(as_user("teacher").get("/users/list/"), 403, "Доступ запрещён")


def test_a_missing_page_is_russian(world, as_user):
    assert_russian_page(as_user("teacher").get("/no-such-page"), 404, "Страница не найдена")


def test_a_wrong_method_is_russian_and_names_the_allowed_ones(world, client):
    response = client.delete("/login/")
    assert_russian_page(response, 405, "не принимает такой запрос")
    assert "GET" in response.headers["Allow"]


# --- the journal grid's script --------------------------------------------------------------------

def test_a_journal_save_with_an_expired_token_answers_stale_page(app, session, as_user):
    jw = build_journal_world(session, app.appbuilder.sm)
    teacher = as_user("teacher")
    response = teacher.post("/journal/api/cell", json={"lesson_id": jw.lessons[1].id},
                            headers={"X-CSRFToken": "expired", "Accept": "application/json"})
    assert_russian_json(response, 400, STALE)
    assert response.get_json()["code"] == "stale_page"


def test_the_journal_script_offers_to_reload_a_stale_page():
    from tests.conftest import ROOT

    script = (ROOT / "app/static/js/journal.js").read_text(encoding="utf-8")
    assert 'reply.data.code !== "stale_page"' in script and "window.location.reload()" in script


# --- the REST API -------------------------------------------------------------------------------

@pytest.fixture
def snapshot(world, session):
    row = make_snapshot(session, world.school_a, dt.date(2012, 9, 1))
    session.commit()
    return row


@pytest.fixture
def admin_api(client, world):
    return {"Authorization": f"Bearer {api_token(client, 'admin')}"}


def test_api_not_found_is_russian(client, admin_api, snapshot):
    assert_russian_json(client.get("/api/v1/usage_snapshot/999999", headers=admin_api), 404, "Не найдено")
    assert_russian_json(client.get("/api/v1/no-such-api/", headers=admin_api), 404, "Не найдено")


def test_api_forbidden_is_russian(client, world, snapshot):
    headers = {"Authorization": f"Bearer {api_token(client, 'teacher')}"}
    assert_russian_json(client.get("/api/v1/usage_snapshot/", headers=headers), 403, "Доступ запрещён")


def test_api_login_refused_is_russian(client, world):
    response = client.post("/api/v1/security/login", json={"username": "admin", "password": "wrong", "provider": "db"})
    assert_russian_json(response, 401, "Нужен вход")


def test_api_without_a_token_is_russian(client, world):
    assert_russian_json(client.get("/api/v1/usage_snapshot/"), 401, "ключ доступа")


def test_api_wrong_method_is_russian(client, admin_api):
    assert_russian_json(client.patch("/api/v1/usage_snapshot/", headers=admin_api), 405, "не принимает такой запрос")


def test_api_cookie_write_without_a_token_says_the_page_is_stale(world, as_user, snapshot):
    client = as_user("admin")
    response = client.put(f"/api/v1/usage_snapshot/{snapshot.id}", json={"teachers_total": 3})
    assert_russian_json(response, 400, STALE)


def test_api_body_that_is_not_json_is_russian(client, admin_api, snapshot):
    response = client.post("/api/v1/usage_snapshot/", data="school=1", headers=admin_api,
                           content_type="application/x-www-form-urlencoded")
    assert_russian_json(response, 400, "объектом JSON")


@pytest.mark.parametrize("body, field, message", [
    ({"month": "2012-09-01", "nosuch": 1}, "nosuch", "Неизвестное поле."),
    ({"month": "2012-09-01", "teachers_total": "x"}, "teachers_total", "Ожидается целое число."),
    ({"month": "2012-09-01", "teachers_total": -1}, "teachers_total", "Значение должно быть не меньше 0"),
    ({"month": "сентябрь"}, "month", "Неверная дата"),
], ids=["unknown", "not an integer", "below the range", "not a date"])
def test_api_validation_messages_are_russian(client, admin_api, snapshot, session, body, field, message):
    response = client.put(f"/api/v1/usage_snapshot/{snapshot.id}", json=body, headers=admin_api)
    assert_russian_json(response, 422, message)
    assert field in response.get_json()["message"]
    session.expire_all()
    assert session.get(UsageSnapshot, snapshot.id).teachers_total in (None, 0)


def test_api_missing_required_field_is_russian(client, admin_api, world):
    response = client.post("/api/v1/usage_snapshot/", json={"teachers_total": 3}, headers=admin_api)
    assert_russian_json(response, 422, "Обязательное поле.")
