"""Journal: work types, marks, absences, period and year marks, how subjects are assessed, homework
and its files, the change history, diary visits."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.i18n import N_

# SQLite only autoincrements INTEGER primary keys; PostgreSQL gets a real bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")

MARK_VALUES = (2, 3, 4, 5)
# Period results that are not numbers on the five-point scale. They are codes stored in
# period_mark.value (and typed by teachers), so they never change with the language; N_ marks
# them for the catalogue so that a page or a report shows them through gettext.
NOT_ASSESSED = N_("н/а")
EXEMPT = N_("осв.")
PASSED = N_("зач.")
FAILED = N_("незач.")
PERIOD_MARK_VALUES = ("5", "4", "3", "2", NOT_ASSESSED, EXEMPT, PASSED, FAILED)


class MarkType(Model):
    """Вид работы с весом (ответ на уроке, самостоятельная, контрольная, ...)."""

    __tablename__ = "mark_type"
    __table_args__ = (CheckConstraint("weight > 0 AND weight <= 10", name="ck_mark_type_weight"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    short_name: Mapped[str] = mapped_column(String(20), nullable=False)
    weight: Mapped[Decimal] = mapped_column(Numeric(3, 1), nullable=False, default=Decimal("1.0"))
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return self.name


class AbsenceCode(Model):
    """Код пропуска: н, б, у, оп — справочник, у школ он разный."""

    __tablename__ = "absence_code"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    excused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Late arrival is recorded but is not a missed lesson.
    counts_as_missed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.code


class Mark(Model):
    """Отметка ученика за урок. В одной клетке может быть несколько (position 0, 1, ...)."""

    __tablename__ = "mark"
    __table_args__ = (
        UniqueConstraint("lesson_id", "pupil_id", "position"),
        CheckConstraint("value BETWEEN 2 AND 5", name="ck_mark_value"),
        CheckConstraint("position BETWEEN 0 AND 4", name="ck_mark_position"),
        Index("ix_mark_pupil_lesson", "pupil_id", "lesson_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="RESTRICT"), nullable=False)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="RESTRICT"), nullable=False)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    value: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    mark_type_id: Mapped[int] = mapped_column(ForeignKey("mark_type.id", ondelete="RESTRICT"), nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(String(200))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    lesson = relationship("Lesson")
    pupil = relationship("Pupil")
    mark_type = relationship("MarkType")


class Absence(Model):
    """Пропуск урока: один на ученика и урок."""

    __tablename__ = "absence"
    __table_args__ = (UniqueConstraint("lesson_id", "pupil_id"), Index("ix_absence_pupil_lesson", "pupil_id", "lesson_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="RESTRICT"), nullable=False)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="RESTRICT"), nullable=False)
    code: Mapped[str] = mapped_column(ForeignKey("absence_code.code", ondelete="RESTRICT"), nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    lesson = relationship("Lesson")
    pupil = relationship("Pupil")
    absence_code = relationship("AbsenceCode")


class PeriodMark(Model):
    """Четвертная (study_period_id задан) или годовая (study_period_id NULL) отметка."""

    __tablename__ = "period_mark"
    __table_args__ = (
        CheckConstraint(
            "value IN (" + ", ".join(f"'{value}'" for value in PERIOD_MARK_VALUES) + ")", name="ck_period_mark_value"
        ),
        Index(
            "uq_period_mark_period", "pupil_id", "subject_id", "study_period_id", unique=True,
            sqlite_where=text("study_period_id IS NOT NULL"), postgresql_where=text("study_period_id IS NOT NULL"),
        ),
        Index(
            "uq_period_mark_year", "pupil_id", "subject_id", "academic_year_id", unique=True,
            sqlite_where=text("study_period_id IS NULL"), postgresql_where=text("study_period_id IS NULL"),
        ),
        Index("ix_period_mark_class_subject", "class_group_id", "subject_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="RESTRICT"), nullable=False)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="RESTRICT"), nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="RESTRICT"), nullable=False)
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id", ondelete="RESTRICT"), nullable=False)
    study_period_id: Mapped[Optional[int]] = mapped_column(ForeignKey("study_period.id", ondelete="RESTRICT"))
    value: Mapped[str] = mapped_column(String(8), nullable=False)
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    pupil = relationship("Pupil")
    subject = relationship("Subject")
    study_period = relationship("StudyPeriod")


class Homework(Model):
    """Домашнее задание, заданное на уроке (lesson_id) к дню due_on.

    For whom: the lesson's class (the subgroup of a subgroup's lesson), a subgroup (subgroup_id)
    or one pupil (pupil_id, an individual task). class_group_id repeats the lesson's for the
    diary's index (a pupil's class and the week's due dates)."""

    __tablename__ = "homework"
    __table_args__ = (
        CheckConstraint("pupil_id IS NULL OR subgroup_id IS NULL", name="ck_homework_target"),
        Index("ix_homework_class_due", "class_group_id", "due_on"),
        Index("ix_homework_lesson", "lesson_id"),
        # For the foreign keys' checks. Partial: most tasks are a class's (NULL here), and SQLite,
        # without statistics, took a full index on pupil_id for «pupil_id IS NULL» over the lesson's
        # index and read every class task of the region for one lesson.
        Index("ix_homework_pupil", "pupil_id", sqlite_where=text("pupil_id IS NOT NULL"),
              postgresql_where=text("pupil_id IS NOT NULL")),
        Index("ix_homework_subgroup", "subgroup_id", sqlite_where=text("subgroup_id IS NOT NULL"),
              postgresql_where=text("subgroup_id IS NOT NULL")),
        # One homework per lesson and audience: the class (or the lesson's subgroup), a subgroup, a pupil.
        Index("uq_homework_class", "lesson_id", unique=True,
              sqlite_where=text("pupil_id IS NULL AND subgroup_id IS NULL"),
              postgresql_where=text("pupil_id IS NULL AND subgroup_id IS NULL")),
        Index("uq_homework_subgroup", "lesson_id", "subgroup_id", unique=True,
              sqlite_where=text("subgroup_id IS NOT NULL"), postgresql_where=text("subgroup_id IS NOT NULL")),
        Index("uq_homework_pupil", "lesson_id", "pupil_id", unique=True,
              sqlite_where=text("pupil_id IS NOT NULL"), postgresql_where=text("pupil_id IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="RESTRICT"), nullable=False)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="RESTRICT"), nullable=False)
    subgroup_id: Mapped[Optional[int]] = mapped_column(ForeignKey("subgroup.id", ondelete="RESTRICT"))
    pupil_id: Mapped[Optional[int]] = mapped_column(ForeignKey("pupil.id", ondelete="RESTRICT"))
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now,
                                                    server_default=func.now())
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now,
                                                    server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    lesson = relationship("Lesson")
    pupil = relationship("Pupil")
    subgroup = relationship("Subgroup")


class HomeworkFile(Model):
    """Файл к домашнему заданию. Хранится в базе: серверы приложения ничего не держат на диске."""

    __tablename__ = "homework_file"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="ck_homework_file_size"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    homework_id: Mapped[int] = mapped_column(ForeignKey("homework.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now,
                                                     server_default=func.now())
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    homework = relationship("Homework")


# How a subject is assessed in a class during a study period (app.journal.assessment has the rules).
# Codes stored in subject_assessment.mode.
MARKS = "marks"            # отметки 2–5 on lessons, a period mark
UNMARKED = "unmarked"      # без отметок: attendance, topics and homework; no period result
PASS_FAIL = "pass_fail"    # «зачёт/незачёт»: no marks on lessons; the period result «зач.» or «незач.»
ASSESSMENT_MODES = (MARKS, UNMARKED, PASS_FAIL)


class SubjectAssessment(Model):
    """Как школа оценивает предмет в классе в учебном периоде, когда не так, как по умолчанию.

    Without a row the default holds: every subject of grade 1 without marks, of other grades with
    marks (app.journal.assessment.default_mode). Who set the row and when are kept on it."""

    __tablename__ = "subject_assessment"
    __table_args__ = (
        UniqueConstraint("class_group_id", "subject_id", "study_period_id"),
        CheckConstraint("mode IN (" + ", ".join(f"'{mode}'" for mode in ASSESSMENT_MODES) + ")",
                        name="ck_subject_assessment_mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), nullable=False)
    study_period_id: Mapped[int] = mapped_column(ForeignKey("study_period.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now,
                                                server_default=func.now())

    class_group = relationship("ClassGroup")
    subject = relationship("Subject")
    study_period = relationship("StudyPeriod")


class JournalChange(Model):
    """Неизменяемая запись об изменении журнала: что, было, стало, кто, когда, откуда.

    It holds no foreign key to the changed row, so the history outlives a deleted mark."""

    __tablename__ = "journal_change"
    __table_args__ = (
        CheckConstraint(
            "entity IN ('mark', 'absence', 'period_mark', 'topic', 'homework')", name="ck_journal_change_entity"
        ),
        CheckConstraint("action IN ('create', 'update', 'delete')", name="ck_journal_change_action"),
        Index("ix_journal_change_cell", "lesson_id", "pupil_id"),
        Index("ix_journal_change_school_time", "school_id", "changed_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), nullable=False)
    entity: Mapped[str] = mapped_column(String(12), nullable=False)
    entity_id: Mapped[Optional[int]] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(6), nullable=False)
    lesson_id: Mapped[Optional[int]] = mapped_column(Integer)
    pupil_id: Mapped[Optional[int]] = mapped_column(Integer)
    # The value as it was stored, text typed before app.textinput's rule included: refusing that
    # copy would keep the value itself from being corrected.
    old_value: Mapped[Optional[str]] = mapped_column(Text, info={"clean_text": False})
    new_value: Mapped[Optional[str]] = mapped_column(Text)
    reason: Mapped[Optional[str]] = mapped_column(String(300))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200), nullable=False)
    ip_address: Mapped[Optional[str]] = mapped_column(String(45))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now, server_default=func.now())


class PeriodCloseEvent(Model):
    """Закрытие или открытие учебного периода: кто, когда (время региона), почему; досрочно ли.

    Kept for every close and reopen, so the periods page shows a period's history and not only
    its last state (study_period.locked_at/locked_by_id stay the state the journal checks)."""

    __tablename__ = "period_close_event"
    __table_args__ = (
        CheckConstraint("action IN ('close', 'reopen')", name="ck_period_close_event_action"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_period_id: Mapped[int] = mapped_column(ForeignKey("study_period.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    action: Mapped[str] = mapped_column(String(6), nullable=False)
    early: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[Optional[str]] = mapped_column(String(300))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.region_now)


class DiaryVisit(Model):
    """Счётчик открытий дневника ученика за день (показатель мониторинга)."""

    __tablename__ = "diary_visit"
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True, index=True)
    visits: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class ThematicPlan(Model):
    """Календарно-тематическое планирование (КТП) нагрузки: её темы по порядку, с часами.

    One per teaching assignment: an assignment is of one class in one school year, so this is the
    plan of the assignment for that year. `version` counts its saves from the plan page, so a save
    from a page read before another one is refused instead of undoing it."""

    __tablename__ = "thematic_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("teaching_assignment.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    # Naive UTC (clock.now), as app.views.plan writes it.
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=clock.now,
                                                    server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    assignment = relationship("TeachingAssignment")
    topics = relationship("PlanTopic", order_by="PlanTopic.position", cascade="all, delete-orphan",
                          back_populates="plan")


class PlanTopic(Model):
    """Тема плана: её место по порядку (1, 2, ...), раздел, текст и сколько часов (уроков) на неё.

    The text is as long as a lesson's topic may be: «Заполнить темы из плана» writes it there."""

    __tablename__ = "plan_topic"
    __table_args__ = (
        UniqueConstraint("plan_id", "position"),
        CheckConstraint("position >= 1", name="ck_plan_topic_position"),
        CheckConstraint("hours BETWEEN 1 AND 99", name="ck_plan_topic_hours"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("thematic_plan.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    section: Mapped[Optional[str]] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(500), nullable=False)
    hours: Mapped[int] = mapped_column(SmallInteger, nullable=False)

    plan = relationship("ThematicPlan", back_populates="topics")
