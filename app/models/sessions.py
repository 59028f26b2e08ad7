"""Login sessions kept on the server, so that a logout or a password change can end them
(app/security/sessions.py): Flask's session cookie and the JWTs are signed, not stored."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class UserSession(Model):
    """One login (web form or API): the browser's cookie or the JWTs carry its key, the table only
    the key's SHA-256, so a copy of the table opens nothing. Times are UTC."""

    __tablename__ = "user_session"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    via: Mapped[str] = mapped_column(String(8), nullable=False)  # "web" or "api"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)


class UserCredentials(Model):
    """When a user's password last changed (UTC): JWTs issued before it are refused. FAB's ab_user
    is FAB's, so the stamp lives here."""

    __tablename__ = "user_credentials"
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
