"""Saving marks, absences, topics and period marks through the web layer: refusals, audit, locks."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.models import Absence, Homework, HomeworkFile, JournalChange, Lesson, Mark, PeriodMark, StudyPeriod
from tests.conftest import csrf_token
from tests.journal_helpers import build_journal_world, cell_post, post_form, post_json

STALE = "Отметку уже изменил другой пользователь, клетка обновлена"
EMPTY = {"marks": {}, "absence": None}
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def jw(app, session):
    return build_journal_world(session, app.appbuilder.sm)


@pytest.fixture
def teacher(as_user, jw):
    client = as_user("teacher")
    client.token = csrf_token(client, f"/journal/{jw.assignment.id}/")
    return client


@pytest.fixture
def director(as_user, jw):
    client = as_user("director")
    client.token = csrf_token(client, f"/journal/{jw.assignment.id}/")
    return client


def marks_of(session, lesson, pupil):
    session.expire_all()
    return [(m.position, m.value) for m in session.scalars(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.pupil_id == pupil.id).order_by(Mark.position))]


def row_counts(session):
    """How many marks, absences, period marks, homework, its files and change-log rows the database holds."""
    session.expire_all()
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Mark, Absence, PeriodMark, Homework, HomeworkFile, JournalChange)}


def post_to(client, token, url, body):
    """The journal's writes are JSON, but for a task with its files (multipart)."""
    return (post_form if url == HOMEWORK_URL else post_json)(client, token, url, body)


HOMEWORK_URL = "/journal/api/homework"


def column_known(jw, **cells):
    """The versions a grid page shows in a lesson's column: every pupil empty unless given."""
    known = {str(pupil.id): EMPTY for pupil in jw.pupils}
    known.update({str(pupil_id): seen for pupil_id, seen in cells.items()})
    return known


def changes(session, **where):
    session.expire_all()
    return list(session.scalars(select(JournalChange).filter_by(**where).order_by(JournalChange.id)))


def test_teacher_saves_two_marks_in_one_cell_and_history_records_it(session, jw, teacher):
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    reply = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "3/5")
    assert reply.status_code == 200
    assert reply.get_json()["cell"]["text"] == "3/5"
    assert marks_of(session, lesson, pupil) == [(0, 3), (1, 5)]
    rows = changes(session, lesson_id=lesson.id, pupil_id=pupil.id)
    assert [(r.entity, r.action, r.new_value) for r in rows] == [("mark", "create", "3 (отв)"), ("mark", "create", "5 (отв)")]
    assert rows[0].user_name.endswith("(teacher)") and rows[0].ip_address == "127.0.0.1"


def test_absence_code_is_saved_and_replaces_marks_only_when_typed(session, jw, teacher):
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    assert cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "н").status_code == 200
    session.expire_all()
    assert session.scalar(select(Absence.code).where(Absence.lesson_id == lesson.id, Absence.pupil_id == pupil.id)) == "н"


@pytest.mark.parametrize("text", ["7", "1", "ы", "5/5/5/5/5/5", "н б"])
def test_invalid_input_is_refused_in_russian_and_changes_nothing(session, jw, teacher, text):
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    reply = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, text)
    assert reply.status_code == 400
    assert any("а" <= ch <= "я" for ch in reply.get_json()["error"].lower())
    assert marks_of(session, lesson, pupil) == []
    assert changes(session, lesson_id=lesson.id) == []


def test_mark_for_pupil_of_another_class_is_refused(session, jw, teacher):
    reply = cell_post(teacher, teacher.token, jw.lessons[1], jw.w.pupil_a_other, jw.assignment, "5")
    assert reply.status_code == 400
    assert "не числится в классе" in reply.get_json()["error"]
    assert marks_of(session, jw.lessons[1], jw.w.pupil_a_other) == []


def test_mark_on_another_teachers_lesson_answers_404(session, jw, teacher):
    reply = cell_post(teacher, teacher.token, jw.w.lesson_a_other, jw.w.pupil_a_other, jw.assignment, "5")
    assert reply.status_code == 404
    assert marks_of(session, jw.w.lesson_a_other, jw.w.pupil_a_other) == [(0, 4)]


def test_mark_on_a_future_lesson_is_refused(session, jw, teacher):
    from tests.factories import make_lesson
    future = make_lesson(session, jw.assignment, dt.date.today() + dt.timedelta(days=3))
    session.commit()
    reply = cell_post(teacher, teacher.token, future, jw.pupils[1], jw.assignment, "5")
    assert reply.status_code == 400 and "ещё не прошёл" in reply.get_json()["error"]


