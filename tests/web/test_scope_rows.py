"""The row-scope rule, written out by hand: for every model with rows in the factories' world and
every role, which rows `visible()` (and, for the journal, `changeable()`) gives the user.

The expectations are read off the world (tests/factories.py: build_world), not from the scope
module: break a rule in app/security/scope.py or app/security/rules.py and a line here fails.
In this world the teacher (Иванова) teaches 7А of СОШ № 1 and leads 8Б there, and 9В of the same
school (Григорьев, taught by Петрова) is neither hers to teach nor to lead; the parent is the
guardian Алексеев of Алексеева (7А) and Алексеев (8Б); the pupil is Алексеева; the vendor's
system runs СОШ № 3; the coordinator's municipality is Одинцовский (СОШ № 1 and № 2).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.journal.plan import TopicRow, write_topics

from app.models import (
    ClassGroup,
    Guardian,
    GuardianLink,
    Holiday,
    Homework,
    HomeworkFile,
    JournalSystem,
    Lesson,
    Mark,
    Material,
    Municipality,
    PlanTopic,
    Pupil,
    School,
    Staff,
    StudyPeriod,
    Subject,
    SubjectAssessment,
    TeachingAssignment,
    ThematicPlan,
    UserScope,
)
from app.models.journal import MarkType
from app.security.scope import changeable, load_scope, visible
from tests.factories import make_assignment, make_class, make_guardian, make_lesson, make_mark, make_pupil, make_subject
from tests.security_helpers import add_vendor_and_extras

USERS = ("admin", "ministry", "monitor", "methodist", "municipal", "director", "secretary", "teacher", "parent",
         "pupil", "vendor")
REGION = ("ministry", "monitor", "methodist")
ALL_SCHOOLS = {"СОШ № 1", "СОШ № 2", "СОШ № 3"}
STAFF_A = {"Директорова", "Секретарева", "Иванова", "Петрова"}


def _class(row) -> str:
    return f"{row.grade}{row.letter} {row.school.short_name}"


def _task(row) -> str:
    """A task by its lesson's class, and the pupil of an individual one."""
    return _class(row.lesson.class_group) + (f" {row.pupil.last_name}" if row.pupil_id else "")


# How a row is named in the expectations below.
LABELS = {
    Municipality: lambda r: r.name.split()[0],
    School: lambda r: r.short_name,
    StudyPeriod: lambda r: r.school.short_name,  # the schools whose periods are shown
    Holiday: lambda r: r.school.short_name,
    Staff: lambda r: r.last_name,
    Pupil: lambda r: r.last_name,
    Guardian: lambda r: r.last_name,
    GuardianLink: lambda r: f"{r.guardian.last_name}→{r.pupil.last_name}",
    ClassGroup: _class,
    TeachingAssignment: lambda r: _class(r.class_group),
    Lesson: lambda r: _class(r.class_group),
    Mark: lambda r: r.pupil.last_name,
    Homework: lambda r: _task(r),
    HomeworkFile: lambda r: _task(r.homework),
    Subject: lambda r: r.name,
    UserScope: lambda r: r.user.username,
    SubjectAssessment: lambda r: _class(r.class_group),
    ThematicPlan: lambda r: _class(r.assignment.class_group),
    PlanTopic: lambda r: _class(r.plan.assignment.class_group),
}

