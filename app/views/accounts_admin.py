"""Account administration: the accounts a user manages (list, card, change of role), new accounts
of the region's and municipalities' people, accounts for a school's staff, and the record of
account events. The rules are app/accounts'; these pages parse, call and render.

A one-time code is shown only in the answer that creates it (the printed slips), never kept for a
later page; that answer is not cached."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.accounts import recovery, region
from app.accounts.delivery import deliver
from app.accounts.lifecycle import reason_label
from app.accounts.managed import change_role, list_accounts, managed_users, open_account
from app.accounts.staff import StaffChoice, issue_staff_accounts, propose, staff_roles, staff_without_accounts
from app.errors import DomainError
from app.extensions import db
from app.formats import format_moment
from app.models import AccountEvent
from app.notify.commands import smtp_settings
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.views import menu
from app.views.base import ScopedModelView
from app.views.recovery import link_for
from app.web.data import ScopedInterface

EVENT_KINDS = {
    "created": _l("создана"),
    "code_issued": _l("выдан код входа"),
    "code_used": _l("вход по коду"),
    "deactivated": _l("закрыта"),
    "reactivated": _l("открыта снова"),
    "role_changed": _l("изменена роль"),
    "first_login": _l("первый вход"),
    "reset_link_sent": _l("отправлена ссылка для смены пароля"),
    "password_reset": _l("пароль сменён по ссылке"),
}


def _not_found(view: BaseView, refusal: NotInScope):
    """404 with the reason, when the domain gave one (a school or municipality not the user's)."""
    reason = str(refusal) if refusal.args else _("Такой страницы нет или у вас нет к ней доступа.")
    return view.render_template("error.html", title=_("Страница не найдена"), message=reason), 404


def _number(text: str | None) -> int | None:
    """An id from a form or an address; None for nothing chosen. Anything else is refused."""
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise DomainError(_("Форма заполнена неверно: обновите страницу и повторите."))
    return int(text)


def _numbers(texts: list[str]) -> list[int]:
    return [number for number in (_number(text) for text in texts) if number is not None]


def _code_days() -> int:
    return current_app.config["ACCOUNT_CODE_DAYS"]


def _link_for(login: str, code: str) -> str:
    return url_for("FirstLoginView.link", login=login, code=code, _external=True)


def _delivered(view: BaseView, issued, *, title: str, back_url: str, back_label: str):
    """E-mail the links and print the other codes on slips (accounts/slips.html, context in
    app/accounts/slips.py: the codes' only showing, never cached); when every code went by
    e-mail, say so and go back."""
    delivery = deliver(issued, smtp_settings(current_app.config), _link_for)
    if not delivery.slips:
        flash(_("Ссылка для первого входа отправлена по эл. почте: %(names)s.", names=", ".join(delivery.sent)),
              "success")
        return redirect(back_url)
    page = view.render_template("accounts/slips.html", slips=delivery.slips, site_url=request.host_url, title=title,
                                back_url=back_url, back_label=back_label, sent=delivery.sent,
                                not_sent=delivery.not_sent)
    return page, 200, {"Cache-Control": "no-store"}


class AccountsView(BaseView):
    """«Учётные записи»: the accounts the user manages (app.accounts.managed), each with its card."""

    route_base = "/accounts"
    default_view = "index"
    role_access = {role: ("can_list", "can_show", "can_role", "can_reset")
                   for role in (R.MUNICIPAL, R.SCHOOL_ADMIN, R.SECRETARY)}
    scope_routes = [("/<int:user_id>", User, managed_users), ("/<int:user_id>/role", User, managed_users),
                    ("/<int:user_id>/reset-link", User, managed_users)]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        page = _number(request.args.get("page")) or 1
        found = list_accounts(db.session, current_scope(), query=request.args.get("q", ""), page=page)
        return self.render_template("accounts/list.html", title=_("Учётные записи"), found=found,
                                    format_moment=format_moment)

    @expose("/<int:user_id>")
    @has_access
    @permission_name("show")
    def show(self, user_id):
        try:
            account = open_account(db.session, current_scope(), user_id)
        except NotInScope as refusal:
            return _not_found(self, refusal)
        sm = self.appbuilder.sm
        return self.render_template("accounts/show.html", title=_("Учётная запись"), account=account,
                                    format_moment=format_moment,
                                    can_read_events=sm.has_access("can_list", "AccountEventView"),
                                    can_reset=sm.has_access("can_reset", "AccountsView"),
                                    can_issue_codes=sm.has_access("can_issue", "FamilyAccessView"),
                                    reset_minutes=current_app.config["PASSWORD_RESET_MINUTES"])

    @expose("/<int:user_id>/reset-link", methods=["POST"])
    @has_access
    @permission_name("reset")
    def reset_link(self, user_id):
        """«Отправить ссылку для смены пароля»: the recovery link to the account's own address,
        instead of typing a password for the person."""
        config = current_app.config
        try:
            email = recovery.send_link(db.session, current_scope(), user_id, smtp_settings(config), link_for,
                                       now=clock.now(), minutes=config["PASSWORD_RESET_MINUTES"])
        except NotInScope as refusal:
            return _not_found(self, refusal)
        except DomainError as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Ссылка для смены пароля отправлена на %(email)s: она действует %(minutes)s мин. и открывается "
                    "один раз.", email=email, minutes=config["PASSWORD_RESET_MINUTES"]), "success")
        return redirect(url_for("AccountsView.show", user_id=user_id))

    @expose("/<int:user_id>/role", methods=["POST"])
    @has_access
    @permission_name("role")
    def role(self, user_id):
        try:
            former = change_role(db.session, current_scope(), user_id, request.form.get("role", ""), now=clock.now())
        except NotInScope as refusal:
            return _not_found(self, refusal)
        except DomainError as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Роль изменена: была «%(former)s», стала «%(role)s».", former=former,
                    role=request.form.get("role", "")), "success")
        return redirect(url_for("AccountsView.show", user_id=user_id))


