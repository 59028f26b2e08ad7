"""A small world for closing the first quarter of school_a (1 четверть: 01.09.2012–27.10.2012), on
top of tests.factories.build_world. What is missing there, written by hand:

7А (grade 7): Алексеева Мария, Белова Ольга, Волков Пётр
- Математика (Иванова А.П.): period marks — Алексеева «5»; missing: Белова, Волков;
  lessons 10.09 (no topic, from build_world), 12.09 «Дроби», 17.09 cancelled without topic;
- Английский язык, группа 1 = Белова only (Петрова А.П.): missing: Белова;
- Музыка (Петрова А.П.), taught without marks in the quarter: no marks needed; lesson 14.09
  without topic (a topic is still needed);
8Б (grade 8): Алексеев Мария, Борисов Мария
- Математика (Петрова А.П.): Борисов «4»; missing: Алексеев; lessons 10.09 (no topic, from
  build_world), 24.10 without topic (after 19.10);
school_b's quarter is another school's: its director sees none of this.
"""
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.models import PeriodMark, StudyPeriod, Subgroup, SubjectAssessment
from app.models.journal import UNMARKED
from app.security import roles as R
from tests.factories import (World, build_world, make_assignment, make_lesson, make_pupil, make_staff, make_subject,
                             make_user)

BEFORE = dt.date(2012, 10, 19)       # a Friday before the quarter's last day
LAST_DAY = dt.date(2012, 10, 27)
AFTER = dt.date(2012, 10, 29)


@dataclass
class CloseWorld:
    w: World
    first: StudyPeriod        # school_a's first quarter
    second: StudyPeriod       # school_a's second quarter (05.11.2012–29.12.2012)
    first_b: StudyPeriod      # school_b's first quarter


def quarter(session, school, number) -> StudyPeriod:
    return session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == school.id, StudyPeriod.number == number))


def build_close_world(session, sm) -> CloseWorld:
    w = build_world(session, sm)
    first = quarter(session, w.school_a, 1)
    w.pupil_a.first_name = "Мария"
    belova = make_pupil(session, w.class_a, "Белова")
    belova.first_name = "Ольга"
    volkov = make_pupil(session, w.class_a, "Волков")
    volkov.first_name = "Пётр"
    maths = make_subject(session, "Математика")
    own = w.lesson_a.assignment
    make_lesson(session, own, dt.date(2012, 9, 12), topic="Дроби")
    cancelled = make_lesson(session, own, dt.date(2012, 9, 17))
    cancelled.cancelled = True

    group = Subgroup(class_group_id=w.class_a.id, name="группа 1")
    group.pupils = [belova]
    session.add(group)
    session.flush()
    english = make_assignment(session, w.class_a, make_subject(session, "Английский язык"), w.other_teacher)
    english.subgroup_id = group.id
    music_subject = make_subject(session, "Музыка")
    music = make_assignment(session, w.class_a, music_subject, w.other_teacher)
    session.add(SubjectAssessment(class_group_id=w.class_a.id, subject_id=music_subject.id,
                                  study_period_id=first.id, mode=UNMARKED))
    make_lesson(session, music, dt.date(2012, 9, 14))

    foreign = w.lesson_a_other.assignment
    make_lesson(session, foreign, dt.date(2012, 10, 24))
    for pupil, class_group, value in ((w.pupil_a, w.class_a, "5"), (w.pupil_a_other, w.class_a_other, "4")):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=class_group.id, subject_id=maths.id,
                               academic_year_id=w.year.id, study_period_id=first.id, value=value))
    w.users["director_b"] = make_user(session, sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, w.school_b, "Директорова-Б", w.users["director_b"], position="директор")
    session.commit()
    return CloseWorld(w=w, first=first, second=quarter(session, w.school_a, 2), first_b=quarter(session, w.school_b, 1))
