"""The guardian's notification settings as a domain write: own row only, bad input writes nothing."""
import datetime as dt

import pytest

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import Guardian
from app.notify.settings import save_settings
from app.security.scope import load_scope


def _parent(session, world):
    scope = load_scope(session, world.users["parent"])
    return scope, session.get(Guardian, scope.guardian_id)


def test_guardian_saves_mode_and_email_and_restarts_watermark(session, world):
    scope, guardian = _parent(session, world)
    guardian.notified_until = dt.datetime(2012, 9, 1, 8, 0)
    session.commit()
    save_settings(session, scope, "daily", "  alekseev@example.ru ")
    session.expire_all()
    guardian = session.get(Guardian, scope.guardian_id)
    assert (guardian.notify_mode, guardian.email, guardian.notified_until) == ("daily", "alekseev@example.ru", None)


def test_bad_mode_or_address_is_refused_and_nothing_changes(session, world):
    scope, guardian = _parent(session, world)
    before = (guardian.notify_mode, guardian.email)
    with pytest.raises(DomainError, match="как часто присылать"):
        save_settings(session, scope, "hourly", "a@b.ru")
    with pytest.raises(DomainError, match="Укажите адрес"):
        save_settings(session, scope, "weekly", "no-at-sign")
    with pytest.raises(DomainError, match="Укажите адрес"):
        save_settings(session, scope, "weekly", "a@" + "b" * 199)
    session.expire_all()
    guardian = session.get(Guardian, scope.guardian_id)
    assert (guardian.notify_mode, guardian.email) == before


def test_a_user_who_is_no_guardian_has_no_settings(session, world):
    with pytest.raises(NotInScope):
        save_settings(session, load_scope(session, world.users["teacher"]), "none", "")