class RegionAccountView(BaseView):
    """«Новая учётная запись»: the administrator's accounts of the region's and municipalities'
    people, and a coordinator's accounts of its schools' administrations (app.accounts.region)."""

    route_base = "/accounts/new"
    default_view = "form"
    role_access = {R.MUNICIPAL: ("can_create",)}

    @expose("/", methods=["GET", "POST"])
    @has_access
    @permission_name("create")
    def form(self):
        scope = current_scope()
        values = request.form if request.method == "POST" else request.args
        try:
            sent = region.AccountForm(
                role=values.get("role", ""), full_name=values.get("full_name", ""), login=values.get("login", ""),
                email=values.get("email", ""), municipality_id=_number(values.get("municipality_id")),
                school_id=_number(values.get("school_id")), journal_system_id=_number(values.get("journal_system_id")),
                by_mail=values.get("delivery", "mail") != "slip")
        except DomainError as refusal:
            flash(refusal.message, "danger")
            sent = region.AccountForm(role="", full_name="")
        try:
            if request.method == "POST" and "create" in request.form:
                try:
                    issued = region.create_account(db.session, scope, sent, now=clock.now(), days=_code_days())
                except DomainError as refusal:
                    flash(refusal.message, "danger")
                else:
                    flash(_("Учётная запись «%(login)s» создана.", login=issued.slip.login), "success")
                    return _delivered(self, [issued], title=_("Новая учётная запись"),
                                      back_url=url_for("AccountsView.index"), back_label=_("К списку учётных записей"))
            choices = region.choices(db.session, scope, sent.municipality_id)
        except NotInScope as refusal:
            return _not_found(self, refusal)
        return self.render_template("accounts/new.html", title=_("Новая учётная запись"), choices=choices, sent=sent,
                                    R=R)


