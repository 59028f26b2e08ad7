"""The rollout rows a page reads and writes: plans, school readiness, evidence files, materials.

Every function takes the session and the user's Scope; scope comes from app.security.scope only.
A row that does not exist or is out of scope raises NotInScope (the page answers 404); a row the
user sees but may not change raises ReadOnly (403). Each write is one transaction: it commits, or
rolls back and raises. A written row is checked against `changeable` after the flush as well, so
a form can never move a row out of the user's own scope."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.security.clauses import NotInScope, would_be_changeable
from app.models import (
    Campaign,
    JournalSystem,
    Material,
    Municipality,
    ReadinessEvidence,
    RolloutPlan,
    School,
    SchoolReadiness,
)
from app.rollout import editing
from app.security.scope import Scope, is_changeable, is_visible, visible
from app.uploads import UploadedFile


class ReadOnly(PermissionError):
    """The user sees the row but may not change it: the page answers 403."""


def municipality_choices(session: Session, scope: Scope) -> list:
    """(id, name) of the municipalities the user sees, by name."""
    return session.execute(
        select(Municipality.id, Municipality.name).where(visible(scope, Municipality)).order_by(Municipality.name)
    ).all()


def campaigns_latest_first(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())))


def journal_systems(session: Session) -> list[JournalSystem]:
    """Our own system first, then by name."""
    return list(session.scalars(select(JournalSystem).order_by(JournalSystem.is_own.desc(), JournalSystem.name)))


def school_count(session: Session, municipality_id: int) -> int:
    """General-education schools of the municipality (the 100 % of a plan's targets)."""
    return session.scalar(select(func.count()).select_from(School).where(
        School.municipality_id == municipality_id, School.is_general_education.is_(True))) or 0


def visible_municipality(session: Session, scope: Scope, municipality_id: int) -> Municipality:
    if not is_visible(session, scope, Municipality, municipality_id):
        raise NotInScope()
    return session.get(Municipality, municipality_id)


def plan_of(session: Session, scope: Scope, campaign: Campaign, municipality_id: int) -> RolloutPlan | None:
    """The municipality's plan in the campaign, None if not yet written."""
    plan = session.scalar(select(RolloutPlan).where(
        RolloutPlan.campaign_id == campaign.id, RolloutPlan.municipality_id == municipality_id))
    if plan is not None and not is_visible(session, scope, RolloutPlan, plan.id):
        raise NotInScope()
    return plan


def plan_editable(session: Session, scope: Scope, plan: RolloutPlan | None, campaign: Campaign,
                  municipality_id: int) -> bool:
    """May the user change this plan? Asked of the scope module, for a plan not yet written too."""
    if plan is not None:
        return is_changeable(session, scope, RolloutPlan, plan.id)
    return would_be_changeable(session, scope, RolloutPlan, campaign_id=campaign.id, municipality_id=municipality_id)


def save_plan(session: Session, scope: Scope, campaign: Campaign, municipality_id: int, plan: RolloutPlan | None,
              data: editing.PlanInput, *, user_id: int | None, now: dt.datetime) -> RolloutPlan:
    """Write checked plan input (creating the plan on the first save) and commit."""
    try:
        if plan is None:
            plan = RolloutPlan(campaign_id=campaign.id, municipality_id=municipality_id)
            session.add(plan)
            session.flush()
        editing.save_plan(session, plan, data, user_id=user_id, now=now)
        if not is_changeable(session, scope, RolloutPlan, plan.id):
            raise NotInScope()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return plan


def visible_school(session: Session, scope: Scope, school_id: int) -> School:
    if not is_visible(session, scope, School, school_id):
        raise NotInScope()
    return session.get(School, school_id)


def readiness_of(session: Session, scope: Scope, campaign: Campaign, school_id: int) -> SchoolReadiness | None:
    """The school's readiness row in the campaign, None if not yet written."""
    readiness = session.scalar(select(SchoolReadiness).where(
        SchoolReadiness.campaign_id == campaign.id, SchoolReadiness.school_id == school_id))
    if readiness is not None and not is_visible(session, scope, SchoolReadiness, readiness.id):
        raise NotInScope()
    return readiness


def readiness_editable(session: Session, scope: Scope, readiness: SchoolReadiness | None, campaign: Campaign,
                       school_id: int) -> bool:
    if readiness is not None:
        return is_changeable(session, scope, SchoolReadiness, readiness.id)
    return would_be_changeable(session, scope, SchoolReadiness, campaign_id=campaign.id, school_id=school_id)


def _ensure_readiness(session: Session, readiness, campaign: Campaign, school_id: int) -> SchoolReadiness:
    if readiness is None:
        readiness = SchoolReadiness(campaign_id=campaign.id, school_id=school_id)
        session.add(readiness)
        session.flush()
    return readiness


def save_readiness(session: Session, scope: Scope, campaign: Campaign, school: School,
                   readiness: SchoolReadiness | None, data: editing.ReadinessInput, *, user_id: int | None,
                   now: dt.datetime) -> SchoolReadiness:
    """Write checked readiness input (creating the row on the first save) and commit."""
    try:
        readiness = _ensure_readiness(session, readiness, campaign, school.id)
        editing.save_readiness(session, readiness, school, data, user_id=user_id, now=now)
        if not is_changeable(session, scope, SchoolReadiness, readiness.id):
            raise NotInScope()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return readiness


def store_evidence(session: Session, scope: Scope, campaign: Campaign, school_id: int,
                   readiness: SchoolReadiness | None, item: str, checked: UploadedFile, *, user_id: int | None,
                   now: dt.datetime) -> ReadinessEvidence:
    """Keep the checked file as the evidence of `item` (replacing an earlier one) and commit.

    `checked` comes from app.rollout.evidence.validate_evidence. The row is checked against
    `changeable` after the flush: out of scope rolls back and raises NotInScope."""
    try:
        readiness = _ensure_readiness(session, readiness, campaign, school_id)
        existing = next((e for e in readiness.evidence if e.item == item), None)
        if existing is None:
            existing = ReadinessEvidence(item=item)
            readiness.evidence.append(existing)
        existing.filename = checked.filename
        existing.content_type = checked.content_type
        existing.size_bytes = checked.size_bytes
        existing.data = checked.data
        existing.uploaded_at = now
        existing.uploaded_by_id = user_id
        session.flush()
        if not is_changeable(session, scope, ReadinessEvidence, existing.id):
            raise NotInScope()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return existing


def visible_evidence(session: Session, scope: Scope, evidence_id: int) -> ReadinessEvidence:
    if not is_visible(session, scope, ReadinessEvidence, evidence_id):
        raise NotInScope()
    return session.get(ReadinessEvidence, evidence_id)


def delete_evidence(session: Session, scope: Scope, evidence_id: int) -> int:
    """Delete an evidence file and commit; returns its school's id. NotInScope, or ReadOnly for a
    file the user only sees."""
    if not is_visible(session, scope, ReadinessEvidence, evidence_id):
        raise NotInScope()
    if not is_changeable(session, scope, ReadinessEvidence, evidence_id):
        raise ReadOnly()
    try:
        evidence = session.get(ReadinessEvidence, evidence_id)
        school_id = evidence.readiness.school_id
        session.delete(evidence)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return school_id


def material_file(session: Session, scope: Scope, material_id: int):
    """(filename, content_type, data) of a material's file; NotInScope without one."""
    row = session.execute(
        select(Material.filename, Material.content_type, Material.data)
        .where(Material.id == material_id, visible(scope, Material))
    ).one_or_none()
    if row is None or not row.data:
        raise NotInScope()
    return row
