import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from app.errors import DomainError
from app.models import ConsumedImportToken, Guardian, GuardianLink, Pupil
from app.timetable.pupil_import import (
    TEMPLATE_HEADER,
    check_rows,
    confirm_import,
    import_pupils,
    normalize_phone,
    parse_class,
    read_table,
    sign_rows,
    template_xlsx,
    unsign_rows,
)
from tests.timetable_helpers import build_timetable_school

START = dt.date(2012, 9, 1)
GOOD = [
    ["Иванова Мария Петровна", "14.03.2000", "7А", "Иванов Пётр Сергеевич", "8 (916) 123-45-67", "ivanov@example.ru"],
    ["Иванов Олег Петрович", "02.05.1999", "8б", "Иванов Пётр Сергеевич", "+79161234567", ""],
    ["Сидоров Антон", "2000-01-31", "7 A", "", "", ""],
]


@pytest.fixture
def t(session):
    return build_timetable_school(session)


def check(session, t, rows):
    return check_rows(session, t.school.id, t.year.id, [TEMPLATE_HEADER, *rows], START)


def test_class_names_and_phones_are_normalised():
    assert parse_class("7 a") == (7, "А") and parse_class("11-Б") == (11, "Б") and parse_class("7") is None
    assert normalize_phone("8 (916) 123-45-67") == "+79161234567" and normalize_phone("123") is None


def test_good_rows_are_written_with_one_guardian_for_siblings(session, t):
    preview = check(session, t, GOOD)
    assert preview.ok and [r.class_name for r in preview.rows] == ["7А", "8Б", "7А"]
    result = import_pupils(session, t.school.id, preview, START)
    assert (result.pupils, result.guardians_created) == (3, 1)
    father = session.query(Guardian).one()
    assert father.phone == "+79161234567" and len(father.links) == 2
    assert session.query(Pupil).filter_by(last_name="Сидоров").one().middle_name is None


def test_every_bad_row_is_listed_with_its_number_and_reason(session, t):
    rows = [
        GOOD[0],
        ["Петров", "01.01.2000", "7А", "", "", ""],
        ["Петров Пётр", "31.02.2000", "7А", "", "", ""],
        ["Петров Пётр", "01.01.2000", "9В", "", "", ""],
        ["Петров Пётр", "01.01.2000", "7А", "", "12345", "нет-почты"],
        ["Петров Пётр", "01.01.2011", "7А", "", "", ""],
        GOOD[0],
    ]
    preview = check(session, t, rows)
    reasons = {e.number: e.reason for e in preview.errors}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "фамилия и имя" in reasons[3]
    assert "31.02.2000" in reasons[4]
    assert "9В" in reasons[5]
    assert "12345" in reasons[6] and "нет-почты" in reasons[6] and "ФИО родителя нет" in reasons[6]
    assert "возраст" in reasons[7]
    assert "строке 2" in reasons[8]
    assert not preview.ok


def test_import_with_bad_rows_writes_nothing(session, t):
    preview = check(session, t, [GOOD[0], ["Петров", "", "", "", "", ""]])
    with pytest.raises(DomainError):
        import_pupils(session, t.school.id, preview, START)
    assert session.query(Pupil).count() == 0 and session.query(Guardian).count() == 0


def test_pupil_already_in_school_is_an_error(session, t):
    import_pupils(session, t.school.id, check(session, t, GOOD[:1]), START)
    preview = check(session, t, GOOD[:1])
    assert "уже есть в школе" in preview.errors[0].reason


def test_existing_guardian_of_the_school_is_linked_not_duplicated(session, t):
    import_pupils(session, t.school.id, check(session, t, GOOD[:1]), START)
    result = import_pupils(session, t.school.id, check(session, t, [GOOD[1]]), START)
    assert (result.guardians_created, result.guardians_linked) == (0, 1)
    assert session.query(Guardian).count() == 1 and session.query(GuardianLink).count() == 2


def test_missing_columns_are_refused(session, t):
    with pytest.raises(DomainError, match="дата рождения"):
        check_rows(session, t.school.id, t.year.id, [["ФИО", "класс"], ["Иванов Иван", "7А"]], START)


def test_xlsx_and_csv_are_read_alike():
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADER)
    sheet.append(["Иванова Мария", dt.datetime(2000, 3, 14), "7А", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx_rows = read_table(buffer.getvalue(), "class.xlsx")
    csv_rows = read_table("ФИО;дата рождения;класс\nИванова Мария;14.03.2000;7А\n".encode("cp1251"), "class.csv")
    assert xlsx_rows[1][:3] == csv_rows[1][:3] == ["Иванова Мария", "14.03.2000", "7А"]


def test_other_files_are_refused():
    with pytest.raises(DomainError, match="xlsx или csv"):
        read_table(b"x", "class.doc")
    with pytest.raises(DomainError, match="xlsx"):
        read_table(b"not a zip", "class.xlsx")


def test_signed_rows_survive_and_tampering_is_refused():
    token = sign_rows([["a"]], 5, "s" * 32)
    assert unsign_rows(token, 5, "s" * 32) == [["a"]]
    with pytest.raises(DomainError):
        unsign_rows(token + "x", 5, "s" * 32)
    with pytest.raises(DomainError, match="другой школы"):
        unsign_rows(token, 6, "s" * 32)


def test_a_token_refused_at_confirmation_stays_unused_and_then_imports_once(session, t):
    token = sign_rows([TEMPLATE_HEADER, GOOD[2]], t.school.id, "s" * 32)
    session.add(Pupil(school_id=t.school.id, class_group_id=t.class_7a.id, last_name="Сидоров", first_name="Антон",
                      birth_date=dt.date(2000, 1, 31), enrolled_on=START))
    session.commit()
    preview, result = confirm_import(session, t.school.id, t.year, token, "s" * 32, START)
    assert result is None and "такой ученик уже есть в школе" in preview.errors[0].reason
    session.rollback()  # as the view does: the token goes back unused
    assert session.query(ConsumedImportToken).count() == 0

    session.query(Pupil).filter_by(last_name="Сидоров").delete()
    session.commit()
    _preview, result = confirm_import(session, t.school.id, t.year, token, "s" * 32, START)
    session.commit()
    assert result.pupils == 1
    with pytest.raises(DomainError, match="Этот импорт уже выполнен"):
        confirm_import(session, t.school.id, t.year, token, "s" * 32, START)
    assert session.query(Pupil).filter_by(last_name="Сидоров").count() == 1
    assert [c.kind for c in session.query(ConsumedImportToken)] == ["pupil-import"]


def test_template_has_the_columns():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADER
