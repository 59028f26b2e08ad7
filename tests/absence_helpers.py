"""The factories' world with what absence notices need: the teacher Иванова leads 7А (Алексеева's
class), 7А has a second subject on 10.09.2012 and lessons on 11.09 and 12.09, Алексеева is marked
«н» on all of them, and СОШ № 3 (another municipality) has a director of its own."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Absence, Lesson
from app.security import roles as R
from tests.factories import PASSWORD, World, make_assignment, make_lesson, make_staff, make_subject, make_user

MONDAY, TUESDAY, WEDNESDAY = dt.date(2012, 9, 10), dt.date(2012, 9, 11), dt.date(2012, 9, 12)


@dataclass
class NoticeWorld:
    world: World
    russian_monday: Lesson     # 10.09, 2nd lesson, Русский язык (Петрова)
    maths_tuesday: Lesson      # 11.09, 1st lesson
    maths_wednesday: Lesson    # 12.09, 1st lesson: outside a notice for 10.09–11.09
    password: str = PASSWORD


def build_notice_world(session, sm, world: World) -> NoticeWorld:
    world.class_a.class_teacher_id = world.teacher.id
    maths = world.lesson_a.assignment
    russian = make_assignment(session, world.class_a, make_subject(session, "Русский язык"), world.other_teacher)
    russian_monday = make_lesson(session, russian, MONDAY, number=2)
    maths_tuesday = make_lesson(session, maths, TUESDAY)
    maths_wednesday = make_lesson(session, maths, WEDNESDAY)
    for lesson in (world.lesson_a, russian_monday, maths_tuesday, maths_wednesday):
        session.add(Absence(lesson_id=lesson.id, pupil_id=world.pupil_a.id, code="н", version=1))
    # Петрова, who teaches 7А Russian on Mondays only, signs in too.
    world.other_teacher.user_id = make_user(session, sm, "teacher_ru", R.TEACHER).id
    world.users["teacher_ru"] = session.get(sm.user_model, world.other_teacher.user_id)
    director_b = make_user(session, sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, world.school_b, "Директорова-Клинская", director_b, position="директор")
    world.users["director_b"] = director_b
    session.commit()
    return NoticeWorld(world, russian_monday, maths_tuesday, maths_wednesday)
