"""Who may give which account: nobody grants a role above their own or a place beyond their own.

- the administrator: any role, any place;
- a municipal coordinator: the school administration of the municipality's schools;
- a school's administration: administration, secretary, teachers, pupils and families of the school;
- the secretary: teachers, pupils and families of the school.

A role's place: a municipal coordinator belongs to a municipality, the school's staff to a school,
a vendor's account to a journal system (its schools are the schools using it); the region's roles
to no place; pupils and families are placed by their pupil and guardian records."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JournalSystem, Municipality, School
from app.security import roles as R
from app.security.scope import Scope
from app.i18n import _

GRANTS: dict[str, tuple[str, ...]] = {
    R.ADMIN: R.ALL_ROLES,
    R.MUNICIPAL: (R.SCHOOL_ADMIN,),
    R.SCHOOL_ADMIN: (R.SCHOOL_ADMIN, R.SECRETARY, R.TEACHER, R.PARENT, R.PUPIL),
    R.SECRETARY: (R.TEACHER, R.PARENT, R.PUPIL),
}
SCHOOL_PLACED = (R.SCHOOL_ADMIN, R.SECRETARY, R.TEACHER)
PLACE_FIELDS = ("municipality_id", "school_id", "journal_system_id")
PERSON_PLACED = (R.PARENT, R.PUPIL)


@dataclass(frozen=True)
class Place:
    """Where an account's rows are: the user_scope row of the account (all None: the region)."""

    municipality_id: int | None = None
    school_id: int | None = None
    journal_system_id: int | None = None

    @property
    def is_region(self) -> bool:
        return self.municipality_id is None and self.school_id is None and self.journal_system_id is None


def grantable_roles(scope: Scope) -> tuple[str, ...]:
    """The roles `scope`'s user may give, in the order of R.ALL_ROLES."""
    return GRANTS.get(scope.role or "", ())


def _place_of(role: str) -> tuple[str, type, str] | None:
    """The one Place field a role's place sets, the table it points into, and what to ask for
    when it is missing; None for roles placed nowhere (the region's, families)."""
    if role == R.MUNICIPAL:
        return "municipality_id", Municipality, _("Для муниципального координатора выберите муниципалитет.")
    if role in SCHOOL_PLACED:
        return "school_id", School, _("Для работника школы выберите школу.")
    if role == R.VENDOR:
        return "journal_system_id", JournalSystem, _("Для поставщика выберите систему электронного журнала.")
    return None


def place_problem(session: Session, role: str, place: Place) -> str | None:
    """Why `place` does not suit `role` (in Russian), or None: each role has exactly its kind of place."""
    wanted = _place_of(role)
    if wanted is None:
        return None if place.is_region else _("У этой роли нет школы или муниципалитета: оставьте их пустыми.")
    field_name, model, ask = wanted
    value = getattr(place, field_name)
    alone = all(getattr(place, other) is None for other in PLACE_FIELDS if other != field_name)
    return None if value is not None and alone and session.get(model, value) is not None else ask


def grant_problem(session: Session, scope: Scope, role: str, place: Place) -> str | None:
    """Why `scope`'s user may not give `role` at `place` (in Russian), or None.

    The place must suit the role (place_problem) and lie within the granting user's own."""
    if role not in grantable_roles(scope):
        return _("Вы не можете выдавать учётные записи с ролью «%(role)s».", role=role)
    problem = place_problem(session, role, place)
    if problem or scope.is_admin or role in PERSON_PLACED:
        return problem
    if scope.role == R.MUNICIPAL:
        municipality = session.scalar(select(School.municipality_id).where(School.id == place.school_id))
        inside = municipality is not None and municipality == scope.municipality_id
    else:
        inside = place.school_id is not None and place.school_id == scope.school_id
    return None if inside else _("Эта школа вне вашей области доступа.")
