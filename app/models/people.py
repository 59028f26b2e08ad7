"""People: staff, pupils, guardians, and the scope attached to each login."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, DateTime, case, event, or_
from sqlalchemy import inspect, select as sa_select
from sqlalchemy.orm import Mapped, mapped_column, relationship


def short_name(last: str, first: str, middle: Optional[str]) -> str:
    """«Иванова И.И.» from the parts of a ФИО."""
    initials = f"{first[:1]}." + (f"{middle[:1]}." if middle else "")
    return f"{last} {initials}"


class PersonNameMixin:
    last_name: Mapped[str] = mapped_column(String(64), nullable=False)
    first_name: Mapped[str] = mapped_column(String(64), nullable=False)
    middle_name: Mapped[Optional[str]] = mapped_column(String(64))

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)

    def __repr__(self) -> str:
        return self.short_name


class UserScope(Model):
    """Where a login's rows live: its municipality, school or vendor's journal system.

    Teachers, pupils and guardians are found through their own tables (user_id)."""

    __tablename__ = "user_scope"
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    municipality_id: Mapped[Optional[int]] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    journal_system_id: Mapped[Optional[int]] = mapped_column(ForeignKey("journal_system.id", ondelete="CASCADE"))

    user = relationship("User")
    municipality = relationship("Municipality")
    school = relationship("School")
    journal_system = relationship("JournalSystem")


class Staff(PersonNameMixin, Model):
    """Работник школы: учитель, администрация, секретарь."""

    __tablename__ = "staff"
    __table_args__ = (Index("ix_staff_school_name", "school_id", "last_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), unique=True)
    position: Mapped[str] = mapped_column(String(100), nullable=False)
    is_teacher: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    email: Mapped[Optional[str]] = mapped_column(String(200))
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    school = relationship("School")
    user = relationship("User")


class Pupil(PersonNameMixin, Model):
    """Ученик. Без класса (class_group_id NULL) — например, выбыл или ещё не распределён."""

    __tablename__ = "pupil"
    __table_args__ = (
        Index("ix_pupil_class_name", "class_group_id", "last_name", "first_name"),
        Index("ix_pupil_school_name", "school_id", "last_name"),
        CheckConstraint("left_on IS NULL OR left_on >= enrolled_on", name="ck_pupil_dates"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    class_group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("class_group.id", ondelete="SET NULL"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), unique=True)
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    enrolled_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    left_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    school = relationship("School")
    class_group = relationship("ClassGroup", back_populates="pupils")
    user = relationship("User")
    guardian_links: Mapped[list["GuardianLink"]] = relationship(back_populates="pupil", cascade="all, delete-orphan")


class ClassMembership(Model):
    """Ученик в классе с даты по дату (включительно; ends_on NULL — по сей день), по приказу.

    The history of a pupil's classes: the journals, diaries, reports and archives of a class show
    the pupils who were in it on the lessons' dates (app/school/membership.py). Pupil.class_group_id
    stays the pupil's current class, kept by the transfer."""

    __tablename__ = "class_membership"
    __table_args__ = (
        Index("ix_class_membership_class_dates", "class_group_id", "starts_on"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ck_class_membership_dates"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), nullable=False, index=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    order_number: Mapped[Optional[str]] = mapped_column(String(40))
    reason: Mapped[Optional[str]] = mapped_column(String(200))

    pupil = relationship("Pupil")
    class_group = relationship("ClassGroup")


@event.listens_for(Pupil, "after_insert")
def _first_membership(_mapper, connection, pupil: Pupil) -> None:
    """A pupil created in a class is its member from the class's school year start (or from the
    enrolment, when later) to the day they left: every way of adding a pupil (the forms, the
    import, the tests' worlds) keeps the history whole. Bulk inserts (the demo) write their own."""
    if pupil.class_group_id is None:
        return
    connection.execute(first_membership_rows(
        sa_select(Pupil.__table__.c.id).where(Pupil.__table__.c.id == pupil.id)))


@event.listens_for(Pupil, "after_update")
def _membership_ends_when_pupil_leaves(_mapper, connection, pupil: Pupil) -> None:
    """The pupil's card says they left on a day (or no longer left): the membership that was open
    then ends that day (or is open again), so the class's journals list them up to that day."""
    history = inspect(pupil).attrs.left_on.history
    if not history.has_changes():
        return
    before = history.deleted[0] if history.deleted else None
    table = ClassMembership.__table__
    if pupil.left_on is not None:
        open_then = or_(table.c.ends_on.is_(None), table.c.ends_on == before) if before else table.c.ends_on.is_(None)
        connection.execute(table.update().where(table.c.pupil_id == pupil.id, open_then,
                                                table.c.starts_on <= pupil.left_on).values(ends_on=pupil.left_on))
    elif before is not None:
        connection.execute(table.update().where(table.c.pupil_id == pupil.id, table.c.ends_on == before)
                           .values(ends_on=None))


def first_membership_rows(pupil_ids):
    """INSERT … SELECT of the first memberships of the pupils `pupil_ids` (a select of ids) in their
    current class: from the later of the class's school year start and the enrolment, to left_on
    (NULL: still there); a pupil who left before the year started gets none."""
    from app.models.org import AcademicYear
    from app.models.timetable import ClassGroup
    pupil, klass, year = Pupil.__table__, ClassGroup.__table__, AcademicYear.__table__
    starts = case((pupil.c.enrolled_on > year.c.starts_on, pupil.c.enrolled_on), else_=year.c.starts_on)
    rows = (sa_select(pupil.c.id, pupil.c.class_group_id, starts, pupil.c.left_on)
            .join(klass, klass.c.id == pupil.c.class_group_id)
            .join(year, year.c.id == klass.c.academic_year_id)
            .where(pupil.c.id.in_(pupil_ids), or_(pupil.c.left_on.is_(None), pupil.c.left_on >= starts)))
    table = ClassMembership.__table__
    return table.insert().from_select(["pupil_id", "class_group_id", "starts_on", "ends_on"], rows)


class Guardian(PersonNameMixin, Model):
    """Родитель или иной законный представитель; может представлять нескольких детей."""

    __tablename__ = "guardian"
    __table_args__ = (
        CheckConstraint(
            "notify_mode IN ('instant', 'daily', 'weekly', 'none')", name="ck_guardian_notify_mode"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), unique=True)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    notify_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="none")
    notified_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    user = relationship("User")
    links: Mapped[list["GuardianLink"]] = relationship(back_populates="guardian", cascade="all, delete-orphan")


# Stored as the link's text, which users type themselves (мать, бабушка, опекун): data, not a label.
DEFAULT_RELATION = "родитель"


class GuardianLink(Model):
    __tablename__ = "guardian_link"
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(30), nullable=False, default=DEFAULT_RELATION)

    pupil: Mapped[Pupil] = relationship(back_populates="guardian_links")
    guardian: Mapped[Guardian] = relationship(back_populates="links")
