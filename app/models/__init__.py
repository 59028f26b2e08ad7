"""All models, imported here so that Alembic and the mappers see every table."""
from flask_appbuilder import Model
from flask_appbuilder.security.sqla import models as fab_models  # noqa: F401  (ab_* tables)

# Named constraints, so later migrations can alter them (SQLite batch mode needs names).
# FAB's ab_* tables are defined before this line and keep their own names.
Model.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from .org import AcademicYear, Holiday, Municipality, School, StudyPeriod  # noqa: F401
from .people import ClassMembership, Guardian, GuardianLink, Pupil, Staff, UserScope  # noqa: F401
from .timetable import (  # noqa: F401
    BellSchedule,
    ClassGroup,
    Lesson,
    Room,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableSlot,
    subgroup_pupil,
)
from .journal import (  # noqa: F401
    Absence,
    AbsenceCode,
    DiarySeen,
    DiaryVisit,
    Homework,
    HomeworkFile,
    JournalChange,
    Mark,
    MarkType,
    PeriodCloseEvent,
    PeriodMark,
    PlanTopic,
    SubjectAssessment,
    ThematicPlan,
)
from .rollout import (  # noqa: F401
    Campaign,
    Consultation,
    JournalSystem,
    LightThreshold,
    Material,
    Milestone,
    PlanTarget,
    ReadinessEvidence,
    RolloutPlan,
    SchoolReadiness,
    Training,
)
from .monitoring import AnalyticalReport, ImportBatch, UsageSnapshot, UsageThreshold  # noqa: F401
from .reference import ReferenceVersion  # noqa: F401
from .imports import ConsumedImportToken  # noqa: F401
from .login import LoginAttempt  # noqa: F401
from .sessions import UserCredentials, UserSession  # noqa: F401
from .accounts import AccountEvent, OneTimeCode, PasswordReset, PasswordResetRequest  # noqa: F401
from .messages import Message, MessageAttachment, MessageRead, MessageThread  # noqa: F401
from .notices import AbsenceNotice  # noqa: F401

from .text_columns import watch_text_columns  # noqa: E402

# FAB's user forms set the password as typed and hash it afterwards: the text rule would change it
# (spaces trimmed), and the password typed at login would no longer match.
for _table in (fab_models.User.__table__, fab_models.RegisterUser.__table__):
    _table.c.password.info["clean_text"] = False
watch_text_columns(Model)
