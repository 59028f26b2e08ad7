"""The grid page: who may open which journal, what it shows, and a query count that does not grow."""
import datetime as dt
import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.journal import grid
from app.security.scope import load_scope
from tests.factories import make_lesson, make_mark, make_pupil, make_staff, make_user
from app.security import roles as R
from tests.journal_helpers import build_journal_world


@pytest.fixture
def jw(app, session):
    return build_journal_world(session, app.appbuilder.sm)


def test_teacher_sees_own_grid_with_marks_averages_and_class_average(jw, as_user, session):
    make_mark(session, jw.lessons[1], jw.w.pupil_a, 3, jw.types["к/р"])   # 5 (1.0) and 3 (2.0) -> 3.67
    session.commit()
    page = as_user("teacher").get(f"/journal/{jw.assignment.id}/?period={jw.w.school_a.id and ''}").get_data(as_text=True)
    assert "7А — Математика" in page and f"<small>{jw.w.teacher.short_name}</small>" in page
    assert "Алексеева Мария" in page and "Борисова Мария" in page
    assert "3,67" in page            # weighted average of the pupil
    assert "Средний балл класса" in page
    assert 'value="5"' in page and "10.09" in page


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def pupil_row(page: str, pupil) -> str:
    """The grid's table row of a pupil ("" when the pupil is not in the grid)."""
    found = re.search(rf'<tr data-pupil="{pupil.id}".*?</tr>', page, re.S)
    return found.group(0) if found else ""


def period_input(row: str) -> str:
    return re.search(r'<input class="period-input".*?>', row, re.S).group(0)


@pytest.mark.parametrize("engine", ENGINES)
def test_grid_shows_cells_period_marks_and_only_the_subgroups_pupils(jw, as_user, session, engine):
    from app.models import Absence, PeriodMark, Subgroup

    anna, boris, vova = jw.pupils
    first, second = (p for p in grid.school_periods(session, jw.w.class_a) if p.number in (1, 2))
    make_mark(session, jw.lessons[1], anna, 5, jw.types["к/р"], position=1)  # written second, shown second
    make_mark(session, jw.lessons[1], anna, 3, jw.types["отв"], position=0)
    session.add(Absence(lesson_id=jw.lessons[2].id, pupil_id=boris.id, code="н"))
    for pupil, period, value in ((anna, first, "4"), (boris, second, "5")):
        session.add(PeriodMark(pupil_id=pupil.id, class_group_id=jw.w.class_a.id, subject_id=jw.assignment.subject_id,
                               academic_year_id=jw.w.year.id, study_period_id=period.id, value=value))
    session.commit()
    client = as_user("teacher")
    url = f"/journal/{jw.assignment.id}/?period={first.id}"

    page = client.get(url).get_data(as_text=True)
    row = pupil_row(page, anna)
    assert f'data-lesson="{jw.lessons[1].id}" value="3/5"' in row
    assert 'class="period-input" value="4" data-saved="4"' in row
    assert "readonly" not in period_input(row)  # the subject's teacher sets the period's marks
    assert '<td class="sum avg">4,50</td>' in row  # (5 × 1 + 3 × 1 + 5 × 2) / 4: each by its own work type
    row = pupil_row(page, boris)
    assert f'<td class="cell absent"><input class="cell-input" data-lesson="{jw.lessons[2].id}" value="н"' in row
    assert 'class="period-input" value="" data-saved=""' in row  # his mark is the second quarter's
    assert pupil_row(page, vova)

    group = Subgroup(class_group_id=jw.w.class_a.id, name="Группа 1")
    group.pupils.extend([anna, vova])
    session.add(group)
    session.flush()
    jw.assignment.subgroup_id = group.id
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert pupil_row(page, anna) and pupil_row(page, vova) and not pupil_row(page, boris)
    assert "(Группа 1)" in page


def test_teacher_gets_404_on_another_teachers_journal(jw, as_user):
    client = as_user("teacher")
    assert client.get(f"/journal/{jw.foreign_assignment.id}/").status_code == 404
    assert client.get(f"/journal/{jw.foreign_assignment.id}/?period=year").status_code == 404
    assert client.get(f"/journal/class/{jw.w.class_a_other.id}/report").status_code == 404
    assert client.get(f"/journal/class/{jw.w.class_a_other.id}/archive.xlsx").status_code == 404


def test_teacher_journal_list_shows_only_own_assignments(jw, as_user):
    page = as_user("teacher").get("/journal/").get_data(as_text=True)
    assert "7А — Математика" in page
    assert "8Б" not in page


@pytest.mark.parametrize("username", ["parent", "pupil", "secretary", "ministry", "municipal"])
def test_other_roles_cannot_open_a_journal(jw, as_user, username):
    response = as_user(username).get(f"/journal/{jw.assignment.id}/")
    assert response.status_code in (302, 403, 404)
    assert "Алексеева Мария" not in response.get_data(as_text=True)


