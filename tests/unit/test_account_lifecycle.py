"""An account follows its person (app/accounts/lifecycle.py): closed when the staff member stops
working, the pupil leaves or a guardian's last child leaves — sessions ended, records kept — and
open again when the record says so. Expected values by hand from the test world: the parent
(guardian «Алексеев») has two children at СОШ № 1, pupil_a (the «pupil» login) and sibling_a."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.accounts.lifecycle import close_departed, reason_label, sync_pupils, sync_staff
from app.models import AccountEvent, Lesson, Mark, Pupil, Staff, UserSession
from app.security.sessions import start_session

NOW = dt.datetime(2012, 10, 19, 9, 30)
TODAY = dt.date(2012, 10, 19)
LIFETIME = dt.timedelta(hours=8)


def active(session, world, *usernames) -> list[bool]:
    session.expire_all()
    return [session.get(User, world.users[name].id).active for name in usernames]


def open_sessions(session, user) -> int:
    return session.scalar(select(func.count()).select_from(UserSession)
                          .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)))


def events(session) -> list[tuple]:
    return session.execute(select(AccountEvent.kind, AccountEvent.login, AccountEvent.detail, AccountEvent.school_id)
                           .order_by(AccountEvent.id)).all()


def test_a_staff_member_no_longer_working_loses_the_login_and_keeps_the_records(session, world):
    teacher = world.users["teacher"]
    start_session(session, teacher.id, "web", NOW, LIFETIME)
    start_session(session, teacher.id, "api", NOW, LIFETIME)
    session.get(Staff, world.teacher.id).active = False
    session.flush()
    assert sync_staff(session, [world.teacher.id], actor_id=world.users["director"].id, now=NOW) == 1
    session.commit()
    assert active(session, world, "teacher") == [False]
    assert open_sessions(session, teacher) == 0
    # Everything the teacher wrote stays, and the record keeps its login for a return.
    assert session.get(Mark, world.mark_a.id).value == 5 and session.get(Lesson, world.lesson_a.id) is not None
    assert session.get(Staff, world.teacher.id).user_id == teacher.id
    assert events(session) == [("deactivated", "teacher", "staff_inactive", world.school_a.id)]
    # Nothing changes twice.
    assert sync_staff(session, [world.teacher.id], actor_id=None, now=NOW) == 0

    session.get(Staff, world.teacher.id).active = True
    session.flush()
    assert sync_staff(session, [world.teacher.id], actor_id=world.users["director"].id, now=NOW) == 1
    session.commit()
    assert active(session, world, "teacher") == [True]
    assert events(session)[-1] == ("reactivated", "teacher", "staff_active", world.school_a.id)
    assert reason_label("staff_active") == "работник снова работает в школе"
    assert reason_label("Учитель → Секретарь") == "Учитель → Секретарь"


def test_a_guardian_keeps_the_login_while_a_child_is_at_school(session, world):
    start_session(session, world.users["parent"].id, "web", NOW, LIFETIME)
    session.get(Pupil, world.pupil_a.id).left_on = TODAY
    session.flush()
    assert sync_pupils(session, [world.pupil_a.id], actor_id=None, now=NOW, today=TODAY) == 1
    session.commit()
    assert active(session, world, "pupil", "parent") == [False, True]
    assert open_sessions(session, world.users["parent"]) == 1

    session.get(Pupil, world.sibling_a.id).left_on = TODAY
    session.flush()
    assert sync_pupils(session, [world.sibling_a.id], actor_id=None, now=NOW, today=TODAY) == 1
    session.commit()
    assert active(session, world, "pupil", "parent") == [False, False]
    assert open_sessions(session, world.users["parent"]) == 0
    assert session.get(Mark, world.mark_a.id) is not None  # the marks the pupil received stay

    session.get(Pupil, world.pupil_a.id).left_on = None
    session.flush()
    assert sync_pupils(session, [world.pupil_a.id], actor_id=None, now=NOW, today=TODAY) == 2
    session.commit()
    assert active(session, world, "pupil", "parent") == [True, True]
    assert [(kind, login, detail) for kind, login, detail, _ in events(session)] == [
        ("deactivated", "pupil", "pupil_left"), ("deactivated", "parent", "children_left"),
        ("reactivated", "pupil", "pupil_back"), ("reactivated", "parent", "child_back")]


def test_a_leaving_date_in_the_future_closes_the_login_on_its_day(session, world):
    for pupil in (world.pupil_a, world.sibling_a):
        session.get(Pupil, pupil.id).left_on = dt.date(2012, 10, 26)
    session.commit()
    assert sync_pupils(session, [world.pupil_a.id, world.sibling_a.id], actor_id=None, now=NOW, today=TODAY) == 0
    assert close_departed(session, now=NOW, today=dt.date(2012, 10, 25)) == 0
    assert active(session, world, "pupil", "parent") == [True, True]
    assert close_departed(session, now=NOW, today=dt.date(2012, 10, 26)) == 2
    assert active(session, world, "pupil", "parent") == [False, False]
    assert close_departed(session, now=NOW, today=dt.date(2012, 10, 27)) == 0
    assert [kind for kind, *_ in events(session)] == ["deactivated", "deactivated"]


def test_the_daily_run_never_reopens_an_account(session, world):
    """An account closed by hand (the administrator's editor) while the record says «at school»
    stays closed: only a change of the record reopens it."""
    session.get(User, world.users["pupil"].id).active = False
    session.commit()
    assert close_departed(session, now=NOW, today=TODAY) == 0
    assert active(session, world, "pupil", "parent") == [False, True]


def test_the_staff_import_bringing_a_member_back_reopens_the_login(session, world):
    """A staff import's row matching a record marks the person as working again: the login follows."""
    from app.timetable.staff_import import TEMPLATE_HEADER, check_rows, import_staff

    session.get(Staff, world.teacher.id).active = False
    session.flush()
    sync_staff(session, [world.teacher.id], actor_id=None, now=NOW)
    session.commit()
    assert active(session, world, "teacher") == [False]
    preview = check_rows(session, world.school_a.id, [TEMPLATE_HEADER, ["Иванова Анна Петровна", "учитель", "да", "",
                                                                        ""]])
    import_staff(session, world.school_a.id, preview, actor_id=world.users["secretary"].id, now=NOW)
    session.commit()
    assert active(session, world, "teacher") == [True]
    assert events(session)[-1] == ("reactivated", "teacher", "staff_active", world.school_a.id)
