"""The timetable rules on PostgreSQL: clash refusal, validity dates, calendar, import."""
import datetime as dt

import pytest

from app.errors import DomainError
from app.models import Guardian, Lesson, Pupil, TimetableSlot
from app.timetable.calendar import generate_lessons
from app.timetable.clashes import save_cell
from app.timetable.pupil_import import TEMPLATE_HEADER, check_rows, import_pupils
from tests.timetable_helpers import MONDAY, build_timetable_school

pytestmark = pytest.mark.pg


def test_clash_calendar_and_import_on_postgresql(session):
    t = build_timetable_school(session)
    save_cell(session, t.class_8b, 1, 2, t.maths_8b.id, t.room_21.id, MONDAY)
    with pytest.raises(DomainError, match="8Б"):
        save_cell(session, t.class_7a, 1, 2, t.maths_7a.id, None, MONDAY)
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)
    save_cell(session, t.class_7a, 1, 1, t.russian_7a.id, None, MONDAY + dt.timedelta(weeks=4))
    session.commit()
    assert session.query(TimetableSlot).filter(TimetableSlot.valid_to.isnot(None)).count() == 1

    report = generate_lessons(session, t.periods[0])
    session.commit()
    assert report.added == 16 and session.query(Lesson).count() == 16
    assert generate_lessons(session, t.periods[0]).changed is False

    rows = [TEMPLATE_HEADER,
            ["Ёлкина Дарья", "01.01.2000", "7а", "Ёлкин Павел", "+7 916 111-22-33", ""],
            ["Ёлкин Иван", "02.02.2001", "7А", "ЁЛКИН ПАВЕЛ", "+7 916 111-22-33", ""]]
    preview = check_rows(session, t.school.id, t.year.id, rows, dt.date(2012, 9, 1))
    result = import_pupils(session, t.school.id, preview, dt.date(2012, 9, 1))
    session.commit()
    assert (result.pupils, result.guardians_created) == (2, 1)
    assert session.query(Pupil).count() == 2 and session.query(Guardian).count() == 1
