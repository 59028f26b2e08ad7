"""Absence notices (app.journal.absence_notices): filing within the family's scope, and acceptance
turning the «н» of the notice's lessons into the notice's code, in every subject, with history."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.journal import absence_notices as notices
from app.journal.entries import Actor
from app.models import Absence, JournalChange
from app.models.notices import ACCEPTED, CERTIFICATE_ASKED, FAMILY, ILLNESS, AbsenceNotice
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.absence_helpers import MONDAY, TUESDAY, WEDNESDAY, build_notice_world

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def nw(app, session, world):
    return build_notice_world(session, app.appbuilder.sm, world)


def scope_of(session, nw, name):
    return load_scope(session, nw.world.users[name])


def actor_of(nw, name):
    return Actor(nw.world.users[name].id, name)


def file(session, nw, *, pupil=None, starts=MONDAY, ends=TUESDAY, lessons=(), reason=ILLNESS, today=MONDAY,
         user="parent"):
    return notices.file_notice(session, scope_of(session, nw, user), nw.world.users[user].id,
                               pupil_id=(pupil or nw.world.pupil_a).id, starts_on=starts, ends_on=ends,
                               lessons=lessons, reason=reason, comment=None, today=today)


def codes(session, nw) -> dict[str, str]:
    """Алексеева's absence codes by «дата/номер урока/предмет»."""
    w = nw.world
    names = {w.lesson_a.id: "10.09/1/мат", nw.russian_monday.id: "10.09/2/рус", nw.maths_tuesday.id: "11.09/1/мат",
             nw.maths_wednesday.id: "12.09/1/мат"}
    rows = session.execute(select(Absence.lesson_id, Absence.code).where(Absence.pupil_id == w.pupil_a.id)).all()
    return {names[lesson_id]: code for lesson_id, code in rows}


@pytest.mark.parametrize("engine", ENGINES)
def test_parent_files_only_for_own_children(session, nw, engine):
    w = nw.world
    notice_id = file(session, nw)
    row = session.get(AbsenceNotice, notice_id)
    assert (row.pupil_id, row.class_group_id, row.school_id, row.status) == (w.pupil_a.id, w.class_a.id,
                                                                            w.school_a.id, "pending")
    assert [c.name for c in notices.children(session, scope_of(session, nw, "parent"))] == [
        "Алексеев Мария", "Алексеева Мария"]
    for stranger in (w.pupil_a_other, w.pupil_b):  # another family's child in the school, another school's
        with pytest.raises(NotInScope):
            file(session, nw, pupil=stranger)
    for user in ("pupil", "teacher", "director"):  # only a guardian files
        with pytest.raises(NotInScope):
            file(session, nw, user=user)
    assert session.scalars(select(AbsenceNotice.id)).all() == [notice_id]


@pytest.mark.parametrize("engine", ENGINES)
def test_each_role_reads_the_notices_written_out_for_it(session, nw, engine):
    file(session, nw)
    readers = {name: len(notices.list_notices(session, scope_of(session, nw, name)))
               for name in ("admin", "ministry", "monitor", "methodist", "municipal", "director", "secretary",
                            "teacher", "teacher_ru", "parent", "pupil", "director_b")}
    assert readers == {"admin": 1, "ministry": 0, "monitor": 0, "methodist": 0, "municipal": 0, "director": 1,
                       "secretary": 1, "teacher": 1, "teacher_ru": 1, "parent": 1, "pupil": 1, "director_b": 0}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_teacher_reads_the_notices_of_the_days_they_teach_the_class_or_of_the_class_led(session, nw, engine):
    w = nw.world
    file(session, nw, starts=TUESDAY, ends=WEDNESDAY)  # mathematics only: Петрова has no 7А lesson then
    w.class_a.class_teacher_id = None
    session.commit()
    assert len(notices.list_notices(session, scope_of(session, nw, "teacher"))) == 1   # teaches 7А on Tuesday
    assert notices.list_notices(session, scope_of(session, nw, "teacher_ru")) == []
    w.class_a.class_teacher_id = w.other_teacher.id
    session.commit()
    assert len(notices.list_notices(session, scope_of(session, nw, "teacher_ru"))) == 1  # she leads 7А now


def test_bad_notices_are_refused_and_nothing_is_written(session, nw):
    refusals = [dict(starts=dt.date(2012, 9, 7)),                         # before today
                dict(starts=TUESDAY, ends=MONDAY),                         # ends before it starts
                dict(starts=MONDAY, ends=MONDAY + dt.timedelta(days=31)),  # 32 days
                dict(reason="holiday")]
    for refusal in refusals:
        with pytest.raises(DomainError):
            file(session, nw, **refusal)
    with pytest.raises(DomainError):
        notices.parse_lessons("2, 11")
    assert notices.parse_lessons(" 3,2 2;") == (2, 3)
    assert session.scalars(select(AbsenceNotice.id)).all() == []


