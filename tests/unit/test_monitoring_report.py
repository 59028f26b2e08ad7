"""The analytical report: every figure read back with openpyxl equals the database's."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

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
    assert len(snapshots) == 4   # A1, A2, A3 computed; B2 imported
    for name, s in snapshots:
        row = rows[name]
        assert row[4:6] == (s.teachers_active, s.teachers_total)
        assert row[7:9] == (s.lessons_filled, s.lessons_due)
        assert row[10:12] == (s.marks_entered, s.marks_on_time)
        assert row[13:15] == (s.pupils_with_diary_access, s.pupils_total)
        assert row[16] == s.diary_visits
        assert row[17] == ("да" if s.uses_system else "нет")
        expected = percent(s.lessons_filled, s.lessons_due)
        assert row[9] == (float(expected) / 100 if expected is not None else None)  # a percentage cell
    for name in ("СОШ № 21", "СОШ № 23"):   # on this product or no system, no September lessons
        assert rows[name][3] == "нет данных: нет уроков в журнале за месяц"
        assert rows[name][4:17] == (None,) * 13 and rows[name][17] == "нет данных"
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
        assert row[2:5] == (len(general), len(using), float(percent(len(using), len(general)) / 100))
        assert row[5] == 0.75
    assert by_name["Альфинский район"][6] == 0.6
    assert by_name["Бетинский район"][6] == 0.333
    assert by_name["Итого по области"][2:5] == (5, 2, 0.4)
    assert [by_name[name][12] for name in ("Альфинский район", "Бетинский район", "Итого по области")] == [0, 2, 2]
    summary = {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True) if r[0]}
    assert summary["Общеобразовательных школ"] == 5
    assert summary["Используют систему"] == 2
    assert summary["Доля школ, использующих систему, %"] == 0.4
    assert summary["Достигли целевой доли"] == 0
    assert (summary["Не используют систему (по показателям)"], summary["Нет данных за месяц"]) == (1, 2)
    assert summary["  из них: нет уроков в журнале за месяц"] == 2
    assert summary["Школы без данных в знаменателе доли"] == "да"
    text = " ".join(str(v) for v in summary)
    assert "систему используют 2 из 5" in text
    assert "Не выполняют собственный план внедрения: Альфинский район" in text
    assert "Нет данных за месяц у школ: 2 (нет уроков в журнале за месяц — 2)." in text
    assert "считается не использующей систему: она входит в знаменатель доли" in text


def test_report_has_chart_and_print_setup(mw, session):
    content = build_report(session, SEPTEMBER)
    book = workbook(content)
    schools = book["Школы"]
    assert schools.freeze_panes == "C4"  # the header and the municipality's and school's names
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


def test_percentages_are_percentage_cells(mw, session):
    book = load_workbook(io.BytesIO(build_report(session, SEPTEMBER)))
    municipalities = book["Муниципалитеты"]
    row = next(r for r in municipalities.iter_rows(min_row=4) if r[1].value == "Альфинский район")
    assert (row[4].value, row[4].number_format) == (0.5, "0.0%")      # shown as 50,0 %
    assert (row[5].value, row[5].number_format) == (0.75, "0.0%")
    assert row[10].number_format == "0.0"                             # a change in points is not a percentage
    summary = {r[0].value: r[1] for r in book["Сводка"].iter_rows() if r[0].value}
    assert (summary["Доля школ, использующих систему, %"].value,
            summary["Доля школ, использующих систему, %"].number_format) == (0.4, "0.0%")
    assert summary["Порог: заполнено уроков не менее, %"].value == 0.8


def test_every_sheet_has_a_page_header(mw, session):
    book = load_workbook(io.BytesIO(build_report(session, SEPTEMBER)))
    headers = {sheet.title: sheet.oddHeader.left.text for sheet in book}
    assert headers == {"Сводка": "Сводка", "Муниципалитеты": "Муниципалитеты", "Школы": "Школы",
                       "Внедрение": "Внедрение", "Диаграмма": "Диаграмма"}


def test_schools_in_natural_order(mw, session):
    from tests.factories import make_school

    make_school(session, mw.municipality_a, "СОШ № 3", journal_system=mw.own)
    make_school(session, mw.municipality_b, "Гимназия № 1")
    session.commit()
    book = workbook(build_report(session, SEPTEMBER))
    names = [(r[0], r[1]) for r in rows_after_header(book["Школы"], SCHOOL_HEADERS)]
    assert names == [("Альфинский район", "СОШ № 3"), ("Альфинский район", "СОШ № 11"),
                     ("Альфинский район", "СОШ № 12"), ("Альфинский район", "Центр доп. образования"),
                     ("Бетинский район", "Гимназия № 1"), ("Бетинский район", "СОШ № 21"),
                     ("Бетинский район", "СОШ № 22"), ("Бетинский район", "СОШ № 23")]


def _chart_xml(content) -> str:
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive.read(next(n for n in archive.namelist() if n.startswith("xl/charts/chart"))).decode()


def test_chart_draws_lowest_share_first_and_leaves_a_blank_plan_blank(mw, session):
    """A third municipality has a school using the system (100 %) and no plan: its plan is a gap in
    the chart's cached values, never a 0; the bars go 33,3 % (Бетинский), 50 % (Альфинский), 100 %."""
    import re

    from tests.factories import make_municipality, make_school
    from tests.rollout_helpers import make_snapshot

    gamma = make_municipality(session, "Гаммовский район")
    make_snapshot(session, make_school(session, gamma, "СОШ № 31"), SEPTEMBER)
    session.commit()
    content = build_report(session, SEPTEMBER)
    chart = workbook(content)["Диаграмма"]
    header = next(i for i, r in enumerate(chart.iter_rows(values_only=True), 1) if r[0] == "Муниципальное образование")
    table = [r[:4] for r in chart.iter_rows(min_row=header + 1, values_only=True) if r[0]]
    assert table == [("Бетинский район", 0.333, 0.75, 0.333), ("Альфинский район", 0.5, 0.75, 0.6),
                     ("Гаммовский район", 1.0, 0.75, None)]
    xml = _chart_xml(content)
    caches = re.findall(r"<c:numCache>(.*?)</c:numCache>", xml)
    points = [dict(re.findall(r'<c:pt idx="(\d+)"><c:v>([^<]*)</c:v>', cache)) for cache in caches]
    assert points == [{"0": "0.333", "1": "0.5", "2": "1"},          # the bars
                      {"0": "0.75", "1": "0.75", "2": "0.75"},       # the target
                      {"0": "0.333", "1": "0.6"}]                    # the plans: no point for Гаммовский
    assert xml.count("<c:dPt>") == 2 and "F4B183" in xml             # the two bars below the target: warning colour


