"""The monitoring's journal figures leave the marks of lessons taught without marks out of every
mark count, and count those lessons as due and filled like any other (tests.assessment_helpers:
1А is a first grade whose two September lessons with a topic carry marks entered before the rule;
7А's Музыка is «зачёт/незачёт» and ИЗО without marks in the first quarter)."""
import datetime as dt

import pytest

from app.models import SubjectAssessment
from app.models.journal import UNMARKED
from app.monitoring.activity import assignment_activity
from app.monitoring.indicators import indicators_for_month
from tests.assessment_helpers import build_assessment_world
from tests.factories import make_mark

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
SEPTEMBER = dt.date(2012, 9, 1)
AS_OF = dt.date(2012, 9, 30)


@pytest.fixture
def aw(app, session):
    aw = build_assessment_world(session, app.appbuilder.sm)
    make_mark(session, aw.art_lesson, aw.w.pupil_a, 3, aw.types["отв"])  # ИЗО: without marks, set before
    session.commit()
    return aw


@pytest.mark.parametrize("database_engine", ENGINES)
def test_school_figures_count_unmarked_lessons_as_filled_but_not_their_marks(aw, session, database_engine):
    figures = indicators_for_month(session, SEPTEMBER, as_of=AS_OF)[aw.w.school_a.id]
    # Lessons of СОШ № 1 in September: 7А Математика 10.09 (mark 5), 8Б Математика 10.09 (mark 4),
    # 1А Математика 10.09 and 11.09 (topics, marks 5 and 4) and 12.09 (nothing), 7А Музыка 12.09
    # (topic), 7А ИЗО 13.09 (topic, mark 3). Filled: the four with a topic. Marks: 7А's and 8Б's
    # only. Active: Иванова and Петрова.
    assert {key: figures[key] for key in ("lessons_due", "lessons_filled", "marks_entered", "marks_on_time",
                                          "teachers_active")} == \
        {"lessons_due": 7, "lessons_filled": 4, "marks_entered": 2, "marks_on_time": 0, "teachers_active": 2}


def test_a_setting_of_the_school_takes_marks_out_of_the_count(aw, session):
    session.add(SubjectAssessment(class_group_id=aw.w.class_a.id, subject_id=aw.maths.subject_id,
                                  study_period_id=aw.quarters[0].id, mode=UNMARKED))
    session.commit()
    assert indicators_for_month(session, SEPTEMBER, as_of=AS_OF)[aw.w.school_a.id]["marks_entered"] == 1  # 8Б's


def test_completion_rows_of_a_first_grade_have_lessons_but_no_marks(aw, session):
    rows = {a.assignment_id: a for a in assignment_activity(session, [aw.w.school_a.id], SEPTEMBER, AS_OF)}
    first = rows[aw.first_maths.id]
    assert (first.lessons_due, first.lessons_with_topic, first.lessons_with_marks, first.lessons_touched,
            first.lessons_empty, first.marks_entered) == (3, 2, 0, 2, 1, 0)
    art = rows[aw.art.id]
    assert (art.lessons_due, art.lessons_with_topic, art.lessons_with_marks, art.marks_entered) == (1, 1, 0, 0)
    maths = rows[aw.maths.id]
    assert (maths.lessons_with_marks, maths.marks_entered) == (1, 1)
