"""Fixtures: a fresh app and migrated database per test, logins, and a log handler that fails
the test on any error the app logs (a swallowed exception cannot hide behind a green run).

The suite runs in parallel (`make test`: pytest-xdist, one worker per core). Each worker has its own
PostgreSQL database, TEST_DATABASE_URL's name plus the worker's (journal_test_gw0, …), created when
missing; the SQLite templates are built once per run and copied by each worker."""
from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import weakref
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import csrf, db
from app.security.roles import sync_roles
from tests.factories import PASSWORD, build_world

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "Demo-password-for-tests"
# The xdist worker running this process ("gw0", "gw1", …), or None in a serial run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_database(url: str | None) -> str | None:
    """TEST_DATABASE_URL in a serial run; under xdist the same server with the worker's database."""
    if not url or not WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
# flask-wtf's CSRFProtect keeps the blueprints it exempts (FAB's API ones) in a set. Its one
# instance in app.extensions serves every app the suite builds, so that set kept each test's app
# alive with all its views and forms (~20 000 objects a test: 3.5 GB by the end of a serial run,
# and garbage collections that grew with it). A WeakSet answers the same for every live app and
# forgets the blueprints of the apps that are gone. One app per process, as served, never grows it.
csrf._exempt_blueprints = weakref.WeakSet()
# Rows of these tables survive between PostgreSQL tests: the migrated roles and permissions.
KEEP_TABLES = {"alembic_version", "reference_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
               "ab_permission_view_role"}


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_logged_errors(request):
    collector = _ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    yield collector
    root.removeHandler(collector)
    if collector.records and not request.node.get_closest_marker("allow_logged_errors"):
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records)
        pytest.fail(f"the app logged errors during the test:\n{lines}", pytrace=False)


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        sync_roles(app.appbuilder)
        db.session.remove()
        db.engine.dispose()


def _built_once(tmp_path_factory, name: str, build) -> Path:
    """A private copy of the SQLite file `build(path)` makes, built once per run: under xdist the
    first worker to need it builds it in the run's shared temporary folder (the others wait on a
    lock), and each worker then copies it, so no worker ever sees another's writes."""
    own = tmp_path_factory.mktemp(name) / f"{name}.sqlite"
    if not WORKER:
        build(own)
        return own
    shared_dir = tmp_path_factory.getbasetemp().parent  # pytest-of-<user>/pytest-<n>: one per run
    shared = shared_dir / f"{name}.sqlite"
    with _run_lock(tmp_path_factory, name):
        if not shared.exists():
            building = shared_dir / f"{name}.{WORKER}.sqlite"
            build(building)
            building.rename(shared)
    shutil.copy(shared, own)
    return own


