"""Password recovery (app/accounts/recovery.py, app/views/recovery.py): «Забыли пароль?» on the login
page, the e-mailed link (an hour by the app's clock, once, an active account with a real address
only), the same answer for an unknown address, the requests' limits, the sessions a new password
ends; and the link the school or the administrator sends from an account's page.

The world (tests/factories.py): the pupil «pupil» (Алексеева, СОШ № 1) has pupil@example.test; the
secretary and the director of СОШ № 1 manage her account; a local SMTP relay takes the letters."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app import clock
from app.accounts.issue import placeholder_email
from app.models import AccountEvent, PasswordReset
from app.security import roles as R
from tests.accounts_helpers import page_text
from tests.conftest import CSRF_RE, csrf_token, login
from tests.factories import PASSWORD, make_guardian, make_pupil, make_user
from tests.family_helpers import post_login, smtp  # noqa: F401 (smtp: a fixture)
from tests.security_helpers import form_token

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
NOW = dt.datetime(2012, 10, 19, 9, 30)  # UTC: 13:30 in Moscow
SITE = "https://dnevnik.example.ru"
LINK_RE = re.compile(r"(https?://\S+/login/reset/([A-Za-z0-9_-]{43}))")
NEW_PASSWORD = "Зелёный кит читает газету"


@pytest.fixture
def clock_at(monkeypatch):
    """The app's clock, settable: clock_at["now"] = ..."""
    moment = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def site(app, world, smtp, clock_at):
    """The test world with its letters going to `smtp` and its links on SITE."""
    app.config["APP_BASE_URL"] = SITE + "/"
    return world