def test_stale_version_is_refused_and_the_cell_shows_current_value(session, jw, teacher):
    lesson, pupil = jw.lessons[0], jw.w.pupil_a   # holds a 5 (version 1) from build_world
    first = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "4", {"marks": {"0": 1}, "absence": None})
    assert first.status_code == 200
    second = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "3", {"marks": {"0": 1}, "absence": None})
    assert second.status_code == 409
    body = second.get_json()
    assert body["error"] == "Отметку уже изменил другой пользователь, клетка обновлена"
    assert body["cell"]["text"] == "4" and body["cell"]["known"] == {"marks": {"0": 2}, "absence": None}
    assert marks_of(session, lesson, pupil) == [(0, 4)]
    # A save into a cell the client believed empty is stale too (someone filled it meanwhile).
    third = cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "2")
    assert third.status_code == 409
    assert marks_of(session, lesson, pupil) == [(0, 4)]


def test_delete_keeps_history_after_the_mark_is_gone(session, jw, teacher, as_user):
    lesson, pupil = jw.lessons[0], jw.w.pupil_a
    assert cell_post(teacher, teacher.token, lesson, pupil, jw.assignment, "", {"marks": {"0": 1}, "absence": None}).status_code == 200
    assert marks_of(session, lesson, pupil) == []
    director = as_user("director")
    reply = director.get(f"/journal/api/history?lesson={lesson.id}&pupil={pupil.id}", headers={"Accept": "application/json"})
    assert reply.status_code == 200
    history = reply.get_json()["history"]
    assert [(h["action"], h["old"], h["who"]) for h in history] == [("удалено", "5 (отв)", "Тестов Teacher (teacher)")]


def test_teacher_cannot_read_cell_history(jw, teacher):
    reply = teacher.get(f"/journal/api/history?lesson={jw.lessons[0].id}&pupil={jw.w.pupil_a.id}",
                        headers={"Accept": "application/json"})
    assert reply.status_code in (401, 403, 404)


def lock_first_quarter(session, jw):
    period = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == jw.w.school_a.id, StudyPeriod.number == 1))
    return period


def test_locked_period_refuses_teacher_and_takes_director_correction_with_reason(session, jw, teacher, as_user):
    director = as_user("director")
    token = csrf_token(director, "/journal/periods/")
    period = lock_first_quarter(session, jw)
    page = director.post(f"/journal/periods/{period.id}/lock", data={"action": "lock", "csrf_token": token},
                         follow_redirects=True).get_data(as_text=True)
    assert "закрыт" in page
    session.expire_all()
    assert session.get(StudyPeriod, period.id).is_locked
    # a grid of the school was opened before the lock (the teacher fixture): the kept calendar must not hide it
    grid_page = director.get(f"/journal/{jw.assignment.id}/?period={period.id}").get_data(as_text=True)
    assert "Период закрыт. Исправление возможно только с указанием причины." in grid_page
    assert f"{period.name} 🔒" in grid_page

    teacher = as_user("teacher")
    token = csrf_token(teacher, f"/journal/{jw.assignment.id}/")
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    reply = cell_post(teacher, token, lesson, pupil, jw.assignment, "5")
    assert reply.status_code == 400 and "закрыт администрацией" in reply.get_json()["error"]
    topic = post_json(teacher, token, "/journal/api/lesson", {"lesson_id": lesson.id, "version": 1, "topic": "Дроби"})
    assert topic.status_code == 400
    assert marks_of(session, lesson, pupil) == []

    director = as_user("director")
    token = csrf_token(director, f"/journal/{jw.assignment.id}/")
    refused = cell_post(director, token, lesson, pupil, jw.assignment, "5")
    assert refused.status_code == 400 and "укажите причину" in refused.get_json()["error"]
    done = cell_post(director, token, lesson, pupil, jw.assignment, "5", reason="Ошибка учителя, служебная записка № 3")
    assert done.status_code == 200
    assert marks_of(session, lesson, pupil) == [(0, 5)]
    [row] = changes(session, lesson_id=lesson.id, pupil_id=pupil.id)
    assert row.reason == "Ошибка учителя, служебная записка № 3" and row.user_name.endswith("(director)")


