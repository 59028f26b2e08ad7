"""The timetable cell as a domain write: scope from scope.py, committed on success, nothing left
behind on a clash."""
import pytest

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import ClassGroup, TimetableSlot
from app.security.scope import load_scope
from app.timetable import grid
from tests.timetable_helpers import MONDAY, build_timetable_school


@pytest.fixture
def t(session, world):
    t = build_timetable_school(session, world.school_a, world.year, (world.class_a, world.class_a_other))
    session.commit()
    return t


def _slots(session):
    return [(s.class_group_id, s.weekday, s.lesson_number, s.assignment_id)
            for s in session.query(TimetableSlot).order_by(TimetableSlot.id)]


def test_secretary_changes_own_classes_only(session, world, t):
    scope = load_scope(session, world.users["secretary"])
    assert grid.scoped_row(session, scope, ClassGroup, world.class_a.id, write=True) is world.class_a
    with pytest.raises(NotInScope):
        grid.scoped_row(session, scope, ClassGroup, world.class_b.id, write=True)
    with pytest.raises(NotInScope):
        grid.scoped_row(session, load_scope(session, world.users["teacher"]), ClassGroup, world.class_a.id,
                        write=True)


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_saved_cell_is_committed_and_a_clash_leaves_nothing(session, world, t, engine):
    scope = load_scope(session, world.users["secretary"])
    grid.save_class_cell(session, scope, t.class_8b, 1, 2, t.maths_8b.id, None, MONDAY, add=False)
    session.rollback()  # committed: a rollback keeps it
    assert _slots(session) == [(t.class_8b.id, 1, 2, t.maths_8b.id)]
    with pytest.raises(DomainError, match="Иванова"):
        grid.save_class_cell(session, scope, t.class_7a, 1, 2, t.maths_7a.id, None, MONDAY, add=False)
    assert _slots(session) == [(t.class_8b.id, 1, 2, t.maths_8b.id)]


def test_change_outside_the_academic_year_is_refused(world, t):
    with pytest.raises(DomainError, match="внутри учебного года 2012/2013"):
        grid.check_valid_from(t.class_7a, world.year.ends_on.replace(year=2014))


def test_lesson_calendar_for_a_school_the_user_cannot_change_is_out_of_scope(session, world, t):
    from app.models import Lesson, StudyPeriod
    from app.timetable.calendar import generate_for

    grid.save_class_cell(session, load_scope(session, world.users["secretary"]), t.class_7a, 1, 1, t.maths_7a.id,
                         None, MONDAY, add=False)
    q1 = session.query(StudyPeriod).filter_by(school_id=world.school_a.id, number=1).one()  # 01.09–27.10.2012
    before = session.query(Lesson).count()  # build_world's three lessons
    with pytest.raises(NotInScope):
        generate_for(session, load_scope(session, world.users["teacher"]), q1, None)
    assert session.query(Lesson).count() == before
    report = generate_for(session, load_scope(session, world.users["secretary"]), q1, None)
    session.rollback()  # committed: a rollback keeps the lessons
    # Maths of 7А on Mondays 03.09–22.10: 8 lessons.
    assert report.added == 8 and session.query(Lesson).count() == before + 8
