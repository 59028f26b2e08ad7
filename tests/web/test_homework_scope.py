"""Who reads homework and downloads its files, in pages and the API: a task is where its lesson is;
a subgroup's or one pupil's task only for them, their families and the school's staff. Out of
scope is 404, the same as a file that does not exist. The world: tests/homework_helpers.py."""
from __future__ import annotations

import pytest

from app.diary import week as W
from app.diary.pupils import visible_pupil
from app.models import Homework, HomeworkFile
from app.security.scope import load_scope, visible
from tests.homework_helpers import GIVEN, NEXT, add_tasks, build_homework_world, pdf
from tests.security_helpers import client_for

ALL = ("class", "group", "pupil")
# What each login may download of the three tasks' files (tests.homework_helpers.add_tasks).
READS = {
    "parent": ALL,             # Алексеева's: her class, her group, her own task
    "pupil": ALL,              # Алексеева herself
    "parent_classmate": ("class",),  # a classmate outside the group
    "parent_8b": (),           # another class of the same school
    "parent_far": (),          # another school, another municipality
    "teacher": ALL,            # the lesson's teacher
    "director": ALL,           # the school's administration
    "director_far": (),        # another school's administration
}
AREA_ROLES = ("ministry", "monitor", "methodist", "municipal")  # read no homework: a task may be one pupil's
DENIED = (*AREA_ROLES, "secretary")  # no page of theirs lists the files: 403


@pytest.fixture
def hw(app, session, world):
    return add_tasks(session, build_homework_world(session, app.appbuilder.sm, world))


def file_url(hw, key) -> str:
    return f"/homework/file/{hw.files[key].id}"


@pytest.mark.parametrize("user", list(READS))
def test_a_homework_file_is_served_in_scope_and_404_outside_it(app, hw, user):
    client = client_for(app, user)
    for key in ALL:
        response = client.get(file_url(hw, key))
        if key in READS[user]:
            assert response.status_code == 200, (user, key)
            assert response.data == pdf(key)
        else:
            assert response.status_code == 404, (user, key)
            assert "Такой страницы нет или у вас нет к ней доступа." in response.get_data(as_text=True)
    assert client.get("/homework/file/999999").status_code == 404


@pytest.mark.parametrize("user", ["parent", "pupil", "parent_classmate", "parent_8b", "parent_far"])
def test_the_diary_api_serves_a_homework_file_in_scope_and_404_outside_it(app, hw, user):
    client = client_for(app, user)
    for key in ALL:
        response = client.get(f"/api/v1/diary/homework-files/{hw.files[key].id}")
        expected = 200 if key in READS[user] else 404
        assert response.status_code == expected, (user, key)
        if expected == 200:
            assert response.data == pdf(key) and response.mimetype == "application/pdf"
    assert client.get("/api/v1/diary/homework-files/999999").status_code == 404


@pytest.mark.parametrize("user", DENIED)
def test_roles_without_homework_pages_are_refused(app, hw, user):
    assert client_for(app, user).get(file_url(hw, "class")).status_code == 403
    assert client_for(app, None).get(file_url(hw, "class")).status_code == 302


def test_the_family_scope_of_homework_rows(session, hw):
    w = hw.w
    names = {task.id: key for key, task in hw.tasks.items()}
    for user, expected in READS.items():
        scope = load_scope(session, w.users[user])
        shown = {names[t.id] for t in session.query(Homework).filter(visible(scope, Homework))}
        files = {names[f.homework_id] for f in session.query(HomeworkFile).filter(visible(scope, HomeworkFile))}
        assert shown == files == set(expected), user
    for user in AREA_ROLES:
        scope = load_scope(session, w.users[user])
        assert session.query(Homework).filter(visible(scope, Homework)).count() == 0, user


def test_each_pupil_s_diary_shows_the_tasks_for_that_pupil_on_the_day_they_are_due(session, hw):
    w = hw.w
    scope = load_scope(session, w.users["admin"])

    def due_thursday(pupil):
        week = W.build_week(session, visible_pupil(session, scope, pupil.id), GIVEN, today=GIVEN)
        thursday = next(day for day in week.days if day.date == NEXT)
        assert all(not lesson.homework for day in week.days if day.date != NEXT for lesson in day.lessons)
        maths = next(lesson for lesson in thursday.lessons if lesson.subject == "Математика")
        return [(task.text, task.individual, [f.name for f in task.files]) for task in maths.homework]

    assert due_thursday(w.pupil_a) == [
        ("№ 15, 16", False, ["Задачи.pdf"]), ("Выучить слова группы", False, ["Слова.pdf"]),
        ("Доклад о дробях", True, ["Доклад.pdf"])]
    assert due_thursday(hw.classmate) == [("№ 15, 16", False, ["Задачи.pdf"])]


def test_the_diary_api_week_carries_the_tasks_and_their_files(app, hw):
    client = client_for(app, "parent_classmate")
    week = client.get(f"/api/v1/diary/{hw.classmate.id}/week?date={GIVEN.isoformat()}").get_json()["result"]
    thursday = next(day for day in week["days"] if day["date"] == NEXT.isoformat())
    [maths] = [lesson for lesson in thursday["lessons"] if lesson["subject"] == "Математика"]
    assert maths["homework"] == [{
        "id": hw.tasks["class"].id, "subject": "Математика", "text": "№ 15, 16", "given_on": GIVEN.isoformat(),
        "individual": False, "files": [{"id": hw.files["class"].id, "name": "Задачи.pdf",
                                        "size_bytes": len(pdf("class"))}]}]
    assert "Доклад о дробях" not in str(week) and "Выучить слова группы" not in str(week)
