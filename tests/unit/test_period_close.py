"""Closing a study period (app.journal.period_close): what is missing, the refusals, and the record
of closes and reopens, on the hand-written world of tests.period_close_helpers."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.journal import period_close
from app.journal.entries import Actor
from app.journal.period_close import MissingMarks, MissingTopics, TeacherDue
from app.models import PeriodCloseEvent, StudyPeriod
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.period_close_helpers import AFTER, BEFORE, LAST_DAY, build_close_world


@pytest.fixture
def cw(app, session):
    return build_close_world(session, app.appbuilder.sm)


@pytest.fixture
def on_day(app):
    """Set the app's today (app.clock) to a day."""
    def set_day(day: dt.date):
        app.config["TODAY"] = day
    yield set_day
    app.config["TODAY"] = None


def scope_of(session, cw, username):
    return load_scope(session, cw.w.users[username])


def actor(cw, username):
    return Actor(user_id=cw.w.users[username].id, user_name=f"Тестов ({username})")


def events(session, period):
    return [(e.action, e.early, e.reason, e.user_name, e.at.date())
            for e in session.scalars(select(PeriodCloseEvent).where(PeriodCloseEvent.study_period_id == period.id)
                                     .order_by(PeriodCloseEvent.id))]


# --- what is missing ----------------------------------------------------------------------------

def test_missing_marks_topics_and_teachers_before_the_last_day(session, cw):
    check = period_close.close_check(session, scope_of(session, cw, "director"), cw.first.id, BEFORE)
    assert check.missing_marks == [
        MissingMarks("7А", "Английский язык", ("Петрова А.П.",), ("Белова Ольга",)),
        MissingMarks("7А", "Математика", ("Иванова А.П.",), ("Белова Ольга", "Волков Пётр")),
        MissingMarks("8Б", "Математика", ("Петрова А.П.",), ("Алексеев Мария",)),
    ]
    # music is taught without marks: no period mark missing, but its lesson needs a topic;
    # the cancelled lesson and the lesson of 24.10 (after today) are not listed
    assert check.missing_topics == [
        MissingTopics("7А", "Математика", ("Иванова А.П.",), (dt.date(2012, 9, 10),)),
        MissingTopics("7А", "Музыка", ("Петрова А.П.",), (dt.date(2012, 9, 14),)),
        MissingTopics("8Б", "Математика", ("Петрова А.П.",), (dt.date(2012, 9, 10),)),
    ]
    assert check.teachers == [TeacherDue("Иванова А.П.", 2, 1), TeacherDue("Петрова А.П.", 2, 2)]
    assert (check.pupils_missing, check.lessons_missing) == (4, 3)
    assert check.early and not check.future and not check.complete


def test_lessons_up_to_the_last_day_count_after_it(session, cw):
    for day in (LAST_DAY, AFTER):
        check = period_close.close_check(session, scope_of(session, cw, "director"), cw.first.id, day)
        assert check.missing_topics[-1] == MissingTopics(
            "8Б", "Математика", ("Петрова А.П.",), (dt.date(2012, 9, 10), dt.date(2012, 10, 24)))
        assert not check.early


def test_a_future_period_lists_nothing_and_is_future(session, cw):
    check = period_close.close_check(session, scope_of(session, cw, "director"), cw.second.id, BEFORE)
    assert check.future and check.missing_marks == [] and check.missing_topics == [] and check.teachers == []


def test_another_schools_period_is_out_of_scope(session, cw):
    with pytest.raises(NotInScope):
        period_close.close_check(session, scope_of(session, cw, "director_b"), cw.first.id, BEFORE)
    with pytest.raises(NotInScope):
        period_close.close_period(session, scope_of(session, cw, "director_b"), actor(cw, "director_b"),
                                  study_period_id=cw.first.id, reason="Так надо", early=True, today=BEFORE)


# --- refusals -----------------------------------------------------------------------------------

def test_early_close_needs_confirmation_and_a_reason(session, cw, on_day):
    on_day(BEFORE)
    scope = scope_of(session, cw, "director")
    for early, reason in ((False, "Приказ № 12"), (True, ""), (True, "   "), (False, "")):
        with pytest.raises(DomainError, match="Период «1 четверть» оканчивается 27.10.2012. Чтобы закрыть его "
                                              "досрочно, подтвердите досрочное закрытие и укажите причину."):
            period_close.close_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id,
                                      reason=reason, early=early)
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at is None and events(session, cw.first) == []

    period_close.close_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id,
                              reason="Приказ № 12 о досрочном окончании четверти", early=True)
    session.expire_all()
    period = session.get(StudyPeriod, cw.first.id)
    assert period.locked_at.date() == BEFORE and period.locked_by_id == cw.w.users["director"].id
    assert events(session, cw.first) == [
        ("close", True, "Приказ № 12 о досрочном окончании четверти", "Тестов (director)", BEFORE)]


