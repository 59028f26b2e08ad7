"""The staff import's checks and writes on a small school (expected values written by hand).

The school «СОШ № 1» has three staff records: Иванова Анна Петровна (working, ivanova@school.ru),
Семёнов Пётр Ильич (no longer working, semenov@school.ru) and Козлов Игорь Олегович; «СОШ № 2»
has Кузнецова Ольга Игоревна, who is nobody the first school's file can update."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from app.errors import DomainError
from app.models import ConsumedImportToken, School, Staff
from app.timetable import pupil_import
from app.timetable.staff_import import (
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADER,
    check_rows,
    confirm_import,
    import_staff,
    read_list,
    sign_rows,
    template_xlsx,
    unsign_rows,
)
from tests.factories import make_municipality, make_school

SECRET = "s" * 32
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]

GOOD = [
    ["Смирнова Елена Викторовна", "учитель русского языка", "да", "smirnova@example.ru", "8 (916) 111-22-33"],
    ["семенов петр ильич", "учитель физики и информатики", "Да", "", ""],
    ["Иванова-Орлова Анна Петровна", "заместитель директора", "нет", "IVANOVA@school.ru", ""],
    ["Кузнецова Ольга Игоревна", "секретарь", "НЕТ", "", "+7 495 123 45 67"],
]


@dataclass
class StaffSchool:
    school: School
    other_school: School
    ivanova: Staff
    semenov: Staff
    kozlov: Staff
    kuznetsova: Staff


def _staff(session, school, last, first, middle, position, email=None, active=True):
    person = Staff(school_id=school.id, last_name=last, first_name=first, middle_name=middle, position=position,
                   is_teacher=True, email=email, active=active)
    session.add(person)
    session.flush()
    return person


@pytest.fixture
def s(session):
    municipality = make_municipality(session)
    school, other = make_school(session, municipality, "СОШ № 1"), make_school(session, municipality, "СОШ № 2")
    world = StaffSchool(
        school=school, other_school=other,
        ivanova=_staff(session, school, "Иванова", "Анна", "Петровна", "учитель", "ivanova@school.ru"),
        semenov=_staff(session, school, "Семёнов", "Пётр", "Ильич", "учитель физики", "semenov@school.ru",
                       active=False),
        kozlov=_staff(session, school, "Козлов", "Игорь", "Олегович", "учитель труда"),
        kuznetsova=_staff(session, other, "Кузнецова", "Ольга", "Игоревна", "секретарь"),
    )
    session.commit()
    return world


def check(session, s, rows):
    return check_rows(session, s.school.id, [TEMPLATE_HEADER, *rows])


def reasons_of(preview) -> dict[int, str]:
    return {error.number: error.reason for error in preview.errors}


def test_good_rows_are_new_or_name_the_record_they_update(session, s):
    preview = check(session, s, GOOD)
    assert preview.ok and preview.errors == []
    assert [(r.number, r.full_name, r.is_new, r.recorded_name) for r in preview.rows] == [
        (2, "Смирнова Елена Викторовна", True, None),
        (3, "семенов петр ильич", False, "Семёнов Пётр Ильич"),  # the same ФИО, case- and «ё»-blind
        (4, "Иванова-Орлова Анна Петровна", False, "Иванова Анна Петровна"),  # the same e-mail
        (5, "Кузнецова Ольга Игоревна", True, None),  # her namesake works in another school
    ]
    assert [(r.is_teacher, r.phone) for r in preview.rows] == [
        (True, "+79161112233"), (True, None), (False, None), (False, "+74951234567")]
    assert (preview.new_rows, preview.updating_rows) == (2, 2)


def test_every_bad_row_is_listed_with_its_number_and_russian_reason(session, s):
    preview = check(session, s, [
        GOOD[0],
        ["Петров Пётр", "учитель", "да", "", ""],
        ["", "учитель", "да", "", ""],
        ["Петров Пётр Петрович", "", "да", "", ""],
        ["Петров Павел Петрович", "учитель", "иногда", "", ""],
        ["Петров Глеб Петрович", "учитель", "", "", ""],
        ["Петров Иван Петрович", "учитель", "да", "petrov@", ""],
        ["Петров Олег Петрович", "учитель", "да", "", "12345"],
        ["Петров Лев Петрович", "учитель\u202eязыка", "да", "", ""],
        ["Петров Ян Петрович", "у" * 101, "да", "", ""],
        ["Петров 2 Петрович", "учитель", "да", "", ""],
        ["Петров Пётр Петрович Оглы", "учитель", "да", "", ""],
    ])
    assert not preview.ok and [r.number for r in preview.rows] == [2]
    assert reasons_of(preview) == {
        3: "ФИО «Петров Пётр»: нужны фамилия, имя и отчество — три слова, только буквы.",
        4: "ФИО не заполнено.",
        5: "должность не заполнена.",
        6: "«ведёт уроки»: «иногда» — напишите «да» или «нет».",
        7: "«ведёт уроки» не заполнено: напишите «да» или «нет».",
        8: "эл. почта «petrov@» написана с ошибкой.",
        9: "телефон «12345»: нужен российский номер из 10 цифр после +7.",
        10: "«должность»: в тексте есть невидимый знак смены направления письма (U+202E). "
            "Наберите значение заново, не копируя его.",
        11: "«должность»: не длиннее 100 знаков, а введено 101. Сократите текст.",
        12: "ФИО «Петров 2 Петрович»: нужны фамилия, имя и отчество — три слова, только буквы.",
        13: "ФИО «Петров Пётр Петрович Оглы»: нужны фамилия, имя и отчество — три слова, только буквы.",
    }


def test_one_row_gets_all_its_reasons(session, s):
    preview = check(session, s, [["Петров", "", "может быть", "нет почты", "8 800"]])
    assert reasons_of(preview) == {2: (
        "ФИО «Петров»: нужны фамилия, имя и отчество — три слова, только буквы; должность не заполнена; "
        "«ведёт уроки»: «может быть» — напишите «да» или «нет»; эл. почта «нет почты» написана с ошибкой; "
        "телефон «8 800»: нужен российский номер из 10 цифр после +7.")}


def test_a_person_or_a_record_twice_in_the_file_is_refused(session, s):
    preview = check(session, s, [
        ["Смирнова Елена Викторовна", "учитель", "да", "smirnova@example.ru", ""],
        ["СМИРНОВА Елена Викторовна", "учитель", "да", "", ""],
        ["Орлова Мария Ивановна", "учитель", "да", "Smirnova@Example.ru", ""],
        ["Семенов Петр Ильич", "учитель", "да", "", ""],
        ["Гусев Пётр Ильич", "учитель", "да", "semenov@school.ru", ""],
    ])
    assert [r.number for r in preview.rows] == [2, 5]
    assert reasons_of(preview) == {
        3: "этот работник уже есть в строке 2.",
        4: "эл. почта Smirnova@Example.ru уже указана в строке 2.",
        6: "обновляет того же работника (Семёнов Пётр Ильич), что и строка 5.",
    }


def test_name_of_one_record_and_email_of_another_is_refused(session, s):
    preview = check(session, s, [["Иванова Анна Петровна", "учитель", "да", "semenov@school.ru", ""]])
    assert reasons_of(preview) == {2: "ФИО совпадает с работником Иванова Анна Петровна, а эл. почта "
                                      "semenov@school.ru — с работником Семёнов Пётр Ильич: исправьте строку."}


def test_namesakes_in_the_school_are_told_apart_by_email(session, s):
    _staff(session, s.school, "Козлов", "Игорь", "Олегович", "вахтёр", "kozlov2@school.ru")
    session.commit()
    preview = check(session, s, [["Козлов Игорь Олегович", "учитель технологии", "да", "", ""],
                                 ["Козлов Игорь Олегович", "сторож", "нет", "kozlov2@school.ru", ""]])
    assert reasons_of(preview) == {
        2: "в школе несколько работников с таким ФИО: укажите эл. почту одного из них.",
        3: "этот работник уже есть в строке 2."}
    preview = check(session, s, [["Козлов Игорь Олегович", "сторож", "нет", "kozlov2@school.ru", ""]])
    assert preview.ok and preview.rows[0].recorded_name == "Козлов Игорь Олегович"
    assert session.get(Staff, preview.rows[0].staff_id).email == "kozlov2@school.ru"


def test_missing_columns_are_refused_by_their_template_names(session, s):
    with pytest.raises(DomainError, match="нет столбцов: «должность», «ведёт уроки \\(да/нет\\)»"):
        check_rows(session, s.school.id, [["ФИО", "телефон"], ["Смирнова Елена Викторовна", ""]])
    with pytest.raises(DomainError, match="нет ни одного работника"):
        check_rows(session, s.school.id, [TEMPLATE_HEADER, ["", "", "", "", ""]])


def test_headers_are_found_in_any_order_and_spelling(session, s):
    preview = check_rows(session, s.school.id, [["Телефон", "Ведет уроки", "Должность:", "ФИО"],
                                                ["89161112233", "нет", "секретарь", "Смирнова Елена Викторовна"]])
    assert preview.ok
    row = preview.rows[0]
    assert (row.full_name, row.position, row.is_teacher, row.phone) == (
        "Смирнова Елена Викторовна", "секретарь", False, "+79161112233")


@pytest.mark.parametrize("engine", ENGINES)
def test_import_adds_new_people_and_updates_the_matched_records(session, s, engine):
    result = import_staff(session, s.school.id, check(session, s, GOOD))
    session.commit()
    assert (result.created, result.updated) == (2, 2)
    staff = {(p.last_name, p.first_name): p for p in session.query(Staff).filter_by(school_id=s.school.id)}
    assert len(staff) == 5
    smirnova = staff[("Смирнова", "Елена")]
    assert (smirnova.middle_name, smirnova.position, smirnova.is_teacher, smirnova.email, smirnova.phone,
            smirnova.active) == ("Викторовна", "учитель русского языка", True, "smirnova@example.ru", "+79161112233",
                                 True)
    semenov = session.get(Staff, s.semenov.id)  # working again; the empty e-mail keeps the recorded one
    assert (semenov.last_name, semenov.position, semenov.email, semenov.active) == (
        "Семёнов", "учитель физики и информатики", "semenov@school.ru", True)
    ivanova = session.get(Staff, s.ivanova.id)  # found by e-mail: the name stays as recorded
    assert (ivanova.last_name, ivanova.position, ivanova.is_teacher, ivanova.email) == (
        "Иванова", "заместитель директора", False, "IVANOVA@school.ru")
    assert session.query(Staff).filter_by(school_id=s.other_school.id).count() == 1
    assert session.get(Staff, s.kuznetsova.id).position == "секретарь"


def test_import_with_a_bad_row_writes_nothing(session, s):
    preview = check(session, s, [GOOD[0], ["Петров Пётр", "учитель", "да", "", ""]])
    with pytest.raises(DomainError, match="Ничего не записано"):
        import_staff(session, s.school.id, preview)
    session.rollback()
    assert session.query(Staff).count() == 4
    assert session.get(Staff, s.semenov.id).active is False


def test_token_is_bound_to_the_school_and_to_this_import(session, s):
    token = sign_rows([["a"]], 5, SECRET)
    assert unsign_rows(token, 5, SECRET) == [["a"]]
    with pytest.raises(DomainError, match="повреждены"):
        unsign_rows(token + "x", 5, SECRET)
    with pytest.raises(DomainError, match="другой школы"):
        unsign_rows(token, 6, SECRET)
    with pytest.raises(DomainError, match="повреждены"):  # a pupil import's token is not a staff import's
        unsign_rows(pupil_import.sign_rows([["a"]], 5, SECRET), 5, SECRET)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_token_confirms_once(session, s, engine):
    token = sign_rows([TEMPLATE_HEADER, GOOD[0]], s.school.id, SECRET)
    _preview, result = confirm_import(session, s.school.id, token, SECRET)
    session.commit()
    assert (result.created, result.updated) == (1, 0)
    with pytest.raises(DomainError, match="Этот импорт уже выполнен"):
        confirm_import(session, s.school.id, token, SECRET)
    assert session.query(Staff).filter_by(last_name="Смирнова").count() == 1
    assert [c.kind for c in session.query(ConsumedImportToken)] == ["staff-import"]


def test_a_token_refused_at_confirmation_stays_unused(session, s):
    token = sign_rows([TEMPLATE_HEADER, ["Гусев Пётр Ильич", "учитель", "да", "semenov@school.ru", ""],
                       ["Иванова Анна Петровна", "учитель", "да", "", ""]], s.school.id, SECRET)
    s.ivanova.email = "semenov@school.ru"  # since the preview: now the e-mail is two people's
    session.commit()
    preview, result = confirm_import(session, s.school.id, token, SECRET)
    assert result is None and "записана у нескольких работников школы" in preview.errors[0].reason
    session.rollback()
    assert session.query(ConsumedImportToken).count() == 0


def test_template_has_the_header_and_an_example_that_imports_cleanly(session, s):
    data = template_xlsx()
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["ФИО", "должность", "ведёт уроки (да/нет)", "эл. почта", "телефон"]
    assert [c.value for c in sheet[2]] == TEMPLATE_EXAMPLE
    preview = check_rows(session, s.school.id, read_list(data=data, filename="шаблон.xlsx"))
    assert preview.ok and [(r.full_name, r.is_teacher, r.phone) for r in preview.rows] == [
        ("Петрова Анна Сергеевна", True, "+79167654321")]


def test_an_empty_or_foreign_file_is_refused_in_russian():
    with pytest.raises(DomainError, match="Файл пустой. Выберите список работников"):
        read_list(data=b"", filename="staff.xlsx")
    with pytest.raises(DomainError, match="xlsx или csv"):
        read_list(data=b"x", filename="staff.doc")


def test_csv_in_windows_1251_is_read():
    rows = read_list(data="ФИО;должность;ведёт уроки\nСмирнова Елена Викторовна;учитель;да\n".encode("cp1251"),
                     filename="staff.csv")
    assert rows == [["ФИО", "должность", "ведёт уроки"], ["Смирнова Елена Викторовна", "учитель", "да"]]
