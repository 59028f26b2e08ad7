import datetime as dt

import pytest

from app.models import Guardian, GuardianLink, Lesson, Substitution
from app.security.scope import is_visible, load_scope
from tests.conftest import csrf_token
from tests.factories import make_lesson, make_pupil


@pytest.fixture
def secretary(world, as_user):
    return as_user("secretary")


def test_pupils_are_listed_by_class_then_surname(secretary, session, world):
    make_pupil(session, world.class_a, "Яковлева")
    make_pupil(session, world.class_a, "Абрамов")
    session.commit()
    page = secretary.get("/pupilview/list/").get_data(as_text=True)
    order = [page.index(name) for name in ("Абрамов", "Алексеева", "Яковлева", "Алексеев<", "Борисов")]
    assert order == sorted(order)
    assert "Васильев" not in page  # another school's pupil


def test_secretary_adds_a_new_guardian_from_the_pupils_page(secretary, session, world):
    page = secretary.get(f"/pupilview/show/{world.pupil_a.id}").get_data(as_text=True)
    assert "Алексеев Иван Иванович" in page and "Добавить родителя" in page
    token = csrf_token(secretary, f"/pupil-guardians/{world.pupil_a.id}/add")
    response = secretary.post(f"/pupil-guardians/{world.pupil_a.id}/add", data={
        "csrf_token": token, "last_name": "Алексеева", "first_name": "Ольга", "phone": "8 916 000-11-22",
        "relation": "мать"})
    assert response.status_code == 302
    mother = session.query(Guardian).filter_by(last_name="Алексеева").one()
    assert mother.phone == "+79160001122" and mother.links[0].relation == "мать"
    assert "Алексеева Ольга" in secretary.get(response.headers["Location"]).get_data(as_text=True)


def test_known_guardian_is_linked_to_a_sibling(secretary, session, world):
    borisova = session.query(Guardian).filter_by(last_name="Борисова").one()
    token = csrf_token(secretary, f"/pupil-guardians/{world.pupil_a.id}/add")
    secretary.post(f"/pupil-guardians/{world.pupil_a.id}/add",
                   data={"csrf_token": token, "guardian_id": borisova.id, "relation": "тётя"})
    assert session.get(GuardianLink, (world.pupil_a.id, borisova.id)).relation == "тётя"


def test_guardian_with_bad_phone_is_refused_and_nothing_written(secretary, session, world):
    before = session.query(Guardian).count()
    token = csrf_token(secretary, f"/pupil-guardians/{world.pupil_a.id}/add")
    response = secretary.post(f"/pupil-guardians/{world.pupil_a.id}/add", data={
        "csrf_token": token, "last_name": "Алексеева", "first_name": "Ольга", "phone": "12"})
    assert response.status_code == 400 and "российский номер" in response.get_data(as_text=True)
    assert session.query(Guardian).count() == before


def test_guardian_of_another_schools_pupil_is_404(secretary, world):
    assert secretary.get(f"/pupil-guardians/{world.pupil_b.id}/add").status_code == 404


def _substitute(client, lesson, substitute, follow=False, **extra):
    where = {"assignment": lesson.assignment_id, "date": lesson.date.strftime("%d.%m.%Y"), "n": lesson.lesson_number}
    token = csrf_token(client, "/substitute/day")
    data = {"csrf_token": token, **where, "teacher_id": substitute.id, "reason": "болезнь", **extra}
    return client.post("/substitute/lesson/teacher", data=data, follow_redirects=follow)


def test_substitute_teacher_gets_the_lesson(secretary, session, world, app):
    lesson = make_lesson(session, world.lesson_a_other.assignment, dt.date(2012, 9, 10), number=3)
    session.commit()
    response = _substitute(secretary, lesson, world.teacher)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Lesson, lesson.id).teacher_id == world.teacher.id
    teacher_scope = load_scope(session, world.users["teacher"])
    assert is_visible(session, teacher_scope, Lesson, lesson.id)
    # Removing the substitution gives the lesson back.
    token = csrf_token(secretary, "/substitute/day")
    secretary.post("/substitute/lesson/remove", data={"csrf_token": token, "assignment": lesson.assignment_id,
                                                      "date": "10.09.2012", "n": 3})
    session.expire_all()
    assert session.get(Lesson, lesson.id).teacher_id == world.other_teacher.id
    assert session.query(Substitution).count() == 0


def test_busy_substitute_is_refused(secretary, session, world):
    # world.teacher teaches 7А at lesson 1 on 10.09, when 8Б's lesson_a_other is.
    page = _substitute(secretary, world.lesson_a_other, world.teacher, follow=True).get_data(as_text=True)
    assert "в это время ведёт урок: 7А" in page
    assert session.query(Substitution).count() == 0
    session.expire_all()
    assert session.get(Lesson, world.lesson_a_other.id).teacher_id == world.other_teacher.id
