"""THE row-scope rule: which rows of a model a user may see and change.

Everything that reads or writes rows for a user — FAB list/show/edit views (through
`filters.ScopeFilter`), custom views, charts, exports and the API — takes its filter from
`visible()` or `changeable()` here. A row outside the filter answers 404.

`Scope` is a plain value built once per request by `load_scope(session, user)`; the functions
below return SQLAlchemy boolean clauses and import nothing from Flask. Where each model's rows
belong (a school, a class, a pupil, a parent row; personal data or not) is declared in
app/security/rules.py; a model declared nowhere is the administrator's alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, exists, false, func, or_, select, true, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, False_

from app.models import (
    Absence,
    AnalyticalReport,
    BellSchedule,
    ClassGroup,
    ClassMembership,
    Consultation,
    Guardian,
    GuardianLink,
    Holiday,
    Homework,
    HomeworkFile,
    ImportBatch,
    Lesson,
    LightThreshold,
    Mark,
    Material,
    Message,
    MessageAttachment,
    MessageThread,
    PeriodMark,
    PlanTarget,
    PlanTopic,
    Pupil,
    ReadinessEvidence,
    Room,
    RolloutPlan,
    School,
    SchoolReadiness,
    Staff,
    StudyPeriod,
    Subgroup,
    Subject,
    SubjectAssessment,
    Substitution,
    TeachingAssignment,
    ThematicPlan,
    TimetableSlot,
    Training,
    UsageSnapshot,
    UsageThreshold,
    UserScope,
)
from app.models.notices import AbsenceNotice
from app.models.timetable import subgroup_pupil
from app.security import roles as R
from app.security.rules import Rule, rule_of


@dataclass(frozen=True)
class Scope:
    """Who the user is for row filtering. Ids are empty/None where they do not apply."""

    role: str | None
    user_id: int | None = None
    municipality_id: int | None = None
    school_id: int | None = None
    staff_id: int | None = None
    guardian_id: int | None = None
    journal_system_id: int | None = None
    pupil_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return self.role == R.ADMIN


NOBODY = Scope(role=None)

# How far a user's rows spread: within one school (its staff, a teacher, a family), over one
# municipality's schools, or over the region's. Pages size themselves by it (a drop-down of the
# rows fits one school, not the region: app.web.search_forms).
SCHOOL, MUNICIPALITY, REGION = 1, 2, 3


def reach(scope: Scope) -> int:
    """SCHOOL, MUNICIPALITY or REGION for the user's role; a vendor's schools are the region's."""
    if scope.role in (*R.REGION_ROLES, R.VENDOR):
        return REGION
    return MUNICIPALITY if scope.role == R.MUNICIPAL else SCHOOL


STAFF_ROLES = (R.SCHOOL_ADMIN, R.SECRETARY, R.TEACHER)


def load_scope(session: Session, user) -> Scope:
    """Build the Scope of a FAB user (None or anonymous -> NOBODY): one query."""
    if user is None or not getattr(user, "id", None) or not user.roles:
        return NOBODY
    role = user.roles[0].name
    rows = session.execute(_scope_statement(role), {"user_id": user.id}).all()
    municipality_id, school_id, journal_system_id, school_municipality_id = rows[0][:4]
    staff_id = guardian_id = None
    pupil_ids: tuple[int, ...] = ()
    if role in STAFF_ROLES:
        staff_id, staff_school_id = rows[0][4:]
        if staff_id is not None:
            school_id = staff_school_id
    elif role == R.PUPIL:
        pupil_ids = tuple(row[4] for row in rows if row[4] is not None)
    elif role == R.PARENT:
        guardian_id = rows[0][4]  # one guardian a user at most, a row per linked child
        pupil_ids = tuple(row[5] for row in rows if row[5] is not None)
    if school_id and not municipality_id:
        municipality_id = school_municipality_id
    return Scope(
        role=role,
        user_id=user.id,
        municipality_id=municipality_id,
        school_id=school_id,
        staff_id=staff_id,
        guardian_id=guardian_id,
        journal_system_id=journal_system_id,
        pupil_ids=pupil_ids,
    )


