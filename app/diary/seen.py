"""«Новое» in the diary: what changed since the user's last visit of a child's diary.

A visit is a run of views of the diary's week no more than VISIT_GAP apart. Marks entered or
changed, and homework set or changed, after the previous visit's last view are new, and stay new
through the whole of the current visit (a reload does not wipe them). One `DiarySeen` row per user
and child holds `seen_at` (the latest view) and `new_since` (where the current visit's "new"
starts); a first visit shows nothing as new.

Cost, declared for the bench case «diary week (parent)» (bench/RESULTS.md): the row is read with
the week's lessons and with its homework (two uncorrelated scalar subqueries in each of
app.diary.week's two statements, no statement of its own) and written by one upsert per view
(`mark_seen`): one statement per page.
Times are the region's, as Mark.changed_at and Homework.changed_at are (app.clock.region_now).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.models import DiarySeen

VISIT_GAP = dt.timedelta(minutes=30)


def new_since(seen_at: dt.datetime | None, since: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """Where "new" starts for a view at `now`, given the stored row (`seen_at`, `new_since`; None
    without a row: nothing is new). A view more than VISIT_GAP after the latest starts a new visit:
    new is what came after that latest view."""
    if seen_at is None:
        return None
    return seen_at if seen_at < now - VISIT_GAP else since


def is_new(changed_at: dt.datetime | None, since: dt.datetime | None) -> bool:
    return since is not None and changed_at is not None and changed_at > since


def _upsert(insert):
    statement = insert(DiarySeen).values(user_id=bindparam("user_id"), pupil_id=bindparam("pupil_id"),
                                         seen_at=bindparam("now"), new_since=bindparam("now"))
    return statement.on_conflict_do_update(
        index_elements=[DiarySeen.user_id, DiarySeen.pupil_id],
        # Both expressions read the row as it was: the same rule as new_since() above.
        set_={"new_since": case((DiarySeen.seen_at < bindparam("visit_after"), DiarySeen.seen_at),
                                else_=DiarySeen.new_since),
              "seen_at": statement.excluded.seen_at},
    )


_UPSERTS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}

# The stored row, for the week's lesson statement to carry along (bind parameters user_id, pupil_id).
SEEN_AT = (select(DiarySeen.seen_at)
           .where(DiarySeen.user_id == bindparam("user_id"), DiarySeen.pupil_id == bindparam("pupil_id"))
           .scalar_subquery())
NEW_SINCE = (select(DiarySeen.new_since)
             .where(DiarySeen.user_id == bindparam("user_id"), DiarySeen.pupil_id == bindparam("pupil_id"))
             .scalar_subquery())


def mark_seen(connection: Connection, user_id: int, pupil_id: int, now: dt.datetime) -> None:
    """Record a view of `pupil_id`'s diary by `user_id` at `now`: one statement, not committed
    (the caller owns the transaction). SQLite and PostgreSQL only, as the diary's visit counter."""
    statement = _UPSERTS.get(connection.dialect.name)
    if statement is None:
        raise ValueError(f"diary stamps need SQLite or PostgreSQL, not {connection.dialect.name}")
    connection.execute(statement, {"user_id": user_id, "pupil_id": pupil_id, "now": now,
                                   "visit_after": now - VISIT_GAP})
