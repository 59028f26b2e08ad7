"""In a real browser on the demo region: the monitoring user computes September 2012 and downloads
the report as xlsx and as docx; the ministry user opens the dashboard and sees the chart drawn (by
our own charts.js), then the control page with its greens, yellows and reds and the legend that
explains them."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_monitor_computes_month_and_downloads_report_then_ministry_sees_chart(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "monitor")
    page.goto(f"{live_server.url}/monitoring/dashboard?month=2012-09")
    assert_accessible(page)
    guide_shot(page, "monitoring-1-dashboard")
    page.click("#compute-button")
    page.wait_for_selector("text=рассчитано по журналу")
    assert "Всего школ — 1400." in page.locator(".alert-success").first.inner_text()
    guide_shot(page, "monitoring-2-computed")
    assert db_scalar(live_server, "SELECT count(*) FROM usage_snapshot WHERE month = '2012-09-01'") > 0
    using_card = page.locator("#card-schools .mon-big").inner_text()
    with page.expect_download() as download_info:
        page.click("#report-button")
    content = open(download_info.value.path(), "rb").read()
    book = load_workbook(io.BytesIO(content), data_only=True)
    summary = {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True) if r[0]}
    using, total = (int(x) for x in using_card.split("/"))
    assert (summary["Используют систему"], summary["Общеобразовательных школ"]) == (using, total)
    assert using > 0
    # The same справка as a Word document: its region total is the card's.
    with page.expect_download() as download_info:
        page.click("#report-docx-button")
    assert download_info.value.suggested_filename == "analiticheskaya-spravka-2012-09.docx"
    document = Document(download_info.value.path())
    assert document.paragraphs[0].text.endswith("за сентябрь 2012")
    total_row = [cell.text for cell in document.tables[0].rows[-1].cells]
    assert total_row[1:4] == ["Итого по области", str(total), str(using)]

    # The ministry user, in the same guarded page (nothing may leave 127.0.0.1 for either).
    ministry = page
    ministry.goto(f"{live_server.url}/logout/")
    sign_in(ministry, live_server, "ministry")
    ministry.goto(f"{live_server.url}/monitoring/dashboard?month=2012-09")
    ministry.wait_for_selector("figure.mon-chart svg rect.mon-bar")
    assert ministry.locator("figure.mon-chart").first.locator("svg line.mon-target").count() == 1
    assert ministry.locator("#card-schools .mon-big").inner_text() == using_card
    assert_accessible(ministry)
    guide_shot(ministry, "ministry-2-chart", "figure.mon-chart")
    # Bars below the target in the warning colour, the lowest share first.
    assert ministry.locator("figure.mon-chart").first.locator("svg rect.mon-bar-below").count() > 0

    ministry.goto(f"{live_server.url}/rollout/control/")
    counts = {light: int(ministry.locator(f'[data-light-count="{light}"] strong').inner_text())
              for light in ("red", "yellow", "green")}
    assert all(counts.values()) and sum(counts.values()) == 72, counts
    assert ministry.locator("#legend").get_by_text("не менее 95 % школ").count() == 1
    assert_accessible(ministry)
    guide_shot(ministry, "ministry-3-control")
