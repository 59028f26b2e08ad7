"""A pupil's guardians as domain writes: scope from scope.py, the guardian and the link together."""
import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import Guardian, GuardianLink
from app.security.scope import load_scope
from app.timetable.guardians import GuardianForm, add_guardian, known_guardians, remove_guardian


def _counts(session):
    return (session.scalar(select(func.count()).select_from(Guardian)),
            session.scalar(select(func.count()).select_from(GuardianLink)))


def test_secretary_adds_new_guardian_with_link(session, world):
    scope = load_scope(session, world.users["secretary"])
    form = GuardianForm(relation="бабушка", last_name="Григорьева", first_name="Анна", phone="8 (916) 123-45-67")
    guardian, pupil = add_guardian(session, scope, world.pupil_a.id, form)
    link = session.get(GuardianLink, (world.pupil_a.id, guardian.id))
    assert (guardian.last_name, guardian.phone, link.relation) == ("Григорьева", "+79161234567", "бабушка")
    assert _counts(session) == (3, 4)  # the world has 2 guardians with 3 links


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_bad_guardian_input_writes_nothing(session, world, engine):
    scope = load_scope(session, world.users["secretary"])
    for form, message in ((GuardianForm(relation="я" * 31, last_name="Г", first_name="А"), "не длиннее 30"),
                          (GuardianForm(last_name="Григорьева"), "Укажите фамилию и имя"),
                          (GuardianForm(last_name="Григорьева", first_name="Анна", phone="123"), "российский номер"),
                          (GuardianForm(last_name="Григорьева", first_name="Анна", email="a@"), "написан с ошибкой")):
        with pytest.raises(DomainError, match=message):
            add_guardian(session, scope, world.pupil_a.id, form)
    assert _counts(session) == (2, 3)


def test_pupil_of_another_school_is_out_of_scope(session, world):
    scope = load_scope(session, world.users["secretary"])
    with pytest.raises(NotInScope):
        add_guardian(session, scope, world.pupil_b.id, GuardianForm(last_name="Григорьева", first_name="Анна"))
    with pytest.raises(NotInScope):
        remove_guardian(session, scope, world.pupil_b.id, 1)
    assert _counts(session) == (2, 3)


def test_known_guardian_links_to_sibling_and_last_link_removes_person(session, world):
    scope = load_scope(session, world.users["secretary"])
    borisova = session.scalar(select(Guardian).where(Guardian.last_name == "Борисова"))
    assert [g.last_name for g in known_guardians(session, scope, world.pupil_a)] == ["Борисова"]
    add_guardian(session, scope, world.pupil_a.id, GuardianForm(guardian_id=str(borisova.id)))
    assert _counts(session) == (2, 4)
    remove_guardian(session, scope, world.pupil_a.id, borisova.id)
    assert _counts(session) == (2, 3)  # still Борисов's guardian
    remove_guardian(session, scope, world.pupil_a_other.id, borisova.id)
    assert _counts(session) == (1, 2)
