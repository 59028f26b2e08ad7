"""«Забыли пароль?»: the recovery link by e-mail (the rules are app/accounts/recovery.py's).

- /login/forgot/: a login or an address typed; the answer is the same page whether an account
  has it or not. The request is counted first (per typed text in the database, per client address
  in the ceiling's storage: 429 past either); the account is looked up and the letter sent only
  once the answer has gone (`response.call_on_close`), so the answer takes the same time either way.
  The link is built on APP_BASE_URL, never on the request's Host header (which a stranger chooses).
- /login/reset/<token>: the e-mailed link, checked, kept in the browser's session and the form
  opened at an address without it; the link is spent only when the new password is saved.
- /login/reset/: the new password (the policy of app/security/passwords.py, for that account); it
  ends every session of the account, and the person logs in with it.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

from flask import current_app, flash, g, make_response, redirect, request, url_for
from flask import session as browser_session
from flask_appbuilder import BaseView, expose
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from app import clock
from app.accounts import recovery
from app.extensions import db
from app.notify.commands import smtp_settings
from app.security import login_guard

# The recovery link's token, kept between opening the link and saving the new password.
RESET_KEY = "_reset_link"
# The client-address ceiling's counter (app.security.login_guard.over_client_ceiling).
CEILING_SCOPE = "password-recovery"


def minutes(config) -> int:
    return config["PASSWORD_RESET_MINUTES"]


def link_for(token: str) -> str:
    """The address a recovery letter carries: the site's own (APP_BASE_URL), whatever host the
    request came by."""
    return current_app.config["APP_BASE_URL"].rstrip("/") + url_for("PasswordRecoveryView.link", token=token)


class ForgotForm(FlaskForm):
    login = StringField(_l("Логин или адрес эл. почты"))


class NewPasswordForm(FlaskForm):
    """The new password twice, checked by the policy FAB's password forms use for the account in
    g.password_account."""

    password = PasswordField(_l("Новый пароль"), validators=[DataRequired(_l("Придумайте пароль.")),
                                                            PasswordComplexityValidator()])
    repeat = PasswordField(_l("Пароль ещё раз"), validators=[EqualTo("password", _l("Пароли не совпадают."))])


def _send_after_answer(app, typed: str, token: str, link: str) -> None:
    """The request's letter, once its answer has gone (its own app context: the request's is over)."""
    with app.app_context():
        recovery.send_requested(db.session, smtp_settings(app.config), typed, token, link, now=clock.now(),
                                minutes=minutes(app.config))


class PasswordRecoveryView(BaseView):
    """«Забыли пароль?» and the recovery link. No permission: anybody may ask, the link is the key."""

    route_base = "/login"
    scope_routes_exempt = ["/reset/<token>"]  # a token, not a row id

    @expose("/forgot/", methods=["GET", "POST"])
    def forgot(self):
        form = ForgotForm()
        if not form.validate_on_submit():
            status = 400 if request.method == "POST" else 200
            return self._forgot_page(form), status
        typed = form.login.data or ""
        problem = recovery.typed_problem(typed)
        if problem:
            form.login.errors = [problem]
            return self._forgot_page(form), 400
        config = current_app.config
        if login_guard.over_client_ceiling(self.appbuilder.sm.limiter, config["PASSWORD_RESET_RATE_PER_IP"],
                                           CEILING_SCOPE):
            return self._limited(_("С этого адреса сети просили сменить пароль слишком часто. Попробуйте позже "
                                   "или обратитесь в школу."))
        policy = recovery.RequestPolicy(config["PASSWORD_RESET_REQUESTS"],
                                        dt.timedelta(minutes=config["PASSWORD_RESET_WINDOW_MINUTES"]))
        wait = recovery.count_request(db.session, typed, clock.now(), policy)
        if wait is not None:
            return self._limited(_("Для этого логина или адреса ссылку уже просили несколько раз. Проверьте почту, "
                                   "в том числе папку «Спам», или попробуйте снова через %(minutes)s мин.",
                                   minutes=wait))
        token = recovery.new_token()
        response = make_response(self.render_template("accounts/forgot.html", title=_("Проверьте почту"),
                                                      form=form, sent=True, minutes=minutes(config)))
        response.call_on_close(partial(_send_after_answer, current_app._get_current_object(), typed, token,
                                       link_for(token)))
        return response

    def _forgot_page(self, form):
        return self.render_template("accounts/forgot.html", title=_("Восстановление пароля"), form=form, sent=False,
                                    minutes=minutes(current_app.config))

    def _limited(self, message: str):
        return self.render_template("accounts/forgot.html", title=_("Слишком много запросов"), form=None,
                                    sent=False, limited=message, minutes=minutes(current_app.config)), 429

    @expose("/reset/<token>")
    def link(self, token: str):
        """The e-mailed link: checked, kept in the browser's session, and the form opened at an
        address without the token (it stays out of the history and of any Referer)."""
        if recovery.peek(db.session, token, clock.now()) is None:
            return self._refused()
        browser_session[RESET_KEY] = token
        return redirect(url_for("PasswordRecoveryView.new_password"))

    @expose("/reset/", methods=["GET", "POST"])
    def new_password(self):
        token = browser_session.get(RESET_KEY)
        if not token:
            return redirect(self.appbuilder.get_url_for_login)
        user = recovery.peek(db.session, token, clock.now())
        if user is None:
            browser_session.pop(RESET_KEY, None)
            return self._refused()
        g.password_account = user
        form = NewPasswordForm()
        if form.validate_on_submit():
            browser_session.pop(RESET_KEY, None)
            if self.appbuilder.sm.reset_by_link(token, form.password.data) is None:
                return self._refused()
            flash(_("Пароль изменён, на всех устройствах выполнен выход. Войдите с логином %(login)s и новым "
                    "паролем.", login=user.username), "success")
            return redirect(self.appbuilder.get_url_for_login)
        status = 400 if form.errors else 200
        return self.render_template("accounts/reset_password.html", title=_("Новый пароль"), form=form,
                                    login=user.username), status

    def _refused(self):
        return self.render_template("accounts/reset_refused.html", title=_("Ссылка недействительна"),
                                    minutes=minutes(current_app.config)), 404


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(PasswordRecoveryView)
