"""Absence notices: a parent tells the school that the child will miss school (or some lessons)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock

# Why the child is absent (codes stored in absence_notice.reason; app.journal.absence_notices maps
# each to the absence code an accepted notice puts in place of «н»).
ILLNESS, FAMILY, OTHER = "illness", "family", "other"
REASONS = (ILLNESS, FAMILY, OTHER)
# Where the notice stands: filed, the class teacher asked for the doctor's certificate, accepted.
PENDING, CERTIFICATE_ASKED, ACCEPTED = "pending", "certificate", "accepted"
STATUSES = (PENDING, CERTIFICATE_ASKED, ACCEPTED)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class AbsenceNotice(Model):
    """Заявление родителя об отсутствии ученика: даты, при необходимости — номера уроков, причина.

    A doctor's certificate is health data (152-ФЗ, ст. 10): only its number and date are kept, never
    the document. The class and school are the pupil's when the notice is filed, so the notice stays
    with the class whose journal it concerns."""

    __tablename__ = "absence_notice"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_absence_notice_dates"),
        CheckConstraint(_in("reason", REASONS), name="ck_absence_notice_reason"),
        CheckConstraint(_in("status", STATUSES), name="ck_absence_notice_status"),
        Index("ix_absence_notice_class_dates", "class_group_id", "starts_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), nullable=False, index=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False, index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # Lesson numbers of each day, "2,3"; NULL: the whole day.
    lesson_numbers: Mapped[Optional[str]] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(10), nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=PENDING)
    certificate_number: Mapped[Optional[str]] = mapped_column(String(30))
    certificate_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    filed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    pupil = relationship("Pupil")
    class_group = relationship("ClassGroup")
