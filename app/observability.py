"""What an operator sees: one JSON log line per request, slow requests with their SQL count.

Every request gets a request id (the balancer's X-Request-ID when it sends a sane one, otherwise
a new one), echoed in the response header so a user's complaint can be matched to a log line.
The line carries the user id and role, the route, method, status, duration and the number of SQL
statements sent to the primary and to the replica. Requests slower than SLOW_REQUEST_MS are
logged at WARNING with `"slow": true`. Balancer probes of /health are logged only when unhealthy.

LOG_FORMAT=json also switches the other log lines (errors with their tracebacks) to one-line JSON.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db

request_log = logging.getLogger("app.request")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# LogRecord attributes that are the record's own, not fields passed through `extra=`.
_RECORD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One line of JSON per record: time, level, logger, message, and every `extra=` field."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def count_statements(engine: Engine, role: str) -> None:
    """Count the statements `engine` sends during a request into g.sql[role] (primary/replica)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        counts = g.get("sql_counts") if _in_request() else None
        if counts is not None:
            counts[role] = counts.get(role, 0) + 1


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def _request_id() -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex


def _user_fields() -> tuple[int | None, str | None]:
    # Logging must not query: the user as the security manager loaded it (g.request_user), else
    # what Flask-Login holds (the login request) without touching attributes a commit has expired.
    if g.get("request_user"):
        return g.request_user
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    state = sa_inspect(user, raiseerr=False)
    if state is None:
        return getattr(user, "id", None), None
    roles = [] if "roles" in state.unloaded else user.roles
    return (state.identity[0] if state.identity else None), (roles[0].name if roles else None)


def _configure_logger(app: Flask) -> None:
    if not any(isinstance(h.formatter, JsonFormatter) for h in request_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        request_log.addHandler(handler)
    request_log.setLevel(logging.INFO)
    # Request lines are JSON on their own handler; the root's plain handler must not repeat them.
    request_log.propagate = False
    if app.config.get("LOG_FORMAT") == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())


def init_app(app: Flask) -> None:
    _configure_logger(app)
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        # Behind nginx the client address (rate limiter key, logs, journal history) is in
        # X-Forwarded-For; trust exactly as many hops as there are proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    with app.app_context():
        count_statements(db.engine, "primary")

    slow_ms = int(app.config.get("SLOW_REQUEST_MS", 500))

    def start_request():
        g.request_id = _request_id()
        g.request_started = time.perf_counter()
        g.sql_counts = {}

    # First of all before_request functions, so the duration covers FAB's own.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is None:  # the request failed before our first hook ran
            return response
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response.headers["X-Request-ID"] = g.request_id
        if request.endpoint == "health.health" and response.status_code == 200:
            return response
        counts = g.get("sql_counts") or {}
        user_id, role = _user_fields()
        slow = duration_ms > slow_ms
        fields = {
            "request_id": g.request_id,
            "user_id": user_id,
            "role": role,
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "endpoint": request.endpoint,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "sql": sum(counts.values()),
            "sql_primary": counts.get("primary", 0),
            "sql_replica": counts.get("replica", 0),
            "remote_addr": request.remote_addr,
            "slow": slow,
        }
        request_log.log(logging.WARNING if slow else logging.INFO,
                        "slow request" if slow else "request", extra=fields)
        return response

    from app import health

    health.init_app(app)
