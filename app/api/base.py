"""Base class of our REST APIs: row scope from app.security.scope and 4xx (never 500) for bad input.

FAB's ModelRestApi answers 500 when a POST breaks a unique constraint (SQLAInterface.add re-raises
the raw SQLAlchemy error) and when a primary key does not fit the database integer (TOOLCHAIN.md);
here both are client errors. JWT requests carry no Flask-Login session, so the scope is loaded
for FAB's g.user (set from the token)."""
from __future__ import annotations

from flask import g
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.extensions import db
from app.security.current import current_scope
from app.security.scope import Scope, load_scope, visible
from app.views.base import database_error_message

MAX_PK = 2**31 - 1


class ScopeRefused(DomainError):
    """A write outside the caller's scope: answered 403."""


def api_scope() -> Scope:
    """The caller's Scope: from the browser session, or from the JWT user."""
    scope = current_scope()
    user = getattr(g, "user", None)
    if scope.role is None and getattr(user, "id", None):
        cached = g.get("api_scope")
        if cached is None or cached[0] != user.id:  # an app context may outlive a request (tests)
            cached = g.api_scope = (user.id, load_scope(db.session, user))
        return cached[1]
    return scope


class ApiScopeFilter(BaseFilter):
    name = "scope"
    arg_name = None

    def apply(self, query, value):
        return query.filter(visible(api_scope(), self.model))


def api_scope_filters(model) -> list:
    key = model.__mapper__.primary_key[0].key
    return [[key, ApiScopeFilter, lambda: None]]


def _pk_in_range(pk) -> bool:
    try:
        return 1 <= int(pk) <= MAX_PK
    except (TypeError, ValueError):
        return False


class ScopedModelRestApi(ModelRestApi):
    """A ModelRestApi over rows in the caller's scope; refusals are 4xx with a Russian message."""

    role_access: dict = {}
    # JWT only: every request verifies its token (and FAB loads g.user from it).
    allow_browser_login = False

    def __init__(self, **kwargs):
        self.base_filters = api_scope_filters(self.datamodel.obj) + list(self.base_filters or [])
        super().__init__(**kwargs)

    def _refusals(self, call, *args):
        try:
            return call(*args)
        except ScopeRefused as refusal:
            db.session.rollback()
            return self.response(403, message=refusal.message)
        except DomainError as refusal:
            db.session.rollback()
            return self.response_422(message=refusal.message)
        except SQLAlchemyError as error:
            db.session.rollback()
            return self.response_422(message=database_error_message(error))

    def post_headless(self):
        return self._refusals(super().post_headless)

    def put_headless(self, pk):
        if not _pk_in_range(pk):
            return self.response_404()
        return self._refusals(super().put_headless, pk)

    def get_headless(self, pk, **kwargs):
        if not _pk_in_range(pk):
            return self.response_404()
        return super().get_headless(pk, **kwargs)

    def delete_headless(self, pk):
        if not _pk_in_range(pk):
            return self.response_404()
        return self._refusals(super().delete_headless, pk)
