"""One grid cell brought to what was typed (app.journal.entries.save_cell): each kind of change
to marks and absence, its history rows, and the catalogue's refusals, on the domain function."""
import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.journal.catalogue import Catalogue, load_catalogue
from app.journal.entries import Actor, CellKnown, StaleVersion, save_cell
from app.models import Absence, JournalChange, Mark
from app.security.scope import load_scope
from tests.journal_helpers import build_journal_world

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture
def jw(app, session, engine):
    return build_journal_world(session, app.appbuilder.sm)


@pytest.fixture
def save(session, jw):
    """save(text, pupil=…, lesson=…, known=…, **options) as the teacher of 7А's mathematics."""
    scope = load_scope(session, jw.w.users["teacher"])
    actor = Actor(jw.w.users["teacher"].id, "Иванова А.П. (teacher)", "10.0.0.7")

    def _save(text, *, pupil=None, lesson=None, known=None, **options):
        return save_cell(session, scope, actor, lesson_id=(lesson or jw.lessons[1]).id,
                         pupil_id=(pupil or jw.pupils[1]).id, text=text, known=known or CellKnown(), **options)
    return _save


def cell_rows(session, jw):
    """(position, value, work type short name, version) of the cell's marks, and its absence."""
    session.expire_all()
    lesson, pupil = jw.lessons[1], jw.pupils[1]
    names = {t.id: t.short_name for t in jw.types.values()}
    marks = [(m.position, m.value, names[m.mark_type_id], m.version) for m in session.scalars(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.pupil_id == pupil.id).order_by(Mark.position))]
    absence = session.execute(select(Absence.code, Absence.version).where(
        Absence.lesson_id == lesson.id, Absence.pupil_id == pupil.id)).first()
    return marks, absence and tuple(absence)


def history(session, jw):
    session.expire_all()
    return [(c.entity, c.action, c.old_value, c.new_value) for c in session.scalars(
        select(JournalChange).where(JournalChange.lesson_id == jw.lessons[1].id).order_by(JournalChange.id))]


def counts(session):
    session.expire_all()
    return [session.scalar(select(func.count()).select_from(model)) for model in (Mark, Absence, JournalChange)]


def test_a_cell_goes_through_every_kind_of_change_with_its_history(session, jw, save):
    k_r = jw.types["к/р"].id
    saved = save("3/5")
    assert saved.state.changed
    assert saved.state.marks == [
        (0, 3, jw.types["отв"].id, 1), (1, 5, jw.types["отв"].id, 1)]
    assert cell_rows(session, jw) == ([(0, 3, "отв", 1), (1, 5, "отв", 1)], None)

    # position 0 changes value, position 1 stays, an absence that is not a missed lesson is added
    saved = save("4/5 оп", known=CellKnown({0: 1, 1: 1}))
    assert saved.state.changed and saved.state.absence == ("оп", 1)
    assert cell_rows(session, jw) == ([(0, 4, "отв", 2), (1, 5, "отв", 1)], ("оп", 1))

    # the chosen work type is applied to the typed marks; the same absence stays as it is
    saved = save("4/5 оп", known=CellKnown({0: 2, 1: 1}, 1), mark_type_id=k_r)
    assert cell_rows(session, jw) == ([(0, 4, "к/р", 3), (1, 5, "к/р", 2)], ("оп", 1))
    assert saved.state.marks == [(0, 4, k_r, 3), (1, 5, k_r, 2)] and saved.state.absence == ("оп", 1)

    # fewer marks: the second is deleted; no code: the absence is deleted
    saved = save("4", known=CellKnown({0: 3, 1: 2}, 1), mark_type_id=k_r)
    assert saved.state.changed and saved.state.marks == [(0, 4, k_r, 3)] and saved.state.absence is None
    assert cell_rows(session, jw) == ([(0, 4, "к/р", 3)], None)

    # the same again changes nothing and writes no history
    before = history(session, jw)
    saved = save("4", known=CellKnown({0: 3}), mark_type_id=k_r)
    assert not saved.state.changed and saved.state.marks == [(0, 4, k_r, 3)]
    assert history(session, jw) == before

    # a code alone: the mark goes, the absence comes; then another code replaces it
    assert save("н", known=CellKnown({0: 3})).state.absence == ("н", 1)
    saved = save("б", known=CellKnown({}, 1))
    assert saved.state.changed and saved.state.marks == [] and saved.state.absence == ("б", 2)
    assert cell_rows(session, jw) == ([], ("б", 2))

    assert history(session, jw) == [
        ("mark", "create", None, "3 (отв)"),
        ("mark", "create", None, "5 (отв)"),
        ("mark", "update", "3 (отв)", "4 (отв)"),
        ("absence", "create", None, "оп"),
        ("mark", "update", "4 (отв)", "4 (к/р)"),
        ("mark", "update", "5 (отв)", "5 (к/р)"),
        ("mark", "delete", "5 (к/р)", None),
        ("absence", "delete", "оп", None),
        ("mark", "delete", "4 (к/р)", None),
        ("absence", "create", None, "н"),
        ("absence", "update", "н", "б"),
    ]
    change = session.scalars(select(JournalChange).where(JournalChange.lesson_id == jw.lessons[1].id)).first()
    assert (change.pupil_id, change.school_id, change.user_name, change.ip_address) == (
        jw.pupils[1].id, jw.w.school_a.id, "Иванова А.П. (teacher)", "10.0.0.7")


def test_a_cell_with_other_versions_than_the_page_showed_is_refused_and_kept(session, jw, save):
    save("3")
    before = counts(session)
    with pytest.raises(StaleVersion):
        save("5", known=CellKnown({0: 1}, 1))  # the page showed an absence the cell does not hold
    with pytest.raises(StaleVersion):
        save("5")  # the page showed an empty cell
    assert counts(session) == before
    assert cell_rows(session, jw) == ([(0, 3, "отв", 1)], None)


def test_marks_with_a_missed_lesson_code_are_refused_and_nothing_written(session, jw, save):
    before = counts(session)
    with pytest.raises(DomainError) as refusal:
        save("н 5")
    assert refusal.value.message == "Ученик отмечен как отсутствующий («н»): отметку за этот урок поставить нельзя."
    assert counts(session) == before


def test_an_unknown_work_type_is_refused_and_nothing_written(session, jw, save):
    before = counts(session)
    with pytest.raises(DomainError) as refusal:
        save("5", mark_type_id=max(t.id for t in jw.types.values()) + 1)
    assert refusal.value.message == "Такого вида работы нет в справочнике."
    assert counts(session) == before


def test_without_work_types_marks_are_refused_but_an_absence_is_recorded(session, jw, save):
    no_types = Catalogue((), load_catalogue(session).absence_codes)
    before = counts(session)
    with pytest.raises(DomainError) as refusal:
        save("5", catalogue=no_types)
    assert refusal.value.message == "Справочник видов работ пуст: обратитесь к администратору."
    assert counts(session) == before
    assert save("н", catalogue=no_types).state.absence == ("н", 1)
    assert cell_rows(session, jw) == ([], ("н", 1))


def test_without_a_default_work_type_new_marks_take_the_first_by_id(session, jw, save):
    catalogue = load_catalogue(session)
    plain = Catalogue(tuple(t.__class__(t.id, t.name, t.short_name, t.weight, False) for t in catalogue.mark_types),
                      catalogue.absence_codes)
    first = min(t.id for t in jw.types.values())
    assert save("5", catalogue=plain).state.marks == [(0, 5, first, 1)]
