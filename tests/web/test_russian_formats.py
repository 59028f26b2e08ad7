"""Every demo role walks every page it reaches on the demo region (tools/crawl_text.py's walk:
breadth first from the start page, 3 clicks, each kind of page once, GET only) and reads no date
or number the Russian way does not write (app.formats):

- no ISO date (2012-10-19, 2012-10-19 15:00:00) in a page's text, spoken attributes or input
  values, nor in the text cells of its xlsx and CSV downloads, and no xlsx date cell shown in
  another format than дд.мм.гггг;
- no number with a decimal point: a percentage («90.50%»), an hour's «1.0» in its cell, a share's
  «75.00» in its input, a mark type's «вес 1.5» in the journal's menu.

A text that matches and is not a date or a number is allowed below, each with its reason. The
pages are opened as the demo shows them: today is 19.10.2012 (APP_TODAY of `make run`)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import openpyxl
import pytest

from app.security.roles import DEMO_LOGINS
from tests.conftest import DEMO_PASSWORD
from tools import crawl_text

DEMO_TODAY = dt.date(2012, 10, 19)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates as a Russian page writes them, which have points between numbers too: 19.10.2012, 19.10
# (a day), 09.2012 (a month).
RUSSIAN_DATE = re.compile(r"(?<!\d)(?<!\d\.)(?:(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])(?:\.\d{4})?"
                          r"|(?:0[1-9]|1[0-2])\.\d{4})(?!\d|\.\d)")
POINT = re.compile(r"\d\.\d")
PERCENT = re.compile(r"\d\.\d+\s*%")
# (pages, text, why it has a point between numbers and is no number) — taken out before the check.
NOT_NUMBERS = [
    (re.compile(r"^/"), re.compile(r"(?:п\.|[Пп]ункт )4\.[1-3]\b"),
     "the items of order № 2613 the rollout carries out: п.4.1, «Пункт 4.2 приказа»"),
    (re.compile(r"^/(?:campaignview|milestoneview)/"), re.compile(r"^(?:\[value\] )?4\.[1-3]$"),
     "a milestone's own column: the item of order № 2613 it carries out"),
    (re.compile(r"^/"), re.compile(r"СанПиН 2\.4\.2\.2821-10"),
     "the sanitary rules that teach the 1st class without marks, cited on the assessment pages"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_defects(url: str, texts: list[str]) -> list[str]:
    """What the page's texts write the un-Russian way."""
    path = urlsplit(url).path
    found = []
    for text in texts:
        if ISO_DATE.search(text):
            found.append(f"an ISO date: {text!r}")
            continue
        rest = RUSSIAN_DATE.sub(" ", text)
        for pages, allowed, _why in NOT_NUMBERS:
            if pages.search(path):
                rest = allowed.sub(" ", rest)
        if PERCENT.search(rest):
            found.append(f"a percentage with a decimal point: {text!r}")
        elif POINT.search(rest):
            found.append(f"a number with a decimal point: {text!r}")
    return found


def download_defects(url: str, response) -> list[str]:
    """What an xlsx or CSV download writes the un-Russian way: text cells with an ISO date, date
    cells not shown as дд.мм.гггг."""
    found = []
    data = response.get_data()
    suffix = PurePosixPath(urlsplit(url).path).suffix
    if response.mimetype == XLSX or suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, str) and ISO_DATE.search(value):
                        found.append(f"{sheet.title}!{cell.coordinate}: an ISO date {value!r}")
                    elif isinstance(value, dt.date) and "dd.mm.yyyy" not in cell.number_format.lower():
                        found.append(f"{sheet.title}!{cell.coordinate}: a date shown as {cell.number_format!r}")
    elif response.mimetype == "text/csv" or suffix == ".csv":
        for line in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"):
            found += [f"CSV: an ISO date {field!r}" for field in line if ISO_DATE.search(field)]
    return found


@pytest.mark.parametrize("user", list(DEMO_LOGINS))
def test_every_page_of_the_demo_writes_dates_and_numbers_the_russian_way(demo_app, user):
    demo_app.config["TODAY"] = DEMO_TODAY
    client = demo_app.test_client()
    assert crawl_text.login(client, user, DEMO_PASSWORD), f"{user} could not log in"
    opened, defects = 0, []
    for url, lines, texts, response in crawl_text.walk(client):
        opened += 1
        if response is None:
            defects.append(f"{url}: not read ({'; '.join(lines[1:])})")
        elif texts is not None:
            defects += [f"{url}: {defect}" for defect in text_defects(url, texts)]
        elif response.status_code == 200:
            defects += [f"{url}: {defect}" for defect in download_defects(url, response)]
    assert opened > 1, f"{user} reached no page"
    assert opened < crawl_text.MAX_PAGES, f"{user} has more pages than the walk opens: raise MAX_PAGES"
    assert defects == [], "\n".join(defects)


@pytest.mark.parametrize("text, defect", [
    ("2012-10-19", "an ISO date"), ("Создано 2012-10-19 15:00:00", "an ISO date"),
    ("90.50%", "a percentage with a decimal point"), ("доля 75.5 %", "a percentage with a decimal point"),
    ("1.0", "a number with a decimal point"), ("[value] 75.00", "a number with a decimal point"),
    ("Ответ на уроке (отв, вес 1.5)", "a number with a decimal point"),
    ("19.10.2012: 4.25", "a number with a decimal point"),
])
def test_the_walk_sees_what_is_not_russian(text, defect):
    assert [found.split(":")[0] for found in text_defects("/pupilview/list/", [text])] == [defect]


@pytest.mark.parametrize("text", ["19.10.2012", "19.10.2012 13:30", "90,5%", "75,0", "19.10", "09.2012",
                                  "1", "[value] 23.10.2012", "СОШ № 2", "вес 1,5", "08.10.2012 – 14.10.2012",
                                  "п.4.1 Назначено ответственное лицо",
                                  "(СанПиН 2.4.2.2821-10, п. 10.10)", "Пункт 4.2 приказа. Состояние на 19.10.2012."])
def test_the_walk_passes_what_is_russian(text):
    assert text_defects("/pupilview/list/", [text]) == []


def test_order_items_are_allowed_on_the_milestone_pages_only():
    assert text_defects("/milestoneview/show/3", ["4.1"]) == []
    assert text_defects("/teachingassignmentview/list/", ["4.1"]) == ["a number with a decimal point: '4.1'"]
