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
