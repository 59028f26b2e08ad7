"""A small school for timetable tests: bells, rooms, two classes, three teachers, the load."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from app.models import BellSchedule, Holiday, Room, Subgroup, TeachingAssignment
from tests.factories import (
    make_assignment,
    make_class,
    make_municipality,
    make_quarters,
    make_school,
    make_staff,
    make_subject,
    make_year,
)

MONDAY = dt.date(2012, 9, 3)
BELLS = [(1, "08:30", "09:15"), (2, "09:25", "10:10"), (3, "10:30", "11:15"), (4, "11:35", "12:20"),
         (5, "12:30", "13:15"), (6, "13:25", "14:10"), (7, "14:20", "15:05")]


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def make_bells(session, school, shift=1, bells=BELLS):
    for number, start, end in bells:
        session.add(BellSchedule(school_id=school.id, shift=shift, lesson_number=number,
                                 starts_at=_t(start), ends_at=_t(end)))
    session.flush()


def make_room(session, school, name, shareable=False):
    room = Room(school_id=school.id, name=name, shareable=shareable)
    session.add(room)
    session.flush()
    return room


@dataclass
class TimetableSchool:
    school: object = None
    year: object = None
    periods: list = field(default_factory=list)
    class_7a: object = None
    class_8b: object = None
    ivanova: object = None
    petrova: object = None
    sidorova: object = None
    maths_7a: object = None
    russian_7a: object = None
    maths_8b: object = None
    english_7a_g1: object = None
    english_7a_g2: object = None
    room_21: object = None
    gym: object = None


def build_timetable_school(session, school=None, year=None, classes=None) -> TimetableSchool:
    """Classes 7А and 8Б; Иванова teaches maths in both, Петрова Russian in 7А, Сидорова English
    in 7А's two subgroups. Room 21 and a shareable gym. `classes` reuses existing (7А, 8Б)."""
    t = TimetableSchool()
    t.school = school or make_school(session, make_municipality(session))
    t.year = year or make_year(session)
    from app.models import StudyPeriod

    t.periods = (session.query(StudyPeriod).filter_by(school_id=t.school.id).order_by(StudyPeriod.number).all()
                 or make_quarters(session, t.school, t.year))
    make_bells(session, t.school)
    t.class_7a, t.class_8b = classes or (make_class(session, t.school, t.year, 7, "А"),
                                         make_class(session, t.school, t.year, 8, "Б"))
    t.ivanova = make_staff(session, t.school, "Иванова")
    t.petrova = make_staff(session, t.school, "Петрова")
    t.sidorova = make_staff(session, t.school, "Сидорова")
    maths = make_subject(session, "Математика")
    russian = make_subject(session, "Русский язык")
    english = make_subject(session, "Английский язык")
    t.maths_7a = make_assignment(session, t.class_7a, maths, t.ivanova, Decimal("5"))
    t.russian_7a = make_assignment(session, t.class_7a, russian, t.petrova, Decimal("4"))
    t.maths_8b = make_assignment(session, t.class_8b, maths, t.ivanova, Decimal("5"))
    groups = []
    for name in ("группа 1", "группа 2"):
        g = Subgroup(class_group_id=t.class_7a.id, name=name)
        session.add(g)
        groups.append(g)
    session.flush()
    t.english_7a_g1 = TeachingAssignment(class_group_id=t.class_7a.id, subject_id=english.id, teacher_id=t.sidorova.id,
                                         subgroup_id=groups[0].id, hours_per_week=Decimal("3"))
    t.english_7a_g2 = TeachingAssignment(class_group_id=t.class_7a.id, subject_id=english.id, teacher_id=t.petrova.id,
                                         subgroup_id=groups[1].id, hours_per_week=Decimal("3"))
    session.add_all([t.english_7a_g1, t.english_7a_g2])
    t.room_21 = make_room(session, t.school, "21")
    t.gym = make_room(session, t.school, "Спортзал", shareable=True)
    session.flush()
    return t


def make_holiday(session, school, year, starts, ends, name="Каникулы", grade_from=1, grade_to=11):
    h = Holiday(school_id=school.id, academic_year_id=year.id, name=name, starts_on=starts, ends_on=ends,
                grade_from=grade_from, grade_to=grade_to)
    session.add(h)
    session.flush()
    return h