def ask(client, typed: str, ip: str = "127.0.0.1", **headers):
    """«Забыли пароль?» as a browser at `ip` submits it; the answer is read whole, so what the page
    does after answering (the letter) is done when this returns, as a server does it after sending."""
    page = client.get("/login/forgot/", headers=headers, environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    return client.post("/login/forgot/", data={"login": typed, "csrf_token": token}, headers=headers, buffered=True,
                       environ_base={"REMOTE_ADDR": ip})


def new_password(client, password: str, repeat: str | None = None):
    token = csrf_token(client, "/login/reset/")
    return client.post("/login/reset/", data={"password": password, "repeat": password if repeat is None else repeat,
                                              "csrf_token": token})


def letters_to(smtp, address: str) -> list[tuple[str, str]]:
    return [(subject, body) for to, subject, body in smtp.messages if to == address]


def the_link(smtp, address: str) -> tuple[str, str]:
    """(the link's path, its token) of the one letter to `address`."""
    [(_subject, body)] = letters_to(smtp, address)
    url, token = LINK_RE.search(body).groups()
    assert url.startswith(SITE + "/login/reset/"), url
    return url.removeprefix(SITE), token


def answer(response) -> str:
    """The answer's visible text without the form's token."""
    return page_text(response)


def events(session, kind: str) -> list[tuple[str, int | None, str | None]]:
    session.expire_all()
    return [(e.login, e.actor_id, e.detail) for e in session.scalars(
        select(AccountEvent).where(AccountEvent.kind == kind).order_by(AccountEvent.id))]


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.location


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pupil_asks_by_address_and_sets_a_new_password_through_the_link(app, session, site, smtp, engine):
    client = app.test_client()
    login_page = client.get("/login/").get_data(as_text=True)
    assert 'href="/login/forgot/"' in login_page and "Забыли пароль?" in login_page

    asked = ask(client, "  Pupil@Example.test ")
    assert asked.status_code == 200 and "Проверьте почту" in answer(asked)
    [(to, subject, body)] = smtp.messages
    assert (to, subject) == ("pupil@example.test", "Смена пароля в электронном журнале")
    assert "Ваш логин: pupil" in body and "до 19.10.2012 14:30 (московское время)" in body
    path, token = the_link(smtp, "pupil@example.test")

    opened = client.get(path)
    assert opened.status_code == 302 and opened.location.endswith("/login/reset/")
    form = client.get("/login/reset/").get_data(as_text=True)
    assert "Придумайте новый пароль для логина pupil" in form and token not in form
    session.expire_all()
    assert session.scalar(select(PasswordReset.used_at)) is None, "opening the link spends nothing"

    for password, repeat, reason in (("abc", None, "Пароль слишком короткий: нужно не менее 10 символов."),
                                     ("qwerty12345", None, "слишком распространён"),
                                     (NEW_PASSWORD, "Зелёный кит", "Пароли не совпадают.")):
        refused = new_password(client, password, repeat)
        assert refused.status_code == 400 and reason in refused.get_data(as_text=True), password
    saved = new_password(client, NEW_PASSWORD)
    assert saved.status_code == 302 and saved.location.endswith("/login/")
    assert "Пароль изменён, на всех устройствах выполнен выход" in client.get("/login/").get_data(as_text=True)

    assert not signed_in(post_login(app.test_client(), "pupil", PASSWORD)), "the old password is gone"
    assert signed_in(post_login(app.test_client(), "pupil", NEW_PASSWORD))
    pupil_id = site.users["pupil"].id
    assert events(session, "reset_link_sent") == [("pupil", None, "login_page")]
    assert events(session, "password_reset") == [("pupil", pupil_id, None)]
    school_of_event = session.scalar(select(AccountEvent.school_id).where(AccountEvent.kind == "password_reset"))
    assert school_of_event == site.school_a.id, "the school reads its pupils' events"


def test_the_answer_is_the_same_whoever_has_the_address_and_only_a_real_one_gets_mail(app, session, site, smtp):
    closed = make_user(session, app.appbuilder.sm, "closed.pupil", R.PUPIL)
    closed.active = False
    without = make_user(session, app.appbuilder.sm, "no.mail", R.PUPIL)
    without.email = placeholder_email("no.mail")
    session.commit()
    known = answer(ask(app.test_client(), "pupil@example.test"))
    for typed in ("nobody@example.test", "nobody", "closed.pupil", "closed.pupil@example.test", "no.mail",
                  "no.mail@accounts.invalid", "pupil@example"):
        response = ask(app.test_client(), typed)
        assert response.status_code == 200 and answer(response) == known, typed
    assert [to for to, _subject, _body in smtp.messages] == ["pupil@example.test"]
    assert session.scalar(select(PasswordReset.user_id)) == site.users["pupil"].id
    assert len(session.scalars(select(PasswordReset)).all()) == 1


def test_asking_by_login_mails_the_accounts_address(app, session, site, smtp):
    ask(app.test_client(), "PUPIL")
    assert len(letters_to(smtp, "pupil@example.test")) == 1


def test_a_link_expires_sixty_minutes_after_it_was_sent_by_the_apps_clock(app, session, site, smtp, clock_at):
    ask(app.test_client(), "pupil@example.test")
    path, _token = the_link(smtp, "pupil@example.test")
    clock_at["now"] = NOW + dt.timedelta(minutes=59, seconds=59)
    client = app.test_client()
    assert client.get(path).status_code == 302
    form_token_in_time = csrf_token(client, "/login/reset/")
    clock_at["now"] = NOW + dt.timedelta(minutes=60)
    late = app.test_client().get(path)
    assert late.status_code == 404 and "Ссылка недействительна" in late.get_data(as_text=True)
    refused = client.post("/login/reset/", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD,
                                                 "csrf_token": form_token_in_time})
    assert refused.status_code == 404, "the form opened in time is refused once the link expired"
    assert not signed_in(post_login(app.test_client(), "pupil", NEW_PASSWORD))
    assert signed_in(post_login(app.test_client(), "pupil", PASSWORD))


def test_a_link_works_once_and_a_newer_one_replaces_it(app, session, site, smtp, clock_at):
    ask(app.test_client(), "pupil")
    first, _token = the_link(smtp, "pupil@example.test")
    smtp.messages.clear()
    clock_at["now"] = NOW + dt.timedelta(minutes=5)
    ask(app.test_client(), "pupil")
    second, _token = the_link(smtp, "pupil@example.test")
    assert app.test_client().get(first).status_code == 404, "the newer link ends the older"

    client = app.test_client()
    client.get(second)
    assert new_password(client, NEW_PASSWORD).status_code == 302
    again = app.test_client()
    assert again.get(second).status_code == 404, "used once"
    assert client.get("/login/reset/").location.endswith("/login/"), "nothing left in the browser"
    assert [row.used_at for row in session.scalars(select(PasswordReset).order_by(PasswordReset.id))] == \
        [None, NOW + dt.timedelta(minutes=5)]


