"""Subjects taught without marks in a real browser, on the demo region: the director finds the first
grades without marks by default and leaves the first quarter of 2А without marks; the grid of a
first grade shows no averages and refuses «5» with the Russian reason, and takes an absence."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

REFUSAL = "Отметка «5» не ставится: предмет в этом классе и периоде изучается без отметок."


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_director_sets_a_quarter_without_marks(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "director")
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Предметы без отметок").click()
    page.wait_for_url(f"{live_server.url}/journal/assessment/")
    first_grade = page.locator("tbody tr", has=page.get_by_role("link", name="1А", exact=True))
    expect(first_grade.locator("td").first).to_have_text("без отметок")
    no_violations(page)

    page.get_by_role("link", name="2А", exact=True).click()
    page.wait_for_url("**/journal/assessment/*/")
    page.get_by_label("Все предметы, 1 четверть").select_option("unmarked")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".alert-success")).to_contain_text("Сохранено. Изменено клеток:")
    expect(page.get_by_label("Математика, 1 четверть")).to_have_value("unmarked")
    expect(page.get_by_label("Математика, 2 четверть")).to_have_value("")
    expect(page.locator(".assessment-who").first).to_contain_text("задано:")
    no_violations(page)
    guide_shot(page, "director-5-assessment")


def test_grade_one_grid_shows_no_averages_and_refuses_a_mark(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "director")
    page.goto(f"{live_server.url}/journal/")
    page.locator("xpath=//h2[normalize-space()='Класс 1А']/following-sibling::ul[1]//a[starts-with(normalize-space(), 'Математика')]").click()
    page.wait_for_url("**/journal/*/")
    expect(page.locator(".journal-unmarked")).to_contain_text("изучается без отметок")
    # No average, count or proposal column, no class averages, no period result.
    expect(page.locator("#journal-grid thead")).not_to_contain_text("Средний балл")
    for absent in ("td.avg", "td.count", "td.proposal", "td.cell-average", "input.period-input"):
        expect(page.locator(absent)).to_have_count(0)
    expect(page.locator("#journal-grid tbody tr").first.locator("td.abs")).to_have_count(1)
    no_violations(page)

    row = page.locator("#journal-grid tbody tr").first
    cell = row.locator("input.cell-input[value='']:not([readonly])").first
    lesson_id, pupil_id = cell.get_attribute("data-lesson"), row.get_attribute("data-pupil")
    cell.focus()
    page.keyboard.type("5")
    page.keyboard.press("Tab")                   # leaving the cell saves it: refused
    expect(page.locator("#journal-status")).to_contain_text(REFUSAL)
    expect(cell).to_have_value("")
    guide_shot(page, "teacher-unmarked-1-grid")
    assert db_scalar(live_server, "SELECT count(*) FROM mark WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson_id, p=pupil_id) == 0

    cell.focus()
    page.keyboard.type("н")
    page.keyboard.press("Tab")
    expect(page.locator(f'input.cell-input.saved[data-lesson="{lesson_id}"]')).to_have_count(1)
    assert db_scalar(live_server, "SELECT code FROM absence WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson_id, p=pupil_id) == "н"
