"""Report card and year sheet pages: who may print which class (a secretary of another school gets
404, on SQLite and PostgreSQL), what the printed page and the xlsx hold, bad arguments."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
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
    client.get("/logout/")
    login(client, "parent")
    assert client.get(base).status_code == 403
