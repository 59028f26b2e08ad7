"""Finding rows by a typed name (app.name_search): case- and «ё»-blind on both engines, every word must
match, LIKE's wildcards are letters, and nothing but the typed rows comes back."""
from __future__ import annotations

import pytest

from app.models import ClassGroup, Pupil, Staff, TeachingAssignment
from app.name_search import named_ids, words
from app.security import roles as R
from app.security.scope import MUNICIPALITY, REGION, SCHOOL, Scope, reach
from tests.web.test_reference_cache import ENGINES


def test_words_are_folded_and_control_characters_split_them():
    assert words("  Семёнов\x00ИВАН\t") == ["семенов", "иван"]
    assert words("") == [] and words(None) == [] and words(" \x00 ") == []


def test_reach_of_each_role():
    assert {role: reach(Scope(role=role)) for role in R.ALL_ROLES} == {
        R.ADMIN: REGION, R.MINISTRY: REGION, R.MONITORING: REGION, R.METHODIST: REGION, R.VENDOR: REGION,
        R.MUNICIPAL: MUNICIPALITY,
        R.SCHOOL_ADMIN: SCHOOL, R.SECRETARY: SCHOOL, R.TEACHER: SCHOOL, R.PARENT: SCHOOL, R.PUPIL: SCHOOL,
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_named_ids_find_people_classes_and_load_by_typed_words(session, world, engine):
    world.pupil_b.last_name = "Семёнов"
    session.commit()

    def found(model, text):
        return set(session.scalars(named_ids(session, model, words(text))))

    assert found(Pupil, "алексеев") == {world.pupil_a.id, world.sibling_a.id}  # «Алексеева» too
    assert found(Pupil, "СЕМЕНОВ") == found(Pupil, "семёнов") == {world.pupil_b.id}
    assert found(Pupil, "мария борисов") == {world.pupil_a_other.id}  # any order, first name and surname
    assert found(Pupil, "Борисов СОШ № 3") == set()  # every word must match: Борисов is of СОШ № 1
    assert found(Pupil, "%") == found(Pupil, "_") == set()  # wildcards are letters
    assert found(Staff, "иванова") == {world.teacher.id}
    assert found(ClassGroup, "7а сош № 3") == {world.class_b.id}
    assert len(found(TeachingAssignment, "7А математика")) == 2  # 7А of СОШ № 1 and of СОШ № 3


@pytest.mark.parametrize("engine", ENGINES)
def test_people_are_found_through_the_name_index_kept_by_the_database(session, world, engine):
    """A typed person's name is looked up in the index of migration 0004, which the database keeps
    as people are added, renamed and removed: the FTS5 trigram tables on SQLite, trigram indexes on
    PostgreSQL (read when the planner may not scan the table)."""
    from sqlalchemy import text
    from tests.factories import make_pupil
    from tests.statements import recorded_statements

    newcomer = make_pupil(session, world.class_b, "Ёлкина")
    gone = make_pupil(session, world.class_b, "Уходящий")
    session.commit()
    world.pupil_b.last_name = "Шорохов"
    session.delete(gone)
    session.commit()

    def found(model, typed):
        return set(session.scalars(named_ids(session, model, words(typed))))

    if engine == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.scalars(text("EXPLAIN " + str(
            named_ids(session, Pupil, ["елкин"]).compile(session.get_bind(), compile_kwargs={"literal_binds": True})))))
        assert "ix_pupil_last_name_trgm" in plan and "Seq Scan on pupil" not in plan
    with recorded_statements(session.get_bind()) as statements:
        assert found(Pupil, "елкин") == found(Pupil, "ЁЛКИНА") == {newcomer.id}
    if engine == "sqlite":
        assert any("pupil_name_search MATCH" in s for s in statements)
        assert not any("fold(pupil." in s for s in statements)  # no name read row by row
    assert found(Pupil, "шорох") == {world.pupil_b.id} and found(Pupil, "васильев") == set()
    assert found(Pupil, "уходящ") == set()  # removed
    assert found(Staff, "иванов") == {world.teacher.id}
    session.rollback()