def test_a_link_of_an_account_closed_meanwhile_is_refused(app, session, site, smtp):
    ask(app.test_client(), "pupil")
    path, _token = the_link(smtp, "pupil@example.test")
    client = app.test_client()
    client.get(path)
    token = csrf_token(client, "/login/reset/")
    pupil = session.get(User, site.users["pupil"].id)
    pupil.active = False
    session.commit()
    refused = client.post("/login/reset/", data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD, "csrf_token": token})
    assert refused.status_code == 404
    assert app.test_client().get(path).status_code == 404
    session.expire_all()
    assert session.scalar(select(PasswordReset.used_at)) is None
    assert events(session, "password_reset") == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_password_ends_every_session_of_the_account(app, session, site, smtp, engine):
    phone = app.test_client()
    login(phone, "pupil")
    assert phone.get("/diary/").status_code == 200
    ask(app.test_client(), "pupil")
    path, _token = the_link(smtp, "pupil@example.test")
    laptop = app.test_client()
    laptop.get(path)
    assert new_password(laptop, NEW_PASSWORD).status_code == 302
    after = phone.get("/diary/")
    assert after.status_code == 302 and "/login/" in after.location, "the phone's session has ended"


def test_a_reset_lifts_the_lockout_of_the_login(app, session, site, smtp):
    client = app.test_client()
    for _attempt in range(10):
        post_login(client, "pupil", "wrong-password-123")
    assert post_login(client, "pupil", PASSWORD).status_code == 429
    ask(client, "pupil")
    path, _token = the_link(smtp, "pupil@example.test")
    client.get(path)
    new_password(client, NEW_PASSWORD)
    assert signed_in(post_login(app.test_client(), "pupil", NEW_PASSWORD)), "the mailbox proved the person"


def test_requests_are_limited_per_login_or_address_known_or_not(app, session, site, smtp, clock_at):
    for typed in ("pupil@example.test", "nobody@example.test"):
        for _request in range(3):
            assert ask(app.test_client(), typed).status_code == 200
        fourth = ask(app.test_client(), typed.upper())
        text = fourth.get_data(as_text=True)
        assert fourth.status_code == 429 and "попробуйте снова через 60 мин." in text, typed
    assert len(smtp.messages) == 3
    assert ask(app.test_client(), "pupil").status_code == 200, "another spelling of the account is its own count"
    clock_at["now"] = NOW + dt.timedelta(minutes=40)
    assert "через 20 мин." in ask(app.test_client(), "pupil@example.test").get_data(as_text=True)
    clock_at["now"] = NOW + dt.timedelta(minutes=60)
    assert ask(app.test_client(), "pupil@example.test").status_code == 200
    assert len(smtp.messages) == 5


def test_requests_are_limited_per_client_address(app, session, site, smtp):
    app.config["PASSWORD_RESET_RATE_PER_IP"] = "2 per hour"
    assert ask(app.test_client(), "one@example.test").status_code == 200
    assert ask(app.test_client(), "two@example.test").status_code == 200
    third = ask(app.test_client(), "pupil@example.test")
    assert third.status_code == 429 and "С этого адреса сети" in third.get_data(as_text=True)
    assert smtp.messages == []
    assert ask(app.test_client(), "pupil@example.test", ip="10.0.0.2").status_code == 200, "another client address"
    assert len(smtp.messages) == 1


def test_the_link_is_on_the_sites_address_whatever_host_the_request_names(app, session, site, smtp):
    ask(app.test_client(), "pupil", Host="evil.example.com")
    [(_subject, body)] = letters_to(smtp, "pupil@example.test")
    assert "evil.example.com" not in body and f"{SITE}/login/reset/" in body


@pytest.mark.parametrize("typed, reason", [
    ("", "Введите логин или адрес эл. почты"),
    ("   ", "Введите логин или адрес эл. почты"),
    ("x" * 257, "написан с ошибкой"),
    ("pupil\x00", "написан с ошибкой"),
])
def test_a_malformed_request_is_refused_in_russian_and_counts_nothing(app, session, site, smtp, typed, reason):
    response = ask(app.test_client(), typed)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert smtp.messages == []
    assert session.scalars(select(PasswordReset)).all() == []


def test_a_relay_that_is_down_keeps_no_link(app, session, site):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    response = ask(app.test_client(), "pupil")
    assert response.status_code == 200
    assert session.scalars(select(PasswordReset)).all() == []
    assert events(session, "reset_link_sent") == []


def _closed_port() -> int:
    from tests.web.test_notifications import free_port

    return free_port()


# --- the link sent from an account's page -------------------------------------------------------

