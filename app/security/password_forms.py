"""FAB_PASSWORD_COMPLEXITY_VALIDATOR: the password policy (app/security/passwords.py) applied to
the account a form sets the password of.

FAB hands the validator the password alone, so the account is read from the request:
- the user add form (/users/add): the login, names, e-mail and roles typed in it;
- an administrator's reset of a user's password (/resetpassword/form?pk=N): that user;
- one's own password change (/resetmypassword/form): the signed-in user;
- a page that sets the password of an account it knows (the first login after a one-time code)
  names it in `g.password_account`.
Anywhere else the account is unknown: no names, and the staff level of strength.
Outside the local demo (APP_ENV=dev) the demo password is refused: everybody knows it.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.security.passwords import password_problem
from config import DEFAULT_DEMO_PASSWORD


def _user_account(user) -> tuple[list[str], list[str]]:
    if user is None or not getattr(user, "is_authenticated", True):
        return [], []
    names = [user.username, user.first_name, user.last_name, user.email]
    return names, [role.name for role in user.roles]


def _typed_account(sm) -> tuple[list[str], list[str]]:
    names = [request.form.get(field, "") for field in ("username", "first_name", "last_name", "email")]
    role_ids = [int(value) for value in request.form.getlist("roles") if value.isdigit()]
    roles = sm.session.query(sm.role_model.name).filter(sm.role_model.id.in_(role_ids)).all() if role_ids else []
    return names, [name for (name,) in roles]


def password_account() -> tuple[list[str], list[str]]:
    """The names and role names of the account whose password the request sets ([] when unknown)."""
    known = g.get("password_account")
    if known is not None:
        return _user_account(known)
    sm = current_app.appbuilder.sm
    view = (request.endpoint or "").split(".")[0]
    if view == sm.userdbmodelview.__name__:
        return _typed_account(sm)
    if view == sm.resetpasswordview.__name__:
        pk = request.args.get("pk", "")
        return _user_account(sm.get_user_by_id(int(pk)) if pk.isdigit() else None)
    if view == sm.resetmypasswordview.__name__:
        return _user_account(g.get("user"))
    return [], []


def refused_passwords(config) -> tuple[str, ...]:
    """Passwords refused whatever their strength: the demo's, outside the local demo."""
    if config.get("APP_ENV") == "dev":
        return ()
    return tuple({DEFAULT_DEMO_PASSWORD, config.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD})


def validate_password(password: str) -> None:
    """Raises PasswordComplexityValidationError with the Russian reason the password is refused."""
    names, roles = password_account()
    problem = password_problem(password, names=names, roles=roles, refused=refused_passwords(current_app.config))
    if problem:
        raise PasswordComplexityValidationError(problem)
