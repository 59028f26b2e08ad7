"""The current request's Scope (Flask side of the scope module)."""
from flask import g, has_request_context
from flask_login import current_user

from app.extensions import db
from app.security.scope import NOBODY, Scope, load_scope


def current_scope() -> Scope:
    """Loaded once per request and user (an app context may outlive one request, as in tests).

    The user is the browser session's or, for the REST API, the JWT's."""
    if not has_request_context():
        return NOBODY
    user = current_user if current_user and current_user.is_authenticated else None
    if user is None and getattr(g.get("user"), "id", None):
        user = g.user  # a JWT request: FAB loads the token's user into g.user, not into Flask-Login
    key = getattr(user, "id", None)
    cached = g.get("scope_cache")
    if cached is None or cached[0] != key:
        cached = (key, load_scope(db.session, user))
        g.scope_cache = cached
    return cached[1]
