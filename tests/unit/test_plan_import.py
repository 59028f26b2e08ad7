"""The thematic plan's import (app.journal.plan_import): small files written here by hand, read,
checked with the spreadsheet's row numbers, and written all or nothing. The world is
tests/plan_helpers.py's: 7А's mathematics (Иванова's) has a plan of 4 topics."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.journal import plan_import
from app.journal.plan_import import (
    TEMPLATE_HEADER,
    check_file,
    confirm_and_write,
    read_plan_file,
    sign_rows,
    template_xlsx,
)
from app.models import ConsumedImportToken, PlanTopic, ThematicPlan
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.plan_helpers import NOW, build_plan_world

SECRET = "s" * 32

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def pw(app, session):
    return build_plan_world(session, app.appbuilder.sm)


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(rows) -> list[list[str]]:
    return read_plan_file(data=xlsx(rows), filename="КТП.xlsx")


def teacher(session, pw):
    return load_scope(session, pw.w.users["teacher"])


def stored(session, assignment) -> list[tuple]:
    session.expire_all()
    return [tuple(row) for row in session.execute(
        select(PlanTopic.position, PlanTopic.section, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment.id).order_by(PlanTopic.position))]


# A teacher's file: a title line, the header (own spellings, a date column the import ignores),
# a section heading row, topics under it, a merged-looking section cell left empty, hours as numbers.
TEACHERS_FILE = [
    ["Календарно-тематическое планирование по математике, 7 класс"],
    [],
    ["№ урока", "Раздел программы", "Тема урока", "Кол-во часов", "Дата"],
    [None, "Глава 1. Натуральные числа", None, None, None],
    [1, None, "Обозначение натуральных чисел", 2, "03.09"],
    [2, None, "Отрезок. Длина отрезка", 1.0, "05.09"],
    [3, "Глава 2. Сложение и вычитание", "Сложение натуральных чисел", "3 ч.", "07.09"],
    [None, None, None, None, None],
    [4, None, "Вычитание", 2, "12.09"],
]
WRITTEN = [(1, "Глава 1. Натуральные числа", "Обозначение натуральных чисел", 2),
           (2, "Глава 1. Натуральные числа", "Отрезок. Длина отрезка", 1),
           (3, "Глава 2. Сложение и вычитание", "Сложение натуральных чисел", 3),
           (4, "Глава 2. Сложение и вычитание", "Вычитание", 2)]


def test_a_teachers_file_is_previewed_with_its_row_numbers(session, pw):
    preview = check_file(session, teacher(session, pw), pw.parallel.id, read(TEACHERS_FILE))
    assert preview.ok and preview.checked.errors == []
    assert [(r.number, r.section, r.topic, r.hours) for r in preview.checked.rows] == [
        (5, "Глава 1. Натуральные числа", "Обозначение натуральных чисел", 2),
        (6, "Глава 1. Натуральные числа", "Отрезок. Длина отрезка", 1),
        (7, "Глава 2. Сложение и вычитание", "Сложение натуральных чисел", 3),
        (9, "Глава 2. Сложение и вычитание", "Вычитание", 2)]
    assert (preview.checked.headings, preview.checked.hours, preview.replaces) == (1, 8, 0)
    assert stored(session, pw.parallel) == []  # a preview writes nothing


@pytest.mark.parametrize("engine", ENGINES)
def test_confirming_writes_the_plan_once(session, pw, engine):
    raw = read(TEACHERS_FILE)
    token = sign_rows(raw, pw.parallel.id, SECRET)
    preview, written = confirm_and_write(session, teacher(session, pw), pw.parallel.id, token, SECRET,
                                         user_id=pw.w.users["teacher"].id, now=NOW)
    assert written == 4
    assert stored(session, pw.parallel) == WRITTEN
    with pytest.raises(DomainError, match="уже выполнен"):
        confirm_and_write(session, teacher(session, pw), pw.parallel.id, token, SECRET, user_id=None, now=NOW)
    assert stored(session, pw.parallel) == WRITTEN


def test_an_import_replaces_the_plans_topics(session, pw):
    raw = read([["тема", "часы"], ["Повторение", "5"]])
    preview = check_file(session, teacher(session, pw), pw.own.id, raw)
    assert preview.replaces == 4
    confirm_and_write(session, teacher(session, pw), pw.own.id, sign_rows(raw, pw.own.id, SECRET), SECRET,
                      user_id=None, now=NOW)
    assert stored(session, pw.own) == [(1, None, "Повторение", 5)]
    assert session.scalar(select(ThematicPlan.version).where(ThematicPlan.assignment_id == pw.own.id)) == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_rows_are_refused_with_their_numbers_and_nothing_is_written(session, pw, engine):
    raw = read([
        ["№", "раздел", "тема", "часы"],
        [1, "Дроби", "Понятие дроби", 2],
        [2, None, None, 1],
        [3, None, "Сравнение дробей", None],
        [4, None, "Сложение дробей", "полтора"],
        [5, None, "Вычитание дробей", 1.5],
        [6, None, "Деление\u202eдробей", 100],
        [7, None, "Проценты", 2],
    ])
    preview = check_file(session, teacher(session, pw), pw.own.id, raw)
    assert not preview.ok
    assert [(e.number, e.reason) for e in preview.checked.errors] == [
        (3, "тема не указана"),
        (4, "не указано, сколько часов на тему"),
        (5, "часы «полтора»: нужно целое число от 1 до 99"),
        (6, "часы «1.5»: нужно целое число от 1 до 99"),
        (7, "часы «100»: нужно целое число от 1 до 99; «тема»: в тексте есть невидимый знак смены направления "
            "письма (U+202E). Наберите значение заново, не копируя его"),
    ]
    assert [r.number for r in preview.checked.rows] == [2, 8]
    before = stored(session, pw.own)
    _preview, written = confirm_and_write(session, teacher(session, pw), pw.own.id, sign_rows(raw, pw.own.id, SECRET),
                                          SECRET, user_id=None, now=NOW)
    assert written is None
    assert stored(session, pw.own) == before
    assert session.scalar(select(func.count()).select_from(ConsumedImportToken)) == 0  # the token stays unused


def test_missing_columns_are_named_and_an_empty_or_foreign_file_refused(session, pw):
    with pytest.raises(DomainError, match="нет строки заголовков со столбцами «тема» и «часы»"):
        check_file(session, teacher(session, pw), pw.own.id, read([["№", "тема"], [1, "Дроби"]]))
    with pytest.raises(DomainError, match="нет ни одной темы"):
        check_file(session, teacher(session, pw), pw.own.id, read([["тема", "часы"], [None, None]]))
    with pytest.raises(DomainError, match="Файл пустой"):
        read_plan_file(data=b"", filename="plan.xlsx")
    with pytest.raises(DomainError, match="xlsx или csv"):
        read_plan_file(data=b"%PDF-1.4", filename="plan.pdf")


def test_a_csv_in_windows_1251_is_read(session, pw):
    raw = read_plan_file(data="Раздел;Тема;Часы\nДроби;Понятие дроби;2\n".encode("cp1251"), filename="ктп.csv")
    preview = check_file(session, teacher(session, pw), pw.own.id, raw)
    assert [(r.number, r.section, r.topic, r.hours) for r in preview.checked.rows] == [(2, "Дроби", "Понятие дроби", 2)]


def test_only_the_plans_teacher_imports_it(session, pw):
    raw = read([["тема", "часы"], ["Дроби", 1]])
    for user in ("director", "secretary"):
        with pytest.raises(NotInScope):
            check_file(session, load_scope(session, pw.w.users[user]), pw.own.id, raw)
    with pytest.raises(NotInScope):
        check_file(session, teacher(session, pw), pw.far.id, raw)
    token = sign_rows(raw, pw.colleague.id, SECRET)
    with pytest.raises(NotInScope):
        confirm_and_write(session, teacher(session, pw), pw.colleague.id, token, SECRET, user_id=None, now=NOW)


def test_a_token_is_bound_to_its_plan_and_to_this_import(session, pw):
    raw = read([["тема", "часы"], ["Дроби", 1]])
    with pytest.raises(DomainError, match="для плана другого класса"):
        confirm_and_write(session, teacher(session, pw), pw.own.id, sign_rows(raw, pw.parallel.id, SECRET), SECRET,
                          user_id=None, now=NOW)
    from app.timetable import staff_import

    staff_token = staff_import.sign_rows(raw, pw.w.school_a.id, SECRET)
    with pytest.raises(DomainError, match="повреждены"):
        confirm_and_write(session, teacher(session, pw), pw.own.id, staff_token, SECRET, user_id=None, now=NOW)
    assert len(stored(session, pw.own)) == 4


def test_the_template_has_the_header_and_an_example_that_imports_cleanly(session, pw):
    data = template_xlsx()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["№", "раздел", "тема", "часы"] == TEMPLATE_HEADER
    preview = check_file(session, teacher(session, pw), pw.parallel.id,
                         read_plan_file(data=data, filename="shablon.xlsx"))
    assert [(r.section, r.topic, r.hours) for r in preview.checked.rows] == [
        ("Натуральные числа и шкалы", "Обозначение натуральных чисел", 2)]
    assert plan_import.TOKENS.kind == "plan-import"
