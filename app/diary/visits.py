"""Diary visits per pupil and day, the monitoring indicator «посещения дневника».

A visit costs one statement: INSERT … ON CONFLICT (pupil_id, day) DO UPDATE SET visits = visits + 1,
so the evening peak adds no read-modify-write round trips and two workers counting the same
pupil at the same moment cannot lose a visit or trip over the primary key.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.models import DiaryVisit

def _upsert(insert):
    return insert(DiaryVisit).values(pupil_id=bindparam("pupil_id"), day=bindparam("day"), visits=1).on_conflict_do_update(
        index_elements=[DiaryVisit.pupil_id, DiaryVisit.day],
        set_={"visits": DiaryVisit.visits + 1},
    )


# Built once per dialect: every family page view runs it.
_UPSERTS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


def count_visit(target: Session | Connection, pupil_id: int, day: dt.date) -> None:
    """Add one visit of `pupil_id`'s diary on `day` (creating the day's counter at 1).

    `target` is a session or a connection; nothing is committed here, the caller owns the
    transaction. Only SQLite and PostgreSQL are supported (both have the upsert); another
    engine raises ValueError."""
    bind = target if isinstance(target, Connection) else target.get_bind(mapper=DiaryVisit.__mapper__)
    dialect = bind.dialect.name
    statement = _UPSERTS.get(dialect)
    if statement is None:
        raise ValueError(f"diary visits need SQLite or PostgreSQL, not {dialect}")
    target.execute(statement, {"pupil_id": pupil_id, "day": day})
