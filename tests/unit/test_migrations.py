"""The schema comes only from Alembic, and the migrations match the models on both engines."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import create_engine, inspect

from app.name_search import is_name_index
from app.startup import head_revision


def _differences(url: str):
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, reflected, compare_to:
                not (reflected and compare_to is None and is_name_index(name))})
        diff = compare_metadata(context, Model.metadata)
        tables = set(inspect(connection).get_table_names())
        revision = context.get_current_revision()
    engine.dispose()
    return diff, tables, revision


def test_sqlite_migrations_match_models(app, database_url):
    diff, tables, revision = _differences(database_url)
    assert diff == [], f"models and migrations differ on SQLite: {diff}"
    assert revision == head_revision()
    assert {"ab_user", "ab_role", "mark", "lesson", "usage_snapshot", "journal_change"} <= tables


@pytest.mark.pg
def test_postgresql_migrations_match_models(app, database_url):
    assert database_url.startswith("postgresql")
    diff, tables, revision = _differences(database_url)
    assert diff == [], f"models and migrations differ on PostgreSQL: {diff}"
    assert revision == head_revision()
    assert {"ab_user", "mark", "usage_snapshot"} <= tables


def test_app_does_not_create_tables_itself(app):
    assert app.config["FAB_CREATE_DB"] is False


def test_db_check_command_reports_no_difference(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
