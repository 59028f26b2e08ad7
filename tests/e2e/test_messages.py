"""Messages in the system Chromium: the demo parent, on a phone (360×740), asks the maths teacher a
question through the menu's «Сообщения»; the teacher answers from the desktop; the parent sees the
answer. With GUIDE_SCREENSHOTS=1 it takes the parent guide's pictures (docs/img/parent-messages-1-write.png, parent-messages-2-answer.png)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1100, "height": 700}
QUESTION = "Здравствуйте! Можно ли переписать контрольную по дробям?"
ANSWER = "Да, во вторник после шестого урока."


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], (page.url, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])


def open_messages_from_menu(page, unread: int):
    toggle = page.locator("button.navbar-toggle")
    if toggle.is_visible():
        toggle.click()
    link = page.locator("a.messages-link")
    link.wait_for(state="visible")
    badge = link.locator(".badge")
    assert (badge.inner_text() if badge.count() else "0") == str(unread)
    link.click()
    page.wait_for_load_state()


def test_parent_asks_the_maths_teacher_on_a_phone_and_reads_the_answer(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "parent")
    # The demo teacher's answer of 18.10.2012 and 5А's meeting announcement are waiting, unread.
    open_messages_from_menu(page, unread=2)
    assert page.locator(".thread-row.unread", has_text="Домашнее задание по математике").count() == 1
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    page.locator("a", has_text="Написать").click()
    page.wait_for_load_state()
    assert_accessible(page)
    teacher = page.locator("#contact option", has_text="Математика").first
    page.select_option("#contact", value=teacher.get_attribute("value"))
    page.fill("#subject", "Контрольная по дробям")
    page.fill("#body", QUESTION)
    assert no_horizontal_scroll(page)
    guide_shot(page, "parent-messages-1-write")
    page.locator("button[type=submit]", has_text="Отправить").click()
    page.wait_for_load_state()
    assert "Сообщение отправлено." in page.content()
    assert page.locator(".message-body", has_text=QUESTION).is_visible()
    assert no_horizontal_scroll(page)
    thread_url = page.url
    thread_id = int(re.search(r"/messages/(\d+)", thread_url).group(1))
    assert db_scalar(live_server, "SELECT count(*) FROM message WHERE thread_id = :t", t=thread_id) == 1
    assert_accessible(page)

    # The teacher, at the desktop, sees one unread message and answers.
    page.goto(f"{live_server.url}/logout/")
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "teacher")
    open_messages_from_menu(page, unread=1)
    page.locator(".thread-row.unread", has_text="Контрольная по дробям").click()
    page.wait_for_load_state()
    assert page.locator(".message-body", has_text=QUESTION).is_visible()
    page.fill("#body", ANSWER)
    page.locator("#reply button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message-body", has_text=ANSWER).is_visible()

    # The parent, on the phone again, sees the answer.
    page.goto(f"{live_server.url}/logout/")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "parent")
    open_messages_from_menu(page, unread=3)
    page.locator(".thread-row.unread", has_text="Контрольная по дробям").click()
    page.wait_for_load_state()
    assert page.url == thread_url
    assert page.locator(".message-body", has_text=ANSWER).is_visible()
    assert no_horizontal_scroll(page)
    guide_shot(page, "parent-messages-2-answer")