def test_only_the_school_administration_closes_early(session, cw, on_day):
    on_day(BEFORE)
    with pytest.raises(DomainError, match="досрочно закрыть его может только администрация школы"):
        period_close.close_period(session, scope_of(session, cw, "admin"), actor(cw, "admin"),
                                  study_period_id=cw.first.id, reason="Приказ № 12", early=True)
    with pytest.raises(DomainError, match="Закрывать и открывать периоды может только администрация школы."):
        period_close.close_period(session, scope_of(session, cw, "teacher"), actor(cw, "teacher"),
                                  study_period_id=cw.first.id, reason="Приказ № 12", early=True)
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at is None and events(session, cw.first) == []


def test_a_future_period_is_refused(session, cw, on_day):
    on_day(BEFORE)
    with pytest.raises(DomainError, match="Период «2 четверть» ещё не начался: закрыть можно только текущий "
                                          "или прошедший период."):
        period_close.close_period(session, scope_of(session, cw, "director"), actor(cw, "director"),
                                  study_period_id=cw.second.id, reason="Приказ № 12", early=True)
    session.expire_all()
    assert session.get(StudyPeriod, cw.second.id).locked_at is None and events(session, cw.second) == []


@pytest.mark.parametrize("day", [LAST_DAY, AFTER])
def test_on_or_after_the_last_day_the_close_needs_no_reason(session, cw, on_day, day):
    on_day(day)
    period_close.close_period(session, scope_of(session, cw, "director"), actor(cw, "director"),
                              study_period_id=cw.first.id)
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at.date() == day
    assert events(session, cw.first) == [("close", False, None, "Тестов (director)", day)]


def test_the_regions_administrator_closes_after_the_end(session, cw, on_day):
    on_day(AFTER)
    period_close.close_period(session, scope_of(session, cw, "admin"), actor(cw, "admin"),
                              study_period_id=cw.first.id, reason="Итоги подведены")
    session.expire_all()
    assert events(session, cw.first) == [("close", False, "Итоги подведены", "Тестов (admin)", AFTER)]


def test_closing_a_closed_period_keeps_the_first_close(session, cw, on_day):
    on_day(AFTER)
    scope = scope_of(session, cw, "director")
    period_close.close_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id, reason="первое")
    session.expire_all()
    first = session.get(StudyPeriod, cw.first.id).locked_at
    period_close.close_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id, reason="второе")
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at == first
    assert [e[2] for e in events(session, cw.first)] == ["первое"]


# --- reopening ----------------------------------------------------------------------------------

def test_reopen_needs_a_reason_and_is_recorded(session, cw, on_day):
    on_day(AFTER)
    scope = scope_of(session, cw, "director")
    period_close.close_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id)
    on_day(dt.date(2012, 11, 2))
    with pytest.raises(DomainError, match="Чтобы открыть период «1 четверть» для изменений, укажите причину."):
        period_close.reopen_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id, reason=" ")
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at is not None

    period_close.reopen_period(session, scope, actor(cw, "director"), study_period_id=cw.first.id,
                               reason="Не выставлены отметки по английскому языку")
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at is None
    assert events(session, cw.first) == [
        ("close", False, None, "Тестов (director)", AFTER),
        ("reopen", False, "Не выставлены отметки по английскому языку", "Тестов (director)", dt.date(2012, 11, 2)),
    ]
    history = period_close.history(session, scope, [cw.first.id, cw.second.id])
    assert [e.action for e in history[cw.first.id]] == ["close", "reopen"] and history[cw.second.id] == []
    assert period_close.history(session, scope_of(session, cw, "director_b"), [cw.first.id])[cw.first.id] == []


def test_a_too_long_reason_is_refused_and_changes_nothing(session, cw, on_day):
    on_day(BEFORE)
    with pytest.raises(DomainError):
        period_close.close_period(session, scope_of(session, cw, "director"), actor(cw, "director"),
                                  study_period_id=cw.first.id, reason="я" * 301, early=True)
    session.expire_all()
    assert session.get(StudyPeriod, cw.first.id).locked_at is None and events(session, cw.first) == []
