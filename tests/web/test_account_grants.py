"""Who may create which account, through the pages, written out by hand for every role of the
test world: nobody grants a role above their own (refused in Russian) or at a place beyond their
own (404 with the reason); a page that is not the role's answers 403. On SQLite and PostgreSQL.

Targets (one person or login each, so the cells do not interfere):
- on «Новая учётная запись»: the ministry's account; a coordinator of Клинский район
  (municipality_b); a vendor of «Другой журнал»; the administration of СОШ № 2 (municipality_a)
  and of СОШ № 3 (municipality_b); another administrator;
- on «Учётные записи работников»: Петрова as a teacher, Кузнецова as the secretary, Смирнов as the
  school's administration (all of СОШ № 1), Сидорова of СОШ № 3 as a teacher.
"""
from __future__ import annotations

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.models import AccountEvent
from app.security import roles as R
from tests.accounts_helpers import add_people, page_text, region_form, staff_form, user_id
from tests.security_helpers import client_for
from tests.web.test_reference_cache import ENGINES

TABLE = """
            ministry  klin     vendor   dir2     dir3     admin    teacher1 secr1    dir1     teacher3
admin       created   created  created  created  created  created  created  created  created  created
ministry    403       403      403      403      403      403      403      403      403      403
monitor     403       403      403      403      403      403      403      403      403      403
methodist   403       403      403      403      403      403      403      403      403      403
municipal   refused   refused  refused  created  404      refused  403      403      403      403
director    403       403      403      403      403      403      created  created  created  404
secretary   403       403      403      403      403      403      created  refused  refused  404
teacher     403       403      403      403      403      403      403      403      403      403
parent      403       403      403      403      403      403      403      403      403      403
pupil       403       403      403      403      403      403      403      403      403      403
vendor      403       403      403      403      403      403      403      403      403      403
"""


def _table() -> dict[str, dict[str, str]]:
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows}


EXPECTED = _table()
# The Russian reason a refused or hidden cell shows.
REASONS = {
    ("municipal", "ministry"): "Вы не можете выдавать учётные записи с ролью «Министерство».",
    ("municipal", "klin"): "Вы не можете выдавать учётные записи с ролью «Муниципальный координатор».",
    ("municipal", "dir3"): "Эта школа вне вашей области доступа.",
    ("director", "teacher3"): "Среди выбранных есть работник не вашей школы.",
    ("secretary", "secr1"): "Кузнецова Анна Петровна: выберите роль из предложенных.",
    ("secretary", "teacher3"): "Среди выбранных есть работник не вашей школы.",
}


def _targets(world, people):
    region = {
        "ministry": dict(role=R.MINISTRY, full_name="Орлова Вера Павловна", login="new.ministry"),
        "klin": dict(role=R.MUNICIPAL, full_name="Клинова Ольга Ивановна", login="new.klin",
                     municipality_id=world.municipality_b.id),
        "vendor": dict(role=R.VENDOR, full_name="Поставщиков Игорь Олегович", login="new.vendor",
                       journal_system_id=people.system.id),
        "dir2": dict(role=R.SCHOOL_ADMIN, full_name="Второва Нина Львовна", login="new.dir2",
                     school_id=world.school_a2.id),
        "dir3": dict(role=R.SCHOOL_ADMIN, full_name="Третьякова Нина Львовна", login="new.dir3",
                     school_id=world.school_b.id),
        "admin": dict(role=R.ADMIN, full_name="Главный Пётр Петрович", login="new.admin"),
    }
    staff = {
        "teacher1": (people.petrova, "new.teacher1", R.TEACHER),
        "secr1": (people.kuznetsova, "new.secr1", R.SECRETARY),
        "dir1": (people.smirnov, "new.dir1", R.SCHOOL_ADMIN),
        "teacher3": (people.sidorova, "new.teacher3", R.TEACHER),
    }
    return region, staff


def _outcome(session, response, login: str) -> str:
    if response.status_code in (403, 404):
        return str(response.status_code)
    if user_id(session, login) is not None:
        return "created"
    if response.status_code == 200 and "alert-danger" in response.get_data(as_text=True):
        return "refused"
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize("username", list(EXPECTED))
@pytest.mark.parametrize("engine", ENGINES)
def test_who_may_create_which_account(app, session, world, username, engine):
    people = add_people(session, app.appbuilder.sm, world)
    users_before = session.scalar(select(func.count()).select_from(User))
    client = client_for(app, username)
    region, staff = _targets(world, people)
    got, reasons = {}, {}
    for target, fields in region.items():
        response = region_form(client, **fields)
        got[target] = _outcome(session, response, fields["login"])
        reasons[target] = page_text(response)
    for target, (person, login, role) in staff.items():
        response = staff_form(client, (person, login, role))
        got[target] = _outcome(session, response, login)
        reasons[target] = page_text(response)

    assert got == EXPECTED[username]
    for (who, target), reason in REASONS.items():
        if who == username:
            assert reason in reasons[target], reasons[target][-600:]
    created = sum(outcome == "created" for outcome in got.values())
    assert session.scalar(select(func.count()).select_from(User)) == users_before + created
    # Each account made is recorded: its creation and its code (the logins' first logins aside).
    assert session.scalar(select(func.count()).select_from(AccountEvent)
                          .where(AccountEvent.kind.in_(("created", "code_issued")))) == 2 * created
