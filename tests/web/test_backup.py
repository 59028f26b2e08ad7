"""Backup and restore (SQLite): every mark and every journal change comes back."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from app.models import JournalChange, Mark
from tests.factories import make_mark


def add_history(session, world):
    """More marks and an append-only change record for each, like the journal writes them."""
    marks = [world.mark_a, world.mark_a_other, world.mark_b]
    types = {m.mark_type_id for m in marks}
    marks.append(make_mark(session, world.lesson_a, world.pupil_a, 4, marks[0].mark_type, position=1))
    for mark in marks:
        session.add(JournalChange(school_id=mark.lesson.school_id, entity="mark", entity_id=mark.id, action="create",
                                  lesson_id=mark.lesson_id, pupil_id=mark.pupil_id, new_value=str(mark.value),
                                  user_name="Иванова А.П.", ip_address="10.0.0.1",
                                  changed_at=dt.datetime(2012, 9, 10, 9, 30)))
    session.add(JournalChange(school_id=world.school_a.id, entity="mark", entity_id=marks[-1].id, action="update",
                              lesson_id=world.lesson_a.id, pupil_id=world.pupil_a.id, old_value="4", new_value="5",
                              reason="ошибка ввода", user_name="Иванова А.П.", changed_at=dt.datetime(2012, 9, 11, 8)))
    session.commit()
    assert types


def invoke_in(app, args):
    """Run a CLI command of `app`: Flask's runner would reuse the test's app context (other DB)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def rows(url: str):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            marks = set(connection.execute(text("SELECT id, lesson_id, pupil_id, value, mark_type_id FROM mark")))
            changes = set(connection.execute(text(
                "SELECT id, entity, entity_id, action, old_value, new_value, reason, user_name FROM journal_change")))
        return marks, changes
    finally:
        engine.dispose()


def test_sqlite_backup_restores_every_mark_and_change(app, session, world, runner, tmp_path, database_url):
    from app import create_app

    add_history(session, world)
    expected = rows(database_url)
    assert len(expected[0]) == 4 and len(expected[1]) == 5

    backup = tmp_path / "backups" / "journal-2012-09-11.sqlite"
    backup.parent.mkdir()
    result = runner.invoke(args=["backup", "create", "--out", str(backup)])
    assert result.exit_code == 0, result.output
    assert "Резервная копия сохранена" in result.output and backup.stat().st_size > 0

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    other = create_app({"SQLALCHEMY_DATABASE_URI": restored_url})
    result = invoke_in(other, ["backup", "restore", "--from", str(backup)])
    assert result.exit_code == 0, result.output
    assert rows(restored_url) == expected

    # restoring again over a database that now has data is refused, nothing changes
    result = invoke_in(other, ["backup", "restore", "--from", str(backup)])
    assert result.exit_code != 0 and "не пуста" in result.output
    assert rows(restored_url) == expected


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    from app import create_app

    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"=HYPERLINK(\"http://x\")\n" * 10)
    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite'}"})
    result = invoke_in(other, ["backup", "restore", "--from", str(junk)])
    assert result.exit_code != 0 and "Это не резервная копия SQLite" in result.output
    result = invoke_in(other, ["backup", "restore", "--from", str(tmp_path / "missing")])
    assert result.exit_code != 0 and "не найден" in result.output


def test_backup_of_a_live_database_is_consistent(app, session, world, tmp_path, database_url):
    """The online backup API copies a snapshot while a connection holds the database open."""
    from app.backup.core import create_backup

    add_history(session, world)
    session.query(Mark).first()  # an open read transaction in this session
    path = create_backup(database_url, tmp_path / "live.sqlite")
    assert rows(f"sqlite:///{path}") == rows(database_url)


def refusal(result) -> str:
    """The one line a refused backup command prints: on stderr, exit status 1, no traceback.

    CliRunner swallows an uncaught exception (which the real command would print as a
    traceback) into result.exception: only a deliberate exit leaves a SystemExit there."""
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.fixture
def unwritable_folder(tmp_path) -> Path:
    """A folder the user may not create files in. Root ignores permission bits; sysfs refuses it new files."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    return folder


def test_backup_into_a_missing_folder_is_refused(app, runner, tmp_path):
    # An unmounted backup disk must not turn into a folder on the system disk.
    missing = tmp_path / "mnt" / "backups"
    result = runner.invoke(args=["backup", "create", "--out", str(missing / "journal.sqlite")])
    assert refusal(result) == (f"Папка для резервной копии не найдена: {missing}. "
                               "Создайте её (или подключите диск) и повторите.")
    assert not missing.parent.exists()

    not_a_folder = tmp_path / "journal.sqlite"
    not_a_folder.write_bytes(b"")
    result = runner.invoke(args=["backup", "create", "--out", str(not_a_folder / "journal.sqlite")])
    assert refusal(result) == (f"Папка для резервной копии не найдена: {not_a_folder}. "
                               "Создайте её (или подключите диск) и повторите.")


def test_backup_into_an_unwritable_folder_is_refused(app, runner, unwritable_folder):
    before = sorted(p.name for p in unwritable_folder.iterdir())
    result = runner.invoke(args=["backup", "create", "--out", str(unwritable_folder / "journal.sqlite")])
    assert refusal(result) == (f"Нет права записи в папку {unwritable_folder}: выберите другую папку "
                               "или дайте право записи пользователю, от имени которого работает журнал.")
    assert sorted(p.name for p in unwritable_folder.iterdir()) == before


def restore_into_new_sqlite(tmp_path, source: Path):
    from app import create_app

    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    result = invoke_in(create_app({"SQLALCHEMY_DATABASE_URI": url}), ["backup", "restore", "--from", str(source)])
    return result, url


def test_restore_of_a_missing_file_is_refused(app, tmp_path):
    result, url = restore_into_new_sqlite(tmp_path, tmp_path / "journal-2012-09-11.sqlite")
    assert refusal(result) == f"Файл резервной копии не найден: {tmp_path / 'journal-2012-09-11.sqlite'}"
    assert tables(url) == []


def test_restore_of_random_bytes_is_refused(app, tmp_path):
    junk = tmp_path / "journal.sqlite"
    junk.write_bytes(bytes(range(256)) * 64)
    result, url = restore_into_new_sqlite(tmp_path, junk)
    assert refusal(result) == "Это не резервная копия SQLite: файл повреждён или не тот."
    assert tables(url) == []


def test_restore_of_a_truncated_backup_is_refused(app, runner, tmp_path):
    backup = tmp_path / "journal.sqlite"
    assert runner.invoke(args=["backup", "create", "--out", str(backup)]).exit_code == 0
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(backup.read_bytes()[:64 * 1024])  # an interrupted copy: the header and the first pages
    result, url = restore_into_new_sqlite(tmp_path, truncated)
    assert refusal(result) == "Резервная копия повреждена (файл обрезан или испорчен): восстановите другую копию."
    assert tables(url) == []


def test_restore_of_a_postgresql_backup_into_sqlite_is_refused(app, tmp_path):
    dump = tmp_path / "journal.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01" + bytes(200))
    result, url = restore_into_new_sqlite(tmp_path, dump)
    assert refusal(result) == ("Это резервная копия PostgreSQL (pg_dump), а база DATABASE_URL — SQLite: "
                               "восстанавливайте её в базу PostgreSQL.")
    assert tables(url) == []