@lru_cache(maxsize=None)
def _scope_statement(role: str):
    """The user's user_scope row, the municipality of the school, and the user's own rows for the
    role (staff: the staff row; pupil: the pupils; parent: the guardian with a row per child)."""
    me = select(bindparam("user_id", type_=Integer).label("user_id")).subquery("me")
    person: list = []
    if role in STAFF_ROLES:
        person = [Staff.id, Staff.school_id]
        school_id = func.coalesce(Staff.school_id, UserScope.school_id)
    else:
        school_id = UserScope.school_id
        if role == R.PUPIL:
            person = [Pupil.id]
        elif role == R.PARENT:
            person = [Guardian.id, GuardianLink.pupil_id]
    statement = (select(UserScope.municipality_id, UserScope.school_id, UserScope.journal_system_id,
                        School.municipality_id, *person)
                 .select_from(me).outerjoin(UserScope, UserScope.user_id == me.c.user_id))
    if role in STAFF_ROLES:
        statement = statement.outerjoin(Staff, Staff.user_id == me.c.user_id).order_by(Staff.id)
    elif role == R.PUPIL:
        statement = statement.outerjoin(Pupil, Pupil.user_id == me.c.user_id).order_by(Pupil.id)
    elif role == R.PARENT:
        statement = (statement.outerjoin(Guardian, Guardian.user_id == me.c.user_id)
                     .outerjoin(GuardianLink, GuardianLink.guardian_id == Guardian.id).order_by(GuardianLink.pupil_id))
    return statement.outerjoin(School, School.id == school_id)


# The clauses below depend on nothing but the Scope (a frozen value) and the model: each process
# keeps the ones it built. Building them anew took a few milliseconds of every journal request.
CLAUSES_KEPT = 4096


# --- what each role may change ------------------------------------------------------------

# Which roles may change which models at all (within their visible rows; teachers narrower).
WRITABLE: dict[str, set] = {
    R.MINISTRY: set(),
    R.MONITORING: {UsageSnapshot, ImportBatch, AnalyticalReport, UsageThreshold, LightThreshold},
    R.METHODIST: {Consultation, Training, Material},
    R.MUNICIPAL: {RolloutPlan, PlanTarget, School, SchoolReadiness, ReadinessEvidence, Consultation},
    R.SCHOOL_ADMIN: {
        SchoolReadiness, ReadinessEvidence, StudyPeriod, Holiday, Staff, Consultation,
        Lesson, Mark, Absence, PeriodMark, Homework, HomeworkFile, SubjectAssessment, ClassMembership,
    },
    R.SECRETARY: {
        ClassGroup, Pupil, Guardian, GuardianLink, Subject, TeachingAssignment, BellSchedule,
        TimetableSlot, Substitution, Room, Subgroup, Lesson, ClassMembership,
    },
    R.TEACHER: {Lesson, Mark, Absence, PeriodMark, Homework, HomeworkFile, ThematicPlan, PlanTopic},
    R.PARENT: {AbsenceNotice},  # a notice of their own child's absence (app.journal.absence_notices)
    R.PUPIL: set(),
    R.VENDOR: {UsageSnapshot, ImportBatch},
}


def _schools_of_municipality(municipality_id):
    return select(School.id).where(School.municipality_id == municipality_id)


def _classes_of_school(school_id):
    return select(ClassGroup.id).where(ClassGroup.school_id == school_id)


def _teacher_assignments(staff_id):
    return select(TeachingAssignment.id).where(TeachingAssignment.teacher_id == staff_id)


def _led_classes(staff_id):
    return select(ClassGroup.id).where(ClassGroup.class_teacher_id == staff_id)


def _teacher_classes(staff_id):
    """Classes a teacher teaches or leads as class teacher."""
    return (
        select(TeachingAssignment.class_group_id).where(TeachingAssignment.teacher_id == staff_id)
        .union(_led_classes(staff_id))
    )


