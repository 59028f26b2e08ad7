"""A world for the homework tests, on top of tests.factories.build_world.

7А of СОШ № 1 (world.class_a) learns mathematics with Иванова (the «teacher» login) on Mondays
(1st lesson) and Thursdays (2nd lesson); the 1st quarter's calendar is generated, so world.lesson_a
(Monday 10.09.2012) is followed by Thursday 13.09. «Группа 1» of 7А holds Алексеева (world.pupil_a,
the «pupil» login, child of «parent»); Григорьев is her classmate outside the group.

Logins added: «parent_classmate» (Григорьев's, 7А), «parent_8b» (Борисов's, 8Б of the same
school), «parent_far» (Васильев's, 7А of СОШ № 3 in another municipality), «director_far» (СОШ № 3).
`add_tasks` gives on lesson_a, due 13.09, a task to the class, one to «Группа 1» and one to
Алексеева alone, each with a PDF.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.models import Homework, HomeworkFile, Subgroup
from app.security import roles as R
from app.timetable.calendar import generate_lessons
from tests.diary_helpers import add_slot
from tests.factories import make_guardian, make_homework, make_pupil, make_staff, make_user

MONDAY = dt.date(2012, 9, 3)
GIVEN = dt.date(2012, 9, 10)  # world.lesson_a
NEXT = dt.date(2012, 9, 13)   # the next mathematics of 7А
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(text: str = "") -> bytes:
    return PDF + text.encode()


@dataclass
class HomeworkWorld:
    w: object
    assignment: object = None
    group: object = None
    classmate: object = None
    tasks: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)


def build_homework_world(session, sm, world) -> HomeworkWorld:
    w = world
    hw = HomeworkWorld(w=w, assignment=w.lesson_a.assignment)
    add_slot(session, hw.assignment, 1, 1, valid_from=MONDAY)
    add_slot(session, hw.assignment, 4, 2, valid_from=MONDAY)
    first_quarter = next(p for p in _periods(session, w.school_a) if p.number == 1)
    generate_lessons(session, first_quarter, [w.class_a.id])
    hw.classmate = make_pupil(session, w.class_a, "Григорьев")
    hw.group = Subgroup(class_group_id=w.class_a.id, name="Группа 1")
    hw.group.pupils.append(w.pupil_a)
    session.add(hw.group)
    session.flush()
    users = w.users
    users["parent_classmate"] = make_user(session, sm, "parent_classmate", R.PARENT)
    make_guardian(session, [hw.classmate], users["parent_classmate"], "Григорьева")
    users["parent_8b"] = make_user(session, sm, "parent_8b", R.PARENT)
    make_guardian(session, [w.pupil_a_other], users["parent_8b"], "Борисова-Старшая")
    users["parent_far"] = make_user(session, sm, "parent_far", R.PARENT)
    make_guardian(session, [w.pupil_b], users["parent_far"], "Васильева")
    users["director_far"] = make_user(session, sm, "director_far", R.SCHOOL_ADMIN)
    make_staff(session, w.school_b, "Дальняя", users["director_far"], position="директор")
    session.commit()
    return hw


def _periods(session, school):
    from app.models import StudyPeriod

    return session.query(StudyPeriod).filter_by(school_id=school.id).all()


def add_tasks(session, hw: HomeworkWorld) -> HomeworkWorld:
    """Three tasks on lesson_a due 13.09, each with a PDF: the class's, «Группа 1»'s, Алексеева's."""
    lesson = hw.w.lesson_a
    hw.tasks["class"] = make_homework(session, lesson, "№ 15, 16", NEXT)
    hw.tasks["group"] = make_homework(session, lesson, "Выучить слова группы", NEXT, subgroup_id=hw.group.id)
    hw.tasks["pupil"] = make_homework(session, lesson, "Доклад о дробях", NEXT, pupil=hw.w.pupil_a)
    for key, name in (("class", "Задачи.pdf"), ("group", "Слова.pdf"), ("pupil", "Доклад.pdf")):
        file = HomeworkFile(homework_id=hw.tasks[key].id, filename=name, content_type="application/pdf",
                            size_bytes=len(pdf(key)), data=pdf(key))
        session.add(file)
        session.flush()
        hw.files[key] = file
    session.commit()
    return hw


def tasks_of(session, lesson) -> list[Homework]:
    session.expire_all()
    return list(session.query(Homework).filter_by(lesson_id=lesson.id).order_by(Homework.id))
