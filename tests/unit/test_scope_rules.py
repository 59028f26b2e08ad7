"""Every model declares its scope rule (app.security.rules); an undeclared one is closed to every
role but the administrator, so a new table of personal data cannot open to the region by omission."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import False_, True_

import app.models  # noqa: F401  (maps every model)
from app.security import roles as R
from app.security.rules import RULES, rule_of
from app.security.scope import Scope, changeable, visible


def our_models() -> list[type]:
    return sorted((mapper.class_ for mapper in Model.registry.mappers if mapper.class_.__module__.startswith("app.")),
                  key=lambda model: model.__name__)


def test_every_model_declares_its_scope_rule():
    undeclared = [model.__name__ for model in our_models() if rule_of(model) is None]
    assert undeclared == [], f"declare these models in app/security/rules.py: {undeclared}"
    assert len(RULES) == len(our_models())


def test_an_undeclared_model_is_the_administrators_alone():
    class Base(DeclarativeBase):
        pass

    class Throwaway(Base):
        __tablename__ = "throwaway"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)

    for role in R.ALL_ROLES:
        scope = Scope(role=role, user_id=1, municipality_id=1, school_id=1, staff_id=1, pupil_ids=(1,))
        expected = True_ if role == R.ADMIN else False_
        assert isinstance(visible(scope, Throwaway), expected), role
        assert isinstance(changeable(scope, Throwaway), expected), role


def test_the_region_roles_read_no_personal_rows_and_no_scope_assignments():
    """Ministry, monitoring and methodists read aggregates: no pupil, family, staff or mark rows, no
    homework (a task may be one pupil's), not the table that says which user has which scope, nor
    the logins' sessions, failures, codes and recovery links, nor when a family last read a diary."""
    closed = {"Absence", "ClassMembership", "DiarySeen", "DiaryVisit", "Guardian", "GuardianLink", "JournalChange",
              "Mark", "PeriodMark", "Pupil",
              "ReferenceVersion", "Staff", "UserScope", "ConsumedImportToken", "LoginAttempt", "UserSession",
              "UserCredentials", "AccountEvent", "OneTimeCode", "PasswordReset", "PasswordResetRequest",
              "Homework", "HomeworkFile", "PeriodCloseEvent", "AbsenceNotice", "MessageThread", "Message",
              "MessageAttachment", "MessageRead"}
    for role in (R.MINISTRY, R.MONITORING, R.METHODIST):
        scope = Scope(role=role, user_id=1)
        assert {model.__name__ for model in our_models() if isinstance(visible(scope, model), False_)} == closed
