"""Timetable details: room names printed once, a new cell's usual room, and the message to create
the calendar's lessons again only when lessons already created no longer follow the change."""
from __future__ import annotations

import datetime as dt

import pytest

from app.timetable.calendar import generate_lessons
from app.timetable.clashes import save_cell
from tests.conftest import csrf_token
from tests.timetable_helpers import MONDAY, build_timetable_school, make_room


@pytest.fixture
def t(world, session):
    t = build_timetable_school(session, world.school_a, world.year, (world.class_a, world.class_a_other))
    t.room_110 = make_room(session, t.school, "Каб. 110")
    session.commit()
    return t


@pytest.fixture
def secretary(as_user, t):
    return as_user("secretary")


def post_cell(client, class_group, valid_from=MONDAY, **data):
    token = csrf_token(client, f"/timetable/class/{class_group.id}?week={MONDAY}")
    payload = {"valid_from": valid_from.strftime("%d.%m.%Y"), "week": MONDAY.isoformat(), **data}
    return client.post(f"/timetable/class/{class_group.id}/cell", json=payload, headers={"X-CSRFToken": token})


def test_a_room_named_with_its_word_is_printed_once(secretary, session, t):
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_110.id, MONDAY)
    save_cell(session, t.class_7a, 1, 2, t.russian_7a.id, t.room_21.id, MONDAY)
    save_cell(session, t.class_7a, 1, 3, t.russian_7a.id, t.gym.id, MONDAY)
    session.commit()
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert "каб. Каб. 110" not in page and ">Каб. 110<" in page
    assert ">каб. 21<" in page and ">Спортзал<" in page


def test_a_new_cell_starts_with_the_classs_usual_room(secretary, session, t):
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert 'data-usual-room=""' in page  # no lessons yet, no room
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_110.id, MONDAY)
    save_cell(session, t.class_7a, 1, 2, t.russian_7a.id, t.room_110.id, MONDAY)
    save_cell(session, t.class_7a, 2, 1, t.russian_7a.id, t.gym.id, MONDAY)
    save_cell(session, t.class_7a, 2, 2, t.russian_7a.id, t.gym.id, MONDAY)
    save_cell(session, t.class_7a, 2, 3, t.russian_7a.id, t.gym.id, MONDAY)
    save_cell(session, t.class_7a, 3, 1, t.maths_7a.id, t.room_21.id, MONDAY)
    session.commit()
    # The gym is shared: the class's own room is 110.
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert f'data-usual-room="{t.room_110.id}"' in page


def test_no_message_to_regenerate_while_no_lesson_is_created(secretary, session, t):
    page = secretary.get(f"/timetable/class/{t.class_7a.id}?week={MONDAY}").get_data(as_text=True)
    assert "пересоздайте" not in page.split('id="tt-grid"')[0]
    # Tuesdays: the world's own lesson is on Monday 10.09.
    reply = post_cell(secretary, t.class_7a, weekday=2, lesson_number=1, assignment_id=t.maths_7a.id).get_json()
    assert reply["regenerate"] is None


def test_message_names_the_created_lessons_a_change_affects(secretary, session, t):
    save_cell(session, t.class_7a, 2, 1, t.maths_7a.id, None, MONDAY)
    generate_lessons(session, t.periods[0])  # Tuesdays 04.09–23.10
    session.commit()
    # The same lesson again, another room: the lessons still follow the timetable.
    reply = post_cell(secretary, t.class_7a, weekday=2, lesson_number=1, assignment_id=t.maths_7a.id,
                      room_id=t.room_21.id).get_json()
    assert reply["regenerate"] is None
    # Russian instead of maths from 09.10: three Tuesdays of the first quarter are created as maths.
    reply = post_cell(secretary, t.class_7a, dt.date(2012, 10, 9), weekday=2, lesson_number=1,
                      assignment_id=t.russian_7a.id).get_json()
    assert reply["regenerate"] == (
        "Уроки в календаре уже созданы и теперь расходятся с расписанием (7А, 1-й урок: 09.10.2012, 16.10.2012, "
        "23.10.2012): пересоздайте уроки в «Календаре уроков».")
    # A new cell on days with created lessons: Tuesday's lesson 2 is missing from them.
    reply = post_cell(secretary, t.class_7a, weekday=2, lesson_number=2, assignment_id=t.maths_7a.id).get_json()
    assert "(7А, 2-й урок: 04.09.2012, 11.09.2012, 18.09.2012, 25.09.2012, 02.10.2012 и ещё 3)" in reply["regenerate"]
