"""Temporary lockout of a login name after repeated failed logins, counted in the database.

A count kept in process memory is a count per gunicorn worker (two workers let 20 wrong passwords
through instead of 10); the table login_attempt is shared by every worker and server. The lock is
per login name, so a pupil typing wrong passwords locks only the name typed, never a teacher at
the same computer, and it is temporary: it ends by itself. Unknown names are counted and locked
like known ones, so a refusal does not tell which logins exist.

Times are naive UTC datetimes (app.clock.now). The caller commits.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import LoginAttempt

LOGIN_KEY_LENGTH = 256
# Not part of any login; PostgreSQL refuses a NUL in a text.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class LockoutPolicy:
    """`failures` failures of one name within `window` (counted from the first of them) lock the
    name for `lock_for`."""

    failures: int = 10
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock_for: dt.timedelta = dt.timedelta(minutes=15)


def login_key(name: str | None) -> str:
    """The name failures are counted under: as typed, trimmed and in lower case (logins are
    matched case-blind), without control characters (PostgreSQL stores no NUL), cut to the
    column's length. Empty for an empty name."""
    return CONTROL.sub("", str(name or "")).strip().lower()[:LOGIN_KEY_LENGTH]


def locked_until(session: Session, name: str | None, now: dt.datetime) -> dt.datetime | None:
    """When the lock of `name` ends, or None when the name is not locked at `now`."""
    until = session.execute(select(LoginAttempt.locked_until).where(LoginAttempt.login == login_key(name))).scalar()
    return until if until is not None and until > now else None


def record_failure(session: Session, name: str | None, now: dt.datetime, policy: LockoutPolicy) -> dt.datetime | None:
    """Count a failed login of `name` at `now`; returns when the lock ends if this failure locked
    the name, else None. One statement (an upsert), so concurrent failures on several workers are
    all counted. Failures older than the window, or from before an ended lock, start the count
    afresh."""
    key = login_key(name)
    if not key:
        return None
    table = LoginAttempt.__table__
    lock_end = now + policy.lock_for
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    stale = or_(table.c.first_failed_at <= now - policy.window,
                and_(table.c.locked_until.is_not(None), table.c.locked_until <= now))
    failures = case((stale, 1), else_=table.c.failures + 1)
    statement = insert.values(
        login=key, failures=1, first_failed_at=now, locked_until=lock_end if policy.failures <= 1 else None,
    ).on_conflict_do_update(
        index_elements=[table.c.login],
        set_={
            "failures": failures,
            "first_failed_at": case((stale, now), else_=table.c.first_failed_at),
            "locked_until": case((failures >= policy.failures, lock_end), (stale, None), else_=table.c.locked_until),
        },
    ).returning(table.c.locked_until)
    return session.execute(statement).scalar()


def record_success(session: Session, name: str | None) -> None:
    """A successful login of `name` forgets its failures."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.login == login_key(name)))


def minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes until `until`, rounded up (a lock ending in 30 seconds is «1 мин»)."""
    return max(1, math.ceil((until - now).total_seconds() / 60))
