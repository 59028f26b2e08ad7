"""`/health` for the balancer: 200 {"status": "ok"} when this app server can serve, else 503.

"Can serve" means: the primary database answers and its schema is at the migration head this
code expects (a host started with new code before `db upgrade` — or old code after it — must
leave the pool). No login, no data in the answer, no rate limit, no CSRF. The replica is not
checked: reads fall back to the primary when it is down (see app.reading).
"""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import csrf, db
from app.startup import head_revision

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def database_problem() -> str | None:
    """None when the primary answers at the expected revision; otherwise a reason for the log."""
    expected = current_app.extensions["health_head_revision"]
    try:
        with db.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        return f"database unreachable: {type(error).__name__}"
    if current != expected:
        return f"schema at revision {current}, code expects {expected}: run `flask --app app db upgrade`"
    return None


@bp.get("/health")
def health():
    problem = database_problem()
    if problem:
        log.warning("health check failed: %s", problem)
        response = jsonify(status="unavailable")
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
