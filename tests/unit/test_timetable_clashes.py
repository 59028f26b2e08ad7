import datetime as dt
from decimal import Decimal

import pytest

from app.errors import DomainError
from app.models import TimetableSlot
from app.timetable.clashes import (
    class_warnings,
    clear_cell,
    day_load_warnings,
    hours_match,
    max_lessons_per_day,
    save_cell,
    week_slots,
)
from tests.timetable_helpers import MONDAY, build_timetable_school, make_bells, make_room


@pytest.fixture
def t(session):
    return build_timetable_school(session)


def slots(session):
    return session.query(TimetableSlot).order_by(TimetableSlot.id).all()


def test_sanitary_limits_per_grade():
    assert [max_lessons_per_day(g) for g in (1, 2, 4, 5, 6, 7, 11)] == [4, 5, 5, 6, 6, 7, 7]


def test_first_grade_may_have_five_lessons_once_a_week():
    assert day_load_warnings(1, {1: 5, 2: 4}) == []
    warnings = day_load_warnings(1, {1: 5, 2: 5})
    assert len(warnings) == 1 and "Вторник" in warnings[0]


def test_day_over_limit_warns_with_the_day_and_limit():
    (warning,) = day_load_warnings(5, {3: 7})
    assert "Среда" in warning and "не больше 6" in warning


def test_fractional_hours_match_either_neighbour():
    assert hours_match(Decimal("1.5"), 1) and hours_match(Decimal("1.5"), 2)
    assert not hours_match(Decimal("2"), 1)


def test_teacher_in_two_classes_at_once_is_refused_naming_the_other_class(session, t):
    save_cell(session, t.class_8b, 1, 2, t.maths_8b.id, None, MONDAY)
    with pytest.raises(DomainError) as refused:
        save_cell(session, t.class_7a, 1, 2, t.maths_7a.id, None, MONDAY)
    message = str(refused.value)
    assert "Иванова А.П." in message and "8Б" in message and "2-й урок" in message
    assert len(slots(session)) == 1


def test_teacher_clash_counts_overlapping_time_across_shifts(session, t):
    # 8Б on the second shift, whose lesson 1 is at the time of the first shift's lesson 3.
    make_bells(session, t.school, shift=2, bells=[(1, "10:30", "11:15")])
    t.class_8b.shift = 2
    session.flush()
    save_cell(session, t.class_8b, 2, 1, t.maths_8b.id, None, MONDAY)
    with pytest.raises(DomainError, match="8Б"):
        save_cell(session, t.class_7a, 2, 3, t.maths_7a.id, None, MONDAY)
    save_cell(session, t.class_7a, 2, 1, t.maths_7a.id, None, MONDAY)  # 08:30: free


def test_room_taken_twice_is_refused_unless_shareable(session, t):
    save_cell(session, t.class_8b, 1, 1, t.maths_8b.id, t.room_21.id, MONDAY)
    with pytest.raises(DomainError, match="Каб. 21 в это время уже занят"):
        save_cell(session, t.class_7a, 1, 1, t.russian_7a.id, t.room_21.id, MONDAY)
    save_cell(session, t.class_8b, 1, 3, t.maths_8b.id, t.gym.id, MONDAY)
    save_cell(session, t.class_7a, 1, 3, t.russian_7a.id, t.gym.id, MONDAY)
    assert len(slots(session)) == 3


def test_lesson_number_outside_bells_is_refused(session, t):
    with pytest.raises(DomainError, match="8-й урок не предусмотрен"):
        save_cell(session, t.class_7a, 1, 8, t.maths_7a.id, None, MONDAY)
    assert slots(session) == []


def test_subgroup_lesson_cannot_overlap_whole_class_lesson(session, t):
    save_cell(session, t.class_7a, 2, 1, t.russian_7a.id, None, MONDAY)
    with pytest.raises(DomainError, match="подгруппы"):
        save_cell(session, t.class_7a, 2, 1, t.english_7a_g1.id, None, MONDAY, add=True)


def test_two_subgroups_share_a_cell_but_one_subgroup_cannot_be_there_twice(session, t):
    room_22 = make_room(session, t.school, "22")
    save_cell(session, t.class_7a, 3, 2, t.english_7a_g1.id, t.room_21.id, MONDAY)
    result = save_cell(session, t.class_7a, 3, 2, t.english_7a_g2.id, room_22.id, MONDAY, add=True)
    assert {s.assignment_id for s in result.slots} == {t.english_7a_g1.id, t.english_7a_g2.id}
    with pytest.raises(DomainError, match="группа 1"):
        save_cell(session, t.class_7a, 3, 2, t.english_7a_g1.id, None, MONDAY, add=True)


def test_replacing_a_cell_is_not_a_clash_with_itself(session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_21.id, MONDAY)
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_21.id, MONDAY)
    assert len(slots(session)) == 1


def test_change_from_a_date_keeps_the_past_weeks(session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)
    later = MONDAY + dt.timedelta(weeks=3)
    save_cell(session, t.class_7a, 1, 1, t.russian_7a.id, None, later)
    old, new = slots(session)
    assert (old.assignment_id, old.valid_from, old.valid_to) == (t.maths_7a.id, MONDAY, later - dt.timedelta(days=1))
    assert (new.assignment_id, new.valid_from, new.valid_to) == (t.russian_7a.id, later, None)
    where = TimetableSlot.class_group_id == t.class_7a.id
    assert week_slots(session, where, MONDAY)[(1, 1)][0].assignment_id == t.maths_7a.id
    assert week_slots(session, where, later)[(1, 1)][0].assignment_id == t.russian_7a.id


def test_old_slot_does_not_clash_after_it_ended(session, t):
    save_cell(session, t.class_8b, 1, 1, t.maths_8b.id, None, MONDAY)
    later = MONDAY + dt.timedelta(weeks=2)
    clear_cell(session, t.class_8b, 1, 1, later)
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, later)
    with pytest.raises(DomainError):
        save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)


def test_assignment_of_another_class_is_refused(session, t):
    with pytest.raises(DomainError, match="нагрузки этого класса"):
        save_cell(session, t.class_7a, 1, 1, t.maths_8b.id, None, MONDAY)


def test_warnings_name_hours_mismatch_and_overloaded_day(session, t):
    for number in range(1, 8):
        assignment = t.maths_7a if number <= 5 else t.russian_7a
        save_cell(session, t.class_7a, 1, number, assignment.id, None, MONDAY)
    # 7 lessons on Monday is allowed for grade 7; the eighth number has no bell: add 7 to 8Б-like load.
    warnings = class_warnings(session, t.class_7a, MONDAY)
    assert any("Русский язык" in w and "в расписании 2 ч" in w and "по нагрузке 4 ч" in w for w in warnings)
    assert not any("Математика" in w for w in warnings)
    t.class_7a.grade = 5
    session.flush()
    assert any("Понедельник: 7 уроков" in w for w in class_warnings(session, t.class_7a, MONDAY))