def test_locking_a_locked_period_keeps_the_first_lock(session, jw, as_user):
    director = as_user("director")
    token = csrf_token(director, "/journal/periods/")
    period = lock_first_quarter(session, jw)
    lock = {"action": "lock", "csrf_token": token}
    director.post(f"/journal/periods/{period.id}/lock", data=lock)
    session.expire_all()
    first = session.get(StudyPeriod, period.id).locked_at
    assert first is not None
    # A second tab of the periods page, read while the quarter was open, locks it again.
    director.post(f"/journal/periods/{period.id}/lock", data=lock)
    session.expire_all()
    assert session.get(StudyPeriod, period.id).locked_at == first


def test_teacher_cannot_lock_periods(session, jw, teacher):
    period = lock_first_quarter(session, jw)
    reply = teacher.post(f"/journal/periods/{period.id}/lock", data={"action": "lock", "csrf_token": teacher.token})
    assert reply.status_code in (302, 403, 404)
    session.expire_all()
    assert not session.get(StudyPeriod, period.id).is_locked


def test_topic_saved_with_version_and_audited(session, jw, teacher):
    lesson = jw.lessons[1]
    body = {"lesson_id": lesson.id, "version": 1, "topic": "Обыкновенные дроби"}
    reply = post_json(teacher, teacher.token, "/journal/api/lesson", body)
    assert reply.status_code == 200 and reply.get_json()["lesson"]["version"] == 2
    session.expire_all()
    assert session.get(Lesson, lesson.id).topic == "Обыкновенные дроби"
    assert [(c.entity, c.action) for c in changes(session, lesson_id=lesson.id)] == [("topic", "create")]
    stale = post_json(teacher, teacher.token, "/journal/api/lesson", dict(body, topic="Другое"))
    assert stale.status_code == 409 and stale.get_json()["lesson"]["topic"] == "Обыкновенные дроби"


def test_period_mark_confirmed_changed_and_refused_outside_scale(session, jw, teacher):
    period = lock_first_quarter(session, jw)
    body = {"assignment_id": jw.assignment.id, "pupil_id": jw.w.pupil_a.id, "period_id": period.id, "value": "5", "version": None}
    reply = post_json(teacher, teacher.token, "/journal/api/period-mark", body)
    assert reply.status_code == 200 and reply.get_json() == {"value": "5", "version": 1}
    assert post_json(teacher, teacher.token, "/journal/api/period-mark", dict(body, value="6", version=1)).status_code == 400
    assert post_json(teacher, teacher.token, "/journal/api/period-mark", dict(body, value="4")).status_code == 409
    assert post_json(teacher, teacher.token, "/journal/api/period-mark", dict(body, value="4", version=1)).status_code == 200
    year = post_json(teacher, teacher.token, "/journal/api/period-mark", dict(body, period_id=None, value="4", version=None))
    assert year.status_code == 200
    session.expire_all()
    values = sorted((pm.study_period_id is None, pm.value) for pm in session.scalars(select(PeriodMark)))
    assert values == [(False, "4"), (True, "4")]
    assert [c.action for c in changes(session, entity="period_mark")] == ["create", "update", "create"]


def test_fill_down_fills_only_empty_cells_with_history_per_row(session, jw, teacher):
    lesson = jw.lessons[1]
    cell_post(teacher, teacher.token, lesson, jw.pupils[1], jw.assignment, "н")
    shown = column_known(jw, **{str(jw.pupils[1].id): {"marks": {}, "absence": 1}})
    reply = post_json(teacher, teacher.token, "/journal/api/fill",
                      {"lesson_id": lesson.id, "text": "4", "mark_type_id": jw.types["к/р"].id, "known": shown})
    assert reply.status_code == 200 and reply.get_json() == {"filled": 2}
    assert marks_of(session, lesson, jw.pupils[0]) == [(0, 4)]
    assert marks_of(session, lesson, jw.pupils[1]) == []
    assert marks_of(session, lesson, jw.pupils[2]) == [(0, 4)]
    created = changes(session, lesson_id=lesson.id, entity="mark")
    assert sorted(c.pupil_id for c in created) == sorted([jw.pupils[0].id, jw.pupils[2].id])
    assert all(c.new_value == "4 (к/р)" for c in created)


