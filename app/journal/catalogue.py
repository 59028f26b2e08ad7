"""The journal's two catalogues — work types (with weights) and absence codes — read once per
request or write and passed along, as plain values (a commit does not expire them)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AbsenceCode, MarkType


@dataclass(frozen=True)
class WorkType:
    id: int
    name: str
    short_name: str
    weight: Decimal
    is_default: bool


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    excused: bool
    counts_as_missed: bool


@dataclass(frozen=True)
class Catalogue:
    mark_types: tuple[WorkType, ...]      # by weight, then name (as the grid lists them)
    absence_codes: tuple[Code, ...]       # by code

    @cached_property
    def types(self) -> dict[int, WorkType]:
        """Work types by id, in id order."""
        return {t.id: t for t in sorted(self.mark_types, key=lambda t: t.id)}

    @cached_property
    def codes(self) -> dict[str, Code]:
        return {c.code: c for c in self.absence_codes}

    @cached_property
    def missed(self) -> set[str]:
        """The codes that count as a missed lesson (late arrival does not)."""
        return {c.code for c in self.absence_codes if c.counts_as_missed}


def load_catalogue(session: Session) -> Catalogue:
    """Both catalogues, two queries."""
    types = tuple(WorkType(t.id, t.name, t.short_name, t.weight, t.is_default) for t in session.execute(
        select(MarkType.id, MarkType.name, MarkType.short_name, MarkType.weight, MarkType.is_default)
        .order_by(MarkType.weight, MarkType.name)))
    codes = tuple(Code(c.code, c.name, c.excused, c.counts_as_missed) for c in session.execute(
        select(AbsenceCode.code, AbsenceCode.name, AbsenceCode.excused, AbsenceCode.counts_as_missed)
        .order_by(AbsenceCode.code)))
    return Catalogue(types, codes)
