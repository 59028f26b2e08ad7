"""/health: what the balancer asks before sending a host traffic."""
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db


def test_health_answers_ok_without_login_and_without_data(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_unavailable_when_database_is_behind_migrations(client, session):
    session.execute(text("UPDATE alembic_version SET version_num = 'older_revision'"))
    session.commit()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_health_is_unavailable_when_database_has_no_schema(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    with app.app_context():
        response = app.test_client().get("/health")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_health_is_not_rate_limited(database_url):
    # A default limit on every route must not take a healthy host out of the balancer.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_DEFAULT": "2 per hour"})
    with app.app_context():
        client = app.test_client()
        statuses = [client.get("/health").status_code for _ in range(5)]
        limited = [client.get("/login/").status_code for _ in range(3)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [200] * 5
    assert limited[-1] == 429, "the default limit is in force for other pages"