def test_absentees_only_marks_the_absent_and_clears_the_rest(session, jw, teacher):
    lesson = jw.lessons[2]
    cell_post(teacher, teacher.token, lesson, jw.pupils[0], jw.assignment, "б")
    shown = column_known(jw, **{str(jw.pupils[0].id): {"marks": {}, "absence": 1}})
    reply = post_json(teacher, teacher.token, "/journal/api/absentees",
                      {"lesson_id": lesson.id, "absent": {str(jw.pupils[1].id): "н", str(jw.pupils[2].id): "оп"},
                       "known": shown})
    assert reply.status_code == 200 and reply.get_json() == {"changed": 3}
    session.expire_all()
    got = dict(session.execute(select(Absence.pupil_id, Absence.code).where(Absence.lesson_id == lesson.id)).all())
    assert got == {jw.pupils[1].id: "н", jw.pupils[2].id: "оп"}
    assert [(c.pupil_id, c.action) for c in changes(session, lesson_id=lesson.id, entity="absence")][1:] == [
        (jw.pupils[0].id, "delete"), (jw.pupils[1].id, "create"), (jw.pupils[2].id, "create")]


def test_absentees_refuses_a_pupil_of_another_class(session, jw, teacher):
    reply = post_json(teacher, teacher.token, "/journal/api/absentees",
                      {"lesson_id": jw.lessons[2].id, "absent": {str(jw.w.pupil_b.id): "н"}})
    assert reply.status_code == 400
    assert changes(session, lesson_id=jw.lessons[2].id) == []


def test_save_without_csrf_token_is_refused(session, jw, teacher):
    reply = cell_post(teacher, "wrong", jw.lessons[1], jw.pupils[1], jw.assignment, "5")
    assert reply.status_code == 400
    assert marks_of(session, jw.lessons[1], jw.pupils[1]) == []


def test_absentees_refuse_an_absence_recorded_after_the_page_was_read(session, jw, teacher, director):
    lesson = jw.lessons[2]
    shown = column_known(jw)                       # the teacher's grid: the whole column empty
    recorded = cell_post(director, director.token, lesson, jw.pupils[0], jw.assignment, "б", reason="Справка")
    assert recorded.status_code == 200
    before = row_counts(session)
    reply = post_json(teacher, teacher.token, "/journal/api/absentees",
                      {"lesson_id": lesson.id, "absent": {str(jw.pupils[1].id): "н"}, "known": shown})
    assert reply.status_code == 409
    body = reply.get_json()
    assert body["error"] == STALE
    assert body["cells"][str(jw.pupils[0].id)]["text"] == "б"
    assert body["cells"][str(jw.pupils[0].id)]["known"] == {"marks": {}, "absence": 1}
    assert body["cells"][str(jw.pupils[1].id)]["text"] == ""
    assert row_counts(session) == before
    session.expire_all()
    assert dict(session.execute(select(Absence.pupil_id, Absence.code).where(Absence.lesson_id == lesson.id)).all()) == {
        jw.pupils[0].id: "б"}


def test_fill_refuses_a_column_changed_after_the_page_was_read(session, jw, teacher, director):
    lesson, pupil = jw.lessons[0], jw.w.pupil_a     # the page shows pupil_a's 5 (version 1)
    shown = column_known(jw, **{str(pupil.id): {"marks": {"0": 1}, "absence": None}})
    cleared = cell_post(director, director.token, lesson, pupil, jw.assignment, "", {"marks": {"0": 1}, "absence": None},
                        reason="Ошибка")
    assert cleared.status_code == 200
    before = row_counts(session)
    reply = post_json(teacher, teacher.token, "/journal/api/fill", {"lesson_id": lesson.id, "text": "н", "known": shown})
    assert reply.status_code == 409
    assert reply.get_json()["error"] == STALE
    assert reply.get_json()["cells"][str(pupil.id)]["text"] == ""
    assert row_counts(session) == before
    assert marks_of(session, lesson, pupil) == []


def stale_requests(jw):
    """Per journal write endpoint, a request from a page read before the data changed: the
    versions it carries are older than the rows' (build_world's 5 of pupil_a on lessons[0] has
    version 1, the lesson version 1, no period mark exists)."""
    lesson, pupil = jw.lessons[0], jw.w.pupil_a
    return {
        "JournalView.save_cell": ("/journal/api/cell", {
            "lesson_id": lesson.id, "pupil_id": pupil.id, "assignment_id": jw.assignment.id, "period_id": None,
            "text": "3", "known": EMPTY}),
        "JournalView.save_lesson": ("/journal/api/lesson", {
            "lesson_id": lesson.id, "version": 0, "topic": "Дроби"}),
        "JournalView.save_homework": (HOMEWORK_URL, {
            "lesson_id": str(lesson.id), "audience": "class", "text": "№ 1", "due_on": "", "version": "3"}),
        "JournalView.save_period_mark": ("/journal/api/period-mark", {
            "assignment_id": jw.assignment.id, "pupil_id": pupil.id, "period_id": None, "value": "5", "version": 3}),
        "JournalView.fill_column": ("/journal/api/fill", {
            "lesson_id": lesson.id, "text": "н", "known": column_known(jw)}),
        "JournalView.absentees": ("/journal/api/absentees", {
            "lesson_id": lesson.id, "absent": {str(pupil.id): "н"}, "known": column_known(jw)}),
    }