class StaffAccountsView(BaseView):
    """«Учётные записи работников»: the school's staff without a login, and the form that gives
    logins to the chosen ones (app.accounts.staff)."""

    route_base = "/staff-accounts"
    default_view = "index"
    role_access = {R.SCHOOL_ADMIN: ("can_issue",), R.SECRETARY: ("can_issue",)}

    @expose("/")
    @has_access
    @permission_name("issue")
    def index(self):
        scope = current_scope()
        return self.render_template("accounts/staff_choose.html", title=_("Учётные записи работников"),
                                    staff=staff_without_accounts(db.session, scope))

    @expose("/issue", methods=["GET", "POST"])
    @has_access
    @permission_name("issue")
    def issue(self):
        scope = current_scope()
        values = request.form if request.method == "POST" else request.args
        try:
            staff_ids = _numbers(values.getlist("staff"))
            if not staff_ids:
                flash(_("Отметьте хотя бы одного работника."), "warning")
                return redirect(url_for("StaffAccountsView.index"))
            if request.method == "POST":
                choices = [StaffChoice(staff_id=staff_id, login=request.form.get(f"login-{staff_id}", ""),
                                       role=request.form.get(f"role-{staff_id}", ""),
                                       by_mail=request.form.get(f"delivery-{staff_id}", "mail") != "slip")
                           for staff_id in staff_ids]
                try:
                    issued = issue_staff_accounts(db.session, scope, choices, now=clock.now(), days=_code_days())
                except DomainError as refusal:
                    flash(refusal.message, "danger")
                else:
                    flash(_("Создано учётных записей: %(n)s.", n=len(issued)), "success")
                    return _delivered(self, issued, title=_("Учётные записи работников"),
                                      back_url=url_for("StaffAccountsView.index"),
                                      back_label=_("К работникам без учётной записи"))
            proposals = propose(db.session, scope, staff_ids)
        except NotInScope as refusal:
            return _not_found(self, refusal)
        typed = request.form if request.method == "POST" else {}
        return self.render_template("accounts/staff_issue.html", title=_("Выдать учётные записи"),
                                    proposals=proposals, roles=staff_roles(scope), typed=typed)


class AccountEventView(ScopedModelView):
    """«Журнал учётных записей»: who created, closed, reopened an account, changed its role or issued
    it a code, and when. Read-only for everyone; rows by app/security/rules.py (the administrator
    all, a school's administration its school's)."""

    datamodel = ScopedInterface(AccountEvent)
    role_access = {R.SCHOOL_ADMIN: R.READ}
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Журнал учётных записей")
    show_title = _l("Событие учётной записи")
    list_columns = ["at", "kind", "login", "detail", "actor", "school"]
    show_columns = list_columns
    search_columns = ["kind", "login", "at"]
    order_columns = ["at", "kind", "login"]
    base_order = ("at", "desc")
    label_columns = {"at": _l("Когда"), "kind": _l("Что"), "login": _l("Учётная запись"), "detail": _l("Подробности"),
                     "actor": _l("Кто"), "school": _l("Школа")}
    formatters_columns = {"kind": lambda kind: EVENT_KINDS.get(kind, kind), "detail": reason_label,
                          "at": format_moment, "actor": lambda user: user.username if user else _("система")}
    search_code_columns = {"kind": EVENT_KINDS}


def register(appbuilder) -> None:
    menu.add(appbuilder, AccountsView, "Accounts", _l("Список учётных записей"), menu.ACCOUNTS, "fa-key")
    menu.add(appbuilder, RegionAccountView, "NewAccount", _l("Новая учётная запись"), menu.ACCOUNTS, "fa-user-plus")
    menu.add(appbuilder, StaffAccountsView, "StaffAccounts", _l("Учётные записи работников"), menu.ACCOUNTS,
             "fa-id-card")
    menu.add(appbuilder, AccountEventView, "AccountEvents", _l("Журнал учётных записей"), menu.ACCOUNTS, "fa-history")