def send_from_card(client, user_id: int):
    return client.post(f"/accounts/{user_id}/reset-link", data={"csrf_token": form_token(client, f"/accounts/{user_id}")})


@pytest.mark.parametrize("engine", ENGINES)
def test_the_secretary_sends_a_pupil_a_reset_link_instead_of_typing_a_password(app, session, site, smtp, as_user,
                                                                                engine):
    pupil_id = site.users["pupil"].id
    client = as_user("secretary")
    card = page_text(client.get(f"/accounts/{pupil_id}"))
    assert "Отправить ссылку для смены пароля" in card and "на pupil@example.test" in card
    sent = send_from_card(client, pupil_id)
    assert sent.status_code == 302 and sent.location.endswith(f"/accounts/{pupil_id}")
    assert "Ссылка для смены пароля отправлена на pupil@example.test: она действует 60 мин." in \
        client.get(sent.location).get_data(as_text=True)
    [(subject, body)] = letters_to(smtp, "pupil@example.test")
    assert "Secretary Тестов отправил(а) вам ссылку для смены пароля" in body
    assert events(session, "reset_link_sent") == [("pupil", site.users["secretary"].id, None)]
    assert session.scalar(select(PasswordReset.sent_by_id)) == site.users["secretary"].id

    path, _token = the_link(smtp, "pupil@example.test")
    browser = app.test_client()
    browser.get(path)
    assert new_password(browser, NEW_PASSWORD).status_code == 302
    assert signed_in(post_login(app.test_client(), "pupil", NEW_PASSWORD))


def test_the_administrator_sends_a_director_a_reset_link(app, session, site, smtp, as_user):
    sent = send_from_card(as_user("admin"), site.users["director"].id)
    assert sent.status_code == 302
    assert len(letters_to(smtp, "director@example.test")) == 1


def test_a_link_is_sent_only_for_an_account_the_user_manages(app, session, site, smtp, as_user):
    far_user = make_user(session, app.appbuilder.sm, "far.pupil", R.PUPIL)
    make_pupil(session, site.class_b, "Дальний", far_user)
    session.commit()
    secretary = as_user("secretary")
    assert send_from_card(secretary, far_user.id).status_code == 404, "a pupil of another school"
    assert send_from_card(secretary, site.users["director"].id).status_code == 404, "above the secretary's role"
    teacher = as_user("teacher")
    refused = teacher.post(f"/accounts/{site.users['pupil'].id}/reset-link", data={"csrf_token": form_token(teacher)})
    assert refused.status_code == 403
    assert smtp.messages == [] and session.scalars(select(PasswordReset)).all() == []


def test_an_account_without_an_address_is_pointed_to_a_new_printed_code(app, session, site, smtp, as_user):
    family_user = make_user(session, app.appbuilder.sm, "borisova.ii", R.PARENT)
    family_user.email = placeholder_email("borisova.ii")
    make_guardian(session, [site.pupil_a_other], family_user, "Борисова")
    session.commit()
    client = as_user("secretary")
    card = client.get(f"/accounts/{family_user.id}").get_data(as_text=True)
    assert "Отправить ссылку для смены пароля" not in card
    assert "Адреса эл. почты нет: выдайте новый код входа на листке" in card
    assert f'href="/pupilview/show/{site.pupil_a_other.id}"' in card
    refused = send_from_card(client, family_user.id)
    assert "нет адреса эл. почты: ссылку отправить некуда" in client.get(refused.location).get_data(as_text=True)
    assert smtp.messages == []


def test_a_closed_account_gets_no_link(app, session, site, smtp, as_user):
    pupil = session.get(User, site.users["pupil"].id)
    pupil.active = False
    session.commit()
    client = as_user("secretary")
    assert "Отправить ссылку для смены пароля" not in client.get(f"/accounts/{pupil.id}").get_data(as_text=True)
    refused = send_from_card(client, pupil.id)
    assert "закрыта: ссылка для смены пароля ей не поможет" in client.get(refused.location).get_data(as_text=True)
    assert smtp.messages == []


def test_a_letter_the_relay_does_not_take_is_said_and_keeps_nothing(app, session, site, smtp, as_user):
    smtp.refuse.add("pupil@example.test")
    client = as_user("director")
    refused = send_from_card(client, site.users["pupil"].id)
    assert "Письмо не отправлено" in client.get(refused.location).get_data(as_text=True)
    assert session.scalars(select(PasswordReset)).all() == [] and events(session, "reset_link_sent") == []
