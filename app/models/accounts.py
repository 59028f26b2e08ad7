"""Accounts given to real people (app/accounts): the one-time codes of login slips and e-mailed
links, the password recovery links and their requests, and the record of who created, changed or
closed which account."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

EVENT_KINDS = ("created", "code_issued", "code_used", "deactivated", "reactivated", "role_changed", "first_login",
               "reset_link_sent", "password_reset")


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


class PasswordReset(Model):
    """A password recovery link of one account (app/accounts/recovery.py): single use, for an hour.
    The table keeps only the token's SHA-256; the token itself is in the one letter that carries the
    link. `sent_by_id`: who sent it from the account's page; None when asked for on the login page.
    Times are UTC."""

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    used_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    sent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))


class PasswordResetRequest(Model):
    """The recovery requests of one typed login or address (its SHA-256: what strangers type is not
    kept) since `first_at`, counted whether an account has it or not, so that a refusal does not
    tell which exist. No row: no recent request. Times are UTC."""

    __tablename__ = "password_reset_request"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, nullable=False)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class AccountEvent(Model):
    """Who did what to whose account, and when (UTC): kept when either account is deleted, so the
    login is copied. `school_id`/`municipality_id`: where the account belongs, for the school's
    administration and the coordinator to read their own."""

    __tablename__ = "account_event"
    __table_args__ = (
        CheckConstraint("kind IN ('created', 'code_issued', 'code_used', 'deactivated', 'reactivated', "
                        "'role_changed', 'first_login', 'reset_link_sent', 'password_reset')",
                        name="ck_account_event_kind"),
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
