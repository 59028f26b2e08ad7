"""A pupil's classes over time, and the transfer to another class of the school (by an order)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app import formats
from app.errors import DomainError
from app.extensions import db
from app.models import Pupil
from app.school import transfer
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope


class PupilClassesView(BaseView):
    """The school's administration and secretary move a pupil to another class from a date."""

    route_base = "/pupil-classes"
    role_access = {R.SCHOOL_ADMIN: ("can_pupil",), R.SECRETARY: ("can_pupil",)}
    scope_routes = [("/<int:pupil_id>/", Pupil)]

    @expose("/<int:pupil_id>/", methods=["GET", "POST"])
    @has_access
    def pupil(self, pupil_id: int):
        status, form = 200, {}
        try:
            if request.method == "POST":
                form = {name: request.form.get(name, "") for name in ("class_group_id", "on", "order_number", "reason")}
                try:
                    on = formats.parse_date(form["on"])
                    if on is None:
                        raise DomainError(_("Укажите дату перевода, например 15.10.2012."))
                    if not form["class_group_id"].isdigit():
                        raise DomainError(_("Выберите класс, в который переводится ученик."))
                    done = transfer.transfer(db.session, current_scope(), pupil_id, int(form["class_group_id"]), on,
                                             form["order_number"], form["reason"])
                    moved = done.membership
                    flash(_("Ученик переведён в класс %(klass)s с %(date)s.", klass=moved.class_group.name,
                            date=formats.format_date(moved.starts_on)), "success")
                    if done.left_behind:
                        flash(_("В журнале %(klass)s остались отметки и пропуски ученика с %(date)s: %(n)s. "
                                "Они видны там только для чтения; при необходимости перенесите их вручную.",
                                klass=done.old_class, date=formats.format_date(moved.starts_on),
                                n=done.left_behind), "warning")
                    return redirect(url_for("PupilClassesView.pupil", pupil_id=pupil_id))
                except formats.NotADate:
                    flash(_("«%(text)s» — не дата. Введите дату как 15.10.2012.", text=form["on"]), "danger")
                    status = 400
                except DomainError as refusal:
                    flash(refusal.message, "danger")
                    status = 400
            data = transfer.pupil_classes(db.session, current_scope(), pupil_id)
        except NotInScope:
            abort(404)
        return self.render_template("people/pupil_classes.html", data=data, form=form,
                                    title=_("Классы ученика: %(name)s", name=data.name)), status
