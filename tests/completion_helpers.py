"""A hand-built school week for the teacher completion report, every figure worked out by hand.

Week: Monday 10.09.2012 – Sunday 16.09.2012, school «СОШ № 1» (S) of «Альфинский район».

Teacher Антонова (A), maths in 7А:
  Mon 10.09 topic, 3 marks (P1 5, P2 4, P3 3)
  Tue 11.09 topic, 2 marks (P1 «3/5»: two marks in one cell)
  Wed 12.09 topic, 2 marks (P2, P3)
  Thu 13.09 no topic, one absence (P1 «н") only      -> not empty, not filled
  Fri 14.09 a blank topic («  »), nothing else       -> empty
  Sat 15.09 cancelled (with a topic)                  -> not due
  -> 5 due, 3 with a topic (60.0%), 7 marks, 1 empty.
  Outside the week: Fri 07.09 (previous week, nothing) and Mon 17.09 (next week, topic, 1 mark).
Teacher Антонова (A), maths in 8Б: Mon 10.09 and Tue 11.09, both with topics, no marks
  -> 2 due, 2 with a topic (100%), 0 marks, 0 empty.
Teacher Борисова (B), Russian in 7А: Mon, Tue, Wed 10–12.09 (lesson 2), nothing at all
  -> 3 due, 0 with a topic, 0 marks, 3 empty: nothing filled.
Teacher Васильева (C) substitutes B on Thu 13.09 (lesson 2 of B's Russian in 7А), with a topic
  -> row (C, Russian 7А): 1 due, 1 with a topic, 0 marks, 0 empty.
Worst first: B 7А Russian; A 7А maths; A 8Б maths (2 due); C 7А Russian (1 due).
School totals for the week: 11 due, 6 with a topic, 7 marks, 4 empty.

September 2012 up to 16.09 (the monitoring's month with as_of = 16.09): the week plus Fri 07.09
  -> 12 due, 6 filled, 7 marks; teachers active A and C = 2 of 3 (the director is not a teacher).

Other schools: «СОШ № 2» (S2, same municipality): teacher Григорьева, 1 lesson with a topic on 10.09.
«СОШ № 3» (S3, Бетинский район): teacher Дмитриева, 1 lesson on 10.09.
Logins: director (S), municipal (Альфинский), municipal_b (Бетинский), teacher (A), parent (of P1).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.models import Absence, JournalSystem, Substitution
from app.security import roles as R
from tests.factories import (
    make_assignment,
    make_catalogues,
    make_class,
    make_guardian,
    make_lesson,
    make_mark,
    make_municipality,
    make_pupil,
    make_school,
    make_staff,
    make_subject,
    make_user,
    make_year,
)

WEEK_START = dt.date(2012, 9, 10)
WEEK_END = dt.date(2012, 9, 16)
SEPTEMBER = dt.date(2012, 9, 1)

# (teacher, class, subject, due, with topic, marks, empty) in the report's order.
EXPECTED_WEEK = [
    ("Борисова Анна Петровна", "7А", "Русский язык", 3, 0, 0, 3),
    ("Антонова Анна Петровна", "7А", "Математика", 5, 3, 7, 1),
    ("Антонова Анна Петровна", "8Б", "Математика", 2, 2, 0, 0),
    ("Васильева Анна Петровна", "7А", "Русский язык", 1, 1, 0, 0),
]
EXPECTED_WEEK_TOTALS = dict(lessons_due=11, lessons_with_topic=6, marks_entered=7, lessons_empty=4)


@dataclass
class CompletionWorld:
    school: object = None
    school2: object = None
    school3: object = None
    teacher_a: object = None
    teacher_b: object = None
    teacher_c: object = None
    maths_7a: object = None
    maths_8b: object = None
    russian_7a: object = None
    users: dict = field(default_factory=dict)


def day(d: int) -> dt.date:
    return dt.date(2012, 9, d)


def build_completion_world(session, sm) -> CompletionWorld:
    w = CompletionWorld()
    types = make_catalogues(session)
    answer = types["отв"]
    own = JournalSystem(name="Электронный журнал МО", vendor="Министерство", is_own=True)
    session.add(own)
    session.flush()
    alpha, beta = make_municipality(session, "Альфинский район"), make_municipality(session, "Бетинский район")
    w.school = make_school(session, alpha, "СОШ № 1", journal_system=own)
    w.school2 = make_school(session, alpha, "СОШ № 2", journal_system=own)
    w.school3 = make_school(session, beta, "СОШ № 3", journal_system=own)
    year = make_year(session)
    maths, russian = make_subject(session, "Математика"), make_subject(session, "Русский язык")

    u = w.users
    u["director"] = make_user(session, sm, "director", R.SCHOOL_ADMIN)
    u["municipal"] = make_user(session, sm, "municipal", R.MUNICIPAL, municipality=alpha)
    u["municipal_b"] = make_user(session, sm, "municipal_b", R.MUNICIPAL, municipality=beta)
    u["teacher"] = make_user(session, sm, "teacher", R.TEACHER)
    u["parent"] = make_user(session, sm, "parent", R.PARENT)
    make_staff(session, w.school, "Директорова", u["director"], position="директор").is_teacher = False

    w.teacher_a = make_staff(session, w.school, "Антонова", u["teacher"])
    w.teacher_b = make_staff(session, w.school, "Борисова")
    w.teacher_c = make_staff(session, w.school, "Васильева")
    c7, c8 = make_class(session, w.school, year, 7, "А"), make_class(session, w.school, year, 8, "Б")
    p1, p2, p3 = (make_pupil(session, c7, name) for name in ("Петров", "Павлова", "Панин"))
    make_guardian(session, [p1], u["parent"], "Петрова")
    w.maths_7a = make_assignment(session, c7, maths, w.teacher_a)
    w.maths_8b = make_assignment(session, c8, maths, w.teacher_a)
    w.russian_7a = make_assignment(session, c7, russian, w.teacher_b)

    mon, tue, wed, thu, fri, sat = (make_lesson(session, w.maths_7a, day(d), topic=t) for d, t in (
        (10, "Натуральные числа"), (11, "Сложение"), (12, "Вычитание"), (13, None), (14, "  "), (15, "Отменён")))
    sat.cancelled = True
    for pupil, value in ((p1, 5), (p2, 4), (p3, 3)):
        make_mark(session, mon, pupil, value, answer)
    make_mark(session, tue, p1, 3, answer, position=0)
    make_mark(session, tue, p1, 5, answer, position=1)
    make_mark(session, wed, p2, 4, answer)
    make_mark(session, wed, p3, 5, answer)
    session.add(Absence(lesson_id=thu.id, pupil_id=p1.id, code="н"))
    make_lesson(session, w.maths_7a, day(7))
    make_mark(session, make_lesson(session, w.maths_7a, day(17), topic="Умножение"), p1, 4, answer)

    make_lesson(session, w.maths_8b, day(10), number=3, topic="Дроби")
    make_lesson(session, w.maths_8b, day(11), number=3, topic="Дроби 2")

    for d in (10, 11, 12):
        make_lesson(session, w.russian_7a, day(d), number=2)
    substituted = make_lesson(session, w.russian_7a, day(13), number=2, topic="Диктант")
    substituted.teacher_id = w.teacher_c.id
    session.add(Substitution(assignment_id=w.russian_7a.id, date=day(13), lesson_number=2,
                             substitute_id=w.teacher_c.id))

    t2 = make_staff(session, w.school2, "Григорьева")
    make_lesson(session, make_assignment(session, make_class(session, w.school2, year, 5, "А"), maths, t2), day(10),
                topic="Чужая тема")
    t3 = make_staff(session, w.school3, "Дмитриева")
    make_lesson(session, make_assignment(session, make_class(session, w.school3, year, 6, "А"), maths, t3), day(10))
    session.commit()
    return w
