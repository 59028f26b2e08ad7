"""A small world for the thematic plan's tests: build_world (tests/factories.py) plus the lessons
and parallels a plan needs, every value chosen to be checked by hand.

СОШ № 1, 2012/2013. Иванова (the teacher) teaches mathematics in 7А (her own assignment of the
world, 4 h a week) and in 7Б; Петрова teaches it in 7В and in 8Б (the class Иванова leads in the
scope tests). 7А's mathematics has lessons on Mondays, Wednesdays and Fridays of the 1st quarter
from 10.09 to 21.09 (six: 10, 12, 14, 17, 19, 21 September; the world's 10.09 lesson is the first)
and two in the 2nd quarter (07.11, 09.11). The plan of TOPICS takes 8 hours.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.journal.entries import Actor
from app.journal.plan import TopicRow, write_topics
from app.models import ClassGroup, Lesson, StudyPeriod, TeachingAssignment
from tests.factories import build_world, make_assignment, make_class, make_lesson, make_subject

Q1_DAYS = (10, 12, 14, 17, 19, 21)  # September 2012
Q2_DAYS = (7, 9)  # November 2012
# (section, topic, hours): 2 + 1 + 3 + 2 = 8 hours.
TOPICS = [
    ("Натуральные числа", "Обозначение натуральных чисел", 2),
    ("Натуральные числа", "Отрезок. Длина отрезка", 1),
    ("Сложение и вычитание", "Сложение натуральных чисел", 3),
    ("Сложение и вычитание", "Вычитание", 2),
]
NOW = dt.datetime(2012, 9, 20, 12, 0)


@dataclass
class PlanWorld:
    w: object
    own: TeachingAssignment  # 7А, Иванова
    parallel: TeachingAssignment  # 7Б, Иванова
    colleague: TeachingAssignment  # 7В, Петрова
    led: TeachingAssignment  # 8Б, Петрова
    far: TeachingAssignment  # 7А of СОШ № 3
    class_b: ClassGroup = None
    lessons: list[Lesson] = field(default_factory=list)  # 7А's, by date
    q1: StudyPeriod = None
    q2: StudyPeriod = None

    def actor(self) -> Actor:
        return Actor(user_id=self.w.users["teacher"].id, user_name="Тестов Teacher (teacher)")


def build_plan_world(session, sm, *, with_plan: bool = True) -> PlanWorld:
    w = build_world(session, sm)
    maths = make_subject(session, "Математика")
    own = session.scalar(select(TeachingAssignment).where(TeachingAssignment.teacher_id == w.teacher.id))
    led = session.scalar(select(TeachingAssignment).where(TeachingAssignment.teacher_id == w.other_teacher.id))
    far = session.scalar(select(TeachingAssignment).where(TeachingAssignment.class_group_id == w.class_b.id))
    class_7b = make_class(session, w.school_a, w.year, 7, "Б")
    class_7v = make_class(session, w.school_a, w.year, 7, "В")
    pw = PlanWorld(w=w, own=own, parallel=make_assignment(session, class_7b, maths, w.teacher),
                   colleague=make_assignment(session, class_7v, maths, w.other_teacher), led=led, far=far,
                   class_b=class_7b)
    pw.lessons = [w.lesson_a] + [make_lesson(session, own, dt.date(2012, 9, day)) for day in Q1_DAYS[1:]]
    pw.lessons += [make_lesson(session, own, dt.date(2012, 11, day)) for day in Q2_DAYS]
    periods = list(session.scalars(select(StudyPeriod).where(StudyPeriod.school_id == w.school_a.id)
                                   .order_by(StudyPeriod.number)))
    pw.q1, pw.q2 = periods[0], periods[1]
    if with_plan:
        write_topics(session, own.id, plan_rows(), user_id=None, now=NOW)
    session.commit()
    return pw


def plan_rows(topics=TOPICS) -> list[TopicRow]:
    return [TopicRow(n, section, topic, hours) for n, (section, topic, hours) in enumerate(topics, 1)]


def topics_of(session, lessons) -> list[str | None]:
    """The lessons' topics as stored now, in the lessons' order."""
    session.expire_all()
    return [session.get(Lesson, lesson.id).topic for lesson in lessons]