def _teacher_lessons(staff_id, *, with_led_classes: bool):
    """Lessons of own assignments, lessons taught as a substitute, and (to read) the led class's.

    A union, one index each: as one statement with OR, PostgreSQL checked the three conditions on
    every lesson of the region (a teacher's marks list took 0.8 s at 40 schools)."""
    parts = [select(Lesson.id).where(Lesson.assignment_id.in_(_teacher_assignments(staff_id))),
             select(Lesson.id).where(Lesson.teacher_id == staff_id)]
    if with_led_classes:
        parts.append(select(Lesson.id).where(Lesson.class_group_id.in_(_led_classes(staff_id))))
    return union(*parts)


def _family_classes(pupil_ids):
    """Every class the children were in (their memberships), the current one included."""
    return select(ClassMembership.class_group_id).where(ClassMembership.pupil_id.in_(pupil_ids))


def _family_schools(pupil_ids):
    return select(Pupil.school_id).where(Pupil.id.in_(pupil_ids))


def _own_or_open(rule: Rule, column, clause) -> ColumnElement[bool]:
    """`clause`, or also the rows everybody's by a NULL column (rule.open_when_null)."""
    return or_(column.is_(None), clause) if rule.open_when_null else clause


def _parent_clause(scope: Scope, rule: Rule, *, write: bool) -> ColumnElement[bool] | None:
    if not rule.parent:
        return None
    column, parent, parent_key = rule.parent
    clause = (changeable if write else visible)(scope, parent)
    return false() if isinstance(clause, False_) else column.in_(select(parent_key).where(clause))


@lru_cache(maxsize=CLAUSES_KEPT)
def visible(scope: Scope, model) -> ColumnElement[bool]:
    """Rows of `model` the user may read, as a WHERE clause."""
    role = scope.role
    if role is None:
        return false()
    if role == R.ADMIN:
        return true()
    if model in MESSAGE_MODELS:
        return _message_visible(scope, model)
    rule = rule_of(model)
    if rule is None:
        return false()
    if rule.shared:
        return true()
    if role in (R.MINISTRY, R.MONITORING, R.METHODIST):
        return true() if rule.region and not rule.personal else false()
    if role == R.VENDOR:
        return _vendor_visible(scope, model)
    if role == R.MUNICIPAL:
        return _municipal_visible(scope, model, rule)
    if role in (R.SCHOOL_ADMIN, R.SECRETARY):
        return _school_visible(scope, model, rule)
    if role == R.TEACHER:
        return _teacher_visible(scope, model, rule, write=False)
    if role in (R.PARENT, R.PUPIL):
        return _family_visible(scope, model, rule)
    return false()


@lru_cache(maxsize=CLAUSES_KEPT)
def changeable(scope: Scope, model) -> ColumnElement[bool]:
    """Rows of `model` the user may create, change or delete, as a WHERE clause."""
    role = scope.role
    if role is None:
        return false()
    if role == R.ADMIN:
        return true()
    if model not in WRITABLE.get(role, set()) or rule_of(model) is None:
        return false()
    if role == R.TEACHER:
        return _teacher_visible(scope, model, rule_of(model), write=True)
    if role in (R.MONITORING, R.METHODIST):
        return true()
    if model is Subject:  # the regional catalogue (school_id NULL) is read by schools, changed by the admin
        return and_(visible(scope, model), Subject.school_id.is_not(None))
    return visible(scope, model)


def _vendor_visible(scope: Scope, model) -> ColumnElement[bool]:
    """A system vendor's: the schools working in its system, their snapshots, its own imports."""
    if model is School:
        return School.journal_system_id == scope.journal_system_id
    if model is UsageSnapshot:
        return UsageSnapshot.school_id.in_(
            select(School.id).where(School.journal_system_id == scope.journal_system_id)
        )
    if model is ImportBatch:
        return ImportBatch.uploaded_by_id == scope.user_id
    return false()


