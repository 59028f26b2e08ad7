"""No lost update on PostgreSQL: two sessions write the same cells from the same versions at once."""
import threading

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.journal import entries
from app.models import Absence, JournalChange, Mark
from app.security.scope import load_scope
from tests.journal_helpers import build_journal_world

pytestmark = pytest.mark.pg
STALE = "Отметку уже изменил другой пользователь, клетка обновлена"


def at_once(app, database_url, writes: dict) -> dict:
    """Run each write (name -> function of its own Session) in its own thread and session, all
    released together; returns name -> "saved", the stale message, or "refused: <message>"."""
    engine = create_engine(database_url)
    barrier = threading.Barrier(len(writes))
    outcomes = {}

    def run(name, write):
        with app.app_context(), Session(engine) as own:
            barrier.wait()
            try:
                write(own)
                outcomes[name] = "saved"
            except entries.StaleVersion as stale:
                outcomes[name] = stale.message
            except DomainError as other:
                outcomes[name] = f"refused: {other.message}"

    threads = [threading.Thread(target=run, args=item) for item in writes.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.dispose()
    return outcomes


def test_two_sessions_saving_the_same_cell_from_the_same_version_one_wins(app, session, database_url):
    jw = build_journal_world(session, app.appbuilder.sm)
    lesson_id, pupil_id = jw.lessons[0].id, jw.w.pupil_a.id      # holds a 5, version 1
    teacher = app.appbuilder.sm.find_user("teacher")
    director = app.appbuilder.sm.find_user("director")
    scopes = {"teacher": load_scope(session, teacher), "director": load_scope(session, director)}
    session.commit()

    def save(who, text):
        return lambda own: entries.save_cell(own, scopes[who], entries.Actor(None, who, "10.0.0.1"), lesson_id=lesson_id,
                                             pupil_id=pupil_id, text=text, known=entries.CellKnown({0: 1}, None))

    outcomes = at_once(app, database_url, {"teacher": save("teacher", "4"), "director": save("director", "3")})
    assert sorted(outcomes.values()) == ["saved", STALE]
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

    def save(text):
        return lambda own: entries.save_cell(own, scope, entries.Actor(None, "tab " + text), lesson_id=lesson_id,
                                             pupil_id=pupil_id, text=text, known=entries.CellKnown())

    outcomes = at_once(app, database_url, {"5": save("5"), "2": save("2")})
    assert sorted(outcomes.values()) == ["saved", STALE]
    session.expire_all()
    assert len(list(session.scalars(select(Mark).where(Mark.lesson_id == lesson_id, Mark.pupil_id == pupil_id)))) == 1


def test_absentees_and_a_directors_absence_at_once_never_delete_the_absence(app, session, database_url):
    """The teacher's «only the absent» (page read with the column empty) and the director's «б»
    for another pupil run together: whichever takes the lesson's lock first, the director's
    absence stands (the absentees save is refused when it comes second)."""
    jw = build_journal_world(session, app.appbuilder.sm)
    lesson_id, seen_absent, excused = jw.lessons[2].id, jw.pupils[1].id, jw.pupils[0].id
    sm = app.appbuilder.sm
    scopes = {who: load_scope(session, sm.find_user(who)) for who in ("teacher", "director")}
    session.commit()

    def absentees(own):
        entries.record_absentees(own, scopes["teacher"], entries.Actor(None, "teacher"), lesson_id=lesson_id,
                                 absent={seen_absent: "н"}, known={})

    def excuse(own):
        entries.save_cell(own, scopes["director"], entries.Actor(None, "director"), lesson_id=lesson_id,
                          pupil_id=excused, text="б", known=entries.CellKnown(), reason="Справка")

    outcomes = at_once(app, database_url, {"teacher": absentees, "director": excuse})
    assert outcomes["director"] == "saved" and outcomes["teacher"] in ("saved", STALE)
    session.expire_all()
    absences = dict(session.execute(select(Absence.pupil_id, Absence.code).where(Absence.lesson_id == lesson_id)).all())
    assert absences[excused] == "б"
    assert absences.get(seen_absent) == ("н" if outcomes["teacher"] == "saved" else None)
    assert [c.action for c in session.scalars(select(JournalChange).where(JournalChange.pupil_id == excused))] == ["create"]
