"""The signed-in user is loaded with every request, roles and groups' roles included, in one
statement that reads only the user's own rows (app.security.manager.load_user)."""
from __future__ import annotations

from sqlalchemy import event

from tests.statements import recorded_statements


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
    assert client.get("/roles/list/").status_code == 200
    assert client.get("/journal/").status_code == 200, "the teacher's own role still counts"
    user_loads = [s for s in statements if "FROM ab_user " in s and "ab_user_role" in s]
    assert len(user_loads) == 1


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
    finally:
        event.remove(engine, "before_cursor_execute", record)
    [(statement, parameters)] = loads
    plan = [row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    assert any("ab_user_role" in step and step.startswith("SEARCH") for step in plan), plan
    assert not [step for step in plan if step.startswith(("SCAN", "MATERIALIZE"))], plan
