"""The справка as a Word document, read back with python-docx: the title, the conclusions, the
municipality table and the overdue milestones of the monitoring world (tests/monitoring_helpers.py),
every expected text written out by hand."""
import datetime as dt
import io

import pytest
from docx import Document

from sqlalchemy import delete

from app.models import Milestone, UsageSnapshot
from app.monitoring import imports
from app.monitoring.indicators import compute_month
from app.monitoring.report import report_data
from app.monitoring.report_docx import build_docx
from app.security.scope import load_scope
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world, import_rows

GENERATED = dt.datetime(2012, 10, 5, 10, 30)


@pytest.fixture
def mw(app, session):
    """September computed (A1 uses, A2 does not; B1 and B3 have no lessons: «нет данных») and B2
    imported (uses): A 1/2, B 1/3, region 2/5, 2 schools without data. Milestones: plan approved by 01.07 (Бетинский has no approved plan), hardware by 01.08 (no
    school has readiness: 2 + 3 general-education schools), staff trained by 15.10 (not yet due on
    30.09)."""
    w = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    monitor = load_scope(session, w.users["monitor"])
    imports.apply_import(session, monitor, imports.validate(session, monitor, SEPTEMBER, import_rows(w)), user_id=None)
    for code, level, item, title, due in (
        ("plan_approved", "municipality", "4.1", "План внедрения утверждён", dt.date(2012, 7, 1)),
        ("hardware_ready", "school", "4.2", "Технические средства готовы", dt.date(2012, 8, 1)),
        ("staff_trained", "school", "4.2", "Работники обучены", dt.date(2012, 10, 15)),
    ):
        session.add(Milestone(campaign_id=w.campaign.id, code=code, level=level, order_item=item, title=title,
                              due_on=due))
    session.commit()
    return w


def read(content: bytes):
    return Document(io.BytesIO(content))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def september(session, **kwargs):
    return read(build_docx(report_data(session, SEPTEMBER, generated_at=GENERATED, generated_by="Иванова",
                                       **kwargs)))


def test_docx_title_names_the_month_and_the_order(mw, session):
    document = september(session)
    lines = texts(document)
    assert lines[0] == "Аналитическая справка об использовании электронных журналов и дневников за сентябрь 2012"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert lines[1] == "Приказ № 2613 от 13.06.2012. Сформирована 05.10.2012 10:30, Иванова."
    assert document.core_properties.title == lines[0]
    assert document.core_properties.language == "ru-RU"
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Аналитическая справка за сентябрь 2012. Стр. ")
    assert 'w:instr="PAGE"' in footer._p.xml and 'w:instr="NUMPAGES"' in footer._p.xml


def test_docx_conclusions_are_paragraphs_of_the_same_figures(mw, session):
    lines = texts(september(session))
    start = lines.index("Выводы") + 1
    end = lines.index("Доля школ, использующих систему, по муниципальным образованиям за сентябрь 2012")
    assert lines[start:end] == [
        "В сентябре 2012 систему используют 2 из 5 общеобразовательных школ области (40,0%).",
        "Целевую долю 75,0% достигли 0 из 2 муниципальных образований.",
        "Доля по области ниже целевой на 35,0 п.п.",
        "Данных за предыдущий месяц нет: изменение не рассчитано.",
        "Наименьшая доля среди не достигших цели: Бетинский район (33,3%), Альфинский район (50,0%).",
        "Не выполняют собственный план внедрения: Альфинский район.",
        "Нет данных за месяц у школ: 2 (нет уроков в журнале за месяц — 2).",
        "Школа считается использующей систему, если заполнено не менее 80,0% уроков "
        "и активны не менее 50,0% учителей.",
        "Школа без данных за месяц (другая система журнала без загруженных показателей или нет уроков в "
        "журнале) показана как «нет данных» и считается не использующей систему: она входит в знаменатель "
        "доли.",
    ]


