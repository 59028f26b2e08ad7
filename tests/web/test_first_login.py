"""The first login of 5А's families (tests.family_helpers): the slip's code typed as the password,
then «Задайте пароль» before anything else; the e-mailed link; expiry, reuse, someone else's code
and brute force, which the login lockout stops like wrong passwords."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app import clock
from app.accounts import codes, families
from app.models import OneTimeCode
from app.security.scope import load_scope
from tests.conftest import csrf_token, login
from tests.family_helpers import GOOD_PASSWORD, NOW, TODAY, build_family_class, post_login

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
SET_PASSWORD = "/login/password/"
WRONG_CODE = "AAAA-BBBB-CCCC"


@pytest.fixture
def clock_at(monkeypatch):
    """The app's clock, settable: clock_at["now"] = ..."""
    moment = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def slips(app, session, world, clock_at) -> dict[str, str]:
    """5А's new accounts: {login: code}."""
    family = build_family_class(session, app.appbuilder.sm, world)
    scope = load_scope(session, world.users["secretary"])
    access = families.issue_class_access(session, scope, family.klass.id, pupils_from_grade=5, days=30, now=NOW,
                                         today=TODAY)
    return {item.slip.login: item.slip.code for item in access.issued}


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.location


def refused(response) -> bool:
    return response.status_code == 302 and "/login/" in response.location


def set_password(client, password, repeat=None, email="", path=SET_PASSWORD):
    token = csrf_token(client, path)
    return client.post(path, data={"password": password, "repeat": password if repeat is None else repeat,
                                   "email": email, "csrf_token": token})


