"""The signed-in user is read with every request, roles and groups' roles included, in one
statement that reads only the user's own rows (app.security.manager.load_user). The process keeps
the user's objects and builds them again only when those rows change."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from app.security import roles as R
from tests.statements import recorded_statements
from tests.web.test_reference_cache import ENGINES, write_elsewhere


def grant_role(sm, session, name, permission, view):
    role = sm.add_role(name)
    sm.add_permission_role(role, sm.find_permission_view_menu(permission, view))
    session.commit()
    return role


def test_roles_of_the_user_and_of_the_users_groups_grant_their_pages(app, client, session, world, as_user):
    sm = app.appbuilder.sm
    as_user("teacher")
    assert client.get("/users/list/").status_code == 403
    assert client.get("/roles/list/").status_code == 403
    roles_reader = grant_role(sm, session, "Просмотр ролей", "can_list", "RoleModelView")
    users_reader = grant_role(sm, session, "Просмотр пользователей", "can_list", "UserDBModelView")
    teacher = sm.find_user(username="teacher")
    teacher.roles.append(roles_reader)
    group = sm.group_model(name="user-readers", label="Читатели списка пользователей", roles=[users_reader])
    session.add(group)
    teacher.groups.append(group)
    session.commit()
    with recorded_statements(session.get_bind()) as statements:
        users_page = client.get("/users/list/")
    assert users_page.status_code == 200 and "teacher" in users_page.get_data(as_text=True)
    assert len(user_loads(statements)) == 2, "the rows changed: read, then the objects built again"
    with recorded_statements(session.get_bind()) as statements:
        assert client.get("/roles/list/").status_code == 200
    assert len(user_loads(statements)) == 1, "unchanged rows: the kept objects serve"
    assert client.get("/journal/").status_code == 200, "the teacher's own role still counts"


def user_loads(statements):
    return [s for s in statements if "FROM ab_user " in s and "ab_user_role" in s]


def test_the_user_is_read_by_key_not_by_scanning_everyones_roles(app, client, session, world, as_user):
    """SQLite materialised the nested (ab_user_role JOIN ab_role) that joinedload writes: a scan of
    every user's roles with each request, 12 ms at the region's 20,000 users."""
    engine = session.get_bind()
    assert engine.dialect.name == "sqlite"
    as_user("parent")
    loads = []

    def record(conn, cursor, statement, parameters, *args):
        if "FROM ab_user " in statement and "ab_user_role" in statement:
            loads.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/diary/").status_code == 200
        assert client.get("/diary/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(loads) == 2, "the first request builds the objects (rows included), the next reads the rows"
    assert loads[0][0] != loads[1][0]
    for statement, parameters in loads:
        plan = [row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
        assert any("ab_user_role" in step and step.startswith("SEARCH") for step in plan), plan
        assert not [step for step in plan if step.startswith(("SCAN", "MATERIALIZE"))], plan


@pytest.mark.parametrize("engine", ENGINES)
def test_the_kept_user_follows_every_change_of_its_rows(world, as_user, session, database_url, engine):
    """The user's objects are kept per process; a renamed user, a revoked role and a blocked
    account written from elsewhere all count on the very next request."""
    client = as_user("teacher")
    teacher = world.users["teacher"].id
    assert client.get("/journal/").status_code == 200
    with recorded_statements(session.get_bind()) as statements:
        page = client.get("/journal/")
    assert page.status_code == 200 and "Пётр Учителев" not in page.get_data(as_text=True)
    assert len(user_loads(statements)) == 1, "served by the kept objects: the rows read with them match"
    session.commit()

    write_elsewhere(database_url, "UPDATE ab_user SET first_name = 'Пётр', last_name = 'Учителев' WHERE id = :id", id=teacher)
    page = client.get("/journal/")
    assert page.status_code == 200 and "Пётр Учителев" in page.get_data(as_text=True)

    write_elsewhere(database_url, "DELETE FROM ab_user_role WHERE user_id = :id", id=teacher)
    assert client.get("/journal/").status_code in (302, 403)

    write_elsewhere(database_url, "INSERT INTO ab_user_role (user_id, role_id) SELECT :id, id FROM ab_role WHERE name = :role",
                    id=teacher, role=R.TEACHER)
    assert client.get("/journal/").status_code == 200

    write_elsewhere(database_url, "UPDATE ab_user SET active = :no WHERE id = :id", id=teacher, no=False)
    blocked = client.get("/journal/")
    assert blocked.status_code == 302 and "/login/" in blocked.location


def test_a_request_that_commits_keeps_a_usable_user(world, as_user, session):
    """The kept objects are detached: a view's commit does not expire them, so the next request
    (and the request log after the commit) still read the user without a session."""
    client = as_user("parent")
    for _ in range(3):  # each diary page commits its visit
        page = client.get(f"/diary/{world.pupil_a.id}/")
        assert page.status_code == 200
        assert world.users["parent"].first_name in page.get_data(as_text=True)
