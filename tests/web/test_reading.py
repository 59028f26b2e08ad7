"""read_session() without a replica, and with one that cannot be reached (no PostgreSQL needed:
the replica URL points at a closed local port). The routing to a live replica: tests/pg/test_replica.py."""
import pytest

from app import create_app
from app.extensions import db
from app.replica import read_session, replica_router
from tests.ops_helpers import free_port


def test_without_a_replica_reads_use_the_primary_session(app):
    assert replica_router() is None
    assert read_session() is db.session


@pytest.fixture
def app_with_dead_replica(database_url):
    dead = f"postgresql+psycopg://journal:secret@127.0.0.1:{free_port()}/journal"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DATABASE_REPLICA_URL": dead,
                      "REPLICA_CONNECT_TIMEOUT": 1, "REPLICA_RETRY_SECONDS": 60})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
        replica_router().dispose()


def test_unreachable_replica_falls_back_to_the_primary_and_opens_the_breaker(app_with_dead_replica, caplog):
    router = replica_router()
    assert router.available
    assert read_session() is db.session
    assert not router.available, "later requests skip the dead replica for REPLICA_RETRY_SECONDS"
    warnings = [r for r in caplog.records if r.name == "app.replica"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    assert "secret" not in warnings[0].getMessage(), "the replica password stays out of the log"


def test_pages_reading_through_a_dead_replica_still_answer(app_with_dead_replica):
    from flask import jsonify
    from sqlalchemy import text

    # Added before the first request, so Flask accepts the rule.
    app_with_dead_replica.add_url_rule(
        "/_test/read", "read", lambda: jsonify(one=read_session().execute(text("SELECT 1")).scalar()))
    client = app_with_dead_replica.test_client()
    for _ in range(2):
        response = client.get("/_test/read")
        assert response.status_code == 200 and response.get_json() == {"one": 1}
