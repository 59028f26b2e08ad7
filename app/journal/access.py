"""Who may open and change which journal, answered with the clauses of app.security.scope.

Nothing here decides scope on its own: it evaluates `visible` / `changeable` /
`journal_assignments` from the scope module, rewritten onto the lesson row with the generic
helpers of app.security.clauses.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Lesson, Mark, TeachingAssignment
from app.security.clauses import NotInScope, as_if, on_row
from app.security.scope import CLAUSES_KEPT, Scope, changeable, journal_assignments, visible


@lru_cache(maxsize=CLAUSES_KEPT)
def marks_writable_on(scope: Scope):
    """A boolean SQL expression over Lesson: may the user write marks/absences on this lesson?

    A predicate on the Lesson row itself (see `on_row`), so the database checks only the lessons
    the query selects."""
    return on_row(as_if(changeable(scope, Mark), Mark, {"lesson_id": Lesson.id}), Lesson)


@lru_cache(maxsize=CLAUSES_KEPT)
def lessons_listed(scope: Scope, model):
    """A boolean SQL expression over Lesson for a list of marks or absences joined to their lessons:
    `visible(scope, model)` with a single subquery of lessons turned into its condition on the row
    (a director's `lesson.school_id = ?`: the database walks the school's lessons by date and stops
    at the end of the page), and a union of lessons (a teacher's) left a set of ids: as an OR on
    the row, PostgreSQL read every mark of the region."""
    return on_row(as_if(visible(scope, model), model, {"lesson_id": Lesson.id}), Lesson, unions=False)


def visible_on_lesson(scope: Scope, model):
    """A boolean SQL expression over Lesson: may the user read the rows of `model` (marks or
    absences) of this lesson? `visible(scope, model)` checked on the lesson row, like
    `marks_writable_on`."""
    return on_row(as_if(visible(scope, model), model, {"lesson_id": Lesson.id}), Lesson)


def open_assignment(session: Session, scope: Scope, assignment_id: int) -> TeachingAssignment:
    """The assignment whose journal the user may open, or NotInScope."""
    assignment = session.scalar(
        select(TeachingAssignment).where(TeachingAssignment.id == assignment_id,
                                         journal_assignments(scope, by_id=True))
    )
    if assignment is None:
        raise NotInScope(f"teaching_assignment {assignment_id}")
    return assignment