@pytest.mark.parametrize("engine", ENGINES)
def test_accepting_turns_missed_into_ill_on_every_subject_within_the_dates(session, nw, engine):
    notice_id = file(session, nw)
    changed = notices.accept(session, scope_of(session, nw, "teacher"), actor_of(nw, "teacher"), notice_id,
                             today=TUESDAY)
    assert changed == 3
    assert codes(session, nw) == {"10.09/1/мат": "б", "10.09/2/рус": "б", "11.09/1/мат": "б", "12.09/1/мат": "н"}
    history = session.execute(select(JournalChange.lesson_id, JournalChange.entity, JournalChange.action,
                                     JournalChange.old_value, JournalChange.new_value, JournalChange.user_name)
                              .order_by(JournalChange.id)).all()
    assert history == [(nw.world.lesson_a.id, "absence", "update", "н", "б", "teacher"),
                       (nw.russian_monday.id, "absence", "update", "н", "б", "teacher"),
                       (nw.maths_tuesday.id, "absence", "update", "н", "б", "teacher")]
    assert session.get(AbsenceNotice, notice_id).status == ACCEPTED

    again = notices.accept(session, scope_of(session, nw, "teacher"), actor_of(nw, "teacher"), notice_id,
                           today=TUESDAY)
    assert again == 0
    assert len(session.scalars(select(JournalChange.id)).all()) == 3


def test_a_notice_of_some_lessons_for_a_family_reason_gives_valid_reason_on_those_only(session, nw):
    notice_id = file(session, nw, starts=MONDAY, ends=MONDAY, lessons=(2,), reason=FAMILY)
    assert notices.accept(session, scope_of(session, nw, "director"), actor_of(nw, "director"), notice_id,
                          today=MONDAY) == 1
    assert codes(session, nw) == {"10.09/1/мат": "н", "10.09/2/рус": "у", "11.09/1/мат": "н", "12.09/1/мат": "н"}


def test_only_the_class_teacher_or_the_administration_decides(session, nw):
    w = nw.world
    notice_id = file(session, nw)
    w.class_a.class_teacher_id = w.other_teacher.id  # Иванова still teaches 7А, no longer leads it
    session.commit()
    for outsider in ("teacher", "parent", "pupil", "secretary", "municipal", "director_b"):
        with pytest.raises(NotInScope):
            notices.accept(session, scope_of(session, nw, outsider), actor_of(nw, outsider), notice_id,
                           today=TUESDAY)
    assert codes(session, nw)["10.09/1/мат"] == "н"
    assert session.get(AbsenceNotice, notice_id).status == "pending"


def test_certificate_asked_then_recorded_by_number_and_date_only(session, nw):
    notice_id = file(session, nw)
    teacher = scope_of(session, nw, "teacher")
    notices.ask_certificate(session, teacher, nw.world.users["teacher"].id, notice_id)
    assert session.get(AbsenceNotice, notice_id).status == CERTIFICATE_ASKED
    with pytest.raises(DomainError):  # a number without its date
        notices.accept(session, teacher, actor_of(nw, "teacher"), notice_id, certificate_number="123",
                       today=TUESDAY)
    with pytest.raises(DomainError):  # a date to come
        notices.accept(session, teacher, actor_of(nw, "teacher"), notice_id, certificate_number="123",
                       certificate_date=dt.date(2012, 9, 13), today=TUESDAY)
    assert codes(session, nw)["10.09/1/мат"] == "н"
    notices.accept(session, teacher, actor_of(nw, "teacher"), notice_id, certificate_number=" 095/у-17 ",
                   certificate_date=TUESDAY, today=TUESDAY)
    row = session.get(AbsenceNotice, notice_id)
    assert (row.status, row.certificate_number, row.certificate_date) == (ACCEPTED, "095/у-17", TUESDAY)
    with pytest.raises(DomainError):
        notices.ask_certificate(session, teacher, nw.world.users["teacher"].id, notice_id)


def test_lessons_of_a_closed_period_keep_their_missed(session, nw):
    from app.models import StudyPeriod

    notice_id = file(session, nw)
    first = session.scalars(select(StudyPeriod).where(StudyPeriod.school_id == nw.world.school_a.id,
                                                      StudyPeriod.number == 1)).one()
    first.locked_at = dt.datetime(2012, 9, 11, 9, 0)
    session.commit()
    assert notices.accept(session, scope_of(session, nw, "teacher"), actor_of(nw, "teacher"), notice_id,
                          today=TUESDAY) == 0
    assert set(codes(session, nw).values()) == {"н"}
