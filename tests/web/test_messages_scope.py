"""Who reads which message thread, and who may write to whom, on SQLite and PostgreSQL.

The world: tests/messages_helpers.py (read its docstring first); the expected sets are written by
hand from it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.messages import threads
from app.models import Message, MessageAttachment, MessageThread
from app.security.clauses import NotInScope
from app.security.scope import load_scope, visible
from tests.messages_helpers import NAMES, PDF, build_messages, staff_named
from tests.security_helpers import client_for

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]

SCHOOL_A = {"family", "family_pupil", "sibling", "other_family", "class", "school"}
READS = {
    "admin": set(NAMES),
    "director": SCHOOL_A,
    "secretary": set(),
    "teacher": {"family", "family_pupil", "class", "school"},
    "parent": {"family", "family_pupil", "sibling", "class", "school"},
    "pupil": {"family_pupil", "class"},
    "municipal": set(),
    "ministry": set(),
    "monitor": set(),
}


@pytest.fixture
def mail(world, session):
    return build_messages(session, world)


def scope_of(session, world, username):
    return load_scope(session, world.users[username])


def names(found_ids, by_name) -> set[str]:
    return {name for name, row in by_name.items() if row.id in found_ids}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("username", list(READS))
def test_each_role_reads_exactly_its_threads_messages_and_files(engine, username, world, session, mail):
    scope = scope_of(session, world, username)
    for model, rows in ((MessageThread, mail.threads), (Message, mail.messages), (MessageAttachment, mail.files)):
        key = model.__mapper__.primary_key[0]
        found = set(session.scalars(select(key).where(visible(scope, model))))
        assert names(found, rows) == READS[username], (model.__name__, username)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hidden_messages_file_is_the_administrations_alone(engine, world, session, mail):
    threads.hide_message(session, scope_of(session, world, "director"), mail.messages["family"].id, "Оскорбление")
    for username, sees in (("parent", False), ("teacher", False), ("director", True)):
        scope = scope_of(session, world, username)
        found = session.scalar(select(MessageAttachment.id).where(
            MessageAttachment.id == mail.files["family"].id, visible(scope, MessageAttachment)))
        assert (found is not None) == sees, username


@pytest.mark.parametrize("engine", ENGINES)
def test_who_may_write_to_whom(engine, world, session, mail):
    parent, teacher = scope_of(session, world, "parent"), scope_of(session, world, "teacher")
    text = dict(subject="Вопрос", body="Здравствуйте")
    # a parent: a teacher of the child's class, about the own child
    made = threads.start_thread(session, parent, pupil_id=world.pupil_a.id, staff_id=world.teacher.id, **text)
    assert (made.pupil_id, made.staff_id, made.school_id) == (world.pupil_a.id, world.teacher.id, world.school_a.id)
    threads.start_thread(session, parent, pupil_id=world.sibling_a.id, staff_id=world.other_teacher.id, **text)
    refused = [
        # Петрова does not teach 7А; Иванова does not teach 8Б
        (parent, dict(pupil_id=world.pupil_a.id, staff_id=world.other_teacher.id)),
        (parent, dict(pupil_id=world.sibling_a.id, staff_id=world.teacher.id)),
        # another family's child; an announcement
        (parent, dict(pupil_id=world.pupil_a_other.id, staff_id=world.other_teacher.id)),
        (parent, dict(class_group_id=world.class_a.id)),
        # a teacher: a family or a class she does not teach; the whole school
        (teacher, dict(pupil_id=world.pupil_a_other.id)),
        (teacher, dict(class_group_id=world.class_a_other.id)),
        (teacher, dict(pupil_id=world.pupil_b.id)),
        (teacher, dict(whole_school=True)),
        # a pupil starts nothing (so never writes to another pupil); the secretary writes to no family
        (scope_of(session, world, "pupil"), dict(pupil_id=world.pupil_a_other.id, staff_id=world.other_teacher.id)),
        (scope_of(session, world, "pupil"), dict(pupil_id=world.pupil_a.id, staff_id=world.teacher.id)),
        (scope_of(session, world, "secretary"), dict(pupil_id=world.pupil_a.id)),
        (scope_of(session, world, "director"), dict(pupil_id=world.pupil_b.id)),
    ]
    before = session.scalar(select(MessageThread.id).order_by(MessageThread.id.desc()).limit(1))
    for scope, target in refused:
        with pytest.raises(NotInScope):
            threads.start_thread(session, scope, **target, **text)
    assert session.scalar(select(MessageThread.id).order_by(MessageThread.id.desc()).limit(1)) == before
    # a teacher: a family and the class she teaches; the director: the school's parents
    family = threads.start_thread(session, teacher, pupil_id=world.pupil_a.id, include_pupil=True, **text)
    assert (family.staff_id, family.include_pupil) == (world.teacher.id, True)
    assert threads.start_thread(session, teacher, class_group_id=world.class_a.id, **text).class_group_id == world.class_a.id
    school = threads.start_thread(session, scope_of(session, world, "director"), whole_school=True, **text)
    assert (school.school_id, school.pupil_id, school.class_group_id) == (world.school_a.id, None, None)


@pytest.mark.parametrize("engine", ENGINES)
def test_replies_only_where_the_thread_is_read_and_families_do_not_answer_announcements(engine, world, session, mail):
    parent, pupil = scope_of(session, world, "parent"), scope_of(session, world, "pupil")
    threads.reply(session, pupil, mail.threads["family_pupil"].id, "Спасибо")
    with pytest.raises(NotInScope):
        threads.reply(session, pupil, mail.threads["family"].id, "Я тоже тут")
    with pytest.raises(NotInScope):
        threads.reply(session, parent, mail.threads["other_family"].id, "Чужое")
    with pytest.raises(DomainError, match="На объявление нельзя ответить"):
        threads.reply(session, parent, mail.threads["class"].id, "Ответ")
    threads.reply(session, scope_of(session, world, "teacher"), mail.threads["class"].id, "Дополнение")
    with pytest.raises(DomainError, match="Напишите текст сообщения"):
        threads.reply(session, parent, mail.threads["family"].id, "   ")
    bodies = session.scalars(select(Message.body).order_by(Message.id)).all()
    assert bodies[len(NAMES):] == ["Спасибо", "Дополнение"]


@pytest.mark.parametrize("engine", ENGINES)
def test_pages_and_files_answer_404_out_of_scope(engine, app, world, session, mail):
    parent = client_for(app, "parent")
    own = parent.get(f"/messages/file/{mail.files['family'].id}")
    assert own.status_code == 200 and own.data == PDF
    assert "family.pdf" in own.headers["Content-Disposition"]
    for name in ("other_family", "far"):
        assert parent.get(f"/messages/file/{mail.files[name].id}").status_code == 404
        assert parent.get(f"/messages/{mail.threads[name].id}").status_code == 404
    teacher = client_for(app, "teacher")
    assert teacher.get(f"/messages/file/{mail.files['sibling'].id}").status_code == 404
    assert teacher.get(f"/messages/{mail.threads['sibling'].id}").status_code == 404
    pupil = client_for(app, "pupil")
    assert pupil.get(f"/messages/{mail.threads['family'].id}").status_code == 404
    assert pupil.get(f"/messages/{mail.threads['family_pupil'].id}").status_code == 200


def test_a_class_teacher_reads_the_threads_of_the_class_led(world, session, mail):
    world.class_a_other.class_teacher_id = world.teacher.id
    session.commit()
    scope = scope_of(session, world, "teacher")
    found = set(session.scalars(select(MessageThread.id).where(visible(scope, MessageThread))))
    assert names(found, mail.threads) == {"family", "family_pupil", "sibling", "other_family", "class", "school"}
    # and may write to the families of the class led
    made = threads.start_thread(session, scope, pupil_id=world.pupil_a_other.id, subject="Т", body="Б")
    assert made.staff_id == world.teacher.id
    assert staff_named(session, "Иванова").id == world.teacher.id
