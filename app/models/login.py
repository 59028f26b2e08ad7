"""Failed logins per login name, shared by every worker and server (app/security/lockout.py)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class LoginAttempt(Model):
    """The failures of one login name (lower case, known or not) since `first_failed_at`, and until
    when the name is locked. No row: no recent failure. Times are UTC."""

    __tablename__ = "login_attempt"
    login: Mapped[str] = mapped_column(String(256), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    first_failed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
