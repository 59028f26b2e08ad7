"""A parent's absence notice in the system Chromium, on the demo region (Friday 19.10.2012): on a
360 px phone the demo parent reports that the 5А child will be ill tomorrow; the demo teacher, the
class teacher of 5А, finds it on «Сегодня» and accepts it. With GUIDE_SCREENSHOTS=1 it takes the
parent guide's picture of the form (docs/img/parent-6-absence.png)."""
from __future__ import annotations

import re

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


def test_the_grid_offers_the_notices_code_for_missed(guarded_page, live_server):
    """The parent reports today's absence; in the 5А mathematics of 19.10.2012 the teacher types «н»
    in the child's cell, which is marked as covered, and «б» is what is saved."""
    page, server = guarded_page, live_server
    page.set_viewport_size(PHONE)
    sign_in(page, server, "parent")
    page.goto(f"{server.url}/absence-notices/new")
    page.fill("#notice-starts", "19.10.2012")
    page.keyboard.press("Escape")
    page.locator(".notice-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("li.notice", has_text="19.10.2012")).to_contain_text("Ждёт решения")
    child = db_scalar(server, "SELECT pupil_id FROM absence_notice WHERE starts_on = '2012-10-19'")

    page.goto(f"{server.url}/logout/")
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "teacher")
    lesson = db_scalar(server, """
        SELECT l.id FROM lesson l JOIN teaching_assignment a ON a.id = l.assignment_id
        JOIN subject j ON j.id = a.subject_id JOIN pupil p ON p.class_group_id = a.class_group_id
        WHERE p.id = :p AND j.name = 'Математика' AND l.date = '2012-10-19'""", p=child)
    assignment = db_scalar(server, "SELECT assignment_id FROM lesson WHERE id = :l", l=lesson)
    page.goto(f"{server.url}/journal/{assignment}/?lesson={lesson}")
    expect(page.locator(".journal-notices")).to_contain_text("Заявление родителя: болезнь, 19.10.2012–19.10.2012")
    cell = page.locator(f'tr[data-pupil="{child}"] input.cell-input[data-lesson="{lesson}"]')
    expect(cell).to_have_class(re.compile(r"\bhas-notice\b"))
    cell.fill("н")
    expect(cell).to_have_value("б")
    expect(page.locator("#journal-status")).to_contain_text("вместо «н» поставлено «б»")
    cell.press("Tab")
    expect(cell).to_have_class(re.compile(r"\bsaved\b"))
    assert db_scalar(server, "SELECT code FROM absence WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson, p=child) == "б"
