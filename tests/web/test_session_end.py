"""A logout or a password change ends sessions on the server: a session cookie or a JWT captured
before it no longer opens anything, though its signature is still good (app/security/sessions.py)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import jwt
import pytest

from tests.conftest import ROOT, csrf_token, login
from tests.factories import PASSWORD
from tests.statements import recorded_statements
from tests.web.test_reference_cache import ENGINES

NEW_PASSWORD = "Липовая-аллея-77"
PAGE = "/pupilview/list/"


def browser(app, username):
    client = app.test_client()
    login(client, username)
    return client


def captured_cookie(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    """A fresh browser that sends a captured session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login/" in response.location


def change_own_password(client, password=NEW_PASSWORD):
    token = csrf_token(client, "/resetmypassword/form")
    response = client.post("/resetmypassword/form", data={"password": password, "conf_password": password,
                                                          "csrf_token": token})
    assert response.status_code == 302 and not sent_to_login(response)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cookie_captured_before_logout_is_sent_to_login(app, world, engine):
    client = browser(app, "secretary")
    assert client.get(PAGE).status_code == 200
    cookie = captured_cookie(client)
    assert replayed(app, cookie).get(PAGE).status_code == 200
    client.get("/logout/")
    assert sent_to_login(replayed(app, cookie).get(PAGE))
    assert sent_to_login(client.get(PAGE))


def test_a_logout_ends_only_its_own_session(app, world):
    office, home = browser(app, "secretary"), browser(app, "secretary")
    office.get("/logout/")
    assert home.get(PAGE).status_code == 200


