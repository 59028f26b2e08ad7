"""Settings every PostgreSQL connection of the app gets (app/extensions.py)."""
import pytest
from sqlalchemy import text

pytestmark = pytest.mark.pg


def test_connections_run_without_jit(app, session):
    assert session.execute(text("SHOW jit")).scalar() == "off"
    # A pooled connection handed out again keeps the setting.
    session.commit()
    session.close()
    assert session.execute(text("SHOW jit")).scalar() == "off"


def prepared_statements(connection) -> int:
    return connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()


def test_a_transaction_that_only_read_keeps_the_prepared_statements(app, session):
    with session.get_bind().connect() as connection:
        for _ in range(7):  # psycopg prepares a statement at its sixth run
            assert connection.execute(text("SELECT name FROM ab_role WHERE id = :id"), {"id": 1}).all() is not None
            connection.rollback()
        assert prepared_statements(connection) == 1
        connection.rollback()
        assert prepared_statements(connection) == 1


def test_a_transaction_that_wrote_is_still_rolled_back(app, session):
    with session.get_bind().connect() as connection:
        connection.execute(text("INSERT INTO academic_year (name, starts_on, ends_on) "
                                "VALUES ('2099/2100', '2099-09-01', '2100-05-31')"))
        connection.rollback()
        assert connection.execute(text("SELECT count(*) FROM academic_year WHERE name = '2099/2100'")).scalar() == 0
        connection.rollback()
        # A failed statement: the transaction is aborted, and rolling it back leaves the connection usable.
        with pytest.raises(Exception):
            connection.execute(text("SELECT no_such_column FROM ab_role"))
        connection.rollback()
        assert connection.execute(text("SELECT 1")).scalar() == 1
