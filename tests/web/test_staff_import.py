"""The staff import's pages: upload, preview, confirm; who may import into which school.

The factories' world: school_a («СОШ № 1») has Директорова, Секретарева, Иванова and Петрова
(all «Анна Петровна»); school_b («СОШ № 3») has Сидорова Анна Петровна."""
import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from app.models import Staff
from app.security import roles as R
from tests.conftest import csrf_token
from tests.factories import make_staff, make_user

HEADER = ["ФИО", "должность", "ведёт уроки (да/нет)", "эл. почта", "телефон"]
THREE = [
    ["Смирнова Елена Викторовна", "учитель русского языка", "да", "smirnova@example.ru", "8 916 111-22-33"],
    ["Орлов Игорь Андреевич", "учитель физики", "да", "", ""],
    ["Белова Мария Сергеевна", "учитель начальных классов", "да", "", "+7 916 222-33-44"],
]
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def upload(client, rows=None, name="staff.xlsx", data=None):
    token = csrf_token(client, "/staff-import/")
    file = data if data is not None else xlsx(rows)
    return client.post("/staff-import/preview", data={"csrf_token": token, "file": (file, name)},
                       content_type="multipart/form-data")


def confirm_form(page: str) -> dict:
    return {"token": re.search(r'name="token" value="([^"]+)"', page).group(1),
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}


def staff_of(session, school) -> list[tuple]:
    session.expire_all()
    return sorted((s.last_name, s.first_name, s.middle_name, s.position, s.is_teacher, s.email, s.phone, s.active)
                  for s in session.query(Staff).filter_by(school_id=school.id))


@pytest.fixture
def secretary(world, as_user):
    return as_user("secretary")


@pytest.fixture
def director_b(app, session, world):
    """The administration of school_b («СОШ № 3»)."""
    user = make_user(session, app.appbuilder.sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, world.school_b, "Другова", user, position="директор")
    session.commit()
    return user


@pytest.mark.parametrize("engine", ENGINES)
def test_secretary_previews_then_confirms_and_exactly_three_staff_are_written(secretary, session, world, engine):
    before = staff_of(session, world.school_a)
    page = upload(secretary, THREE).get_data(as_text=True)
    assert "Ошибок нет. Будет добавлено работников: 3; обновлено записей: 0." in page
    assert "Смирнова Елена Викторовна" in page and page.count("новый работник") == 3
    assert staff_of(session, world.school_a) == before  # nothing before the confirmation

    response = secretary.post("/staff-import/confirm", data=confirm_form(page))
    assert response.status_code == 302 and response.headers["Location"].endswith("/staffview/list/")
    after = staff_of(session, world.school_a)
    assert len(after) == len(before) + 3
    assert sorted(set(after) - set(before)) == [
        ("Белова", "Мария", "Сергеевна", "учитель начальных классов", True, None, "+79162223344", True),
        ("Орлов", "Игорь", "Андреевич", "учитель физики", True, None, None, True),
        ("Смирнова", "Елена", "Викторовна", "учитель русского языка", True, "smirnova@example.ru", "+79161112233",
         True),
    ]
    listed = secretary.get(response.headers["Location"]).get_data(as_text=True)
    assert "Добавлено работников: 3; обновлено: 0." in listed


def test_a_row_of_an_existing_person_updates_the_record_and_the_preview_says_whom(secretary, session, world):
    world.other_teacher.active = False
    session.commit()
    page = upload(secretary, [THREE[0], ["ПЕТРОВА Анна Петровна", "педагог-организатор", "нет", "", ""]]).get_data(
        as_text=True)
    assert "Будет добавлено работников: 1; обновлено записей: 1." in page
    assert "<td>3</td><td>ПЕТРОВА Анна Петровна</td>" in page and "обновит запись: Петрова Анна Петровна" in page
    before = len(staff_of(session, world.school_a))
    secretary.post("/staff-import/confirm", data=confirm_form(page))
    assert len(staff_of(session, world.school_a)) == before + 1
    petrova = session.get(Staff, world.other_teacher.id)
    assert (petrova.last_name, petrova.position, petrova.is_teacher, petrova.active) == (
        "Петрова", "педагог-организатор", False, True)


def test_a_file_with_one_bad_row_writes_nothing(secretary, session, world):
    before = staff_of(session, world.school_a)
    response = upload(secretary, [*THREE, ["Зайцев Олег", "учитель", "да", "", ""]])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "В файле 1 строк с ошибками. Ничего не записано" in page
    assert "<td>5</td><td>ФИО «Зайцев Олег»: нужны фамилия, имя и отчество — три слова, только буквы.</td>" in page
    assert "Подтвердить импорт" not in page and 'name="token"' not in page
    assert staff_of(session, world.school_a) == before


