"""Diary visits per pupil and day, the monitoring indicator «посещения дневника».

A write adds the visits to the day's counter with one statement: INSERT … ON CONFLICT (pupil_id,
day) DO UPDATE SET visits = visits + excluded.visits, so two workers counting the same pupil at
the same moment cannot lose a visit or trip over the primary key.

The evening peak opens diaries hundreds of times a second. Each process therefore tallies its
visits (`VisitTally`) and writes them together once some seconds have passed since the oldest
unwritten one: one statement for all of them instead of one upsert and one commit per page. The
price: a worker killed outright loses the visits it counted in those seconds; a worker that stops
normally writes them as it exits (the view module registers that).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import Callable

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.models import DiaryVisit


def _upsert(insert):
    statement = insert(DiaryVisit).values(pupil_id=bindparam("pupil_id"), day=bindparam("day"),
                                          visits=bindparam("visits"))
    return statement.on_conflict_do_update(
        index_elements=[DiaryVisit.pupil_id, DiaryVisit.day],
        set_={"visits": DiaryVisit.visits + statement.excluded.visits},
    )


# Built once per dialect: every write of the tally runs it.
_UPSERTS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


def write_visits(target: Session | Connection, rows: list[dict]) -> None:
    """Add each row's `visits` to the counter of its (`pupil_id`, `day`), creating it when absent.

    `target` is a session or a connection; nothing is committed here, the caller owns the
    transaction. Only SQLite and PostgreSQL are supported (both have the upsert); another engine
    raises ValueError."""
    bind = target if isinstance(target, Connection) else target.get_bind(mapper=DiaryVisit.__mapper__)
    dialect = bind.dialect.name
    statement = _UPSERTS.get(dialect)
    if statement is None:
        raise ValueError(f"diary visits need SQLite or PostgreSQL, not {dialect}")
    if rows:
        target.execute(statement, rows)


def count_visit(target: Session | Connection, pupil_id: int, day: dt.date) -> None:
    """Add one visit of `pupil_id`'s diary on `day` at once (see write_visits)."""
    write_visits(target, [{"pupil_id": pupil_id, "day": day, "visits": 1}])


class VisitTally:
    """The visits this process counted and has not written yet, by pupil and day.

    `add` returns every unwritten visit as rows for write_visits once `seconds` have passed since
    the oldest of them (at once with `seconds` 0), and None while they may wait."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._visits: Counter[tuple[int, dt.date]] = Counter()
        self._oldest: float | None = None
        self._lock = threading.Lock()

    def add(self, pupil_id: int, day: dt.date) -> list[dict] | None:
        now = self._clock()
        with self._lock:
            self._visits[(pupil_id, day)] += 1
            if self._oldest is None:
                self._oldest = now
            if now - self._oldest < self.seconds:
                return None
            return self._take()

    def take(self) -> list[dict]:
        """Every unwritten visit, as rows for write_visits; the tally is then empty."""
        with self._lock:
            return self._take()

    def _take(self) -> list[dict]:
        rows = [{"pupil_id": pupil_id, "day": day, "visits": visits}
                for (pupil_id, day), visits in sorted(self._visits.items())]
        self._visits.clear()
        self._oldest = None
        return rows
