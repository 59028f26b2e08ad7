"""Diary visits: one row per pupil and day, written by one upsert for any number of visits, on
SQLite and PostgreSQL; the process's tally holds them until they are due."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from app.diary.visits import VisitTally, count_visit, write_visits
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
    # A tally's write: counts added to existing counters and new counters created, in one go.
    write_visits(session, [{"pupil_id": first, "day": DAY, "visits": 4},
                           {"pupil_id": second, "day": DAY + dt.timedelta(days=2), "visits": 2}])
    session.commit()
    assert visits(session) == sorted([
        (first, DAY, 7), (first, DAY + dt.timedelta(days=1), 1), (second, DAY, 1),
        (second, DAY + dt.timedelta(days=2), 2)])


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


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_tally_holds_visits_until_the_oldest_has_waited_its_seconds():
    clock = FakeClock()
    tally = VisitTally(2, clock)
    assert tally.add(1, DAY) is None
    clock.now += 1.5
    assert tally.add(1, DAY) is None and tally.add(2, DAY) is None
    clock.now += 0.5
    assert tally.add(1, DAY + dt.timedelta(days=1)) == [
        {"pupil_id": 1, "day": DAY, "visits": 2}, {"pupil_id": 1, "day": DAY + dt.timedelta(days=1), "visits": 1},
        {"pupil_id": 2, "day": DAY, "visits": 1}]
    assert tally.take() == [], "what was handed out is no longer held"
    clock.now += 10
    assert tally.add(3, DAY) is None, "the wait starts again with the next visit"
    assert tally.take() == [{"pupil_id": 3, "day": DAY, "visits": 1}]


def test_a_tally_without_delay_hands_out_each_visit():
    tally = VisitTally(0)
    assert tally.add(5, DAY) == [{"pupil_id": 5, "day": DAY, "visits": 1}]
    assert tally.add(5, DAY) == [{"pupil_id": 5, "day": DAY, "visits": 1}]
