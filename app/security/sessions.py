"""Login sessions kept on the server: THE rule of when a signed cookie or JWT still counts.

Flask's session cookie and the API's JWTs are signed, not stored, so without this a cookie
captured before a logout, or a token issued before a password change, stayed good for its whole
lifetime. Each login (web form or API) starts a `user_session` row; the browser's session or the
JWTs carry its random key, the table only the key's SHA-256. A request counts while its row is
open (not ended) and was seen within the session lifetime:

- a logout ends its own row;
- any change of a user's password (own, by the administrator, `flask fab reset-password`: any
  ORM write of ab_user.password, see `watch_password_changes`) ends all of the user's rows and
  stamps `user_credentials.changed_at`; a JWT issued before that second is refused as well;
- rows unseen for longer than the lifetime are deleted at the user's next login.

The check is two primary-key lookups added to the statement that loads the request's user
(app.security.manager.SecurityManager.load_user): no statement of its own. `last_seen_at` is
written at most once per LAST_SEEN_STEP per session, on a connection of its own.

Times are naive UTC datetimes; callers pass `now` (`utcnow()`)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import ColumnElement, bindparam, delete, event, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.clock import now as _utc_now
from app.models import UserCredentials, UserSession

LAST_SEEN_STEP = dt.timedelta(minutes=5)
# Where the browser's (signed) Flask session keeps the key of its login session.
BROWSER_SESSION_KEY = "_login_session"
# Where it keeps the id of a user who logged in with a one-time code and has yet to set a password
# (app.security.manager; every page sends them to «Задайте пароль» until then, app.views.accounts).
BROWSER_PASSWORD_TO_SET = "_password_to_set"
_sessions = UserSession.__table__
_credentials = UserCredentials.__table__


def utcnow() -> dt.datetime:
    """The current time in UTC, naive (app.clock's technical time, which tests may not shift)."""
    return _utc_now()


def key_hash(key: str | None) -> str | None:
    """What the table stores of a session key (hex SHA-256); None for no key."""
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def start_session(session: Session, user_id: int, via: str, now: dt.datetime, lifetime: dt.timedelta) -> str:
    """A new open session of `user_id` ("web" or "api"); returns its key (43 URL-safe characters,
    256 random bits), which only the browser or the JWTs keep. The caller commits. The user's
    rows unseen for longer than `lifetime` go, so the table holds about the live sessions."""
    connection = session.connection()
    connection.execute(delete(_sessions).where(_sessions.c.user_id == user_id,
                                               _sessions.c.last_seen_at < now - lifetime))
    key = secrets.token_urlsafe(32)
    connection.execute(insert(_sessions).values(key_hash=key_hash(key), user_id=user_id, via=via, created_at=now,
                                                last_seen_at=now, ended_at=None))
    return key


def end_session(session: Session | Connection, key: str | None, now: dt.datetime) -> bool:
    """Ends the session of `key`; False when there was no open one. The caller commits."""
    if not key:
        return False
    connection = session.connection() if isinstance(session, Session) else session
    ended = connection.execute(update(_sessions).where(_sessions.c.key_hash == key_hash(key),
                                                       _sessions.c.ended_at.is_(None)).values(ended_at=now))
    return ended.rowcount > 0


def end_user_sessions(connection: Connection, user_id: int, now: dt.datetime) -> int:
    """The user's credentials changed at `now`: every open session of the user ends and JWTs
    issued before `now` count no more. Returns the number of sessions ended. The caller commits."""
    ended = connection.execute(update(_sessions).where(_sessions.c.user_id == user_id, _sessions.c.ended_at.is_(None))
                               .values(ended_at=now)).rowcount
    stamped = connection.execute(update(_credentials).where(_credentials.c.user_id == user_id)
                                 .values(changed_at=now)).rowcount
    if not stamped:
        connection.execute(insert(_credentials).values(user_id=user_id, changed_at=now))
    return ended


def session_seen(user_id: ColumnElement) -> ColumnElement:
    """A column for the user-loading statement: when the open session whose key hash is bound as
    `session_key` and which belongs to `user_id` was last seen; NULL when it is ended, unknown or
    someone else's. One lookup by primary key."""
    return (select(_sessions.c.last_seen_at)
            .where(_sessions.c.key_hash == bindparam("session_key"), _sessions.c.user_id == user_id,
                   _sessions.c.ended_at.is_(None))
            .scalar_subquery())


def credentials_changed(user_id: ColumnElement) -> ColumnElement:
    """A column for the user-loading statement: when the user's password last changed, or NULL.
    One lookup by primary key."""
    return select(_credentials.c.changed_at).where(_credentials.c.user_id == user_id).scalar_subquery()


def session_counts(last_seen: dt.datetime | None, changed_at: dt.datetime | None, issued_at: int | None,
                   now: dt.datetime, lifetime: dt.timedelta) -> bool:
    """Whether a request on a session (its `last_seen`, NULL when not open) counts.

    `issued_at` is a JWT's `iat` (whole seconds since the epoch, None for a cookie): a token must
    not be older than the last password change, compared by whole seconds (`iat` has no
    fraction; a token issued in the second of the change belongs to the fresh session anyway,
    the old ones being ended)."""
    if last_seen is None or now - last_seen > lifetime:
        return False
    if issued_at is not None and changed_at is not None:
        return issued_at >= int(changed_at.replace(tzinfo=dt.timezone.utc).timestamp())
    return True


def needs_touch(last_seen: dt.datetime, now: dt.datetime) -> bool:
    return now - last_seen >= LAST_SEEN_STEP


def touch(connection: Connection, key: str, now: dt.datetime) -> None:
    """Records that the session of `key` was seen at `now` (the caller's own transaction)."""
    connection.execute(update(_sessions).where(_sessions.c.key_hash == key_hash(key)).values(last_seen_at=now))


def _ended_on_password_change(session: Session, flush_context, instances) -> None:
    changed = [user.id for user in session.dirty
               if isinstance(user, User) and user.id is not None and inspect(user).attrs.password.history.has_changes()]
    if changed:
        now, connection = utcnow(), session.connection()
        for user_id in changed:
            end_user_sessions(connection, user_id, now)


def watch_password_changes() -> None:
    """From now on, every flush that changes a user's password ends the user's sessions in the
    same transaction: FAB sets passwords in several places (own change, the administrator's reset,
    its CLI, its user API), all through the ORM."""
    if not event.contains(Session, "before_flush", _ended_on_password_change):
        event.listen(Session, "before_flush", _ended_on_password_change)

