"""Where read-only pages read from.

Pages that tolerate a second of replication lag (diary, progress, charts, dashboards, reports)
query through `read_session()`; writes and pages that must see their own writes use db.session.
Without a replica configured (DATABASE_REPLICA_URL) both are the primary."""
from sqlalchemy.orm import Session

from app.extensions import db


def read_session() -> Session:
    return db.session
