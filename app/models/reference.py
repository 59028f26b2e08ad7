"""The version stamp of the reference data that each process caches (app/reference_cache.py)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column


class ReferenceVersion(Model):
    """One row (id 1). Database triggers add one to `number` in every transaction that writes to
    a table the caches are built from (migrations 0002 and 0003 list them): a changed number tells
    every worker of every instance that its cached reference data is out of date."""

    __tablename__ = "reference_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
