"""Rollout writes as domain functions: the evidence file's scope check after the flush, replacing a
file, deleting one only where the scope module allows; refused writes leave nothing behind."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.security.clauses import NotInScope
from app.models import ReadinessEvidence, SchoolReadiness
from app.rollout import records
from app.rollout.evidence import validate_evidence
from app.security.scope import load_scope
from tests.rollout_helpers import make_campaign

PDF = b"%PDF-1.7\n"
NOW = dt.datetime(2012, 8, 15, 10, 0)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _store(session, user, campaign, school, name):
    scope = load_scope(session, user)
    readiness = records.readiness_of(session, scope, campaign, school.id)
    checked = validate_evidence("normative_acts", name, PDF)
    return records.store_evidence(session, scope, campaign, school.id, readiness, "normative_acts", checked,
                                  user_id=user.id, now=NOW)


def test_director_stores_and_replaces_own_school_evidence(session, world):
    campaign = make_campaign(session)
    session.commit()
    first = _store(session, world.users["director"], campaign, world.school_a, "Положение.pdf")
    second = _store(session, world.users["director"], campaign, world.school_a, "Приказ № 5.pdf")
    assert second.id == first.id
    assert (_count(session, SchoolReadiness), _count(session, ReadinessEvidence)) == (1, 1)
    assert session.scalar(select(ReadinessEvidence.filename)) == "Приказ № 5.pdf"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_evidence_for_another_school_is_rolled_back_after_the_flush(session, world, engine):
    campaign = make_campaign(session)
    session.commit()
    with pytest.raises(NotInScope):
        _store(session, world.users["director"], campaign, world.school_b, "Положение.pdf")
    assert (_count(session, SchoolReadiness), _count(session, ReadinessEvidence)) == (0, 0)


def test_reader_may_not_delete_and_outsider_does_not_see_evidence(session, world):
    campaign = make_campaign(session)
    session.commit()
    evidence_id = _store(session, world.users["director"], campaign, world.school_a, "Положение.pdf").id
    with pytest.raises(records.ReadOnly):
        records.delete_evidence(session, load_scope(session, world.users["ministry"]), evidence_id)
    with pytest.raises(NotInScope):
        records.delete_evidence(session, load_scope(session, world.users["teacher"]), evidence_id)
    assert _count(session, ReadinessEvidence) == 1
    school_id = records.delete_evidence(session, load_scope(session, world.users["director"]), evidence_id)
    assert (school_id, _count(session, ReadinessEvidence)) == (world.school_a.id, 0)
