"""Diary visits: one upsert per page view, one row per pupil and day, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from app.diary.visits import count_visit
from app.models import DiaryVisit
from tests.factories import make_catalogues, make_class, make_municipality, make_pupil, make_school, make_year

DAY = dt.date(2012, 9, 17)


def two_pupils(session):
    make_catalogues(session)
    school = make_school(session, make_municipality(session))
    cls = make_class(session, school, make_year(session))
    return make_pupil(session, cls), make_pupil(session, cls)


def visits(session):
    return sorted(tuple(r) for r in session.execute(select(DiaryVisit.pupil_id, DiaryVisit.day, DiaryVisit.visits)))


def check_counter(session):
    first, second = (pupil.id for pupil in two_pupils(session))
    session.commit()
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        count_visit(session, first, DAY)
        count_visit(session, first, DAY)
        count_visit(session, first, DAY)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 3 and all("ON CONFLICT" in s for s in statements)
    count_visit(session, first, DAY + dt.timedelta(days=1))
    count_visit(session, second, DAY)
    session.commit()
    assert visits(session) == sorted([
        (first, DAY, 3), (first, DAY + dt.timedelta(days=1), 1), (second, DAY, 1)])


def test_visit_counter_is_one_upsert_per_visit_on_sqlite(session):
    check_counter(session)


@pytest.mark.pg
def test_visit_counter_is_one_upsert_per_visit_on_postgresql(session):
    check_counter(session)


def test_visit_counter_on_its_own_connection(session):
    first, _second = (pupil.id for pupil in two_pupils(session))
    session.commit()
    engine = session.get_bind()
    for _ in range(2):
        with engine.begin() as connection:
            count_visit(connection, first, DAY)
    assert visits(session) == [(first, DAY, 2)]
