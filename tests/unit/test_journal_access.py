"""`marks_writable_on`: the Mark scope clause as a predicate on the lesson row, same answers as the
IN-subquery form it replaces, without a second pass over the lesson table."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.journal.access import as_if, marks_writable_on, on_row
from app.models import Lesson, Mark, TeachingAssignment
from app.security.scope import changeable, load_scope
from tests.factories import make_lesson, make_staff, make_user
from app.security import roles as R
from tests.journal_helpers import build_journal_world

USERS = ("admin", "director", "secretary", "teacher", "classteacher", "substitute", "parent", "pupil",
         "ministry", "municipal")


@pytest.fixture
def jw(app, session):
    jw = build_journal_world(session, app.appbuilder.sm)
    leader = make_staff(session, jw.w.school_a, "Руководителева",
                        make_user(session, app.appbuilder.sm, "classteacher", R.TEACHER))
    jw.w.class_a_other.class_teacher_id = leader.id
    substitute = make_staff(session, jw.w.school_a, "Заменова",
                            make_user(session, app.appbuilder.sm, "substitute", R.TEACHER))
    covered = make_lesson(session, jw.foreign_assignment, dt.date(2012, 9, 20))
    covered.teacher_id = substitute.id
    session.commit()
    return jw


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
@pytest.mark.parametrize("username", USERS)
def test_writable_lessons_match_the_mark_clause(app, jw, session, username, engine):
    scope = load_scope(session, app.appbuilder.sm.find_user(username))
    in_form = as_if(changeable(scope, Mark), Mark, {"lesson_id": Lesson.id})
    expected = dict(session.execute(select(Lesson.id, in_form)).all())
    got = {id_: bool(v) for id_, v in session.execute(select(Lesson.id, marks_writable_on(scope))).all()}
    assert got == {id_: bool(v) for id_, v in expected.items()}
    assert len(got) >= 6


def test_teacher_clause_reads_the_outer_lesson_row(app, jw, session):
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    sql = str(select(Lesson.id, marks_writable_on(scope).label("editable")).compile())
    editable = sql.split(" AS editable")[0]
    assert "FROM lesson" not in editable and "lesson.teacher_id" in editable
    assert dict(session.execute(select(Lesson.id, marks_writable_on(scope))).all())[jw.lessons[0].id]


def test_on_row_leaves_other_subqueries_alone():
    others = Lesson.assignment_id.in_(select(Lesson.assignment_id).where(Lesson.teacher_id == 1))
    assert on_row(others, Lesson) is others or str(on_row(others, Lesson)) == str(others)
    limited = Lesson.id.in_(select(Lesson.id).where(Lesson.teacher_id == 1).limit(3))
    assert "LIMIT" in str(on_row(limited, Lesson))
    plain = Lesson.id.in_(select(Lesson.id).where(Lesson.teacher_id == 1))
    assert str(on_row(plain, Lesson)).strip("()") == "lesson.teacher_id = :teacher_id_1"
    joined = Lesson.id.in_(select(Lesson.id).where(Lesson.teacher_id == TeachingAssignment.teacher_id))
    assert "teaching_assignment" in str(on_row(joined, Lesson)) and "IN" in str(on_row(joined, Lesson))
