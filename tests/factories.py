"""Small explicit worlds for tests. Each make_* adds rows, flushes and returns the new object."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from app.models import (
    AbsenceCode,
    AcademicYear,
    ClassGroup,
    Guardian,
    GuardianLink,
    Homework,
    Lesson,
    Mark,
    MarkType,
    Municipality,
    Pupil,
    School,
    Staff,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    UserScope,
)
from app.security import roles as R

PASSWORD = "Test-password-2012"
_seq = itertools.count(1)


def make_user(session, sm, username: str, role: str, *, municipality=None, school=None, journal_system=None):
    user = sm.add_user(
        username=username, first_name=username.capitalize(), last_name="Тестов",
        email=f"{username}@example.test", role=sm.find_role(role), password=PASSWORD,
    )
    assert user, f"user {username} not created"
    if municipality or school or journal_system:
        session.add(UserScope(
            user_id=user.id,
            municipality_id=municipality.id if municipality else None,
            school_id=school.id if school else None,
            journal_system_id=journal_system.id if journal_system else None,
        ))
    session.flush()
    return user


def make_municipality(session, name=None):
    m = Municipality(name=name or f"Тестовый район {next(_seq)}", kind="муниципальный район")
    session.add(m)
    session.flush()
    return m


def make_school(session, municipality, name=None, journal_system=None):
    n = next(_seq)
    s = School(municipality=municipality, name=name or f"МБОУ СОШ № {n}", short_name=name or f"СОШ № {n}",
               kind="СОШ", journal_system_id=journal_system.id if journal_system else None)
    session.add(s)
    session.flush()
    return s


def make_year(session, name="2012/2013", starts=dt.date(2012, 9, 1), ends=dt.date(2013, 5, 31)):
    year = session.query(AcademicYear).filter_by(name=name).one_or_none()
    if year is None:
        year = AcademicYear(name=name, starts_on=starts, ends_on=ends)
        session.add(year)
        session.flush()
    return year


def make_quarters(session, school, year):
    """The Moscow Oblast 2012/2013 quarters of docs/design.md."""
    spans = [
        (dt.date(2012, 9, 1), dt.date(2012, 10, 27)),
        (dt.date(2012, 11, 5), dt.date(2012, 12, 29)),
        (dt.date(2013, 1, 11), dt.date(2013, 3, 24)),
        (dt.date(2013, 4, 1), dt.date(2013, 5, 31)),
    ]
    periods = []
    for number, (start, end) in enumerate(spans, 1):
        p = StudyPeriod(school_id=school.id, academic_year_id=year.id, kind="quarter", number=number,
                        name=f"{number} четверть", starts_on=start, ends_on=end)
        session.add(p)
        periods.append(p)
    session.flush()
    return periods


def make_staff(session, school, last_name=None, user=None, position="учитель"):
    s = Staff(school_id=school.id, last_name=last_name or f"Учителева{next(_seq)}", first_name="Анна",
              middle_name="Петровна", position=position, is_teacher=True, user_id=user.id if user else None)
    session.add(s)
    session.flush()
    return s


def make_class(session, school, year, grade=7, letter="А", class_teacher=None):
    c = ClassGroup(school_id=school.id, academic_year_id=year.id, grade=grade, letter=letter, shift=1,
                   class_teacher_id=class_teacher.id if class_teacher else None)
    session.add(c)
    session.flush()
    return c


def make_pupil(session, class_group, last_name=None, user=None, birth_date=dt.date(2000, 1, 1)):
    p = Pupil(school_id=class_group.school_id, class_group_id=class_group.id,
              last_name=last_name or f"Ученикова{next(_seq)}", first_name="Мария", middle_name="Ивановна",
              birth_date=birth_date, enrolled_on=dt.date(2012, 9, 1), user_id=user.id if user else None)
    session.add(p)
    session.flush()
    return p


def make_guardian(session, pupils, user=None, last_name=None, email=None):
    g = Guardian(last_name=last_name or f"Родителев{next(_seq)}", first_name="Иван", middle_name="Иванович",
                 user_id=user.id if user else None, email=email)
    session.add(g)
    session.flush()
    for pupil in pupils:
        session.add(GuardianLink(pupil_id=pupil.id, guardian_id=g.id))
    session.flush()
    return g


def make_subject(session, name="Математика", school=None):
    s = session.query(Subject).filter_by(name=name, school_id=school.id if school else None).one_or_none()
    if s is None:
        s = Subject(name=name, short_name=name[:10], school_id=school.id if school else None)
        session.add(s)
        session.flush()
    return s


def make_assignment(session, class_group, subject, teacher, hours=Decimal("4")):
    a = TeachingAssignment(class_group_id=class_group.id, subject_id=subject.id, teacher_id=teacher.id,
                           hours_per_week=hours)
    session.add(a)
    session.flush()
    return a


def make_lesson(session, assignment, date, number=1, topic=None, homework=None, homework_due=None):
    """A lesson; with `homework`, a task for its class due on `homework_due` (by default the
    lesson's own day, so that the diary shows it on the lesson)."""
    lesson = Lesson(assignment_id=assignment.id, class_group_id=assignment.class_group_id,
                    school_id=assignment.class_group.school_id, date=date, lesson_number=number,
                    teacher_id=assignment.teacher_id, topic=topic)
    session.add(lesson)
    session.flush()
    if homework is not None:
        make_homework(session, lesson, homework, due_on=homework_due or date, subgroup_id=assignment.subgroup_id)
    return lesson


def make_homework(session, lesson, text, due_on, pupil=None, subgroup_id=None):
    """A task given on `lesson` due on `due_on`: for the lesson's class, a subgroup or one pupil."""
    homework = Homework(lesson_id=lesson.id, class_group_id=lesson.class_group_id, subgroup_id=subgroup_id,
                        pupil_id=pupil.id if pupil else None, due_on=due_on, text=text, version=1)
    session.add(homework)
    session.flush()
    return homework


def make_catalogues(session):
    """Work types and absence codes of the regional catalogue."""
    if session.query(MarkType).count() == 0:
        session.add_all([
            MarkType(name="Ответ на уроке", short_name="отв", weight=Decimal("1.0"), is_default=True),
            MarkType(name="Самостоятельная работа", short_name="с/р", weight=Decimal("1.5")),
            MarkType(name="Контрольная работа", short_name="к/р", weight=Decimal("2.0")),
        ])
        session.add_all([
            AbsenceCode(code="н", name="отсутствовал"),
            AbsenceCode(code="б", name="болел", excused=True),
            AbsenceCode(code="у", name="уважительная причина", excused=True),
            AbsenceCode(code="оп", name="опоздал", counts_as_missed=False),
        ])
        session.flush()
    return {t.short_name: t for t in session.query(MarkType)}


def make_mark(session, lesson, pupil, value, mark_type, position=0):
    m = Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value, mark_type_id=mark_type.id, position=position)
    session.add(m)
    session.flush()
    return m


