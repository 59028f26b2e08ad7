"""The parent's digest tells of the absence notices the school accepted since the last one."""
import datetime as dt

from app.models import AbsenceNotice, Guardian
from tests.web.test_notifications import T0, send, smtp, subscribe  # noqa: F401 (smtp: a fixture)


def notice(session, world, status, decided_at, reason="illness"):
    row = AbsenceNotice(pupil_id=world.pupil_a.id, class_group_id=world.class_a.id, school_id=world.school_a.id,
                        starts_on=dt.date(2012, 10, 16), ends_on=dt.date(2012, 10, 17), reason=reason, status=status,
                        decided_at=decided_at, version=1)
    session.add(row)
    session.commit()
    return row


def test_daily_digest_names_the_accepted_notice_once(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    subscribe(session, parent, "daily", "parent@family.test")
    notice(session, world, "accepted", T0 - dt.timedelta(hours=2), reason="family")  # told in the last digest
    notice(session, world, "accepted", T0 + dt.timedelta(hours=1))
    notice(session, world, "certificate", T0 + dt.timedelta(hours=2))  # not accepted yet
    assert "Отправлено писем: 1" in send(runner, T0 + dt.timedelta(days=1))
    [(to, _subject, body)] = smtp.messages
    assert "16.10.2012, заявление об отсутствии: принято (по 17.10.2012), пропуски отмечены «б»" in body
    assert body.count("заявление об отсутствии") == 1
    send(runner, T0 + dt.timedelta(days=2, minutes=5))
    assert len(smtp.messages) == 1
