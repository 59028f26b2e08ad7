import datetime as dt
import re

from app.models import Holiday, StudyPeriod
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
