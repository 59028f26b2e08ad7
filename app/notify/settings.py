"""The guardian's own notification settings: read them, change them (one transaction).

A parent account gets the daily digest (DEFAULT_MODE) until the parent chooses otherwise; the
letters go to the guardian's address on file, else to the account's own (app/notify/digest.py:
`mail_address`)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import Guardian
from app.security.scope import Scope
from app.i18n import _

MODE_CODES = ("instant", "daily", "weekly", "none")
# A new parent account's mode until the parent chooses another (app/accounts/issue.py sets it; the
# accounts made before it got it from migration 0012).
DEFAULT_MODE = "daily"
MAX_EMAIL = 200


def own_guardian(session: Session, scope: Scope) -> Guardian:
    """The guardian signed in; NotInScope for any other user (the page answers 404)."""
    guardian = session.get(Guardian, scope.guardian_id) if scope.guardian_id else None
    if guardian is None:
        raise NotInScope()
    return guardian


def save_settings(session: Session, scope: Scope, mode: str, email: str) -> Guardian:
    """Store how often the guardian gets e-mails and where. `email` is stripped; empty is allowed
    only with mode «none». A changed mode starts from the next run, not from history.

    Refuses (DomainError, nothing written) an unknown mode or an address without «@» or over
    200 characters; commits otherwise."""
    guardian = own_guardian(session, scope)
    email = (email or "").strip()
    if mode not in MODE_CODES:
        raise DomainError(_("Выберите, как часто присылать уведомления."))
    if mode != "none" and ("@" not in email or len(email) > MAX_EMAIL):
        raise DomainError(_("Укажите адрес электронной почты, на который присылать уведомления."))
    try:
        if mode != guardian.notify_mode:
            guardian.notified_until = None
        guardian.notify_mode = mode
        guardian.email = email or None
        session.commit()
    except Exception:
        session.rollback()
        raise
    return guardian
