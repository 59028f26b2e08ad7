"""Timetable: subjects, classes, teaching load, bells, weekly slots, substitutions, lessons."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship


class Subject(Model):
    """Учебный предмет: региональный справочник (school_id NULL) или предмет школы."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    short_name: Mapped[str] = mapped_column(String(30), nullable=False)

    school = relationship("School")

    def __repr__(self) -> str:
        return self.name


class ClassGroup(Model):
    """Класс (например, 7Б) в учебном году."""

    __tablename__ = "class_group"
    __table_args__ = (
        UniqueConstraint("school_id", "academic_year_id", "grade", "letter"),
        CheckConstraint("grade BETWEEN 1 AND 11", name="ck_class_group_grade"),
        CheckConstraint("shift IN (1, 2)", name="ck_class_group_shift"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_year.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    grade: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    letter: Mapped[str] = mapped_column(String(4), nullable=False)
    shift: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    class_teacher_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)

    school = relationship("School")
    academic_year = relationship("AcademicYear")
    class_teacher = relationship("Staff")
    pupils = relationship("Pupil", back_populates="class_group", order_by="Pupil.last_name")

    @property
    def name(self) -> str:
        return class_name(self.grade, self.letter)

    def __repr__(self) -> str:
        return self.name


def class_name(grade: int, letter: str) -> str:
    """«7Б» from a class's grade and letter."""
    return f"{grade}{letter}"


subgroup_pupil = Table(
    "subgroup_pupil",
    Model.metadata,
    Column("subgroup_id", ForeignKey("subgroup.id", ondelete="CASCADE"), primary_key=True),
    Column("pupil_id", ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Subgroup(Model):
    """Подгруппа класса (например, английский, группа 1)."""

    __tablename__ = "subgroup"
    __table_args__ = (UniqueConstraint("class_group_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)

    class_group = relationship("ClassGroup")
    pupils = relationship("Pupil", secondary=subgroup_pupil)

    def __repr__(self) -> str:
        return self.name


class TeachingAssignment(Model):
    """Нагрузка: учитель ведёт предмет в классе или подгруппе, столько-то часов в неделю."""

    __tablename__ = "teaching_assignment"
    __table_args__ = (
        UniqueConstraint("class_group_id", "subject_id", "subgroup_id", "teacher_id"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 12", name="ck_assignment_hours"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="RESTRICT"), nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="RESTRICT"), nullable=False, index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=False, index=True)
    subgroup_id: Mapped[Optional[int]] = mapped_column(ForeignKey("subgroup.id", ondelete="RESTRICT"), index=True)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)

    class_group = relationship("ClassGroup")
    subject = relationship("Subject")
    teacher = relationship("Staff")
    subgroup = relationship("Subgroup")
    # What its name reads: lists and drop-downs load these with it (app.web.data).
    named_by = ("class_group", "subject", "subgroup")

    def __repr__(self) -> str:
        group = f" ({self.subgroup.name})" if self.subgroup_id else ""
        return f"{self.class_group} {self.subject}{group}"


class Room(Model):
    """Кабинет. Общий (спортзал) может быть занят несколькими классами сразу."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    shareable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    school = relationship("School")

    def __repr__(self) -> str:
        return self.name


class BellSchedule(Model):
    """Расписание звонков: номер урока и его время в смене."""

    __tablename__ = "bell_schedule"
    __table_args__ = (
        UniqueConstraint("school_id", "shift", "lesson_number"),
        CheckConstraint("ends_at > starts_at", name="ck_bell_times"),
        CheckConstraint("lesson_number BETWEEN 0 AND 10", name="ck_bell_number"),
        CheckConstraint("shift IN (1, 2)", name="ck_bell_shift"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    shift: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    lesson_number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    starts_at: Mapped[dt.time] = mapped_column(Time, nullable=False)
    ends_at: Mapped[dt.time] = mapped_column(Time, nullable=False)

    school = relationship("School")


class TimetableSlot(Model):
    """Строка недельного расписания, действующая с valid_from по valid_to включительно."""

    __tablename__ = "timetable_slot"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 6", name="ck_slot_weekday"),
        CheckConstraint("lesson_number BETWEEN 0 AND 10", name="ck_slot_number"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_slot_dates"),
        Index("ix_slot_class_day", "class_group_id", "weekday", "lesson_number"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False)
    weekday: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    lesson_number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("teaching_assignment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[Optional[dt.date]] = mapped_column(Date)

    class_group = relationship("ClassGroup")
    assignment = relationship("TeachingAssignment")
    room = relationship("Room")


class Substitution(Model):
    """Замена на дату и урок: другой учитель или отмена урока."""

    __tablename__ = "substitution"
    __table_args__ = (
        UniqueConstraint("assignment_id", "date", "lesson_number"),
        CheckConstraint("cancelled OR substitute_id IS NOT NULL", name="ck_substitution_kind"),
        Index("ix_substitution_substitute_date", "substitute_id", "date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("teaching_assignment.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    lesson_number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    substitute_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    cancelled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[Optional[str]] = mapped_column(String(200))

    assignment = relationship("TeachingAssignment")
    substitute = relationship("Staff")


class Lesson(Model):
    """Урок в календаре. class_group_id и school_id повторяют нагрузку ради индексов дневника и мониторинга."""

    __tablename__ = "lesson"
    __table_args__ = (
        UniqueConstraint("assignment_id", "date", "lesson_number"),
        CheckConstraint("lesson_number BETWEEN 0 AND 10", name="ck_lesson_number"),
        Index("ix_lesson_class_date", "class_group_id", "date"),
        Index("ix_lesson_school_date", "school_id", "date"),
        Index("ix_lesson_teacher_date", "teacher_id", "date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("teaching_assignment.id", ondelete="RESTRICT"), nullable=False
    )
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="RESTRICT"), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    lesson_number: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # Who actually teaches it: the assignment's teacher, or the substitute.
    teacher_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=False)
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    cancelled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    topic: Mapped[Optional[str]] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    assignment = relationship("TeachingAssignment")
    class_group = relationship("ClassGroup")
    teacher = relationship("Staff")
    room = relationship("Room")
