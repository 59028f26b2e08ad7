"""The current request's Scope (Flask side of the scope module)."""
from flask import g, has_request_context
from flask_login import current_user

from app.extensions import db
from app.security.scope import NOBODY, Scope, load_scope


def current_scope() -> Scope:
    if not has_request_context():
        return NOBODY
    if "scope" not in g:
        user = current_user if current_user and current_user.is_authenticated else None
        g.scope = load_scope(db.session, user)
    return g.scope
