"""In a real browser on the demo region: the monitoring user computes September 2012 and downloads
the report; the ministry user opens the dashboard and sees the chart drawn (by our own charts.js)."""
import io

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_monitor_computes_month_and_downloads_report_then_ministry_sees_chart(guarded_page, live_server, browser):
    page = guarded_page
    sign_in(page, live_server, "monitor")
    page.goto(f"{live_server.url}/monitoring/dashboard?month=2012-09")
    page.click("#compute-button")
    page.wait_for_selector("text=рассчитано школ")
    using_card = page.locator("#card-schools .mon-big").inner_text()
    with page.expect_download() as download_info:
        page.click("#report-button")
    content = open(download_info.value.path(), "rb").read()
    book = load_workbook(io.BytesIO(content), data_only=True)
    summary = {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True) if r[0]}
    using, total = (int(x) for x in using_card.split("/"))
    assert (summary["Используют систему"], summary["Общеобразовательных школ"]) == (using, total)
    assert using > 0

    ministry = browser.new_context().new_page()
    sign_in(ministry, live_server, "ministry")
    ministry.goto(f"{live_server.url}/monitoring/dashboard?month=2012-09")
    ministry.wait_for_selector("figure.mon-chart svg rect.mon-bar")
    assert ministry.locator("figure.mon-chart").first.locator("svg line.mon-target").count() == 1
    assert ministry.locator("#card-schools .mon-big").inner_text() == using_card
    ministry.context.close()
