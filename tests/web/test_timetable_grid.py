import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from app.models import Lesson, TimetableSlot
from app.timetable.clashes import save_cell
from tests.conftest import csrf_token
from tests.timetable_helpers import MONDAY, build_timetable_school


@pytest.fixture
def t(world, session):
    t = build_timetable_school(session, world.school_a, world.year, (world.class_a, world.class_a_other))
    session.commit()
    return t


@pytest.fixture
def secretary(as_user, t):
    return as_user("secretary")


def post_cell(client, t, class_group, **data):
    token = csrf_token(client, f"/timetable/class/{class_group.id}?week={MONDAY}")
    payload = {"valid_from": MONDAY.isoformat(), **data}
    return client.post(f"/timetable/class/{class_group.id}/cell", json=payload, headers={"X-CSRFToken": token})


def test_secretary_sees_an_empty_week_with_bells(secretary, t):
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert "Расписание 7А класса" in page and "08:30–09:15" in page and "Понедельник" in page
    assert 'id="tt-picker"' in page and "Математика — Иванова А.П." in page
    assert 'src="/static/js/timetable.js"' in page and 'nonce="' in page


def test_saving_a_cell_returns_the_cell_and_warnings(secretary, session, t):
    response = post_cell(secretary, t, t.class_7a, weekday=1, lesson_number=2, assignment_id=t.maths_7a.id,
                         room_id=t.room_21.id)
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert "Математика" in data["html"] and "каб. 21" in data["html"]
    assert any("Математика" in w and "в расписании 1 ч" in w for w in data["warnings"])
    slot = session.query(TimetableSlot).one()
    assert (slot.weekday, slot.lesson_number, slot.valid_from) == (1, 2, MONDAY)


def test_clash_is_refused_in_russian_and_nothing_is_saved(secretary, session, t):
    save_cell(session, t.class_8b, 1, 2, t.maths_8b.id, None, MONDAY)
    session.commit()
    response = post_cell(secretary, t, t.class_7a, weekday=1, lesson_number=2, assignment_id=t.maths_7a.id)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "Иванова А.П." in error and "8Б" in error and "2-й урок" in error
    assert session.query(TimetableSlot).count() == 1


def test_save_without_csrf_token_is_refused(secretary, session, t):
    response = secretary.post(f"/timetable/class/{t.class_7a.id}/cell",
                              json={"weekday": 1, "lesson_number": 1, "assignment_id": t.maths_7a.id,
                                    "valid_from": MONDAY.isoformat()})
    assert response.status_code == 400
    assert session.query(TimetableSlot).count() == 0


def test_clear_from_a_date_keeps_earlier_weeks(secretary, session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)
    session.commit()
    later = MONDAY + dt.timedelta(weeks=1)
    token = csrf_token(secretary, f"/timetable/class/{t.class_7a.id}")
    response = secretary.post(f"/timetable/class/{t.class_7a.id}/cell/clear", headers={"X-CSRFToken": token},
                              json={"weekday": 1, "lesson_number": 1, "valid_from": later.isoformat()})
    assert response.status_code == 200 and response.get_json()["html"].strip() == ""
    cell = '<span class="tt-subject">Математика'
    assert cell in secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert cell not in secretary.get(f"/timetable/class/{t.class_7a.id}?week={later}").get_data(as_text=True)


def test_teacher_and_room_weeks(secretary, session, t):
    save_cell(session, t.class_7a, 2, 3, t.maths_7a.id, t.room_21.id, MONDAY)
    session.commit()
    page = secretary.get(f"/timetable/teacher/{t.ivanova.id}?week={MONDAY}").get_data(as_text=True)
    assert "Расписание учителя Иванова Анна Петровна" in page and "7А" in page
    page = secretary.get(f"/timetable/room/{t.room_21.id}?week={MONDAY}").get_data(as_text=True)
    assert "Занятость кабинета 21" in page and "7А" in page


