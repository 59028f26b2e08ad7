"""The login lockout is counted in the database: two app instances on one database (two gunicorn
workers, two servers) see the same failures. 10 failures in 15 minutes lock that login name, and
only it, for 15 minutes (the defaults of config.py); a successful login resets the count."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app import clock, create_app
from app.extensions import db
from app.security import roles as R
from tests.factories import PASSWORD, make_user

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
START = dt.datetime(2013, 2, 11, 7, 50)  # a Monday before the first lesson, UTC
FAILURES = 10
WRONG = "wrong-password-123"


@pytest.fixture(params=ENGINES)
def instances(request, database_url, monkeypatch):
    """Two apps on one database, as two workers or two servers are; the clock is settable."""
    now = {"value": START}
    monkeypatch.setattr(clock, "now", lambda: now["value"])
    apps = [create_app({"SQLALCHEMY_DATABASE_URI": database_url}) for _ in range(2)]
    with apps[0].app_context():
        for name, role in (("teacher", R.TEACHER), ("director", R.SCHOOL_ADMIN), ("pupil", R.PUPIL)):
            make_user(db.session, apps[0].appbuilder.sm, name, role)
        db.session.commit()
        db.session.remove()
    yield [app.test_client() for app in apps], now
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def web_login(client, username, password):
    token = TOKEN_RE.search(client.get("/login/").get_data(as_text=True)).group(1)
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token})


def api_login(client, username, password):
    return client.post("/api/v1/security/login", json={"username": username, "password": password, "provider": "db"})


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.location


def refused_as_wrong(response) -> bool:
    return response.status_code == 302 and "/login" in response.location


def fail(clients, username, times):
    """`times` wrong passwords, taking turns between the instances."""
    for attempt in range(times):
        assert refused_as_wrong(web_login(clients[attempt % 2], username, WRONG))


def test_eleventh_attempt_is_refused_whichever_instance_gets_it(instances):
    clients, _now = instances
    fail(clients, "teacher", FAILURES)  # five on each instance
    for client in clients:
        refused = web_login(client, "teacher", WRONG)
        assert refused.status_code == 429
        text = refused.get_data(as_text=True)
        assert "временно заблокирован" in text and "через 15 мин" in text
    api = api_login(clients[1], "teacher", WRONG)
    assert api.status_code == 429
    assert "временно заблокирован" in api.get_json()["message"]


def test_the_right_password_is_refused_during_the_lock(instances):
    clients, now = instances
    fail(clients, "teacher", FAILURES)
    now["value"] = START + dt.timedelta(minutes=6)
    refused = web_login(clients[0], "teacher", PASSWORD)
    assert refused.status_code == 429
    assert "через 9 мин" in refused.get_data(as_text=True)
    assert api_login(clients[1], "teacher", PASSWORD).status_code == 429
    clients[0].get("/logout/")
    assert clients[0].get("/pupilview/list/").status_code == 302, "no session was opened"


def test_another_login_from_the_same_address_is_not_locked(instances):
    clients, _now = instances
    fail(clients, "pupil", FAILURES)
    assert web_login(clients[0], "pupil", PASSWORD).status_code == 429
    assert signed_in(web_login(clients[1], "teacher", PASSWORD))
    assert api_login(clients[0], "director", PASSWORD).status_code == 200


def test_login_works_again_when_the_lock_time_has_passed(instances):
    clients, now = instances
    fail(clients, "teacher", FAILURES)
    now["value"] = START + dt.timedelta(minutes=14, seconds=59)
    assert web_login(clients[0], "teacher", PASSWORD).status_code == 429
    now["value"] = START + dt.timedelta(minutes=15)
    assert signed_in(web_login(clients[1], "teacher", PASSWORD))


def test_a_successful_login_resets_the_count(instances):
    clients, _now = instances
    fail(clients, "teacher", FAILURES - 1)
    assert signed_in(web_login(clients[0], "teacher", PASSWORD))
    clients[0].get("/logout/")
    fail(clients, "teacher", FAILURES - 1)
    assert api_login(clients[1], "teacher", PASSWORD).status_code == 200


def test_failures_older_than_the_window_are_forgotten(instances):
    clients, now = instances
    fail(clients, "teacher", FAILURES - 1)
    now["value"] = START + dt.timedelta(minutes=16)
    fail(clients, "teacher", FAILURES - 1)
    assert signed_in(web_login(clients[0], "teacher", PASSWORD))


def test_web_form_and_api_failures_count_together(instances):
    clients, _now = instances
    for attempt in range(FAILURES):
        if attempt % 2:
            assert api_login(clients[1], "teacher", WRONG).status_code == 401
        else:
            assert refused_as_wrong(web_login(clients[0], "teacher", WRONG))
    assert api_login(clients[0], "teacher", PASSWORD).status_code == 429


def test_an_unknown_login_is_locked_like_a_known_one(instances):
    """Whether a login exists must not show: an unknown name locks after as many failures."""
    clients, _now = instances
    fail(clients, "nobody", FAILURES)
    assert web_login(clients[1], "nobody", WRONG).status_code == 429


def test_a_login_name_with_a_nul_byte_is_a_wrong_login_not_a_server_error(instances):
    """PostgreSQL refuses a NUL in a text: the name was looked up as typed, a 500."""
    (client, _other), _now = instances
    assert refused_as_wrong(web_login(client, "teach\x00er", WRONG))
    assert api_login(client, "teach\x00er", WRONG).status_code == 401
    assert signed_in(web_login(client, "teacher", PASSWORD))
