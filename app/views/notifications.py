"""The guardian's notification settings (how often to get new marks and absences by e-mail)."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Guardian
from app.security import roles as R
from app.security.current import current_scope
from app.views import menu

MODES = (
    ("instant", _l("Сразу: о каждой новой отметке и пропуске")),
    ("daily", _l("Раз в день: сводка за день")),
    ("weekly", _l("Раз в неделю: сводка за неделю")),
    ("none", _l("Не присылать")),
)


class NotificationSettingsView(BaseView):
    route_base = "/notifications"
    default_view = "settings"
    role_access = {R.PARENT: ("can_settings",)}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def settings(self):
        guardian_id = current_scope().guardian_id
        guardian = db.session.get(Guardian, guardian_id) if guardian_id else None
        if guardian is None:
            abort(404)
        if request.method == "POST":
            mode = request.form.get("mode", "")
            email = (request.form.get("email") or "").strip()
            if mode not in dict(MODES):
                flash(_("Выберите, как часто присылать уведомления."), "danger")
            elif mode != "none" and ("@" not in email or len(email) > 200):
                flash(_("Укажите адрес электронной почты, на который присылать уведомления."), "danger")
            else:
                if mode != guardian.notify_mode:
                    guardian.notified_until = None  # starts from the next run, not from history
                guardian.notify_mode = mode
                guardian.email = email or None
                db.session.commit()
                flash(_("Настройки уведомлений сохранены."), "success")
                return redirect(url_for("NotificationSettingsView.settings"))
        return self.render_template("notifications/settings.html", guardian=guardian, modes=MODES)


def register(appbuilder) -> None:
    menu.add(appbuilder, NotificationSettingsView, "Notifications", _l("Уведомления"), menu.DIARY, "fa-envelope",
             shown_when=lambda: current_scope().guardian_id is not None)
