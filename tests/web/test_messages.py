"""Messages on the pages: writing and answering, unread counts in the menu, hiding, files checked,
and the new messages in the parent's e-mail digest (a local SMTP server)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from app import clock
from app.messages import threads
from app.models import Guardian, Message, MessageAttachment, MessageThread
from app.security.scope import load_scope
from tests.conftest import csrf_token
from tests.family_helpers import smtp  # noqa: F401 (a fixture)
from tests.messages_helpers import PDF
from tests.security_helpers import client_for

SENT = dt.datetime(2012, 10, 18, 10, 0)
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
BADGE_RE = re.compile(r'class="messages-link">.*?(?:<span class="badge"[^>]*>(\d+)</span>)?</a>', re.S)


@pytest.fixture
def fixed_clock(monkeypatch):
    moments = iter(SENT + dt.timedelta(minutes=n) for n in range(1000))
    monkeypatch.setattr(clock, "region_now", lambda: next(moments))


def unread_in_menu(client) -> int:
    match = BADGE_RE.search(client.get("/messages/").get_data(as_text=True))
    assert match, "no «Сообщения» in the navbar"
    return int(match.group(1) or 0)


def ask(client, world, subject="Вопрос по дробям", body="Как решать задачу 5?", **extra):
    token = csrf_token(client, "/messages/new")
    data = {"csrf_token": token, "contact": f"{world.pupil_a.id}:{world.teacher.id}", "subject": subject,
            "body": body, **extra}
    return client.post("/messages/new", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("engine", ENGINES)
def test_parent_asks_the_teacher_who_answers_and_both_see_the_unread_counts(engine, app, world, session, fixed_clock):
    parent, teacher = client_for(app, "parent"), client_for(app, "teacher")
    page = parent.get("/messages/new").get_data(as_text=True)
    assert "Иванова А.П. — Математика" in page and "Петрова А.П. — Математика" in page  # 7А's and 8Б's teachers
    sent = ask(parent, world, files=(io.BytesIO(PDF), "задача.pdf"))
    assert sent.status_code == 302
    thread = session.scalars(select(MessageThread)).one()
    assert (thread.pupil_id, thread.staff_id, thread.subject) == (world.pupil_a.id, world.teacher.id, "Вопрос по дробям")
    [message] = thread.messages
    assert message.author_name == "Алексеев И.И., родитель" and message.body == "Как решать задачу 5?"
    assert [(f.filename, f.content_type) for f in message.attachments] == [("задача.pdf", "application/pdf")]
    assert unread_in_menu(parent) == 0
    assert unread_in_menu(teacher) == 1
    shown = teacher.get(f"/messages/{thread.id}").get_data(as_text=True)
    assert "Как решать задачу 5?" in shown and "задача.pdf" in shown and "18.10.2012 10:00" in shown
    assert unread_in_menu(teacher) == 0
    answer = teacher.post(f"/messages/{thread.id}", data={"csrf_token": csrf_token(teacher, f"/messages/{thread.id}"),
                                                          "body": "Смотрите пример 3 в учебнике."})
    assert answer.status_code == 302
    assert unread_in_menu(parent) == 1
    assert "Смотрите пример 3 в учебнике." in parent.get(f"/messages/{thread.id}").get_data(as_text=True)
    assert unread_in_menu(parent) == 0


def test_bad_input_is_refused_in_russian_and_writes_nothing(app, world, session):
    parent = client_for(app, "parent")
    empty = ask(parent, world, body="  ")
    assert empty.status_code == 200 and "Напишите текст сообщения." in empty.get_data(as_text=True)
    renamed = ask(parent, world, files=(io.BytesIO(b"MZ\x90\x00"), "virus.pdf"))
    assert "не похож на файл PDF" in renamed.get_data(as_text=True)
    strange = ask(parent, world, contact=f"{world.pupil_a_other.id}:{world.other_teacher.id}")
    assert strange.status_code == 404
    assert session.scalar(select(MessageThread.id)) is None and session.scalar(select(Message.id)) is None


@pytest.mark.parametrize("engine", ENGINES)
def test_director_hides_an_abusive_message_recording_who_and_why(engine, app, world, session):
    parent_scope = load_scope(session, world.users["parent"])
    thread = threads.start_thread(session, parent_scope, pupil_id=world.pupil_a.id, staff_id=world.teacher.id,
                                  subject="Жалоба", body="Грубые слова")
    message_id = thread.messages[0].id
    teacher = client_for(app, "teacher")
    token = csrf_token(teacher, f"/messages/{thread.id}")
    assert teacher.post(f"/messages/hide/{message_id}", data={"csrf_token": token, "reason": "Нет"}).status_code in (302, 403, 404)
    assert session.get(Message, message_id).hidden_at is None
    director = client_for(app, "director")
    token = csrf_token(director, f"/messages/{thread.id}")
    refused = director.post(f"/messages/hide/{message_id}", data={"csrf_token": token, "reason": " "},
                            follow_redirects=True)
    assert "Укажите, почему сообщение скрыто." in refused.get_data(as_text=True)
    director.post(f"/messages/hide/{message_id}", data={"csrf_token": token, "reason": "Оскорбление учителя"})
    session.expire_all()
    hidden = session.get(Message, message_id)
    assert hidden.hidden_by_id == world.users["director"].id and hidden.hidden_reason == "Оскорбление учителя"
    assert hidden.body == "Грубые слова"  # kept, never edited
    shown = teacher.get(f"/messages/{thread.id}").get_data(as_text=True)
    assert "Грубые слова" not in shown and "Сообщение скрыто администрацией школы." in shown
    assert "Оскорбление учителя" in director.get(f"/messages/{thread.id}").get_data(as_text=True)


def test_an_announcement_reaches_the_class_and_is_not_answered_by_families(app, world, session):
    teacher = client_for(app, "teacher")
    token = csrf_token(teacher, "/messages/new")
    sent = teacher.post("/messages/new", data={"csrf_token": token, "target": "class", "class_group": world.class_a.id,
                                               "subject": "Экскурсия", "body": "В пятницу едем в музей.",
                                               "include_pupil": "1"})
    assert sent.status_code == 302
    thread = session.scalars(select(MessageThread)).one()
    assert (thread.class_group_id, thread.pupil_id, thread.include_pupil) == (world.class_a.id, None, True)
    for username in ("parent", "pupil"):
        client = client_for(app, username)
        assert unread_in_menu(client) == 1
        page = client.get(f"/messages/{thread.id}").get_data(as_text=True)
        assert "В пятницу едем в музей." in page and 'id="reply"' not in page
    other = client_for(app, "teacher")
    token = csrf_token(other, "/messages/new")
    far = other.post("/messages/new", data={"csrf_token": token, "target": "class",
                                            "class_group": world.class_a_other.id, "subject": "Т", "body": "Б"})
    assert far.status_code == 404


@pytest.mark.parametrize("engine", ENGINES)
def test_new_messages_go_into_the_parents_digest_but_not_their_own_nor_hidden_ones(engine, world, session, runner,
                                                                                  smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    parent.notify_mode, parent.email, parent.notified_until = "daily", "parent@family.test", SENT
    session.commit()
    own = threads.start_thread(session, load_scope(session, world.users["parent"]), pupil_id=world.pupil_a.id,
                               staff_id=world.teacher.id, subject="Вопрос по дробям", body="Мой вопрос")
    teacher = load_scope(session, world.users["teacher"])
    threads.reply(session, teacher, own.id, "Ответ учителя про дроби")
    hidden = threads.reply(session, teacher, own.id, "Лишнее")
    threads.hide_message(session, load_scope(session, world.users["director"]), hidden.id, "Ошибка")
    for n, message in enumerate(session.scalars(select(Message).order_by(Message.id)), 1):
        message.created_at = SENT + dt.timedelta(hours=n)
    session.commit()
    result = runner.invoke(args=["notify", "send", "--now", (SENT + dt.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    [(to, subject, body)] = smtp.messages
    assert to == "parent@family.test" and "Ежедневная сводка" in subject
    assert "18.10.2012, сообщение: «Вопрос по дробям», Иванова А.П., учитель: Ответ учителя про дроби" in body
    assert "Мой вопрос" not in body and "Лишнее" not in body
    assert session.scalar(select(MessageAttachment.id)) is None


def test_a_parent_who_chose_instant_letters_gets_the_teachers_message_at_the_next_run(world, session, runner, smtp):
    parent = session.query(Guardian).filter_by(user_id=world.users["parent"].id).one()
    parent.notify_mode, parent.email, parent.notified_until = "instant", "parent@family.test", SENT
    session.commit()
    teacher = load_scope(session, world.users["teacher"])
    threads.start_thread(session, teacher, pupil_id=world.pupil_a.id, subject="Форма на физкультуру",
                         body="Завтра нужна спортивная форма.")
    session.scalars(select(Message)).one().created_at = SENT + dt.timedelta(minutes=5)
    session.commit()
    runner.invoke(args=["notify", "send", "--now", (SENT + dt.timedelta(minutes=10)).isoformat()])
    [(to, subject, body)] = smtp.messages
    assert to == "parent@family.test" and subject == "Новые отметки, пропуски и сообщения: электронный дневник"
    assert "«Форма на физкультуру», Иванова А.П., учитель: Завтра нужна спортивная форма." in body
    runner.invoke(args=["notify", "send", "--now", (SENT + dt.timedelta(minutes=20)).isoformat()])
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("odd", ["²", "abc", "99999999999999999999", "-1", "1:2:3", ""])
def test_odd_choices_on_the_form_answer_404_or_a_russian_refusal_never_a_500(app, world, session, odd):
    teacher = client_for(app, "teacher")
    token = csrf_token(teacher, "/messages/new")
    for data in ({"target": "family", "pupil": odd}, {"target": "class", "class_group": odd}, {"contact": odd}):
        response = teacher.post("/messages/new", data={"csrf_token": token, "subject": "Т", "body": "Б", **data})
        assert response.status_code in (200, 404), (data, response.status_code)
    assert session.scalar(select(MessageThread.id)) is None