def _municipal_visible(scope: Scope, model, rule: Rule) -> ColumnElement[bool]:
    m = scope.municipality_id
    if m is None or rule.personal:
        return false()
    if rule.municipality is not None:
        return _own_or_open(rule, rule.municipality, rule.municipality == m)
    if rule.school is not None:
        return _own_or_open(rule, rule.school, rule.school.in_(_schools_of_municipality(m)))
    if rule.whole_region_for_municipal:
        return true()
    clause = _parent_clause(scope, rule, write=False)
    return clause if clause is not None else false()


def _school_visible(scope: Scope, model, rule: Rule) -> ColumnElement[bool]:
    s = scope.school_id
    if s is None:
        return false()
    if rule.school is not None:
        return _own_or_open(rule, rule.school, rule.school == s)
    if rule.class_group is not None:
        return rule.class_group.in_(_classes_of_school(s))
    if rule.municipality is not None:
        return _own_or_open(rule, rule.municipality, rule.municipality == scope.municipality_id)
    clause = _parent_clause(scope, rule, write=False)
    return clause if clause is not None else false()


def _teacher_visible(scope: Scope, model, rule: Rule, *, write: bool) -> ColumnElement[bool]:
    """A teacher's rows: the journal's to read or write, everything else to read only."""
    staff = scope.staff_id
    if staff is None:
        return false()
    if model in (Mark, Absence, Lesson, PeriodMark, Homework):
        return _teacher_journal_rows(staff, model, write=write)
    if model is HomeworkFile:
        return _parent_clause(scope, rule, write=write)
    kept = _teacher_assignment_rows(scope, staff, rule, write=write)
    if kept is not None:
        return kept
    if write:
        return false()
    return _teacher_reads(scope, staff, model, rule)


def _teacher_assignment_rows(scope: Scope, staff: int, rule: Rule, *, write: bool) -> ColumnElement[bool] | None:
    """Rows a teacher keeps for a teaching assignment (rule.assignment: a thematic plan), or rows
    whose parent is one (its topics): changed on own assignments, read wherever the teacher opens
    the journal (own, the class led, lessons taught as a substitute). None for other models."""
    if rule.assignment is not None:
        if write:
            return rule.assignment.in_(_teacher_assignments(staff))
        return rule.assignment.in_(select(TeachingAssignment.id).where(journal_assignments(scope)))
    parent_rule = rule_of(rule.parent[1]) if rule.parent else None
    if parent_rule is not None and parent_rule.assignment is not None:
        return _parent_clause(scope, rule, write=write)
    return None


def _teacher_journal_rows(staff: int, model, *, write: bool) -> ColumnElement[bool]:
    """Lessons, marks, absences, period marks and homework a teacher writes: of own subjects and
    lessons (substitutes' included); to read, also those of the class led."""
    if model is Lesson:
        return Lesson.id.in_(_teacher_lessons(staff, with_led_classes=not write))
    if model is PeriodMark:
        mine = PeriodMark.subject_id.in_(
            select(TeachingAssignment.subject_id).where(
                TeachingAssignment.teacher_id == staff,
                TeachingAssignment.class_group_id == PeriodMark.class_group_id,
            )
        )
        return mine if write else or_(mine, PeriodMark.class_group_id.in_(_led_classes(staff)))
    return model.lesson_id.in_(_teacher_lessons(staff, with_led_classes=not write))


def _teacher_reads(scope: Scope, staff: int, model, rule: Rule) -> ColumnElement[bool]:
    """Everything else a teacher reads: the school's staff, the classes taught or led with their
    pupils and rows, the substitutions of own lessons, the school's rows that are not personal
    data, and the guardians of the class led."""
    if model is Staff:
        return Staff.school_id == scope.school_id
    if model is Pupil:
        # Everyone who was in the classes taught or led: a pupil moved away keeps their rows there.
        return Pupil.id.in_(select(ClassMembership.pupil_id).where(
            ClassMembership.class_group_id.in_(_teacher_classes(staff))))
    if model is Substitution:
        return or_(
            Substitution.substitute_id == staff,
            Substitution.assignment_id.in_(_teacher_assignments(staff)),
        )
    if model is ClassGroup:
        return ClassGroup.id.in_(_teacher_classes(staff))
    if model is AbsenceNotice:
        return _teacher_notices(staff)
    if rule.class_group is not None:
        return rule.class_group.in_(_teacher_classes(staff))
    if rule.school is not None and not rule.personal:
        return _own_or_open(rule, rule.school, rule.school == scope.school_id)
    if model is Guardian:
        return Guardian.id.in_(
            select(GuardianLink.guardian_id).where(
                GuardianLink.pupil_id.in_(select(Pupil.id).where(Pupil.class_group_id.in_(_led_classes(staff))))
            )
        )
    if model is GuardianLink:
        return GuardianLink.pupil_id.in_(select(Pupil.id).where(Pupil.class_group_id.in_(_led_classes(staff))))
    return false()


