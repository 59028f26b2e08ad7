import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from app.models import Guardian, Pupil
from tests.conftest import csrf_token

HEADER = ["ФИО", "дата рождения", "класс", "ФИО родителя", "телефон", "e-mail"]


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def secretary(world, as_user):
    return as_user("secretary")


def upload(client, rows, name="7a.xlsx"):
    token = csrf_token(client, "/pupil-import/")
    return client.post("/pupil-import/preview", data={"csrf_token": token, "file": (xlsx(rows), name)},
                       content_type="multipart/form-data")


def test_template_downloads_with_the_columns(secretary):
    response = secretary.get("/pupil-import/template.xlsx")
    assert response.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(response.data)).active[1]] == HEADER


def test_preview_with_bad_rows_lists_them_and_writes_nothing(secretary, session):
    before = session.query(Pupil).count(), session.query(Guardian).count()
    response = upload(secretary, [
        ["Смирнова Ольга Игоревна", "05.06.2000", "7А", "Смирнов Игорь", "89161112233", ""],
        ["Смирнов", "05.06.2000", "7А", "", "", ""],
        ["Кузнецов Илья", "05.06.2000", "5Д", "", "", ""],
    ])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "В файле 2 строк с ошибками" in page and "Ничего не записано" in page
    assert "<td>3</td>" in page and "фамилия и имя" in page
    assert "<td>4</td>" in page and "класса «5Д» нет в школе" in page
    assert "Подтвердить импорт" not in page
    assert (session.query(Pupil).count(), session.query(Guardian).count()) == before


def test_good_file_is_written_only_after_confirmation(secretary, session, world):
    before = session.query(Pupil).count()
    page = upload(secretary, [
        ["Смирнова Ольга Игоревна", "05.06.2000", "7А", "Смирнов Игорь", "89161112233", "s@example.ru"],
        ["Смирнов Олег", "01.02.1999", "8Б", "Смирнов Игорь", "89161112233", "s@example.ru"],
    ]).get_data(as_text=True)
    assert "Подтвердить импорт" in page and "Смирнова Ольга Игоревна" in page
    assert session.query(Pupil).count() == before
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = secretary.post("/pupil-import/confirm", data={"csrf_token": csrf, "token": token})
    assert response.status_code == 302
    olga = session.query(Pupil).filter_by(last_name="Смирнова").one()
    assert olga.class_group_id == world.class_a.id and olga.school_id == world.school_a.id
    assert session.query(Guardian).filter_by(last_name="Смирнов").one().phone == "+79161112233"
    assert "Записано учеников: 2" in secretary.get(response.headers["Location"]).get_data(as_text=True)


def test_second_confirmation_of_one_preview_imports_nothing_more(secretary, session):
    before = session.query(Pupil).count(), session.query(Guardian).count()
    page = upload(secretary, [
        ["Смирнова Ольга Игоревна", "05.06.2000", "7А", "Смирнов Игорь", "89161112233", ""],
        ["Смирнов Олег", "01.02.1999", "8Б", "Смирнов Игорь", "89161112233", ""],
    ]).get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1),
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}
    first = secretary.post("/pupil-import/confirm", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Записано учеников: 2" in first
    second = secretary.post("/pupil-import/confirm", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Этот импорт уже выполнен" in second and "Записано учеников" not in second
    session.expire_all()
    assert (session.query(Pupil).count(), session.query(Guardian).count()) == (before[0] + 2, before[1] + 1)


def test_tampered_token_is_refused(secretary, session):
    csrf = csrf_token(secretary, "/pupil-import/")
    response = secretary.post("/pupil-import/confirm", data={"csrf_token": csrf, "token": "abc.def"})
    assert response.status_code == 400 and "загрузите файл ещё раз" in response.get_data(as_text=True)


def test_unreadable_file_gets_a_russian_message(secretary):
    token = csrf_token(secretary, "/pupil-import/")
    response = secretary.post("/pupil-import/preview", content_type="multipart/form-data",
                              data={"csrf_token": token, "file": (io.BytesIO(b"garbage"), "list.xlsx")})
    assert response.status_code == 400 and "Файл не читается как таблица Excel (.xlsx)" in response.get_data(as_text=True)


def test_csv_in_windows_1251_is_accepted(secretary):
    token = csrf_token(secretary, "/pupil-import/")
    data = "ФИО;дата рождения;класс\nЕгоров Пётр;03.03.2000;7а\n".encode("cp1251")
    page = secretary.post("/pupil-import/preview", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(data), "list.csv")}).get_data(as_text=True)
    assert "Егоров Пётр" in page and "Подтвердить импорт" in page


def test_teacher_cannot_import(world, as_user):
    client = as_user("teacher")
    assert client.get("/pupil-import/").status_code in (302, 403)