def test_a_used_token_writes_nothing_more_and_says_so(secretary, session, world):
    page = upload(secretary, THREE).get_data(as_text=True)
    form = confirm_form(page)
    first = secretary.post("/staff-import/confirm", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Добавлено работников: 3" in first
    written = staff_of(session, world.school_a)
    second = secretary.post("/staff-import/confirm", data=form, follow_redirects=True)
    text = second.get_data(as_text=True)
    assert second.status_code == 400
    assert "Этот импорт уже выполнен: данные из файла записаны, подтверждать его ещё раз не нужно." in text
    assert "Добавлено работников" not in text
    assert staff_of(session, world.school_a) == written


def test_a_row_gone_wrong_since_the_preview_is_shown_again_and_nothing_is_written(secretary, session, world):
    page = upload(secretary, [["Гусев Пётр Ильич", "учитель", "да", "gusev@school.ru", ""]]).get_data(as_text=True)
    world.teacher.email = world.other_teacher.email = "gusev@school.ru"  # since the preview: two people's
    session.commit()
    before = staff_of(session, world.school_a)
    response = secretary.post("/staff-import/confirm", data=confirm_form(page))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "В файле 1 строк с ошибками. Ничего не записано" in text
    assert ("эл. почта gusev@school.ru записана у нескольких работников школы: "
            "Иванова Анна Петровна, Петрова Анна Петровна.") in text
    assert staff_of(session, world.school_a) == before


def test_a_tampered_token_is_refused(secretary, session, world):
    before = staff_of(session, world.school_a)
    csrf = csrf_token(secretary, "/staff-import/")
    response = secretary.post("/staff-import/confirm", data={"csrf_token": csrf, "token": "abc.def"})
    assert response.status_code == 400 and "загрузите файл ещё раз" in response.get_data(as_text=True)
    assert staff_of(session, world.school_a) == before


def test_template_downloads_and_imports_back_cleanly(secretary, session, world):
    response = secretary.get("/staff-import/template.xlsx")
    assert response.status_code == 200
    assert "shablon-spisok-rabotnikov.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == HEADER
    page = upload(secretary, data=io.BytesIO(response.data), name="shablon.xlsx").get_data(as_text=True)
    assert "Ошибок нет. Будет добавлено работников: 1; обновлено записей: 0." in page
    assert "Петрова Анна Сергеевна" in page and "учитель математики" in page


def test_unreadable_or_empty_files_get_a_russian_message(secretary):
    response = upload(secretary, data=io.BytesIO(b"garbage"), name="staff.xlsx")
    assert response.status_code == 400
    assert "Файл не читается как таблица Excel (.xlsx)" in response.get_data(as_text=True)
    response = upload(secretary, data=io.BytesIO(b""), name="staff.xlsx")
    assert response.status_code == 400 and "Файл пустой. Выберите список работников" in response.get_data(as_text=True)


def test_the_director_imports_too(world, as_user, session):
    client = as_user("director")
    page = upload(client, THREE[:1]).get_data(as_text=True)
    assert client.post("/staff-import/confirm", data=confirm_form(page)).status_code == 302
    assert session.query(Staff).filter_by(school_id=world.school_a.id, last_name="Смирнова").count() == 1


@pytest.mark.parametrize("username", ["teacher", "parent", "pupil", "municipal"])
def test_other_roles_cannot_open_or_post_the_import(world, as_user, session, username):
    before = staff_of(session, world.school_a)
    client = as_user(username)
    assert client.get("/staff-import/").status_code in (403, 404)
    assert client.get("/staff-import/template.xlsx").status_code in (403, 404)
    token = csrf_token(client, "/")
    response = client.post("/staff-import/preview", data={"csrf_token": token, "file": (xlsx(THREE), "s.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code in (403, 404)
    assert staff_of(session, world.school_a) == before


def test_a_director_of_another_school_imports_into_their_own_school_only(app, world, as_user, session, director_b):
    before_a, before_b = staff_of(session, world.school_a), staff_of(session, world.school_b)
    secretary_page = upload(as_user("secretary"), THREE).get_data(as_text=True)
    secretary_token = confirm_form(secretary_page)["token"]

    client = as_user("director_b")
    csrf = csrf_token(client, "/staff-import/")
    refused = client.post("/staff-import/confirm", data={"csrf_token": csrf, "token": secretary_token})
    assert refused.status_code == 400
    assert "Предпросмотр сделан для другой школы: загрузите файл ещё раз." in refused.get_data(as_text=True)
    assert (staff_of(session, world.school_a), staff_of(session, world.school_b)) == (before_a, before_b)

    # A row naming school_a's Петрова is a new person in school_b, and lands there.
    page = upload(client, [["Петрова Анна Петровна", "учитель", "да", "", ""]]).get_data(as_text=True)
    assert "новый работник" in page and "обновит запись" not in page
    client.post("/staff-import/confirm", data=confirm_form(page))
    assert staff_of(session, world.school_a) == before_a
    assert len(staff_of(session, world.school_b)) == len(before_b) + 1


def test_an_administrator_without_a_school_is_told_in_russian(world, as_user, session):
    before = session.query(Staff).count()
    response = upload(as_user("admin"), THREE)
    assert response.status_code == 400
    assert "Импорт работников доступен администрации и секретарю школы." in response.get_data(as_text=True)
    assert session.query(Staff).count() == before


def test_staff_list_links_to_the_import_for_those_who_may_import(world, as_user):
    link = 'href="/staff-import/"'
    assert link in as_user("secretary").get("/staffview/list/").get_data(as_text=True)
    assert link in as_user("director").get("/staffview/list/").get_data(as_text=True)
    assert link not in as_user("teacher").get("/staffview/list/").get_data(as_text=True)


def test_menu_has_the_staff_import_right_after_the_pupil_import(app):
    school = [item.name for item in app.appbuilder.menu.find("Школа").childs]
    assert school[school.index("PupilImport") + 1] == "StaffImport"
