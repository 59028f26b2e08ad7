"""Migration 0015 turns the homework texts on lessons into homework rows due at the next lesson of the
same teaching assignment (a later day, not a cancelled lesson; without one, the day it was given),
on SQLite and on PostgreSQL; its downgrade puts the texts back on the lessons.

The rows are written at revision 0014 with plain SQL, as a database of that time holds them:
7А's mathematics (Mon 10.09, Thu 13.09, Mon 17.09 cancelled, Thu 20.09, a double lesson on Mon
24.09, the last of the calendar) and English of «Группа 1» (Tue 11.09, its only lesson)."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import PG_URL

ROWS = """
INSERT INTO municipality (id, name, kind) VALUES (1, 'Одинцовский муниципальный район', 'муниципальный район');
INSERT INTO school (id, municipality_id, name, short_name, kind, is_general_education)
    VALUES (1, 1, 'МБОУ СОШ № 1', 'СОШ № 1', 'СОШ', :yes);
INSERT INTO academic_year (id, name, starts_on, ends_on) VALUES (1, '2012/2013', :year_starts, :year_ends);
INSERT INTO class_group (id, school_id, academic_year_id, grade, letter, shift) VALUES (1, 1, 1, 7, 'А', 1);
INSERT INTO subgroup (id, class_group_id, name) VALUES (1, 1, 'Группа 1');
INSERT INTO subject (id, name, short_name) VALUES (1, 'Математика', 'Матем.'), (2, 'Английский язык', 'Англ.');
INSERT INTO staff (id, school_id, position, is_teacher, active, last_name, first_name)
    VALUES (1, 1, 'учитель', :yes, :yes, 'Иванова', 'Анна');
INSERT INTO teaching_assignment (id, class_group_id, subject_id, teacher_id, subgroup_id, hours_per_week)
    VALUES (1, 1, 1, 1, NULL, 4), (2, 1, 2, 1, 1, 3);
"""
# (id, assignment, date, number, cancelled, homework)
LESSONS = [
    (1, 1, dt.date(2012, 9, 10), 1, False, "№ 1"),
    (2, 1, dt.date(2012, 9, 13), 2, False, "№ 2\nупр. 3"),
    (3, 1, dt.date(2012, 9, 17), 1, True, None),
    (4, 1, dt.date(2012, 9, 20), 2, False, ""),
    (5, 1, dt.date(2012, 9, 24), 1, False, "№ 5"),
    (6, 1, dt.date(2012, 9, 24), 2, False, "№ 6"),
    (7, 2, dt.date(2012, 9, 11), 3, False, "Words"),
]
# (lesson id, class, subgroup, pupil, due, text)
CONVERTED = [
    (1, 1, None, None, dt.date(2012, 9, 13), "№ 1"),
    (2, 1, None, None, dt.date(2012, 9, 20), "№ 2\nупр. 3"),  # past the cancelled Monday
    (5, 1, None, None, dt.date(2012, 9, 24), "№ 5"),  # the calendar's last day: due the day it was given
    (6, 1, None, None, dt.date(2012, 9, 24), "№ 6"),
    (7, 1, 1, None, dt.date(2012, 9, 11), "Words"),  # the group's lesson: the group's task
]


def _write_rows_of_0014(connection) -> None:
    values = {"yes": True, "year_starts": dt.date(2012, 9, 1), "year_ends": dt.date(2013, 5, 31)}
    for statement in filter(str.strip, ROWS.split(";")):
        connection.execute(text(statement), values)
    for lesson_id, assignment, date, number, cancelled, homework in LESSONS:
        connection.execute(text(
            "INSERT INTO lesson (id, assignment_id, class_group_id, school_id, date, lesson_number, teacher_id, "
            "cancelled, homework, version) VALUES (:id, :a, 1, 1, :date, :number, 1, :cancelled, :homework, 1)"),
            {"id": lesson_id, "a": assignment, "date": date, "number": number, "cancelled": cancelled,
             "homework": homework})


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def check_conversion_and_back(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as connection:
            _write_rows_of_0014(connection)
        upgrade(revision="0015")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT lesson_id, class_group_id, subgroup_id, pupil_id, due_on, text, version FROM homework "
                "ORDER BY lesson_id")).all()
            columns = {column["name"] for column in inspect(connection).get_columns("lesson")}
        assert [(*row[:4], _as_date(row[4]), row[5]) for row in rows] == CONVERTED
        assert {row[6] for row in rows} == {1}
        assert "homework" not in columns and "topic" in columns

        downgrade(revision="0014")
        with db.engine.connect() as connection:
            restored = connection.execute(text("SELECT id, homework FROM lesson ORDER BY id")).all()
            tables = set(inspect(connection).get_table_names())
        assert [tuple(row) for row in restored] == [
            (1, "№ 1"), (2, "№ 2\nупр. 3"), (3, None), (4, None), (5, "№ 5"), (6, "№ 6"), (7, "Words")]
        assert not {"homework", "homework_file"} & tables
        db.session.remove()
        db.engine.dispose()


def test_sqlite_migration_turns_lesson_texts_into_homework_due_at_the_next_lesson(tmp_path):
    check_conversion_and_back(f"sqlite:///{tmp_path / 'migration.sqlite'}")


@pytest.fixture
def empty_pg_database(cluster_lock):
    """A database of its own beside the worker's (that one stays at the head for the other tests);
    made and dropped under the cluster lock, as CREATE and DROP DATABASE checkpoint the server."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
    url = make_url(PG_URL)
    name = f"{url.database}_homework_migration"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@pytest.mark.pg
def test_postgresql_migration_turns_lesson_texts_into_homework_due_at_the_next_lesson(empty_pg_database):
    check_conversion_and_back(empty_pg_database)
