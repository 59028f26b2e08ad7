"""Scopes, permissions and catalogues kept per process (app/reference_cache.py) never outlive a
change: the next request after a write to their tables — through the app, or from another
connection such as another worker or psql — sees the new rows. On both engines."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import create_engine, inspect, text

from app.diary.pupils import children
from app.diary.week import load_calendar
from app.journal.catalogue import load_catalogue
from app.models import AbsenceCode
from app.security import roles as R
from app.security.scope import load_scope
from tests.diary_helpers import MONDAY, build_diary_week
from tests.statements import recorded_statements
from tests.web.test_scope_lists import listed_ids

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
TABLES = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")
# Read with every request (app.security.manager.load_user) and part of the cache's key.
LOADED_WITH_THE_USER = {"ab_user", "ab_user_role"}


def write_elsewhere(database_url, sql, **params):
    """A write from another connection: another worker, another host, or psql."""
    other = create_engine(database_url)
    try:
        with other.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        other.dispose()


def parent_reading_a_diary(session, world, as_user):
    """The parent signed in, with a week of the child's journal recorded."""
    build_diary_week(session, world)
    session.commit()
    return as_user("parent")


def tables_read(statements) -> set[str]:
    return {name for statement in statements for name in TABLES.findall(statement)}


def triggered_tables(session) -> dict[str, set[str]]:
    """Table -> the kinds of write that bump the reference version."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        rows = session.execute(text(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE action_statement LIKE '%bump_reference_version%'"))
        found: dict[str, set[str]] = {}
        for table, event in rows:
            found.setdefault(table, set()).add(event.lower())
        return found
    found = {}
    for table, sql in session.execute(text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")):
        if "reference_version" in sql:
            event = re.search(r"AFTER (INSERT|UPDATE|DELETE) ON", sql).group(1).lower()
            found.setdefault(table, set()).add(event)
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_every_table_a_cached_value_is_read_from_bumps_the_version(app, session, world, engine):
    sm = app.appbuilder.sm
    with recorded_statements(session.get_bind()) as statements:
        for user in world.users.values():
            children(session, load_scope(session, user))
        load_catalogue(session)
        load_calendar(session, world.school_a.id)
        sm._load_role_permissions(tuple(role.id for role in sm.get_all_roles()))
    read = tables_read(statements) - LOADED_WITH_THE_USER
    assert {"user_scope", "staff", "pupil", "guardian", "guardian_link", "mark_type", "absence_code",
            "ab_permission_view_role", "study_period", "holiday", "bell_schedule", "class_group",
            "academic_year"} <= read, read
    triggered = triggered_tables(session)
    assert {table: triggered.get(table) for table in read} == {table: {"insert", "update", "delete"} for table in read}
    assert set(triggered) <= set(inspect(session.get_bind()).get_table_names())


@pytest.mark.parametrize("engine", ENGINES)
def test_a_write_from_another_connection_reaches_the_next_request(world, as_user, session, database_url, engine):
    client = as_user("parent")
    sibling = world.sibling_a.id
    assert client.get(f"/diary/{sibling}/").status_code == 200
    assert client.get(f"/diary/{sibling}/").status_code == 200  # now from the process's cache
    session.commit()
    write_elsewhere(database_url, "DELETE FROM guardian_link WHERE pupil_id = :pupil", pupil=sibling)
    assert client.get(f"/diary/{sibling}/").status_code == 404
    assert client.get(f"/diary/{world.pupil_a.id}/").status_code == 200


@pytest.mark.parametrize("engine", ENGINES)
def test_a_holiday_and_new_bell_times_reach_the_next_diary_week(world, as_user, session, database_url, engine):
    client = parent_reading_a_diary(session, world, as_user)
    next_week = f"/diary/{world.pupil_a.id}/?date={(MONDAY + dt.timedelta(days=7)).isoformat()}"
    for _ in range(2):  # the second answer comes with the school's calendar from the process's cache
        page = client.get(next_week).get_data(as_text=True)
        assert "08:30–09:15" in page and "Каникулы" not in page
    other = create_engine(database_url)  # another worker, or psql
    try:
        with other.begin() as connection:
            connection.execute(text("UPDATE bell_schedule SET starts_at = '08:00:00', ends_at = '08:45:00' "
                                    "WHERE school_id = :school AND lesson_number = 1"), {"school": world.school_a.id})
        assert "08:00–08:45" in client.get(next_week).get_data(as_text=True)
        with other.begin() as connection:
            connection.execute(text(
                "INSERT INTO holiday (school_id, academic_year_id, name, starts_on, ends_on, grade_from, grade_to) "
                "VALUES (:school, :year, 'Карантин', :starts, :ends, 1, 11)"),
                {"school": world.school_a.id, "year": world.year.id, "starts": MONDAY + dt.timedelta(days=7),
                 "ends": MONDAY + dt.timedelta(days=13)})
    finally:
        other.dispose()
    assert "Каникулы: Карантин. Уроков на этой неделе нет." in client.get(next_week).get_data(as_text=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_renamed_class_reaches_the_next_diary_page(world, as_user, session, database_url, engine):
    client = as_user("parent")
    for _ in range(2):  # the second answer comes with the family's cards from the process's cache
        assert f"{world.class_a.grade}{world.class_a.letter} класс" in client.get("/diary/").get_data(as_text=True)
    session.commit()
    write_elsewhere(database_url, "UPDATE class_group SET letter = 'Я' WHERE id = :id", id=world.class_a.id)
    assert f"{world.class_a.grade}Я класс" in client.get("/diary/").get_data(as_text=True)


def test_a_new_absence_code_is_offered_on_the_next_grid(world, as_user, session):
    client = as_user("teacher")
    url = f"/journal/{world.lesson_a.assignment_id}/"
    assert "к — карантин" not in client.get(url).get_data(as_text=True)
    session.add(AbsenceCode(code="к", name="карантин", excused=True))
    session.commit()
    assert "к — карантин" in client.get(url).get_data(as_text=True)


def test_a_changed_role_changes_the_scope_on_the_next_request(app, world, as_user, session):
    client = as_user("municipal")
    assert listed_ids(client, "schoolview") == {world.school_a.id, world.school_a2.id}
    user = app.appbuilder.sm.find_user("municipal")
    user.roles = [app.appbuilder.sm.find_role(R.MINISTRY)]  # ab_user_role has no trigger: roles are part of the key
    session.commit()
    assert listed_ids(client, "schoolview") == {world.school_a.id, world.school_a2.id, world.school_b.id}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_renamed_study_period_reaches_the_next_progress_page(world, as_user, session, database_url, engine):
    """The progress page takes the school's periods from its cached calendar."""
    client = parent_reading_a_diary(session, world, as_user)
    url = f"/diary/{world.pupil_a.id}/progress/"
    for _ in range(2):  # the second answer comes with the calendar from the process's cache
        assert "Осенняя четверть" not in client.get(url).get_data(as_text=True)
    write_elsewhere(database_url, "UPDATE study_period SET name = 'Осенняя четверть' WHERE school_id = :school",
                    school=world.school_a.id)
    assert "Осенняя четверть" in client.get(url).get_data(as_text=True)
