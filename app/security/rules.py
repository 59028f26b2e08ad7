"""Where each model's rows belong: the declarations the row-scope rule (app.security.scope) reads.

Every mapped model of app.models is declared here, once: how a row reaches a school, a class, a
municipality or a pupil, or the parent row whose scope it shares; whether it is about a person
(152-ФЗ: region and municipality roles never read it); whether it is reference data every
logged-in user reads; whether the region's roles read all of it. A model that is not declared is
visible to the administrator alone (`rule_of` answers None), and
tests/unit/test_scope_rules.py fails naming it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.models import (
    Absence,
    AccountEvent,
    AcademicYear,
    ConsumedImportToken,
    AnalyticalReport,
    BellSchedule,
    Campaign,
    ClassGroup,
    ClassMembership,
    Consultation,
    DiarySeen,
    DiaryVisit,
    Guardian,
    GuardianLink,
    Holiday,
    Homework,
    HomeworkFile,
    ImportBatch,
    OneTimeCode,
    PasswordReset,
    PasswordResetRequest,
    JournalChange,
    JournalSystem,
    Lesson,
    LightThreshold,
    LoginAttempt,
    Mark,
    Material,
    Message,
    MessageAttachment,
    MessageRead,
    MessageThread,
    Milestone,
    Municipality,
    PeriodCloseEvent,
    PeriodMark,
    PlanTarget,
    PlanTopic,
    Pupil,
    ReadinessEvidence,
    ReferenceVersion,
    RolloutPlan,
    Room,
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
    UserCredentials,
    UserScope,
    UserSession,
)
from app.models.journal import AbsenceCode, MarkType
from app.models.notices import AbsenceNotice


@dataclass(frozen=True)
class Rule:
    """How a model's rows are scoped. Columns are the model's own; every field may be left out.

    school, municipality, class_group, pupil: the column tying a row to one of them.
    parent: (foreign key, parent model, parent key): the row is in scope where its parent row is.
    assignment: the column tying a row to a teaching assignment whose teacher keeps it (a thematic
        plan): a teacher reads the rows of the journals they open and changes those of their own
        assignments (where WRITABLE lets teachers change the model); a row whose parent is such a
        row follows its parent for teachers.
    open_when_null: a NULL school or municipality means the row is everybody's (the regional
        subject catalogue, a region-wide training).
    personal: about a person; region and municipality roles see none of it.
    shared: reference data every logged-in user reads.
    region: the region's roles (ministry, monitoring, methodist) read every row.
    whole_region_for_municipal: a municipal coordinator reads every row too (thresholds, reports).
    family_school: pupils and parents read the rows of their children's schools.
    """

    school: Any = None
    municipality: Any = None
    class_group: Any = None
    pupil: Any = None
    parent: tuple | None = None
    assignment: Any = None
    open_when_null: bool = False
    personal: bool = False
    shared: bool = False
    region: bool = False
    whole_region_for_municipal: bool = False
    family_school: bool = False


SHARED = Rule(shared=True, region=True)

RULES: dict[type, Rule] = {
    # organisation
    Municipality: Rule(municipality=Municipality.id, region=True),
    School: Rule(school=School.id, municipality=School.municipality_id, region=True, family_school=True),
    AcademicYear: SHARED,
    StudyPeriod: Rule(school=StudyPeriod.school_id, region=True, family_school=True),
    Holiday: Rule(school=Holiday.school_id, region=True, family_school=True),
    JournalSystem: SHARED,
    # people
    Staff: Rule(school=Staff.school_id, personal=True),
    Pupil: Rule(school=Pupil.school_id, class_group=Pupil.class_group_id, pupil=Pupil.id, personal=True),
    ClassMembership: Rule(class_group=ClassMembership.class_group_id, pupil=ClassMembership.pupil_id, personal=True),
    Guardian: Rule(parent=(Guardian.id, GuardianLink, GuardianLink.guardian_id), personal=True),
    GuardianLink: Rule(pupil=GuardianLink.pupil_id, parent=(GuardianLink.pupil_id, Pupil, Pupil.id), personal=True),
    UserScope: Rule(personal=True),
    # timetable
    Subject: Rule(school=Subject.school_id, open_when_null=True, region=True, family_school=True),
    ClassGroup: Rule(school=ClassGroup.school_id, class_group=ClassGroup.id, region=True),
    Subgroup: Rule(class_group=Subgroup.class_group_id, region=True),
    Room: Rule(school=Room.school_id, region=True, family_school=True),
    BellSchedule: Rule(school=BellSchedule.school_id, region=True, family_school=True),
    TeachingAssignment: Rule(class_group=TeachingAssignment.class_group_id, region=True),
    TimetableSlot: Rule(class_group=TimetableSlot.class_group_id, region=True),
    Substitution: Rule(parent=(Substitution.assignment_id, TeachingAssignment, TeachingAssignment.id), region=True),
    Lesson: Rule(school=Lesson.school_id, class_group=Lesson.class_group_id, region=True),
    # journal
    MarkType: SHARED,
    AbsenceCode: SHARED,
    Mark: Rule(pupil=Mark.pupil_id, parent=(Mark.lesson_id, Lesson, Lesson.id), personal=True),
    Absence: Rule(pupil=Absence.pupil_id, parent=(Absence.lesson_id, Lesson, Lesson.id), personal=True),
    PeriodMark: Rule(class_group=PeriodMark.class_group_id, pupil=PeriodMark.pupil_id, personal=True),
    # how a class's subject is assessed in a period: the school's setting, about no person
    SubjectAssessment: Rule(class_group=SubjectAssessment.class_group_id, region=True),
    JournalChange: Rule(school=JournalChange.school_id, personal=True),
    # who closed or reopened a study period, when and why: names a user
    PeriodCloseEvent: Rule(school=PeriodCloseEvent.school_id, personal=True),
    DiaryVisit: Rule(pupil=DiaryVisit.pupil_id, parent=(DiaryVisit.pupil_id, Pupil, Pupil.id), personal=True),
    # a parent's notice of absence: the child's family, the school's staff, the class teacher and the
    # teachers of the class's lessons on its days (scope._teacher_notices); the region's and
    # municipality's roles never (health data)
    AbsenceNotice: Rule(school=AbsenceNotice.school_id, class_group=AbsenceNotice.class_group_id,
                        pupil=AbsenceNotice.pupil_id, personal=True),
    # Homework is where its lesson is: the school's staff read their school's, a teacher the
    # lessons the journal lets them read; a family only the homework of its children's classes
    # given to the class, to a subgroup a child is in, or to the child (app.security.scope).
    Homework: Rule(class_group=Homework.class_group_id, parent=(Homework.lesson_id, Lesson, Lesson.id), personal=True),
    HomeworkFile: Rule(parent=(HomeworkFile.homework_id, Homework, Homework.id), personal=True),
    # when a user last read a child's diary (its «новое» marks): the app's bookkeeping, listed to nobody
    DiarySeen: Rule(personal=True),
    ThematicPlan: Rule(parent=(ThematicPlan.assignment_id, TeachingAssignment, TeachingAssignment.id),
                       assignment=ThematicPlan.assignment_id, region=True),
    PlanTopic: Rule(parent=(PlanTopic.plan_id, ThematicPlan, ThematicPlan.id), region=True),
    # rollout
    Campaign: SHARED,
    Milestone: SHARED,
    RolloutPlan: Rule(municipality=RolloutPlan.municipality_id, region=True),
    PlanTarget: Rule(parent=(PlanTarget.plan_id, RolloutPlan, RolloutPlan.id), region=True),
    SchoolReadiness: Rule(school=SchoolReadiness.school_id, region=True),
    ReadinessEvidence: Rule(parent=(ReadinessEvidence.readiness_id, SchoolReadiness, SchoolReadiness.id),
                            region=True),
    Consultation: Rule(school=Consultation.school_id, municipality=Consultation.municipality_id, region=True),
    Training: Rule(municipality=Training.municipality_id, open_when_null=True, region=True),
    Material: SHARED,
    LightThreshold: Rule(region=True, whole_region_for_municipal=True),
    # monitoring
    UsageSnapshot: Rule(school=UsageSnapshot.school_id, region=True),
    ImportBatch: Rule(region=True),
    AnalyticalReport: Rule(region=True, whole_region_for_municipal=True),
    UsageThreshold: Rule(region=True, whole_region_for_municipal=True),
    # the app's own bookkeeping, never listed for a user: the reference data's version stamp, the
    # import tokens already confirmed, failed logins per name, login sessions, password changes
    ReferenceVersion: Rule(),
    ConsumedImportToken: Rule(),
    LoginAttempt: Rule(personal=True),
    UserSession: Rule(personal=True),
    UserCredentials: Rule(personal=True),
    # accounts: the record of account changes is read where the account belongs; codes, recovery
    # links and their requests by nobody
    AccountEvent: Rule(school=AccountEvent.school_id, municipality=AccountEvent.municipality_id, personal=True),
    OneTimeCode: Rule(personal=True),
    PasswordReset: Rule(personal=True),
    PasswordResetRequest: Rule(personal=True),
    # messages: a thread reaches its child, class or school; who of them reads it is the rule of
    # app.security.scope.thread_visible (guardians, the pupil if included, the staff who are
    # parties, the class teacher, the administration); messages and files follow their thread,
    # the read marks are nobody's to list
    MessageThread: Rule(school=MessageThread.school_id, class_group=MessageThread.class_group_id,
                        pupil=MessageThread.pupil_id, personal=True),
    Message: Rule(parent=(Message.thread_id, MessageThread, MessageThread.id), personal=True),
    MessageAttachment: Rule(parent=(MessageAttachment.message_id, Message, Message.id), personal=True),
    MessageRead: Rule(personal=True),
}


def rule_of(model) -> Rule | None:
    """The model's declaration, or None: an undeclared model is the administrator's alone."""
    return RULES.get(model)
