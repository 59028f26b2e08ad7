"""/health: what the balancer asks before sending a host traffic."""
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

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
    assert response.get_json() == {"status": "unavailable", "problem": "Схема базы данных не соответствует версии "
                                   "программы: выполните «flask --app app db upgrade»."}


def test_health_is_unavailable_when_database_has_no_schema(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    with app.app_context():
        response = app.test_client().get("/health")
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable",
                                   "problem": "База данных недоступна или в ней нет схемы журнала."}


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


def health_of(url: str):
    """/health of a fresh app on `url` (its own engine, disposed afterwards)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        response = app.test_client().get("/health")
        db.session.remove()
        db.engine.dispose()
    return response


def database_files(database_url: str) -> dict[str, bytes]:
    path = Path(make_url(database_url).database)
    return {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}


READ_ONLY = ("База данных открыта только для чтения: запись отметок невозможна. Проверьте права на файл базы "
             "или режим сервера PostgreSQL (реплика, default_transaction_read_only).")


def test_health_is_unavailable_when_sqlite_file_is_read_only(database_url):
    # mode=ro opens the file as a read-only volume or a file without write permission would (root ignores chmod).
    path = make_url(database_url).database
    response = health_of(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "problem": READ_ONLY}


def test_health_check_of_a_writable_database_writes_nothing(database_url):
    before = database_files(database_url)
    assert health_of(database_url).status_code == 200
    assert database_files(database_url) == before


@pytest.mark.pg
def test_health_is_unavailable_when_postgresql_is_read_only(pg_url):
    read_only = make_url(pg_url).update_query_dict({"options": "-c default_transaction_read_only=on"})
    response = health_of(read_only.render_as_string(hide_password=False))
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "problem": READ_ONLY}
    assert health_of(pg_url).status_code == 200
