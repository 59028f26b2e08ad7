"""Diary access for families and the first login.

- «Доступ семей» (FamilyAccessView): the school's classes with the families still without access;
  «Выдать доступ классу» gives them accounts and one-time codes (app/accounts/families.py): the
  link is e-mailed where an address is on file, the others get login slips, printed from the
  answer (the codes exist in clear only there). «Новый код входа» does it for one pupil or
  guardian from the pupil's page.
- «Задайте пароль» (FirstLoginView): after a login with a code every page leads here until a
  password is set; an e-mailed link (/login/code/<login>/<code>) opens the same form, and the
  code is spent only when the password is set (a mail scanner following the link spends nothing).
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask import session as browser_session
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app import clock
from app.accounts import codes, families, first_login
from app.accounts.slips import Slip
from app.errors import DomainError
from app.extensions import db
from app.models import ClassGroup, Guardian, Pupil
from app.notify.commands import smtp_settings
from app.security import lockout, login_guard
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.security.manager import PASSWORD_TO_SET
from app.views import menu, recovery

ISSUERS = {R.SECRETARY: ("can_issue",), R.SCHOOL_ADMIN: ("can_issue",)}
# An e-mailed link's login and code, kept between opening the link and setting the password.
LINK_KEY = "_code_link"
# What a person who still has to set a password may open besides the form.
OPEN_WHILE_SETTING = {"FirstLoginView.set_password", "AuthDBView.logout", "static", "appbuilder.static", "favicon",
                      "health.health"}


class FamilyAccessView(BaseView):
    """The school's classes with their families' access; a class's access; a new code for one."""

    route_base = "/accounts/families"
    default_view = "index"
    role_access = ISSUERS
    scope_routes = [
        ("/class/<int:class_id>/", ClassGroup, families.family_classes),
        ("/pupil/<int:pupil_id>/code", Pupil, families.family_pupils),
        ("/guardian/<int:guardian_id>/code", Guardian, families.family_guardians),
    ]

    @expose("/")
    @has_access
    @permission_name("issue")
    def index(self):
        rows = families.school_classes(db.session, current_scope(), clock.today())
        return self.render_template("accounts/classes.html", title=_("Доступ семей к дневнику"), rows=rows)

    @expose("/class/<int:class_id>/", methods=["GET", "POST"])
    @has_access
    @permission_name("issue")
    def class_access(self, class_id: int):
        config = current_app.config
        options = {"pupils": True, "from_grade": config["ACCOUNT_PUPILS_FROM_GRADE"],
                   "days": config["ACCOUNT_CODE_DAYS"]}
        status = 200
        try:
            if request.method == "POST":
                form = request.form
                options = {"pupils": form.get("pupils") == "1", "from_grade": form.get("from_grade", ""),
                           "days": form.get("days", "")}
                try:
                    return self._issue(class_id, options)
                except DomainError as refusal:
                    flash(refusal.message, "danger")
                    status = 400
            data = families.class_families(db.session, current_scope(), class_id, clock.today())
        except NotInScope:
            abort(404)
        return self.render_template("accounts/class_access.html",
                                    title=_("Выдать доступ классу %(name)s", name=data.name), families=data, options=options, grades=families.GRADES,
                                    max_days=families.MAX_CODE_DAYS), status

    def _issue(self, class_id: int, options: dict):
        from_grade = _whole_number(options["from_grade"], _("Класс, с которого ученики получают учётные записи"))
        days = _whole_number(options["days"], _("Срок действия кода"))
        access = families.issue_class_access(db.session, current_scope(), class_id,
                                             pupils_from_grade=from_grade if options["pupils"] else None, days=days,
                                             now=clock.now(), today=clock.today())
        issued = access.issued
        if not issued:
            flash(_("У всех семей класса уже есть доступ к дневнику: выдавать нечего."), "info")
            return redirect(url_for("FamilyAccessView.class_access", class_id=class_id))
        failed = families.send_links(smtp_settings(current_app.config), access, _link_for)
        mailed = [item for item in issued if item.email and item.user_id not in failed]
        return self.slips_page(
            [item.slip for item in issued if item not in mailed],
            title=_("Доступ к дневнику: %(class_name)s", class_name=access.class_name),
            back_url=url_for("FamilyAccessView.class_access", class_id=class_id), back_label=_("К классу"),
            sent=[item.slip.name for item in mailed],
            not_sent=[item.slip.name for item in issued if item.email and item.user_id in failed])

    @expose("/pupil/<int:pupil_id>/code", methods=["POST"])
    @has_access
    @permission_name("issue")
    def pupil_code(self, pupil_id: int):
        return self._new_code(url_for("PupilView.show", pk=pupil_id), pupil_id=pupil_id)

    @expose("/guardian/<int:guardian_id>/code", methods=["POST"])
    @has_access
    @permission_name("issue")
    def guardian_code(self, guardian_id: int):
        pupil = request.form.get("pupil", "")
        if pupil.isdigit():
            return self._new_code(url_for("PupilView.show", pk=int(pupil)), guardian_id=guardian_id)
        return self._new_code(url_for("GuardianView.show", pk=guardian_id), _("К карточке родителя"),
                              guardian_id=guardian_id)

    def _new_code(self, back: str, back_label: str | None = None, **person):
        """A slip, or with «by_mail» the link to the account's own e-mail (a slip if it fails)."""
        try:
            access = families.new_code(db.session, current_scope(), days=current_app.config["ACCOUNT_CODE_DAYS"],
                                       now=clock.now(), today=clock.today(), **person)
        except NotInScope:
            abort(404)
        except DomainError as refusal:
            flash(refusal.message, "warning")
            return redirect(back)
        [item] = access.issued
        not_sent = []
        if request.form.get("by_mail") == "1" and item.email:
            if not families.send_links(smtp_settings(current_app.config), access, _link_for, renewed=True):
                flash(_("Ссылка для входа отправлена %(name)s на %(email)s; прежние коды больше не действуют.",
                        name=item.slip.name, email=item.email), "success")
                return redirect(back)
            not_sent = [item.slip.name]
        return self.slips_page([item.slip], title=_("Новый код входа"), back_url=back,
                               back_label=back_label or _("К карточке ученика"), not_sent=not_sent)

    def slips_page(self, slips: list[Slip], **context):
        """The printable sheet (accounts/slips.html; its context in app/accounts/slips.py), never
        kept by the browser or a proxy: it holds the codes in clear."""
        page = self.render_template("accounts/slips.html", slips=slips, site_url=request.host_url,
                                    **{"sent": [], "not_sent": [], **context})
        return page, 200, {"Cache-Control": "no-store"}