def _teacher_notices(staff: int) -> ColumnElement[bool]:
    """Parents' absence notices a teacher reads: those of the class led, and those whose days the
    teacher has a lesson of the class on (own subject or as a substitute)."""
    return or_(
        AbsenceNotice.class_group_id.in_(_led_classes(staff)),
        exists().where(Lesson.class_group_id == AbsenceNotice.class_group_id,
                       Lesson.date >= AbsenceNotice.starts_on, Lesson.date <= AbsenceNotice.ends_on,
                       or_(Lesson.teacher_id == staff, Lesson.assignment_id.in_(_teacher_assignments(staff)))),
    )


def _family_visible(scope: Scope, model, rule: Rule) -> ColumnElement[bool]:
    pupils = scope.pupil_ids
    if not pupils:
        return false()
    if model is Homework:
        return _family_homework(pupils)
    if model is HomeworkFile:
        return _parent_clause(scope, rule, write=False)
    if rule.pupil is not None:
        return rule.pupil.in_(pupils)
    if model is Guardian:
        if scope.guardian_id is not None:
            return Guardian.id == scope.guardian_id
        return Guardian.id.in_(select(GuardianLink.guardian_id).where(GuardianLink.pupil_id.in_(pupils)))
    if rule.class_group is not None:
        return rule.class_group.in_(_family_classes(pupils))
    if model is Staff:
        return Staff.id.in_(
            select(TeachingAssignment.teacher_id).where(TeachingAssignment.class_group_id.in_(_family_classes(pupils)))
        )
    if model is Substitution:
        return Substitution.assignment_id.in_(
            select(TeachingAssignment.id).where(TeachingAssignment.class_group_id.in_(_family_classes(pupils)))
        )
    if rule.family_school:
        return _own_or_open(rule, rule.school, rule.school.in_(_family_schools(pupils)))
    return false()


def _family_homework(pupils) -> ColumnElement[bool]:
    """Homework of the children's classes given to the class, to a subgroup a child is in, or to
    a child: another pupil's individual task or another group's is not the family's."""
    return and_(
        Homework.class_group_id.in_(_family_classes(pupils)),
        or_(Homework.pupil_id.is_(None), Homework.pupil_id.in_(pupils)),
        or_(Homework.subgroup_id.is_(None), Homework.subgroup_id.in_(
            select(subgroup_pupil.c.subgroup_id).where(subgroup_pupil.c.pupil_id.in_(pupils)))),
    )


MESSAGE_MODELS = (MessageThread, Message, MessageAttachment)


def thread_visible(scope: Scope) -> ColumnElement[bool]:
    """Message threads the user reads: a child's thread by every guardian of the child, by the
    pupil when included, by the member of staff who is its party and the child's class teacher; a
    class's announcement by its families (pupils when included) and the class's teachers; a
    school's announcement by its families and staff; everything of the school by its
    administration. Nobody else (the secretary, municipal and region roles: none)."""
    thread = MessageThread
    whole_school = and_(thread.pupil_id.is_(None), thread.class_group_id.is_(None))
    role = scope.role
    if role == R.SCHOOL_ADMIN and scope.school_id is not None:
        return thread.school_id == scope.school_id
    if role == R.TEACHER and scope.staff_id is not None:
        staff = scope.staff_id
        return or_(
            thread.staff_id == staff,
            thread.pupil_id.in_(select(Pupil.id).where(Pupil.class_group_id.in_(_led_classes(staff)))),
            thread.class_group_id.in_(_teacher_classes(staff)),
            and_(whole_school, thread.school_id == scope.school_id),
        )
    if role in (R.PARENT, R.PUPIL) and scope.pupil_ids:
        pupils = scope.pupil_ids
        family = or_(
            thread.pupil_id.in_(pupils),
            thread.class_group_id.in_(_family_classes(pupils)),
            and_(whole_school, thread.school_id.in_(_family_schools(pupils))),
        )
        return family if role == R.PARENT else and_(thread.include_pupil.is_(True), family)
    return false()


