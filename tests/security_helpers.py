"""Helpers of the security tests: the vendor user, per-role clients, what a role may do, scope sets."""
from __future__ import annotations

import datetime as dt
import re

from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi
from sqlalchemy import select

from app.models import Holiday, HomeworkFile, JournalSystem, Material
from app.security import roles as R
from app.security.scope import load_scope, visible
from tests.conftest import login
from tests.factories import PASSWORD, make_homework, make_user

LOGIN_TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
META_TOKEN_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def add_vendor_and_extras(session, sm, world):
    """A vendor login (its system runs school_b), a holiday per school, a methodical material
    with its file, and homework with a file on each lesson (and one for Алексеева alone on 7А's),
    so more views have rows."""
    system = JournalSystem(name="Другой журнал", vendor="ООО «Поставщик»", is_own=False)
    session.add(system)
    session.flush()
    world.school_b.journal_system_id = system.id
    world.users["vendor"] = make_user(session, sm, "vendor", R.VENDOR, journal_system=system)
    for school in (world.school_a, world.school_a2, world.school_b):
        session.add(Holiday(school_id=school.id, academic_year_id=world.year.id, name="Осенние каникулы",
                            starts_on=dt.date(2012, 10, 28), ends_on=dt.date(2012, 11, 4), grade_from=1, grade_to=11))
    session.add(Material(title="Памятка учителю", filename="Памятка.pdf", content_type="application/pdf",
                         data=b"%PDF-1.4\n%%EOF\n", published_on=dt.date(2012, 8, 27),
                         author_id=world.users["methodist"].id))
    due = world.lesson_a.date + dt.timedelta(days=3)
    tasks = [make_homework(session, lesson, "№ 1", due)
             for lesson in (world.lesson_a, world.lesson_a_other, world.lesson_b)]
    tasks.append(make_homework(session, world.lesson_a, "Доклад", due, pupil=world.pupil_a))
    session.add_all(HomeworkFile(homework_id=task.id, filename="Задание.pdf", content_type="application/pdf",
                                 size_bytes=15, data=b"%PDF-1.4\n%%EOF\n") for task in tasks)
    session.commit()
    return world


def client_for(app, username: str | None):
    """A fresh test client logged in as `username` (None: anonymous)."""
    client = app.test_client()
    if username:
        login(client, username, PASSWORD)
    return client


def form_token(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = META_TOKEN_RE.search(page) or LOGIN_TOKEN_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def role_grants(user) -> set[tuple[str, str]]:
    """{(permission, view menu)} of the user's roles."""
    return {(pv.permission.name, pv.view_menu.name) for role in user.roles for pv in role.permissions}


def may(user, permission: str, view) -> bool:
    if user is None:
        return False
    if permission not in (getattr(view, "base_permissions", None) or []):
        return False
    if any(role.name == R.ADMIN for role in user.roles):
        return True
    return (permission, view.class_permission_name) in role_grants(user)


def pk_sets(session, user, model) -> tuple[set, set]:
    """(visible pks, all pks) of `model` for `user`."""
    key = model.__mapper__.primary_key[0]
    scope = load_scope(session, user)
    shown = set(session.scalars(select(key).where(visible(scope, model))))
    everything = set(session.scalars(select(key)))
    return shown, everything


def our_model_views(appbuilder):
    return [v for v in appbuilder.baseviews if isinstance(v, ModelView) and not _is_fab(v)]


def fab_model_views(appbuilder):
    return [v for v in appbuilder.baseviews if isinstance(v, ModelView) and _is_fab(v)]


def model_apis(appbuilder):
    return [v for v in appbuilder.baseviews if isinstance(v, ModelRestApi)]


def _is_fab(view) -> bool:
    """FAB's security views (users, roles, permissions): their rows are FAB's models."""
    return view.datamodel.obj.__module__.startswith("flask_appbuilder.")


def api_token(client, username: str) -> str:
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200, f"API login of {username}: {response.status_code}"
    return response.get_json()["access_token"]


# --- a test-only API, so the API matrix and the fuzzing run even before real APIs exist ---------

def register_test_apis(app):
    """Adds PupilTestApi (/api/v1/test-pupils/) to a fresh app, before its first request."""
    from app.api.base import API_EDIT, API_READ, ScopedModelRestApi
    from app.web.data import ScopedInterface
    from app.models import Pupil
    from app.security.roles import sync_roles

    class PupilTestApi(ScopedModelRestApi):
        resource_name = "test-pupils"
        datamodel = ScopedInterface(Pupil)
        role_access = {R.SECRETARY: API_EDIT, R.TEACHER: API_READ, R.SCHOOL_ADMIN: API_READ}
        list_columns = ["id", "last_name", "first_name", "birth_date"]
        show_columns = list_columns
        add_columns = edit_columns = ["school", "class_group", "last_name", "first_name", "birth_date",
                                      "enrolled_on", "left_on"]

    app.appbuilder.add_api(PupilTestApi)
    sync_roles(app.appbuilder)
    return PupilTestApi
