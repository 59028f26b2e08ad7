"""On a copy of the demo: every pupil has a first membership, and a pupil of 5А moved to 5Б on
15.10.2012 stays in 5А's first quarter up to 14.10 and appears in 5Б's from 15.10."""
import datetime as dt

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.journal.grid import build_grid
from app.models import ClassGroup, ClassMembership, Pupil, StudyPeriod, Subject, TeachingAssignment
from app.school.transfer import transfer
from app.security.scope import load_scope


def test_a_demo_pupil_moves_from_5a_to_5b_and_both_journals_are_right(demo_app):
    from app.extensions import db

    s = db.session
    assert s.scalar(select(func.count(ClassMembership.id))) == \
        s.scalar(select(func.count(Pupil.id)).where(Pupil.class_group_id.is_not(None)))
    director = load_scope(s, s.scalar(select(User).where(User.username == "director")))
    classes = {c.letter: c for c in s.scalars(select(ClassGroup).where(
        ClassGroup.school_id == director.school_id, ClassGroup.grade == 5))}
    pupil = s.scalar(select(Pupil).where(Pupil.class_group_id == classes["А"].id)
                     .order_by(Pupil.last_name, Pupil.first_name, Pupil.id))
    pupil_id, name = pupil.id, pupil.last_name
    maths = {letter: s.scalar(select(TeachingAssignment.id).join(Subject).where(
        TeachingAssignment.class_group_id == c.id, Subject.name == "Математика",
        TeachingAssignment.subgroup_id.is_(None))) for letter, c in classes.items()}
    first = s.scalar(select(StudyPeriod.id).where(StudyPeriod.school_id == director.school_id,
                                                  StudyPeriod.number == 1))
    size = {letter: len(build_grid(s, director, maths[letter], first).pupils) for letter in "АБ"}

    done = transfer(s, director, pupil_id, classes["Б"].id, dt.date(2012, 10, 15), "112-у", "заявление родителей")
    assert done.old_class == "5А"

    def row(letter):
        grid = build_grid(s, director, maths[letter], first)
        found = next(r for r in grid.pupils if r.id == pupil_id)
        return grid, {lesson.date for lesson in grid.lessons if not found.member_on(lesson.date)}
    grid_a, outside_a = row("А")
    grid_b, outside_b = row("Б")
    assert (len(grid_a.pupils), len(grid_b.pupils)) == (size["А"], size["Б"] + 1)
    assert outside_a and min(outside_a) >= dt.date(2012, 10, 15)
    assert outside_b and max(outside_b) <= dt.date(2012, 10, 14)
    # His marks before the transfer are still in 5А's grid, and none in 5Б's before it.
    a_row = next(r for r in grid_a.pupils if r.id == pupil_id)
    assert any(lid for lid in a_row.cells if next(l for l in grid_a.lessons if l.id == lid).date < dt.date(2012, 10, 15))
    b_row = next(r for r in grid_b.pupils if r.id == pupil_id)
    assert not b_row.cells, name
