"""Pupils of a class over dates: the one answer every journal, diary, report and archive reads.

A pupil belongs to a class from a date to a date (`ClassMembership`, both days included; an open
end: still there). A class's pages show the pupils who were in it on some day of the dates they
cover, and a cell of a day outside the pupil's membership is not theirs to fill. Pupil.class_group_id
stays the pupil's current class: the transfer keeps it (app.school.transfer).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Date, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from app.models import ClassMembership, Pupil

# The last day of an open membership, where a comparison needs a date.
OPEN_END = dt.date(9999, 12, 31)


def overlaps(class_group_id, starts_on, ends_on) -> ColumnElement[bool]:
    """Memberships in the class that share a day with starts_on..ends_on. Each argument is a value
    or a SQL expression (a column, a bind parameter); a None bound leaves that side open."""
    conditions = [ClassMembership.class_group_id == class_group_id]
    if ends_on is not None:
        conditions.append(ClassMembership.starts_on <= ends_on)
    if starts_on is not None:
        conditions.append(or_(ClassMembership.ends_on.is_(None), ClassMembership.ends_on >= starts_on))
    return and_(*conditions)


def pupil_ids(class_group_id, starts_on=None, ends_on=None) -> Select:
    """The ids of the pupils in the class on some day of starts_on..ends_on (a subquery to put in
    a statement: `Pupil.id.in_(pupil_ids(...))`)."""
    return select(ClassMembership.pupil_id).where(overlaps(class_group_id, starts_on, ends_on))


def member_on(pupil_id, class_group_id, day) -> ColumnElement[bool]:
    """Was the pupil in the class on `day` (values or SQL expressions)."""
    return exists().where(ClassMembership.pupil_id == pupil_id, overlaps(class_group_id, day, day))


def spans(class_group_id, starts_on=None, ends_on=None):
    """Per pupil in the class over the dates: the first day and the last day (OPEN_END when still
    there) of their memberships that overlap them, as a subquery (pupil_id, member_from, member_to).
    A pupil who left and came back is taken from the first arrival to the last departure."""
    return (select(ClassMembership.pupil_id,
                   func.min(ClassMembership.starts_on).label("member_from"),
                   func.max(func.coalesce(ClassMembership.ends_on, bindparam("open_end", OPEN_END, type_=Date)))
                   .label("member_to"))
            .where(overlaps(class_group_id, starts_on, ends_on))
            .group_by(ClassMembership.pupil_id)
            .subquery("membership_span"))


@dataclass(frozen=True, slots=True)
class Member:
    pupil_id: int
    last_name: str
    first_name: str
    middle_name: str | None
    member_from: dt.date
    member_to: dt.date  # OPEN_END: still in the class

    @property
    def id(self) -> int:
        return self.pupil_id

    def member_on(self, day: dt.date) -> bool:
        return self.member_from <= day <= self.member_to


def members(session: Session, class_group_id: int, starts_on: dt.date | None = None,
            ends_on: dt.date | None = None, *, where=None) -> list[Member]:
    """The pupils in the class on some day of starts_on..ends_on (None: unbounded), by name, with
    the days of their membership. `where`: a further condition on Pupil (the user's scope)."""
    span = spans(class_group_id, starts_on, ends_on)
    query = (select(Pupil.id, Pupil.last_name, Pupil.first_name, Pupil.middle_name, span.c.member_from,
                    span.c.member_to)
             .join(span, span.c.pupil_id == Pupil.id)
             .order_by(Pupil.last_name, Pupil.first_name, Pupil.middle_name, Pupil.id))
    if where is not None:
        query = query.where(where)
    return [Member(*row) for row in session.execute(query)]


def history(session: Session, pupil_id: int) -> list[ClassMembership]:
    """The pupil's memberships, earliest first."""
    return list(session.scalars(select(ClassMembership).where(ClassMembership.pupil_id == pupil_id)
                                .order_by(ClassMembership.starts_on, ClassMembership.id)))
