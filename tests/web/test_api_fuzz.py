"""Schemathesis against /api/v1/_openapi: every ScopedModelRestApi of the app (plus a test-only
pupil API, so the harness runs before real APIs exist), as an administrator and as a school
secretary, on the test's throwaway SQLite copy. A fixed number of examples per operation and a
fixed seed (derandomize) keep it bounded and repeatable inside `make test`.

Checked per example: no 5xx, status code / content type / body conform to the schema; and after
fuzzing, an id out of the secretary's scope answers 404 on every id route."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.base import ScopedModelRestApi
from tests.factories import build_world
from tests.security_helpers import api_token, pk_sets, register_test_apis
from tests.web.conftest import MATRIX_STATS

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(app, schema, token: str, prefixes: tuple[str, ...]) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(prefixes):
            continue

        @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal count
            count += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
    return count


def test_fuzz_scoped_apis(app, session):
    register_test_apis(app)
    world = build_world(session, app.appbuilder.sm)
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, ScopedModelRestApi)]
    prefixes = tuple(f"/api/{api.version}/{api.resource_name}/" for api in apis)
    client = app.test_client()
    admin_token = api_token(client, "admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers={"Authorization": f"Bearer {admin_token}"})
    total = 0
    for username in ("admin", "secretary"):
        total += _fuzz(app, schema, api_token(client, username), prefixes)
    MATRIX_STATS["fuzzed examples"] = MATRIX_STATS.get("fuzzed examples", 0) + total
    assert total >= EXAMPLES_PER_OPERATION

    # after the fuzzing, rows out of the secretary's scope still answer 404
    token = api_token(client, "secretary")
    for api in apis:
        shown, everything = pk_sets(session, world.users["secretary"], api.datamodel.obj)
        for pk in sorted(everything - shown)[:3]:
            response = client.get(f"/api/v1/{api.resource_name}/{pk}", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code in (403, 404), (api.resource_name, pk, response.status_code)
