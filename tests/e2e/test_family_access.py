"""The secretary gives 5А's families of the demo school diary access and prints the login slips
(Chromium's print to PDF: several slips on each A4 page); a parent types a slip's login and code,
sets a password and lands on the child's diary. Two of the families have an e-mail on file: their
links go to a local SMTP relay. With GUIDE_SCREENSHOTS=1 it takes the secretary guide's pictures
(docs/img/secretary-4-access.png, secretary-5-slips.png) and the parent's first login
(parent-0-password.png)."""
from __future__ import annotations

import math
import re
import shutil

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from tests.e2e.conftest import axe_violations, guide_shot, served, sign_in
from tests.family_helpers import GOOD_PASSWORD
from tests.web.test_notifications import Inbox, free_port

pytestmark = pytest.mark.e2e

SLIPS_PER_PAGE = 8
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
# 5А's families without access keep their e-mail only in the two of the lowest ids.
ONLY_TWO_EMAILS = """
UPDATE guardian SET email = NULL
WHERE user_id IS NULL
  AND id IN (SELECT l.guardian_id FROM guardian_link l JOIN pupil p ON p.id = l.pupil_id
             JOIN class_group c ON c.id = p.class_group_id JOIN school s ON s.id = c.school_id
             WHERE c.grade = 5 AND c.letter = 'А' AND s.id = (SELECT school_id FROM staff
                 JOIN ab_user u ON u.id = staff.user_id WHERE u.username = 'secretary'))
  AND id NOT IN (SELECT id FROM guardian WHERE user_id IS NULL AND email IS NOT NULL AND id IN (
      SELECT l.guardian_id FROM guardian_link l JOIN pupil p ON p.id = l.pupil_id
      JOIN class_group c ON c.id = p.class_group_id JOIN school s ON s.id = c.school_id
      WHERE c.grade = 5 AND c.letter = 'А' AND s.id = (SELECT school_id FROM staff
          JOIN ab_user u ON u.id = staff.user_id WHERE u.username = 'secretary'))
      ORDER BY id LIMIT 2)
"""


@pytest.fixture
def school_site(demo_template, tmp_path, browser_type_launch_args, monkeypatch):
    """The demo region served by gunicorn, sending mail to a relay of the test's own."""
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_template, path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text(ONLY_TWO_EMAILS))
    engine.dispose()
    inbox = Inbox()
    relay = Controller(inbox, hostname="127.0.0.1", port=free_port())
    relay.start()
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", str(relay.port))
    try:
        with served(f"sqlite:///{path}", tmp_path) as server:
            yield server, inbox
    finally:
        relay.stop()


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_secretary_prints_5a_slips_and_a_parent_logs_in_with_one(guarded_page, school_site):
    page = guarded_page
    server, inbox = school_site
    sign_in(page, server, "secretary")
    page.locator("a.dropdown-toggle", has_text="Школа").click()
    page.get_by_role("link", name="Доступ семей").click()
    page.wait_for_load_state()
    no_violations(page)
    page.get_by_role("link", name="Выдать доступ классу 5А").click()
    page.wait_for_load_state()
    assert "из них с адресом эл. почты: 2." in page.content()
    no_violations(page)
    guide_shot(page, "secretary-4-access")

    page.get_by_role("button", name="Выдать доступ").click()
    page.wait_for_load_state()
    assert "Ссылка для первого входа отправлена по эл. почте: 2." in page.content()
    assert sorted(len(re.findall(r"/login/code/[a-z0-9.]+/[A-Z0-9-]{14}", body)) for _to, _s, body in inbox.messages) \
        == [1, 1]
    slips = page.locator(".slip")
    count = slips.count()
    assert count > SLIPS_PER_PAGE
    no_violations(page)
    guide_shot(page, "secretary-5-slips")

    # «Печать» calls the browser's print (a script file: the CSP allows no inline script).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Печать").click()
    assert page.evaluate("() => window.printed") == 1

    # Printed: no header or menu, eight whole slips to an A4 page.
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.get_by_role("button", name="Печать").is_visible()
    tops = [slips.nth(i).bounding_box()["y"] for i in range(SLIPS_PER_PAGE)]
    assert len(set(round(y) for y in tops)) == SLIPS_PER_PAGE // 2, "two slips to a row, four rows"
    pdf = page.pdf(format="A4", print_background=True)
    (server.log_path.parent / "slips.pdf").write_bytes(pdf)
    pages = len(PDF_PAGE.findall(pdf))
    assert pages == math.ceil(count / SLIPS_PER_PAGE), (pages, count)
    page.emulate_media(media="screen")

    parent_slip = slips.filter(has_text="Родитель:").first
    login = parent_slip.locator(".slip-login").inner_text()
    code = parent_slip.locator(".slip-code").inner_text()
    # «Родитель: Фамилия Имя, 5А»: the diary opens on the first of the parent's children, and names
    # the others in its switcher.
    child_name = parent_slip.locator(".slip-subtitle").inner_text().removeprefix("Родитель: ").split(",")[0].split()[1]

    page.goto(f"{server.url}/logout/")
    page.goto(f"{server.url}/login/")
    page.fill("#username", login)
    page.fill("#password", code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/login/password/")
    page.goto(f"{server.url}/diary/")
    assert page.url == f"{server.url}/login/password/", "no page before the password is set"
    page.fill("#password", "1234567890")
    page.fill("#repeat", "1234567890")
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_load_state()
    assert "слишком распространён" in page.locator("#password-help").inner_text()
    no_violations(page)
    guide_shot(page, "parent-0-password")
    page.fill("#password", GOOD_PASSWORD)
    page.fill("#repeat", GOOD_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_url(f"{server.url}/diary/")
    children = page.locator(".diary-who").inner_text()
    if page.locator(".diary-children").count():
        children += page.locator(".diary-children").inner_text()
    assert child_name in children
    assert page.locator(".diary-day").count() == 6
