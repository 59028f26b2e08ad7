"""Which pupils' diaries a user may open, as small cards with the class and school names."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AcademicYear, ClassGroup, Pupil, School
from app.security.scope import Scope, visible


@dataclass(frozen=True)
class PupilCard:
    """A pupil as the diary needs it. Class fields are None for a pupil without a class."""

    id: int
    last_name: str
    first_name: str
    school_id: int
    school_name: str
    class_group_id: int | None = None
    grade: int | None = None
    letter: str | None = None
    shift: int = 1
    academic_year_id: int | None = None
    year_starts_on: dt.date | None = None
    year_ends_on: dt.date | None = None

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def class_name(self) -> str | None:
        return f"{self.grade}{self.letter}" if self.class_group_id else None


# Built once; each page adds its WHERE clause.
_CARDS = (
    select(
        Pupil.id, Pupil.last_name, Pupil.first_name, Pupil.school_id, School.short_name,
        Pupil.class_group_id, ClassGroup.grade, ClassGroup.letter, ClassGroup.shift,
        ClassGroup.academic_year_id, AcademicYear.starts_on, AcademicYear.ends_on,
    )
    .join(School, School.id == Pupil.school_id)
    .outerjoin(ClassGroup, ClassGroup.id == Pupil.class_group_id)
    .outerjoin(AcademicYear, AcademicYear.id == ClassGroup.academic_year_id)
)


def _card(row) -> PupilCard:
    return PupilCard(
        id=row[0], last_name=row[1], first_name=row[2], school_id=row[3], school_name=row[4],
        class_group_id=row[5], grade=row[6], letter=row[7], shift=row[8] or 1,
        academic_year_id=row[9], year_starts_on=row[10], year_ends_on=row[11],
    )


def children(session: Session, scope: Scope) -> list[PupilCard]:
    """The pupils whose diary this user opens as their own: a pupil's self, a parent's children.

    Ordered by first name (how parents tell their children apart). One query; [] for staff."""
    if not scope.pupil_ids:
        return []
    rows = session.execute(
        _CARDS.where(Pupil.id.in_(scope.pupil_ids), visible(scope, Pupil))
        .order_by(Pupil.first_name, Pupil.id)
    )
    return [_card(row) for row in rows]


def visible_pupil(session: Session, scope: Scope, pupil_id: int) -> PupilCard | None:
    """The pupil `pupil_id` if this user may read their diary, else None (the view answers 404)."""
    row = session.execute(_CARDS.where(Pupil.id == pupil_id, visible(scope, Pupil))).first()
    return _card(row) if row else None
