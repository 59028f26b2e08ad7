"""A small world with subjects taught without marks, on top of tests.factories.build_world.

СОШ № 1 (school_a), 2012/2013, four quarters:
- 1А: a first grade (without marks by default), Математика taught by Иванова (the teacher login),
  pupils Андреев and Белова; lessons on 10.09 («Счёт до 10»), 11.09 («Сложение») and 12.09 (no
  topic), with marks Андреев 5 on 10.09 and 4 on 11.09 entered before the school's rule took hold
  (legacy: they must count nowhere);
- 7А (build_world's, marked by default): Алексеева, Борисова, Волков; Математика (Иванова),
  Музыка (Иванова) set «зачёт/незачёт» in the first quarter, ИЗО (Петрова) set «без отметок» in
  the first quarter; a Музыка lesson on 12.09 and an ИЗО lesson on 13.09;
- a second director, of СОШ № 3 (school_b), `director_b`, for the scope of the settings page.
The settings are written as the administration's page writes them (by the director, at NOW).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.models import MarkType, StudyPeriod, SubjectAssessment, TeachingAssignment
from app.models.journal import PASS_FAIL, UNMARKED
from app.security import roles as R
from tests.factories import (
    build_world,
    make_assignment,
    make_class,
    make_lesson,
    make_mark,
    make_pupil,
    make_staff,
    make_subject,
    make_user,
)

NOW = dt.datetime(2012, 9, 3, 9, 30)


@dataclass
class AssessmentWorld:
    w: object
    quarters: list
    first: object            # 1А
    first_maths: object      # its Математика (Иванова)
    first_pupils: list       # Андреев, Белова
    first_lessons: list      # 10.09, 11.09, 12.09
    seventh_pupils: list     # Алексеева, Борисова, Волков
    maths: object            # 7А Математика (Иванова), build_world's assignment
    music: object            # 7А Музыка (Иванова): «зачёт/незачёт» in the first quarter
    art: object              # 7А ИЗО (Петрова): without marks in the first quarter
    music_lesson: object
    art_lesson: object
    types: dict


def build_assessment_world(session, sm) -> AssessmentWorld:
    w = build_world(session, sm)
    types = {t.short_name: t for t in session.scalars(select(MarkType))}
    quarters = list(session.scalars(select(StudyPeriod).where(StudyPeriod.school_id == w.school_a.id)
                                    .order_by(StudyPeriod.number)))
    maths_subject = make_subject(session, "Математика")
    first = make_class(session, w.school_a, w.year, 1, "А")
    first_maths = make_assignment(session, first, maths_subject, w.teacher)
    first_pupils = [make_pupil(session, first, "Андреев"), make_pupil(session, first, "Белова")]
    first_lessons = [make_lesson(session, first_maths, dt.date(2012, 9, 10), topic="Счёт до 10"),
                     make_lesson(session, first_maths, dt.date(2012, 9, 11), topic="Сложение"),
                     make_lesson(session, first_maths, dt.date(2012, 9, 12))]
    make_mark(session, first_lessons[0], first_pupils[0], 5, types["отв"])
    make_mark(session, first_lessons[1], first_pupils[0], 4, types["отв"])

    seventh_pupils = [w.pupil_a, make_pupil(session, w.class_a, "Борисова"), make_pupil(session, w.class_a, "Волков")]
    maths = session.scalar(select(TeachingAssignment).where(TeachingAssignment.class_group_id == w.class_a.id,
                                                            TeachingAssignment.subject_id == maths_subject.id))
    music = make_assignment(session, w.class_a, make_subject(session, "Музыка"), w.teacher)
    art = make_assignment(session, w.class_a, make_subject(session, "ИЗО"), w.other_teacher)
    music_lesson = make_lesson(session, music, dt.date(2012, 9, 12), topic="Песня")
    art_lesson = make_lesson(session, art, dt.date(2012, 9, 13), topic="Рисунок")
    director = sm.find_user("director")
    session.add_all([
        SubjectAssessment(class_group_id=w.class_a.id, subject_id=music.subject_id, study_period_id=quarters[0].id,
                          mode=PASS_FAIL, set_by_id=director.id, set_at=NOW),
        SubjectAssessment(class_group_id=w.class_a.id, subject_id=art.subject_id, study_period_id=quarters[0].id,
                          mode=UNMARKED, set_by_id=director.id, set_at=NOW),
    ])
    director_b = make_user(session, sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, w.school_b, "Директорова-Б", director_b, position="директор")
    session.commit()
    return AssessmentWorld(w=w, quarters=quarters, first=first, first_maths=first_maths, first_pupils=first_pupils,
                           first_lessons=first_lessons, seventh_pupils=seventh_pupils, maths=maths, music=music,
                           art=art, music_lesson=music_lesson, art_lesson=art_lesson, types=types)
