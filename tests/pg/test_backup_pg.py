"""Backup and restore on PostgreSQL: pg_dump (custom format) and pg_restore into a new database."""
from __future__ import annotations

import shutil
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url

from tests.web.test_backup import add_history, invoke_in, refusal, rows, tables

pytestmark = pytest.mark.pg


@pytest.fixture
def restore_url(pg_url, cluster_lock):
    """A second, empty database next to the test database, dropped afterwards."""
    url = make_url(pg_url)
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    # Not WITH (FORCE): that needs the right to end other roles' backends (autovacuum may be one).
    for attempt in range(20):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            break
        except OperationalError:
            time.sleep(0.5)
    admin.dispose()


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_postgresql_backup_restores_every_mark_and_change(app, session, world, runner, tmp_path, pg_url, restore_url):
    from app import create_app

    add_history(session, world)
    expected = rows(pg_url)
    assert len(expected[0]) == 4 and len(expected[1]) == 5
    backup = tmp_path / "journal.dump"
    result = runner.invoke(args=["backup", "create", "--out", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.read_bytes()[:5] == b"PGDMP"

    other = create_app({"SQLALCHEMY_DATABASE_URI": restore_url})
    result = invoke_in(other, ["backup", "restore", "--from", str(backup)])
    assert result.exit_code == 0, result.output
    assert rows(restore_url) == expected
    with other.app_context():
        from app.extensions import db

        db.engine.dispose()


def restore_into(url: str, source):
    from app import create_app
    from app.extensions import db

    other = create_app({"SQLALCHEMY_DATABASE_URI": url})
    result = invoke_in(other, ["backup", "restore", "--from", str(source)])
    with other.app_context():
        db.engine.dispose()
    return result


def test_restore_of_a_sqlite_backup_into_postgresql_is_refused(app, tmp_path, restore_url):
    sqlite_db = tmp_path / "journal.sqlite"
    sqlite_db.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    result = restore_into(restore_url, sqlite_db)
    assert refusal(result) == ("Это резервная копия SQLite, а база DATABASE_URL — PostgreSQL: "
                               "восстанавливайте её в базу SQLite.")
    assert tables(restore_url) == []


def test_restore_of_random_bytes_into_postgresql_is_refused(app, tmp_path, restore_url):
    junk = tmp_path / "journal.dump"
    junk.write_bytes(bytes(range(256)) * 64)
    result = restore_into(restore_url, junk)
    assert refusal(result) == "Это не резервная копия pg_dump (формат custom): файл повреждён или не тот."
    assert tables(restore_url) == []


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_restore_of_a_truncated_postgresql_backup_leaves_the_database_empty(app, session, world, runner, tmp_path,
                                                                             restore_url):
    add_history(session, world)
    backup = tmp_path / "journal.dump"
    assert runner.invoke(args=["backup", "create", "--out", str(backup)]).exit_code == 0
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    result = restore_into(restore_url, truncated)
    line = refusal(result)
    assert line.startswith("Резервная копия не восстановлена, база осталась пустой: pg_restore: error: "), line
    assert tables(restore_url) == []
