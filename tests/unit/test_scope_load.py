"""load_scope: who the user is for row filtering, read in one statement for every role."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Guardian, JournalSystem, Staff
from app.security import roles as R
from app.security.scope import NOBODY, Scope, load_scope
from tests.factories import make_user
from tests.statements import recorded_statements
from tests.web.test_reference_cache import ENGINES


def own_row(session, model, user) -> int | None:
    return session.scalar(select(model.id).where(model.user_id == user.id))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_role_gets_its_own_rows_in_one_statement(app, session, world, engine):
    sm, w, users = app.appbuilder.sm, world, world.users
    vendor_system = JournalSystem(name="Другой журнал", vendor="ООО «Поставщик»")
    session.add(vendor_system)
    session.flush()
    users["vendor"] = make_user(session, sm, "vendor", R.VENDOR, journal_system=vendor_system)
    # a teacher with no staff row yet: the school of the user's scope row counts, and its municipality
    users["newteacher"] = make_user(session, sm, "newteacher", R.TEACHER, school=w.school_b)
    users["newparent"] = make_user(session, sm, "newparent", R.PARENT)  # no guardian row
    session.commit()
    school_a = dict(school_id=w.school_a.id, municipality_id=w.municipality_a.id)
    expected = {
        "teacher": dict(school_a, staff_id=w.teacher.id),
        "director": dict(school_a, staff_id=own_row(session, Staff, users["director"])),
        "secretary": dict(school_a, staff_id=own_row(session, Staff, users["secretary"])),
        "parent": dict(guardian_id=own_row(session, Guardian, users["parent"]),
                       pupil_ids=tuple(sorted((w.pupil_a.id, w.sibling_a.id)))),
        "pupil": dict(pupil_ids=(w.pupil_a.id,)),
        "municipal": dict(municipality_id=w.municipality_a.id),
        "ministry": {},
        "vendor": dict(journal_system_id=vendor_system.id),
        "newteacher": dict(school_id=w.school_b.id, municipality_id=w.municipality_b.id),
        "newparent": {},
    }
    nothing = dict(school_id=None, municipality_id=None, staff_id=None, guardian_id=None, journal_system_id=None,
                   pupil_ids=())
    for name, fields in expected.items():
        user = users[name]
        role = user.roles[0].name  # loaded before counting: the request's user comes with its roles
        with recorded_statements(session.get_bind()) as statements:
            scope = load_scope(session, user)
        assert len(statements) == 1, name
        assert scope == Scope(role=role, user_id=user.id, **dict(nothing, **fields)), name
    assert load_scope(session, None) is NOBODY
