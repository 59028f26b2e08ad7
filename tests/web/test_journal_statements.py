"""The grid page and a cell save run a fixed number of SQL statements, whatever the size of the
class and of the journal; and the save's reply, built from the values just written, is what
reading the cell back gives."""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.journal import grid
from app.journal.catalogue import load_catalogue
from app.models import MarkType
from app.security.scope import load_scope
from tests.conftest import csrf_token
from tests.factories import make_assignment, make_lesson, make_mark, make_pupil, make_subject
from tests.journal_helpers import build_journal_world
from tests.statements import FAB, page_statements, recorded_statements

# The user with roles, groups and the reference version (app.security.manager). The roles'
# permissions, the scope and the catalogues are read again only after a write to their tables.
FAB_STATEMENTS = 1
RELOADED_AFTER_A_WRITE = {"fab": 1, "page": 3}  # permissions; scope 1 + catalogues 2
CALENDAR_STATEMENTS = 3  # the school's study periods, holidays and bells, kept like the catalogues

GRID_STATEMENTS = 5    # assignment, lessons, pupils with their period marks (and whether they may change), cells,
#                       parents' absence notices on the lessons shown
SAVE_STATEMENTS = 5    # lesson (locked, with its checks and period) 1 + cell (marks and absence) 1 + UPDATE + history INSERT 2
                       # + reply: the pupil's summary 1


@pytest.fixture
def jw(app, session):
    return build_journal_world(session, app.appbuilder.sm)


def journal_statements(work, fab: list | None = None) -> list[str]:
    """The statements `work` runs, FAB's own put into `fab` when given."""
    with recorded_statements(db.engine) as statements:
        work()
    if fab is not None:
        fab.extend(s for s in statements if FAB.search(s))
    return [s for s in statements if not FAB.search(s)]


def quarter_of(session, jw):
    return next(p for p in grid.school_periods(session, jw.w.class_a) if p.number == 1)


def grow(session, jw, n=10):
    """Ten more pupils in the class and ten more lessons with marks in the first quarter."""
    for i in range(n):
        pupil = make_pupil(session, jw.w.class_a, f"Дополнительный{i}")
        lesson = make_lesson(session, jw.assignment, dt.date(2012, 10, 1) + dt.timedelta(days=i))
        make_mark(session, lesson, pupil, 4, jw.types["отв"])
        make_mark(session, lesson, jw.w.pupil_a, 5, jw.types["с/р"])
    session.commit()


def test_grid_page_statements_are_fixed(app, jw, session, as_user):
    client = as_user("teacher")
    url = f"/journal/{jw.assignment.id}/?period={quarter_of(session, jw).id}"
    client.get(url)

    def page():
        session.expire_all()  # as in production, the request loads its user afresh
        assert client.get(url).status_code == 200

    fab = []
    small = journal_statements(page, fab)
    grow(session, jw)  # new pupils: a write to a table the scope is built from
    fab_reloaded = []
    reloaded = journal_statements(page, fab_reloaded)
    large = journal_statements(page)
    assert len(small) == len(large) <= GRID_STATEMENTS, "\n".join(large)
    assert len(fab) <= FAB_STATEMENTS, "\n".join(fab)
    assert len(reloaded) <= GRID_STATEMENTS + RELOADED_AFTER_A_WRITE["page"] + CALENDAR_STATEMENTS, "\n".join(reloaded)
    assert len(fab_reloaded) <= FAB_STATEMENTS + RELOADED_AFTER_A_WRITE["fab"], "\n".join(fab_reloaded)


