"""Class report page and xlsx, and the archive copy of the class journal."""
import io

import pytest
from openpyxl import load_workbook

from app.journal import grid
from app.models import Absence, Lesson, PeriodMark
from tests.factories import make_mark
from tests.journal_helpers import build_journal_world


@pytest.fixture
def jw(app, session):
    jw = build_journal_world(session, app.appbuilder.sm)
    quarter = grid.school_periods(session, jw.w.class_a)[0]
    for pupil, value in zip(jw.pupils, ["5", "4", "2"]):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=jw.w.class_a.id, subject_id=jw.assignment.subject_id,
                               academic_year_id=jw.w.year.id, study_period_id=quarter.id, value=value))
    session.add(Absence(lesson_id=jw.lessons[1].id, pupil_id=jw.pupils[2].id, code="б"))
    session.add(Absence(lesson_id=jw.lessons[2].id, pupil_id=jw.pupils[2].id, code="н"))
    jw.lessons[1].topic = "=HYPERLINK(\"x\")"
    make_mark(session, jw.lessons[2], jw.pupils[0], 4, jw.types["к/р"])
    session.commit()
    jw.quarter = quarter
    return jw


def test_class_report_page_shows_hand_counted_figures(jw, as_user):
    page = as_user("teacher").get(f"/journal/class/{jw.w.class_a.id}/report?period={jw.quarter.id}").get_data(as_text=True)
    # N = 3: 5, 4, 2 -> успеваемость 66,7 %, качество 66,7 %, СОУ (100 + 64 + 16) / 3 = 60,0, средний 3,67
    assert "Итоги класса 7А" in page
    assert page.count("66,7") >= 2 and "60,0" in page and "3,67" in page


def test_class_report_xlsx_has_the_same_figures(jw, as_user):
    response = as_user("director").get(f"/journal/class/{jw.w.class_a.id}/report.xlsx?period={jw.quarter.id}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    maths = next(r for r in rows if r[0] == "Математика")
    assert list(maths[1:8]) == [1, 1, 0, 1, 0, 0, 3]
    assert maths[8] == pytest.approx(66.7) and maths[10] == pytest.approx(60.0)
    assert maths[12] == 2 and maths[13] == 1


def test_archive_has_a_sheet_per_subject_with_marks_and_topics_as_text(jw, as_user):
    response = as_user("teacher").get(f"/journal/class/{jw.w.class_a.id}/archive.xlsx?period={jw.quarter.id}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Математика"]
    sheet = book["Математика"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    alexeeva = next(r for r in values if r[1] == "Алексеева Мария")
    assert "5" in alexeeva and "4" in alexeeva
    volkov = next(r for r in values if r[1] == "Волков Мария")
    assert "б" in volkov and "н" in volkov and "2" in volkov
    topics = [r[1] for r in values if r[1] and str(r[1]).startswith(("'", "="))]
    assert topics == ["=HYPERLINK(\"x\")"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
