"""Backup and restore (SQLite): every mark and every journal change comes back."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, text

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