@contextmanager
def _run_lock(tmp_path_factory, name: str):
    """Held by one xdist worker of this run at a time (a file lock in the run's shared temporary
    folder); a serial run has nobody to wait for."""
    if not WORKER:
        yield
        return
    with open(tmp_path_factory.getbasetemp().parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def cluster_lock(tmp_path_factory):
    """Held for the whole test by the tests that copy the PostgreSQL server with pg_basebackup and
    stream from it (tests/pg/test_replica.py) or make it checkpoint (CREATE and DROP DATABASE,
    tests/pg/test_backup_pg.py). A checkpoint of one worker while another's pg_basebackup creates
    its slot, or before its new replica has connected, removes the WAL the replica needs: the
    server ended the backup ("terminating process … to release replication slot") or the replica
    asked again and again for a segment "already removed". In a serial run they never overlap."""
    with _run_lock(tmp_path_factory, "postgresql-cluster"):
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file upgraded through the Alembic migrations; each test gets a copy."""
    return _built_once(tmp_path_factory, "template", lambda path: _migrate(f"sqlite:///{path}"))


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory) -> Path:
    """A migrated SQLite file with the whole demo region loaded (once per test run)."""
    def build(path: Path) -> None:
        from app.demo import load_demo

        shutil.copy(sqlite_template, path)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            load_demo(db.session, app.appbuilder.sm, password=DEMO_PASSWORD)
            db.session.remove()
            db.engine.dispose()

    return _built_once(tmp_path_factory, "demo", build)


@pytest.fixture
def demo_app(demo_template, tmp_path):
    """An app on a private copy of the demo region."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    _fresh_g_per_request(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def database_url(request, tmp_path) -> str:
    if request.node.get_closest_marker("pg"):
        return request.getfixturevalue("pg_url")
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "test.sqlite"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_migrated():
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
    _create_database_if_missing(PG_URL)
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    _migrate(PG_URL)
    return PG_URL


def _create_database_if_missing(url: str) -> None:
    """A worker's database, made by the test role (it has CREATEDB) through TEST_DATABASE_URL's."""
    base = os.environ["TEST_DATABASE_URL"]
    name = make_url(url).database
    if name == make_url(base).database:
        return
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_url(pg_migrated) -> str:
    """The PostgreSQL test database with every data table emptied (roles and permissions kept)."""
    engine = create_engine(pg_migrated)
    with engine.begin() as connection:
        tables = [r[0] for r in connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        wipe = [t for t in tables if t not in KEEP_TABLES]
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in wipe) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
    return pg_migrated


def _fresh_g_per_request(app):
    """The test keeps one app context open and Flask reuses it for test-client requests, so `g`
    (FAB's user, cached scope) would outlive a request, unlike in production. Empty it first."""
    def clear(endpoint, values):
        g.__dict__.clear()

    app.url_value_preprocessors.setdefault(None, []).insert(0, clear)


@pytest.fixture
def app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    _fresh_g_per_request(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app, session):
    """A small region with one user per role: see tests.factories.World."""
    return build_world(session, app.appbuilder.sm)


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path="/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, "no csrf-token meta on the page"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token.group(1) if token else csrf_token(client, "/login/")
    response = client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code in (302, 303), f"login of {username} failed: {response.status_code}"
    assert "/login" not in response.headers.get("Location", ""), f"login of {username} was refused"
    return response


@pytest.fixture
def as_user(client):
    """as_user("teacher") logs the test client in and returns it."""
    def _login(username: str, password: str = PASSWORD):
        client.get("/logout/")
        login(client, username, password)
        return client
    return _login


def pytest_configure(config):
    config.addinivalue_line("markers", "pg: runs on PostgreSQL (TEST_DATABASE_URL); skipped without it")
    config.addinivalue_line("markers", "e2e: browser test with the system Chromium")
    config.addinivalue_line("markers", "allow_logged_errors: the test provokes errors on purpose")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (CI=true, as .ci/run is run) nothing may skip: a missing service or tool is a
    failure there, naming the reason, since CI installs everything the suite needs."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped under CI, where nothing may skip: {reason}"


def _web_stats():
    from tests.web import conftest as web

    return web.MATRIX_STATS, web.CRAWL_STATS


def pytest_sessionfinish(session):
    """An xdist worker hands what its tests counted to the controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        matrix, crawl = _web_stats()
        output["web_stats"] = {"matrix": dict(matrix), "crawl": dict(crawl)}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller adds up the scope-matrix counts of the workers; each role's crawl ran on one."""
    stats = getattr(node, "workeroutput", {}).get("web_stats")
    if stats:
        matrix, crawl = _web_stats()
        for key, value in stats["matrix"].items():
            matrix[key] = matrix.get(key, 0) + value
        crawl.update(stats["crawl"])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """tests/web's figures: the scope matrix size, the pages each role crawled."""
    matrix, crawl = _web_stats()
    if matrix:
        parts = ", ".join(f"{key}: {value}" for key, value in matrix.items())
        terminalreporter.write_line(f"security matrix — {parts}")
    if crawl:
        parts = ", ".join(f"{user}: {pages}" for user, pages in crawl.items())
        terminalreporter.write_line(f"pages crawled per user — {parts}")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright: the system Chromium (never `playwright install`), kept off the network."""
    if not CHROMIUM:
        pytest.skip("browser tests need Chromium (apt-get install -y chromium; .ci/run installs it)")
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }
