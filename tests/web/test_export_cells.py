"""Formula injection: every export of the demo region, with hostile text in every column that
reaches one, has no formula cell and shows the text verbatim (no apostrophe in front).

Each text column gets one of the hostile values below, the row id after it keeping unique names
unique. The export list and the list of modules that write spreadsheets or CSV are checked
against each other, so a new export joins EXPORTS or this test fails."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import (Campaign, ClassGroup, Homework, JournalSystem, Lesson, Municipality, Pupil, RolloutPlan,
                        School, Staff, StudyPeriod, Subject)
from app.exports.cells import FORMULA_PREFIXES
from app.security.scope import load_scope
from tests.conftest import DEMO_PASSWORD, csrf_token, login

APP = Path(__file__).resolve().parents[2] / "app"
LINK = '=HYPERLINK("http://example.com/x","Открыть")'
PHONE = "+7 916 000-00-00"
SUM = "@SUM(A1)"
MINUS = "-1+1"
AMP = "Тест & Co &P"

# column -> the hostile text it gets (then a space and the row id); "reasons" (substitutions, journal
# changes) reach no export.
HOSTILE = {
    Municipality.name: LINK,
    School.name: PHONE,
    School.short_name: LINK,
    Pupil.last_name: MINUS,
    Pupil.first_name: SUM,
    Staff.last_name: LINK,
    StudyPeriod.name: LINK,
    Subject.name: MINUS,
    Lesson.topic: SUM,
    Homework.text: PHONE,
    JournalSystem.name: SUM,
    Campaign.title: AMP + " " + LINK,
    Campaign.order_number: MINUS,
    RolloutPlan.approval_doc_number: PHONE,
    RolloutPlan.responsible_full_name: LINK,
}


def _make_hostile(session) -> None:
    for column, text in HOSTILE.items():
        table = column.class_
        key = table.__mapper__.primary_key[0]
        ids = session.scalars(select(key)).all()
        for pk in ids:
            session.execute(update(table).where(key == pk).values({column.key: f"{text} {pk}"}))
    session.commit()


def _exports(app, session):
    """(user, method, url) of every export; ids from the demo."""
    director = app.appbuilder.sm.find_user(username="director")
    school = load_scope(session, director).school_id
    class_group = session.scalar(select(ClassGroup).where(ClassGroup.school_id == school)
                                 .order_by(ClassGroup.grade, ClassGroup.letter))
    period = session.scalar(select(StudyPeriod.id).where(StudyPeriod.school_id == school).order_by(StudyPeriod.starts_on))
    teacher = session.scalar(select(Staff.id).where(Staff.school_id == school).order_by(Staff.id))
    return {
        "journal report": ("director", "GET", f"/journal/class/{class_group.id}/report.xlsx?period={period}"),
        "journal archive": ("director", "GET", f"/journal/class/{class_group.id}/archive.xlsx?period={period}"),
        "completion": ("director", "GET", "/completion/export?period=week&date=2012-10-15"),
        "timetable school": ("director", "GET", "/timetable/export?kind=school&week=2012-10-15"),
        "timetable class": ("director", "GET", f"/timetable/export?kind=class&id={class_group.id}&week=2012-10-15"),
        "timetable teacher": ("director", "GET", f"/timetable/export?kind=teacher&id={teacher}&week=2012-10-15"),
        "pupil import template": ("secretary", "GET", "/pupil-import/template.xlsx"),
        "staff import template": ("secretary", "GET", "/staff-import/template.xlsx"),
        "monitoring csv": ("monitor", "GET", "/monitoring/export?month=2012-09"),
        "monitoring import template": ("monitor", "GET", "/monitoring/import/template"),
        "monitoring import template csv": ("monitor", "GET", "/monitoring/import/template?format=csv"),
        "analytical report": ("monitor", "POST", "/monitoring/report"),
        "rollout control": ("ministry", "GET", "/rollout/control/xlsx"),
    }


# Which module writes which export: a module that writes xlsx or CSV and is not here is not tested.
WRITERS = {
    "app/journal/reports.py": "journal report",
    "app/journal/archive.py": "journal archive",
    "app/monitoring/completion.py": "completion",
    "app/timetable/export.py": "timetable school",
    "app/timetable/table_import.py": "pupil import template",  # and the staff import's
    "app/views/monitoring.py": "monitoring csv",
    "app/monitoring/imports.py": "monitoring import template",
    "app/monitoring/report.py": "analytical report",
    "app/rollout/export.py": "rollout control",
}


def _cells(response) -> list[tuple[str, object, str]]:
    """(where, value, data type) of every cell; CSV fields as strings of type 's'."""
    if response.data[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        cells = [(f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
                 for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
        return cells
    text = response.data.decode("utf-8-sig")
    return [(f"line {n}", value, "s") for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), 1)
            for value in row]


@pytest.fixture
def hostile_exports(demo_app):
    _make_hostile(db.session)
    exports = _exports(demo_app, db.session)
    client = demo_app.test_client()
    results, user = {}, None
    for name, (username, method, url) in exports.items():
        if username != user:
            client.get("/logout/")
            login(client, username, DEMO_PASSWORD)
            user = username
        if method == "POST":
            response = client.post(url, data={"month": "2012-09", "csrf_token": csrf_token(client, "/monitoring/register")})
        else:
            response = client.get(url)
        results[name] = _cells(response) if response.status_code == 200 else response.status_code
    return results


# What each export must show verbatim (inside some cell): the hostile text of its columns.
EXPECTED = {
    "journal report": [MINUS],  # subjects
    "journal archive": [f"{MINUS} ", SUM, LINK],  # pupils («-1+1 … @SUM(A1) …»), topics, the period's name
    "completion": [LINK, MINUS],  # the school in the title, teachers, subjects
    "timetable school": [MINUS],  # subjects
    "timetable class": [MINUS],
    "timetable teacher": [LINK],  # the teacher in the title
    "pupil import template": ["+7 916 123-45-67"],  # the example row
    "staff import template": ["+7 916 765-43-21"],
    "monitoring import template": [LINK],  # the school («short name (municipality; system)»)
    "monitoring import template csv": ["'" + LINK],
    "monitoring csv": ["'" + LINK, "'" + SUM],  # municipality, school, system
    "analytical report": [LINK, SUM],  # municipalities, schools, systems
    "rollout control": [LINK, AMP],  # municipalities, the campaign's title
}


def test_every_export_writes_hostile_text_as_plain_strings(hostile_exports):
    assert set(hostile_exports) == set(EXPECTED)
    problems = []
    for name, cells in hostile_exports.items():
        if not isinstance(cells, list):
            problems.append(f"{name}: status {cells}")
            continue
        formulas = [(where, value) for where, value, kind in cells if kind == "f"]
        if formulas:
            problems.append(f"{name}: formula cells {formulas[:3]}")
        texts = [str(value) for _, value, _ in cells]
        problems += [f"{name}: no cell shows {expected!r}" for expected in EXPECTED[name]
                     if not any(expected in text for text in texts)]
        if "csv" in name:
            # CSV has no string type: text that would run keeps its one leading apostrophe
            problems += [f"{name}: {text!r} would run" for text in texts if text.startswith(FORMULA_PREFIXES)][:3]
        else:
            problems += [f"{name}: {where} has an apostrophe: {value!r}" for where, value, _ in cells
                         if str(value).startswith("'")][:3]
    assert not problems, "\n".join(problems)


def test_every_module_that_writes_spreadsheets_or_csv_has_its_export_above():
    """A module that writes xlsx (xlsxwriter/openpyxl) or CSV has an export in EXPECTED, whose cells the
    tests above check."""
    writers = set()
    for path in APP.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import|from)\s+xlsxwriter\b|xlsxwriter\.Workbook\(|csv\.(Dict)?[wW]riter\(|"
                     r"openpyxl\.Workbook\(", source, re.M):
            writers.add(path.relative_to(APP.parent).as_posix())
    assert writers == set(WRITERS)
    assert set(WRITERS.values()) <= set(EXPECTED)
