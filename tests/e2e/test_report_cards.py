"""The demo director prints 5А's report cards and opens its year sheet, in Chromium: the cards print
to PDF as one A4 page per pupil (one pupil's card alone: one page), the year sheet as a landscape page per quarter and one for the
year. With GUIDE_SCREENSHOTS=1 it takes the director guide's pictures (docs/img/director-6-cards.png,
director-7-year-sheet.png)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
PUPILS_OF_5A = """
SELECT count(*) FROM pupil p JOIN class_group c ON c.id = p.class_group_id JOIN school s ON s.id = c.school_id
WHERE c.grade = 5 AND c.letter = 'А' AND s.id = (SELECT school_id FROM staff WHERE user_id =
      (SELECT id FROM ab_user WHERE username = 'director'))
"""


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def pdf_pages(pdf: bytes) -> tuple[int, set]:
    """(pages, the set of (width, height) of their media boxes, rounded to a point)."""
    boxes = {(round(float(w)), round(float(h))) for w, h in MEDIA_BOX.findall(pdf)}
    return len(PDF_PAGE.findall(pdf)), boxes


def test_director_prints_5a_report_cards_and_opens_the_year_sheet(guarded_page, live_server):
    page = guarded_page
    pupils = db_scalar(live_server, PUPILS_OF_5A)
    assert pupils > 10
    sign_in(page, live_server, "director")
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Журнал", exact=True).click()
    page.wait_for_url(f"{live_server.url}/journal/")
    page.locator("xpath=//h2[normalize-space()='Класс 5А']/following-sibling::p[1]//a[normalize-space()='Табели успеваемости']").click()
    page.wait_for_url("**/journal/cards/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Табели успеваемости 5А")
    page.get_by_role("link", name="1 четверть", exact=True).click()
    page.wait_for_url("**/journal/cards/*/?period=*")
    sheets = page.locator(".report-card")
    expect(sheets).to_have_count(pupils)
    first = sheets.first
    expect(first.locator("thead")).to_contain_text("1 четверть")
    expect(first).to_contain_text("Пропущено уроков")
    expect(first).to_contain_text("из них по болезни")
    expect(first.locator(".sheet-signatures")).to_contain_text("19.10.2012")
    no_violations(page)
    guide_shot(page, "director-6-cards")

    # «Печать» calls the browser's print (a script file: the CSP allows no inline script).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Печать").click()
    assert page.evaluate("() => window.printed") == 1

    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.get_by_role("button", name="Печать").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    (live_server.log_path.parent / "cards.pdf").write_bytes(pdf)
    count, boxes = pdf_pages(pdf)
    assert count == pupils, (count, pupils)
    assert boxes == {(596, 843)}, boxes  # A4 portrait, in points
    page.emulate_media(media="screen")

    # One pupil's card: one page.
    name = first.locator(".sheet-who strong").inner_text()
    first.get_by_role("link", name="Табель только этого ученика").click()
    page.wait_for_url("**/journal/cards/*/?period=*&pupil=*")
    expect(page.locator(".report-card")).to_have_count(1)
    expect(page.locator(".report-card .sheet-who strong")).to_have_text(name)
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(format="A4", print_background=True))[0] == 1
    page.emulate_media(media="screen")

    # The year sheet: a table per quarter and the year's, each a landscape A4 page.
    page.get_by_role("link", name="К классу").click()
    page.wait_for_url("**/classgroupview/show/*")
    page.get_by_role("link", name="Сводная ведомость за год").click()
    page.wait_for_url("**/journal/cards/*/year/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Сводная ведомость 5А")
    tables = page.locator(".year-sheet")
    expect(tables).to_have_count(5)
    expect(tables.last.locator("h2")).to_have_text("Сводная ведомость класса 5А: Год")
    expect(tables.first.locator("tbody tr")).to_have_count(pupils)
    no_violations(page)
    guide_shot(page, "director-7-year-sheet")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (live_server.log_path.parent / "year-sheet.pdf").write_bytes(pdf)
    count, boxes = pdf_pages(pdf)
    assert count == 5 and boxes == {(842, 595)}, (count, boxes)