def test_class_teacher_reads_whole_class_journal_read_only(app, jw, session, as_user):
    user = make_user(session, app.appbuilder.sm, "classteacher", R.TEACHER)
    leader = make_staff(session, jw.w.school_a, "Руководителева", user)
    jw.w.class_a_other.class_teacher_id = leader.id
    session.commit()
    client = as_user("classteacher")
    page = client.get(f"/journal/{jw.foreign_assignment.id}/").get_data(as_text=True)
    assert "8Б — Математика" in page and "только для просмотра" in page
    row = pupil_row(page, jw.w.pupil_a_other)
    assert " readonly>" in row and "readonly" in period_input(row)


def test_director_opens_every_journal_of_the_school_but_not_of_another(jw, as_user, session):
    client = as_user("director")
    assert client.get(f"/journal/{jw.foreign_assignment.id}/").status_code == 200
    far = session.get(type(jw.assignment), jw.w.lesson_b.assignment_id)
    assert client.get(f"/journal/{far.id}/").status_code == 404


def count_queries(session, work):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_grid_query_count_does_not_grow_with_pupils_or_lessons(app, jw, session):
    user = app.appbuilder.sm.find_user("teacher")
    scope = load_scope(session, user)
    quarter = next(p for p in grid.school_periods(session, jw.w.class_a) if p.number == 1)

    def build():
        session.expire_all()
        data = grid.build_grid(session, scope, jw.assignment.id, quarter.id, today=dt.date(2012, 10, 20))
        return data

    small = count_queries(session, build)
    for n in range(10):
        pupil = make_pupil(session, jw.w.class_a, f"Дополнительный{n}")
        lesson = make_lesson(session, jw.assignment, dt.date(2012, 10, 1) + dt.timedelta(days=n))
        make_mark(session, lesson, pupil, 4, jw.types["отв"])
        make_mark(session, lesson, jw.w.pupil_a, 5, jw.types["с/р"])
    session.commit()
    large = count_queries(session, build)
    data = build()
    assert len(data.pupils) == 13 and len(data.lessons) == 14
    assert large == small, f"{small} queries for the small grid, {large} for the large one"
    assert small <= 12


def test_shortage_highlight_from_two_weeks_before_period_end(app, jw, session):
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    quarter = next(p for p in grid.school_periods(session, jw.w.class_a) if p.number == 1)
    early = grid.build_grid(session, scope, jw.assignment.id, quarter.id, today=dt.date(2012, 10, 12))
    late = grid.build_grid(session, scope, jw.assignment.id, quarter.id, today=dt.date(2012, 10, 13))
    assert not any(p.shortage for p in early.pupils)
    # 4 hours a week -> 7 marks needed; nobody has that many
    assert late.required_marks == 7 and all(p.shortage for p in late.pupils)


def test_year_view_proposes_year_mark_from_period_marks(jw, as_user, session):
    from app.models import PeriodMark
    periods = grid.school_periods(session, jw.w.class_a)
    for period, value in zip(periods, ["4", "4", "5", "5"]):
        session.add(PeriodMark(pupil_id=jw.w.pupil_a.id, class_group_id=jw.w.class_a.id, subject_id=jw.assignment.subject_id,
                               academic_year_id=jw.w.year.id, study_period_id=period.id, value=value))
    session.commit()
    page = as_user("teacher").get(f"/journal/{jw.assignment.id}/?period=year").get_data(as_text=True)
    assert 'data-proposal="5"' in page and "7А — Математика: итоговые отметки" in page
    assert "readonly" not in period_input(pupil_row(page, jw.w.pupil_a))  # the subject's teacher sets the year mark


def test_class_teacher_reads_the_year_marks_of_another_teachers_subject(app, jw, session, as_user):
    user = make_user(session, app.appbuilder.sm, "classteacher", R.TEACHER)
    jw.w.class_a_other.class_teacher_id = make_staff(session, jw.w.school_a, "Руководителева", user).id
    session.commit()
    page = as_user("classteacher").get(f"/journal/{jw.foreign_assignment.id}/?period=year").get_data(as_text=True)
    assert "8Б — Математика: итоговые отметки" in page
    assert "readonly" in period_input(pupil_row(page, jw.w.pupil_a_other))


