"""The secretary fills a timetable cell with the keyboard and meets a double-booked teacher."""
from __future__ import annotations

import pytest

from app.models import TimetableSlot
from app.timetable.clashes import save_cell
from tests.e2e.conftest import axe_violations, guide_shot, served
from tests.factories import PASSWORD
from tests.timetable_helpers import MONDAY, build_timetable_school

pytestmark = pytest.mark.e2e


@pytest.fixture
def timetable_site(app, world, session, database_url, tmp_path, browser_type_launch_args):
    """The test app's database with a small timetable world, served by gunicorn on loopback."""
    t = build_timetable_school(session, world.school_a, world.year, (world.class_a, world.class_a_other))
    save_cell(session, t.class_8b, 1, 2, t.maths_8b.id, None, MONDAY)  # Иванова: 8Б, Monday, lesson 2
    session.commit()
    with served(database_url, tmp_path, today=None) as server:
        yield server.url, t


def test_secretary_sees_clash_message_for_double_booked_teacher(guarded_page, timetable_site, session):
    page = guarded_page
    url, t = timetable_site
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    missing = []
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    page.goto(f"{url}/login/")
    page.fill("#username", "secretary")
    page.fill("#password", PASSWORD)
    guide_shot(page, "login")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")

    page.goto(f"{url}/timetable/class/{t.class_7a.id}?week={MONDAY.isoformat()}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    guide_shot(page, "secretary-1-week")
    first = page.locator('td.tt-cell[data-weekday="1"][data-lesson-number="1"]')
    first.focus()
    page.keyboard.press("ArrowDown")  # Monday, lesson 2
    cell = page.locator('td.tt-cell[data-weekday="1"][data-lesson-number="2"]')
    assert cell.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    picker = page.locator("#tt-picker")
    assert picker.is_visible()
    assert page.evaluate("document.activeElement.id") == "tt-assignment"
    violations = axe_violations(page)  # the open picker: every field labelled
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]

    page.select_option("#tt-assignment", str(t.maths_7a.id))
    page.select_option("#tt-room", str(t.room_21.id))
    page.click("#tt-save")
    error = page.locator("#tt-picker-error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert "Учитель Иванова А.П. в это время уже ведёт урок" in text and "8Б" in text and "2-й урок" in text
    guide_shot(page, "secretary-2-clash")
    session.expire_all()
    assert session.query(TimetableSlot).filter_by(class_group_id=t.class_7a.id).count() == 0

    # Resolve: Russian with Петрова instead; the cell shows it without a reload.
    page.select_option("#tt-assignment", str(t.russian_7a.id))
    page.click("#tt-save")
    picker.wait_for(state="hidden")
    assert "Русский язык" in cell.inner_text() and "каб. 21" in cell.inner_text()
    assert "Сохранено" in page.locator("#tt-status").inner_text()
    guide_shot(page, "secretary-3-saved")
    assert cell.evaluate("el => el === document.activeElement")

    # Escape closes the picker and gives the focus back to the cell.
    page.keyboard.press("Enter")
    assert picker.is_visible()
    page.keyboard.press("Escape")
    assert picker.is_hidden() and cell.evaluate("el => el === document.activeElement")
    session.expire_all()
    assert session.query(TimetableSlot).filter_by(class_group_id=t.class_7a.id).count() == 1
    # No script error and no CSP refusal in the console.
    assert missing == []
    # Failed loads are checked above (the browser's own favicon request is not ours to serve).
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
