"""Password recovery in the system Chromium, on the demo region served by gunicorn with its letters
going to a local SMTP relay: the demo pupil, on a phone (360×740), asks for a link on the login page,
opens it from the mailbox, sets a new password and logs in with it; the administrator sends the
demo director a link from the account's page instead of typing a password. With GUIDE_SCREENSHOTS=1
it takes the parent guide's (parent-4-forgot.png, parent-5-new-password.png) and the administrator
guide's (admin-accounts-4-reset-link.png) pictures."""
from __future__ import annotations

import re
import shutil
import time

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, served, sign_in
from tests.web.test_notifications import Inbox, free_port

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
# The site's address the letters carry (APP_BASE_URL); the story opens the same path on the test server.
SITE = "http://dnevnik.example.ru"
LINK_RE = re.compile(re.escape(SITE) + r"(/login/reset/[A-Za-z0-9_-]{43})")
NEW_PASSWORD = "Зелёный кит читает газету"


@pytest.fixture
def mailing_site(demo_template, tmp_path, browser_type_launch_args, monkeypatch):
    """The demo region served by gunicorn, sending mail to a relay of the test's own."""
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_template, path)
    inbox = Inbox()
    relay = Controller(inbox, hostname="127.0.0.1", port=free_port())
    relay.start()
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", str(relay.port))
    monkeypatch.setenv("APP_BASE_URL", SITE)
    try:
        with served(f"sqlite:///{path}", tmp_path) as server:
            yield server, inbox
    finally:
        relay.stop()


def letter_to(inbox: Inbox, address: str, wait: float = 30) -> str:
    """The body of the first letter to `address`; the server sends it once its answer has gone, so
    the mailbox is looked into until it arrives (up to `wait` seconds)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for to, _subject, body in inbox.messages:
            if to == address:
                return body
        time.sleep(0.1)
    raise AssertionError(f"no letter to {address}: {inbox.messages}")


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_pupil_recovers_the_password_on_a_phone_through_the_mailbox(guarded_page, mailing_site):
    page = guarded_page
    server, inbox = mailing_site
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/login/")
    page.get_by_role("link", name="Забыли пароль?").click()
    page.wait_for_url(f"{server.url}/login/forgot/")
    page.fill("#login", "pupil@demo.mosreg.local")
    assert no_horizontal_scroll(page)
    no_violations(page)
    guide_shot(page, "parent-4-forgot")
    page.get_by_role("button", name="Прислать ссылку").click()
    page.wait_for_load_state()
    assert "Проверьте почту" in page.locator("h1").inner_text()
    assert "Ссылка действует 60 мин. и открывается один раз." in page.content()
    no_violations(page)

    body = letter_to(inbox, "pupil@demo.mosreg.local")
    assert "Ваш логин: pupil" in body
    path = LINK_RE.search(body).group(1)
    page.goto(f"{server.url}{path}")
    page.wait_for_url(f"{server.url}/login/reset/")
    assert "Придумайте новый пароль для логина pupil" in page.content()
    page.fill("#password", "pupil12345")
    page.fill("#repeat", "pupil12345")
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_load_state()
    assert "имя, фамилию или логин" in page.locator("#password-help").inner_text()
    assert no_horizontal_scroll(page)
    no_violations(page)
    guide_shot(page, "parent-5-new-password")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#repeat", NEW_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_url(f"{server.url}/login/")
    assert "Пароль изменён, на всех устройствах выполнен выход" in page.content()

    page.fill("#username", "pupil")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Неверный логин или пароль" in page.locator(".alert").inner_text(), "the old password opens nothing"
    page.fill("#username", "pupil")
    page.fill("#password", NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(server.url) + r"/(diary/)?$"))
    page.goto(f"{server.url}/diary/")
    assert page.locator(".diary-day").count() == 6, "the pupil's own diary"
    assert db_scalar(server, "SELECT count(*) FROM account_event WHERE kind = 'password_reset' AND login = 'pupil'") == 1
    assert page.goto(f"{server.url}{path}").status == 404, "the link works once"


def test_the_administrator_sends_the_director_a_reset_link(guarded_page, mailing_site):
    page = guarded_page
    server, inbox = mailing_site
    sign_in(page, server, "admin")
    page.goto(f"{server.url}/accounts/?q=director")
    page.get_by_role("link", name="director", exact=True).click()
    page.wait_for_load_state()
    no_violations(page)
    button = page.get_by_role("button", name="Отправить ссылку для смены пароля")
    button.scroll_into_view_if_needed()
    guide_shot(page, "admin-accounts-4-reset-link")
    button.click()
    page.wait_for_load_state()
    assert "Ссылка для смены пароля отправлена на director@demo.mosreg.local" in page.content()
    no_violations(page)
    body = letter_to(inbox, "director@demo.mosreg.local")
    assert "отправил(а) вам ссылку для смены пароля" in body and LINK_RE.search(body)
