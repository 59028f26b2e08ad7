"""A hand-built diary week on top of tests.factories.build_world, and login helpers for diary tests.

The week of 17–22 September 2012 for 7А of СОШ № 1 (world.class_a, pupil «Алексеева» = world.pupil_a,
whose parent «parent» also has world.sibling_a in 8Б):

  Mon 1  Математика    Иванова, каб. 21   recorded: topic, homework (due Tue 2), marks 5 (к/р ×2) and 4 (отв)
  Mon 2  Русский язык  Петрова → Иванова  recorded by the substitute (a substitution), topic, homework (due Tue 1)
  Tue 1  Русский язык  Петрова            recorded: absence «б»; Monday's Russian homework is due
  Tue 2  Математика    Иванова            recorded: topic; Monday's mathematics homework is due
  Wed 1  Математика    Иванова            timetable only, cancelled by a substitution row
  Wed 3  Англ. язык    group 1 (the pupil's) only; group 2's lesson at the same number is not hers
  Thu 1  Математика    Иванова            timetable only
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask import g

from app.models import Absence, BellSchedule, Holiday, Room, Subgroup, Substitution, TeachingAssignment, TimetableSlot
from app.security import roles as R
from tests.conftest import login
from tests.factories import (
    make_assignment,
    make_catalogues,
    make_guardian,
    make_lesson,
    make_mark,
    make_pupil,
    make_staff,
    make_subject,
    make_user,
)

MONDAY = dt.date(2012, 9, 17)
BELLS = [(1, dt.time(8, 30), dt.time(9, 15)), (2, dt.time(9, 25), dt.time(10, 10)),
         (3, dt.time(10, 30), dt.time(11, 15)), (4, dt.time(11, 35), dt.time(12, 20)),
         (5, dt.time(12, 40), dt.time(13, 25)), (6, dt.time(13, 35), dt.time(14, 20))]


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


@dataclass
class DiaryWorld:
    world: object
    maths: object = None
    russian: object = None
    english_1: object = None
    english_2: object = None
    lessons: dict = field(default_factory=dict)


def add_bells(session, school):
    for number, starts, ends in BELLS:
        session.add(BellSchedule(school_id=school.id, shift=1, lesson_number=number, starts_at=starts, ends_at=ends))
    session.flush()


def add_slot(session, assignment, weekday, number, room=None, valid_from=dt.date(2012, 9, 1)):
    slot = TimetableSlot(class_group_id=assignment.class_group_id, weekday=weekday, lesson_number=number,
                         assignment_id=assignment.id, room_id=room.id if room else None, valid_from=valid_from)
    session.add(slot)
    session.flush()
    return slot


def build_diary_week(session, world) -> DiaryWorld:
    """The week described in the module docstring, committed."""
    w = world
    types = make_catalogues(session)
    d = DiaryWorld(world=w)
    school, cls, pupil = w.school_a, w.class_a, w.pupil_a
    add_bells(session, school)
    room21 = Room(school_id=school.id, name="21")
    room_lang = Room(school_id=school.id, name="34")
    session.add_all([room21, room_lang])
    session.flush()

    maths = make_subject(session, "Математика")
    d.maths = next(a for a in _assignments(session, cls) if a.subject_id == maths.id)
    d.russian = make_assignment(session, cls, make_subject(session, "Русский язык"), w.other_teacher)
    english = make_subject(session, "Английский язык")
    group_1 = Subgroup(class_group_id=cls.id, name="Группа 1")
    group_2 = Subgroup(class_group_id=cls.id, name="Группа 2")
    group_1.pupils.append(pupil)
    session.add_all([group_1, group_2])
    session.flush()
    teacher_en = make_staff(session, school, "Смирнова")
    d.english_1 = make_assignment(session, cls, english, teacher_en, hours=Decimal("3"))
    d.english_1.subgroup_id = group_1.id
    d.english_2 = make_assignment(session, cls, english, w.other_teacher, hours=Decimal("3"))
    d.english_2.subgroup_id = group_2.id
    session.flush()

    add_slot(session, d.maths, 1, 1, room21)
    add_slot(session, d.russian, 1, 2, room21)
    add_slot(session, d.russian, 2, 1, room21)
    add_slot(session, d.maths, 2, 2, room21)
    add_slot(session, d.maths, 3, 1, room21)
    add_slot(session, d.english_1, 3, 3, room_lang)
    add_slot(session, d.english_2, 3, 3, room21)
    add_slot(session, d.maths, 4, 1, room21)

    L = d.lessons
    L["mon1"] = make_lesson(session, d.maths, day(0), 1, topic="Сложение дробей", homework="№ 15, 16 на с. 40",
                            homework_due=day(1))
    L["mon1"].room_id = room21.id
    make_mark(session, L["mon1"], pupil, 5, types["к/р"], position=0)
    make_mark(session, L["mon1"], pupil, 4, types["отв"], position=1)
    # Another pupil's mark in the same lesson must not show in this diary.
    classmate = make_pupil(session, cls, "Одноклассникова")
    make_mark(session, L["mon1"], classmate, 2, types["отв"])

    session.add(Substitution(assignment_id=d.russian.id, date=day(0), lesson_number=2, substitute_id=w.teacher.id,
                             reason="болезнь учителя"))
    L["mon2"] = make_lesson(session, d.russian, day(0), 2, topic="Причастный оборот", homework="Упр. 112",
                            homework_due=day(1))
    L["mon2"].teacher_id = w.teacher.id
    L["tue1"] = make_lesson(session, d.russian, day(1), 1, topic="Деепричастие")
    session.add(Absence(lesson_id=L["tue1"].id, pupil_id=pupil.id, code="б"))
    L["tue2"] = make_lesson(session, d.maths, day(1), 2, topic="Вычитание дробей")
    session.add(Substitution(assignment_id=d.maths.id, date=day(2), lesson_number=1, cancelled=True,
                             reason="экскурсия"))
    session.commit()
    return d


def _assignments(session, cls):
    return session.query(TeachingAssignment).filter_by(class_group_id=cls.id).all()


def add_holiday(session, school, year, name, starts, ends, grades=(1, 11)):
    session.add(Holiday(school_id=school.id, academic_year_id=year.id, name=name, starts_on=starts, ends_on=ends,
                        grade_from=grades[0], grade_to=grades[1]))
    session.commit()


def other_family(session, sm, world):
    """A second parent login («parent2») whose only child is world.pupil_a_other (8Б)."""
    user = make_user(session, sm, "parent2", R.PARENT)
    make_guardian(session, [world.pupil_a_other], user, "Борисов")
    session.commit()
    return user


def sign_in(client, username: str):
    """Log the test client in as `username`, forgetting the previous user's cached scope.

    The test's app context outlives requests, so g (where the scope is cached) would carry over."""
    client.get("/logout/")
    g.pop("scope", None)
    g.pop("scope_cache", None)
    login(client, username)
    return client
