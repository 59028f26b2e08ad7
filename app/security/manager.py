"""Our FAB security manager: one place for login and password rules.

- Password policy (app/security/passwords.py, `validate_password`): FAB calls it from every
  password form (user add, reset, own password change) through FAB_PASSWORD_COMPLEXITY_VALIDATOR.
- Failed logins (app/security/login_guard.py): FAB's own AUTH_RATE_LIMITED limit counts every
  POST to /login/ from one IP, so one school behind one NAT address would lock itself out at
  8 a.m. Ours counts only FAILED attempts: per login name in the database (a temporary lockout,
  app/security/lockout.py, shared by every worker and server) and per IP alone
  (AUTH_RATE_LIMIT_PER_IP), on the web form and on the API login (/api/v1/security/login).
- Permission checks: FAB asks the database once per menu entry and per `has_access` (10–30
  statements a page); ours loads the (permission, view) pairs of the user's roles once, and keeps
  them per process while the reference version stays the same (app/reference_cache.py).
- Login messages: FAB gives the same message for an unknown user and a wrong password and balances
  the work done on both paths (a fake hash check); tests keep it so.
- Login sessions (app/security/sessions.py): each login starts a server-side session whose key
  the browser's session (SESSION_KEY) or the JWTs (claim "sid") carry; the user is loaded only
  while it is open, so a logout or a password change ends a captured cookie or token at once.
- One-time codes (app/accounts/codes.py): the web login form takes a login slip's code in the
  password field. It is checked when the password does not match, counted by the same lockout,
  and the browser's session then says that a password is to be set (PASSWORD_TO_SET), which
  every page asks for first (app/views/accounts.py). The API login takes passwords only.
- Recovery links (app/accounts/recovery.py): a password set through one ends every session of the
  account like any other password change (`reset_by_link`).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cached_property

from flask import abort, current_app, g, has_request_context, jsonify, request
from flask import session as browser_session
from flask_appbuilder import expose
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import PermissionModelView as FabPermissionModelView
from flask_appbuilder.security.views import PermissionViewModelView as FabPermissionViewModelView
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.security.views import UserGroupModelView as FabUserGroupModelView
from flask_appbuilder.security.views import UserStatsChartView as FabUserStatsChartView
from flask_appbuilder.security.views import ViewMenuModelView as FabViewMenuModelView
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import (
    assoc_group_role,
    assoc_permissionview_role,
    assoc_user_group,
    assoc_user_role,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_jwt_extended import get_jwt
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased, contains_eager

from app import clock
from app.formats import format_moment
from app.accounts import codes, lifecycle, recovery
from app.accounts.issue import note_first_login
from app.web.api_messages import RussianAnswers
from app.models import ReferenceVersion
from app.security import lockout, login_guard
from app.security import sessions as logins
from app.security.current import kept
from app.security.password_forms import validate_password
from app.web.list_args import ListArgs
from app.web.search_forms import ReachSearch

SESSION_KEY = logins.BROWSER_SESSION_KEY
PASSWORD_TO_SET = logins.BROWSER_PASSWORD_TO_SET
# The columns after the user's own in `_user_rows`: the session's last sight, the password's last
# change, the reference version. They change without the user's objects changing.
_CHECKS = 3
REFERENCE_VERSION = select(ReferenceVersion.number).where(ReferenceVersion.id == 1).scalar_subquery()


class _NoFileDownload:
    """FAB's file-column download answers 500 (no UPLOAD_FOLDER); these views keep no files."""

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        abort(404)


# Same class names as FAB's: FAB derives permission and endpoint names from them.
class UserDBModelView(ListArgs, ReachSearch, _NoFileDownload, FabUserDBModelView):
    """FAB's raw user editor, the administrator's alone: its changes of a role or of the active flag
    are account events like the pages' (app.accounts.lifecycle); a closed account's sessions end."""

    # FAB's stamps of a login, kept in UTC: shown in Moscow time, as the accounts pages show them.
    formatters_columns = {column: format_moment for column in ("last_login", "created_on", "changed_on")}

    def _edit(self, pk):
        # The form's values land on the user before pre_update, and loading its roles flushes them:
        # the account's state before the edit is read first.
        g.account_before = lifecycle.account_state(self.datamodel.session, pk)
        return super()._edit(pk)

    def pre_update(self, item):
        super().pre_update(item)
        lifecycle.account_edited(self.datamodel.session, item, g.pop("account_before", None), actor_id=g.user.id,
                                 now=logins.utcnow())

    def post_add(self, item):
        super().post_add(item)
        lifecycle.account_added(self.datamodel.session, item, actor_id=g.user.id, now=logins.utcnow())