def test_docx_municipality_table_with_region_total(mw, session):
    table = september(session).tables[0]
    assert cells(table) == [
        ["№", "Муниципальное образование", "Школ", "Используют систему", "Доля, %",
         "Плановая доля, %", "Изменение, п.п.", "Нет данных", "Статус"],
        ["1", "Альфинский район", "2", "1", "50,0", "60,0 (на 01.09.2012)", "—", "0", "ниже целевой доли"],
        ["2", "Бетинский район", "3", "1", "33,3", "33,3 (на 01.09.2012)", "—", "2", "ниже целевой доли"],
        ["", "Итого по области", "5", "2", "40,0", "", "—", "2", ""],
    ]
    header = table.rows[0]._tr.trPr
    assert header is not None and "tblHeader" in header.xml  # repeated on every page


def test_docx_lists_milestones_overdue_at_the_end_of_the_month(mw, session):
    document = september(session)
    assert "Просроченные сроки внедрения на 30.09.2012" in texts(document)
    assert cells(document.tables[1]) == [
        ["Пункт приказа", "Мероприятие", "Срок", "Просрочка, дней", "Где просрочено"],
        ["4.1", "План внедрения утверждён", "01.07.2012", "91", "муниципальных образований — 1: Бетинский район"],
        ["4.2", "Технические средства готовы", "01.08.2012", "60",
         "муниципальных образований — 2, школ — 5: Альфинский район, Бетинский район"],
    ]


def test_docx_of_a_coordinator_names_own_municipality_only(mw, session):
    scope = load_scope(session, mw.users["municipal"])
    document = september(session, scope=scope)
    assert [row[1] for row in cells(document.tables[0])[1:]] == ["Альфинский район", "Итого по области"]
    assert cells(document.tables[1])[1:] == [
        ["4.2", "Технические средства готовы", "01.08.2012", "60", "муниципальных образований — 1, школ — 2: "
                                                                 "Альфинский район"]]


def test_docx_of_a_month_without_data_says_so(mw, session):
    month = dt.date(2012, 7, 1)
    document = read(build_docx(report_data(session, month, generated_at=GENERATED)))
    lines = texts(document)
    assert lines[1] == "Приказ № 2613 от 13.06.2012. Сформирована 05.10.2012 10:30."
    assert any(line.startswith("За июль 2012 нет данных мониторинга") for line in lines)
    assert [row[4:] for row in cells(document.tables[0])[1:]] == [
        ["—", "—", "—", "2", "нет данных"], ["—", "—", "—", "3", "нет данных"],
        ["—", "", "—", "5", ""]]   # no share at all, not 0 %; no plan target yet in July
    assert "Просроченные сроки внедрения на 31.07.2012" in lines
    assert cells(document.tables[1])[1:] == [
        ["4.1", "План внедрения утверждён", "01.07.2012", "30", "муниципальных образований — 1: Бетинский район"]]


def test_docx_carries_no_pupil_names(mw, session):
    document = september(session)
    text = "\n".join(texts(document) + [c for t in document.tables for row in cells(t) for c in row])
    for word in ("Первый", "Второй", "Третий", "Ушедший", "2001"):
        assert word not in text


def test_docx_shows_a_school_without_data_apart_not_as_zero(mw, session):
    session.execute(delete(UsageSnapshot).where(UsageSnapshot.school_id == mw.b2.id))  # the import undone
    session.commit()
    document = september(session)
    assert cells(document.tables[0])[2] == ["2", "Бетинский район", "3", "0", "—", "33,3 (на 01.09.2012)", "—", "3",
                                            "нет данных"]
    assert ("Нет данных за месяц у школ: 3 (другая система журнала, показатели не загружены — 1; нет уроков в "
            "журнале за месяц — 2).") in texts(document)


def test_docx_of_a_month_in_progress_says_so_and_shows_no_change(mw, session):
    october, october_19 = dt.date(2012, 10, 1), dt.date(2012, 10, 19)
    compute_month(session, october, as_of=october_19)
    document = read(build_docx(report_data(session, october, generated_at=GENERATED, today=october_19)))
    lines = texts(document)
    assert lines[0] == ("Аналитическая справка об использовании электронных журналов и дневников за октябрь 2012 "
                        "(неполный месяц: по 19.10.2012)")
    assert "Месяц не завершён: изменение к предыдущему месяцу не рассчитывается." in lines
    assert [row[6] for row in cells(document.tables[0])[1:]] == ["—", "—", "—"]
