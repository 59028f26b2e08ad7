"""Login and session hardening: failed-login limits, no user enumeration, cookies, lifetime."""
from __future__ import annotations

import re

import itsdangerous
import pytest

import config as config_module
from tests.conftest import login
from tests.factories import PASSWORD

LOGIN_TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _post_login(client, username, password, follow=False):
    page = client.get("/login/").get_data(as_text=True)
    token = LOGIN_TOKEN_RE.search(page).group(1)
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def _flash_text(page: str) -> str:
    match = re.search(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).replace("×", "").strip() if match else ""


def test_failed_logins_lock_the_login_name(app, world, client):
    limit = app.config["LOGIN_LOCKOUT_FAILURES"]
    assert limit == 10
    for _ in range(limit):
        response = _post_login(client, "teacher", "wrong-password-123")
        assert response.status_code == 302 and "/login" in response.location
    blocked = _post_login(client, "teacher", PASSWORD)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "900"
    assert "временно заблокирован" in blocked.get_data(as_text=True)
    # another login from the same address is not locked out by the teacher's failures
    director = _post_login(client, "director", PASSWORD)
    assert director.status_code == 302 and "/login" not in director.location


def test_successful_logins_do_not_count(app, world, client):
    limit = app.config["LOGIN_LOCKOUT_FAILURES"]
    for _ in range(limit + 5):
        client.get("/logout/")
        login(client, "secretary")


