"""FAB's permission checks answered from one query, kept per process while the reference version
stays the same (app/security/manager.py, app/reference_cache.py)."""
from __future__ import annotations

from app.security import roles as R
from tests.statements import recorded_statements


def permission_queries(statements):
    return [s for s in statements if "ab_permission_view" in s]


def page_and_permission_queries(client, session, url):
    with recorded_statements(session.get_bind()) as statements:
        page = client.get(url).get_data(as_text=True)
    return page, len(permission_queries(statements))


def test_a_page_with_its_menu_reads_the_roles_permissions_once_until_they_change(app, client, session, world,
                                                                                   as_user):
    as_user("teacher")
    sm = app.appbuilder.sm
    users_list = sm.find_permission_view_menu("can_list", "UserDBModelView")
    teacher = sm.find_role(R.TEACHER)
    assert users_list is not None and users_list not in teacher.permissions
    # Any write to the permission tables makes the next request read them again.
    sm.add_permission_role(teacher, sm.find_permission_view_menu("can_list", "SchoolModelView"))
    session.commit()
    page, queries = page_and_permission_queries(client, session, "/journal/")
    assert "Журнал" in page and 'href="/journal/"' in page
    # Menu entries of other roles stay hidden: the timetable editor, users, the dashboard.
    assert "/users/list/" not in page and "/monitoring/dashboard" not in page
    assert queries == 1
    assert page_and_permission_queries(client, session, "/journal/")[1] == 0
    assert client.get("/users/list/").status_code == 403
    sm.add_permission_role(teacher, users_list)
    session.commit()
    assert page_and_permission_queries(client, session, "/journal/")[1] == 1
    assert client.get("/users/list/").status_code == 200


def test_a_revoked_permission_refuses_from_the_next_request(app, client, session, world, as_user):
    sm = app.appbuilder.sm
    as_user("teacher")
    assert client.get("/journal/").status_code == 200
    role = sm.find_role(R.TEACHER)
    permission_view = sm.find_permission_view_menu("can_index", "JournalView")
    assert permission_view in role.permissions
    sm.del_permission_role(role, permission_view)
    session.commit()
    response = client.get("/journal/")
    assert response.status_code == 403
    menu_entry = sm.find_permission_view_menu("menu_access", "Journal")
    sm.del_permission_role(role, menu_entry)
    session.commit()
    assert 'href="/journal/"' not in client.get("/").get_data(as_text=True)


def test_the_quick_check_answers_as_flask_appbuilder_for_every_pair_and_role(app, session, world):
    from flask import g
    from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
    from flask_login import login_user

    sm = app.appbuilder.sm
    pairs = [(pv.permission.name, pv.view_menu.name) for pv in session.query(sm.permissionview_model)]
    assert len(pairs) > 100
    for name, user in world.users.items():
        with app.test_request_context("/"):
            login_user(user)
            g.user = user
            quick = {pair for pair in pairs if sm.has_access(*pair)}
            g.pop("granted_to_user")
            fab = {pair for pair in pairs if FabSecurityManager.has_access(sm, *pair)}
        assert quick == fab and quick, name


def test_each_role_set_and_condition_gets_its_own_menu_from_the_process_cache(app, client, session, world, as_user):
    """The navbar's entries are rendered once per role set and answer of the entries' conditions
    (app.views.menu.rendered); users taking turns in one process each see their own."""
    from tests.factories import make_user

    make_user(session, app.appbuilder.sm, "parent_unlinked", R.PARENT)  # a parent login with no children linked
    session.commit()
    notifications = 'href="/notifications/'
    for _ in range(2):
        teacher_page = as_user("teacher").get("/journal/").get_data(as_text=True)
        assert 'href="/journal/"' in teacher_page and 'href="/diary/"' not in teacher_page
        parent_page = as_user("parent").get("/diary/").get_data(as_text=True)
        assert 'href="/diary/"' in parent_page and 'href="/journal/"' not in parent_page
        assert notifications in parent_page
        unlinked_page = as_user("parent_unlinked").get("/diary/").get_data(as_text=True)
        assert 'href="/diary/"' in unlinked_page and notifications not in unlinked_page
