"""The administration's page of subjects taught without marks: the classes with their defaults, a
class's subjects × periods, saves recorded with who and when, refusals that change nothing, and
scope (another school's class is 404, teachers and families have no such page). The world:
tests.assessment_helpers."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import SubjectAssessment
from app.models.journal import MARKS, PASS_FAIL, UNMARKED
from tests.assessment_helpers import NOW, build_assessment_world
from tests.security_helpers import form_token

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
SAVED_AT = dt.datetime(2012, 10, 19, 8, 15)


@pytest.fixture
def aw(app, session):
    return build_assessment_world(session, app.appbuilder.sm)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr("app.clock.region_now", lambda: SAVED_AT)


def settings(session, class_group):
    """(subject, period number) -> (mode, who set it, when) of the class's rows."""
    session.expire_all()
    return {(row.subject.name, row.study_period.number): (row.mode, row.set_by_id, row.set_at)
            for row in session.scalars(select(SubjectAssessment).where(SubjectAssessment.class_group_id == class_group.id))}


def post(client, url, data):
    token = form_token(client, url)
    return client.post(url, data={"csrf_token": token, **data})


def test_classes_page_shows_each_class_with_its_default_and_what_the_school_set(aw, as_user):
    page = as_user("director").get("/journal/assessment/").get_data(as_text=True)
    assert "Предметы без отметок" in page and "СанПиН 2.4.2.2821-10" in page
    first = page[page.index(">1А<"):page.index(">7А<")]
    assert "без отметок" in first and "—" in first
    seventh = page[page.index(">7А<"):]
    assert "клеток: 2 (без отметок, зачёт/незачёт)" in seventh
    assert ">8Б<" in page and "7А СОШ № 3" not in page


def test_class_matrix_shows_subjects_by_periods_with_who_set_them(aw, as_user):
    page = as_user("director").get(f"/journal/assessment/{aw.w.class_a.id}/").get_data(as_text=True)
    for text in ("Предметы без отметок: 7А", "ИЗО", "Музыка", "Математика", "1 четверть", "4 четверть",
                 "по умолчанию (отметки)", "Все предметы"):
        assert text in page, text
    # Set by the director on 03.09.2012 at 09:30.
    assert page.count("задано: Тестов D., 03.09.2012 09:30") == 2
    first = as_user("director").get(f"/journal/assessment/{aw.first.id}/").get_data(as_text=True)
    assert "по умолчанию (без отметок)" in first and "задано:" not in first


@pytest.mark.parametrize("database_engine", ENGINES)
def test_director_sets_cells_and_whole_periods(aw, as_user, session, app, database_engine):
    director = app.appbuilder.sm.find_user("director").id
    q1, q2 = aw.quarters[0].id, aw.quarters[1].id
    client = as_user("director")
    url = f"/journal/assessment/{aw.w.class_a.id}/"
    response = post(client, url, {
        f"mode-{aw.maths.subject_id}-{q1}": "unmarked",     # a new row
        f"mode-{aw.music.subject_id}-{q1}": "",             # back to the default: the row goes
        f"mode-{aw.art.subject_id}-{q1}": "unmarked",       # as it was: unchanged, keeps who and when
        f"all-{q2}": "pass_fail",                           # every subject of the second quarter
        f"all-{q1}": "keep",
    })
    assert response.status_code == 302
    assert settings(session, aw.w.class_a) == {
        ("Математика", 1): (UNMARKED, director, SAVED_AT), ("ИЗО", 1): (UNMARKED, director, NOW),
        ("Математика", 2): (PASS_FAIL, director, SAVED_AT), ("Музыка", 2): (PASS_FAIL, director, SAVED_AT),
        ("ИЗО", 2): (PASS_FAIL, director, SAVED_AT),
    }
    page = client.get(url).get_data(as_text=True)
    assert "Сохранено. Изменено клеток: 5." in page
    # The journal follows at once: Математика of 7А refuses marks in the first quarter now.
    grid = client.get(f"/journal/{aw.maths.id}/?period={q1}").get_data(as_text=True)
    assert "изучается без отметок" in grid


