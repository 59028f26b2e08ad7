"""`/health` for the balancer: 200 {"status": "ok"} when this app server can serve, else 503
{"status": "unavailable", "problem": "<what is wrong, in Russian>"}.

"Can serve" means: the primary database answers, its schema is at the migration head this
code expects (a host started with new code before `db upgrade` — or old code after it — must
leave the pool), and it takes writes now (a read-only file or volume, a standby promoted to
nothing, `default_transaction_read_only` left on: marks could not be saved). No login, no journal
data in the answer, no rate limit, no CSRF. The replica is not checked: reads fall back to the
primary when it is down (see app.replica).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.extensions import csrf, db
from app.startup import head_revision
from app.i18n import _

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

# A write that changes no row: it takes the write lock (SQLite: RESERVED on the file, waiting up
# to busy_timeout behind another writer; PostgreSQL: ROW EXCLUSIVE on the one-row table, which
# only DDL on it conflicts with) and is refused on a read-only database, then is rolled back.
# PostgreSQL assigns no transaction id and writes no WAL for it.
NO_OP_WRITE = text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")
PG_READ_ONLY_TRANSACTION = "25006"


@dataclass(frozen=True)
class Problem:
    detail: str  # for the server log
    message: str  # for the answer: what the operator should look at


def _is_read_only_refusal(error: DBAPIError) -> bool:
    original = error.orig
    if getattr(original, "sqlstate", None) == PG_READ_ONLY_TRANSACTION:
        return True
    return str(getattr(original, "sqlite_errorname", "")).startswith("SQLITE_READONLY")


def write_problem(connection: Connection) -> Problem | None:
    """None when the database takes a write now; it writes nothing (the no-op write is rolled back)."""
    try:
        connection.execute(NO_OP_WRITE)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()
        detail = f"database refuses writes: {reason[0] if reason else type(error.orig).__name__}"
        if _is_read_only_refusal(error):
            return Problem(detail, _("База данных открыта только для чтения: запись отметок невозможна. "
                                     "Проверьте права на файл базы или режим сервера PostgreSQL "
                                     "(реплика, default_transaction_read_only)."))
        return Problem(detail, _("База данных не принимает запись (подробности в журнале сервера)."))
    finally:
        connection.rollback()
    return None


def database_problem() -> Problem | None:
    """None when the primary answers at the expected revision and takes writes."""
    expected = current_app.extensions["health_head_revision"]
    try:
        with db.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current != expected:
                return Problem(f"schema at revision {current}, code expects {expected}: run `flask --app app db upgrade`",
                               _("Схема базы данных не соответствует версии программы: "
                                 "выполните «flask --app app db upgrade»."))
            return write_problem(connection)
    except SQLAlchemyError as error:
        return Problem(f"database unreachable: {type(error).__name__}",
                       _("База данных недоступна или в ней нет схемы журнала."))


@bp.get("/health")
def health():
    problem = database_problem()
    if problem:
        log.warning("health check failed: %s", problem.detail)
        response = jsonify(status="unavailable", problem=problem.message)
        response.status_code = 503
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # The head is read from the migration files once: they do not change while the code runs.
    app.extensions["health_head_revision"] = head_revision()
    csrf.exempt(bp)
    limiter = getattr(getattr(app, "appbuilder", None), "sm", None)
    limiter = getattr(limiter, "limiter", None)
    if limiter is not None:
        limiter.exempt(bp)
    app.register_blueprint(bp)
