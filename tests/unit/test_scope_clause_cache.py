"""The scope clauses are kept per process (app/security/scope.py): an equal Scope gets the same
clause back, another Scope its own one, with its own ids."""
from sqlalchemy.dialects import sqlite

from app.models import Mark
from app.security import roles as R
from app.security.scope import Scope, changeable, visible


def sql(clause) -> str:
    return str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_an_equal_scope_gets_the_kept_clause_and_another_scope_its_own():
    teacher = Scope(role=R.TEACHER, user_id=8, school_id=1, staff_id=3)
    same = Scope(role=R.TEACHER, user_id=8, school_id=1, staff_id=3)
    other = Scope(role=R.TEACHER, user_id=9, school_id=1, staff_id=4)
    assert visible(teacher, Mark) is visible(same, Mark)
    assert changeable(teacher, Mark) is changeable(same, Mark)
    assert "teacher_id = 3" in sql(visible(teacher, Mark)) and "teacher_id = 4" not in sql(visible(teacher, Mark))
    assert "teacher_id = 4" in sql(visible(other, Mark))
