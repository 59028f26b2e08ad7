"""The guards of the web login form (/login/) and the API login (/api/v1/security/login).

- Per login name (app/security/lockout.py, in the database): a locked name is refused before its
  password is checked, with a 429 that says for how long; every password check is counted.
- Per client address (Flask-Limiter, AUTH_RATE_LIMIT_PER_IP): a ceiling on failures from one
  address, high enough for a whole school behind one NAT address. Its storage is
  RATELIMIT_STORAGE_URI: memory:// counts per process, redis://host:6379/0 shares the count.
FAB's own AUTH_RATE_LIMITED limit (every POST, failures or not) stays off (the manager's
is_auth_limited).

The recovery requests of «Забыли пароль?» (app/views/recovery.py) are limited the same two ways:
per typed login or address in the database (app/accounts/recovery.py) and per client address in
the same storage (`over_client_ceiling`); the page answers a refusal itself (429).
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, request
from flask_limiter.util import get_remote_address
from limits import parse as parse_limit
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from app import clock
from app.security import lockout
from app.i18n import _


class LoginLocked(TooManyRequests):
    """A login name is locked: `description` says until when (in Russian)."""

    def __init__(self, minutes: int):
        super().__init__(_("Вход под этим именем временно заблокирован после нескольких неудачных попыток. "
                           "Попробуйте снова через %(minutes)s мин.", minutes=minutes))
        self.retry_after_seconds = minutes * 60


def lockout_policy(config) -> lockout.LockoutPolicy:
    return lockout.LockoutPolicy(failures=config["LOGIN_LOCKOUT_FAILURES"],
                                 window=dt.timedelta(minutes=config["LOGIN_LOCKOUT_WINDOW_MINUTES"]),
                                 lock_for=dt.timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]))


def count_attempt(session: Session, config, name: str | None, *, succeeded: bool) -> None:
    """Count a password check of `name` (the manager's auth_user_db) and commit it."""
    if succeeded:
        lockout.record_success(session, name)
    else:
        lockout.record_failure(session, name, clock.now(), lockout_policy(config))
    session.commit()


def refuse_if_locked(session: Session, name: str | None) -> None:
    """LoginLocked (429) while `name` is locked: for the pages that check a code outside the login
    form (an e-mailed link), which the lockout counts the same."""
    now = clock.now()
    until = lockout.locked_until(session, name, now)
    session.rollback()  # the read's transaction is not kept open for the request
    if until is not None:
        raise LoginLocked(lockout.minutes_left(until, now))


def over_client_ceiling(limiter, limit: str, scope: str) -> bool:
    """Count one request of `scope` from the client's address against `limit` («50 per hour») in
    the ceiling's storage (RATELIMIT_STORAGE_URI); True when it is over. No limiter (AUTH_RATE_LIMITED
    off) or a disabled one (RATELIMIT_ENABLED) counts nothing."""
    if limiter is None or not limiter.enabled:
        return False
    return not limiter.limiter.hit(parse_limit(limit), scope, get_remote_address())


def _login_name() -> str:
    """The login name of a login attempt (web form or API JSON)."""
    name = request.form.get("username")
    if name is None:
        payload = request.get_json(silent=True)
        name = payload.get("username") if isinstance(payload, dict) else None
    return str(name or "")


def _login_failed(response) -> bool:
    """A failed attempt: the web form sends the user back to /login/, the API answers 401/400."""
    if request.path.startswith("/api/"):
        return response.status_code in (400, 401)
    return response.status_code in (301, 302, 303) and "/login" in (response.location or "")


def install(app: Flask, sm) -> None:
    """Put both guards on the login endpoints of the security manager `sm`."""
    blueprints = [bp for bp in (sm.auth_view.blueprint, sm.security_api_blueprint()) if bp is not None]
    endpoints = {f"{bp.name}.login" for bp in blueprints}

    @app.before_request
    def refuse_locked_login():
        if request.method != "POST" or request.endpoint not in endpoints:
            return None
        refuse_if_locked(sm.session, _login_name())
        return None

    message = _("Слишком много неудачных попыток входа. Подождите несколько минут и попробуйте снова.")
    for blueprint in blueprints:
        sm.limiter.limit(app.config["AUTH_RATE_LIMIT_PER_IP"], key_func=get_remote_address, methods=["POST"],
                         deduct_when=_login_failed, error_message=message)(blueprint)