# FAB names some search conditions after the bare column ("User", "Groups"): ours are in Russian.
# The users of a role or a group are searched by a typed name (app.web.search_forms): a drop-down of
# them held every login of the region, parents' and pupils' among them.
class RoleModelView(ListArgs, ReachSearch, _NoFileDownload, FabRoleModelView):
    label_columns = {**FabRoleModelView.label_columns, "user": _l("Пользователи"), "groups": _l("Группы")}


class UserGroupModelView(ListArgs, ReachSearch, _NoFileDownload, FabUserGroupModelView):
    label_columns = {"name": _l("Название"), "label": _l("Подпись"), "description": _l("Описание"),
                     "users": _l("Пользователи"), "roles": _l("Роли")}


class PermissionViewModelView(ListArgs, ReachSearch, FabPermissionViewModelView):
    label_columns = {**FabPermissionViewModelView.label_columns, "role": _l("Роли")}


# ReachSearch on every security list too: its conditions check what the address brings (FAB
# answered 500 to a condition number the column does not have, «_flt_2_name»).
class PermissionModelView(ListArgs, ReachSearch, FabPermissionModelView):
    pass


class ViewMenuModelView(ListArgs, ReachSearch, FabViewMenuModelView):
    pass


class SecurityApi(RussianAnswers, FabSecurityApi):
    """The API login (/api/v1/security/login), answering in Russian."""


class UserStatsChartView(FabUserStatsChartView):
    """FAB's chart of logins per user, in Russian. FAB titles the charts in English («Login Count»)
    and names the columns of its search form after the bare columns («Active», «Created On»): the
    labels here are the users list's. FAB also writes each chart's title over the label of the
    column it groups by, in the dict it was given: a copy, relabelled once FAB is done."""

    definitions = [
        {"label": _l("Число входов"), "group": "username", "series": ["login_count"]},
        {"label": _l("Неудачные попытки входа"), "group": "username", "series": ["fail_login_count"]},
    ]
    scope_routes_exempt = ["/chart/<group_by>"]  # the number of a chart above, not a row

    def __init__(self, **kwargs):
        self.label_columns = dict(FabUserDBModelView.label_columns)
        super().__init__(**kwargs)
        self.label_columns.update(FabUserDBModelView.label_columns)


def _forget_page_history() -> None:
    """FAB keeps the pages a browser opened in its session for the «Назад» buttons, and a logout
    keeps the session: on a school's shared computer the next user's «Назад» led to the previous
    user's pages (a 403, or their records' addresses)."""
    browser_session.pop("page_history", None)


def _state(rows) -> tuple:
    """What a kept user object was built from: the rows of `_user_rows` without the checks."""
    return tuple(tuple(row[:-_CHECKS]) for row in rows)


def _refuse_token(*_args):
    if g.get("login_session_refused"):
        message = _("Сеанс завершён (выход или смена пароля): войдите снова через /api/v1/security/login.")
    else:
        message = _("Нужен действующий ключ доступа (JWT): войдите через /api/v1/security/login.")
    return jsonify(message=message), 401