@dataclass
class World:
    """Two municipalities, two schools in the first and one in the second, one user per role.

    `a` names the rows in scope of the school users (school_a of municipality_a); `other`
    rows are outside every school user's scope."""

    municipality_a: Municipality = None
    municipality_b: Municipality = None
    school_a: School = None
    school_a2: School = None
    school_b: School = None
    year: AcademicYear = None
    class_a: ClassGroup = None
    class_a_other: ClassGroup = None
    class_b: ClassGroup = None
    pupil_a: Pupil = None
    sibling_a: Pupil = None
    pupil_a_other: Pupil = None
    pupil_b: Pupil = None
    teacher: Staff = None
    other_teacher: Staff = None
    lesson_a: Lesson = None
    lesson_a_other: Lesson = None
    lesson_b: Lesson = None
    mark_a: Mark = None
    mark_a_other: Mark = None
    mark_b: Mark = None
    users: dict = field(default_factory=dict)


def build_world(session, sm) -> World:
    w = World()
    types = make_catalogues(session)
    w.municipality_a = make_municipality(session, "Одинцовский муниципальный район")
    w.municipality_b = make_municipality(session, "Клинский муниципальный район")
    w.school_a = make_school(session, w.municipality_a, "СОШ № 1")
    w.school_a2 = make_school(session, w.municipality_a, "СОШ № 2")
    w.school_b = make_school(session, w.municipality_b, "СОШ № 3")
    w.year = make_year(session)
    for school in (w.school_a, w.school_a2, w.school_b):
        make_quarters(session, school, w.year)

    u = w.users
    for name, role in (("admin", R.ADMIN), ("ministry", R.MINISTRY), ("monitor", R.MONITORING),
                       ("methodist", R.METHODIST)):
        u[name] = make_user(session, sm, name, role)
    u["municipal"] = make_user(session, sm, "municipal", R.MUNICIPAL, municipality=w.municipality_a)
    u["director"] = make_user(session, sm, "director", R.SCHOOL_ADMIN)
    u["secretary"] = make_user(session, sm, "secretary", R.SECRETARY)
    u["teacher"] = make_user(session, sm, "teacher", R.TEACHER)
    u["parent"] = make_user(session, sm, "parent", R.PARENT)
    u["pupil"] = make_user(session, sm, "pupil", R.PUPIL)
    make_staff(session, w.school_a, "Директорова", u["director"], position="директор")
    make_staff(session, w.school_a, "Секретарева", u["secretary"], position="секретарь")

    w.teacher = make_staff(session, w.school_a, "Иванова", u["teacher"])
    w.other_teacher = make_staff(session, w.school_a, "Петрова")
    teacher_b = make_staff(session, w.school_b, "Сидорова")
    w.class_a = make_class(session, w.school_a, w.year, 7, "А")
    w.class_a_other = make_class(session, w.school_a, w.year, 8, "Б")
    w.class_b = make_class(session, w.school_b, w.year, 7, "А")
    w.pupil_a = make_pupil(session, w.class_a, "Алексеева", u["pupil"])
    w.sibling_a = make_pupil(session, w.class_a_other, "Алексеев")
    w.pupil_a_other = make_pupil(session, w.class_a_other, "Борисов")
    w.pupil_b = make_pupil(session, w.class_b, "Васильев")
    make_guardian(session, [w.pupil_a, w.sibling_a], u["parent"], "Алексеев")
    make_guardian(session, [w.pupil_a_other], None, "Борисова")

    maths = make_subject(session, "Математика")
    own = make_assignment(session, w.class_a, maths, w.teacher)
    foreign = make_assignment(session, w.class_a_other, maths, w.other_teacher)
    far = make_assignment(session, w.class_b, maths, teacher_b)
    day = dt.date(2012, 9, 10)
    w.lesson_a = make_lesson(session, own, day)
    w.lesson_a_other = make_lesson(session, foreign, day)
    w.lesson_b = make_lesson(session, far, day)
    w.mark_a = make_mark(session, w.lesson_a, w.pupil_a, 5, types["отв"])
    w.mark_a_other = make_mark(session, w.lesson_a_other, w.pupil_a_other, 4, types["отв"])
    w.mark_b = make_mark(session, w.lesson_b, w.pupil_b, 3, types["отв"])
    session.commit()
    return w
