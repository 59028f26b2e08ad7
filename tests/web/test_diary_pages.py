"""The «Дневник» pages and API as parents and pupils use them: content, isolation, states, cost."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, func, select
from sqlalchemy import text as sql_text

from app.models import DiaryVisit, Homework, Mark
from tests.diary_helpers import MONDAY, add_holiday, build_diary_week, day, other_family, sign_in
from tests.factories import make_catalogues, make_lesson, make_mark


def week_url(pupil, date=MONDAY):
    return f"/diary/{pupil.id}/?date={date.isoformat()}"


@pytest.fixture
def diary(session, world):
    return build_diary_week(session, world)


def text(response):
    return response.get_data(as_text=True)


def test_parent_sees_the_week_as_the_journal_recorded_it(client, world, diary):
    page = text(sign_in(client, "parent").get(week_url(world.pupil_a)))
    for expected in (
        "Алексеева Мария", "7А класс", "17 сентября — 22 сентября 2012", "1 четверть",
        "Понедельник, 17 сентября", "08:30–09:15", "Математика", "Иванова А.П.", "каб. 21",
        "Сложение дробей", "№ 15, 16 на с. 40", "Контрольная работа ×2", "Ответ на уроке",
        "Причастный оборот", "Упр. 112", "замена", "(вместо Петрова А.П.)", "урок отменён",
        "Английский язык", "Смирнова А.П.", "болел",
    ):
        assert expected in page, expected
    assert "Одноклассникова" not in page
    # Both children in the switcher, each a link to the child's own diary.
    assert f'href="/diary/{world.sibling_a.id}/"' in page and f'href="/diary/{world.pupil_a.id}/"' in page
    assert "<script>" not in page  # nothing inline: CSP allows nonce'd scripts only


def test_parent_switches_to_the_second_child(client, world, diary):
    page = text(sign_in(client, "parent").get(f"/diary/{world.sibling_a.id}/?date=2012-09-17"))
    assert "Алексеев Мария" in page and "8Б класс" in page
    assert "Сложение дробей" not in page
    assert "Расписание класса 8Б на эту неделю ещё не составлено" in page


def test_diary_opens_on_the_first_child_and_last_recorded_week(client, world, diary):
    page = text(sign_in(client, "pupil").get("/diary/"))
    # The test database holds 2012: the diary opens on the last day with a recorded topic.
    assert "Алексеева Мария" in page and "Вычитание дробей" in page


@pytest.mark.parametrize("username", ["parent", "pupil"])
def test_another_familys_child_answers_404_in_pages_and_api(client, session, world, diary, username):
    sign_in(client, username)
    strangers = [world.pupil_a_other.id, world.pupil_b.id, 999999]
    if username == "pupil":
        strangers.append(world.sibling_a.id)  # a pupil sees only their own diary, not a sibling's
    for pupil_id in strangers:
        for url in (f"/diary/{pupil_id}/", f"/diary/{pupil_id}/?date=2012-09-17", f"/diary/{pupil_id}/progress/",
                    f"/api/v1/diary/{pupil_id}/week", f"/api/v1/diary/{pupil_id}/progress"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Борисов" not in text(response) and "Васильев" not in text(response)
    assert session.scalar(select(DiaryVisit.pupil_id).where(DiaryVisit.pupil_id.in_(strangers))) is None


def test_second_family_sees_only_its_own_child(client, app, session, world, diary):
    other_family(session, app.appbuilder.sm, world)
    sign_in(client, "parent2")
    assert client.get(week_url(world.pupil_a)).status_code == 404
    page = text(client.get("/diary/"))
    assert "Борисов Мария" in page and "Алексеева" not in page
    children = client.get("/api/v1/diary/children").get_json()["result"]
    assert [c["id"] for c in children] == [world.pupil_a_other.id]


def test_staff_without_diary_rights_cannot_open_it(client, world, diary):
    sign_in(client, "teacher")
    response = client.get(week_url(world.pupil_a))
    assert response.status_code in (302, 403)
    assert "Сложение дробей" not in text(client.get(week_url(world.pupil_a), follow_redirects=True))
    assert client.get(f"/api/v1/diary/{world.pupil_a.id}/week").status_code in (401, 403)


def test_api_week_and_progress_match_the_page(client, world, diary):
    sign_in(client, "parent")
    kids = client.get("/api/v1/diary/children").get_json()["result"]
    assert {k["id"] for k in kids} == {world.pupil_a.id, world.sibling_a.id}
    week = client.get(f"/api/v1/diary/{world.pupil_a.id}/week?date=2012-09-19").get_json()["result"]
    assert week["monday"] == "2012-09-17" and week["state"] == "ok"
    mon1 = week["days"][0]["lessons"][0]
    assert mon1["topic"] == "Сложение дробей" and mon1["starts_at"] == "08:30"
    assert [(m["value"], m["work_type"], m["weight"]) for m in mon1["marks"]] == [
        (5, "Контрольная работа", "2.0"), (4, "Ответ на уроке", "1.0")]
    assert week["days"][0]["lessons"][1]["replaces"] == "Петрова А.П."
    assert week["days"][2]["lessons"][0]["cancelled"] is True
    bad = client.get(f"/api/v1/diary/{world.pupil_a.id}/week?date=вчера")
    assert bad.status_code == 400 and "Дата не распознана" in bad.get_json()["message"]
    progress = client.get(f"/api/v1/diary/{world.pupil_a.id}/progress?period=year").get_json()["result"]
    maths = next(s for s in progress["subjects"] if s["subject"] == "Математика")
    assert maths["average"] == "4.75" and progress["chosen"] == "year"


def test_progress_page_shows_marks_average_and_attendance(client, world, diary):
    page = text(sign_in(client, "parent").get(f"/diary/{world.pupil_a.id}/progress/?period=year"))
    for expected in ("Успеваемость", "Математика", "Средний балл", "4,75", "к/р ×2", "10.09", "17.09",
                     "Посещаемость", "болел", "Пропущено уроков: 1, из них по уважительной причине: 1.",
                     "1 четверть", "Учебный год"):
        assert expected in page, expected


def test_progress_marks_are_written_with_their_work_type_weight_and_date(client, session, world, diary):
    from app.models import MarkType

    session.scalar(select(MarkType).where(MarkType.short_name == "к/р")).name = "Контрольная <б>"
    session.commit()
    page = text(sign_in(client, "parent").get(f"/diary/{world.pupil_a.id}/progress/?period=year"))
    assert ('<li class="diary-mark mark-5" title="Контрольная &lt;б&gt;, вес 2">'
            '<span class="diary-mark-value">5</span> <span class="diary-mark-type">17.09 · к/р ×2</span></li>') in page
    assert ('<li class="diary-mark mark-4" title="Ответ на уроке, вес 1"><span class="diary-mark-value">4</span> '
            '<span class="diary-mark-type">17.09 · отв</span></li>') in page


def test_menu_progress_entry_opens_the_first_childs_progress(client, world, diary):
    response = sign_in(client, "pupil").get("/diary/progress/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/diary/{world.pupil_a.id}/progress/")


def test_each_family_page_view_counts_one_visit(client, session, world, diary):
    sign_in(client, "parent")
    client.get(week_url(world.pupil_a))
    client.get(f"/diary/{world.pupil_a.id}/progress/")
    client.get(f"/api/v1/diary/{world.pupil_a.id}/week")
    client.get(f"/diary/{world.sibling_a.id}/")
    rows = dict(session.execute(select(DiaryVisit.pupil_id, DiaryVisit.visits).where(DiaryVisit.day == dt.date.today())).all())
    assert rows == {world.pupil_a.id: 3, world.sibling_a.id: 1}
    # An administrator reading a diary is not a family's visit.
    sign_in(client, "admin")
    assert client.get(week_url(world.pupil_a)).status_code == 200
    session.expire_all()
    assert session.scalar(select(DiaryVisit.visits).where(DiaryVisit.pupil_id == world.pupil_a.id)) == 3


def test_page_costs_the_same_queries_for_a_full_week(app, client, session, world, diary):
    engine = session.get_bind()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    types = make_catalogues(session)
    full_monday = MONDAY + dt.timedelta(days=7)
    for offset in range(6):
        for number in range(1, 7):
            lesson = make_lesson(session, diary.maths, full_monday + dt.timedelta(days=offset), number,
                                 topic=f"Тема {offset}.{number}", homework="§ 1")
            make_mark(session, lesson, world.pupil_a, 4, types["с/р"])
    session.commit()
    small_url, full_url = week_url(world.pupil_a), week_url(world.pupil_a, full_monday)
    sign_in(client, "parent")
    # Warm up: the tests share one session with the app, so the first request reloads the user.
    client.get(small_url)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        small_page = text(client.get(small_url))
        small = len(statements)
        statements.clear()
        full_page = text(client.get(full_url))
        full = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert "Сложение дробей" in small_page and full_page.count("Тема ") >= 36
    assert full == small, "a fuller week must not cost more queries"
    # 8 diary queries, 1 visit upsert, 1 children list, 3 to load the scope; the rest is FAB's
    # login and menu permission checks (one per menu entry), the same on every page.
    assert full <= 25


def test_odd_states_are_explained_in_russian(client, session, world, diary):
    add_holiday(session, world.school_a, world.year, "Карантин по гриппу", dt.date(2013, 2, 11), dt.date(2013, 2, 16))
    sign_in(client, "parent")
    holiday = text(client.get(week_url(world.pupil_a, dt.date(2013, 2, 12))))
    assert "Каникулы: Карантин по гриппу. Уроков на этой неделе нет." in holiday
    outside = text(client.get(week_url(world.pupil_a, dt.date(2012, 10, 31))))
    assert "Эта неделя вне учебных периодов школы" in outside
    bad = client.get(f"/diary/{world.pupil_a.id}/?date=31.02.2012")
    assert bad.status_code == 200 and "Дата «31.02.2012» не распознана" in text(bad)
    world.pupil_a.class_group_id = None
    session.commit()
    no_class = text(client.get(f"/diary/{world.pupil_a.id}/"))
    assert "Ученик пока не зачислен ни в один класс" in no_class
    assert "Ученик пока не зачислен ни в один класс" in text(client.get(f"/diary/{world.pupil_a.id}/progress/"))


def test_week_navigation_links(client, world, diary):
    page = text(sign_in(client, "parent").get(week_url(world.pupil_a, day(3))))
    assert f"/diary/{world.pupil_a.id}/?date=2012-09-10" in page
    assert f"/diary/{world.pupil_a.id}/?date=2012-09-24" in page
    assert 'name="date" value="17.09.2012"' in page


def test_api_with_a_jwt_keeps_the_same_isolation(client, world, diary):
    from tests.security_helpers import api_token

    parent = {"Authorization": f"Bearer {api_token(client, 'parent')}"}
    assert client.get(f"/api/v1/diary/{world.pupil_a.id}/week?date=2012-09-17", headers=parent).status_code == 200
    for pupil_id in (world.pupil_a_other.id, world.pupil_b.id):
        for what in ("week", "progress"):
            assert client.get(f"/api/v1/diary/{pupil_id}/{what}", headers=parent).status_code == 404
    kids = client.get("/api/v1/diary/children", headers=parent).get_json()["result"]
    assert {k["id"] for k in kids} == {world.pupil_a.id, world.sibling_a.id}
    teacher = {"Authorization": f"Bearer {api_token(client, 'teacher')}"}
    assert client.get(f"/api/v1/diary/{world.pupil_a.id}/week", headers=teacher).status_code == 403
    assert client.get("/api/v1/diary/children").status_code == 401


@pytest.mark.pg
def test_week_progress_and_visits_on_postgresql(client, session, world, diary):
    sign_in(client, "parent")
    page = text(client.get(week_url(world.pupil_a)))
    for expected in ("Сложение дробей", "Упр. 112", "(вместо Петрова А.П.)", "урок отменён", "болел"):
        assert expected in page, expected
    assert client.get(week_url(world.pupil_a_other)).status_code == 404
    progress = client.get(f"/api/v1/diary/{world.pupil_a.id}/progress?period=year").get_json()["result"]
    assert next(s for s in progress["subjects"] if s["subject"] == "Математика")["average"] == "4.75"
    session.expire_all()
    assert session.scalar(select(DiaryVisit.visits).where(DiaryVisit.pupil_id == world.pupil_a.id)) == 2


def test_teachers_text_is_shown_as_text_and_the_marks_title_carries_the_comment(client, session, world, diary):
    lesson = diary.lessons["mon1"]
    lesson.topic = 'Дроби <b>"сложные"</b> & смешанные'
    session.scalar(select(Homework).where(Homework.lesson_id == lesson.id)).text = "<script>alert(1)</script>"
    mark = session.scalar(select(Mark).where(Mark.lesson_id == lesson.id, Mark.pupil_id == world.pupil_a.id,
                                             Mark.position == 1))
    mark.comment = "не решена <задача 3>"
    session.commit()
    page = text(sign_in(client, "parent").get(week_url(world.pupil_a, lesson.date)))
    assert "Дроби &lt;b&gt;&#34;сложные&#34;&lt;/b&gt; &amp; смешанные" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert re.search(r'class="diary-mark mark-\d" title="[^"<>]*, вес \d[^"<>]*: не решена &lt;задача 3&gt;"', page)


def test_a_visit_that_cannot_be_counted_still_serves_the_pages(client, session, world, diary, caplog):
    session.execute(sql_text("DROP TABLE diary_visit"))
    session.commit()
    sign_in(client, "parent")
    for _ in range(2):  # and the request after a failed write is served as well
        week = client.get(week_url(world.pupil_a))
        assert week.status_code == 200 and "Сложение дробей" in text(week)
        progress = client.get(f"/diary/{world.pupil_a.id}/progress/")
        assert progress.status_code == 200 and "Средний балл" in text(progress)
    assert "1 diary visits not counted" in caplog.text


def test_translated_sentences_escape_what_they_are_given_and_dates_read_in_russian(client, session, world, diary):
    """The templates' gettext is bound to the request's catalogue once per page and the week's
    dates are formatted once per process: the sentences still escape their variables, and the
    headings are the Russian day and month names."""
    add_holiday(session, world.school_a, world.year, "<b>Карантин</b> & грипп", dt.date(2013, 2, 11), dt.date(2013, 2, 16))
    sign_in(client, "parent")
    holiday = text(client.get(week_url(world.pupil_a, dt.date(2013, 2, 12))))
    assert "Каникулы: &lt;b&gt;Карантин&lt;/b&gt; &amp; грипп. Уроков на этой неделе нет." in holiday
    assert "<b>Карантин" not in holiday
    assert "11 февраля — 16 февраля 2013" in holiday
    week = text(client.get(week_url(world.pupil_a)))
    assert "Понедельник, 17 сентября" in week and "Суббота, 22 сентября" in week
    assert "17 сентября — 22 сентября 2012" in week


def test_visits_wait_in_the_tally_and_are_written_together(database_url, tmp_path):
    """With a delay configured (production: DIARY_VISITS_WRITE_SECONDS), page views are tallied
    and the view that finds the tally due writes all of them; what is left when the process exits
    is written then."""
    from app import create_app
    from app.extensions import db
    from app.web.diary import _write_left_over_visits
    from tests.conftest import login
    from tests.factories import build_world

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DIARY_VISITS_WRITE_SECONDS": 60})
    tally = app.extensions["diary_visits"]
    clock = [1000.0]
    tally._clock = lambda: clock[0]
    with app.app_context():
        world = build_world(db.session, app.appbuilder.sm)
        build_diary_week(db.session, world)
        pupil, sibling = world.pupil_a.id, world.sibling_a.id
        db.session.remove()

        def counted():
            with db.engine.connect() as connection:
                return dict(connection.execute(select(DiaryVisit.pupil_id, func.sum(DiaryVisit.visits))
                                               .group_by(DiaryVisit.pupil_id)).all())

    client = app.test_client()
    login(client, "parent")
    for path in (f"/diary/{pupil}/", f"/diary/{pupil}/progress/", f"/diary/{sibling}/"):
        assert client.get(path).status_code == 200
    with app.app_context():
        assert counted() == {}, "tallied, not written yet"
    clock[0] += 60
    assert client.get(f"/diary/{pupil}/").status_code == 200
    with app.app_context():
        assert counted() == {pupil: 3, sibling: 1}
    assert client.get(f"/diary/{sibling}/").status_code == 200
    _write_left_over_visits(app, tally)  # as at the process's exit
    with app.app_context():
        assert counted() == {pupil: 3, sibling: 2}
        db.session.remove()
        db.engine.dispose()
