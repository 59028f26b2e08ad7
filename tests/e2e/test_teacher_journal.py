"""In a real browser: the teacher types marks and an absence by keyboard only, reloads, finds them
saved; then the director opens the cell's history. Our own small world, served by gunicorn on loopback."""
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, served
from tests.factories import PASSWORD
from tests.journal_helpers import build_journal_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def journal_server(app, session, database_url, tmp_path, browser_type_launch_args):
    jw = build_journal_world(session, app.appbuilder.sm)
    ids = SimpleNamespace(assignment=jw.assignment.id, lessons=[l.id for l in jw.lessons], pupils=[p.id for p in jw.pupils])
    session.commit()
    session.remove()
    with served(database_url, tmp_path, today=None) as server:
        server.jw = ids
        yield server


def sign_in(page, server, username):
    page.goto(f"{server.url}/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/")


def test_teacher_types_marks_and_absence_by_keyboard_and_finds_them_after_reload(guarded_page, journal_server):
    page, server = guarded_page, journal_server
    jw = server.jw
    lesson = jw.lessons[1]
    first, second, third = jw.pupils
    sign_in(page, server, "teacher")
    page.goto(f"{server.url}/journal/{jw.assignment}/?period=")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    guide_shot(page, "teacher-1-grid")
    cell = f'tr[data-pupil="{first}"] input[data-lesson="{lesson}"]'
    page.focus(cell)                             # where Tab would bring the teacher; no mouse from here on
    page.keyboard.type("5")
    page.keyboard.press("Enter")                 # saves, moves down to the second pupil
    page.keyboard.type("н")
    page.keyboard.press("Enter")                 # moves down to the third pupil
    page.keyboard.type("3/4")
    page.keyboard.press("Tab")                   # moves right to the next lesson
    page.keyboard.type("7")                      # refused: outside the scale
    page.keyboard.press("Shift+Tab")           # leaving the cell saves it: refused
    # (the page's CSP forbids eval, so waits go through locators, not wait_for_function)
    expect(page.locator("input.cell-input.saved")).to_have_count(3)
    expect(page.locator("#journal-status")).to_contain_text("не отметка")
    guide_shot(page, "teacher-2-marks")

    page.reload()
    assert page.input_value(cell) == "5"
    assert page.input_value(f'tr[data-pupil="{second}"] input[data-lesson="{lesson}"]') == "н"
    assert page.input_value(f'tr[data-pupil="{third}"] input[data-lesson="{lesson}"]') == "3/4"
    assert page.input_value(f'tr[data-pupil="{third}"] input[data-lesson="{jw.lessons[2]}"]') == ""
    assert page.inner_text(f'tr[data-pupil="{third}"] .avg') == "3,50"
    # Changing a saved mark sends back the version the page was given (without it: refused as stale).
    page.fill(cell, "4")
    page.keyboard.press("Enter")
    expect(page.locator(f"{cell}.saved")).to_have_count(1)
    assert db_scalar(server, "SELECT value FROM mark WHERE lesson_id = :l AND pupil_id = :p", l=lesson, p=first) == 4

    # Topic and homework from the column header, by keyboard.
    page.focus(f'th.lesson[data-lesson="{lesson}"] button')
    page.keyboard.press("Enter")
    expect(page.locator("#lesson-homework")).to_be_enabled()  # the lesson's homework is read when the panel opens
    page.keyboard.type("Сложение дробей")
    page.keyboard.press("Tab")
    page.keyboard.type("№ 5, 6")
    guide_shot(page, "teacher-3-topic")
    for field in ("homework-due", "homework-audience", "homework-files", "lesson-type", "lesson-save"):
        page.keyboard.press("Tab")               # the due day, for whom, the files, the kind of work, «Сохранить»
        assert page.evaluate("document.activeElement.id") == field
    page.keyboard.press("Enter")
    expect(page.locator("#journal-status")).to_have_text("Сохранено")
    page.reload()
    assert page.get_attribute(f'th.lesson[data-lesson="{lesson}"]', "data-topic") == "Сложение дробей"
    assert page.get_attribute(f'th.lesson[data-lesson="{lesson}"]', "data-homework") == "№ 5, 6"
    # What the keyboard stored: two marks (5 and 3/4 → three values), one absence, the topic.
    assert db_scalar(server, "SELECT count(*) FROM mark WHERE lesson_id = :l", l=lesson) == 3
    assert db_scalar(server, "SELECT count(*) FROM absence WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson, p=second) == 1
    assert db_scalar(server, "SELECT text FROM homework WHERE lesson_id = :l", l=lesson) == "№ 5, 6"

    page.goto(f"{server.url}/logout/")
    sign_in(page, server, "director")
    page.goto(f"{server.url}/journal/{jw.assignment}/")
    page.click(cell)
    page.click("#cell-history")
    page.wait_for_selector("#history-panel:not([hidden]) tbody tr")
    assert "5 (отв)" in page.inner_text("#history-panel")
    assert "teacher" in page.inner_text("#history-panel")
    guide_shot(page, "director-2-history")

    # The director's period page (closing a quarter stops changes in it): readable, accessible.
    page.goto(f"{server.url}/journal/periods/")
    assert "Закрытие периодов" in page.inner_text("h1")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_absentees_save_from_a_page_read_before_the_directors_absence_is_refused(guarded_page, journal_server,
                                                                                 browser):
    page, server = guarded_page, journal_server
    jw = server.jw
    lesson = jw.lessons[2]
    first, second, _third = jw.pupils
    grid_url = f"{server.url}/journal/{jw.assignment}/?period="
    sign_in(page, server, "teacher")
    page.goto(grid_url)                          # the column is empty on the teacher's page

    director = browser.new_context().new_page()
    sign_in(director, server, "director")
    director.goto(grid_url)
    director.fill(f'tr[data-pupil="{first}"] input[data-lesson="{lesson}"]', "б")
    director.keyboard.press("Enter")
    expect(director.locator("input.cell-input.saved")).to_have_count(1)
    director.context.close()

    page.click(f'th.lesson[data-lesson="{lesson}"] button')
    page.check(f'.absentees-list input[value="{second}"]')
    page.click("#absentees-run")
    # The grid sent the versions it showed: refused, the column shows the director's absence.
    expect(page.locator("#journal-status")).to_have_text("Отметку уже изменил другой пользователь, клетка обновлена")
    first_cell = page.locator(f'tr[data-pupil="{first}"] input[data-lesson="{lesson}"]')
    expect(first_cell).to_have_value("б")
    expect(first_cell).to_have_class("cell-input stale")
    expect(page.locator(f'.absentees-list input[value="{first}"]')).to_be_checked()
    assert db_scalar(server, "SELECT count(*) FROM absence WHERE lesson_id = :l", l=lesson) == 1

    # Saved again from the refreshed column: the director's «б» stays, the second pupil is absent.
    page.check(f'.absentees-list input[value="{second}"]')
    with page.expect_navigation():
        page.click("#absentees-run")
    assert db_scalar(server, "SELECT code FROM absence WHERE lesson_id = :l AND pupil_id = :p", l=lesson, p=first) == "б"
    assert db_scalar(server, "SELECT count(*) FROM absence WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson, p=second) == 1
