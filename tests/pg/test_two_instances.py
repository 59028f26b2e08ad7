"""Two app servers, one PostgreSQL: nothing a user needs lives in one server's memory.

Two gunicorn instances on different ports share only the database and the SECRET_KEY (and, for
the per-address ceiling, a private redis-server). A login made on one is valid on the other
(Flask's signed session cookie), a logout on one ends it on the other (the login session's row in
the database); the login lockout counts the failures made on both (in the database, without
Redis); the per-address ceiling counts them on both with Redis as its storage."""
from __future__ import annotations

import re
import secrets
import shutil

import pytest

from app import create_app
from app.extensions import db
from tests.factories import PASSWORD, make_user
from tests.ops_helpers import Gunicorn, RedisServer
from app.security import roles as R

pytestmark = pytest.mark.pg
requests = pytest.importorskip("requests")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LIMIT = 5


@pytest.fixture
def redis_server(request):
    if not shutil.which("redis-server"):
        pytest.skip("the two-instance test needs redis-server (apt-get install -y redis-server; .ci/run installs it)")
    server = RedisServer()
    request.addfinalizer(server.stop)
    return server.start()


@pytest.fixture
def start_two(pg_url, tmp_path, request):
    """start_two(**env): two gunicorn servers on the test database with `env` added."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url})
    with app.app_context():
        make_user(db.session, app.appbuilder.sm, "teacher", R.TEACHER)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    def start(**extra):
        env = {
            "APP_ENV": "prod",
            "DATABASE_URL": pg_url,
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",  # plain http on loopback in this test
            "INSTANCE_DIR": str(tmp_path / "instance"),
            **extra,
        }
        servers = []
        for _ in range(2):
            server = Gunicorn(env, tmp_path)
            request.addfinalizer(server.stop)
            servers.append(server.start())
        return servers

    return start


def login_form_token(http, base: str) -> str:
    match = CSRF_RE.search(http.get(base + "/login/").text)
    assert match, "no csrf token on the login form"
    return match.group(1)


def post_login(http, base: str, password: str, username: str = "teacher"):
    token = login_form_token(http, base)
    return http.post(base + "/login/", data={"username": username, "password": password, "csrf_token": token},
                     allow_redirects=False)


def test_login_on_one_server_is_valid_on_the_other(start_two):
    a, b = start_two()
    on_a = requests.Session()
    response = post_login(on_a, a.base, PASSWORD)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]

    on_b = requests.Session()
    on_b.cookies.set("session", on_a.cookies.get("session"))
    page = on_b.get(b.base + "/")
    assert page.status_code == 200
    assert "Вы вошли как" in page.text

    stranger = requests.Session()
    assert "Вы вошли как" not in stranger.get(b.base + "/").text


def test_a_logout_on_one_server_ends_the_session_on_the_other(start_two):
    """The login session is a database row (app/security/sessions.py): the other server's worker,
    which keeps the user's objects in its memory, still sees it ended."""
    a, b = start_two()
    on_a = requests.Session()
    post_login(on_a, a.base, PASSWORD)
    captured = on_a.cookies.get("session")
    on_b = requests.Session()
    on_b.cookies.set("session", captured)
    for _ in range(3):  # both of b's workers, most likely, keep the user by now
        assert "Вы вошли как" in on_b.get(b.base + "/").text
    on_a.get(a.base + "/logout/")
    for _ in range(3):
        assert "Вы вошли как" not in on_b.get(b.base + "/").text


def test_login_lockout_counts_failures_on_both_servers_without_redis(start_two):
    a, b = start_two(LOGIN_LOCKOUT_FAILURES=str(LIMIT))
    http = requests.Session()
    # LIMIT - 1 wrong passwords on A, one on B: B alone has seen a single attempt.
    for _ in range(LIMIT - 1):
        assert post_login(http, a.base, "wrong-password").status_code == 302
    assert post_login(http, b.base, "wrong-password").status_code == 302
    refused = post_login(http, b.base, "wrong-password")
    assert refused.status_code == 429 and "временно заблокирован" in refused.text
    assert post_login(http, a.base, PASSWORD).status_code == 429, "even the right password waits"


def test_the_address_ceiling_counts_on_both_servers_with_redis(start_two, redis_server):
    import redis

    a, b = start_two(RATELIMIT_STORAGE_URI=redis_server.url, AUTH_RATE_LIMIT_PER_IP=f"{LIMIT} per 10 minute")
    http = requests.Session()
    # Different login names (none is locked), LIMIT - 1 failures on A and one on B.
    for attempt in range(LIMIT - 1):
        assert post_login(http, a.base, "wrong-password", username=f"nobody{attempt}").status_code == 302
    assert post_login(http, b.base, "wrong-password", username="somebody").status_code == 302
    assert post_login(http, b.base, "wrong-password", username="anybody").status_code == 429
    keys = redis.Redis.from_url(redis_server.url).keys("*")
    assert keys, "the limiter's counters are in Redis"
