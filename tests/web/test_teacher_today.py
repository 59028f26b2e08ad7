"""«Сегодня» as the teacher's start page, «Моя неделя», and the journal opened at a lesson's column:
what the pages show of tests.today_helpers' day, what they refuse (another school's lesson is
404), and what they cost in statements."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Absence, MarkType, StudyPeriod
from tests.factories import make_lesson, make_mark, make_pupil
from tests.statements import FAB, NAVBAR_STATEMENTS, page_statements, recorded_statements
from tests.today_helpers import DAY, build_teacher_day
from tests.web.test_journal_statements import GRID_STATEMENTS

HOME_STATEMENTS = 7  # the day's lessons 1; to do: lessons without a topic 1, periods 1, pupils 1; class: 2;
#                     parents' absence notices of the class led: 1
WEEK_STATEMENTS = 1  # the week's lessons


@pytest.fixture
def t(app, session, world):
    app.config["TODAY"] = DAY
    return build_teacher_day(session, world)


LINK = re.compile(r'href="/journal/(\d+)/\?lesson=(\d+)"')


def lesson_links(page: str) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in LINK.findall(page)}


def section(page: str, css_class: str) -> str:
    match = re.search(rf'<section class="today-block {css_class}".*?</section>', page, re.S)
    assert match, css_class
    return match.group(0)


def test_teacher_lands_on_today_with_the_days_lessons_linked_to_their_columns(t, as_user):
    client = as_user("teacher")
    page = client.get("/").get_data(as_text=True)
    assert "<h1" in page and "Сегодня" in page and "Среда, 24.10.2012" in page
    lessons = section(page, "today-lessons")
    L = t.lessons
    # The cancelled physics lesson has no column to open; Петрова's lesson 4 is not the teacher's.
    assert lesson_links(lessons) == {(t.maths.id, L["maths1"].id), (t.russian.id, L["russian3"].id),
                                     (t.maths.id, L["maths5"].id)}
    assert re.findall(r'<span class="today-num">(\d+)-й урок</span>', lessons) == ["1", "2", "3", "5"]
    assert "08:30–09:15" in lessons and "каб. 21" in lessons
    assert "Урок отменён" in lessons and "(экскурсия)" in lessons
    assert "Замена: вместо Петрова А.П." in lessons and "(болезнь учителя)" in lessons
    assert "Замена: ведёт Петрова А.П." in lessons
    assert "Тема записана" in lessons and "Отметок: 2, пропусков: 1" in lessons
    assert "Тема не записана" in lessons and "Отметки и пропуски не внесены" in lessons
    assert 'href="/journal/week/"' in lessons


def test_today_lists_what_is_left_to_do_and_the_class_absences(t, as_user):
    page = as_user("teacher").get("/").get_data(as_text=True)
    todo = section(page, "today-to-do")
    assert lesson_links(todo) == {(t.russian.id, t.lessons["russian_19"].id), (t.maths.id, t.lessons["maths_22"].id)}
    assert "19.10.2012, 2-й урок: 7А — Русский язык" in todo
    assert f'href="/journal/{t.maths.id}/?period={t.quarter.id}"' in todo
    assert "Итоги периода «1 четверть» (до 27.10.2012)" in todo
    assert "Мало отметок (нужно не меньше 3):" in todo and "Алексеева Мария — 2, Волков Мария — 0" in todo
    assert "Отметки за период не выставлены: 2 из 4 учеников" in todo
    absences = section(page, "today-absences")
    assert "Пропуски сегодня в классе 7А" in absences
    assert "1-й урок (Математика) — н" in absences and "3-й урок (Русский язык) — б" in absences


def test_today_shows_only_the_teachers_own_lessons(t, as_user, app, session):
    page = as_user("teacher").get("/").get_data(as_text=True)
    linked = {lesson for _a, lesson in lesson_links(page)}
    assert t.lessons["maths8b4"].id not in linked and t.w.lesson_b.id not in linked
    assert t.lessons["maths8b_16"].id not in linked


def test_a_lesson_link_of_another_school_or_another_assignment_is_404(t, as_user, session):
    client = as_user("teacher")
    w = t.w
    assert client.get(f"/journal/{t.maths.id}/?lesson={t.lessons['maths1'].id}").status_code == 200
    far = w.lesson_b
    assert client.get(f"/journal/{far.assignment_id}/?lesson={far.id}").status_code == 404
    assert client.get(f"/journal/{t.maths.id}/?lesson={far.id}").status_code == 404
    # A lesson of the teacher's school, but not of this assignment.
    assert client.get(f"/journal/{t.maths.id}/?lesson={t.lessons['russian3'].id}").status_code == 404
    assert client.get(f"/journal/{t.maths.id}/?lesson=999999").status_code == 404


def test_a_lesson_link_opens_its_period_scrolled_to_it_with_focus_in_its_first_cell(t, as_user, session):
    later = make_lesson(session, t.maths, dt.date(2012, 11, 12), 1)
    session.commit()
    client = as_user("teacher")
    second = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == t.w.school_a.id, StudyPeriod.number == 2))
    page = client.get(f"/journal/{t.maths.id}/?lesson={later.id}").get_data(as_text=True)
    assert f'href="?period={second.id}" class="btn btn-sm btn-primary" aria-current="page"' in page
    assert f'data-focus-lesson="{later.id}" data-focus-cell="1"' in page
    # Without a lesson: today's period, today's column marked and the one to scroll to, no focus asked.
    page = client.get(f"/journal/{t.maths.id}/").get_data(as_text=True)
    assert f'href="?period={t.quarter.id}" class="btn btn-sm btn-primary" aria-current="page"' in page
    assert f'data-focus-lesson="{t.lessons["maths1"].id}"' in page and "data-focus-cell" not in page
    today_heads = re.findall(r'<th scope="col" class="lesson[^"]* today" aria-current="date" data-lesson="(\d+)"', page)
    assert today_heads == [str(t.lessons["maths1"].id), str(t.lessons["maths5"].id)]


def test_the_class_report_opens_on_the_current_period(t, as_user, app, session):
    client = as_user("teacher")
    second = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == t.w.school_a.id, StudyPeriod.number == 2))
    url = f"/journal/class/{t.w.class_a.id}/report"
    assert f'href="?period={t.quarter.id}" class="btn btn-sm btn-primary"' in client.get(url).get_data(as_text=True)
    app.config["TODAY"] = dt.date(2012, 11, 20)
    page = client.get(url).get_data(as_text=True)
    assert f'href="?period={second.id}" class="btn btn-sm btn-primary"' in page


def test_the_week_links_every_lesson_to_its_column_and_marks_today(t, as_user):
    client = as_user("teacher")
    page = client.get("/journal/week/").get_data(as_text=True)
    assert "Моя неделя" in page and "22.10.2012 — 27.10.2012" in page
    L = t.lessons
    assert lesson_links(page) == {(t.maths.id, L["maths_22"].id), (t.maths.id, L["maths_23"].id),
                                  (t.maths.id, L["maths1"].id), (t.russian.id, L["russian3"].id),
                                  (t.maths.id, L["maths5"].id)}
    assert '<th scope="col" class="today" aria-current="date">Среда' in page
    assert 'href="/journal/week/?date=2012-10-15"' in page and 'href="/journal/week/?date=2012-10-29"' in page
    earlier = client.get("/journal/week/?date=2012-10-17").get_data(as_text=True)
    assert "15.10.2012 — 20.10.2012" in earlier
    # 17.10 is cancelled (no column), 16.10 is Петрова's.
    assert lesson_links(earlier) == {(t.russian.id, L["russian_19"].id)}
    # A date that is not one: the current week, not an error.
    assert "22.10.2012 — 27.10.2012" in client.get("/journal/week/?date=31.02.2012").get_data(as_text=True)


@pytest.mark.parametrize("username, start", [
    ("parent", "<title>Дневник — "), ("pupil", "<title>Дневник — "),  # families land on the diary
    ("director", "Разделы, доступные вам, — в меню вверху страницы."),
    ("secretary", "Разделы, доступные вам, — в меню вверху страницы.")])
def test_other_roles_keep_their_start_page_and_have_no_week(t, as_user, username, start):
    client = as_user(username)
    page = client.get("/").get_data(as_text=True)
    assert start in page
    assert "today-block" not in page
    assert client.get("/journal/week/").status_code == 403


def grow(session, t, n=8):
    """More pupils with marks and absences, lessons of the two weeks before, and lessons today."""
    types = {m.short_name: m for m in session.scalars(select(MarkType))}
    for i in range(n):
        pupil = make_pupil(session, t.w.class_a, f"Дополнительный{i}")
        lesson = make_lesson(session, t.maths, DAY - dt.timedelta(days=i + 1), 6)
        make_mark(session, lesson, pupil, 4, types["отв"])
        session.add(Absence(lesson_id=t.lessons["maths1"].id, pupil_id=pupil.id, code="н"))
    for number in (6, 7, 8):
        make_lesson(session, t.physics, DAY, number)
    session.commit()


def test_today_and_the_week_read_in_a_fixed_number_of_statements(t, as_user, session):
    client = as_user("teacher")
    small, page = page_statements(client, session, "/")
    assert "today-absences" in page
    grow(session, t)
    client.get("/")  # the scope and catalogues are read again after a write to their tables
    large, _page = page_statements(client, session, "/")
    assert small == large == HOME_STATEMENTS + NAVBAR_STATEMENTS
    assert page_statements(client, session, "/journal/week/")[0] == WEEK_STATEMENTS + NAVBAR_STATEMENTS


def test_the_grid_opened_at_a_lesson_reads_one_statement_more(t, as_user, session):
    client = as_user("teacher")
    url = f"/journal/{t.maths.id}/?lesson={t.lessons['maths1'].id}"
    client.get(url)
    session.expire_all()
    with recorded_statements(db.engine) as statements:
        assert client.get(url).status_code == 200
    assert len([s for s in statements if not FAB.search(s)]) == GRID_STATEMENTS + NAVBAR_STATEMENTS + 1


def test_a_teacher_without_lessons_today_is_told_so(t, as_user, app):
    app.config["TODAY"] = dt.date(2012, 10, 21)  # a Sunday
    page = as_user("teacher").get("/").get_data(as_text=True)
    assert "Воскресенье, 21.10.2012" in page and "Сегодня у вас уроков нет." in page
    assert "Что нужно сделать" in page  # the rest of the teacher's page stays
