"""A small world for report cards and the year sheet, on top of tests.factories.build_world.

СОШ № 1 (school_a), 2012/2013, four quarters; 7А (build_world's class_a), class teacher Иванова
(the teacher login), director Директорова (build_world's); pupils Алексеева (build_world's),
Борисова, Волков. Subjects:
- Математика (Иванова): 1st quarter Алексеева 5, Борисова 4; 2nd quarter Алексеева 4; the year
  mark Алексеева 5;
- Музыка (Петрова): «зачёт/незачёт» in the 1st quarter, marks after; Алексеева «зач.» for the 1st;
- ИЗО (Петрова): «без отметок» in all four quarters; a «5» of Алексеева in the 1st quarter set
  before the school's rule (it shows nowhere).
Алексеева's absences in mathematics: «б» 11.09, «н» 12.09, «оп» 13.09 (a late arrival: not
missed), «н» 30.10 (the autumn holidays: in no period), «б» 15.11 (2nd quarter).
A secretary of СОШ № 3 (school_b): `secretary_b`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.models import Absence, PeriodMark, StudyPeriod, SubjectAssessment
from app.models.journal import PASS_FAIL, UNMARKED
from app.security import roles as R
from tests.factories import build_world, make_assignment, make_lesson, make_pupil, make_staff, make_subject, make_user


@dataclass
class CardWorld:
    w: object
    quarters: list
    pupils: list  # Алексеева, Борисова, Волков
    maths: object
    music: object
    art: object


def build_card_world(session, sm) -> CardWorld:
    w = build_world(session, sm)
    quarters = list(session.scalars(select(StudyPeriod).where(StudyPeriod.school_id == w.school_a.id)
                                    .order_by(StudyPeriod.number)))
    w.class_a.class_teacher_id = w.teacher.id
    pupils = [w.pupil_a, make_pupil(session, w.class_a, "Борисова"), make_pupil(session, w.class_a, "Волков")]
    maths = w.lesson_a.assignment
    music = make_assignment(session, w.class_a, make_subject(session, "Музыка"), w.other_teacher)
    art = make_assignment(session, w.class_a, make_subject(session, "ИЗО"), w.other_teacher)
    session.add(SubjectAssessment(class_group_id=w.class_a.id, subject_id=music.subject_id,
                                  study_period_id=quarters[0].id, mode=PASS_FAIL))
    for quarter in quarters:
        session.add(SubjectAssessment(class_group_id=w.class_a.id, subject_id=art.subject_id,
                                      study_period_id=quarter.id, mode=UNMARKED))

    def period_mark(pupil, assignment, period, value):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=w.class_a.id, subject_id=assignment.subject_id,
                               academic_year_id=w.year.id, study_period_id=period.id if period else None,
                               value=value))

    period_mark(pupils[0], maths, quarters[0], "5")
    period_mark(pupils[1], maths, quarters[0], "4")
    period_mark(pupils[0], maths, quarters[1], "4")
    period_mark(pupils[0], maths, None, "5")
    period_mark(pupils[0], music, quarters[0], "зач.")
    period_mark(pupils[0], art, quarters[0], "5")
    for day, code in ((dt.date(2012, 9, 11), "б"), (dt.date(2012, 9, 12), "н"), (dt.date(2012, 9, 13), "оп"),
                      (dt.date(2012, 10, 30), "н"), (dt.date(2012, 11, 15), "б")):
        lesson = make_lesson(session, maths, day)
        session.add(Absence(lesson_id=lesson.id, pupil_id=pupils[0].id, code=code))
    w.users["secretary_b"] = make_user(session, sm, "secretary_b", R.SECRETARY)
    make_staff(session, w.school_b, "Секретарёва", w.users["secretary_b"], position="секретарь")
    session.commit()
    return CardWorld(w, quarters, pupils, maths, music, art)
