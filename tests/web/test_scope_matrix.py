"""The scope matrix, generated from the application itself.

For every registered ModelView (ours and FAB's), every custom view that declares `scope_routes`
and every ModelRestApi, for every role of the test world (plus the vendor and an anonymous
visitor), with a row in the user's scope and a row outside it, for list, show, add, edit, delete
(and actions, where a view has them), the answer must be:

- anonymous: a redirect to /login/ (FAB's has_access for a visitor who is not logged in); 401 from
  a page's own JSON route under /api/ (has_access_api);
- logged in without the permission: 403 (FAB 5.3 aborts with 403 for an authenticated user);
- with the permission: 200 for a row in scope, 404 for a row out of scope, and a list page that
  shows exactly the rows in scope; writes to an out-of-scope row answer 404 and change nothing.

A view added later is covered as soon as it is registered: a ModelView without the ScopeFilter in
its base filters fails `test_every_model_view_is_scoped`, a custom view with an id in a URL that
does not declare `scope_routes` fails `test_custom_views_declare_their_id_routes`.

Custom views declare their id-taking routes as a class attribute, rules relative to route_base:
    scope_routes = [("/grid/<int:assignment_id>", TeachingAssignment)]
one URL parameter per rule, filled with a pk of the model (in scope: 200, out of scope: 404).
A view whose rows are narrower than `visible()` names its own rule from app.security.scope as a
third element, `(scope) -> clause` over the model: ("/<int:assignment_id>/", TeachingAssignment,
journal_assignments). POST-only routes are posted with the page's CSRF token; in scope they answer
200 or a redirect, out of scope 404.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask_appbuilder import ModelView
from flask_appbuilder.api import BaseApi
from sqlalchemy import select

from app.security.filters import ScopeFilter
from app.security.scope import load_scope, visible
from tests.security_helpers import (
    add_vendor_and_extras,
    api_token,
    client_for,
    fab_model_views,
    form_token,
    may,
    model_apis,
    our_model_views,
    pk_sets,
)
from tests.web.conftest import MATRIX_STATS

COUNT_RE = re.compile(r"</strong>\s*(\d+)\s*</div>")


@dataclass
class Matrix:
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    views: set = field(default_factory=set)

    def expect(self, label: str, got: int, expected, location: str = ""):
        self.cases += 1
        wanted = expected if isinstance(expected, tuple) else (expected,)
        if got not in wanted:
            self.failures.append(f"{label}: got {got}{' -> ' + location if location else ''}, expected {' or '.join(map(str, wanted))}")

    def report(self, name: str):
        MATRIX_STATS[f"{name} cases"] = MATRIX_STATS.get(f"{name} cases", 0) + self.cases
        MATRIX_STATS[f"{name} views"] = MATRIX_STATS.get(f"{name} views", 0) + len(self.views)
        assert not self.failures, f"{len(self.failures)} of {self.cases} scope-matrix cases failed:\n" + "\n".join(self.failures)


@pytest.fixture
def matrix_world(app, session, world):
    return add_vendor_and_extras(session, app.appbuilder.sm, world)


def _users(world):
    return {"anonymous": None, **world.users}


def _denied(user) -> tuple[int, ...]:
    return (302,) if user is None else (403,)


def _status(response) -> tuple[int, str]:
    return response.status_code, response.headers.get("Location", "")


def _list_pks(page: str, route_base: str) -> set[int] | None:
    pks = {int(pk) for pk in re.findall(re.escape(route_base) + r"/(?:show|edit|delete)/(\d+)", page)}
    return pks or None


def _row_exists(session, model, pk) -> bool:
    session.expire_all()
    key = model.__mapper__.primary_key[0]
    return session.scalar(select(key).where(key == pk)) is not None


def check_model_view(m: Matrix, session, view, username, user, client, token):
    model = view.datamodel.obj
    base = view.route_base
    shown, everything = pk_sets(session, user, model) if user else (set(), set(session.scalars(
        select(model.__mapper__.primary_key[0]))))
    inside = min(shown) if shown else None
    outside = min(everything - shown) if everything - shown else None
    tag = f"{type(view).__name__} as {username}"
    m.views.add(type(view).__name__)

    # list
    response = client.get(f"{base}/list/")
    if may(user, "can_list", view):
        m.expect(f"{tag}: list", response.status_code, 200)
        if response.status_code == 200:
            page = response.get_data(as_text=True)
            linked = _list_pks(page, base)
            if linked is not None:
                m.cases += 1
                if linked != shown:
                    m.failures.append(f"{tag}: list shows pks {sorted(linked)}, scope allows {sorted(shown)}")
            else:
                count = COUNT_RE.search(page)
                m.cases += 1
                if shown and not count:
                    m.failures.append(f"{tag}: list has no row links and no record count to check")
                elif count and int(count.group(1)) != len(shown):
                    m.failures.append(f"{tag}: list counts {count.group(1)} rows, scope allows {len(shown)}")
    else:
        m.expect(f"{tag}: list", *_status(response)[:1], _denied(user), response.headers.get("Location", ""))

    # add form
    if "can_add" in view.base_permissions:
        response = client.get(f"{base}/add")
        m.expect(f"{tag}: add form", response.status_code, 200 if may(user, "can_add", view) else _denied(user))

    for where, pk in (("in scope", inside), ("out of scope", outside)):
        if pk is None:
            continue
        expected_read = 200 if where == "in scope" else 404
        if "can_show" in view.base_permissions:
            response = client.get(f"{base}/show/{pk}")
            m.expect(f"{tag}: show {where} #{pk}", response.status_code,
                     expected_read if may(user, "can_show", view) else _denied(user))
        if "can_edit" in view.base_permissions:
            response = client.get(f"{base}/edit/{pk}")
            m.expect(f"{tag}: edit form {where} #{pk}", response.status_code,
                     expected_read if may(user, "can_edit", view) else _denied(user))
        if where == "out of scope":
            if "can_edit" in view.base_permissions:
                response = client.post(f"{base}/edit/{pk}", data={"csrf_token": token})
                m.expect(f"{tag}: edit save {where} #{pk}", response.status_code,
                         404 if may(user, "can_edit", view) else _denied(user))
            if "can_delete" in view.base_permissions:
                response = client.post(f"{base}/delete/{pk}", data={"csrf_token": token})
                m.expect(f"{tag}: delete {where} #{pk}", response.status_code,
                         404 if may(user, "can_delete", view) else _denied(user))
                m.cases += 1
                if not _row_exists(session, model, pk):
                    m.failures.append(f"{tag}: delete of out-of-scope #{pk} removed the row")
            for action in (getattr(view, "actions", None) or {}):
                response = client.post(f"{base}/action_post", data={"action": action, "rowid": str(pk),
                                                                    "csrf_token": token})
                m.expect(f"{tag}: action {action} {where} #{pk}", response.status_code, (302, 403, 404))
                m.cases += 1
                if not _row_exists(session, model, pk):
                    m.failures.append(f"{tag}: action {action} on out-of-scope #{pk} removed the row")

    # FAB's file download of a ModelView (not a data export): never a server error.
    if "can_download" in view.base_permissions:
        response = client.get(f"{base}/download/no-such-file.xlsx")
        m.expect(f"{tag}: download", response.status_code,
                 (404,) if may(user, "can_download", view) else _denied(user))


def _scope_route_urls(view, rule: str, model, session, user, rows_rule=None):
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    assert len(names) == 1, f"{type(view).__name__}.scope_routes {rule!r}: exactly one URL parameter please"
    key = model.__mapper__.primary_key[0]
    if user:
        scope = load_scope(session, user)
        clause = rows_rule(scope) if rows_rule else visible(scope, model)
        shown = set(session.scalars(select(key).where(clause)))
    else:
        shown = set()
    everything = set(session.scalars(select(key)))
    url = (view.route_base or "") + rule
    result = []
    if shown:
        result.append(("in scope", re.sub(r"<[^<>]+>", str(min(shown)), url)))
    if everything - shown:
        result.append(("out of scope", re.sub(r"<[^<>]+>", str(min(everything - shown)), url)))
    return result


def _route_permission(app, view, rule: str) -> tuple[str | None, bool]:
    """(can_<method> of the endpoint that serves `rule` under the view, whether it answers GET)."""
    full = (view.route_base or "") + rule
    for url_rule in app.url_map.iter_rules():
        if url_rule.rule == full and url_rule.endpoint.startswith(view.endpoint + "."):
            method = url_rule.endpoint.split(".", 1)[1]
            name = getattr(getattr(view, method), "_permission_name", method)
            name = (view.method_permission_name or {}).get(method, name)
            return "can_" + name, "GET" in url_rule.methods
    return None, False


def check_scope_routes(m: Matrix, app, session, view, username, user, client):
    for rule, model, *rest in getattr(view, "scope_routes", None) or ():
        permission, answers_get = _route_permission(app, view, rule)
        assert permission, f"{type(view).__name__}.scope_routes: no route {rule!r} under {view.route_base!r}"
        m.views.add(type(view).__name__)
        for where, url in _scope_route_urls(view, rule, model, session, user, rest[0] if rest else None):
            if answers_get:
                response = client.get(url)
            else:
                token = form_token(client) if user is not None else ""
                response = client.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
            allowed = user is not None and may(user, permission, view)
            status = response.status_code
            if allowed and where == "in scope" and not answers_get and status in (200, 302, 303, 400):
                status = 200  # a POST in scope was accepted or refused on its content, not hidden
            if user is None and not answers_get and status == 400:
                status = _denied(user)[0]  # a visitor's POST is stopped by CSRF before the login check
            denied = (401,) if user is None and "/api/" in rule else _denied(user)  # a page's JSON: no redirect
            expected = (200 if where == "in scope" else 404) if allowed else denied
            m.expect(f"{type(view).__name__} as {username}: {url} ({where})", status, expected)


def check_model_api(m: Matrix, session, api, username, user, client, token):
    """One ModelRestApi as one user (JWT), in and out of scope."""
    model = api.datamodel.obj
    base = f"/api/{api.version}/{api.resource_name}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    shown, everything = pk_sets(session, user, model) if user else (set(), set())
    tag = f"{type(api).__name__} as {username}"
    m.views.add(type(api).__name__)
    denied = 401 if user is None else 403
    response = client.get(f"{base}/", headers=headers, query_string={"q": "(page_size:500)"})
    if user is not None and may(user, "can_get", api):
        m.expect(f"{tag}: list", response.status_code, 200)
        if response.status_code == 200:
            got = set(response.get_json()["ids"])
            m.cases += 1
            if got != shown:
                m.failures.append(f"{tag}: list ids {sorted(got)}, scope allows {sorted(shown)}")
    else:
        m.expect(f"{tag}: list", response.status_code, denied)
    cases = []
    if shown:
        cases.append(("in scope", min(shown), 200))
    if user is not None and everything - shown:
        cases.append(("out of scope", min(everything - shown), 404))
    elif user is None and everything:
        cases.append(("anonymous", min(everything), 401))
    for where, pk, expected in cases:
        response = client.get(f"{base}/{pk}", headers=headers)
        m.expect(f"{tag}: get {where} #{pk}", response.status_code,
                 expected if user is None or may(user, "can_get", api) else denied)
        if where == "in scope":
            continue
        if "can_put" in api.base_permissions:
            response = client.put(f"{base}/{pk}", headers=headers, json={})
            m.expect(f"{tag}: put {where} #{pk}", response.status_code,
                     (404, 400) if user is not None and may(user, "can_put", api) else denied)
        if "can_delete" in api.base_permissions:
            response = client.delete(f"{base}/{pk}", headers=headers)
            m.expect(f"{tag}: delete {where} #{pk}", response.status_code,
                     404 if user is not None and may(user, "can_delete", api) else denied)
            m.cases += 1
            if not _row_exists(session, model, pk):
                m.failures.append(f"{tag}: delete of out-of-scope #{pk} removed the row")


def run_api_matrix(app, session, world, apis) -> Matrix:
    m = Matrix()
    for username, user in _users(world).items():
        client = app.test_client()
        token = api_token(client, username) if user else None
        for api in apis:
            check_model_api(m, session, api, username, user, client, token)
    return m


# --- the tests ---------------------------------------------------------------------------------

def test_every_model_view_is_scoped(app):
    """A ModelView of ours without the ScopeFilter in its base filters would list every row."""
    unscoped = []
    for view in our_model_views(app.appbuilder):
        filters = [flt[1] for flt in (view.base_filters or [])]
        if not any(isinstance(f, type) and issubclass(f, ScopeFilter) for f in filters):
            unscoped.append(f"{type(view).__name__} ({type(view).__module__}) over {view.datamodel.obj.__name__}")
    assert not unscoped, ("these ModelViews have no ScopeFilter in base_filters; inherit "
                          "app.views.base.ScopedModelView: " + "; ".join(unscoped))
    apis_unscoped = [type(api).__name__ for api in model_apis(app.appbuilder)
                     if ScopeFilter not in [flt[1] for flt in (api.base_filters or [])]]
    assert not apis_unscoped, ("these ModelRestApis have no ScopeFilter; inherit "
                               "app.api.base.ScopedModelRestApi: " + ", ".join(apis_unscoped))


def test_fab_security_views_are_for_the_administrator_only(app, matrix_world):
    for view in fab_model_views(app.appbuilder):
        for username, user in matrix_world.users.items():
            if username == "admin":
                continue
            for permission in ("can_list", "can_show", "can_add", "can_edit", "can_delete", "can_download"):
                assert not may(user, permission, view), f"{username} has {permission} on {type(view).__name__}"


def test_custom_views_declare_their_id_routes(app):
    """Every custom view whose URLs take a parameter lists those rules in `scope_routes`."""
    missing = []
    for view in app.appbuilder.baseviews:
        if isinstance(view, (ModelView, BaseApi)) or type(view).__module__.startswith("flask_appbuilder."):
            continue
        declared = {(view.route_base or "") + rule for rule, *_ in (getattr(view, "scope_routes", None) or ())}
        exempt = {(view.route_base or "") + rule for rule in (getattr(view, "scope_routes_exempt", None) or ())}
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith(view.endpoint + ".") and rule.arguments and \
                    rule.rule not in declared | exempt:
                missing.append(f"{type(view).__name__}: {rule.rule}")
    assert not missing, ("declare these id-taking routes in the view's scope_routes "
                         "(or scope_routes_exempt for a parameter that is not a row id): " + "; ".join(missing))


def test_scope_matrix_of_views(app, session, matrix_world):
    m = Matrix()
    views = our_model_views(app.appbuilder) + fab_model_views(app.appbuilder)
    custom = [v for v in app.appbuilder.baseviews if getattr(v, "scope_routes", None)]
    for username, user in _users(matrix_world).items():
        client = client_for(app, username if user else None)
        token = form_token(client, "/")
        for view in views:
            check_model_view(m, session, view, username, user, client, token)
        for view in custom:
            check_scope_routes(m, app, session, view, username, user, client)
    m.report("views")


def test_scope_matrix_of_apis(app, session, matrix_world):
    apis = model_apis(app.appbuilder)
    m = run_api_matrix(app, session, matrix_world, apis)
    m.report("api")


def test_scope_matrix_of_a_sample_api(app, session):
    """The API matrix itself, on a test-only ScopedModelRestApi (real APIs are covered above)."""
    from tests.factories import build_world
    from tests.security_helpers import register_test_apis

    api_class = register_test_apis(app)
    world = add_vendor_and_extras(session, app.appbuilder.sm, build_world(session, app.appbuilder.sm))
    apis = [v for v in model_apis(app.appbuilder) if isinstance(v, api_class)]
    m = run_api_matrix(app, session, world, apis)
    assert m.cases >= 40
    m.report("sample api")
