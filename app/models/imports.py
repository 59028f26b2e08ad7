"""The confirmations of preview-then-confirm imports (app/import_tokens.py)."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app import clock


class ConsumedImportToken(Model):
    """A preview token that has been confirmed. Its unique digest, inserted in the transaction that
    writes the import, lets one confirmation of a preview commit and refuses every other."""

    __tablename__ = "consumed_import_token"
    __table_args__ = (UniqueConstraint("digest"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)  # SHA-256 of the token, hex
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # which import: "pupil-import", ...
    consumed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.now, server_default=func.now())