def test_rollout_sheet_is_the_control_table(mw, session):
    """The sheet carries the graded table of app.rollout.deadlines as of the month's last day."""
    from app.models import Milestone
    from app.rollout.deadlines import deadline_table
    from app.rollout.labels import grade_text
    from tests.rollout_helpers import MILESTONES_2012

    for code, level, item, title, due in MILESTONES_2012:
        session.add(Milestone(campaign_id=mw.campaign.id, code=code, level=level, order_item=item, title=title,
                              due_on=due))
    session.commit()
    book = workbook(build_report(session, SEPTEMBER, generated_at=dt.datetime(2012, 10, 4, 10)))
    sheet = book["Внедрение"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Выполнение сроков приказа на 30.09.2012"
    start = next(i for i, r in enumerate(values) if r[1] == "Муниципальное образование") + 2
    table = deadline_table(session, mw.campaign, dt.date(2012, 9, 30))
    for row, expected in zip(values[start:], table.rows):
        assert row[1] == expected.name
        assert row[4] == grade_text(expected.cells["plan_approved"])
        assert row[15] == grade_text(expected.cells["usage_share"])
    # The worst first: both red with a milestone at 0 %; Бетинский has more schools overdue (3 × 4).
    assert [r[1] for r in values[start:start + 2]] == ["Бетинский район", "Альфинский район"]
    alpha = values[start + 1]
    assert alpha[2:6] == ("сильно отстаёт", 2, "выполнено в срок, 30.06.2012", "просрочено на 91 дн.")
    assert alpha[6:8] == (0, "из 2 школ: просрочено — 2 (на 60 дн.)")
    assert alpha[14:16] == (0.5, "просрочено на 29 дн. (сентябрь 2012: используют 1 из 2 школ)")


def summary_of(book):
    return {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True) if r[0]}


def test_a_school_without_data_is_listed_with_its_reason_and_counted_apart_not_as_zero(mw, session):
    session.execute(delete(UsageSnapshot).where(UsageSnapshot.school_id == mw.b2.id))  # the import undone
    session.commit()
    book = workbook(build_report(session, SEPTEMBER))
    rows = {r[1]: r for r in rows_after_header(book["Школы"], SCHOOL_HEADERS)}
    assert rows["СОШ № 22"][3] == "нет данных: другая система журнала, показатели не загружены"
    assert rows["СОШ № 22"][17] == "нет данных" and rows["СОШ № 12"][17] == "нет"
    municipalities = {r[1]: r for r in rows_after_header(book["Муниципалитеты"], MUNICIPALITY_HEADERS) if r[1]}
    beta = municipalities["Бетинский район"]
    assert (beta[3], beta[4], beta[8], beta[11], beta[12]) == (0, None, "нет данных", 0, 3)   # no share, not 0 %
    summary = summary_of(book)
    assert (summary["Используют систему"], summary["Не используют систему (по показателям)"],
            summary["Нет данных за месяц"]) == (1, 1, 3)
    assert summary["  из них: другая система журнала, показатели не загружены"] == 1
    assert summary["  из них: нет уроков в журнале за месяц"] == 2


def test_a_month_in_progress_says_so_in_its_titles_and_shows_no_change(mw, session):
    october_19 = dt.date(2012, 10, 19)
    compute_month(session, dt.date(2012, 10, 1), as_of=october_19)
    book = workbook(build_report(session, dt.date(2012, 10, 1), today=october_19))
    label = "(неполный месяц: по 19.10.2012)"
    assert book["Сводка"]["A1"].value.endswith("за октябрь 2012 " + label)
    assert label in book["Муниципалитеты"]["A1"].value and label in book["Диаграмма"]["A1"].value
    summary = summary_of(book)
    assert summary["Доля в предыдущем месяце, %"] == 0.4
    assert summary["Изменение, п.п."] == "не рассчитывается: месяц не завершён"
    data = [r for r in rows_after_header(book["Муниципалитеты"], MUNICIPALITY_HEADERS) if r[1]]
    assert [r[10] for r in data] == [None, None, None]
    text = " ".join(str(v) for v in summary)
    assert "Месяц не завершён: изменение к предыдущему месяцу не рассчитывается." in text


def test_generated_at_is_the_regions_time_and_a_later_revision_says_which(mw, session, monkeypatch):
    from app import clock

    monkeypatch.setattr(clock, "_machine_now", lambda: dt.datetime(2012, 10, 18, 20, 30, tzinfo=dt.timezone.utc))
    book = workbook(build_report(session, SEPTEMBER, generated_by="Монитор", revision=2))
    note = book["Сводка"]["A2"].value
    assert note == ("Приказ № 2613 от 13.06.2012. Сформирована 19.10.2012 00:30, Монитор. "
                    "Редакция 2: заменяет отправленную ранее.")