def _message_visible(scope: Scope, model) -> ColumnElement[bool]:
    """Messages follow their thread; a hidden message's files are the administration's alone."""
    if model is MessageThread:
        return thread_visible(scope)
    threads = thread_visible(scope)
    if isinstance(threads, False_):
        return false()
    messages = Message.thread_id.in_(select(MessageThread.id).where(threads))
    if model is Message:
        return messages
    if scope.role != R.SCHOOL_ADMIN:
        messages = and_(messages, Message.hidden_at.is_(None))
    return MessageAttachment.message_id.in_(select(Message.id).where(messages))


def is_visible(session: Session, scope: Scope, model, pk) -> bool:
    """True when the row `pk` of `model` exists and is within the user's read scope."""
    key = model.__mapper__.primary_key[0]
    return session.scalar(select(key).where(key == pk, visible(scope, model))) is not None


def is_changeable(session: Session, scope: Scope, model, pk) -> bool:
    key = model.__mapper__.primary_key[0]
    return session.scalar(select(key).where(key == pk, changeable(scope, model))) is not None


@lru_cache(maxsize=CLAUSES_KEPT)
def journal_classes(scope: Scope) -> ColumnElement[bool]:
    """Classes with at least one journal the user may open (their class reports and archive)."""
    return ClassGroup.id.in_(select(TeachingAssignment.class_group_id).where(journal_assignments(scope)))


def card_classes(scope: Scope) -> ColumnElement[bool]:
    """Classes whose report cards and year sheet the user may print: the school administration's
    and the secretary's classes of their school (the office issues the documents); other roles none."""
    if scope.role == R.ADMIN:
        return true()
    if scope.role in (R.SCHOOL_ADMIN, R.SECRETARY):
        return visible(scope, ClassGroup)
    return false()


@lru_cache(maxsize=CLAUSES_KEPT)
def journal_assignments(scope: Scope, *, by_id: bool = False) -> ColumnElement[bool]:
    """Teaching assignments whose journal (mark grid) the user may open, as a WHERE clause.

    Narrower than `visible(scope, TeachingAssignment)`: a teacher sees the timetable of every
    class they teach, but the journal only of own assignments, of assignments with lessons they
    taught as a substitute, and (read-only) every subject of the class they lead. The school
    administration opens every journal of its school; other roles none.

    `by_id`: the clause of a statement that reads one assignment by its id. The substitute's
    lessons are then looked up for that assignment only. Looked up over all the teacher's lessons,
    as a list needs, they make PostgreSQL's generic plan of the statement cost a little more than
    a plan for the given values, and it plans such a statement afresh on every run: half a
    millisecond of the journal page's SQL."""
    role = scope.role
    if role == R.ADMIN:
        return true()
    if role == R.SCHOOL_ADMIN:
        return visible(scope, TeachingAssignment)
    if role == R.TEACHER and scope.staff_id is not None:
        staff = scope.staff_id
        substitute = (exists().where(Lesson.assignment_id == TeachingAssignment.id, Lesson.teacher_id == staff)
                      if by_id else
                      TeachingAssignment.id.in_(select(Lesson.assignment_id).where(Lesson.teacher_id == staff)))
        return or_(
            TeachingAssignment.teacher_id == staff,
            TeachingAssignment.class_group_id.in_(_led_classes(staff)),
            substitute,
        )
    return false()
