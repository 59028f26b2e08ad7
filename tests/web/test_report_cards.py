"""Report card, year sheet and journal print pages: who may print which class (a secretary of
another school gets 404, on SQLite and PostgreSQL), what the printed page and the xlsx hold, bad
arguments."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Absence, PeriodMark, StudyPeriod
from tests.conftest import login
from tests.factories import make_homework, make_mark
from tests.journal_helpers import build_journal_world
from tests.report_card_helpers import build_card_world


@pytest.fixture
def cw(app, session):
    return build_card_world(session, app.appbuilder.sm)


def urls(class_id):
    base = f"/journal/cards/{class_id}"
    return [f"{base}/", f"{base}/cards.xlsx", f"{base}/year/", f"{base}/year.xlsx"]


def check_secretary_of_another_school_gets_404(client, cw):
    login(client, "secretary_b")
    for url in urls(cw.w.class_a.id):
        assert client.get(url).status_code == 404, url
    # Their own school's class prints.
    assert client.get(f"/journal/cards/{cw.w.class_b.id}/").status_code == 200


def test_secretary_of_another_school_gets_404(client, cw):
    check_secretary_of_another_school_gets_404(client, cw)


@pytest.mark.pg
def test_secretary_of_another_school_gets_404_on_postgresql(client, cw):
    check_secretary_of_another_school_gets_404(client, cw)


def test_secretary_prints_the_quarter_cards_of_her_school(app, client, cw):
    app.config["TODAY"] = dt.date(2012, 10, 19)
    login(client, "secretary")
    page = client.get(f"/journal/cards/{cw.w.class_a.id}/?period={cw.quarters[0].id}").get_data(as_text=True)
    assert page.count('class="print-sheet report-card"') == 3
    assert "Алексеева Мария Ивановна" in page and "Директорова А.П." in page and "Иванова А.П." in page
    assert "<td>без отметок</td>" in page and "<td>зач.</td>" in page
    assert page.count("<dd>19.10.2012</dd>") == 3  # printed on the app's today
    one = client.get(f"/journal/cards/{cw.w.class_a.id}/?period=year&pupil={cw.pupils[1].id}").get_data(as_text=True)
    assert one.count('class="print-sheet report-card"') == 1 and "Борисова Мария Ивановна" in one


def test_class_page_links_to_cards_and_year_sheet(client, cw):
    login(client, "secretary")
    page = client.get(f"/classgroupview/show/{cw.w.class_a.id}").get_data(as_text=True)
    assert f'href="/journal/cards/{cw.w.class_a.id}/"' in page
    assert f'href="/journal/cards/{cw.w.class_a.id}/year/"' in page


def test_cards_xlsx_download(client, cw):
    login(client, "director")
    response = client.get(f"/journal/cards/{cw.w.class_a.id}/cards.xlsx?period={cw.quarters[0].id}")
    assert response.status_code == 200
    assert "tabel-7%D0%90-1-chetvert.xlsx" in response.headers["Content-Disposition"] or \
        "tabel-7А-1-chetvert.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Алексеева Мария Ивановна", "Борисова Мария Ивановна", "Волков Мария Ивановна"]
    sheet = load_workbook(io.BytesIO(client.get(f"/journal/cards/{cw.w.class_a.id}/year.xlsx").data))
    assert sheet.sheetnames == ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "Год"]


def test_bad_arguments_and_roles(client, cw):
    login(client, "director")
    base = f"/journal/cards/{cw.w.class_a.id}/"
    for query in ("?period=abc", "?period=99999", "?pupil=x", f"?pupil={cw.w.pupil_b.id}", "?period=-1"):
        assert client.get(base + query).status_code == 404, query
    for user in ("parent", "teacher"):  # the class teacher too: the school office issues the cards
        client.get("/logout/")
        login(client, user)
        assert client.get(base).status_code == 403, user


@pytest.fixture
def jw(app, session):
    """7А's mathematics (Иванова) of tests/journal_helpers.py: lessons 10–13.09.2012; Алексеева 5 on
    10.09 (build_world's) and 4 on 12.09, Волков «б» on 11.09; 11.09's topic «Дроби», homework
    «№ 12, 14»; the 1st quarter mark 5 of Алексеева."""
    jw = build_journal_world(session, app.appbuilder.sm)
    jw.quarter = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == jw.w.school_a.id,
                                                          StudyPeriod.number == 1))
    make_mark(session, jw.lessons[2], jw.pupils[0], 4, jw.types["отв"])
    session.add(Absence(lesson_id=jw.lessons[1].id, pupil_id=jw.pupils[2].id, code="б"))
    session.add(PeriodMark(pupil_id=jw.pupils[0].id, class_group_id=jw.w.class_a.id,
                           subject_id=jw.assignment.subject_id, academic_year_id=jw.w.year.id,
                           study_period_id=jw.quarter.id, value="5"))
    jw.lessons[1].topic = "Дроби"
    make_homework(session, jw.lessons[1], "№ 12, 14", due_on=jw.lessons[2].date)
    session.commit()
    return jw


def cells(page, row_start):
    """The texts of the <td>s of the grid row that starts with `row_start`."""
    row = page.split(row_start, 1)[1].split("</tr>", 1)[0]
    return [cell.split("</td>", 1)[0] for cell in row.split("<td>")[1:]]


def test_teacher_prints_the_quarter_journal_of_a_subject(client, jw):
    login(client, "teacher")
    response = client.get(f"/journal/print/{jw.assignment.id}/?period={jw.quarter.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "7А — Математика" in page and "1 четверть. Учитель: Иванова А.П." in page
    assert [h for h in ("10.09", "11.09", "12.09", "13.09") if f'class="lesson-head">{h}<' in page] == \
        ["10.09", "11.09", "12.09", "13.09"]
    # Алексеева: 5 and 4 (weights 1 and 1): 4,50; the quarter mark 5.
    assert cells(page, "Алексеева Мария</th>") == ["5", "", "4", "", "4,50", "5"]
    assert cells(page, "Волков Мария</th>") == ["", "б", "", "", "", ""]
    assert "<td>11.09.2012</td><td class=\"text-left\">Дроби</td><td class=\"text-left\">№ 12, 14</td>" in page
    assert f'href="/journal/print/{jw.assignment.id}/?period=year"' in page
    index = client.get("/journal/").get_data(as_text=True)
    assert f'href="/journal/print/{jw.assignment.id}/"' in index


def test_journal_print_of_another_teachers_subject_is_404(client, jw):
    login(client, "teacher")
    assert client.get(f"/journal/print/{jw.foreign_assignment.id}/").status_code == 404
    assert client.get(f"/journal/print/{jw.assignment.id}/?period=x").status_code == 404