def _whole_number(text: str, what: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise DomainError(_("«%(what)s»: укажите целое число.", what=what)) from None


def _link_for(login: str, code: str) -> str:
    return url_for("FirstLoginView.link", login=login, code=code, _external=True)


class SetPasswordForm(FlaskForm):
    """The password (the policy FAB's password forms use, for the account in g.password_account)
    twice, and an optional e-mail for recovery."""

    password = PasswordField(_l("Новый пароль"), validators=[DataRequired(_l("Придумайте пароль.")),
                                                            PasswordComplexityValidator()])
    repeat = PasswordField(_l("Пароль ещё раз"), validators=[EqualTo("password", _l("Пароли не совпадают."))])
    email = StringField(_l("Эл. почта для восстановления доступа (необязательно)"))

    def validate_email(self, field):
        problem = first_login.email_problem(db.session, g.password_account.id, field.data or "")
        if problem:
            raise ValidationError(problem)


def _landing(user) -> str:
    """Parents and pupils start at their (first) child's diary, everybody else at the start page."""
    if first_login.lands_on_diary(role.name for role in user.roles):
        return url_for("DiaryView.index")
    return current_app.appbuilder.get_url_for_index


class FirstLoginView(BaseView):
    """«Задайте пароль»: after a login with a one-time code (the password field of the login
    form), and for an e-mailed link. No permission: each route checks the state it serves."""

    route_base = "/login"
    # A login and a code, not row ids.
    scope_routes_exempt = ["/code/<login>/<code>"]

    @expose("/password/", methods=["GET", "POST"])
    def set_password(self):
        if not current_user.is_authenticated:
            return redirect(current_app.appbuilder.get_url_for_login)
        user = current_user._get_current_object()
        if browser_session.get(PASSWORD_TO_SET) != user.id:
            return redirect(_landing(user))
        g.password_account = user
        form = SetPasswordForm()
        if form.validate_on_submit():
            try:
                first_login.set_email(db.session, user.id, form.email.data or "")
            except DomainError as refusal:
                form.email.errors = [refusal.message]
            else:
                self.appbuilder.sm.reset_password(user.id, form.password.data)
                browser_session.pop(PASSWORD_TO_SET, None)
                flash(_("Пароль сохранён. Дальше входите с логином %(login)s и этим паролем.", login=user.username),
                      "success")
                return redirect(_landing(user))
        elif request.method == "GET":
            form.email.data = first_login.current_email(db.session, user.id)
        status = 400 if form.errors else 200
        return self.render_template("accounts/set_password.html", title=_("Задайте пароль"), form=form,
                                    login=user.username, by_link=False), status

    @expose("/code/<login>/<code>")
    def link(self, login: str, code: str):
        """An e-mailed link: the code checked (counted by the login lockout when wrong), kept in the
        browser's session, and the form opened at an address without it."""
        if lockout.CONTROL.search(login) or lockout.CONTROL.search(code):
            abort(404)
        login_guard.refuse_if_locked(db.session, login)
        if codes.peek(db.session, login, code, clock.now()) is None:
            login_guard.count_attempt(db.session, current_app.config, login, succeeded=False)
            return self._link_refused()
        db.session.rollback()
        browser_session[LINK_KEY] = [login, code]
        return redirect(url_for("FirstLoginView.link_form"))

    @expose("/code/", methods=["GET", "POST"])
    def link_form(self):
        kept = browser_session.get(LINK_KEY)
        if not kept:
            return redirect(current_app.appbuilder.get_url_for_login)
        login, code = kept
        login_guard.refuse_if_locked(db.session, login)
        user = codes.peek(db.session, login, code, clock.now())
        if user is None:
            browser_session.pop(LINK_KEY, None)
            return self._link_refused()
        g.password_account = user
        form = SetPasswordForm()
        if form.validate_on_submit():
            signed_in = self.appbuilder.sm.login_by_link(login, code, form.password.data)
            if signed_in is None:
                browser_session.pop(LINK_KEY, None)
                return self._link_refused()
            browser_session.pop(LINK_KEY, None)
            try:
                first_login.set_email(db.session, signed_in.id, form.email.data or "")
            except DomainError as refusal:
                flash(refusal.message, "warning")
            login_user(signed_in, remember=False)
            flash(_("Пароль сохранён. Дальше входите с логином %(login)s и этим паролем.", login=signed_in.username),
                  "success")
            return redirect(_landing(signed_in))
        if request.method == "GET":
            form.email.data = first_login.current_email(db.session, user.id)
        status = 400 if form.errors else 200
        return self.render_template("accounts/set_password.html", title=_("Задайте пароль"), form=form,
                                    login=user.username, by_link=True), status

    def _link_refused(self):
        return self.render_template("accounts/link_refused.html", title=_("Ссылка недействительна")), 404


def send_to_set_password():
    """Before every request: a person who logged in with a one-time code and has not set a
    password yet is sent to «Задайте пароль» (an API call gets 403)."""
    waiting = browser_session.get(PASSWORD_TO_SET)
    if waiting is None or request.endpoint in OPEN_WHILE_SETTING or not current_user.is_authenticated:
        return None
    if current_user.id != waiting:
        browser_session.pop(PASSWORD_TO_SET, None)
        return None
    if request.path.startswith("/api/"):
        return jsonify(message=_("Сначала задайте пароль: откройте любую страницу дневника.")), 403
    return redirect(url_for("FirstLoginView.set_password"))


def register(appbuilder) -> None:
    menu.add(appbuilder, FamilyAccessView, "FamilyAccess", _l("Доступ семей"), menu.SCHOOL, "fa-key")
    appbuilder.add_view_no_menu(FirstLoginView)
    recovery.register(appbuilder)  # the login page's other side door: «Забыли пароль?»
    current_app.before_request(send_to_set_password)
