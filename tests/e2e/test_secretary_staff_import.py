"""The secretary imports three teachers: downloads the template, fills it, uploads it, checks the
preview and confirms; the staff list then shows them."""
from __future__ import annotations

import openpyxl
import pytest

from app.models import Staff
from tests.e2e.conftest import axe_violations, guide_shot, served
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

TEACHERS = [
    ["Смирнова Елена Викторовна", "учитель русского языка", "да", "smirnova@example.ru", "8 916 111-22-33"],
    ["Орлов Игорь Андреевич", "учитель физики", "да", "", ""],
    ["Белова Мария Сергеевна", "учитель начальных классов", "да", "", "+7 916 222-33-44"],
]


@pytest.fixture
def staff_site(app, world, database_url, tmp_path, browser_type_launch_args):
    """The test app's database with the factories' world (school_a's secretary), served by gunicorn."""
    with served(database_url, tmp_path, today=None) as server:
        yield server.url


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_secretary_imports_three_teachers_from_the_template(guarded_page, staff_site, session, world, tmp_path):
    page, url = guarded_page, staff_site
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.goto(f"{url}/login/")
    page.fill("#username", "secretary")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")

    # From the staff list to the import page.
    page.goto(f"{url}/staffview/list/")
    page.get_by_role("link", name="Импорт работников из файла").click()
    page.wait_for_url(f"{url}/staff-import/")
    assert_accessible(page)

    # The template: its header and example row; the school writes its teachers over the example.
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать шаблон (xlsx)").click()
    assert download.value.suggested_filename == "shablon-spisok-rabotnikov.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["ФИО", "должность", "ведёт уроки (да/нет)", "эл. почта", "телефон"]
    sheet.delete_rows(2)
    for row in TEACHERS:
        sheet.append(row)
    filled = tmp_path / "работники.xlsx"
    book.save(filled)

    page.set_input_files("#file", str(filled))
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_url(f"{url}/staff-import/preview")
    rows = page.locator("#staff-import-rows tbody tr")
    assert rows.count() == 3
    assert [rows.nth(n).locator("td").nth(1).inner_text() for n in range(3)] == [t[0] for t in TEACHERS]
    assert rows.nth(0).locator("td").nth(5).inner_text() == "+79161112233"
    assert page.get_by_text("новый работник").count() == 3
    assert "Будет добавлено работников: 3; обновлено записей: 0." in page.content()
    assert_accessible(page)
    guide_shot(page, "secretary-staff-1-preview")
    session.expire_all()
    assert session.query(Staff).filter_by(last_name="Смирнова").count() == 0  # nothing before the confirmation

    page.get_by_role("button", name="Подтвердить импорт").click()
    page.wait_for_url(f"{url}/staffview/list/")
    assert "Добавлено работников: 3; обновлено: 0." in page.content()
    listed = page.locator("table").last.inner_text()
    assert all(name in listed for name in ("Смирнова", "Орлов", "Белова"))
    guide_shot(page, "secretary-staff-2-list")

    session.expire_all()
    written = sorted((s.last_name, s.position, s.is_teacher, s.active)
                     for s in session.query(Staff).filter_by(school_id=world.school_a.id)
                     if s.last_name in ("Смирнова", "Орлов", "Белова"))
    assert written == [("Белова", "учитель начальных классов", True, True), ("Орлов", "учитель физики", True, True),
                       ("Смирнова", "учитель русского языка", True, True)]
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