class KeptUsers:
    """Detached user objects by id, each with the rows it was built from; `size` users at most
    (the least recently used go)."""

    def __init__(self, size: int = 4096):
        self._size = size
        self._users: OrderedDict[int, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._users

    def get(self, user_id: int, state: tuple):
        """The kept object of `user_id` if it was built from exactly `state`, else None."""
        with self._lock:
            kept = self._users.get(user_id)
            if kept is None or kept[0] != state:
                return None
            self._users.move_to_end(user_id)
            return kept[1]

    def put(self, user_id: int, state: tuple, user) -> None:
        with self._lock:
            self._users[user_id] = (state, user)
            self._users.move_to_end(user_id)
            if len(self._users) > self._size:
                self._users.popitem(last=False)


def _token_claims(_identity) -> dict:
    """The login session of a new JWT: the one the API login has just started, or, for the access
    token a refresh gives, the refresh token's."""
    key = g.get("login_session_key")
    if key is None:
        try:
            key = get_jwt().get("sid")
        except RuntimeError:  # no verified token in this request
            key = None
    return {"sid": key} if key else {}


class SecurityManager(FabSecurityManager):
    """FAB's SQLA security manager with our password policy and failed-login limits."""

    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView
    groupmodelview = UserGroupModelView
    permissionviewmodelview = PermissionViewModelView
    permissionmodelview = PermissionModelView
    viewmenumodelview = ViewMenuModelView
    userstatschartview = UserStatsChartView
    security_api = SecurityApi

    def __init__(self, appbuilder):
        config = current_app.config
        config.setdefault("FAB_PASSWORD_COMPLEXITY_ENABLED", True)
        config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", validate_password)
        super().__init__(appbuilder)
        logins.watch_password_changes()

    def on_user_login(self, user) -> None:
        """Every successful login (web form or API) starts a login session: its key goes into the
        browser's session, or into the JWTs the API login is about to issue (`_token_claims`).
        The account's first login is recorded (the monitoring's diary access counts from it)."""
        _forget_page_history()
        browser_session.pop(PASSWORD_TO_SET, None)
        via = "api" if request.path.startswith("/api/") else "web"
        now = logins.utcnow()
        key = logins.start_session(self.session, user.id, via, now, current_app.permanent_session_lifetime)
        note_first_login(self.session, user.id, user.username, now)
        self.session.commit()
        if via == "api":
            g.login_session_key = key
        else:
            browser_session[SESSION_KEY] = key

    def on_user_logout(self, user) -> None:
        _forget_page_history()
        browser_session.pop(PASSWORD_TO_SET, None)
        logins.end_session(self.session, browser_session.pop(SESSION_KEY, None), logins.utcnow())
        self.session.commit()

    def reset_password(self, userid, password) -> None:
        """FAB's password change; the flush ends all of the user's sessions (sessions.py). A user
        who changed their own password in this browser goes on in a fresh session."""
        own = (has_request_context() and SESSION_KEY in browser_session and current_user.is_authenticated
               and str(current_user.id) == str(userid))
        super().reset_password(userid, password)
        if own:
            browser_session[SESSION_KEY] = logins.start_session(
                self.session, current_user.id, "web", logins.utcnow(), current_app.permanent_session_lifetime)
            self.session.commit()

    @property
    def is_auth_limited(self) -> bool:
        """FAB's own limit (every POST) stays off; `register_views` puts ours on failures only."""
        return False

    def auth_user_db(self, username, password):
        """FAB's password check, counted per login name for the lockout (login_guard). A name with
        a control character is no login: refused unread (PostgreSQL stores no NUL, a 500). On the
        web form, a password that does not match may be the account's one-time code."""
        readable = not lockout.CONTROL.search(str(username or ""))
        user = super().auth_user_db(username, password) if readable else None
        if user is None and readable and has_request_context() and not request.path.startswith("/api/"):
            user = self.login_by_code(username, password)
        login_guard.count_attempt(self.session, current_app.config, username, succeeded=user is not None)
        return user

    def login_by_code(self, username, typed):
        """The account whose unused code `typed` is, the code used up and the login counted as
        FAB counts one; None when it is no such code. The browser's session then holds
        PASSWORD_TO_SET until the person sets a password."""
        user = codes.redeem(self.session, str(username), typed, clock.now())
        if user is None:
            return None
        self.update_user_auth_stat(user, True)  # commits the used code; starts the login session
        browser_session[PASSWORD_TO_SET] = user.id
        return user

    def login_by_link(self, username: str, code: str, password: str):
        """An e-mailed link's first login: the code used up, `password` (checked by the form
        against the policy) set, the login counted and its session started; None, counted as a
        failed login, when the code is no longer good. The caller logs the user in (login_user)."""
        user = codes.redeem(self.session, username, code, clock.now())
        if user is not None:
            self.reset_password(user.id, password)  # commits the used code with the password
            self.update_user_auth_stat(user, True)
        login_guard.count_attempt(self.session, current_app.config, username, succeeded=user is not None)
        return user

    def reset_by_link(self, token: str, password: str):
        """A recovery link's new password: the link used up and `password` (checked by the form
        against the policy) set in one transaction, which ends all of the account's sessions; the
        account, or None when the link is no longer good (nothing changes)."""
        user = recovery.redeem(self.session, token, clock.now())
        if user is not None:
            self.reset_password(user.id, password)  # commits the used link with the password
        return user

    def load_user(self, pk):
        """The browser session's user, while its login session is open."""
        key = browser_session.get(SESSION_KEY) if has_request_context() else None
        return self._load_user(pk, key, issued_at=None)

    def load_user_jwt(self, _jwt_header, jwt_data):
        """The JWT's user, while the token's login session is open and the token is not older than
        the user's last password change; else None, which answers 401 (`_refuse_token`)."""
        user = self._load_user(jwt_data["sub"], jwt_data.get("sid"), issued_at=jwt_data.get("iat"))
        if user is not None:
            g.user = user
        return user

    def _load_user(self, pk, session_key: str | None, issued_at: int | None):
        """The user with roles and groups, and the reference version the request's cached scope
        and permissions are checked against: one Core statement a request, which also reads the
        login session (`session_key`) and the password's last change (two primary-key lookups).

        Building the ORM objects of the user, roles and groups cost more than the statement, so
        the process keeps them (detached, fully loaded) with the rows they were built from, and
        builds them again only when the rows differ: a role granted, a name changed, a login. A
        user the process keeps nothing for is read once, objects and rows together."""
        user_id = int(pk)
        params = {"user_id": user_id, "session_key": logins.key_hash(session_key)}
        user = None
        if user_id in self._kept_users:
            rows = self.session.connection().execute(self._user_rows, params).all()
            if not rows:
                return None
            user = self._kept_users.get(user_id, _state(rows))
        if user is None:
            user, rows = self._detached_user(params)
            if user is None:
                return None
            self._kept_users.put(user_id, _state(rows), user)
        if not user.is_active:
            return None
        last_seen, changed_at = rows[0][-3], rows[0][-2]
        now = logins.utcnow()
        if not logins.session_counts(last_seen, changed_at, issued_at, now, current_app.permanent_session_lifetime):
            if has_request_context():
                g.login_session_refused = True
            return None
        if logins.needs_touch(last_seen, now):
            with self.session.get_bind().begin() as own:
                logins.touch(own, session_key, now)
        if has_request_context():
            g.reference_version = rows[0][-1]
            g.request_user = (user.id, user.roles[0].name if user.roles else None)
        return user

    @cached_property
    def _kept_users(self) -> KeptUsers:
        return KeptUsers()

    def _detached_user(self, params: dict) -> tuple[object | None, list]:
        """The user with roles and groups loaded, and the rows of `_user_rows`, in one statement and
        a session of its own on the request's connection: the objects outlive the request, so they
        must be nobody else's (the request's session may hold the same rows), and no commit may
        expire them."""
        with Session(bind=self.session.connection()) as own:
            found = own.execute(self._user_statement, params).unique().all()
        if not found:
            return None, []
        return found[0][0], [tuple(row[1:]) for row in found]

    @cached_property
    def _user_rows(self):
        """The rows a kept user object is checked against (every column of the user, the ids and
        names of roles and groups), in a stable order, with the checks (`_CHECKS`) last."""
        return self._user_joins(select(*self.user_model.__table__.c))

    @cached_property
    def _user_statement(self):
        """The user with roles and groups as ORM objects, followed by the columns of `_user_rows`:
        run when the kept object is missing or out of date."""
        users, groups = self.user_model, self.group_model
        return self._user_joins(select(users).add_columns(*users.__table__.c)).options(
            contains_eager(users.roles), contains_eager(users.groups).contains_eager(groups.roles, alias=self._group_roles))

    @cached_property
    def _group_roles(self):
        return aliased(self.role_model, name="group_role")

    def _user_joins(self, statement):
        """`statement` (the user's columns) with the ids and names of the roles and groups, the
        login session's checks and the reference version (`_CHECKS`), in a stable order. The joins
        are written out flat: the nested LEFT JOIN (link JOIN role) that joinedload writes for a
        many-to-many makes SQLite materialise every user's roles (a scan of ab_user_role on every
        request, 12 ms at 20,000 users)."""
        users, groups, roles, group_roles = self.user_model, self.group_model, self.role_model, self._group_roles
        return (
            statement.add_columns(roles.id, roles.name, groups.id, groups.name, group_roles.id, group_roles.name,
                                  logins.session_seen(users.id), logins.credentials_changed(users.id),
                                  REFERENCE_VERSION)
            .outerjoin(assoc_user_role, assoc_user_role.c.user_id == users.id)
            .outerjoin(roles, roles.id == assoc_user_role.c.role_id)
            .outerjoin(assoc_user_group, assoc_user_group.c.user_id == users.id)
            .outerjoin(groups, groups.id == assoc_user_group.c.group_id)
            .outerjoin(assoc_group_role, assoc_group_role.c.group_id == groups.id)
            .outerjoin(group_roles, group_roles.id == assoc_group_role.c.role_id)
            .where(users.id == bindparam("user_id"))
            .order_by(roles.id, groups.id, group_roles.id)
        )

    def role_permissions(self, role_ids) -> frozenset[tuple[str, str]]:
        """The (permission, view) pairs granted to these roles: one query, kept for the request
        and, while the reference version stays the same, for the process."""
        key = tuple(sorted(role_ids))
        if not key:
            return frozenset()
        if not has_request_context():
            return self._load_role_permissions(key)
        per_request = g.setdefault("role_permissions", {})
        if key not in per_request:
            per_request[key] = kept("permissions", key, lambda: self._load_role_permissions(key))
        return per_request[key]

    def _load_role_permissions(self, role_ids: tuple[int, ...]) -> frozenset[tuple[str, str]]:
        pv, permission, view = self.permissionview_model, self.permission_model, self.viewmenu_model
        link = assoc_permissionview_role
        return frozenset(self.session.execute(
            select(permission.name, view.name)
            .join(pv, pv.permission_id == permission.id)
            .join(view, pv.view_menu_id == view.id)
            .join(link, link.c.permission_view_id == pv.id)
            .where(link.c.role_id.in_(role_ids))
        ).all())

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's check, asked for every menu entry of every page (30 and more times). For a
        signed-in user whose roles are all database roles (all of ours), one lookup in the set of
        pairs the roles grant; anyone else gets FAB's own answer."""
        granted = self._granted_to_request_user()
        if granted is None:
            return super().has_access(permission_name, view_name)
        return (permission_name, view_name) in granted

    def _granted_to_request_user(self) -> frozenset[tuple[str, str]] | None:
        if not has_request_context() or getattr(g, "_api_key_user", False) or not current_user.is_authenticated:
            return None
        user = current_user._get_current_object()
        known = g.get("granted_to_user")
        if known is None or known[0] is not user:
            roles = self.get_user_roles(user)
            plain = user.is_active and not any(role.name in self.builtin_roles for role in roles)
            known = (user, self.role_permissions([role.id for role in roles]) if plain else None)
            g.granted_to_user = known
        return known[1]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids) -> bool:
        return (permission_name, view_name) in self.role_permissions(role_ids)

    def _get_user_permission_view_menus(self, user, permission_name: str, view_menus_name) -> set[str]:
        roles = [self.get_public_role()] if user is None else self.get_user_roles(user)
        result = {name for role in roles if role and role.name in self.builtin_roles for name in view_menus_name or ()
                  if self._has_access_builtin_roles(role, permission_name, name)}
        granted = self.role_permissions([role.id for role in roles if role and role.name not in self.builtin_roles])
        result.update(view for permission, view in granted if permission == permission_name)
        return result

    def create_jwt_manager(self, app):
        """Every JWT problem (missing, malformed, expired, revoked, an ended login session) answers
        401 in Russian, not 422. Tokens carry their login session's key (claim "sid")."""
        jwt_manager = super().create_jwt_manager(app)
        for loader in (jwt_manager.unauthorized_loader, jwt_manager.invalid_token_loader,
                       jwt_manager.expired_token_loader, jwt_manager.revoked_token_loader,
                       jwt_manager.needs_fresh_token_loader, jwt_manager.user_lookup_error_loader):
            loader(_refuse_token)
        jwt_manager.additional_claims_loader(_token_claims)
        return jwt_manager

    def register_views(self):
        super().register_views()
        if current_app.config.get("AUTH_RATE_LIMITED"):
            login_guard.install(current_app, self)

    def security_api_blueprint(self):
        """The blueprint of FAB's API login (/api/v1/security/login), if registered."""
        for view in self.appbuilder.baseviews:
            if isinstance(view, self.security_api):
                return view.blueprint
        return None
