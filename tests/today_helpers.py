"""A teacher's day on top of tests.factories.build_world, for the «Сегодня» and «Моя неделя» tests.

Иванова (world.teacher, login «teacher») teaches mathematics in 7А (1 hour a week: 3 marks a
period) and physics in 8Б (2 hours: 5 marks), and leads 7А. Петрова (world.other_teacher) teaches
Russian in 7А and mathematics in 8Б. The day is Wednesday 24.10.2012, in the last two weeks of the
first quarter (01.09–27.10), so the quarter's results are due.

  24.10  1  7А Математика  Иванова, каб. 21   topic; marks: Алексеева 4, Борисова 5; Волков «н»
         2  8Б Физика      Иванова            cancelled (substitution: «экскурсия»)
         3  7А Русский     Петрова → Иванова  the teacher substitutes («болезнь учителя»); Волков «б»
         4  8Б Математика  Петрова            not the teacher's
         5  7А Математика  Иванова → Петрова  the teacher's lesson another teacher gives («курсы»)
  Before (the two weeks back from 23.10 reach 10.10):
  23.10  1  7А Математика  topic «Дроби»; Борисова 4
  22.10  1  7А Математика  no topic; Борисова 3
  19.10  2  7А Русский     given by Иванова as a substitute, no topic
  17.10  1  7А Математика  cancelled, no topic (not to do)
  16.10  1  8Б Математика  Петрова's, no topic (not hers)
  09.10  1  7А Математика  no topic, but before the two weeks
  Period marks of the first quarter: Борисова «4» in mathematics; Григорьев «осв.» (exempt, no marks).
  7А's absences on other days and 8Б's today do not show in the class teacher's block.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.models import Absence, MarkType, PeriodMark, Room, StudyPeriod, Substitution
from tests.diary_helpers import add_bells
from tests.factories import make_assignment, make_lesson, make_mark, make_pupil, make_subject

DAY = dt.date(2012, 10, 24)


@dataclass
class TeacherDayWorld:
    w: object
    maths: object = None     # 7А, Иванова
    physics: object = None   # 8Б, Иванова
    russian: object = None   # 7А, Петрова
    maths_8b: object = None  # 8Б, Петрова
    pupils: dict = field(default_factory=dict)
    lessons: dict = field(default_factory=dict)
    quarter: object = None


def substitute(session, lesson, teacher=None, *, cancelled=False, reason=None):
    """A substitution of `lesson` as app.timetable.substitutions records it: the row, and the
    lesson given by `teacher` or cancelled."""
    session.add(Substitution(assignment_id=lesson.assignment_id, date=lesson.date, lesson_number=lesson.lesson_number,
                             substitute_id=teacher.id if teacher else None, cancelled=cancelled, reason=reason))
    if teacher is not None:
        lesson.teacher_id = teacher.id
    lesson.cancelled = cancelled
    session.flush()


def build_teacher_day(session, world) -> TeacherDayWorld:
    """The day described in the module docstring, committed."""
    w = world
    t = TeacherDayWorld(w=w)
    types = {m.short_name: m for m in session.scalars(select(MarkType))}
    add_bells(session, w.school_a)
    room = Room(school_id=w.school_a.id, name="21")
    session.add(room)
    session.flush()
    w.class_a.class_teacher_id = w.teacher.id
    t.maths = next(a for a in _assignments_of(session, w.teacher) if a.class_group_id == w.class_a.id)
    t.maths.hours_per_week = Decimal("1")
    t.physics = make_assignment(session, w.class_a_other, make_subject(session, "Физика"), w.teacher, hours=Decimal("2"))
    t.russian = make_assignment(session, w.class_a, make_subject(session, "Русский язык"), w.other_teacher)
    t.maths_8b = next(a for a in _assignments_of(session, w.other_teacher) if a.class_group_id == w.class_a_other.id)
    p = t.pupils
    p["Алексеева"] = w.pupil_a
    for name in ("Борисова", "Волков", "Григорьев"):
        p[name] = make_pupil(session, w.class_a, name)

    L = t.lessons
    L["maths1"] = make_lesson(session, t.maths, DAY, 1, topic="Уравнения")
    L["maths1"].room_id = room.id
    make_mark(session, L["maths1"], p["Алексеева"], 4, types["отв"])
    make_mark(session, L["maths1"], p["Борисова"], 5, types["отв"])
    session.add(Absence(lesson_id=L["maths1"].id, pupil_id=p["Волков"].id, code="н"))
    L["physics2"] = make_lesson(session, t.physics, DAY, 2)
    substitute(session, L["physics2"], cancelled=True, reason="экскурсия")
    L["russian3"] = make_lesson(session, t.russian, DAY, 3)
    substitute(session, L["russian3"], w.teacher, reason="болезнь учителя")
    session.add(Absence(lesson_id=L["russian3"].id, pupil_id=p["Волков"].id, code="б"))
    L["maths8b4"] = make_lesson(session, t.maths_8b, DAY, 4)
    session.add(Absence(lesson_id=L["maths8b4"].id, pupil_id=w.pupil_a_other.id, code="н"))
    L["maths5"] = make_lesson(session, t.maths, DAY, 5)
    substitute(session, L["maths5"], w.other_teacher, reason="курсы")

    L["maths_23"] = make_lesson(session, t.maths, dt.date(2012, 10, 23), 1, topic="Дроби")
    make_mark(session, L["maths_23"], p["Борисова"], 4, types["отв"])
    L["maths_22"] = make_lesson(session, t.maths, dt.date(2012, 10, 22), 1)
    make_mark(session, L["maths_22"], p["Борисова"], 3, types["отв"])
    session.add(Absence(lesson_id=L["maths_22"].id, pupil_id=p["Алексеева"].id, code="н"))
    L["russian_19"] = make_lesson(session, t.russian, dt.date(2012, 10, 19), 2)
    substitute(session, L["russian_19"], w.teacher)
    L["maths_17"] = make_lesson(session, t.maths, dt.date(2012, 10, 17), 1)
    substitute(session, L["maths_17"], cancelled=True)
    L["maths8b_16"] = make_lesson(session, t.maths_8b, dt.date(2012, 10, 16), 1)
    L["maths_09"] = make_lesson(session, t.maths, dt.date(2012, 10, 9), 1)

    t.quarter = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == w.school_a.id,
                                                         StudyPeriod.number == 1))
    for pupil, value in ((p["Борисова"], "4"), (p["Григорьев"], "осв.")):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=w.class_a.id, subject_id=t.maths.subject_id,
                               academic_year_id=w.year.id, study_period_id=t.quarter.id, value=value))
    session.commit()
    return t


def _assignments_of(session, teacher):
    from app.models import TeachingAssignment

    return session.scalars(select(TeachingAssignment).where(TeachingAssignment.teacher_id == teacher.id)).all()
