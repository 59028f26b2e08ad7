"""One-time codes: the first login of an account (a login slip or an e-mailed link) and a new
start for a person who forgot the password and has no e-mail.

A code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L), printed in groups of
four («K7QM-3XWD-9RTA», 60 random bits), single use, valid ACCOUNT_CODE_DAYS days (30 by
default). The table keeps only its SHA-256: with 60 random bits a plain hash is as safe as a
slow one, and a class's slips are made in one request. Issuing a code ends the account's
earlier unused codes. Typing a code is counted by the login lockout like a password."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.accounts.issue import record
from app.models import OneTimeCode

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4
DEFAULT_DAYS = 30


def normalize(typed: str | None) -> str:
    """What a person typed, as the code it means: upper case, without spaces and dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\u2010\u2011\u2012\u2013\u2014")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def new_code() -> str:
    """«K7QM-3XWD-9RTA»."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, LENGTH, GROUP))


def issue_codes(session: Session, user_ids: list[int], *, actor_id: int | None, now: dt.datetime,
                days: int = DEFAULT_DAYS, school_id: int | None = None) -> dict[int, str]:
    """A fresh code for each account (earlier unused codes of the account end now); returns
    {user id: code}, the only place the codes exist in clear. Records a «code_issued» event
    each. The caller checks the scope and commits."""
    if not user_ids:
        return {}
    connection = session.connection()
    table = OneTimeCode.__table__
    connection.execute(update(table).where(table.c.user_id.in_(user_ids), table.c.used_at.is_(None),
                                           table.c.expires_at > now).values(expires_at=now))
    logins = dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())
    codes: dict[int, str] = {}
    for user_id in user_ids:
        code = new_code()
        connection.execute(insert(table).values(user_id=user_id, code_hash=code_hash(code), created_at=now,
                                                expires_at=expiry(now, days), issued_by_id=actor_id))
        record(session, "code_issued", user_id=user_id, login=logins[user_id], actor_id=actor_id, now=now,
               school_id=school_id)
        codes[user_id] = code
    return codes


def expiry(now: dt.datetime, days: int) -> dt.datetime:
    """When a code issued at `now` for `days` days stops being valid."""
    return now + dt.timedelta(days=days)


def _valid(session: Session, login: str | None, typed: str | None, now: dt.datetime):
    """The code row (id, user_id, username) if `typed` is an unused, unexpired code of the active
    account `login` (compared case-blind), else None."""
    code = normalize(typed)
    if len(code) != LENGTH or not login:
        return None
    table = OneTimeCode.__table__
    return session.execute(
        select(table.c.id, User.id.label("user_id"), User.username)
        .join(User, User.id == table.c.user_id)
        .where(table.c.code_hash == code_hash(code), func.lower(User.username) == login.strip().lower(),
               User.active.is_(True), table.c.used_at.is_(None), table.c.expires_at > now)
    ).first()


def peek(session: Session, login: str | None, typed: str | None, now: dt.datetime) -> User | None:
    """The account `redeem` would give, without using the code up: an e-mailed link opens the
    password form first, so that a mail scanner that follows the link spends nothing."""
    row = _valid(session, login, typed, now)
    return None if row is None else session.get(User, row.user_id)


def redeem(session: Session, login: str | None, typed: str | None, now: dt.datetime) -> User | None:
    """The active account of `login` if `typed` is its unused, unexpired code, which is used up
    now (a «code_used» event); else None and nothing changes. The caller commits."""
    row = _valid(session, login, typed, now)
    if row is None:
        return None
    table = OneTimeCode.__table__
    used = session.connection().execute(update(table).where(table.c.id == row.id, table.c.used_at.is_(None))
                                        .values(used_at=now))
    if used.rowcount != 1:  # another request used it first
        return None
    record(session, "code_used", user_id=row.user_id, login=row.username, actor_id=row.user_id, now=now)
    return session.get(User, row.user_id)
