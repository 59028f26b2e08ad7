"""A small school year with pupils arriving, leaving and changing class, for the membership tests.

On build_world's СОШ № 1 (quarters of 2012/2013): 5А and 5Б, mathematics in both taught by Иванова
(the user «teacher»). 5А: Анисимова all year; Быков until 14.03.2013 (he left); Волкова from
12.11.2012 (she arrived); Григорьев until 14.10.2012, moved to 5Б from 15.10.2012 by order
№ 17-у through app.school.transfer.

5А's lessons: 01.10, 16.10 (1st quarter), 13.11 (2nd), 14.03 and 18.03.2013 (3rd); 5Б's: 02.10
and 16.10. Marks: Анисимова 4 on 01.10; Григорьев 5 on 01.10 in 5А and 4 on 16.10 in 5Б; Быков 3
on 13.11 and 4 on 14.03; Волкова 5 on 13.11.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.models import ClassMembership, Lesson, MarkType, Pupil, TeachingAssignment
from app.school.transfer import transfer
from app.security.scope import load_scope
from tests.factories import build_world, make_assignment, make_class, make_lesson, make_mark, make_pupil, make_subject

D = dt.date


@dataclass
class MembershipWorld:
    w: object
    class_5a: object
    class_5b: object
    maths_5a: TeachingAssignment
    maths_5b: TeachingAssignment
    pupils: dict = field(default_factory=dict)   # surname -> Pupil
    lessons: dict = field(default_factory=dict)  # ("5А" | "5Б", date) -> Lesson


def _membership(session, pupil) -> ClassMembership:
    return session.scalar(select(ClassMembership).where(ClassMembership.pupil_id == pupil.id))


def build_membership_world(session, sm) -> MembershipWorld:
    w = build_world(session, sm)
    class_5a = make_class(session, w.school_a, w.year, 5, "А")
    class_5b = make_class(session, w.school_a, w.year, 5, "Б")
    maths = make_subject(session, "Математика")
    mw = MembershipWorld(w=w, class_5a=class_5a, class_5b=class_5b,
                         maths_5a=make_assignment(session, class_5a, maths, w.teacher),
                         maths_5b=make_assignment(session, class_5b, maths, w.teacher))
    for surname in ("Анисимова", "Быков", "Волкова", "Григорьев"):
        mw.pupils[surname] = make_pupil(session, class_5a, surname)
    # Быков left on 14.03.2013; Волкова came on 12.11.2012.
    bykov = mw.pupils["Быков"]
    _membership(session, bykov).ends_on = D(2013, 3, 14)
    bykov.left_on, bykov.class_group_id = D(2013, 3, 14), None
    volkova = mw.pupils["Волкова"]
    volkova.enrolled_on = _membership(session, volkova).starts_on = D(2012, 11, 12)
    for day in (D(2012, 10, 1), D(2012, 10, 16), D(2012, 11, 13), D(2013, 3, 14), D(2013, 3, 18)):
        mw.lessons["5А", day] = make_lesson(session, mw.maths_5a, day)
    for day in (D(2012, 10, 2), D(2012, 10, 16)):
        mw.lessons["5Б", day] = make_lesson(session, mw.maths_5b, day)
    answer = session.scalar(select(MarkType).where(MarkType.short_name == "отв"))
    p, lessons = mw.pupils, mw.lessons
    make_mark(session, lessons["5А", D(2012, 10, 1)], p["Анисимова"], 4, answer)
    make_mark(session, lessons["5А", D(2012, 10, 1)], p["Григорьев"], 5, answer)
    make_mark(session, lessons["5А", D(2012, 11, 13)], p["Быков"], 3, answer)
    make_mark(session, lessons["5А", D(2013, 3, 14)], p["Быков"], 4, answer)
    make_mark(session, lessons["5А", D(2012, 11, 13)], p["Волкова"], 5, answer)
    session.commit()
    transfer(session, load_scope(session, w.users["director"]), p["Григорьев"].id, class_5b.id, D(2012, 10, 15),
             "17-у", "заявление родителей")
    make_mark(session, lessons["5Б", D(2012, 10, 16)], p["Григорьев"], 4, answer)
    session.commit()
    return mw
