"""FAB's permission checks answered from one query per request (app/security/manager.py)."""
from __future__ import annotations

from app.security import roles as R
from tests.statements import recorded_statements


def permission_queries(statements):
    return [s for s in statements if "ab_permission_view" in s]


def test_a_page_with_its_menu_reads_the_roles_permissions_once(app, client, session, world, as_user):
    as_user("teacher")
    client.get("/journal/")
    with recorded_statements(session.get_bind()) as statements:
        page = client.get("/journal/").get_data(as_text=True)
    assert "Журнал" in page and 'href="/journal/"' in page
    # Menu entries of other roles stay hidden: the timetable editor, users, the dashboard.
    assert "/users/list/" not in page and "/monitoring/dashboard" not in page
    assert len(permission_queries(statements)) == 1


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
