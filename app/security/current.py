"""The current request's Scope (Flask side of the scope module), and the app's per-process caches
of reference data (app.reference_cache): a value is served from them while the reference version
read with the request's user stays the same; a request without that version loads it afresh."""
from __future__ import annotations

from typing import Callable, Hashable

from flask import current_app, g, has_request_context
from flask_login import current_user

from app.extensions import db
from app.reference_cache import V, VersionedCache
from app.security.scope import NOBODY, Scope, load_scope


def kept(name: str, key: Hashable, load: Callable[[], V]) -> V:
    """The value of `key` in the app's cache called `name` (one per app, so tests' apps share
    nothing), from `load()` unless it was kept under the reference version read with this
    request's user. Without that version (no user was loaded) it is loaded every time."""
    caches = current_app.extensions.setdefault("reference_caches", {})
    version = g.get("reference_version") if has_request_context() else None
    return caches.setdefault(name, VersionedCache()).get(version, key, load)


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
        # The role is part of the key: the user's roles are read afresh with every request.
        roles = tuple(role.name for role in user.roles) if user is not None else ()
        scope = kept("scopes", (key, roles), lambda: load_scope(db.session, user))
        cached = (key, scope)
        g.scope_cache = cached
    return cached[1]
