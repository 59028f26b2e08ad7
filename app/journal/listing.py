"""What the journal's lists show a user: the teaching assignments whose journals they open (their
own first, the others by class) and the study periods they may close."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import StudyPeriod, TeachingAssignment
from app.security.scope import Scope, journal_assignments, visible

PERIODS_LISTED = 200


def journal_index(session: Session, scope: Scope) -> tuple[list[TeachingAssignment], list[tuple]]:
    """(the user's own assignments, [(class, its other assignments)]), each in class-register order:
    grade, letter, subject, subgroup."""
    assignments = list(session.scalars(
        select(TeachingAssignment).where(journal_assignments(scope)).options(
            joinedload(TeachingAssignment.class_group), joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.teacher), joinedload(TeachingAssignment.subgroup))))
    assignments.sort(key=lambda a: (a.class_group.grade, a.class_group.letter, a.subject.name,
                                    a.subgroup.name if a.subgroup else ""))
    own, others = [], []
    for a in assignments:
        (own if a.teacher_id == scope.staff_id else others).append(a)
    classes = defaultdict(list)
    for a in others:
        classes[a.class_group].append(a)
    return own, list(classes.items())


def periods_listed(session: Session, scope: Scope) -> list[StudyPeriod]:
    """The study periods the user sees, by school, year and number."""
    return list(session.scalars(
        select(StudyPeriod).where(visible(scope, StudyPeriod)).options(joinedload(StudyPeriod.school))
        .order_by(StudyPeriod.school_id, StudyPeriod.academic_year_id, StudyPeriod.number).limit(PERIODS_LISTED)))
