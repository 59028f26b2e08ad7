"""Issue 11's demo flow: the demo teacher marks a class test with one fill-down and takes attendance
by marking two absentees; the demo parent's mailbox gets one digest with exactly that mark."""
import datetime as dt
import json

from sqlalchemy import select

from app.demo import DEMO_DATE
from app.extensions import db
from app.models import ClassGroup, Guardian, GuardianLink, Lesson, Mark, MarkType, Pupil, Staff, TeachingAssignment
from tests.conftest import DEMO_PASSWORD, csrf_token, login
from tests.web.test_notifications import Inbox, free_port


def test_fill_down_and_absentees_reach_the_parent_in_one_digest(demo_app):
    from aiosmtpd.controller import Controller

    s = db.session
    parent = s.scalar(select(Guardian).where(Guardian.email == "parent@demo.mosreg.local"))
    children = {p.id: p for p in s.scalars(select(Pupil).join(GuardianLink).where(GuardianLink.guardian_id == parent.id))}
    child = next(p for p in children.values() if s.get(ClassGroup, p.class_group_id).grade == 5)
    teacher = s.scalar(select(Staff).join(Staff.user).where(Staff.user.has(username="teacher")))
    assignment = s.scalar(select(TeachingAssignment).where(TeachingAssignment.teacher_id == teacher.id,
                                                           TeachingAssignment.class_group_id == child.class_group_id))
    lesson = s.scalar(select(Lesson).where(Lesson.assignment_id == assignment.id, Lesson.date > DEMO_DATE)
                      .order_by(Lesson.date, Lesson.lesson_number))
    classmates = [p for p in s.scalars(select(Pupil).where(Pupil.class_group_id == child.class_group_id)
                                       .order_by(Pupil.last_name)) if p.id != child.id]
    absent = classmates[:2]
    test_type = s.scalar(select(MarkType).where(MarkType.short_name == "к/р"))
    started = dt.datetime.now() - dt.timedelta(seconds=1)
    parent.notify_mode, parent.notified_until = "daily", started
    s.commit()

    client = demo_app.test_client()
    login(client, "teacher", DEMO_PASSWORD)
    token = csrf_token(client, f"/journal/{assignment.id}/")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}

    def post(url, body):
        response = client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    # The page shows the lesson's column empty; after the absentees save it shows their absences.
    post("/journal/api/absentees", {"lesson_id": lesson.id, "absent": {str(p.id): "н" for p in absent}, "known": {}})
    shown = {str(p.id): {"marks": {}, "absence": 1} for p in absent}
    filled = post("/journal/api/fill", {"lesson_id": lesson.id, "text": "4", "mark_type_id": test_type.id,
                                        "known": shown})
    in_class = s.scalar(select(db.func.count(Pupil.id)).where(Pupil.class_group_id == child.class_group_id))
    assert filled["filled"] == in_class - 2
    s.expire_all()
    assert s.scalar(select(Mark.value).where(Mark.lesson_id == lesson.id, Mark.pupil_id == child.id)) == 4
    assert all(s.scalar(select(Mark.id).where(Mark.lesson_id == lesson.id, Mark.pupil_id == p.id)) is None
               for p in absent)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        runner = demo_app.test_cli_runner()
        tomorrow = (dt.datetime.now() + dt.timedelta(days=1)).isoformat()
        for _ in range(2):  # the second run finds nothing new
            result = runner.invoke(args=["notify", "send", "--now", tomorrow])
            assert result.exit_code == 0, result.output
    finally:
        controller.stop()

    [(to, subject, body)] = inbox.messages
    assert to == "parent@demo.mosreg.local" and "Ежедневная сводка" in subject
    assert body.count("отметка 4 (контрольная работа)") == 1
    assert child.last_name in body and "пропуск" not in body
    assert not any(p.last_name + " " + p.first_name in body for p in absent)
