"""The archive copy of a class journal (app.journal.archive.write_archive): every cell of a sheet,
for the year and for a quarter, read back from the file."""
import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.journal.archive import write_archive
from app.journal.plan import TopicRow, write_topics
from app.models import Absence, PeriodMark, StudyPeriod
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.factories import make_assignment, make_class, make_homework, make_lesson, make_mark, make_subject
from tests.journal_helpers import build_journal_world

HEAD = ["№", "Ученик", "10.09", "11.09", "12.09", "13.09", "Средний балл"]
TOPICS_HEAD = ["Дата", "Тема урока", "Домашнее задание"]


@pytest.fixture
def jw(app, session):
    """7А's mathematics (Иванова): lessons on 10–13.09.2012 and one on 15.11 (the 2nd quarter), a
    cancelled one on 14.09; Алексеева 5 (отв) on 10.09 and 4 (к/р) on 12.09, Волков «б» on 11.09
    and «н» on 12.09; 1st-quarter marks 5, 4, 2; the year mark 5 for Алексеева; a second subject."""
    jw = build_journal_world(session, app.appbuilder.sm)
    periods = list(session.scalars(select(StudyPeriod).where(StudyPeriod.school_id == jw.w.school_a.id)
                                   .order_by(StudyPeriod.number)))
    for pupil, value in zip(jw.pupils, ["5", "4", "2"]):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=jw.w.class_a.id, subject_id=jw.assignment.subject_id,
                               academic_year_id=jw.w.year.id, study_period_id=periods[0].id, value=value))
    session.add(PeriodMark(pupil_id=jw.pupils[0].id, class_group_id=jw.w.class_a.id,
                           subject_id=jw.assignment.subject_id, academic_year_id=jw.w.year.id, study_period_id=None,
                           value="5"))
    session.add(Absence(lesson_id=jw.lessons[1].id, pupil_id=jw.pupils[2].id, code="б"))
    session.add(Absence(lesson_id=jw.lessons[2].id, pupil_id=jw.pupils[2].id, code="н"))
    jw.lessons[1].topic = "Дроби"
    make_homework(session, jw.lessons[1], "№ 12, 14", due_on=jw.lessons[2].date)
    make_mark(session, jw.lessons[2], jw.pupils[0], 4, jw.types["к/р"])
    make_lesson(session, jw.assignment, dt.date(2012, 9, 14)).cancelled = True
    make_lesson(session, jw.assignment, dt.date(2012, 11, 15), topic="Проценты")
    make_assignment(session, jw.w.class_a, make_subject(session, "Физика"), jw.w.other_teacher)
    session.commit()
    jw.periods = periods
    return jw


def sheets(path):
    book = load_workbook(path)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_the_year_archive_has_every_lesson_average_and_period_mark(session, jw, tmp_path):
    scope = load_scope(session, jw.w.users["director"])
    path = tmp_path / "year.xlsx"
    assert write_archive(session, scope, jw.w.class_a.id, None, str(path)) == "journal-7А-god.xlsx"
    book = sheets(path)
    assert list(book) == ["Математика", "Физика"]
    periods = ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "Год"]
    # Алексеева: (5 × 1 + 4 × 2) / 3 = 4.33
    assert book["Математика"] == [
        ["7А — Математика", *[None] * 12],
        ["2012/2013 учебный год. Учитель: Иванова А.П.", *[None] * 12],
        [None] * 13,
        [*HEAD[:-1], "15.11", "Средний балл", *periods],
        [1, "Алексеева Мария", "5", "", "4", "", "", 4.33, "5", "", "", "", "5"],
        [2, "Борисова Мария", "", "", "", "", "", "", "4", "", "", "", ""],
        [3, "Волков Мария", "", "б", "н", "", "", "", "2", "", "", "", ""],
        [None] * 13,
        [*TOPICS_HEAD, *[None] * 10],
        ["10.09.2012", "", "", *[None] * 10],
        ["11.09.2012", "Дроби", "№ 12, 14", *[None] * 10],
        ["12.09.2012", "", "", *[None] * 10],
        ["13.09.2012", "", "", *[None] * 10],
        ["15.11.2012", "Проценты", "", *[None] * 10],
    ]
    assert book["Физика"][:4] == [
        ["7А — Физика", *[None] * 7],
        ["2012/2013 учебный год. Учитель: Петрова А.П.", *[None] * 7],
        [None] * 8,
        ["№", "Ученик", "Средний балл", *periods],
    ]


def test_a_quarter_archive_has_its_lessons_and_its_period_mark_only(session, jw, tmp_path):
    scope = load_scope(session, jw.w.users["teacher"])
    path = tmp_path / "quarter.xlsx"
    assert write_archive(session, scope, jw.w.class_a.id, jw.periods[0].id, str(path)) == "journal-7А-1-chetvert.xlsx"
    book = sheets(path)
    assert list(book) == ["Математика"]  # the teacher opens her own journal only
    assert book["Математика"] == [
        ["7А — Математика", *[None] * 7],
        ["1 четверть. Учитель: Иванова А.П.", *[None] * 7],
        [None] * 8,
        [*HEAD, "1 четверть"],
        [1, "Алексеева Мария", "5", "", "4", "", 4.33, "5"],
        [2, "Борисова Мария", "", "", "", "", "", "4"],
        [3, "Волков Мария", "", "б", "н", "", "", "2"],
        [None] * 8,
        [*TOPICS_HEAD, *[None] * 5],
        ["10.09.2012", "", "", *[None] * 5],
        ["11.09.2012", "Дроби", "№ 12, 14", *[None] * 5],
        ["12.09.2012", "", "", *[None] * 5],
        ["13.09.2012", "", "", *[None] * 5],
    ]


def test_a_class_without_journals_answers_not_in_scope(session, jw, tmp_path):
    empty = make_class(session, jw.w.school_a, jw.w.year, 9, "В")
    session.commit()
    with pytest.raises(NotInScope):
        write_archive(session, load_scope(session, jw.w.users["director"]), empty.id, None, str(tmp_path / "x.xlsx"))


def test_a_period_of_another_school_answers_not_in_scope(session, jw, tmp_path):
    foreign = session.scalar(select(StudyPeriod.id).where(StudyPeriod.school_id == jw.w.school_b.id))
    with pytest.raises(NotInScope):
        write_archive(session, load_scope(session, jw.w.users["director"]), jw.w.class_a.id, foreign,
                      str(tmp_path / "x.xlsx"))


def test_the_archive_ends_with_the_journals_thematic_plan(session, jw, tmp_path):
    write_topics(session, jw.assignment.id, [TopicRow(1, "Дроби", "Понятие дроби", 2),
                                             TopicRow(2, "Дроби", "Сравнение дробей", 3),
                                             TopicRow(3, None, "Повторение", 1)],
                 user_id=None, now=dt.datetime(2012, 9, 1))
    session.commit()
    path = tmp_path / "quarter.xlsx"
    write_archive(session, load_scope(session, jw.w.users["director"]), jw.w.class_a.id, jw.periods[0].id, str(path))
    book = sheets(path)
    assert book["Математика"][13:] == [
        [None] * 8,
        ["Тематическое планирование", *[None] * 7],
        ["№", "Раздел", "Тема", "Часов", *[None] * 4],
        [1, "Дроби", "Понятие дроби", 2, *[None] * 4],
        [2, "Дроби", "Сравнение дробей", 3, *[None] * 4],
        [3, "", "Повторение", 1, *[None] * 4],
        [None, None, "Всего часов", 6, *[None] * 4],
    ]
    assert "Тематическое планирование" not in str(book["Физика"])  # a journal without a plan ends with its topics
