"""The demo teacher's day in the system Chromium, on the demo region (Friday 19.10.2012): login
lands on «Сегодня», one click on the 5А lesson opens its journal column with the keyboard in the
first cell, and a mark is typed; the grid opens with today's column in view at 1366×768; the lesson
panel opened on a column at the grid's right edge stands next to it, within the window, and saves
with Ctrl+Enter where the teacher looks. With GUIDE_SCREENSHOTS=1 it takes the teacher guide's
pictures of these steps (docs/img/teacher-0-today.png, teacher-1-lesson.png, teacher-4-panel.png,
teacher-5-week.png)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def demo_ids(server) -> dict:
    """The demo teacher's 5А mathematics and its lesson of 19.10.2012."""
    assignment = db_scalar(server, """
        SELECT a.id FROM teaching_assignment a
        JOIN staff s ON s.id = a.teacher_id JOIN ab_user u ON u.id = s.user_id
        JOIN class_group c ON c.id = a.class_group_id JOIN subject j ON j.id = a.subject_id
        WHERE u.username = 'teacher' AND c.grade = 5 AND c.letter = 'А' AND j.name = 'Математика'""")
    lesson = db_scalar(server, "SELECT id FROM lesson WHERE assignment_id = :a AND date = '2012-10-19'", a=assignment)
    return {"assignment": assignment, "lesson": lesson}


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_teacher_lands_on_today_and_types_a_mark_in_the_5a_lesson_one_click_later(guarded_page, live_server):
    page, server = guarded_page, live_server
    ids = demo_ids(server)
    sign_in(page, server, "teacher")             # login: the start page is «Сегодня»
    expect(page.locator("h1")).to_contain_text("Сегодня")
    expect(page.locator("h1")).to_contain_text("Пятница, 19.10.2012")
    lessons = page.locator(".today-lessons .today-lesson")
    expect(lessons).to_have_count(3)             # 5Б, 6Б, 5А: the demo teacher's Friday
    assert_accessible(page)
    guide_shot(page, "teacher-0-today")

    page.locator(".today-lessons a", has_text="5А — Математика").click()   # the one click
    page.wait_for_url(f"{server.url}/journal/{ids['assignment']}/?lesson={ids['lesson']}")
    first_cell = page.locator(f'tbody input.cell-input[data-lesson="{ids["lesson"]}"]').first
    expect(first_cell).to_be_focused()           # the keyboard is in the lesson's first cell
    expect(page.locator("th.lesson.today")).to_have_attribute("data-lesson", str(ids["lesson"]))
    pupil = first_cell.locator("xpath=ancestor::tr").get_attribute("data-pupil")
    page.keyboard.type("4")
    page.keyboard.press("Enter")                 # saved; the second pupil's cell is next
    expect(page.locator("input.cell-input.saved")).to_have_count(1)
    assert db_scalar(server, "SELECT value FROM mark WHERE lesson_id = :l AND pupil_id = :p",
                     l=ids["lesson"], p=pupil) == 4
    assert_accessible(page)
    guide_shot(page, "teacher-1-lesson")

    # The lesson's topic, in the panel beside its column, saved with Ctrl+Enter.
    page.locator("th.lesson.today button").click()
    expect(page.locator("#lesson-panel")).to_be_in_viewport()
    page.fill("#lesson-topic", "Сложение и вычитание дробей")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#lesson-status")).to_have_text("Сохранено")
    guide_shot(page, "teacher-4-panel")
    page.keyboard.press("Escape")

    # The own week, one click from «Сегодня»; every lesson leads to its column.
    page.goto(f"{server.url}/")
    page.locator("a.today-week-link").click()
    expect(page.locator("h1")).to_contain_text("Моя неделя")
    expect(page.locator("#today-week th.today")).to_contain_text("Пятница")
    assert_accessible(page)
    guide_shot(page, "teacher-5-week")
    page.locator(f'#today-week a[href$="?lesson={ids["lesson"]}"]').click()
    expect(page.locator(f'tbody input.cell-input[data-lesson="{ids["lesson"]}"]').first).to_be_focused()


