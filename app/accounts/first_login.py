"""The first login: after a one-time code the person sets a password (the policy of
app/security/passwords.py, checked by the form) and may leave an e-mail for recovery."""
from __future__ import annotations

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.issue import real_email
from app.errors import DomainError
from app.security import roles as R
from app.i18n import _
from app.timetable.pupil_import import EMAIL

MAX_EMAIL = 200


def current_email(session: Session, user_id: int) -> str:
    """The account's e-mail as the form shows it: "" for the placeholder of an account without one."""
    return real_email(session.scalar(select(User.email).where(User.id == user_id))) or ""


def email_problem(session: Session, user_id: int, email: str) -> str | None:
    """Why `email` cannot be the account's recovery address (in Russian), or None; "" = none."""
    email = email.strip()
    if not email:
        return None
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        return _("Адрес эл. почты «%(email)s» написан с ошибкой: проверьте его или оставьте поле пустым.",
                 email=email[:MAX_EMAIL])
    other = session.scalar(select(User.id).where(func.lower(User.email) == email.lower(), User.id != user_id))
    if other is not None:
        return _("Этот адрес эл. почты уже указан у другой учётной записи: укажите свой или оставьте поле пустым.")
    return None


def set_email(session: Session, user_id: int, email: str) -> None:
    """Keep `email` as the account's address (nothing changes for ""); checked by email_problem
    first (DomainError when another account took it meanwhile). Commits."""
    email = email.strip().lower()
    if not email:
        return
    try:
        session.execute(update(User).where(User.id == user_id).values(email=email))
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise DomainError(_("Этот адрес эл. почты уже указан у другой учётной записи: укажите свой или оставьте "
                            "поле пустым.")) from error
    except BaseException:
        session.rollback()
        raise


def lands_on_diary(role_names) -> bool:
    """Parents and pupils start at the diary; everybody else at the start page."""
    return any(name in R.FAMILY_ROLES for name in role_names)
