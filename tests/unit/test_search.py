"""Finding rows by a typed name (app.search): case- and «ё»-blind on both engines, every word must
match, LIKE's wildcards are letters, and nothing but the typed rows comes back."""
from __future__ import annotations

import pytest

from app.models import ClassGroup, Pupil, Staff, TeachingAssignment
from app.search import named_ids, words
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
        return set(session.scalars(named_ids(model, words(text))))

    assert found(Pupil, "алексеев") == {world.pupil_a.id, world.sibling_a.id}  # «Алексеева» too
    assert found(Pupil, "СЕМЕНОВ") == found(Pupil, "семёнов") == {world.pupil_b.id}
    assert found(Pupil, "мария борисов") == {world.pupil_a_other.id}  # any order, first name and surname
    assert found(Pupil, "Борисов СОШ № 3") == set()  # every word must match: Борисов is of СОШ № 1
    assert found(Pupil, "%") == found(Pupil, "_") == set()  # wildcards are letters
    assert found(Staff, "иванова") == {world.teacher.id}
    assert found(ClassGroup, "7а сош № 3") == {world.class_b.id}
    assert len(found(TeachingAssignment, "7А математика")) == 2  # 7А of СОШ № 1 and of СОШ № 3
