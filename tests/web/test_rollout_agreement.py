"""One source for the report and the pages: on the demo region, as of 30.09.2012, the report's
«Внедрение» sheet, the control page and the dashboard's list of overdue milestones say the same,
for every municipality and every milestone, cell by cell.

(The demo's report once showed seven municipalities «в норме» that the control page marked red
or yellow: each had computed its own status from the plan's and readiness' fields.)"""
from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from openpyxl import load_workbook

from app.extensions import db
from tests.conftest import DEMO_PASSWORD, csrf_token, login

DAY = dt.date(2012, 9, 30)
# The sheet's columns (0-based) of each milestone of the demo's campaign: (share, words).
COLUMNS = {
    "plan_approved": (None, 4), "responsible_appointed": (None, 5), "normative_acts": (6, 7),
    "system_chosen": (8, 9), "hardware_ready": (10, 11), "staff_trained": (12, 13), "usage_share": (14, 15),
}
LIGHT_WORDS = {"green": "в норме", "yellow": "отстаёт", "red": "сильно отстаёт", "grey": "сроки не наступили"}
ROW = re.compile(r'<tr data-municipality="\d+">\s*<th scope="row"><a [^>]*>([^<]*)</a></th>\s*<td><span '
                 r'class="rollout-status lt-\w+" data-light="(\w+)">.*?</tr>', re.S)
CELL = re.compile(r'<td class="grade [^"]*" data-milestone="(\w+)" data-light="\w+" data-status="\w+" '
                  r'data-share="([^"]*)">.*?<span class="grade-text">([^<]*)</span></td>', re.S)


@pytest.fixture
def documents(demo_app):
    """(the control page, the report's rows, the dashboard) as the ministry and the monitoring see them."""
    demo_app.config["TODAY"] = DAY
    client = demo_app.test_client()
    login(client, "monitor", DEMO_PASSWORD)
    report = client.post("/monitoring/report", data={"month": "2012-09",
                                                     "csrf_token": csrf_token(client, "/monitoring/register")})
    assert report.status_code == 200
    client.get("/logout/")
    login(client, "ministry", DEMO_PASSWORD)
    control = client.get("/rollout/control/").get_data(as_text=True)
    dashboard = client.get("/monitoring/dashboard?month=2012-09").get_data(as_text=True)
    rows = list(load_workbook(io.BytesIO(report.data), data_only=True)["Внедрение"].iter_rows(values_only=True))
    yield control, rows, dashboard
    db.session.rollback()


def _page_rows(control):
    """[(name, light, {milestone: (share or None, words)})] in the page's order."""
    result = []
    for match in ROW.finditer(control):
        cells = {code: (float(share) / 100 if share else None, html.unescape(words))
                 for code, share, words in CELL.findall(match.group(0))}
        result.append((html.unescape(match.group(1)), match.group(2), cells))
    return result


def _sheet_rows(rows):
    start = next(i for i, r in enumerate(rows) if r[1] == "Муниципальное образование") + 2
    data = []
    for r in rows[start:]:
        if not isinstance(r[0], int):
            break
        data.append(r)
    return data, rows[start + len(data):]


def test_report_control_page_and_dashboard_agree_for_every_municipality(documents):
    control, rows, dashboard = documents
    page = _page_rows(control)
    sheet, totals = _sheet_rows(rows)
    assert len(page) == len(sheet) == 72
    for (name, light, cells), row in zip(page, sheet):
        assert row[1] == name
        assert row[2] == LIGHT_WORDS[light], name
        for code, (share_col, words_col) in COLUMNS.items():
            share, words = cells[code]
            assert row[words_col] == words, (name, code)
            if share_col is not None:
                assert row[share_col] == pytest.approx(share) if share is not None else row[share_col] is None, (
                    name, code)
    # The lights the page counts are the sheet's.
    lights = {light: int(n) for light, n in re.findall(r'data-light-count="(\w+)">[^<]*<strong>(\d+)</strong>', control)}
    sheet_lights = {r[1]: r[2] for r in totals if r[1] in LIGHT_WORDS.values()}
    assert sheet_lights == {LIGHT_WORDS[light]: n for light, n in lights.items()}
    assert sum(lights.values()) == 72

    # The dashboard's overdue list: municipalities and schools per milestone, as the sheet totals them.
    overdue_row = next(r for r in totals if r[1] == "С просрочкой: муниципальных образований")
    schools_row = next(r for r in totals if r[1] == "С просрочкой: школ")
    items = [html.unescape(i) for i in re.findall(r"<li>(п\.[^<]*)</li>", dashboard)]
    assert items, "the dashboard lists overdue milestones"
    listed = {}
    for item in items:
        found = re.search(r"муниципальных образований — (\d+)(?:, школ — (\d+))?$", item)
        listed[item.split(" (срок")[0]] = (int(found.group(1)), int(found.group(2) or 0))
    headers = rows[next(i for i, r in enumerate(rows) if r[1] == "Муниципальное образование")]
    for code, (_share_col, words_col) in COLUMNS.items():
        title = next(h for h in headers[4:words_col + 1][::-1] if h).split(" (до ")[0]
        municipalities = overdue_row[words_col]
        schools = schools_row[words_col] or 0
        if municipalities:
            assert listed[title] == (municipalities, schools), code
        else:
            assert title not in listed, code
    footer = dict(((m, kind), int(n)) for m, kind, n in re.findall(
        r'class="total" data-milestone="(\w+)" data-overdue="(\w+)">(\d+)', control))
    for code, (_share_col, words_col) in COLUMNS.items():
        assert footer[(code, "municipalities")] == overdue_row[words_col], code
        if code in ("normative_acts", "system_chosen", "hardware_ready", "staff_trained"):
            assert footer[(code, "schools")] == schools_row[words_col], code
