"""A streaming replica of the test cluster takes the diary's reads; a mark save stays on the primary;
a stopped replica sends the reads back to the primary instead of failing the page.

The replica is real: pg_basebackup -R of the local PostgreSQL 15 cluster, started as the postgres
user on a free port. Which server answered is asked of the connection itself
(inet_server_port(), pg_is_in_recovery()); the statements per engine come from the request log."""
from __future__ import annotations

import pytest
from flask import jsonify
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import Lesson, Mark, Pupil, Subject, TeachingAssignment
from app.replica import read_session, replica_router
from tests.conftest import _fresh_g_per_request, csrf_token, login
from tests.factories import build_world
from tests.journal_helpers import build_journal_world, cell_post
from tests.ops_helpers import ReplicaCluster, captured_request_log, replica_unavailable_reason, wait_for

pytestmark = pytest.mark.pg
WHO = text("SELECT inet_server_port(), pg_is_in_recovery()")
# The replica replays the whole cluster's WAL: while another test worker loads its database, a
# row reaches it after tens of seconds on a busy 2-core machine (30 s was seen to run out).
REPLICATION_WAIT = 120


@pytest.fixture
def replica(pg_url, request, cluster_lock):
    reason = replica_unavailable_reason(pg_url)
    if reason:
        pytest.skip(f"the replica test {reason}")
    cluster = ReplicaCluster(pg_url)
    request.addfinalizer(cluster.remove)
    try:
        cluster.start()
    except RuntimeError as error:
        pytest.fail(f"{error}\n--- replica log ---\n{cluster.log_text()}", pytrace=False)
    return cluster


def diary_marks(pupil_id: int):
    """A diary-like read (pupil, lessons, subjects, marks) through read_session(), plus who served it."""
    session = read_session()
    pupil = session.get(Pupil, pupil_id)
    rows = session.execute(
        select(Lesson.date, Subject.name, Mark.value)
        .join(Mark, Mark.lesson_id == Lesson.id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(Mark.pupil_id == pupil_id)
        .order_by(Lesson.date, Mark.position)
    ).all()
    port, in_recovery = session.execute(WHO).one()
    return jsonify(pupil=pupil.last_name, marks=[[str(d), s, v] for d, s, v in rows],
                   port=port, in_recovery=in_recovery)


@pytest.fixture
def replica_app(pg_url, replica):
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url, "DATABASE_REPLICA_URL": replica.url,
                      "REPLICA_RETRY_SECONDS": 30})
    _fresh_g_per_request(app)
    # A test-only diary read until the diary pages are in this branch; the journal is the real one.
    app.add_url_rule("/_test/diary/<int:pupil_id>", view_func=diary_marks)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
        replica_router().dispose()


def primary_port(url: str) -> int:
    from sqlalchemy.engine import make_url

    return make_url(url).port or 5432


def test_diary_reads_the_replica_and_mark_save_writes_the_primary(replica_app, replica, pg_url):
    jw = build_journal_world(db.session, replica_app.appbuilder.sm)
    pupil, lesson = jw.w.pupil_a, jw.lessons[1]
    teacher = replica_app.test_client()
    login(teacher, "teacher")
    token = csrf_token(teacher, f"/journal/{jw.assignment.id}/")
    family = replica_app.test_client()
    with captured_request_log() as log:
        saved = cell_post(teacher, token, lesson, pupil, jw.assignment, "2")
        assert saved.status_code == 200, saved.get_data(as_text=True)
        grid = teacher.get(f"/journal/{jw.assignment.id}/")
        index = teacher.get("/journal/")

        def replicated():
            diary = family.get(f"/_test/diary/{pupil.id}").get_json()
            return diary if [str(lesson.date), "Математика", 2] in diary["marks"] else None

        diary = wait_for(replicated, timeout=REPLICATION_WAIT, what="the new mark on the replica")

    assert grid.status_code == 200 and index.status_code == 200
    assert (diary["port"], diary["in_recovery"]) == (replica.port, True)
    assert diary["pupil"] == "Алексеева"
    assert replica_router().engine.pool.checkedout() == 0, "each request closed its read session"
    assert diary["marks"] == [[str(jw.lessons[0].date), "Математика", 5], [str(lesson.date), "Математика", 2]]

    (save_line,) = log.for_path("/journal/api/cell")
    (grid_line,) = log.for_path(f"/journal/{jw.assignment.id}/")
    (index_line,) = log.for_path("/journal/")
    diary_line = log.for_path(f"/_test/diary/{pupil.id}")[-1]
    # Writes and the grid that must show them: the primary only. The diary read: the replica only.
    assert save_line["sql_replica"] == 0 and save_line["sql_primary"] > 0
    assert grid_line["sql_replica"] == 0 and grid_line["sql_primary"] > 0
    assert diary_line["sql_replica"] > 0 and diary_line["sql_primary"] == 0
    # The journal's list of classes reads through read_session(); login and permissions stay primary.
    assert index_line["sql_replica"] > 0
    lines = [("mark save POST /journal/api/cell", save_line), ("journal grid after the save", grid_line),
             ("journal index (class list)", index_line), ("diary read", diary_line)]

    if "DiaryView.week" in replica_app.view_functions:
        # The real diary page, once it is in the branch: its content comes from the replica.
        login(family, "parent")
        with captured_request_log() as page_log:
            page = family.get(f"/diary/{pupil.id}/?date={lesson.date.isoformat()}")
        assert page.status_code == 200
        assert 'class="diary-mark mark-2"' in page.get_data(as_text=True), "the new mark, read from the replica"
        (page_line,) = page_log.for_path(f"/diary/{pupil.id}/")
        assert page_line["sql_replica"] > 0
        lines.append(("diary week page GET /diary/<id>/", page_line))
    split = {name: (line["sql_primary"], line["sql_replica"]) for name, line in lines}
    print("\nstatements (primary, replica): " + "; ".join(f"{k} {v}" for k, v in split.items()))

    # The same routing outside a request: read_session() is the replica, db.session the primary.
    assert tuple(read_session().execute(WHO).one()) == (replica.port, True)
    assert tuple(db.session.execute(WHO).one()) == (primary_port(pg_url), False)
    with pytest.raises(Exception, match="read-only"):
        read_session().execute(text("CREATE TEMP TABLE refused (id int)"))
    read_session().rollback()


def test_stopped_replica_sends_diary_reads_to_the_primary(replica_app, replica, pg_url):
    world = build_world(db.session, replica_app.appbuilder.sm)
    client = replica_app.test_client()
    pupil_id = world.pupil_a.id
    wait_for(lambda: client.get(f"/_test/diary/{pupil_id}").get_json()["marks"], timeout=REPLICATION_WAIT,
             what="the world on the replica")
    assert client.get(f"/_test/diary/{pupil_id}").get_json()["port"] == replica.port

    replica.stop()
    with captured_request_log() as log:
        first = client.get(f"/_test/diary/{pupil_id}")
        second = client.get(f"/_test/diary/{pupil_id}")
    for response in (first, second):
        assert response.status_code == 200
        answer = response.get_json()
        assert (answer["port"], answer["in_recovery"]) == (primary_port(pg_url), False)
        assert answer["marks"] == [[str(world.lesson_a.date), "Математика", 5]]
    assert not replica_router().available, "the breaker keeps later requests off the dead replica"
    assert all(line["sql_replica"] == 0 for line in log.lines)