def test_a_refused_save_changes_nothing_and_says_why(aw, as_user, session):
    client = as_user("director")
    url = f"/journal/assessment/{aw.w.class_a.id}/"
    before = settings(session, aw.w.class_a)
    q1 = aw.quarters[0].id
    refused = post(client, url, {f"mode-{aw.maths.subject_id}-{q1}": "unmarked",
                                 f"mode-{aw.music.subject_id}-{q1}": "оценки"})
    assert refused.status_code == 400
    assert "Неизвестный способ оценивания: «оценки». Выберите из списка." in refused.get_data(as_text=True)
    other_class = post(client, url, {f"mode-{aw.first_maths.subject_id}-{q1}": "marks",
                                     f"mode-999999-{q1}": "marks"})
    assert other_class.status_code == 400
    assert "не относится к классу 7А" in other_class.get_data(as_text=True)
    unreadable = post(client, url, {f"mode-{aw.maths.subject_id}-x": MARKS})
    assert unreadable.status_code == 400
    assert settings(session, aw.w.class_a) == before


def test_another_schools_director_gets_404_and_changes_nothing(aw, as_user, session):
    client = as_user("director_b")
    url = f"/journal/assessment/{aw.w.class_a.id}/"
    assert client.get(url).status_code == 404
    before = settings(session, aw.w.class_a)
    response = post(client, url, {f"mode-{aw.maths.subject_id}-{aw.quarters[0].id}": "unmarked"})
    assert response.status_code == 404
    assert settings(session, aw.w.class_a) == before
    listed = client.get("/journal/assessment/").get_data(as_text=True)  # СОШ № 3 has a 7А of its own
    assert f"/journal/assessment/{aw.w.class_b.id}/" in listed and url not in listed
    assert client.get(f"/journal/assessment/{aw.w.class_b.id}/").status_code == 200


@pytest.mark.parametrize("username", ["teacher", "secretary", "parent", "municipal"])
def test_only_the_administration_has_the_page(aw, as_user, username):
    client = as_user(username)
    assert client.get("/journal/assessment/").status_code == 403
    assert client.get(f"/journal/assessment/{aw.w.class_a.id}/").status_code == 403


def shown_fields(page: str) -> dict[str, str]:
    """The hidden «shown-…» fields of a matrix page: the mode each cell showed."""
    return dict(re.findall(r'name="(shown-\d+-\d+)" value="([a-z_]*)"', page))


def test_a_cell_changed_by_someone_else_refuses_the_save(aw, as_user, session, app):
    client = as_user("director")
    url = f"/journal/assessment/{aw.w.class_a.id}/"
    q1, q2 = aw.quarters[0].id, aw.quarters[1].id
    shown = shown_fields(client.get(url).get_data(as_text=True))
    assert shown[f"shown-{aw.music.subject_id}-{q1}"] == PASS_FAIL and shown[f"shown-{aw.maths.subject_id}-{q1}"] == ""
    # Meanwhile another user of the school sets Математика of the first quarter «зачёт/незачёт».
    session.add(SubjectAssessment(class_group_id=aw.w.class_a.id, subject_id=aw.maths.subject_id,
                                  study_period_id=q1, mode=PASS_FAIL))
    session.commit()
    before = settings(session, aw.w.class_a)
    refused = post(client, url, {**shown, f"mode-{aw.maths.subject_id}-{q1}": "unmarked",
                                 f"mode-{aw.music.subject_id}-{q2}": "unmarked"})
    assert refused.status_code == 400
    assert "Настройку класса 7А уже изменил другой пользователь: ничего не сохранено." in refused.get_data(as_text=True)
    assert settings(session, aw.w.class_a) == before
    # A cell left as the page showed it keeps the other user's choice; the others are written.
    saved = post(client, url, {**shown, f"mode-{aw.maths.subject_id}-{q1}": "",
                               f"mode-{aw.music.subject_id}-{q2}": "unmarked"})
    assert saved.status_code == 302
    after = settings(session, aw.w.class_a)
    assert after[("Математика", 1)][0] == PASS_FAIL and after[("Музыка", 2)][0] == UNMARKED