def test_failures_per_address_are_limited_too(database_url):
    """Many login names from one address: the per-address limit (here made small) stops them."""
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_LOCKOUT_FAILURES": 3,
                      "AUTH_RATE_LIMIT_PER_IP": "7 per 5 minute"})
    client = app.test_client()
    app_limit, per_name = 7, 3
    names = [f"nobody{i}" for i in range(app_limit // per_name + 1)]
    statuses = []
    for name in names:
        for _ in range(per_name):
            statuses.append(_post_login(client, name, "wrong-password-123").status_code)
    assert 429 in statuses
    assert statuses.index(429) == app_limit
    assert "Слишком много неудачных попыток входа" in _post_login(client, "nobody9", "x").get_data(as_text=True)


def test_api_login_is_limited(app, world, client):
    limit = app.config["LOGIN_LOCKOUT_FAILURES"]
    body = {"username": "teacher", "password": "wrong-password-123", "provider": "db"}
    for _ in range(limit):
        assert client.post("/api/v1/security/login", json=body).status_code == 401
    response = client.post("/api/v1/security/login", json={**body, "password": PASSWORD})
    assert response.status_code == 429
    assert "временно заблокирован" in response.get_json()["message"]


def test_unknown_user_and_wrong_password_look_the_same(app, world, client, monkeypatch):
    from flask_appbuilder.security import manager as fab_manager

    checks = []
    real_check = fab_manager.check_password_hash
    monkeypatch.setattr(fab_manager, "check_password_hash", lambda h, p: checks.append(1) or real_check(h, p))
    wrong = _post_login(client, "teacher", "wrong-password-123", follow=True)
    wrong_checks = len(checks)
    unknown = _post_login(client, "no-such-user", "wrong-password-123", follow=True)
    unknown_checks = len(checks) - wrong_checks
    wrong_text, unknown_text = _flash_text(wrong.get_data(as_text=True)), _flash_text(unknown.get_data(as_text=True))
    assert wrong_text and wrong_text == unknown_text
    assert "teacher" not in wrong_text and "no-such-user" not in unknown_text
    assert wrong.status_code == unknown.status_code == 200
    assert wrong_checks == unknown_checks == 1, "both paths hash a password exactly once"


def _cookie_header(response, name="session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_session_cookie_flags_in_tests_and_local_demo(world, client):
    cookie = _cookie_header(login(client, "teacher"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_local_development(database_url, sqlite_template):
    from app import create_app

    production_like = {k: getattr(config_module.ProdConfig, k) for k in
                       ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
                        "SESSION_COOKIE_SAMESITE")}
    assert production_like == {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
                               "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax"}
    assert config_module.DevConfig.SESSION_COOKIE_SECURE is False  # plain http on loopback only
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **production_like})
    with app.app_context():
        from app.extensions import db
        from tests.factories import build_world

        build_world(db.session, app.appbuilder.sm)
        client = app.test_client()
        cookie = _cookie_header(login(client, "teacher"))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        db.session.remove()
        db.engine.dispose()


def test_session_expires_after_its_lifetime(app, world, client, monkeypatch):
    lifetime = app.permanent_session_lifetime.total_seconds()
    assert 0 < lifetime <= 12 * 3600
    real = itsdangerous.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp",
                        lambda self: int(real(self) - lifetime - 60))
    login(client, "teacher")  # the cookie is signed "lifetime + 1 minute ago"
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", real)
    response = client.get("/pupilview/list/")
    assert response.status_code == 302 and "/login" in response.location


def test_logout_ends_the_session(world, as_user):
    client = as_user("secretary")
    assert client.get("/pupilview/list/").status_code == 200
    client.get("/logout/")
    assert client.get("/pupilview/list/").status_code == 302


@pytest.mark.parametrize("password", ["short-1A", "qwerty123456", "Password2012!", "1234567890", "aaaaaaaaaaaa",
                                      "1q2w3e4r5t6y", "йцукенгшщз", "family3family3", "Москва2024!"])
def test_admin_cannot_create_a_user_with_a_weak_password(world, as_user, session, password):
    from flask_appbuilder.security.sqla.models import User
    from tests.conftest import csrf_token

    client = as_user("admin")
    token = csrf_token(client, "/users/add")
    role_id = world.users["teacher"].roles[0].id
    page = client.post("/users/add", data={
        "first_name": "Новый", "last_name": "Учитель", "username": "newteacher", "active": "y",
        "email": "new@example.test", "roles": str(role_id), "password": password, "conf_password": password,
        "csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert session.query(User).filter_by(username="newteacher").count() == 0
    assert re.search("Пароль слишком короткий|слишком распространён|раскладке|из повторов|на распространённом слове",
                     page)


def test_admin_creates_a_user_with_a_strong_password(world, as_user, session):
    from flask_appbuilder.security.sqla.models import User
    from tests.conftest import csrf_token

    client = as_user("admin")
    token = csrf_token(client, "/users/add")
    role_id = world.users["teacher"].roles[0].id
    password = "Сирень-цветёт-2012"
    client.post("/users/add", data={
        "first_name": "Новый", "last_name": "Учитель", "username": "newteacher", "active": "y",
        "email": "new@example.test", "roles": str(role_id), "password": password, "conf_password": password,
        "csrf_token": token})
    assert session.query(User).filter_by(username="newteacher").count() == 1
    client.get("/logout/")
    login(client, "newteacher", password)


def test_own_password_change_checks_the_policy(world, as_user, session, app):
    from tests.conftest import csrf_token

    client = as_user("teacher")
    token = csrf_token(client, "/resetmypassword/form")
    page = client.post("/resetmypassword/form", data={"password": "qwertyuiop1", "conf_password": "qwertyuiop1",
                                                      "csrf_token": token}, follow_redirects=True)
    assert "слишком распространён" in page.get_data(as_text=True)
    client.get("/logout/")
    login(client, "teacher")  # the old password still works
    token = csrf_token(client, "/resetmypassword/form")
    client.post("/resetmypassword/form", data={"password": "Липовая-аллея-77", "conf_password": "Липовая-аллея-77",
                                                "csrf_token": token})
    client.get("/logout/")
    login(client, "teacher", "Липовая-аллея-77")


def test_the_browsers_favicon_request_does_not_resave_the_session(client, world):
    """Chromium asks for /favicon.ico while the login form is posted; a page answering it resaved
    the anonymous session cookie after the login's, and the user was logged out at once."""
    assert 'rel="icon"' in client.get("/login/").get_data(as_text=True)
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "Set-Cookie" not in response.headers


def test_the_next_user_of_a_browser_goes_back_to_their_own_pages(world, as_user, client):
    """FAB's «Назад» (/back) follows the pages the browser opened, kept in the session, which a
    logout kept: the parent went back to the teacher's marks (a 403)."""
    teacher = as_user("teacher")
    assert teacher.get(f"/markview/show/{world.mark_a.id}").status_code == 200
    parent = as_user("parent")  # logs the teacher out first
    assert parent.get("/users/userinfo/").status_code == 200
    back = parent.get("/back")
    assert back.status_code == 302 and "/markview/" not in back.headers["Location"]
    # A session that ended without a logout (it expired) keeps the pages too: a login forgets them.
    client.get("/logout/")
    with client.session_transaction() as cookie:
        cookie["page_history"] = [f"http://localhost/markview/show/{world.mark_a.id}"] * 2
    login(client, "parent")
    back = client.get("/back")
    assert back.status_code == 302 and "/markview/" not in back.headers["Location"]


def _add_user(client, role_id, password, last_name="Учитель", username="newuser"):
    from tests.conftest import csrf_token

    token = csrf_token(client, "/users/add")
    return client.post("/users/add", data={
        "first_name": "Новый", "last_name": last_name, "username": username, "active": "y",
        "email": f"{username}@example.test", "roles": str(role_id), "password": password, "conf_password": password,
        "csrf_token": token}, follow_redirects=True).get_data(as_text=True)


def test_the_add_form_holds_a_pupil_to_the_pupil_level_and_a_teacher_to_the_staff_level(world, as_user, session):
    from flask_appbuilder.security.sqla.models import User

    client = as_user("admin")
    teacher_page = _add_user(client, world.users["teacher"].roles[0].id, "sobaka-drug", username="newteacher")
    assert session.query(User).filter_by(username="newteacher").count() == 0
    assert "на распространённом слове" in teacher_page
    _add_user(client, world.users["pupil"].roles[0].id, "sobaka-drug", username="newpupil")
    assert session.query(User).filter_by(username="newpupil").count() == 1


def test_the_add_form_refuses_the_users_own_surname(world, as_user, session):
    from flask_appbuilder.security.sqla.models import User

    page = _add_user(as_user("admin"), world.users["teacher"].roles[0].id, "Тестова1987", last_name="Тестова")
    assert session.query(User).filter_by(username="newuser").count() == 0
    assert "ваше имя, фамилию или логин" in page


def test_a_password_reset_knows_whose_password_it_is(world, as_user, session):
    from tests.conftest import csrf_token

    client = as_user("admin")
    for user, accepted in ((world.users["parent"], True), (world.users["secretary"], False)):
        token = csrf_token(client, f"/resetpassword/form?pk={user.id}")
        page = client.post(f"/resetpassword/form?pk={user.id}", data={
            "password": "sobaka-drug", "conf_password": "sobaka-drug", "csrf_token": token},
            follow_redirects=True).get_data(as_text=True)
        assert ("на распространённом слове" not in page) is accepted
    client.get("/logout/")
    login(client, "parent", "sobaka-drug")
    client.get("/logout/")
    login(client, "secretary")


def test_own_password_change_knows_the_role(world, as_user):
    from tests.conftest import csrf_token

    for username, accepted in (("pupil", True), ("teacher", False)):
        client = as_user(username)
        token = csrf_token(client, "/resetmypassword/form")
        page = client.post("/resetmypassword/form", data={"password": "sobaka-drug", "conf_password": "sobaka-drug",
                                                          "csrf_token": token}, follow_redirects=True)
        assert ("на распространённом слове" not in page.get_data(as_text=True)) is accepted
    client.get("/logout/")
    login(client, "pupil", "sobaka-drug")


def test_the_demo_password_is_refused_outside_the_local_demo(world, as_user, session, app):
    from flask_appbuilder.security.sqla.models import User

    from app.security.password_forms import refused_passwords
    from config import DEFAULT_DEMO_PASSWORD

    page = _add_user(as_user("admin"), world.users["teacher"].roles[0].id, DEFAULT_DEMO_PASSWORD)
    assert session.query(User).filter_by(username="newuser").count() == 0
    assert "демонстрационных входов" in page
    assert refused_passwords({**app.config, "APP_ENV": "dev"}) == ()
    assert set(refused_passwords({**app.config, "DEMO_PASSWORD": "Other-demo-2024"})) == {
        DEFAULT_DEMO_PASSWORD, "Other-demo-2024"}