def test_grid_rows_escape_the_name_and_show_absent_and_read_only_cells_and_the_period_mark(app):
    from types import SimpleNamespace

    from app.formats import format_average
    from app.journal.grid import GridCell, GridMark, PeriodValue, PupilRow
    from app.views.journal import grid_rows
    from app.views.layout import render_unfinalized

    def table(data):
        return str(render_unfinalized("journal/_table.html", grid=data, rows=grid_rows(data), fmt=format_average,
                                      history_allowed=False))

    def pupil_rows(data):
        page = table(data)
        return page[page.index("<tbody>") + len("<tbody>"):page.index("</tbody>")].strip()

    pupil = PupilRow(id=7, name='<b>Ли "Ан"</b>', cells={
        1: GridCell(absence="н", absence_version=4),
        2: GridCell(marks=[GridMark(0, 3, 1, "отв", 1, 1), GridMark(1, 5, 1, "отв", 1, 2)]),
        4: GridCell(marks=[GridMark(0, 4, 1, "отв", 1, 6)]),
        5: GridCell(marks=[GridMark(0, 5, 1, "отв", 1, 3)], absence="оп", absence_version=8)},
        period_mark=PeriodValue("4", 9), proposal="4", shortage=True, mark_count=2, absences=1)
    lessons = [SimpleNamespace(id=i, day=f"0{i}.09", editable=i != 2, version=1, column_type_id=None,
                               date=dt.date(2012, 9, i), topic='<i>"Дроби"</i>' if i == 3 else None, homework=None,
                               homework_count=0, average=None) for i in (1, 2, 3, 4, 5)]
    data = SimpleNamespace(pupils=[pupil], lessons=lessons, period=SimpleNamespace(id=3, name="3 четверть"),
                           period_marks_editable=False, assignment=SimpleNamespace(id=9), class_average=None,
                           marked=True, has_period_result=True)
    with app.test_request_context():
        row = str(pupil_rows(data))
    head, first, second, third, fourth, fifth, *sums = row.split("</td>")
    assert '<tr data-pupil="7" class="shortage"><td class="num">1' in head and "<b>" not in row
    assert "<th scope=\"row\" class=\"pupil\">&lt;b&gt;Ли &#34;Ан&#34;&lt;/b&gt; <span class=\"sr-only\">" in first
    assert 'aria-label="&lt;b&gt;Ли &#34;Ан&#34;&lt;/b&gt;, 01.09"' in first
    assert 'class="cell absent"' in first and 'value="н" data-saved="н"' in first and "readonly" not in first
    assert 'data-marks="" data-absence="4"' in first  # the versions the next save sends back
    assert 'class="cell"' in second and 'value="3/5"' in second and second.endswith(" readonly>")
    assert 'data-marks="0:1,1:2"' in second and "data-absence" not in second
    assert 'data-lesson="3" value=""' in third and "readonly" not in third and "data-marks" not in third
    assert fourth == ('<td class="cell"><input class="cell-input" data-lesson="4" value="4" data-saved="4" '
                      'data-marks="0:6" aria-label="&lt;b&gt;Ли &#34;Ан&#34;&lt;/b&gt;, 04.09" autocomplete="off" '
                      'spellcheck="false" maxlength="20">')
    assert 'class="cell absent"' in fifth and 'value="оп 5" data-saved="оп 5" data-marks="0:3" data-absence="8"' in fifth
    assert sums[:4] == ['<td class="sum avg">', '<td class="sum count">2', '<td class="sum abs">1',
                        '<td class="sum proposal">4']
    assert ('<input class="period-input" value="4" data-saved="4" data-version="9" data-proposal="4" '
            'aria-label="&lt;b&gt;Ли &#34;Ан&#34;&lt;/b&gt;: 3 четверть" maxlength="8" autocomplete="off" readonly>'
            in sums[4])
    data.period_marks_editable = True
    with app.test_request_context():
        assert "readonly>" not in str(pupil_rows(data)).split('class="period-input"')[1]
        heads = table(data)
    assert 'data-topic="&lt;i&gt;&#34;Дроби&#34;&lt;/i&gt;"' in heads and "<i>" not in heads


def test_a_column_offers_the_work_type_most_of_its_marks_have(jw, as_user, session):
    """New marks in a column get its usual work type (the lesson head's data-type, read by the page's
    script); a column without marks offers the default one."""
    anna, boris, vova = jw.pupils
    test, answer = jw.types["к/р"], jw.types["отв"]
    for pupil, kind in ((anna, test), (boris, answer), (vova, answer)):
        make_mark(session, jw.lessons[1], pupil, 4, kind)
    for pupil, kind in ((anna, test), (boris, test), (vova, answer)):
        make_mark(session, jw.lessons[2], pupil, 4, kind)
    session.commit()
    page = as_user("teacher").get(f"/journal/{jw.assignment.id}/").get_data(as_text=True)
    heads = dict(re.findall(r'<th scope="col" class="lesson[^"]*" data-lesson="(\d+)".*?data-type="(\d*)"', page))
    assert heads[str(jw.lessons[1].id)] == str(answer.id)
    assert heads[str(jw.lessons[2].id)] == str(test.id)
    assert heads[str(jw.lessons[3].id)] == str(answer.id)  # no marks: the default work type
