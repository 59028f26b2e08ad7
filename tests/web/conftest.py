"""Fixtures and reporting of the security tests (tests/web).

`fresh_g_per_request`: the `app` fixture of tests/conftest.py keeps one application context
open for the whole test, and Flask reuses it for every test-client request, so `g` (Flask-Login's
user, our cached `g.scope`) would survive from one request to the next — unlike production,
where every request gets a new `g`. A log-in as another user would then keep the previous user's
scope. Every request here starts with an empty `g`."""
from __future__ import annotations

import pytest
from flask import g

# Filled by the scope-matrix tests; reported at the end of the run (with or without -s).
MATRIX_STATS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def fresh_g_per_request(request):
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")

    def _clear_g(endpoint, values):
        g.__dict__.clear()

    app.url_value_preprocessors.setdefault(None, []).insert(0, _clear_g)
    yield


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MATRIX_STATS:
        parts = ", ".join(f"{key}: {value}" for key, value in MATRIX_STATS.items())
        terminalreporter.write_line(f"security matrix — {parts}")
