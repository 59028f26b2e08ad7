"""`marks_writable_on`, `visible_on_lesson`: the Mark and Absence scope clauses as predicates on the
lesson row, and `journal_assignments(by_id=True)`: the same answers as the forms they replace."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.journal.access import lessons_listed, marks_writable_on, visible_on_lesson
from app.security.clauses import as_if, on_row
from app.models import Absence, Lesson, Mark, TeachingAssignment
from app.security.scope import changeable, journal_assignments, load_scope, visible
from tests.factories import make_lesson, make_mark, make_staff, make_user
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
    # A mark and an absence on a lesson of each kind: own, another teacher's, taught as a substitute.
    for lesson in (jw.lessons[0], make_lesson(session, jw.foreign_assignment, dt.date(2012, 9, 21)), covered):
        make_mark(session, lesson, jw.pupils[0], 5, jw.types["отв"], position=3)
        session.add(Absence(lesson_id=lesson.id, pupil_id=jw.pupils[1].id, code="н"))
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


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
@pytest.mark.parametrize("username", USERS)
def test_scope_checked_on_the_lesson_row_reads_the_same_rows(app, jw, session, username, engine):
    scope = load_scope(session, app.appbuilder.sm.find_user(username))
    lessons = set(session.scalars(select(Lesson.id).where(visible(scope, Lesson))))
    assert set(session.scalars(select(Lesson.id).where(on_row(visible(scope, Lesson), Lesson)))) == lessons
    for model in (Mark, Absence):
        rows = set(session.scalars(select(model.id).where(visible(scope, model))))
        on_lesson = select(Lesson.id).where(visible_on_lesson(scope, model))
        assert set(session.scalars(select(model.id).where(model.lesson_id.in_(on_lesson)))) == rows
        if username in ("teacher", "substitute", "director"):
            assert rows, f"{username} reads some {model.__name__} rows"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
@pytest.mark.parametrize("username", USERS)
def test_a_list_joined_to_the_lessons_reads_the_same_rows(app, jw, session, username, engine):
    """The marks list's scope (`lessons_listed` on the joined lesson) selects exactly the marks and
    absences `visible` does: a school's as a condition on the lesson row, a teacher's lessons as a
    set of ids."""
    scope = load_scope(session, app.appbuilder.sm.find_user(username))
    for model in (Mark, Absence):
        rows = set(session.scalars(select(model.id).where(visible(scope, model))))
        joined = select(model.id).join(Lesson, Lesson.id == model.lesson_id).where(lessons_listed(scope, model))
        assert set(session.scalars(joined)) == rows


def test_the_list_keeps_a_teachers_lessons_a_set_and_a_directors_a_condition(app, jw, session):
    """As an OR on the lesson row, a teacher's union made PostgreSQL read every mark of the region
    (1.2 s at 40 schools); a director's subquery as a set kept it from walking the school's lessons
    by date (1.5 s)."""
    def sql(username):
        scope = load_scope(session, app.appbuilder.sm.find_user(username))
        return str(lessons_listed(scope, Mark).compile(compile_kwargs={"literal_binds": True}))

    assert "UNION" in sql("teacher") and "lesson.id IN" in sql("teacher")
    director = sql("director")
    assert "SELECT" not in director and "lesson.school_id =" in director


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
@pytest.mark.parametrize("username", USERS)
def test_one_assignment_clause_opens_the_journals_the_list_shows(app, jw, session, username, engine):
    scope = load_scope(session, app.appbuilder.sm.find_user(username))
    listed = set(session.scalars(select(TeachingAssignment.id).where(journal_assignments(scope))))
    for assignment_id in session.scalars(select(TeachingAssignment.id)):
        one = session.scalar(select(TeachingAssignment.id).where(
            TeachingAssignment.id == assignment_id, journal_assignments(scope, by_id=True)))
        assert (one is not None) == (assignment_id in listed), assignment_id
    if username == "substitute":
        assert listed == {jw.foreign_assignment.id}


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


def test_on_row_turns_a_union_of_key_selects_into_or():
    from sqlalchemy import union

    either = Lesson.id.in_(union(select(Lesson.id).where(Lesson.teacher_id == 1),
                                 select(Lesson.id).where(Lesson.class_group_id == 2)))
    sql = str(on_row(either, Lesson))
    assert "SELECT" not in sql and "lesson.teacher_id = :teacher_id_1" in sql and " OR " in sql
    assert "lesson.class_group_id = :class_group_id_1" in sql
    mixed = Lesson.id.in_(union(select(Lesson.id).where(Lesson.teacher_id == 1),
                                select(Lesson.id).where(Lesson.teacher_id == 2).limit(3)))
    assert "LIMIT" in str(on_row(mixed, Lesson))  # one part it cannot unwrap: the union stays


def test_a_teachers_lessons_are_read_one_index_at_a_time(app, jw, session):
    """The teacher's lessons are a union of three indexed reads (own assignments, substitutions,
    the led class), not one OR that PostgreSQL checks on every lesson of the region."""
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    sql = str(visible(scope, Mark).compile())
    assert sql.count("UNION") == 2 and " OR " not in sql
    shown = set(session.scalars(select(Mark.id).where(visible(scope, Mark))))
    assert jw.w.mark_a.id in shown and jw.w.mark_b.id not in shown
