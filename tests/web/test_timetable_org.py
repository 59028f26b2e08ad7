import datetime as dt
import re

from app.models import Holiday, StudyPeriod, Subject
from tests.conftest import csrf_token


def test_director_sees_period_kinds_in_russian(world, as_user):
    client = as_user("director")
    page = client.get("/studyperiodview/list/").get_data(as_text=True)
    assert re.search(r">\s*четверть\s*<", page) and not re.search(r">\s*quarter\s*<", page)
    form = client.get("/studyperiodview/add").get_data(as_text=True)
    assert '<option value="trimester">триместр</option>' in form


def test_director_adds_a_first_grade_holiday(world, as_user, session):
    client = as_user("director")
    token = csrf_token(client, "/holidayview/add")
    response = client.post("/holidayview/add", data={
        "csrf_token": token, "school": world.school_a.id, "academic_year": world.year.id,
        "name": "Дополнительные каникулы для первоклассников", "starts_on": "2013-02-11", "ends_on": "2013-02-17",
        "grade_from": 1, "grade_to": 1})
    assert response.status_code == 302
    holiday = session.query(Holiday).one()
    assert (holiday.starts_on, holiday.grade_from, holiday.grade_to) == (dt.date(2013, 2, 11), 1, 1)


def test_director_adds_a_trimester(world, as_user, session):
    client = as_user("director")
    session.query(StudyPeriod).filter_by(school_id=world.school_a.id, number=4).delete()
    session.commit()
    token = csrf_token(client, "/studyperiodview/add")
    response = client.post("/studyperiodview/add", data={
        "csrf_token": token, "school": world.school_a.id, "academic_year": world.year.id, "kind": "trimester",
        "number": 4, "name": "Триместр", "starts_on": "2013-04-01", "ends_on": "2013-05-31"})
    assert response.status_code == 302
    assert session.query(StudyPeriod).filter_by(school_id=world.school_a.id, number=4).one().kind == "trimester"



def _add_subject(client, **fields):
    token = csrf_token(client, "/subjectview/add")
    return client.post("/subjectview/add", data={"csrf_token": token, **fields}, follow_redirects=True)


def test_secretary_adds_a_subject_of_own_school(world, as_user, session):
    client = as_user("secretary")
    form = client.get("/subjectview/add").get_data(as_text=True)
    assert f'<option selected value="{world.school_a.id}">СОШ № 1</option>' in form
    page = _add_subject(client, school=world.school_a.id, name="Черчение", short_name="Черч.").get_data(as_text=True)
    assert "меняет только администратор" not in page
    subject = session.query(Subject).filter_by(name="Черчение").one()
    assert (subject.school_id, subject.short_name) == (world.school_a.id, "Черч.")


def test_secretary_cannot_add_a_subject_of_another_school_or_of_the_region(world, as_user, session):
    client = as_user("secretary")
    forged = _add_subject(client, school=world.school_b.id, name="Черчение", short_name="Черч.").get_data(as_text=True)
    assert "Недопустимое значение" in forged
    regional = _add_subject(client, school="__None", name="Черчение", short_name="Черч.").get_data(as_text=True)
    assert "Предметы регионального справочника меняет только администратор" in regional
    assert session.query(Subject).filter_by(name="Черчение").count() == 0
