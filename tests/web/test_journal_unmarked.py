"""A subject taught without marks in the journal: every write path refuses a digit mark with the
reason and takes what may be entered (absences, topics, «зач.» where the school assesses so); the
grid shows no averages, proposals or «мало отметок». The world: tests.assessment_helpers (1А is a
first grade; 7А's Музыка is «зачёт/незачёт» and ИЗО without marks in the first quarter)."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.journal import grid
from app.models import Absence, JournalChange, Lesson, Mark, PeriodMark
from app.models.journal import MARKS, PASS_FAIL, UNMARKED
from app.security.scope import load_scope
from tests.assessment_helpers import build_assessment_world
from tests.conftest import csrf_token
from tests.factories import make_lesson
from tests.journal_helpers import post_json

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
EMPTY = {"marks": {}, "absence": None}
UNMARKED_REFUSAL = ("Отметка «5» не ставится: предмет в этом классе и периоде изучается без отметок. "
                    "Отмечайте пропуски (б, н, оп, у), записывайте тему и задание.")


@pytest.fixture
def aw(app, session):
    return build_assessment_world(session, app.appbuilder.sm)


@pytest.fixture
def teacher(as_user, aw):
    client = as_user("teacher")
    client.token = csrf_token(client, f"/journal/{aw.first_maths.id}/")
    return client


def save(client, assignment, lesson, pupil, text, known=EMPTY, period_id=None):
    return post_json(client, client.token, "/journal/api/cell", {
        "lesson_id": lesson.id, "pupil_id": pupil.id, "assignment_id": assignment.id, "period_id": period_id,
        "text": text, "known": known})


def row_counts(session):
    session.expire_all()
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Mark, Absence, PeriodMark, JournalChange)}


@pytest.mark.parametrize("database_engine", ENGINES)
def test_cell_save_refuses_a_digit_in_grade_one_and_takes_an_absence(aw, teacher, session, database_engine):
    lesson, pupil = aw.first_lessons[2], aw.first_pupils[1]
    before = row_counts(session)
    for text in ("5", "оп 5", "3/4"):
        refused = save(teacher, aw.first_maths, lesson, pupil, text)
        assert refused.status_code == 400, text
        assert "не ставится: предмет в этом классе и периоде изучается без отметок" in refused.get_json()["error"]
    assert save(teacher, aw.first_maths, lesson, pupil, "5").get_json()["error"] == UNMARKED_REFUSAL
    assert row_counts(session) == before

    taken = save(teacher, aw.first_maths, lesson, pupil, "н", period_id=aw.quarters[0].id)
    assert taken.status_code == 200, taken.get_data(as_text=True)
    reply = taken.get_json()
    assert reply["cell"]["text"] == "н"
    # The summary has no figures of marks and never warns of too few marks.
    assert reply["summary"] == {"average": "", "count": 0, "absences": 1, "proposal": "", "shortage": False}
    assert session.scalar(select(Absence.code).where(Absence.lesson_id == lesson.id, Absence.pupil_id == pupil.id)) == "н"


def test_a_mark_entered_before_the_rule_can_be_cleared(aw, teacher, session):
    lesson, pupil = aw.first_lessons[0], aw.first_pupils[0]
    mark = session.scalar(select(Mark).where(Mark.lesson_id == lesson.id, Mark.pupil_id == pupil.id))
    known = {"marks": {"0": mark.version}, "absence": None}
    assert save(teacher, aw.first_maths, lesson, pupil, "5", known).status_code == 400
    cleared = save(teacher, aw.first_maths, lesson, pupil, "", known)
    assert cleared.status_code == 200 and cleared.get_json()["cell"]["text"] == ""
    assert session.scalar(select(func.count()).select_from(Mark).where(Mark.lesson_id == lesson.id)) == 0


def test_pass_fail_subject_refuses_lesson_marks_with_its_own_reason(aw, teacher, session):
    refused = save(teacher, aw.music, aw.music_lesson, aw.w.pupil_a, "4")
    assert refused.status_code == 400
    assert refused.get_json()["error"].startswith("Отметка «4» не ставится: предмет в этом периоде оценивается "
                                                  "по системе «зачёт/незачёт».")
    assert save(teacher, aw.music, aw.music_lesson, aw.w.pupil_a, "б").status_code == 200


def test_marked_subjects_and_periods_still_take_marks(aw, teacher, session):
    # 7А Математика, and 7А Музыка in the second quarter (its setting is of the first only).
    assert save(teacher, aw.maths, aw.w.lesson_a, aw.seventh_pupils[1], "4").status_code == 200
    later = make_lesson(session, aw.music, dt.date(2012, 11, 12))
    session.commit()
    assert save(teacher, aw.music, later, aw.w.pupil_a, "5").status_code == 200


def test_column_fill_refuses_a_digit_and_fills_an_absence_code(aw, teacher, session):
    lesson = aw.first_lessons[2]
    known = {str(p.id): EMPTY for p in aw.first_pupils}
    refused = post_json(teacher, teacher.token, "/journal/api/fill", {"lesson_id": lesson.id, "text": "5", "known": known})
    assert refused.status_code == 400 and refused.get_json()["error"] == UNMARKED_REFUSAL
    assert session.scalar(select(func.count()).select_from(Mark).where(Mark.lesson_id == lesson.id)) == 0
    filled = post_json(teacher, teacher.token, "/journal/api/fill", {"lesson_id": lesson.id, "text": "н", "known": known})
    assert filled.status_code == 200 and filled.get_json() == {"filled": 2}


def test_topic_is_written_in_grade_one(aw, teacher, session):
    # (Homework is not given in grade 1: tests/web/test_homework.py::test_grade_one_gets_no_homework.)
    lesson = aw.first_lessons[2]
    saved = post_json(teacher, teacher.token, "/journal/api/lesson", {
        "lesson_id": lesson.id, "topic": "Вычитание", "version": lesson.version})
    assert saved.status_code == 200 and saved.get_json()["lesson"]["topic"] == "Вычитание"


def period_mark(client, assignment, pupil, value, period_id):
    return post_json(client, client.token, "/journal/api/period-mark", {
        "assignment_id": assignment.id, "pupil_id": pupil.id, "period_id": period_id, "value": value, "version": None})


@pytest.mark.parametrize("database_engine", ENGINES)
def test_period_results_follow_the_subject_assessment(aw, teacher, session, database_engine):
    q1 = aw.quarters[0].id
    # Grade 1: no period result at all, nor a year result.
    for value, period_id in (("5", q1), ("зач.", q1), ("5", None)):
        refused = period_mark(teacher, aw.first_maths, aw.first_pupils[0], value, period_id)
        assert refused.status_code == 400, (value, period_id)
        assert "изучается без отметок: итоговая отметка не ставится" in refused.get_json()["error"]
    # «Зачёт/незачёт»: «зач.» is taken, a digit is refused.
    refused = period_mark(teacher, aw.music, aw.w.pupil_a, "5", q1)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == ("«5» не принимается: предмет оценивается по системе «зачёт/незачёт». "
                                           "Допустимы: зач., незач., н/а, осв.")
    taken = period_mark(teacher, aw.music, aw.w.pupil_a, "зач.", q1)
    assert taken.status_code == 200 and taken.get_json()["value"] == "зач."
    # Marked from the second quarter: the year of Музыка is marked.
    assert period_mark(teacher, aw.music, aw.w.pupil_a, "5", None).status_code == 200
    assert period_mark(teacher, aw.maths, aw.w.pupil_a, "5", q1).status_code == 200
    session.expire_all()
    assert sorted(session.scalars(select(PeriodMark.value))) == ["5", "5", "зач."]


def grid_of(session, app, assignment, period, today):
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    return grid.build_grid(session, scope, assignment.id, period.id, today=today)


def test_grid_of_grade_one_has_no_averages_proposals_or_shortage(aw, app, session):
    # 20.10: less than two weeks to the end of the quarter, when the shortage warning would be on.
    data = grid_of(session, app, aw.first_maths, aw.quarters[0], dt.date(2012, 10, 20))
    assert (data.mode, data.marked, data.has_period_result, data.shortage_due) == (UNMARKED, False, False, False)
    andreev = data.pupils[0]
    assert andreev.cells[aw.first_lessons[0].id].text == "5"        # entered before the rule: shown, not counted
    assert [(p.average, p.mark_count, p.proposal, p.shortage) for p in data.pupils] == [(None, 0, None, False)] * 2
    assert [lesson.average for lesson in data.lessons] == [None, None, None] and data.class_average is None
    # The same pupil's marks in a marked journal are summed up as ever.
    marked = grid_of(session, app, aw.maths, aw.quarters[0], dt.date(2012, 10, 20))
    assert marked.mode == MARKS and marked.shortage_due and marked.pupils[0].mark_count == 1


def test_grid_page_of_grade_one_shows_no_average_columns(aw, as_user):
    page = as_user("teacher").get(f"/journal/{aw.first_maths.id}/?period={aw.quarters[0].id}").get_data(as_text=True)
    assert "изучается без отметок" in page
    for absent in ("Средний балл", "Предложено", "cell-average", 'class="sum avg"', 'class="sum proposal"',
                   "period-input", "мало отметок"):
        assert absent not in page, absent
    assert 'class="sum abs"' in page and "Пропусков" in page
    assert "Введите код пропуска: б, н, оп, у." in page


def test_grid_page_of_a_pass_fail_period_keeps_the_period_result(aw, as_user):
    page = as_user("teacher").get(f"/journal/{aw.music.id}/?period={aw.quarters[0].id}").get_data(as_text=True)
    assert "«зачёт/незачёт»" in page and "period-input" in page
    assert "Средний балл" not in page and 'class="sum avg"' not in page
    second = as_user("teacher").get(f"/journal/{aw.music.id}/?period={aw.quarters[1].id}").get_data(as_text=True)
    assert "Средний балл" in second and "«зачёт/незачёт»" not in second


def test_year_view_of_grade_one_takes_no_year_mark(aw, as_user):
    page = as_user("teacher").get(f"/journal/{aw.first_maths.id}/?period=year").get_data(as_text=True)
    assert "годовая отметка не ставится" in page and "period-input" not in page