def test_class_export_is_a4_landscape_with_the_lessons(secretary, session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_21.id, MONDAY)
    session.commit()
    response = secretary.get(f"/timetable/export?kind=class&id={t.class_7a.id}&week={MONDAY}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "Математика" in sheet.cell(row=5, column=2).value


def test_school_export_has_a_sheet_per_class(secretary, t):
    response = secretary.get("/timetable/export?kind=school")
    names = load_workbook(io.BytesIO(response.data)).sheetnames
    assert names == ["7А", "8Б"]


def test_only_a_school_user_is_offered_the_schools_timetable(secretary, as_user, t):
    """The school's timetable is the user's own school's: the administrator, of no school, was
    offered it and got a 404."""
    assert "/timetable/export?kind=school" in secretary.get("/timetable/").get_data(as_text=True)
    admin = as_user("admin")
    page = admin.get("/timetable/").get_data(as_text=True)
    assert "7А" in page and "/timetable/export?kind=school" not in page


def test_secretary_gets_404_for_another_schools_timetable_class_and_pupil(secretary, world):
    assert secretary.get(f"/timetable/class/{world.class_b.id}").status_code == 404
    assert secretary.get(f"/timetable/export?kind=class&id={world.class_b.id}").status_code == 404
    assert secretary.get(f"/classgroupview/show/{world.class_b.id}").status_code == 404
    assert secretary.get(f"/pupilview/show/{world.pupil_b.id}").status_code == 404
    token = csrf_token(secretary, "/timetable/")
    response = secretary.post(f"/timetable/class/{world.class_b.id}/cell", headers={"X-CSRFToken": token},
                              json={"weekday": 1, "lesson_number": 1, "assignment_id": 1, "valid_from": "2012-09-03"})
    assert response.status_code == 404


def test_teacher_sees_the_grid_read_only(as_user, t):
    client = as_user("teacher")
    page = client.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert "Расписание 7А класса" in page and 'id="tt-picker"' not in page


def test_director_may_not_save(as_user, session, t):
    client = as_user("director")
    token = csrf_token(client, "/timetable/")
    response = client.post(f"/timetable/class/{t.class_7a.id}/cell", headers={"X-CSRFToken": token},
                           json={"weekday": 1, "lesson_number": 1, "assignment_id": t.maths_7a.id,
                                 "valid_from": MONDAY.isoformat()})
    assert response.status_code in (302, 403, 404)
    assert session.query(TimetableSlot).count() == 0


def test_calendar_generation_page_reports_counts(secretary, session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)
    session.commit()
    period = t.periods[0]
    before = session.query(Lesson).count()
    token = csrf_token(secretary, "/lesson-calendar/")
    page = secretary.post("/lesson-calendar/", data={"csrf_token": token, "period_id": period.id, "class_id": ""})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Добавлено уроков: 8" in text
    assert session.query(Lesson).count() == before + 8
    again = secretary.post("/lesson-calendar/", data={"csrf_token": token, "period_id": period.id}).get_data(as_text=True)
    assert "Добавлено уроков: 0" in again


def test_week_grids_show_substitutions(secretary, session, t):
    from app.models import Substitution

    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, None, MONDAY)
    save_cell(session, t.class_7a, 2, 1, t.maths_7a.id, None, MONDAY)
    session.add(Substitution(assignment_id=t.maths_7a.id, date=MONDAY, lesson_number=1, substitute_id=t.sidorova.id))
    session.add(Substitution(assignment_id=t.maths_7a.id, date=MONDAY + dt.timedelta(days=1), lesson_number=1,
                             cancelled=True))
    session.commit()
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert "Замена: Сидорова А.П." in page and "Урок отменён" in page
    later = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY + dt.timedelta(weeks=1)}").get_data(as_text=True)
    assert "Замена:" not in later
    page = secretary.get(f"/timetable/teacher/{t.sidorova.id}?week={MONDAY}").get_data(as_text=True)
    assert "Замена: 7А, Математика" in page


def test_teacher_export(secretary, session, t):
    save_cell(session, t.class_8b, 3, 4, t.maths_8b.id, t.room_21.id, MONDAY)
    session.commit()
    response = secretary.get(f"/timetable/export?kind=teacher&id={t.ivanova.id}&week={MONDAY}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=8, column=4).value == "8Б, Математика, каб. 21"
    assert sheet.page_setup.orientation == "landscape"
