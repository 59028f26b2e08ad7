"""Accounts given to real people (app/accounts): the one-time codes of login slips and e-mailed
links, and the record of who created, changed or closed which account."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

EVENT_KINDS = ("created", "code_issued", "code_used", "deactivated", "reactivated", "role_changed", "first_login")


class OneTimeCode(Model):
    """A first-login (or lost-password) code of one account: single use, until `expires_at`.
    The table keeps only the code's SHA-256; the code itself is printed or e-mailed once.
    Times are UTC."""

    __tablename__ = "one_time_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    used_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))


class AccountEvent(Model):
    """Who did what to whose account, and when (UTC): kept when either account is deleted, so the
    login is copied. `school_id`/`municipality_id`: where the account belongs, for the school's
    administration and the coordinator to read their own."""

    __tablename__ = "account_event"
    __table_args__ = (
        CheckConstraint("kind IN ('created', 'code_issued', 'code_used', 'deactivated', 'reactivated', "
                        "'role_changed', 'first_login')", name="ck_account_event_kind"),
        Index("ix_account_event_school_at", "school_id", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    login: Mapped[str] = mapped_column(String(256), nullable=False)
    detail: Mapped[Optional[str]] = mapped_column(String(300))
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    municipality_id: Mapped[Optional[int]] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"),
                                                           index=True)

    actor = relationship("User", foreign_keys=[actor_id])
    school = relationship("School")
