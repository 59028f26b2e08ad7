"""In a real browser on the demo region, whose today is 19.10.2012: the monitoring user computes
October, the month in progress, and the message accounts for all 1 400 schools; the ministry user
opens the dashboard, sees September (the last complete month) with the figures the database holds,
switches to October and sees it labelled incomplete, with no trend against September."""
import re

import pytest

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

SCHOOLS = 1400


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def using_in(server, month: str) -> int:
    return db_scalar(server, "SELECT count(*) FROM usage_snapshot WHERE month = :m AND uses_system", m=month)


def test_ministry_sees_september_then_october_labelled_incomplete(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "monitor")
    page.goto(f"{live_server.url}/monitoring/dashboard?month=2012-10")
    page.click("#compute-button")
    message = page.locator(".alert-success").first.inner_text()
    counts = re.search(r"рассчитано по журналу — (\d+); загружено из других систем — (\d+); введено вручную — (\d+); "
                       r"нет данных — (\d+)\. Всего школ — (\d+)\.", message)
    assert counts, message
    computed, imported, entered, no_data, total = (int(n) for n in counts.groups())
    assert "октябрь 2012 (неполный месяц: по 19.10.2012)" in message
    assert (computed, imported, entered, total) == (3, 0, 0, SCHOOLS)   # the three schools with journals here
    assert computed + imported + entered + no_data == SCHOOLS
    # Lessons after 19.10 are in the timetable but not due yet: only those up to 19.10 count.
    due = db_scalar(live_server, "SELECT sum(lessons_due) FROM usage_snapshot WHERE month = '2012-10-01'")
    lessons = ("SELECT count(*) FROM lesson WHERE NOT cancelled AND date >= '2012-10-01' AND date <= :until "
               "AND school_id IN (SELECT school_id FROM usage_snapshot WHERE month = '2012-10-01')")
    assert due == db_scalar(live_server, lessons, until="2012-10-19") < db_scalar(live_server, lessons, until="2012-10-31")
    guide_shot(page, "monitoring-3-october")
    page.goto(f"{live_server.url}/logout/")

    ministry = page
    sign_in(ministry, live_server, "ministry")
    ministry.goto(f"{live_server.url}/monitoring/dashboard")
    assert ministry.locator("h1").inner_text() == "Сводка по области: сентябрь 2012"
    assert ministry.locator("#month-state").count() == 0
    september_using = using_in(live_server, "2012-09-01")
    assert ministry.locator("#card-schools .mon-big").inner_text() == f"{september_using} / {SCHOOLS}"
    assert ministry.locator("#card-no-data .mon-big").inner_text() == "0"
    assert "входит в знаменатель доли" in ministry.locator("#no-data-rule").inner_text()
    ministry.wait_for_selector("figure.mon-chart svg rect.mon-bar")
    assert_accessible(ministry)
    guide_shot(ministry, "ministry-4-september")

    ministry.click("#month-current")
    ministry.wait_for_url(re.compile(r".*month=2012-10$"))
    assert ministry.locator("h1").inner_text() == "Сводка по области: октябрь 2012 (неполный месяц: по 19.10.2012)"
    assert ministry.locator("#month-state").inner_text().startswith("Неполный месяц: по 19.10.2012.")
    assert ministry.locator("#card-change .mon-big").inner_text().strip() == "—"
    assert "не показано: месяц не завершён" in ministry.locator("#card-change").inner_text()
    assert ministry.locator("#card-schools .mon-big").inner_text() == f"{using_in(live_server, '2012-10-01')} / {SCHOOLS}"
    assert ministry.locator("#card-no-data .mon-big").inner_text() == str(no_data)
    assert ministry.locator("#series-table tr[data-label='10.2012 (неполный)']").get_attribute("data-value") == ""
    assert_accessible(ministry)
    guide_shot(ministry, "ministry-5-october")
    ministry.click("#month-complete")
    ministry.wait_for_url(re.compile(r".*month=2012-09$"))
