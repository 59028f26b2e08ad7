"""The login page and the start page in a real browser: Russian, local assets only, accessible."""
import pytest

from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


def test_login_page_is_russian_local_and_accessible(guarded_page, live_server):
    page = guarded_page
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("button", name="Войти").count() + page.locator("input[type=submit]").count() >= 1
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_teacher_signs_in_and_sees_russian_start_page(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "teacher")
    assert "Вы вошли как" in page.content()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
