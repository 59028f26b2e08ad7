"""No lost update on PostgreSQL: two sessions save the same cell from the same version at once."""
import threading

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.journal import entries
from app.models import JournalChange, Mark
from app.security.scope import load_scope
from tests.journal_helpers import build_journal_world

pytestmark = pytest.mark.pg


def test_two_sessions_saving_the_same_cell_from_the_same_version_one_wins(app, session, database_url):
    jw = build_journal_world(session, app.appbuilder.sm)
    lesson_id, pupil_id = jw.lessons[0].id, jw.w.pupil_a.id      # holds a 5, version 1
    teacher = app.appbuilder.sm.find_user("teacher")
    director = app.appbuilder.sm.find_user("director")
    scopes = {"teacher": load_scope(session, teacher), "director": load_scope(session, director)}
    session.commit()

    engine = create_engine(database_url)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(who, text):
        with app.app_context(), Session(engine) as own:
            barrier.wait()
            try:
                entries.save_cell(own, scopes[who], entries.Actor(None, who, "10.0.0.1"), lesson_id=lesson_id,
                                  pupil_id=pupil_id, text=text, known=entries.CellKnown({0: 1}, None))
                outcomes[who] = "saved"
            except entries.StaleVersion as stale:
                outcomes[who] = stale.message
            except DomainError as other:
                outcomes[who] = f"refused: {other.message}"

    threads = [threading.Thread(target=save, args=("teacher", "4")), threading.Thread(target=save, args=("director", "3"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.dispose()

    assert sorted(outcomes.values()) == ["saved", "Отметку уже изменил другой пользователь, клетка обновлена"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "saved")
    session.expire_all()
    marks = list(session.scalars(select(Mark).where(Mark.lesson_id == lesson_id, Mark.pupil_id == pupil_id)))
    assert [(m.value, m.version) for m in marks] == [({"teacher": 4, "director": 3}[winner], 2)]
    assert [c.user_name for c in session.scalars(select(JournalChange))] == [winner]


def test_two_sessions_creating_a_mark_in_an_empty_cell_one_wins(app, session, database_url):
    jw = build_journal_world(session, app.appbuilder.sm)
    lesson_id, pupil_id = jw.lessons[1].id, jw.pupils[1].id
    scope = load_scope(session, app.appbuilder.sm.find_user("teacher"))
    session.commit()
    engine = create_engine(database_url)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        with app.app_context(), Session(engine) as own:
            barrier.wait()
            try:
                entries.save_cell(own, scope, entries.Actor(None, "tab " + text), lesson_id=lesson_id, pupil_id=pupil_id,
                                  text=text, known=entries.CellKnown())
                outcomes.append("saved")
            except entries.StaleVersion:
                outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(v,)) for v in ("5", "2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.dispose()
    assert sorted(outcomes) == ["saved", "stale"]
    session.expire_all()
    assert len(list(session.scalars(select(Mark).where(Mark.lesson_id == lesson_id, Mark.pupil_id == pupil_id)))) == 1