def visible_part(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_grid_opens_with_todays_column_in_view_at_1366x768(guarded_page, live_server):
    page, server = guarded_page, live_server
    ids = demo_ids(server)
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "teacher")
    page.goto(f"{server.url}/journal/{ids['assignment']}/")
    scroller = visible_part(page, ".journal-scroll")
    names = visible_part(page, "thead th.pupil")
    today = visible_part(page, "th.lesson.today")
    assert page.evaluate("document.querySelector('.journal-scroll').scrollLeft") > 0, "the quarter is wider than the window"
    # The pupil names stay frozen at the grid's left edge; today's column is right of them, whole.
    assert names["x"] == pytest.approx(scroller["x"], abs=1)
    assert today["x"] >= names["x"] + names["width"] - 1
    assert today["x"] + today["width"] <= scroller["x"] + scroller["width"]
    assert today["y"] + today["height"] <= LAPTOP["height"]
    first_name = page.locator("tbody th.pupil").first
    expect(first_name).to_be_in_viewport()
    # The days before today are in view too: the column stands well right of the names.
    assert today["x"] - (names["x"] + names["width"]) > 5 * today["width"]


def test_the_lesson_panel_on_a_column_at_the_right_edge_stays_in_view_and_saves_with_ctrl_enter(
        guarded_page, live_server):
    page, server = guarded_page, live_server
    ids = demo_ids(server)
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "teacher")
    page.goto(f"{server.url}/journal/{ids['assignment']}/")
    # Scroll the grid so that a lesson column ends exactly at the grid's right edge.
    lesson_id = page.evaluate("""() => {
        const scroller = document.querySelector('.journal-scroll');
        const heads = Array.from(document.querySelectorAll('th.lesson'));
        const th = heads[heads.length - 3];
        const offset = th.getBoundingClientRect().right - scroller.getBoundingClientRect().right;
        scroller.scrollLeft += offset;
        return th.dataset.lesson;
    }""")
    column = page.locator(f'th.lesson[data-lesson="{lesson_id}"]')
    box = column.bounding_box()
    grid_box = visible_part(page, ".journal-scroll")
    assert box["x"] + box["width"] == pytest.approx(grid_box["x"] + grid_box["width"], abs=2)
    column.locator("button").click()
    panel = page.locator("#lesson-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#lesson-topic")).to_be_focused()
    placed = panel.bounding_box()
    # Whole within the window, beside the column (to its left: no room on the right), level with its head.
    assert placed["x"] >= 0 and placed["x"] + placed["width"] <= LAPTOP["width"]
    assert placed["y"] >= 0 and placed["y"] + placed["height"] <= LAPTOP["height"]
    assert placed["x"] + placed["width"] <= box["x"] and box["x"] - (placed["x"] + placed["width"]) <= 16
    assert placed["y"] == pytest.approx(box["y"], abs=2)
    assert_accessible(page)

    page.fill("#lesson-topic", "Решение задач на движение")
    expect(page.locator("#lesson-homework")).to_be_enabled()  # the lesson's homework is read when the panel opens
    page.locator("#lesson-homework").fill("№ 312, 314")
    page.keyboard.press("Control+Enter")         # saves from the homework's field
    status = page.locator("#lesson-status")
    expect(status).to_have_text("Сохранено")
    expect(status).to_be_in_viewport()
    expect(column).to_have_class(re.compile(r"\bhas-topic\b"))
    assert db_scalar(server, "SELECT topic FROM lesson WHERE id = :l", l=lesson_id) == "Решение задач на движение"
    assert db_scalar(server, "SELECT text FROM homework WHERE lesson_id = :l", l=lesson_id) == "№ 312, 314"

    # The page scrolls down the class list: the panel stays in view, beside the same column.
    page.mouse.wheel(0, 400)
    expect(panel).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
