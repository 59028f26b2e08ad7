"""Monitoring (order 2613 p.3): monthly usage snapshots, verdict thresholds, imports, analytical reports."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock


class UsageThreshold(Model):
    """Пороги вердикта «использует систему». Каждое изменение — новая строка; действует последняя."""

    __tablename__ = "usage_threshold"
    __table_args__ = (
        CheckConstraint("min_lessons_filled_share BETWEEN 0 AND 100", name="ck_threshold_lessons"),
        CheckConstraint("min_teachers_active_share BETWEEN 0 AND 100", name="ck_threshold_teachers"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    min_lessons_filled_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    min_teachers_active_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    # The methodology for schools without figures for a month («нет данных»): True — they count as
    # not using the system and stay in the share's denominator; False — the share is of schools
    # with figures only. Either way they are shown and counted apart.
    no_data_in_denominator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True,
                                                         server_default=true())
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    changed_by = relationship("User")


class ImportBatch(Model):
    """Загрузка показателей из файла или через API: кто, когда, сколько строк принято и отклонено."""

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("source IN ('file', 'api')", name="ck_import_batch_source"),
        CheckConstraint("rows_accepted >= 0 AND rows_rejected >= 0", name="ck_import_batch_rows"),
        Index("ix_import_batch_month", "month"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(4), nullable=False)
    filename: Mapped[Optional[str]] = mapped_column(String(200))
    rows_accepted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[Optional[str]] = mapped_column(Text)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())

    uploaded_by = relationship("User")


class UsageSnapshot(Model):
    """Показатели использования школы за месяц (month — первое число месяца) и вердикт."""

    __tablename__ = "usage_snapshot"
    __table_args__ = (
        UniqueConstraint("school_id", "month"),
        Index("ix_usage_snapshot_month", "month"),
        CheckConstraint("source IN ('computed', 'imported', 'entered')", name="ck_snapshot_source"),
        CheckConstraint("teachers_active >= 0 AND teachers_active <= teachers_total", name="ck_snapshot_teachers"),
        CheckConstraint("lessons_filled >= 0 AND lessons_filled <= lessons_due", name="ck_snapshot_lessons"),
        CheckConstraint("marks_on_time >= 0 AND marks_on_time <= marks_entered", name="ck_snapshot_marks"),
        CheckConstraint(
            "pupils_with_diary_access >= 0 AND pupils_with_diary_access <= pupils_total", name="ck_snapshot_pupils"
        ),
        CheckConstraint("diary_visits >= 0", name="ck_snapshot_visits"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    teachers_active: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    teachers_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lessons_filled: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lessons_due: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    marks_entered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    marks_on_time: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pupils_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pupils_with_diary_access: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    diary_visits: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    uses_system: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    import_batch_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    entered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    school = relationship("School")
    import_batch = relationship("ImportBatch")


class AnalyticalReport(Model):
    """Аналитическая справка за месяц (п.3.2), по редакциям: срок, когда сформирована и кем, когда
    отправлена. Отправленная редакция не меняется: повторное формирование создаёт следующую."""

    __tablename__ = "analytical_report"
    __table_args__ = (
        UniqueConstraint("month", "revision"),
        CheckConstraint("revision >= 1", name="ck_analytical_report_revision"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    generated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    generated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    sent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    filename: Mapped[Optional[str]] = mapped_column(String(200))
    content: Mapped[Optional[bytes]] = mapped_column(LargeBinary)  # the xlsx
    # The same справка as a Word document, generated with the xlsx from the same figures.
    docx_content: Mapped[Optional[bytes]] = mapped_column(LargeBinary)

    generated_by = relationship("User", foreign_keys=[generated_by_id])
    sent_by = relationship("User", foreign_keys=[sent_by_id])
