"""Parent e-mail notifications through a local SMTP server started by the test."""
import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller

from app.models import Guardian, Mark
from tests.conftest import csrf_token
from tests.factories import make_catalogues, make_guardian, make_mark


class Inbox:
    def __init__(self, refuse: set[str] = frozenset()):
        self.messages = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.rcpt_tos[0], message["Subject"], message.get_content()))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, APP_BASE_URL="http://dnevnik.test")
    yield inbox
    controller.stop()


T0 = dt.datetime(2012, 10, 15, 18, 0)


def subscribe(session, guardian, mode, email, since=T0):
    guardian.notify_mode, guardian.email, guardian.notified_until = mode, email, since
    session.commit()


def send(runner, now):
    result = runner.invoke(args=["notify", "send", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def new_mark(session, world, pupil, value, when, lesson=None):
    lesson = lesson or world.lesson_a
    taken = session.query(Mark).filter_by(lesson_id=lesson.id, pupil_id=pupil.id).count()
    mark = make_mark(session, lesson, pupil, value, make_catalogues(session)["к/р"], position=taken)
    mark.created_at = when
    session.commit()
    return mark


def test_digest_contains_exactly_the_new_marks_and_goes_out_once(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "daily", "parent@family.test")
    old = world.mark_a  # created before the watermark: not news
    old.created_at = T0 - dt.timedelta(hours=1)
    fresh = new_mark(session, world, world.pupil_a, 4, T0 + dt.timedelta(hours=1))
    assert "Отправлено писем: 1" in send(runner, T0 + dt.timedelta(days=1))
    [(to, subject, body)] = smtp.messages
    assert to == "parent@family.test" and "Ежедневная сводка" in subject
    assert "отметка 4 (контрольная работа)" in body
    assert "отметка 5" not in body, "a mark from before the last digest was sent again"
    assert "http://dnevnik.test/diary/" in body
    assert fresh.id
    # The same run again, and a later one with nothing new: no second message.
    send(runner, T0 + dt.timedelta(days=1, minutes=5))
    send(runner, T0 + dt.timedelta(days=2, minutes=5))
    assert len(smtp.messages) == 1


def test_message_names_only_the_guardians_own_children(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    other = make_guardian(session, [world.pupil_a_other], email="other@family.test", last_name="Чужая")
    subscribe(session, parent, "instant", "parent@family.test")
    subscribe(session, other, "instant", "other@family.test")
    new_mark(session, world, world.pupil_a, 5, T0 + dt.timedelta(minutes=10))
    new_mark(session, world, world.pupil_a_other, 2, T0 + dt.timedelta(minutes=11), lesson=world.lesson_a_other)
    send(runner, T0 + dt.timedelta(minutes=15))
    bodies = {to: body for to, _, body in smtp.messages}
    assert set(bodies) == {"parent@family.test", "other@family.test"}
    assert world.pupil_a.last_name in bodies["parent@family.test"]
    assert world.pupil_a_other.last_name not in bodies["parent@family.test"]
    assert world.pupil_a.last_name not in bodies["other@family.test"]
    assert "отметка 2" in bodies["other@family.test"] and "отметка 2" not in bodies["parent@family.test"]


def test_refused_message_is_retried_by_the_next_run(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "instant", "parent@family.test")
    new_mark(session, world, world.pupil_a, 3, T0 + dt.timedelta(minutes=1))
    smtp.refuse.add("parent@family.test")
    assert "не отправлено (будут повторены): 1" in send(runner, T0 + dt.timedelta(minutes=5))
    session.expire_all()
    assert session.get(Guardian, parent.id).notified_until == T0
    smtp.refuse.clear()
    send(runner, T0 + dt.timedelta(minutes=10))
    assert len(smtp.messages) == 1 and "отметка 3" in smtp.messages[0][2]


def test_unreachable_relay_fails_clearly_and_moves_nothing(world, session, runner, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "instant", "parent@family.test")
    new_mark(session, world, world.pupil_a, 3, T0 + dt.timedelta(minutes=1))
    result = runner.invoke(args=["notify", "send", "--now", (T0 + dt.timedelta(minutes=5)).isoformat()])
    assert result.exit_code != 0 and "Не удалось связаться с почтовым сервером" in result.output
    session.expire_all()
    assert session.get(Guardian, parent.id).notified_until == T0


def test_a_moment_that_is_not_one_is_refused_in_russian_and_moves_nothing(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "instant", "parent@family.test")
    new_mark(session, world, world.pupil_a, 3, T0 + dt.timedelta(minutes=1))
    result = runner.invoke(args=["notify", "send", "--now", "завтра"])
    assert result.exit_code == 1
    assert "«завтра» — не момент времени: укажите его как 2012-10-19T18:00." in result.output
    assert smtp.messages == []
    russian = runner.invoke(args=["notify", "send", "--now", "15.10.2012 18:05"])  # T0 + 5 minutes
    assert russian.exit_code == 0 and "Отправлено писем: 1" in russian.output
    session.expire_all()
    assert session.get(Guardian, parent.id).notified_until == T0 + dt.timedelta(minutes=5)


def test_weekly_digest_waits_seven_days(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "weekly", "parent@family.test")
    new_mark(session, world, world.pupil_a, 5, T0 + dt.timedelta(days=1))
    send(runner, T0 + dt.timedelta(days=6, hours=23))
    assert smtp.messages == []
    send(runner, T0 + dt.timedelta(days=7))
    assert len(smtp.messages) == 1 and "Еженедельная сводка" in smtp.messages[0][1]


def test_parent_chooses_mode_in_profile(world, session, as_user):
    client = as_user("parent")
    page = client.get("/notifications/")
    assert page.status_code == 200 and "Раз в день" in page.get_data(as_text=True)
    token = csrf_token(client, "/notifications/")
    client.post("/notifications/", data={"csrf_token": token, "mode": "daily", "email": "me@family.test"})
    session.expire_all()
    guardian = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    assert (guardian.notify_mode, guardian.email) == ("daily", "me@family.test")
    bad = client.post("/notifications/", data={"csrf_token": token, "mode": "daily", "email": "no-at-sign"})
    assert "Укажите адрес электронной почты" in bad.get_data(as_text=True)
    session.expire_all()
    assert session.query(Guardian).filter_by(user_id=world.users["parent"].id).one().email == "me@family.test"


def test_other_roles_have_no_notification_settings(world, as_user):
    assert as_user("teacher").get("/notifications/").status_code == 403
