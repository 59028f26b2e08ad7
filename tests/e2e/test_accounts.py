"""In a real browser, on the demo region: the secretary gives three teachers their accounts and
prints their login slips; the administrator creates a coordinator for Клинский муниципальный район,
who logs in with the slip's code, sets a password and sees that municipality only."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from app.accounts.codes import code_hash
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
KLIN = "Клинский муниципальный район"
KLIN_PASSWORD = "Тихая-заводь-под-ивой-47"


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def unused_codes_of(server, login: str) -> list[str]:
    """The hashes of the login's unused codes (the table keeps nothing else)."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(
                "SELECT c.code_hash FROM one_time_code c JOIN ab_user u ON u.id = c.user_id "
                "WHERE u.username = :login AND c.used_at IS NULL"), {"login": login}).scalars())
    finally:
        engine.dispose()


def test_the_secretary_gives_three_teachers_their_accounts(guarded_page, live_server):
    page, server = guarded_page, live_server
    sign_in(page, server, "secretary")
    page.get_by_role("button", name="Учётные записи", exact=True).click()
    page.get_by_role("link", name="Учётные записи работников").click()
    page.wait_for_url(f"{server.url}/staff-accounts/")
    assert_accessible(page)
    rows = page.locator("table.staff-without-accounts tbody tr").filter(has_text="учитель")
    names = [rows.nth(n).locator("label").inner_text() for n in range(3)]
    for n in range(3):
        rows.nth(n).locator('input[type="checkbox"]').check()
    guide_shot(page, "secretary-accounts-1-choose")
    page.get_by_role("button", name="Далее").click()
    page.wait_for_url(re.compile(r".*/staff-accounts/issue\?.*"))
    assert_accessible(page)
    form_rows = page.locator("table.staff-issue tbody tr")
    assert form_rows.count() == 3
    for n in range(3):
        assert form_rows.nth(n).locator("select[name^='role-']").input_value() == "Учитель"
        assert form_rows.nth(n).locator("select[name^='delivery-']").input_value() == "slip"
    logins = [form_rows.nth(n).locator("input[name^='login-']").input_value() for n in range(3)]
    assert all(re.fullmatch(r"[a-z]+\.[a-z]{2}\d*", login) for login in logins), logins
    guide_shot(page, "secretary-accounts-2-form")
    page.get_by_role("button", name="Выдать учётные записи").click()
    page.get_by_text("Создано учётных записей: 3.").wait_for()
    assert_accessible(page)
    slips = page.locator("main, body").first.inner_text()
    printed = CODE.findall(slips)
    assert len(printed) == 3 and all(name in slips for name in names) and all(login in slips for login in logins)
    guide_shot(page, "secretary-accounts-3-slips")
    for login, code in zip(logins, printed, strict=True):
        assert unused_codes_of(server, login) == [code_hash(code)]
    linked = db_scalar(server, "SELECT count(*) FROM staff s JOIN ab_user u ON u.id = s.user_id "
                               "JOIN ab_user_role ur ON ur.user_id = u.id JOIN ab_role r ON r.id = ur.role_id "
                               "WHERE r.name = 'Учитель' AND u.username IN (:a, :b, :c)",
                       a=logins[0], b=logins[1], c=logins[2])
    assert linked == 3

    # The new accounts are on the school's list, not yet used.
    page.goto(f"{server.url}/accounts/?q={logins[0]}")
    assert page.locator("table.accounts-list tbody tr").count() == 1
    assert "не входил(а)" in page.locator("table.accounts-list").inner_text()


def test_the_administrator_creates_a_coordinator_for_klin_who_sees_only_klin(guarded_page, live_server):
    page, server = guarded_page, live_server
    sign_in(page, server, "admin")
    page.goto(f"{server.url}/accounts/new/")
    assert_accessible(page)
    page.select_option("#role", "Муниципальный координатор")
    page.fill("#full_name", "Клинова Ольга Ивановна")
    page.select_option("#municipality_id", label=KLIN)
    page.select_option("#delivery", "slip")
    guide_shot(page, "admin-accounts-1-new")
    page.get_by_role("button", name="Создать учётную запись").click()
    page.get_by_text("Учётная запись «klinova.oi» создана.").wait_for()
    slip = page.locator("body").inner_text()
    [code] = CODE.findall(slip)
    assert "Муниципальный координатор: " + KLIN in slip
    guide_shot(page, "admin-accounts-2-slip")
    assert unused_codes_of(server, "klinova.oi") == [code_hash(code)]

    # The first login: the slip's code in the password field, then a password of her own.
    page.goto(f"{server.url}/logout/")
    page.goto(f"{server.url}/login/")
    page.fill("#username", "klinova.oi")
    page.fill("#password", code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/login/password/")
    page.fill("#password", KLIN_PASSWORD)
    page.fill("#repeat", KLIN_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_url(f"{server.url}/")
    assert unused_codes_of(server, "klinova.oi") == []
    page.goto(f"{server.url}/logout/")
    sign_in(page, server, "klinova.oi", KLIN_PASSWORD)

    page.goto(f"{server.url}/municipalityview/list/")
    listed = page.locator("table tbody tr")
    assert listed.count() == 1 and KLIN in listed.first.inner_text()
    klin_schools = db_scalar(server, "SELECT count(*) FROM school s JOIN municipality m ON m.id = s.municipality_id "
                                     "WHERE m.name = :name", name=KLIN)
    page.goto(f"{server.url}/schoolview/list/?psize_SchoolView=100")
    shown = page.locator("table tbody tr")
    assert klin_schools > 0 and shown.count() == klin_schools
    guide_shot(page, "admin-accounts-3-klin-schools")
    other = db_scalar(server, "SELECT s.id FROM school s JOIN municipality m ON m.id = s.municipality_id "
                              "WHERE m.name <> :name ORDER BY s.id LIMIT 1", name=KLIN)
    assert page.goto(f"{server.url}/schoolview/show/{other}").status == 404
    # The coordinator's accounts page: Клин's school administrations only, none yet.
    page.goto(f"{server.url}/accounts/")
    assert "Найдено учётных записей: 0" in page.locator("#accounts-count").inner_text()
