"""One JSON line per request with who, what, how long and how many SQL statements."""
import pytest

from app import create_app
from app.extensions import db
from tests.ops_helpers import captured_request_log


def test_request_line_names_user_role_route_status_and_duration(world, as_user):
    client = as_user("teacher")
    with captured_request_log() as log:
        response = client.get("/", headers={"X-Request-ID": "balancer-42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "balancer-42"
    (line,) = log.for_path("/")
    assert line["request_id"] == "balancer-42"
    assert line["user_id"] == world.users["teacher"].id
    assert line["role"] == "Учитель"
    assert line["route"] == "/"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["sql"] == line["sql_primary"] + line["sql_replica"]
    assert line["level"] == "INFO" and line["slow"] is False


def test_anonymous_request_gets_a_generated_request_id(client):
    with captured_request_log() as log:
        response = client.get("/login/", headers={"X-Request-ID": "not a valid id; drop table"})
    (line,) = log.for_path("/login/")
    assert line["request_id"] != "not a valid id; drop table"
    assert len(line["request_id"]) == 32
    assert response.headers["X-Request-ID"] == line["request_id"]
    assert line["user_id"] is None and line["role"] is None
    assert line["endpoint"] == "AuthDBView.login"


def test_missing_page_is_logged_with_its_status(client):
    with captured_request_log() as log:
        client.get("/no-such-page")
    (line,) = log.for_path("/no-such-page")
    assert line["status"] == 404 and line["route"] is None


def test_slow_request_is_a_warning_with_its_sql_count(database_url):
    from tests.factories import build_world
    from tests.conftest import login

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SLOW_REQUEST_MS": -1})
    with app.app_context():
        build_world(db.session, app.appbuilder.sm)
        client = app.test_client()
        login(client, "teacher")
        with captured_request_log() as log:
            client.get("/")
        db.session.remove()
        db.engine.dispose()
    (line,) = log.for_path("/")
    assert line["level"] == "WARNING"
    assert line["message"] == "slow request" and line["slow"] is True
    assert line["sql"] > 0 and line["sql_primary"] == line["sql"]


def test_health_probes_are_not_logged_when_healthy(client):
    with captured_request_log() as log:
        client.get("/health")
    assert log.for_path("/health") == []
