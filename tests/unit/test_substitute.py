"""Substitutions picked on a date: free teachers and rooms, the writes, the month's register.

The world (Monday 10.09.2012, timetable from 03.09, bells of tests.timetable_helpers):

    shift 1   7А                          8Б                      Сидорова
    lesson 1  Русский (Петрова)           —                       —
    lesson 2  Математика (Иванова), 21    История (Петрова), 22   —
    lesson 4  —                           —                       Английский 7А гр. 1

    shift 2   9В (bells 10:30–11:15, 11:25–12:10: shift 1's lessons 3 and 4)
    lesson 1  Математика (Кузнецова)
    lesson 2  Математика (Кузнецова)

Орлова teaches nothing. Rooms: 21, 22, 23 and the shareable gym.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.errors import DomainError
from app.models import Lesson, Substitution
from app.security import roles as R
from app.security.scope import Scope
from app.timetable import substitute
from app.timetable.calendar import generate_lessons
from app.timetable.clashes import save_cell
from tests.factories import make_assignment, make_class, make_staff, make_subject
from tests.timetable_helpers import MONDAY, build_timetable_school, make_bells, make_room

DAY = dt.date(2012, 9, 10)


@pytest.fixture
def t(session):
    t = build_timetable_school(session)
    make_bells(session, t.school, shift=2, bells=[(1, "10:30", "11:15"), (2, "11:25", "12:10")])
    t.class_9v = make_class(session, t.school, t.year, 9, "В")
    t.class_9v.shift = 2
    t.kuznetsova = make_staff(session, t.school, "Кузнецова")
    t.orlova = make_staff(session, t.school, "Орлова")
    maths = t.maths_7a.subject
    t.maths_9v = make_assignment(session, t.class_9v, maths, t.kuznetsova, Decimal("5"))
    t.history_8b = make_assignment(session, t.class_8b, make_subject(session, "История"), t.petrova, Decimal("2"))
    t.room_22 = make_room(session, t.school, "22")
    t.room_23 = make_room(session, t.school, "23")
    save_cell(session, t.class_7a, 1, 1, t.russian_7a.id, None, MONDAY)
    save_cell(session, t.class_7a, 1, 2, t.maths_7a.id, t.room_21.id, MONDAY)
    save_cell(session, t.class_8b, 1, 2, t.history_8b.id, t.room_22.id, MONDAY)
    save_cell(session, t.class_7a, 1, 4, t.english_7a_g1.id, None, MONDAY)
    save_cell(session, t.class_9v, 1, 1, t.maths_9v.id, None, MONDAY)
    save_cell(session, t.class_9v, 1, 2, t.maths_9v.id, None, MONDAY)
    t.scope = Scope(role=R.SECRETARY, school_id=t.school.id)
    session.commit()  # a refused write rolls back: the world must survive it
    return t


def names(candidates):
    return [(c.teacher.last_name, c.teaches_subject, c.load) for c in candidates]


def at(session, t, assignment, number, day=DAY):
    return substitute.lesson_at(session, t.scope, assignment.id, day, number, write=True)


def test_free_teachers_of_the_subject_first_then_others_by_load(session, t):
    # Иванова gives the lesson; Петрова teaches 8Б at the same time.
    assert names(substitute.free_teachers(session, at(session, t, t.maths_7a, 2))) == [
        ("Кузнецова", True, 2), ("Орлова", False, 0), ("Сидорова", False, 1)]


def test_a_second_shift_lesson_at_the_same_time_makes_the_teacher_busy(session, t):
    save_cell(session, t.class_7a, 1, 3, t.russian_7a.id, None, MONDAY)
    # 7А's lesson 3 (10:30–11:15) is 9В's shift-2 lesson 1: Кузнецова is busy.
    assert names(substitute.free_teachers(session, at(session, t, t.russian_7a, 3))) == [
        ("Орлова", False, 0), ("Иванова", False, 1), ("Сидорова", False, 1)]


def test_load_and_busy_follow_the_days_substitutions(session, t):
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.orlova.id, "болезнь")
    # Орлова now gives 7А's lesson 2: she is busy at lesson 2 of 8Б's history and loaded with one lesson.
    assert names(substitute.free_teachers(session, at(session, t, t.history_8b, 2))) == [
        ("Иванова", False, 0), ("Сидорова", False, 1), ("Кузнецова", False, 2)]
    assert names(substitute.free_teachers(session, at(session, t, t.russian_7a, 1))) == [
        ("Иванова", False, 0), ("Орлова", False, 1), ("Сидорова", False, 1), ("Кузнецова", False, 2)]


def test_busy_substitute_is_refused_and_nothing_written(session, t):
    with pytest.raises(DomainError, match="Петрова А.П. в это время ведёт урок: 8Б, 10.09.2012, 2-й урок"):
        substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.petrova.id)
    assert session.query(Substitution).count() == 0


def test_the_lessons_own_teacher_is_refused(session, t):
    with pytest.raises(DomainError, match="и так ведёт этот урок"):
        substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.ivanova.id)


def test_free_rooms_first_then_taken_ones_with_their_class(session, t):
    rooms = substitute.free_rooms(session, at(session, t, t.maths_7a, 2))
    assert [(c.room.name, c.busy_with) for c in rooms] == [
        ("21", None), ("23", None), ("Спортзал", None), ("22", "8Б")]


def generated(session, t):
    generate_lessons(session, t.periods[0])
    session.commit()


def test_taken_room_is_refused_free_room_is_written_into_the_lesson(session, t):
    generated(session, t)
    lesson = at(session, t, t.maths_7a, 2)
    with pytest.raises(DomainError, match="«22» в это время уже занят: 8Б"):
        substitute.change_room(session, lesson, t.room_22.id)
    substitute.change_room(session, at(session, t, t.maths_7a, 2), t.room_23.id)
    row = session.query(Lesson).filter_by(assignment_id=t.maths_7a.id, date=DAY, lesson_number=2).one()
    assert row.room_id == t.room_23.id
    # Back to the timetable's room.
    substitute.change_room(session, at(session, t, t.maths_7a, 2), None)
    session.refresh(row)
    assert row.room_id == t.room_21.id and session.query(Substitution).count() == 0


def test_substitute_is_written_into_the_generated_lesson_and_removed_again(session, t):
    generated(session, t)
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.kuznetsova.id)
    row = session.query(Lesson).filter_by(assignment_id=t.maths_7a.id, date=DAY, lesson_number=2).one()
    assert row.teacher_id == t.kuznetsova.id and not row.cancelled
    substitute.remove(session, at(session, t, t.maths_7a, 2))
    session.refresh(row)
    assert row.teacher_id == t.ivanova.id and session.query(Substitution).count() == 0


def test_cancel_needs_a_reason(session, t):
    with pytest.raises(DomainError, match="Укажите причину"):
        substitute.cancel_lesson(session, at(session, t, t.maths_7a, 2), "   ")
    substitute.cancel_lesson(session, at(session, t, t.maths_7a, 2), "карантин")
    row = session.query(Substitution).one()
    assert row.cancelled and row.reason == "карантин"


def test_another_subject_gives_the_lesson_to_its_journal(session, t):
    generated(session, t)
    lesson = at(session, t, t.maths_7a, 2)
    assert [a.subject.name for a in substitute.replacements(session, lesson)] == []  # Петрова is in 8Б
    lesson = at(session, t, t.maths_7a, 2)
    with pytest.raises(DomainError, match="Петрова"):
        substitute.replace_subject(session, lesson, t.russian_7a.id)
    substitute.cancel_lesson(session, at(session, t, t.history_8b, 2), "экскурсия")
    lesson = at(session, t, t.maths_7a, 2)
    assert [a.subject.name for a in substitute.replacements(session, lesson)] == ["Русский язык"]
    substitute.replace_subject(session, lesson, t.russian_7a.id)
    maths = session.query(Lesson).filter_by(assignment_id=t.maths_7a.id, date=DAY, lesson_number=2).one()
    russian = session.query(Lesson).filter_by(assignment_id=t.russian_7a.id, date=DAY, lesson_number=2).one()
    assert maths.cancelled and russian.teacher_id == t.petrova.id and not russian.cancelled
    # Generating the period again keeps the replacement where it is.
    generated(session, t)
    assert session.query(Lesson).filter_by(assignment_id=t.russian_7a.id, date=DAY, lesson_number=2).count() == 1
    substitute.remove(session, at(session, t, t.maths_7a, 2))
    assert session.query(Lesson).filter_by(assignment_id=t.russian_7a.id, date=DAY, lesson_number=2).count() == 0
    session.refresh(maths)
    assert not maths.cancelled


def test_monthly_register_counts_lessons_given_for_colleagues(session, t):
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.orlova.id)             # 10.09
    substitute.substitute_teacher(session, at(session, t, t.russian_7a, 1, DAY + dt.timedelta(weeks=1)),
                                  t.orlova.id)                                                     # 17.09
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2, DAY + dt.timedelta(weeks=1)),
                                  t.kuznetsova.id)                                                 # 17.09
    substitute.cancel_lesson(session, at(session, t, t.history_8b, 2), "экскурсия")                # no hours
    substitute.change_room(session, at(session, t, t.russian_7a, 1), t.room_23.id)                 # no hours
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2, dt.date(2012, 10, 1)),
                                  t.orlova.id)                                                     # October
    register = substitute.monthly_register(session, t.scope, dt.date(2012, 9, 1))
    assert [(r.teacher.last_name, r.hours) for r in register] == [("Кузнецова", 1), ("Орлова", 2)]
    assert [(l.date, l.lesson_number, l.class_name, l.subject, l.absent_teacher) for l in register[1].lines] == [
        (dt.date(2012, 9, 10), 2, "7А", "Математика", "Иванова А.П."),
        (dt.date(2012, 9, 17), 1, "7А", "Русский язык", "Петрова А.П."),
    ]
    assert [(r.teacher.last_name, r.hours) for r in
            substitute.monthly_register(session, t.scope, dt.date(2012, 10, 15))] == [("Орлова", 1)]


def test_day_view_lists_the_schools_substitutions_by_lesson(session, t):
    substitute.cancel_lesson(session, at(session, t, t.history_8b, 2), "экскурсия")
    substitute.substitute_teacher(session, at(session, t, t.russian_7a, 1), t.orlova.id)
    rows = substitute.day_substitutions(session, t.scope, DAY)
    assert [(r.substitution.lesson_number, r.substitution.assignment.class_group.name, r.kind,
             r.room.name if r.room else None) for r in rows] == [
        (1, "7А", "замена учителя", None), (2, "8Б", "отмена", "22")]


def test_another_schools_lesson_is_out_of_scope(session, t):
    from app.security.clauses import NotInScope

    other = Scope(role=R.SECRETARY, school_id=t.school.id + 1000)
    with pytest.raises(NotInScope):
        substitute.lesson_at(session, other, t.maths_7a.id, DAY, 2, write=True)


def test_a_teacher_instead_of_a_replacing_subject_takes_the_replacing_lesson_back(session, t):
    generated(session, t)
    substitute.cancel_lesson(session, at(session, t, t.history_8b, 2), "экскурсия")
    substitute.replace_subject(session, at(session, t, t.maths_7a, 2), t.russian_7a.id)
    substitute.substitute_teacher(session, at(session, t, t.maths_7a, 2), t.orlova.id)
    assert session.query(Lesson).filter_by(assignment_id=t.russian_7a.id, date=DAY, lesson_number=2).count() == 0
    maths = session.query(Lesson).filter_by(assignment_id=t.maths_7a.id, date=DAY, lesson_number=2).one()
    assert (maths.teacher_id, maths.cancelled) == (t.orlova.id, False)
    row = session.query(Substitution).filter_by(assignment_id=t.maths_7a.id).one()
    assert (row.substitute_id, row.replacement_id) == (t.orlova.id, None)
