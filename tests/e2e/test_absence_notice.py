"""A parent's absence notice in the system Chromium, on the demo region (Friday 19.10.2012): on a
360 px phone the demo parent reports that the 5А child will be ill tomorrow; the demo teacher, the
class teacher of 5А, finds it on «Сегодня» and accepts it. With GUIDE_SCREENSHOTS=1 it takes the
parent guide's picture of the form (docs/img/parent-6-absence.png)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_parent_reports_tomorrow_on_a_phone_and_the_class_teacher_accepts(guarded_page, live_server):
    page, server = guarded_page, live_server
    page.set_viewport_size(PHONE)
    sign_in(page, server, "parent")
    page.goto(f"{server.url}/absence-notices/")
    page.locator("a.notices-new").click()
    page.wait_for_load_state()
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []
    child = page.locator("#notice-pupil option").first.inner_text()
    page.fill("#notice-starts", "20.10.2012")
    page.keyboard.press("Escape")  # the calendar closes; the typed date stays
    page.locator("#notice-reason-illness").check()
    page.fill("#notice-comment", "Простуда")
    guide_shot(page, "parent-6-absence")
    page.locator(".notice-form button[type=submit]").click()
    page.wait_for_load_state()
    mine = page.locator("li.notice", has_text="20.10.2012")
    expect(mine).to_contain_text("Ждёт решения")
    expect(mine).to_contain_text(child)
    assert no_horizontal_scroll(page)

    page.goto(f"{server.url}/logout/")
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "teacher")
    page.goto(f"{server.url}/")
    block = page.locator(".today-notices li.notice", has_text="20.10.2012")
    expect(block).to_contain_text(child)
    expect(block).to_contain_text("Простуда")
    block.locator(".notice-accept button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("Заявление принято")
    expect(page.locator("li.notice", has_text="20.10.2012")).to_contain_text("Принято")
    assert db_scalar(server, "SELECT status FROM absence_notice WHERE starts_on = '2012-10-20'") == "accepted"
