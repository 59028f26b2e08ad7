"""Where read-only pages read from: THE routing between the primary and the read replica.

Pages that tolerate a second of replication lag (diary, progress, charts, dashboards, reports)
query through `read_session()`; writes and pages that must see their own writes (the journal grid
after a save) use `db.session`, which is always the primary.

- Without DATABASE_REPLICA_URL, `read_session()` is `db.session`: one database, nothing to route.
- With it, `read_session()` is a session on the replica engine (one engine per app, kept in
  `app.extensions["reading"]`), one session per app context (a request), closed at its teardown.
- A replica that cannot be reached must not take pages down: the connection is checked when the
  session is handed out (pool_pre_ping, short connect timeout); on failure the page reads from the
  primary, and for REPLICA_RETRY_SECONDS every request goes straight to the primary (a circuit
  breaker), so a dead replica costs one timeout per period, not one per request.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
_G_KEY = "_read_session"


class ReplicaRouter:
    """The replica engine of one app and the breaker that remembers it was unreachable."""

    def __init__(self, url: str, *, connect_timeout: int, retry_seconds: float, pool_options: dict | None = None):
        self.url = make_url(url)
        self.retry_seconds = retry_seconds
        self._down_until = 0.0
        self._lock = threading.Lock()
        options = {"pool_pre_ping": True, **(pool_options or {})}
        if self.url.get_backend_name() == "postgresql":
            # Reads only: a replica URL pointed at a primary by mistake still refuses writes.
            options["connect_args"] = {
                "connect_timeout": connect_timeout,
                "options": "-c default_transaction_read_only=on",
            }
        self.engine: Engine = create_engine(self.url, **options)
        # A replica dying in the middle of a request opens the breaker for the next ones.
        event.listen(self.engine, "handle_error", self._on_error)

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def mark_down(self, reason: str) -> None:
        with self._lock:
            was_up = self.available
            self._down_until = time.monotonic() + self.retry_seconds
        if was_up:
            log.warning(
                "read replica %s unreachable (%s): reading from the primary for %ss",
                self.url.render_as_string(hide_password=True), reason, self.retry_seconds,
            )

    def _on_error(self, context) -> None:
        if context.is_disconnect:
            self.mark_down(type(context.original_exception).__name__)

    def open_session(self) -> Session | None:
        """A session with a live replica connection, or None when the replica is (known) down."""
        if not self.available:
            return None
        session = Session(bind=self.engine, autoflush=False)
        try:
            session.connection()  # checks a pooled connection out (pinged) or opens a new one
        except (DBAPIError, SQLAlchemyError) as error:
            session.close()
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            self.mark_down(reason[0] if reason else type(error).__name__)
            return None
        return session

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> None:
    """Create the replica engine (when configured) and close read sessions at teardown."""
    url = app.config.get("DATABASE_REPLICA_URL")
    if url:
        router = ReplicaRouter(
            url,
            connect_timeout=int(app.config.get("REPLICA_CONNECT_TIMEOUT", 2)),
            retry_seconds=float(app.config.get("REPLICA_RETRY_SECONDS", 30)),
            pool_options=app.config.get("REPLICA_ENGINE_OPTIONS"),
        )
        app.extensions["reading"] = router
        from app.observability import count_statements

        count_statements(router.engine, "replica")

    # A request closes its read session at its end; a CLI command or a test at its app context's.
    app.teardown_request(_close_read_session)
    app.teardown_appcontext(_close_read_session)


def _close_read_session(exc=None) -> None:
    session = g.pop(_G_KEY, None)
    if session is not None and session is not db.session:
        session.close()


def replica_router() -> ReplicaRouter | None:
    return current_app.extensions.get("reading")


def read_session() -> Session:
    """The session for read-only work that tolerates replication lag (see the module docstring)."""
    router = replica_router()
    if router is None:
        return db.session
    session = g.get(_G_KEY)
    if session is None:
        session = router.open_session() or db.session
        g.setdefault(_G_KEY, session)
    return session
