"""The guardian's notification settings (how often to get new marks and absences by e-mail)."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.security.clauses import NotInScope
from app.notify.digest import mail_address
from app.notify.settings import MODE_CODES, own_guardian, save_settings
from app.security import roles as R
from app.security.current import current_scope
from app.views import menu

# The labels of app.notify.settings.MODE_CODES, in its order.
MODES = tuple(zip(MODE_CODES, (
    _l("Сразу: о каждой новой отметке, пропуске и сообщении"),
    _l("Раз в день: сводка за день"),
    _l("Раз в неделю: сводка за неделю"),
    _l("Не присылать"),
), strict=True))


class NotificationSettingsView(BaseView):
    route_base = "/notifications"
    default_view = "settings"
    role_access = {R.PARENT: ("can_settings",)}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def settings(self):
        try:
            guardian = own_guardian(db.session, current_scope())
        except NotInScope:
            abort(404)
        if request.method == "POST":
            try:
                save_settings(db.session, current_scope(), request.form.get("mode", ""), request.form.get("email") or "")
            except DomainError as refusal:
                flash(refusal.message, "danger")
            else:
                flash(_("Настройки уведомлений сохранены."), "success")
                return redirect(url_for("NotificationSettingsView.settings"))
        return self.render_template("notifications/settings.html", guardian=guardian, modes=MODES,
                                    email=mail_address(db.session, guardian))


def register(appbuilder) -> None:
    menu.add(appbuilder, NotificationSettingsView, "Notifications", _l("Уведомления"), menu.DIARY, "fa-envelope",
             shown_when=lambda: current_scope().guardian_id is not None)