def code_used(session, login) -> bool:
    session.expire_all()
    return session.scalar(select(OneTimeCode.used_at).join(User, User.id == OneTimeCode.user_id)
                          .where(User.username == login)) is not None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_parent_logs_in_with_the_code_sets_a_password_and_lands_on_the_diary(app, session, slips, engine):
    client = app.test_client()
    typed = slips["ivanova.on"].lower().replace("-", " ")  # as a person may type it
    assert signed_in(post_login(client, "ivanova.on", typed))
    for path in ("/", "/diary/", "/diary/progress/", "/pupilview/list/", "/resetmypassword/form", "/users/userinfo/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith(SET_PASSWORD), path
    api = client.get("/api/v1/diary/children")
    assert api.status_code == 403 and "Сначала задайте пароль" in api.get_json()["message"]
    form = client.get(SET_PASSWORD).get_data(as_text=True)
    assert "Задайте пароль" in form and "под логином ivanova.on" in form

    for password, repeat, reason in (
            ("abc", None, "Пароль слишком короткий: нужно не менее 10 символов."),
            ("qwerty12345", None, "Этот пароль слишком распространён и легко угадывается: придумайте другой."),
            ("ivanova.on2012", None, "Пароль содержит ваше имя, фамилию или логин: их пробуют первыми."),
            (GOOD_PASSWORD, "Синий трамвай", "Пароли не совпадают.")):
        response = set_password(client, password, repeat)
        assert response.status_code == 400 and reason in response.get_data(as_text=True), password
        assert client.get("/").location.endswith(SET_PASSWORD), "still to be set"

    response = set_password(client, GOOD_PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/diary/")
    diary = client.get("/diary/")
    assert diary.status_code == 200 and "Иванов Илья" in diary.get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert client.get(SET_PASSWORD).location.endswith("/diary/"), "nothing left to set"

    client.get("/logout/")
    assert refused(post_login(client, "ivanova.on", slips["ivanova.on"])), "the code is spent"
    assert signed_in(post_login(client, "ivanova.on", GOOD_PASSWORD))
    assert client.get("/").status_code == 200


def test_a_code_expires_is_used_once_and_is_nobody_elses(app, session, slips, clock_at):
    client = app.test_client()
    assert refused(post_login(client, "ivanov.ip", slips["ivanova.on"])), "someone else's code"
    clock_at["now"] = dt.datetime(2012, 11, 18, 9, 30)  # 30 days after it was issued
    assert refused(post_login(client, "ivanova.on", slips["ivanova.on"])), "expired"
    clock_at["now"] = dt.datetime(2012, 11, 18, 9, 29)
    assert signed_in(post_login(client, "ivanova.on", slips["ivanova.on"]))
    client.get("/logout/")
    assert refused(post_login(app.test_client(), "ivanova.on", slips["ivanova.on"])), "used once"


def test_wrong_codes_lock_the_login_like_wrong_passwords(app, session, slips, clock_at):
    client = app.test_client()
    for _attempt in range(10):
        assert refused(post_login(client, "ivanova.on", WRONG_CODE))
    locked = post_login(client, "ivanova.on", slips["ivanova.on"])
    assert locked.status_code == 429 and "временно заблокирован" in locked.get_data(as_text=True)
    assert not code_used(session, "ivanova.on")
    link = client.get(f"/login/code/ivanova.on/{slips['ivanova.on']}")
    assert link.status_code == 429, "the e-mailed link is locked with the login"
    assert signed_in(post_login(app.test_client(), "ivanov.ip", slips["ivanov.ip"])), "other logins are not locked"
    clock_at["now"] = NOW + dt.timedelta(minutes=16)
    assert signed_in(post_login(client, "ivanova.on", slips["ivanova.on"]))


def test_wrong_links_count_as_failed_logins(app, session, slips):
    client = app.test_client()
    for _attempt in range(10):
        response = client.get(f"/login/code/ivanov.ps/{WRONG_CODE}")
        assert response.status_code == 404 and "Ссылка недействительна" in response.get_data(as_text=True)
    assert client.get(f"/login/code/ivanov.ps/{slips['ivanov.ps']}").status_code == 429
    assert post_login(client, "ivanov.ps", slips["ivanov.ps"]).status_code == 429


def test_the_api_login_takes_no_code(app, session, slips):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": "ivanova.on", "password": slips["ivanova.on"], "provider": "db"})
    assert response.status_code == 401
    assert not code_used(session, "ivanova.on")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_emailed_link_opens_the_password_form_and_works_once(app, session, slips, engine):
    client = app.test_client()
    link = f"/login/code/ivanov.ps/{slips['ivanov.ps']}"
    opened = client.get(link)
    assert opened.status_code == 302 and opened.location.endswith("/login/code/")
    form = client.get("/login/code/").get_data(as_text=True)
    assert "Ссылка из письма открыта" in form and "ivanov.ps" in form and 'value="ivanov@family.test"' in form
    assert not code_used(session, "ivanov.ps"), "opening the link spends nothing (a mail scanner may open it)"

    weak = set_password(client, "qwerty12345", path="/login/code/")
    assert weak.status_code == 400 and "слишком распространён" in weak.get_data(as_text=True)
    assert not code_used(session, "ivanov.ps")
    done = set_password(client, GOOD_PASSWORD, email="Petr@family.test", path="/login/code/")
    assert done.status_code == 302 and done.location.endswith("/diary/")
    assert code_used(session, "ivanov.ps")
    assert client.get("/diary/").status_code == 200
    assert session.scalar(select(User.email).where(User.username == "ivanov.ps")) == "petr@family.test"

    again = app.test_client().get(link)
    assert again.status_code == 404 and "Ссылка недействительна" in again.get_data(as_text=True)
    login(app.test_client(), "ivanov.ps", GOOD_PASSWORD)


def test_the_recovery_email_must_be_an_address_of_nobody_else(app, session, slips):
    client = app.test_client()
    assert signed_in(post_login(client, "ivanova.on", slips["ivanova.on"]))
    taken = set_password(client, GOOD_PASSWORD, email="kuznetsova@example.test")
    assert taken.status_code == 400 and "уже указан у другой учётной записи" in taken.get_data(as_text=True)
    typo = set_password(client, GOOD_PASSWORD, email="olga.family.test")
    assert typo.status_code == 400 and "«olga.family.test» написан с ошибкой" in typo.get_data(as_text=True)
    assert set_password(client, GOOD_PASSWORD, email="olga@family.test").status_code == 302
    assert session.scalar(select(User.email).where(User.username == "ivanova.on")) == "olga@family.test"


def test_staff_who_log_in_with_a_code_land_on_the_start_page(app, session, world, clock_at):
    teacher = world.users["teacher"]
    code = codes.issue_codes(session, [teacher.id], actor_id=world.users["director"].id, now=NOW)[teacher.id]
    session.commit()
    client = app.test_client()
    assert signed_in(post_login(client, "teacher", code))
    assert client.get("/journal/").location.endswith(SET_PASSWORD)
    response = set_password(client, "Липовая аллея, дом 77, подъезд 3")
    assert response.status_code == 302 and response.location.endswith("/")
