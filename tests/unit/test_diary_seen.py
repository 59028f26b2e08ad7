"""«Новое» in the diary week: marks and homework since the reader's last visit of that child's diary
(app.diary.seen, read by app.diary.week.build_week).

The week of tests.diary_helpers (17–22.09.2012) for pupil_a, whose parent also has sibling_a (8Б).
Times below are the region's, written by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.diary import week as W
from app.diary.pupils import visible_pupil
from app.diary.seen import mark_seen, new_since
from app.models import DiarySeen, Homework, Mark, TeachingAssignment
from app.security.scope import load_scope
from tests.diary_helpers import MONDAY, build_diary_week, day
from tests.factories import make_catalogues, make_lesson

T = dt.datetime
OLD = T(2012, 9, 17, 15, 0)         # the demo week's marks entered
VISIT_1 = T(2012, 9, 18, 18, 0)     # the parent's first visit of both children's diaries
BEFORE = T(2012, 9, 18, 10, 0)
AFTER = T(2012, 9, 19, 12, 0)
VISIT_2 = T(2012, 9, 19, 19, 0)
VISIT_3 = T(2012, 9, 20, 19, 0)


def card(session, world, pupil):
    return visible_pupil(session, load_scope(session, world.users["admin"]), pupil.id)


def mark(session, lesson, pupil, value, at, position=0):
    types = make_catalogues(session)
    row = Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value, mark_type_id=types["отв"].id,
               position=position, created_at=at, changed_at=at)
    session.add(row)
    session.flush()
    return row


def new_things(session, world, pupil, reader, now):
    """(lesson date, number, «new» marks, a task due at it new) of the lessons flagged new."""
    week = W.build_week(session, card(session, world, pupil), MONDAY, MONDAY, seen_by=reader, now=now)
    return [(d.date, lesson.number, [m.value for m in lesson.marks if m.new], any(task.new for task in lesson.homework))
            for d in week.days for lesson in d.lessons if lesson.is_new]


def seen(session, reader, pupil, now):
    mark_seen(session.connection(), reader, pupil.id, now)
    session.commit()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_marks_after_the_last_visit_are_new_before_it_not_and_the_other_childs_do_not_count(session, world, engine):
    diary = build_diary_week(session, world)
    session.execute(Mark.__table__.update().values(created_at=OLD, changed_at=OLD))
    session.execute(Homework.__table__.update().values(created_at=OLD, changed_at=OLD))
    parent = world.users["parent"].id
    pupil, sibling = world.pupil_a, world.sibling_a
    seen(session, parent, pupil, VISIT_1)
    seen(session, parent, sibling, VISIT_1)

    mark(session, diary.lessons["tue2"], pupil, 3, BEFORE)        # before the visit: not new
    mark(session, diary.lessons["tue2"], pupil, 5, AFTER, 1)        # after it: new
    # Monday's Russian homework, due at Tuesday's first lesson, changed after it: new.
    session.execute(Homework.__table__.update().where(Homework.lesson_id == diary.lessons["mon2"].id)
                    .values(text="Упр. 115", changed_at=AFTER))
    their_maths = session.scalars(select(TeachingAssignment).where(
        TeachingAssignment.class_group_id == sibling.class_group_id)).first()
    mark(session, make_lesson(session, their_maths, day(2), 1), sibling, 2, AFTER)  # the brother's
    session.commit()

    assert new_things(session, world, pupil, parent, VISIT_2) == [(day(1), 1, [], True), (day(1), 2, [5], False)]
    seen(session, parent, pupil, VISIT_2)
    # A reload within the same visit keeps them new; the next visit does not.
    assert new_things(session, world, pupil, parent, VISIT_2 + dt.timedelta(minutes=5)) == [
        (day(1), 1, [], True), (day(1), 2, [5], False)]
    seen(session, parent, pupil, VISIT_2 + dt.timedelta(minutes=5))
    assert new_things(session, world, pupil, parent, VISIT_3) == []
    seen(session, parent, pupil, VISIT_3)

    # The brother's stamp is his own: his mark is still new for the parent in his diary.
    assert new_things(session, world, sibling, parent, VISIT_3) == [(day(2), 1, [2], False)]
    # The pupil herself has never opened her diary: nothing is new on a first visit; staff see no flags.
    assert new_things(session, world, pupil, world.users["pupil"].id, VISIT_3) == []
    assert new_things(session, world, pupil, None, VISIT_3) == []
    assert session.execute(select(DiarySeen.seen_at, DiarySeen.new_since).where(
        DiarySeen.user_id == parent, DiarySeen.pupil_id == pupil.id)).one() == (VISIT_3, VISIT_2 + dt.timedelta(minutes=5))


def test_a_view_soon_after_the_last_keeps_the_visits_start():
    assert new_since(None, None, VISIT_2) is None
    assert new_since(VISIT_1, OLD, VISIT_1 + dt.timedelta(minutes=29)) == OLD
    assert new_since(VISIT_1, OLD, VISIT_1 + dt.timedelta(minutes=31)) == VISIT_1
