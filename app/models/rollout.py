"""Rollout (order 2613): campaigns and milestones, municipal plans, school readiness, methodical support."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple, Optional

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app import clock

MILESTONE_CODES = (
    "plan_approved",          # p.4.1 plan with quantitative targets
    "responsible_appointed",  # p.4.1 responsible person
    "normative_acts",         # p.4.2
    "system_chosen",          # p.4.2
    "hardware_ready",         # p.4.2
    "staff_trained",          # p.4.2
    "usage_share",            # p.4.3
)


class JournalSystem(Model):
    """Система ведения электронного журнала: наша или другого поставщика."""

    __tablename__ = "journal_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    vendor: Mapped[str] = mapped_column(String(200), nullable=False)
    is_own: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return self.name


class Campaign(Model):
    """Кампания внедрения по приказу: реквизиты, целевая доля и день сдачи справки."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("target_share > 0 AND target_share <= 100", name="ck_campaign_share"),
        CheckConstraint("report_day BETWEEN 1 AND 28", name="ck_campaign_report_day"),
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="ck_campaign_dates"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    order_number: Mapped[str] = mapped_column(String(30), nullable=False)
    order_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    target_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    report_day: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="campaign", order_by="Milestone.due_on", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return self.title


class Milestone(Model):
    """Срок приказа: что (code), для кого (municipality / school), к какой дате, какой пункт."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint("level IN ('municipality', 'school')", name="ck_milestone_level"),
        CheckConstraint(
            "code IN ('plan_approved', 'responsible_appointed', 'normative_acts', 'system_chosen', "
            "'hardware_ready', 'staff_trained', 'usage_share')",
            name="ck_milestone_code",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    code: Mapped[str] = mapped_column(String(30), nullable=False)
    level: Mapped[str] = mapped_column(String(12), nullable=False)
    order_item: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)

    campaign: Mapped[Campaign] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return self.title


class RolloutPlan(Model):
    """План внедрения муниципалитета (п.4.1) и ответственное лицо."""

    __tablename__ = "rollout_plan"
    __table_args__ = (UniqueConstraint("campaign_id", "municipality_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=False)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False, index=True
    )
    approval_doc_number: Mapped[Optional[str]] = mapped_column(String(50))
    approval_doc_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    responsible_full_name: Mapped[Optional[str]] = mapped_column(String(200))
    responsible_position: Mapped[Optional[str]] = mapped_column(String(200))
    responsible_phone: Mapped[Optional[str]] = mapped_column(String(40))
    responsible_email: Mapped[Optional[str]] = mapped_column(String(200))
    responsible_appointed_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    campaign = relationship("Campaign")
    municipality = relationship("Municipality")
    targets: Mapped[list["PlanTarget"]] = relationship(
        back_populates="plan", order_by="PlanTarget.target_date", cascade="all, delete-orphan"
    )


class PlanTarget(Model):
    """Количественный показатель охвата к дате: доля или число школ."""

    __tablename__ = "plan_target"
    __table_args__ = (
        UniqueConstraint("plan_id", "target_date"),
        CheckConstraint("share IS NOT NULL OR school_count IS NOT NULL", name="ck_plan_target_value"),
        CheckConstraint("share IS NULL OR (share >= 0 AND share <= 100)", name="ck_plan_target_share"),
        CheckConstraint("school_count IS NULL OR school_count >= 0", name="ck_plan_target_count"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plan.id", ondelete="CASCADE"), nullable=False)
    target_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    share: Mapped[Optional[Decimal]] = mapped_column(Numeric(5, 2))
    school_count: Mapped[Optional[int]] = mapped_column(Integer)

    plan: Mapped[RolloutPlan] = relationship(back_populates="targets")


class SchoolReadiness(Model):
    """Готовность школы (п.4.2): каждый пункт со своей датой."""

    __tablename__ = "school_readiness"
    __table_args__ = (
        UniqueConstraint("campaign_id", "school_id"),
        CheckConstraint(
            "staff_trained IS NULL OR staff_total IS NULL OR (staff_trained >= 0 AND staff_trained <= staff_total)",
            name="ck_readiness_staff",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False, index=True)
    normative_acts_doc: Mapped[Optional[str]] = mapped_column(String(200))
    normative_acts_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    system_chosen_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    hardware_ready_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    hardware_note: Mapped[Optional[str]] = mapped_column(String(500))
    staff_trained: Mapped[Optional[int]] = mapped_column(Integer)
    staff_total: Mapped[Optional[int]] = mapped_column(Integer)
    staff_trained_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    campaign = relationship("Campaign")
    school = relationship("School")
    evidence: Mapped[list["ReadinessEvidence"]] = relationship(
        back_populates="readiness", cascade="all, delete-orphan"
    )


class LightThreshold(Model):
    """Пороги светофора исполнения приказа: доля школ муниципалитета, выполнивших наступивший
    пункт, для зелёного и жёлтого. Каждое изменение — новая строка; действует последняя."""

    __tablename__ = "light_threshold"
    __table_args__ = (
        CheckConstraint("yellow_share >= 0 AND yellow_share <= green_share AND green_share <= 100",
                        name="ck_light_threshold_order"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    green_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    yellow_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    # Naive UTC, shown in Moscow time (app.formats.format_moment), as the account events are.
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.now,
                                                    server_default=func.now())
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    changed_by = relationship("User")


class ReadinessEvidence(Model):
    """Файл-подтверждение пункта готовности. Хранится в базе: серверы приложения без состояния."""

    __tablename__ = "readiness_evidence"
    __table_args__ = (
        UniqueConstraint("readiness_id", "item"),
        CheckConstraint(
            "item IN ('normative_acts', 'system_chosen', 'hardware_ready', 'staff_trained')",
            name="ck_evidence_item",
        ),
        CheckConstraint("size_bytes > 0", name="ck_evidence_size"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    readiness_id: Mapped[int] = mapped_column(
        ForeignKey("school_readiness.id", ondelete="CASCADE"), nullable=False
    )
    item: Mapped[str] = mapped_column(String(20), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    readiness: Mapped[SchoolReadiness] = relationship(back_populates="evidence")


class Consultation(Model):
    """Обращение за методической помощью (п.2): вопрос школы или муниципалитета и ответ методиста."""

    __tablename__ = "consultation"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'in_progress', 'answered', 'closed')", name="ck_consultation_status"),
        CheckConstraint("answered_on IS NULL OR answered_on >= asked_on", name="ck_consultation_dates"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False, index=True
    )
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="new")
    answer: Mapped[Optional[str]] = mapped_column(Text)
    asked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    methodist_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    asked_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    answered_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    municipality = relationship("Municipality")
    school = relationship("School")
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    methodist = relationship("User", foreign_keys=[methodist_id])


class Training(Model):
    """Обучающее мероприятие (семинар, вебинар) для работников школ муниципалитета."""

    __tablename__ = "training"
    __table_args__ = (CheckConstraint("participants >= 0", name="ck_training_participants"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    methodist_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = mapped_column(Text)

    municipality = relationship("Municipality")
    methodist = relationship("User")


class Attachment(NamedTuple):
    """The file of a material as its list shows it: which row, the name, the size in bytes."""

    material_id: int
    filename: str
    size_bytes: int


class Material(Model):
    """Методический материал для школ (п.2): публикует методист, читают и скачивают все.

    The file is kept in the row (`data`); it is loaded only when asked for, so lists read the
    name and size (`size_bytes`, computed by the database) without the files' bytes."""

    __tablename__ = "material"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    filename: Mapped[Optional[str]] = mapped_column(String(200))
    content_type: Mapped[Optional[str]] = mapped_column(String(100))
    data: Mapped[Optional[bytes]] = mapped_column(LargeBinary, deferred=True)
    published_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    size_bytes: Mapped[Optional[int]] = column_property(func.length(data, type_=Integer))

    author = relationship("User")

    @property
    def attachment(self) -> Optional[Attachment]:
        """The material's file, or None when it has none."""
        if not self.filename or not self.size_bytes:
            return None
        return Attachment(self.id, self.filename, self.size_bytes)

    def __repr__(self) -> str:
        return self.title