def save(client, token, ids, text, known, period_id):
    """`ids`: (assignment, lesson, pupil) as plain ids: the test's rows would reload after a commit."""
    assignment_id, lesson_id, pupil_id = ids
    response = client.post("/journal/api/cell", data=json.dumps({
        "lesson_id": lesson_id, "pupil_id": pupil_id, "assignment_id": assignment_id, "period_id": period_id,
        "text": text, "known": known}), content_type="application/json",
        headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_cell_save_statements_are_fixed(app, jw, session, as_user):
    client = as_user("teacher")
    period_id = quarter_of(session, jw).id
    token = csrf_token(client, f"/journal/{jw.assignment.id}/?period={period_id}")
    ids = (jw.assignment.id, jw.lessons[1].id, jw.pupils[1].id)
    state = {"known": {"marks": {}, "absence": None}, "value": 4}
    save(client, token, ids, "4", state["known"], period_id)  # from now on an UPDATE of one mark
    state["known"] = {"marks": {"0": 1}, "absence": None}

    def one_save():
        state["value"] = 9 - state["value"]
        reply = save(client, token, ids, str(state["value"]), state["known"], period_id)
        state["known"] = reply["cell"]["known"]

    fab = []
    small = journal_statements(one_save, fab)
    grow(session, jw)
    journal_statements(one_save)  # reads the scope and catalogues again (the grid test counts it)
    large = journal_statements(one_save)
    assert len(small) == len(large) <= SAVE_STATEMENTS, "\n".join(large)
    assert len(fab) <= FAB_STATEMENTS, "\n".join(fab)
    # Nothing reloads the user after the save's commit (the request log reads what was loaded).
    session.expire_all()
    with recorded_statements(db.engine) as order:
        one_save()
    written = next(i for i, s in enumerate(order) if s.startswith("INSERT INTO journal_change"))
    assert [s for s in order[written:] if FAB.search(s)] == []


@pytest.mark.parametrize("which_period", ["lesson's", "none", "another"])
def test_save_reply_is_what_reading_the_cell_back_gives(app, jw, session, as_user, which_period):
    client = as_user("teacher")
    periods = grid.school_periods(session, jw.w.class_a)
    period_id = {"lesson's": periods[0].id, "none": None, "another": periods[1].id}[which_period]
    token = csrf_token(client, f"/journal/{jw.assignment.id}/")
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    make_mark(session, jw.lessons[2], jw.pupils[1], 2, jw.types["к/р"])
    session.commit()
    ids = assignment_id, lesson_id, pupil_id = (jw.assignment.id, jw.lessons[1].id, jw.pupils[1].id)
    known = {"marks": {}, "absence": None}
    for text in ["5", "5/4", "3/4/5", "н", "оп 5", "оп 4/4", "4", "б", ""]:
        reply = save(client, token, ids, text, known, period_id)
        session.expire_all()
        assert reply["cell"] == grid.cell_state(session, scope, lesson_id, pupil_id).as_json(), text
        summary = grid.pupil_summary(session, scope, assignment_id, period_id, pupil_id, load_catalogue(session))
        assert reply["summary"] == summary.summary_json(), text
        if period_id is not None:  # the grid page computes the same row its own way
            page = grid.build_grid(session, scope, assignment_id, period_id, today=dt.date(2013, 5, 24))
            row = next(r for r in page.pupils if r.id == pupil_id)
            assert reply["summary"] == row.summary_json(), text
        known = reply["cell"]["known"]


def test_the_marks_list_reads_a_page_in_the_same_statements_however_many_rows_it_shows(
        world, as_user, session):
    """The lesson, class, subject, pupil and work type of every listed mark come with the page (a
    statement per relation), not a lazy load per row (39 statements for a teacher's fifty)."""
    client = as_user("director")
    before, _ = page_statements(client, session, "/markview/list/")
    kind = session.scalars(select(MarkType)).first()
    subject = make_subject(session, "История", school=world.school_a)
    assignment = make_assignment(session, world.class_a_other, subject, world.other_teacher)
    for day in range(12):
        lesson = make_lesson(session, assignment, world.lesson_a.date + dt.timedelta(days=day + 1))
        make_mark(session, lesson, make_pupil(session, world.class_a_other), 4, kind)
    session.commit()
    after, page = page_statements(client, session, "/markview/list/")
    assert page.count("/markview/show/") >= 14
    assert after == before