VERSIONED = ("JournalView.save_cell", "JournalView.save_lesson", "JournalView.save_homework",
             "JournalView.save_period_mark", "JournalView.fill_column", "JournalView.absentees")
# POST routes of the journal that carry no version, and why none is needed.
UNVERSIONED = {
    "PeriodLockView.lock_period": "posts the state asked for; locking a locked period keeps the first lock",
    "AssessmentView.matrix": "posts with each cell the mode the page showed; a cell changed since refuses the save "
                             "(tests/web/test_assessment_settings.py)",
}


def test_every_journal_write_endpoint_is_checked_for_stale_versions(app, jw):
    posted = {rule.endpoint for rule in app.url_map.iter_rules()
              if "POST" in rule.methods and rule.rule.startswith("/journal/")}
    assert set(stale_requests(jw)) == set(VERSIONED)
    assert posted == set(VERSIONED) | set(UNVERSIONED), "a journal write endpoint without a stale-version test"


@pytest.mark.parametrize("endpoint", VERSIONED)
def test_journal_write_endpoint_refuses_a_stale_version_and_writes_nothing(session, jw, teacher, endpoint):
    url, body = stale_requests(jw)[endpoint]
    before = row_counts(session)
    reply = post_to(teacher, teacher.token, url, body)
    assert reply.status_code == 409
    assert reply.get_json()["code"] == "stale"
    assert row_counts(session) == before
    session.expire_all()
    assert session.get(Lesson, jw.lessons[0].id).topic is None
    assert marks_of(session, jw.lessons[0], jw.w.pupil_a) == [(0, 5)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("user", ["teacher", "director"])
def test_mark_posted_with_a_foreign_assignment_is_refused_and_not_written(session, jw, as_user, engine, user):
    client = as_user(user)
    token = csrf_token(client, f"/journal/{jw.assignment.id}/")
    before = row_counts(session)
    # The teacher cannot open 7Б's journal; the director can, but the lesson is not one of it.
    reply = cell_post(client, token, jw.lessons[1], jw.pupils[1], jw.foreign_assignment, "5")
    assert reply.status_code == 404
    assert row_counts(session) == before
    assert marks_of(session, jw.lessons[1], jw.pupils[1]) == []


# Per journal write endpoint, a request refused for what it names (another teacher's lesson or
# journal, a pupil of another class): each is checked before anything is written.
REFUSED = {
    "lesson text of another teacher's lesson": lambda jw: ("/journal/api/lesson", {
        "lesson_id": jw.w.lesson_a_other.id, "version": 1, "topic": "Дроби"}),
    "homework on another teacher's lesson": lambda jw: (HOMEWORK_URL, {
        "lesson_id": str(jw.w.lesson_a_other.id), "audience": "class", "text": "№ 1", "version": ""}),
    "period mark in another teacher's journal": lambda jw: ("/journal/api/period-mark", {
        "assignment_id": jw.foreign_assignment.id, "pupil_id": jw.w.pupil_a_other.id, "period_id": None,
        "value": "5", "version": None}),
    "period mark of a pupil of another class": lambda jw: ("/journal/api/period-mark", {
        "assignment_id": jw.assignment.id, "pupil_id": jw.w.pupil_a_other.id, "period_id": None,
        "value": "5", "version": None}),
    "fill of another teacher's lesson": lambda jw: ("/journal/api/fill", {
        "lesson_id": jw.w.lesson_a_other.id, "text": "5", "known": {}}),
    "absentees of another teacher's lesson": lambda jw: ("/journal/api/absentees", {
        "lesson_id": jw.w.lesson_a_other.id, "absent": {}, "known": {str(jw.w.pupil_a_other.id): EMPTY}}),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_journal_write_writes_nothing(session, jw, teacher, case):
    url, body = REFUSED[case](jw)
    before = row_counts(session)
    reply = post_to(teacher, teacher.token, url, body)
    assert reply.status_code in (400, 404)
    assert row_counts(session) == before
    session.expire_all()
    assert session.get(Lesson, jw.w.lesson_a_other.id).topic is None