def test_own_password_change_logs_out_the_users_other_browsers(app, world):
    office, home = browser(app, "secretary"), browser(app, "secretary")
    office_before = captured_cookie(office)
    change_own_password(office)
    assert sent_to_login(home.get(PAGE)), "the other browser is logged out"
    assert office.get(PAGE).status_code == 200, "the browser that changed it keeps a fresh session"
    assert sent_to_login(replayed(app, office_before).get(PAGE)), "its cookie from before the change is not"
    login(app.test_client(), "secretary", NEW_PASSWORD)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_password_reset_by_the_administrator_logs_out_every_browser_of_the_user(app, world, engine):
    office, home = browser(app, "secretary"), browser(app, "secretary")
    teacher = browser(app, "teacher")
    admin = browser(app, "admin")
    path = f"/resetpassword/form?pk={world.users['secretary'].id}"
    token = csrf_token(admin, path)
    response = admin.post(path, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and not sent_to_login(response)
    assert sent_to_login(office.get(PAGE))
    assert sent_to_login(home.get(PAGE))
    assert admin.get("/users/list/").status_code == 200, "the administrator's own session goes on"
    assert teacher.get("/journal/").status_code == 200, "other users' sessions go on"


def test_any_write_of_a_password_ends_the_users_sessions(app, world, session):
    """FAB's user API and its CLI set the hash themselves, without reset_password."""
    from werkzeug.security import generate_password_hash

    office, teacher = browser(app, "secretary"), browser(app, "teacher")
    world.users["secretary"].password = generate_password_hash(NEW_PASSWORD)
    session.commit()
    assert sent_to_login(office.get(PAGE))
    assert teacher.get("/journal/").status_code == 200
    fresh = app.test_client()
    login(fresh, "secretary", NEW_PASSWORD)
    world.users["secretary"].first_name = "Светлана"
    session.commit()
    assert fresh.get(PAGE).status_code == 200, "other writes to the user end nothing"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_session_unseen_for_its_lifetime_ends_and_a_seen_one_is_stamped_every_five_minutes(app, world, session,
                                                                                             engine):
    from sqlalchemy import select, update

    from app.models import UserSession
    from app.security.sessions import utcnow

    client = browser(app, "secretary")
    mine = UserSession.user_id == world.users["secretary"].id

    def seen_ago(minutes):
        session.execute(update(UserSession).where(mine).values(last_seen_at=utcnow() - dt.timedelta(minutes=minutes)))
        session.commit()

    def minutes_since_seen():
        session.commit()  # a fresh snapshot on PostgreSQL
        return (utcnow() - session.scalar(select(UserSession.last_seen_at).where(mine))).total_seconds() / 60

    seen_ago(4)
    assert client.get(PAGE).status_code == 200
    assert 3.9 < minutes_since_seen() < 4.5, "seen 4 minutes ago: not written again"
    seen_ago(6)
    assert client.get(PAGE).status_code == 200
    assert minutes_since_seen() < 0.5, "seen 6 minutes ago: written now"
    seen_ago(481)
    assert sent_to_login(client.get(PAGE)), "unseen for longer than the 480 minutes of a session"


def test_the_session_is_checked_inside_the_statement_that_loads_the_user(app, world, session):
    """The check costs no statement of its own: two primary-key lookups in the user's statement,
    whether the process keeps the user's objects or not."""
    client = browser(app, "secretary")
    for _ in range(2):
        with recorded_statements(session.get_bind()) as statements:
            assert client.get(PAGE).status_code == 200
        reading_sessions = [s for s in statements if "user_session" in s]
        assert len(reading_sessions) == 1
        assert "FROM ab_user" in reading_sessions[0] and "user_credentials" in reading_sessions[0]


def api_tokens(client, username="parent", password=PASSWORD) -> tuple[str, str]:
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": password, "provider": "db", "refresh": True})
    assert response.status_code == 200
    body = response.get_json()
    return body["access_token"], body["refresh_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("engine", ENGINES)
def test_tokens_issued_before_a_password_change_are_refused(app, world, client, engine):
    access, refresh = api_tokens(client)
    assert client.get("/api/v1/diary/children", headers=bearer(access)).status_code == 200
    assert client.post("/api/v1/security/refresh", headers=bearer(refresh)).status_code == 200
    change_own_password(browser(app, "parent"))

    refused = client.get("/api/v1/diary/children", headers=bearer(access))
    assert refused.status_code == 401
    assert refused.get_json()["message"] == "Сеанс завершён (выход или смена пароля): войдите снова через /api/v1/security/login."
    assert client.post("/api/v1/security/refresh", headers=bearer(refresh)).status_code == 401
    access, refresh = api_tokens(client, password=NEW_PASSWORD)
    assert client.get("/api/v1/diary/children", headers=bearer(access)).status_code == 200
    refreshed = client.post("/api/v1/security/refresh", headers=bearer(refresh)).get_json()["access_token"]
    assert client.get("/api/v1/diary/children", headers=bearer(refreshed)).status_code == 200


def test_a_refreshed_token_ends_with_its_login(app, world, client):
    """The access token a refresh gives belongs to the refresh token's login session."""
    _, refresh = api_tokens(client)
    refreshed = client.post("/api/v1/security/refresh", headers=bearer(refresh)).get_json()["access_token"]
    app.appbuilder.sm.reset_password(world.users["parent"].id, NEW_PASSWORD)
    assert client.get("/api/v1/diary/children", headers=bearer(refreshed)).status_code == 401


def test_a_refresh_token_lives_as_long_as_a_session(app, world, client):
    """Flask-JWT-Extended's refresh token lived 30 days (720 hours) whatever the session lifetime."""
    _, refresh = api_tokens(client)
    claims = jwt.decode(refresh, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == app.permanent_session_lifetime.total_seconds() == 480 * 60


def test_the_refresh_lifetime_follows_the_session_lifetime_setting():
    """SESSION_LIFETIME_MINUTES sets both (config.py is read in a fresh interpreter)."""
    code = ("import config; c = config.ProdConfig; "
            "print(c.PERMANENT_SESSION_LIFETIME.total_seconds(), c.JWT_REFRESH_TOKEN_EXPIRES.total_seconds())")
    env = {**os.environ, "SESSION_LIFETIME_MINUTES": "45"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2700.0", "2700.0"]
