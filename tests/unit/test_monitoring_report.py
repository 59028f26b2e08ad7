"""The analytical report: every figure read back with openpyxl equals the database's."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Municipality, School, UsageSnapshot
from app.monitoring import imports
from app.formats import percent
from app.monitoring.indicators import INDICATORS, compute_month
from app.monitoring.report import MUNICIPALITY_HEADERS, SCHOOL_HEADERS, build_report
from app.security.scope import load_scope
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world, import_rows

FORBIDDEN = ("Первый", "Второй", "Третий", "Ушедший", "2001")  # pupils' names and birth years


@pytest.fixture
def mw(app, session):
    w = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    monitor = load_scope(session, w.users["monitor"])
    imports.apply_import(session, monitor, imports.validate(session, monitor, SEPTEMBER, import_rows(w)), user_id=None)
    return w


def workbook(content):
    return load_workbook(io.BytesIO(content), data_only=True)


def rows_after_header(sheet, headers):
    values = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(values) if r[:len(headers)] == tuple(headers))
    return values[start + 1:]


def test_report_school_sheet_equals_database(mw, session):
    book = workbook(build_report(session, SEPTEMBER))
    assert book.sheetnames == ["Сводка", "Муниципалитеты", "Школы", "Внедрение", "Диаграмма"]
    rows = {r[1]: r for r in rows_after_header(book["Школы"], SCHOOL_HEADERS)}
    snapshots = session.execute(select(School.short_name, UsageSnapshot)
                                .join(UsageSnapshot, UsageSnapshot.school_id == School.id)
                                .where(UsageSnapshot.month == SEPTEMBER)).all()
    assert len(snapshots) == 5
    for name, s in snapshots:
        row = rows[name]
        assert row[4:6] == (s.teachers_active, s.teachers_total)
        assert row[7:9] == (s.lessons_filled, s.lessons_due)
        assert row[10:12] == (s.marks_entered, s.marks_on_time)
        assert row[13:15] == (s.pupils_with_diary_access, s.pupils_total)
        assert row[16] == s.diary_visits
        assert row[17] == ("да" if s.uses_system else "нет")
        expected = percent(s.lessons_filled, s.lessons_due)
        assert row[9] == (float(expected) if expected is not None else None)
    assert rows["СОШ № 23"][3] == "нет данных"
    assert rows["СОШ № 22"][3] == "загружено"


def test_report_municipality_sheet_and_summary_equal_database(mw, session):
    book = workbook(build_report(session, SEPTEMBER))
    data = [r for r in rows_after_header(book["Муниципалитеты"], MUNICIPALITY_HEADERS) if r[1]]
    by_name = {r[1]: r for r in data}
    for m in session.scalars(select(Municipality)):
        general = session.scalars(select(School.id).where(School.municipality_id == m.id,
                                                          School.is_general_education.is_(True))).all()
        using = session.scalars(select(UsageSnapshot.id).where(UsageSnapshot.school_id.in_(general),
                                                               UsageSnapshot.month == SEPTEMBER,
                                                               UsageSnapshot.uses_system.is_(True))).all()
        row = by_name[m.name]
        assert row[2:5] == (len(general), len(using), float(percent(len(using), len(general))))
        assert row[5] == 75.0
    assert by_name["Альфинский район"][6] == 60.0
    assert by_name["Бетинский район"][6] == 33.3
    assert by_name["Итого по области"][2:5] == (5, 2, 40.0)
    summary = {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True) if r[0]}
    assert summary["Общеобразовательных школ"] == 5
    assert summary["Используют систему"] == 2
    assert summary["Доля школ, использующих систему, %"] == 40.0
    assert summary["Достигли целевой доли"] == 0
    text = " ".join(str(v) for v in summary)
    assert "систему используют 2 из 5" in text
    assert "Не выполняют собственный план внедрения: Альфинский район" in text


def test_report_has_chart_and_print_setup(mw, session):
    content = build_report(session, SEPTEMBER)
    book = workbook(content)
    schools = book["Школы"]
    assert schools.freeze_panes == "A4"
    assert schools.auto_filter.ref.startswith("A3")
    assert schools.page_setup.orientation == "landscape" and str(schools.page_setup.paperSize) == "9"
    assert schools.sheet_properties.pageSetUpPr.fitToPage and schools.page_setup.fitToWidth in (1, None)
    import zipfile
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    chart = [n for n in names if n.startswith("xl/charts/chart")]
    assert chart
    xml = zipfile.ZipFile(io.BytesIO(content)).read(chart[0]).decode()
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml and "Целевая доля" in xml


def test_report_carries_no_pupil_names_or_birth_dates(mw, session):
    book = workbook(build_report(session, SEPTEMBER))
    text = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for word in FORBIDDEN:
        assert word not in text


def test_month_without_data_says_so(mw, session):
    book = workbook(build_report(session, dt.date(2013, 2, 1)))
    text = " ".join(str(v) for row in book["Сводка"].iter_rows(values_only=True) for v in row if v is not None)
    assert "нет данных мониторинга" in text
    chart_text = " ".join(str(v) for row in book["Диаграмма"].iter_rows(values_only=True) for v in row if v)
    assert "диаграмма не построена" in chart_text


def test_coordinator_report_is_own_municipality_only(mw, session):
    scope = load_scope(session, mw.users["municipal"])
    book = workbook(build_report(session, SEPTEMBER, scope=scope))
    names = {r[0] for r in rows_after_header(book["Школы"], SCHOOL_HEADERS)}
    assert names == {"Альфинский район"}
