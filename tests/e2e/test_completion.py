"""The completion report in a real browser: the demo director opens it from the menu, picks a week,
sees the table and downloads the xlsx; the page is accessible and loads nothing from outside."""
import pytest

from tests.e2e.conftest import axe_violations, guide_shot, sign_in

pytestmark = pytest.mark.e2e


def test_director_opens_the_completion_report_and_downloads_it(guarded_page, live_server, tmp_path):
    page = guarded_page
    sign_in(page, live_server, "director")
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Заполнение журналов").click()
    page.wait_for_url(f"{live_server.url}/completion/")
    page.fill("#date-pick", "17.10.2012")
    page.keyboard.press("Escape")  # the calendar closes; the typed date stays
    page.check("#period-week")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**date=17.10.2012**")
    assert "неделя 15.10.2012 – 21.10.2012" in page.content()
    rows = page.locator("#completion-table tbody tr")
    assert rows.count() > 5
    guide_shot(page, "director-3-completion")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать в Excel (xlsx)").click()
    assert download.value.suggested_filename.endswith("-2012-10-15.xlsx")


def test_coordinator_overview_opens_a_school(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "municipal")
    page.goto(f"{live_server.url}/completion/?period=week&date=2012-10-17")
    assert "Заполнение журналов: школы муниципалитета" in page.content()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    page.locator("#completion-table tbody tr th a").first.click()
    page.wait_for_url("**school=**")
    assert page.locator("#completion-table tbody tr").count() > 5
