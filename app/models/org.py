"""Organisation: municipalities, schools, the school year, study periods and holidays."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship


class Municipality(Model):
    """Муниципальное образование."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(100), nullable=False)

    schools: Mapped[list["School"]] = relationship(back_populates="municipality")

    def __repr__(self) -> str:
        return self.name


class School(Model):
    """Общеобразовательное учреждение."""

    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    short_name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(100), nullable=False)
    # Only municipal general-education schools count towards the order's 75% share.
    is_general_education: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    journal_system_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("journal_system.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[Optional[str]] = mapped_column(String(300))

    municipality: Mapped[Municipality] = relationship(back_populates="schools")
    journal_system = relationship("JournalSystem")

    def __repr__(self) -> str:
        return self.short_name


class AcademicYear(Model):
    """Учебный год, общий для региона."""

    __tablename__ = "academic_year"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ck_academic_year_dates"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)

    def __repr__(self) -> str:
        return self.name


class StudyPeriod(Model):
    """Учебный период школы: четверть, триместр или полугодие."""

    __tablename__ = "study_period"
    __table_args__ = (
        UniqueConstraint("school_id", "academic_year_id", "number"),
        CheckConstraint("ends_on >= starts_on", name="ck_study_period_dates"),
        CheckConstraint("kind IN ('quarter', 'trimester', 'half')", name="ck_study_period_kind"),
        CheckConstraint("number BETWEEN 1 AND 4", name="ck_study_period_number"),
        Index("ix_study_period_school_dates", "school_id", "starts_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_year.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="quarter")
    number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    locked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    locked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship()
    academic_year: Mapped[AcademicYear] = relationship()

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def __repr__(self) -> str:
        return self.name


class Holiday(Model):
    """Каникулы или праздничный день школы; может касаться только части параллелей."""

    __tablename__ = "holiday"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_holiday_dates"),
        CheckConstraint("grade_from BETWEEN 1 AND 11 AND grade_to BETWEEN grade_from AND 11", name="ck_holiday_grades"),
        Index("ix_holiday_school_dates", "school_id", "starts_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_year.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    grade_from: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    grade_to: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=11)

    school: Mapped[School] = relationship()
    academic_year: Mapped[AcademicYear] = relationship()

    def __repr__(self) -> str:
        return self.name
