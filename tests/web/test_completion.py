"""The completion report page and its xlsx: who may open which school, and the figures shown."""
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from tests.completion_helpers import EXPECTED_WEEK, build_completion_world
from tests.conftest import DEMO_PASSWORD, login

WEEK = "/completion/?period=week&date=2012-09-12"


@pytest.fixture
def cw(app, session):
    return build_completion_world(session, app.appbuilder.sm)


class _Table(HTMLParser):
    """Text of every cell of the rows of #completion-table (body and footer)."""

    def __init__(self):
        super().__init__()
        self.rows, self._in_table, self._row, self._cell = [], False, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == "completion-table":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._row = []
        elif self._in_table and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(page: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(page)
    return parser.rows[1:]  # without the header row


def test_director_sees_own_school_worst_first(cw, as_user):
    response = as_user("director").get(WEEK)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Заполнение журналов: СОШ № 1" in page and "неделя 10.09.2012 – 16.09.2012" in page
    rows = table(page)
    assert [r[1:] for r in rows[:-1]] == [
        ["Борисова Анна Петровна ничего не заполнено", "7А", "Русский язык", "3", "0", "0,0", "0", "3"],
        ["Антонова Анна Петровна", "7А", "Математика", "5", "3", "60,0", "7", "1"],
        ["Антонова Анна Петровна", "8Б", "Математика", "2", "2", "100,0", "0", "0"],
        ["Васильева Анна Петровна", "7А", "Русский язык", "1", "1", "100,0", "0", "0"],
    ]
    assert rows[-1] == ["Итого по школе (учителей: 3)", "11", "6", "54,5", "7", "4"]
    assert 'class="danger"' in page  # the row where nothing was filled is highlighted
    assert "Григорьева" not in page and "Дмитриева" not in page
    assert 'id="school-pick"' not in page  # one school: no picker
    assert 'href="/completion/"' in page  # the menu entry «Журнал → Заполнение журналов»


def test_menu_entry_only_for_administration_and_coordinator(cw, as_user):
    assert 'href="/completion/"' in as_user("municipal").get("/").get_data(as_text=True)
    assert 'href="/completion/"' not in as_user("teacher").get("/").get_data(as_text=True)


def test_director_default_week_is_the_last_with_lessons(cw, as_user):
    page = as_user("director").get("/completion/").get_data(as_text=True)
    assert "неделя 17.09.2012 – 23.09.2012" in page  # Mon 17.09 is the latest lesson
    assert table(page)[0][1:4] == ["Антонова Анна Петровна", "7А", "Математика"]


def test_director_cannot_open_another_school(cw, as_user):
    client = as_user("director")
    assert client.get(f"{WEEK}&school={cw.school2.id}").status_code == 404
    assert client.get(f"{WEEK}&school={cw.school3.id}").status_code == 404
    assert client.get(f"/completion/export?period=week&date=2012-09-12&school={cw.school2.id}").status_code == 404
    assert client.get(f"{WEEK}&school=abc").status_code == 404


def test_coordinator_starts_from_the_schools_of_own_municipality(cw, as_user):
    client = as_user("municipal")
    page = client.get(WEEK).get_data(as_text=True)
    assert "Заполнение журналов: школы муниципалитета" in page
    assert 'id="school-pick"' in page and "СОШ № 3" not in page
    assert table(page) == [  # the lowest share of lessons with a topic first
        ["1", "СОШ № 1", "3", "11", "6", "54,5", "7", "4"],
        ["2", "СОШ № 2", "1", "1", "1", "100,0", "0", "0"],
    ]
    assert f"school={cw.school.id}" in page
    assert "Григорьева" not in page  # no names on the overview


def test_coordinator_opens_a_school_of_own_municipality_only(cw, as_user):
    client = as_user("municipal")
    own = client.get(f"{WEEK}&school={cw.school.id}").get_data(as_text=True)
    assert "Заполнение журналов: СОШ № 1" in own
    assert [r[1:] for r in table(own)[:-1]][0][0] == "Борисова Анна Петровна ничего не заполнено"
    other = client.get(f"{WEEK}&school={cw.school2.id}").get_data(as_text=True)
    assert [r[1:] for r in table(other)[:-1]] == [["Григорьева Анна Петровна", "5А", "Математика", "1", "1", "100,0", "0", "0"]]
    assert client.get(f"{WEEK}&school={cw.school3.id}").status_code == 404
    assert client.get(f"/completion/export?period=week&date=2012-09-12&school={cw.school3.id}").status_code == 404
    assert client.get("/completion/export?period=week&date=2012-09-12").status_code == 404  # which school?
    other_municipality = as_user("municipal_b")
    assert other_municipality.get(f"{WEEK}&school={cw.school.id}").status_code == 404
    assert table(other_municipality.get(WEEK).get_data(as_text=True)) == [
        ["1", "СОШ № 3", "1", "1", "0", "0,0", "0", "1"]]


@pytest.mark.parametrize("username", ["teacher", "parent"])
def test_teacher_and_parent_may_not_open_the_report(cw, as_user, username):
    client = as_user(username)
    assert client.get(WEEK).status_code == 403
    assert client.get("/completion/export?period=week&date=2012-09-12").status_code == 403


def test_month_view(cw, as_user):
    page = as_user("director").get("/completion/?period=month&month=2012-09").get_data(as_text=True)
    assert "сентябрь 2012" in page
    maths = next(r for r in table(page) if r[2:4] == ["7А", "Математика"])
    assert maths[4] == "7" and maths[8] == "2"  # + Fri 07.09 (empty) and Mon 17.09 (topic, mark)


def test_bad_date_gets_a_russian_message(cw, as_user):
    response = as_user("director").get("/completion/?period=week&date=12.13.2012")
    assert response.status_code == 400
    assert "не распознана" in response.get_data(as_text=True)


def test_xlsx_equals_the_page(cw, as_user):
    client = as_user("municipal")
    page_rows = table(client.get(f"{WEEK}&school={cw.school.id}").get_data(as_text=True))
    response = client.get(f"/completion/export?period=week&date=2012-09-12&school={cw.school.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"zapolnenie-zhurnalov-{cw.school.id}-2012-09-10.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Заполнение журналов: СОШ № 1"
    assert values[1][0] == "Период: неделя 10.09.2012 – 16.09.2012"
    assert values[4][1:4] == ["Учитель", "Класс", "Предмет"]
    body = values[5:5 + len(EXPECTED_WEEK)]
    assert [tuple(r[1:4]) + tuple(r[4:9]) for r in body] == [
        (t, c, s, due, topic, round(100 * topic / due, 1), marks, empty) for t, c, s, due, topic, marks, empty in EXPECTED_WEEK
    ]

    def shown(cells):
        """Cells 4..8 of an xlsx row as the page prints them (the share with one decimal and a comma)."""
        return [f"{v:.1f}".replace(".", ",") if c == 6 else str(v) for c, v in enumerate(cells[4:9], 4)]

    for xlsx_row, page_row in zip(body, page_rows):
        assert page_row[1].startswith(xlsx_row[1])
        assert list(xlsx_row[2:4]) + shown(xlsx_row) == page_row[2:9]
    totals = values[5 + len(EXPECTED_WEEK)]
    assert [totals[1]] + shown(totals) == ["Итого по школе"] + page_rows[-1][1:]


def test_names_that_look_like_formulas_stay_text(cw, session, as_user):
    cw.teacher_b.last_name = "=HYPERLINK(\"http://x\")"
    session.commit()
    response = as_user("director").get("/completion/export?period=week&date=2012-09-12")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=6, column=2).value.startswith("=HYPERLINK(\"http://x\")")
    assert sheet.cell(row=6, column=2).data_type == "s"


def test_demo_director_and_coordinator_see_the_demo_week(demo_app):
    """The demo fills topics and marks up to Friday 19.10.2012: that week has lessons in its full schools."""
    client = demo_app.test_client()
    week = "/completion/?period=week&date=2012-10-15"
    login(client, "director", DEMO_PASSWORD)
    rows = table(client.get(week).get_data(as_text=True))
    assert len(rows) > 5 and rows[-1][0].startswith("Итого по школе")
    assert client.get("/completion/export?period=week&date=2012-10-15").data[:2] == b"PK"

    client.get("/logout/")
    login(client, "municipal", DEMO_PASSWORD)
    page = client.get(week).get_data(as_text=True)
    overview = table(page)
    assert len(overview) > 3 and overview[0][3] not in ("", "0")  # a full school with lessons comes first
    school_id = re.search(r"school=(\d+)", page[page.index('id="completion-table"'):]).group(1)
    rows = table(client.get(f"{week}&school={school_id}").get_data(as_text=True))
    assert len(rows) > 5 and rows[-1][0].startswith("Итого по школе")
