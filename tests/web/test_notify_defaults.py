"""Parents' notifications that reach people: a new parent account gets the daily digest (it was
«Не присылать»), to the address on file or else the account's own; the parent changes it in
«Уведомления»; migration 0012 gives it to the parent accounts made before, at the old default.

5А of tests.family_helpers: the secretary gives the families access; Иванов has ivanov@family.test
on file, Иванова nothing, Кузнецова an account already."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import User
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app import clock
from app.accounts import families
from app.models import Guardian
from app.security import roles as R
from app.security.scope import load_scope
from tests.conftest import csrf_token
from tests.factories import (make_assignment, make_catalogues, make_guardian, make_lesson, make_mark, make_subject,
                             make_user)
from tests.family_helpers import GOOD_PASSWORD, NOW, TODAY, build_family_class, post_login, smtp  # noqa: F401

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def modes(session, *guardians) -> list[str]:
    """The modes stored now of the guardians (rows or ids)."""
    ids = [getattr(guardian, "id", guardian) for guardian in guardians]
    session.expire_all()
    return [session.scalar(select(Guardian.notify_mode).where(Guardian.id == i)) for i in ids]


@pytest.fixture
def family(app, session, world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return build_family_class(session, app.appbuilder.sm, world)


def give_access(session, world, family) -> dict[str, int]:
    """5А's families' accounts, as «Выдать доступ классу» makes them: {login: user id}."""
    scope = load_scope(session, world.users["secretary"])
    access = families.issue_class_access(session, scope, family.klass.id, pupils_from_grade=5, days=30, now=NOW,
                                         today=TODAY)
    return {item.slip.login: item.user_id for item in access.issued}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_parent_account_gets_the_daily_digest_unless_another_mode_was_set(session, world, family, engine):
    family.smirnov.notify_mode = "weekly"  # set before the account (by the API's guardian record)
    session.commit()
    assert modes(session, family.ivanov, family.ivanova, family.smirnov) == ["none", "none", "weekly"]
    give_access(session, world, family)
    assert modes(session, family.ivanov, family.ivanova, family.smirnov, family.kuznetsova, family.orlova) == \
        ["daily", "daily", "weekly", "none", "none"]


def test_the_daily_digest_reaches_new_parents_through_flask_notify(app, session, world, family, runner, smtp):
    logins = give_access(session, world, family)
    session.get(User, logins["ivanova.on"]).email = "olga@family.test"  # left at her first login, none on file
    session.commit()
    evening = dt.datetime(2012, 10, 19, 15, 0)
    assert "Отправлено писем: 0" in runner.invoke(args=["notify", "send", "--now", evening.isoformat()]).output
    maths = make_subject(session, "Математика")
    lesson = make_lesson(session, make_assignment(session, family.klass, maths, world.teacher), dt.date(2012, 10, 22))
    mark = make_mark(session, lesson, family.ilya, 4, make_catalogues(session)["к/р"])
    mark.created_at = dt.datetime(2012, 10, 22, 8, 0)
    session.commit()
    output = runner.invoke(args=["notify", "send", "--now", dt.datetime(2012, 10, 22, 15, 0).isoformat()]).output
    assert "Отправлено писем: 2" in output
    assert sorted((to, subject) for to, subject, _body in smtp.messages) == [
        ("ivanov@family.test", "Ежедневная сводка: электронный дневник"),
        ("olga@family.test", "Ежедневная сводка: электронный дневник")]
    assert all("Иванов Илья, 5А" in body and "отметка 4 (контрольная работа)" in body
               for _to, _subject, body in smtp.messages)


def test_a_parent_without_any_address_gets_no_letter(app, session, world, family, runner, smtp):
    give_access(session, world, family)  # Иванова: nothing on file, the account's placeholder
    maths = make_subject(session, "Математика")
    lesson = make_lesson(session, make_assignment(session, family.klass, maths, world.teacher), dt.date(2012, 10, 22))
    runner.invoke(args=["notify", "send", "--now", "2012-10-19T15:00"])
    mark = make_mark(session, lesson, family.maria, 5, make_catalogues(session)["к/р"])
    mark.created_at = dt.datetime(2012, 10, 22, 8, 0)
    session.commit()
    runner.invoke(args=["notify", "send", "--now", "2012-10-22T15:00"])
    assert [to for to, _subject, _body in smtp.messages] == ["ivanov@family.test"]


def test_the_settings_page_shows_the_default_and_the_parent_changes_it(app, session, world, family):
    logins = give_access(session, world, family)
    app.appbuilder.sm.reset_password(logins["ivanov.ps"], GOOD_PASSWORD)
    client = app.test_client()
    post_login(client, "ivanov.ps", GOOD_PASSWORD)
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'id="mode-daily" value="daily" checked' in page and "Пока вы не выбрали другое" in page
    assert 'value="ivanov@family.test"' in page
    token = csrf_token(client, "/notifications/")
    client.post("/notifications/", data={"csrf_token": token, "mode": "none", "email": ""})
    assert modes(session, family.ivanov) == ["none"]


def test_the_settings_page_offers_the_accounts_own_address(app, session, world, as_user):
    parent = session.scalar(select(Guardian).where(Guardian.user_id == world.users["parent"].id))
    assert parent.email is None
    page = as_user("parent").get("/notifications/").get_data(as_text=True)
    assert 'value="parent@example.test"' in page


@pytest.mark.parametrize("engine", ENGINES)
def test_migration_0012_gives_parent_accounts_at_the_old_default_the_daily_digest(app, session, world, engine):
    weekly_user = make_user(session, app.appbuilder.sm, "weekly.parent", R.PARENT)
    weekly = make_guardian(session, [world.pupil_a], weekly_user, "Недельная")
    weekly.notify_mode = "weekly"
    session.commit()
    alekseev = session.scalar(select(Guardian).where(Guardian.user_id == world.users["parent"].id))
    borisova = session.scalar(select(Guardian).where(Guardian.last_name == "Борисова"))
    ids = (alekseev.id, borisova.id, weekly.id)
    assert modes(session, *ids) == ["none", "none", "weekly"]
    session.close()
    downgrade(revision="0011")
    upgrade()
    assert modes(session, *ids) == ["daily", "none", "weekly"], \
        "an account at «none»; no account; a choice of its own"