VISIBLE = {
    Municipality: {
        "admin": {"Одинцовский", "Клинский"}, **{u: {"Одинцовский", "Клинский"} for u in REGION},
        "municipal": {"Одинцовский"}, "director": {"Одинцовский"}, "secretary": {"Одинцовский"},
    },
    School: {
        "admin": ALL_SCHOOLS, **{u: ALL_SCHOOLS for u in REGION}, "municipal": {"СОШ № 1", "СОШ № 2"},
        "director": {"СОШ № 1"}, "secretary": {"СОШ № 1"}, "teacher": {"СОШ № 1"}, "parent": {"СОШ № 1"},
        "pupil": {"СОШ № 1"}, "vendor": {"СОШ № 3"},
    },
    StudyPeriod: {
        "admin": ALL_SCHOOLS, **{u: ALL_SCHOOLS for u in REGION}, "municipal": {"СОШ № 1", "СОШ № 2"},
        "director": {"СОШ № 1"}, "secretary": {"СОШ № 1"}, "teacher": {"СОШ № 1"}, "parent": {"СОШ № 1"},
        "pupil": {"СОШ № 1"},
    },
    Staff: {
        "admin": STAFF_A | {"Сидорова"}, "director": STAFF_A, "secretary": STAFF_A, "teacher": STAFF_A,
        "parent": {"Иванова", "Петрова"}, "pupil": {"Иванова"},
    },
    Pupil: {
        "admin": {"Алексеева", "Алексеев", "Борисов", "Васильев", "Григорьев"},
        "director": {"Алексеева", "Алексеев", "Борисов", "Григорьев"},
        "secretary": {"Алексеева", "Алексеев", "Борисов", "Григорьев"},
        "teacher": {"Алексеева", "Алексеев", "Борисов"},  # 7А taught, 8Б led; not 9В
        "parent": {"Алексеева", "Алексеев"}, "pupil": {"Алексеева"},
    },
    Guardian: {
        "admin": {"Алексеев", "Борисова", "Григорьева"}, "director": {"Алексеев", "Борисова", "Григорьева"},
        "secretary": {"Алексеев", "Борисова", "Григорьева"},
        "teacher": {"Алексеев", "Борисова"}, "parent": {"Алексеев"}, "pupil": {"Алексеев"},
    },
    GuardianLink: {
        "admin": {"Алексеев→Алексеева", "Алексеев→Алексеев", "Борисова→Борисов", "Григорьева→Григорьев"},
        "director": {"Алексеев→Алексеева", "Алексеев→Алексеев", "Борисова→Борисов", "Григорьева→Григорьев"},
        "secretary": {"Алексеев→Алексеева", "Алексеев→Алексеев", "Борисова→Борисов", "Григорьева→Григорьев"},
        "teacher": {"Алексеев→Алексеев", "Борисова→Борисов"},  # the led class 8Б only
        "parent": {"Алексеев→Алексеева", "Алексеев→Алексеев"}, "pupil": {"Алексеев→Алексеева"},
    },
    ClassGroup: {
        "admin": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"},
        **{u: {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"} for u in REGION},
        "municipal": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "director": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"},
        "secretary": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "teacher": {"7А СОШ № 1", "8Б СОШ № 1"},
        "parent": {"7А СОШ № 1", "8Б СОШ № 1"}, "pupil": {"7А СОШ № 1"},
    },
    TeachingAssignment: {
        "admin": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"},
        **{u: {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"} for u in REGION},
        "director": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "secretary": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"},
        "teacher": {"7А СОШ № 1", "8Б СОШ № 1"}, "parent": {"7А СОШ № 1", "8Б СОШ № 1"}, "pupil": {"7А СОШ № 1"},
    },
    Lesson: {
        "admin": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"},
        **{u: {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"} for u in REGION},
        "municipal": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "director": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"},
        "secretary": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "teacher": {"7А СОШ № 1", "8Б СОШ № 1"},
        "parent": {"7А СОШ № 1", "8Б СОШ № 1"}, "pupil": {"7А СОШ № 1"},
    },
    Mark: {
        "admin": {"Алексеева", "Борисов", "Васильев", "Григорьев"}, "director": {"Алексеева", "Борисов", "Григорьев"},
        "secretary": {"Алексеева", "Борисов", "Григорьев"}, "teacher": {"Алексеева", "Борисов"},
        "parent": {"Алексеева"}, "pupil": {"Алексеева"},
    },
    # Homework: a task for each lesson's class and one for Алексеева alone (add_vendor_and_extras); a task is
    # personal data (it may be one pupil's), so the region and the municipality read none.
    Homework: {
        "admin": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1", "7А СОШ № 3"},
        "director": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1"},
        "secretary": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1"},
        "teacher": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1"},
        "parent": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1"},
        "pupil": {"7А СОШ № 1", "7А СОШ № 1 Алексеева"},
    },
    Subject: {user: {"Математика"} for user in USERS if user != "vendor"},  # the regional catalogue
    UserScope: {"admin": {"municipal", "vendor"}},
    # The school's setting of how a class's subject is assessed: read with the class, about no person.
    SubjectAssessment: {
        "admin": {"7А СОШ № 1", "7А СОШ № 3"}, **{u: {"7А СОШ № 1", "7А СОШ № 3"} for u in REGION},
        "director": {"7А СОШ № 1"}, "secretary": {"7А СОШ № 1"}, "teacher": {"7А СОШ № 1"},
        "parent": {"7А СОШ № 1"}, "pupil": {"7А СОШ № 1"},
    },
    # A plan of each assignment: the teacher reads her own and the led class's, the school its own.
    ThematicPlan: {
        "admin": {"7А СОШ № 1", "8Б СОШ № 1", "7А СОШ № 3"},
        **{u: {"7А СОШ № 1", "8Б СОШ № 1", "7А СОШ № 3"} for u in REGION},
        "director": {"7А СОШ № 1", "8Б СОШ № 1"}, "secretary": {"7А СОШ № 1", "8Б СОШ № 1"},
        "teacher": {"7А СОШ № 1", "8Б СОШ № 1"},
    },
}
VISIBLE[Holiday] = VISIBLE[StudyPeriod]
VISIBLE[HomeworkFile] = VISIBLE[Homework]
VISIBLE[PlanTopic] = VISIBLE[ThematicPlan]

CHANGEABLE = {
    Mark: {"admin": {"Алексеева", "Борисов", "Васильев", "Григорьев"}, "director": {"Алексеева", "Борисов", "Григорьев"},
           "teacher": {"Алексеева"}},  # the led class's marks are read, not written
    Lesson: {"admin": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1", "7А СОШ № 3"},
             "director": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"}, "secretary": {"7А СОШ № 1", "8Б СОШ № 1", "9В СОШ № 1"},
             "teacher": {"7А СОШ № 1"}},
    Pupil: {"admin": {"Алексеева", "Алексеев", "Борисов", "Васильев", "Григорьев"},
            "secretary": {"Алексеева", "Алексеев", "Борисов", "Григорьев"}},
    School: {"admin": ALL_SCHOOLS, "municipal": {"СОШ № 1", "СОШ № 2"}},
    Subject: {"admin": {"Математика"}},  # the regional catalogue is the administrator's to change
    Homework: {"admin": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1", "7А СОШ № 3"},
               "director": {"7А СОШ № 1", "7А СОШ № 1 Алексеева", "8Б СОШ № 1"},
               "teacher": {"7А СОШ № 1", "7А СОШ № 1 Алексеева"}},  # the led class's tasks are read, not given
    SubjectAssessment: {"admin": {"7А СОШ № 1", "7А СОШ № 3"}, "director": {"7А СОШ № 1"}},
    ThematicPlan: {"admin": {"7А СОШ № 1", "8Б СОШ № 1", "7А СОШ № 3"}, "teacher": {"7А СОШ № 1"}},
}
CHANGEABLE[HomeworkFile] = CHANGEABLE[Homework]
CHANGEABLE[PlanTopic] = CHANGEABLE[ThematicPlan]

# Reference data: every logged-in user reads all of it.
SHARED = (MarkType, JournalSystem, Material)


@pytest.fixture
def scoped_world(app, session, world):
    add_vendor_and_extras(session, app.appbuilder.sm, world)
    world.class_a_other.class_teacher_id = world.teacher.id
    for class_group in (world.class_a, world.class_b):  # Математика «без отметок» in the first quarter
        period = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == class_group.school_id,
                                                          StudyPeriod.number == 1))
        session.add(SubjectAssessment(class_group_id=class_group.id, subject_id=world.lesson_a.assignment.subject_id,
                                      study_period_id=period.id, mode="unmarked"))
    # A class of the teacher's school that she neither teaches nor leads: 9В, taught by Петрова.
    unrelated = make_class(session, world.school_a, world.year, 9, "В")
    pupil = make_pupil(session, unrelated, "Григорьев")
    make_guardian(session, [pupil], None, "Григорьева")
    lesson = make_lesson(session, make_assignment(session, unrelated, make_subject(session), world.other_teacher),
                         dt.date(2012, 9, 10))
    make_mark(session, lesson, pupil, 4, session.scalars(select(MarkType).where(MarkType.short_name == "отв")).one())
    for lesson in (world.lesson_a, world.lesson_a_other, world.lesson_b):
        write_topics(session, lesson.assignment_id, [TopicRow(1, None, "Дроби", 2)], user_id=None,
                     now=dt.datetime(2012, 9, 1))
    session.commit()
    return world


def _rows(session, user, model, rule) -> set[str]:
    scope = load_scope(session, user)
    return {LABELS[model](row) for row in session.scalars(select(model).where(rule(scope, model)))}


@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda model: model.__name__)
def test_each_role_sees_the_rows_written_out_for_it(scoped_world, session, model):
    got = {user: _rows(session, scoped_world.users[user], model, visible) for user in USERS}
    assert got == {user: VISIBLE[model].get(user, set()) for user in USERS}


@pytest.mark.parametrize("model", list(CHANGEABLE), ids=lambda model: model.__name__)
def test_each_role_changes_the_rows_written_out_for_it(scoped_world, session, model):
    got = {user: _rows(session, scoped_world.users[user], model, changeable) for user in USERS}
    assert got == {user: CHANGEABLE[model].get(user, set()) for user in USERS}


def test_reference_data_is_read_by_every_logged_in_user(scoped_world, session):
    for model in SHARED:
        every = len(session.scalars(select(model)).all())
        assert every > 0, model.__name__
        for user in USERS:
            scope = load_scope(session, scoped_world.users[user])
            assert len(session.scalars(select(model).where(visible(scope, model))).all()) == every, (model, user)
