"""People records: staff, pupils, guardians.

Lists read the way a secretary looks for people: pupils by class, then surname; staff and
guardians by surname. A guardian is added from the pupil's page (or by the pupil import), so
the new guardian is linked to a child of the school in the same transaction and stays in scope."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import asc, desc
from sqlalchemy.orm import aliased
from wtforms import BooleanField

from app.extensions import db
from app.security.clauses import NotInScope
from app.models import ClassGroup, Guardian, Pupil, Staff
from app.security import roles as R
from app.security.current import current_scope
from app.security.scope import changeable
from app.timetable.guardians import (
    GuardianForm,
    add_guardian,
    changeable_pupil,
    guardian_links,
    known_guardians,
    remove_guardian,
)
from app.views import menu
from app.views.base import ScopedModelView
from app.web.data import ScopedInterface

NAME_LABELS = {
    "last_name": _l("Фамилия"), "first_name": _l("Имя"), "middle_name": _l("Отчество"),
    "full_name": _l("ФИО"), "short_name": _l("ФИО"),
}
NAME_COLUMNS = ["last_name", "first_name", "middle_name"]


class StaffView(ScopedModelView):
    datamodel = ScopedInterface(Staff)
    role_access = {R.SCHOOL_ADMIN: R.EDIT, R.SECRETARY: R.READ, R.TEACHER: R.READ}
    list_title = _l("Работники школы")
    show_title = add_title = edit_title = _l("Работник школы")
    list_columns = [*NAME_COLUMNS, "position", "is_teacher", "active"]
    add_columns = edit_columns = ["school", "last_name", "first_name", "middle_name", "position", "is_teacher", "email", "phone", "active"]
    show_columns = add_columns
    search_columns = ["last_name", "first_name", "position", "is_teacher", "active"]
    order_columns = [*NAME_COLUMNS, "position", "is_teacher", "active"]
    base_order = ("last_name", "asc")
    label_columns = {**NAME_LABELS, "school": _l("Школа"), "position": _l("Должность"), "is_teacher": _l("Учитель"),
                     "email": _l("Эл. почта"), "phone": _l("Телефон"), "active": _l("Работает")}
    add_form_extra_fields = edit_form_extra_fields = {
        "is_teacher": BooleanField(_l("Учитель"), default=True), "active": BooleanField(_l("Работает"), default=True)}


class PupilInterface(ScopedInterface):
    """Pupils in class-register order: by class (grade, letter), then surname and name.

    That is the default order and the order of the «Класс» column (FAB alone can only sort by
    one plain column)."""

    def is_sortable(self, column: str) -> bool:
        return (self.obj is Pupil and column == "class_group") or super().is_sortable(column)

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        # FAB builds the interfaces of related models from this class too (class_group drop-downs).
        if self.obj is not Pupil or (order_column and order_column != "class_group"):
            return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                          bypass_many_to_many, add_pk)
        direction = desc if order_column and order_direction == "desc" else asc
        # An alias of its own: FAB may already have joined the class. (Correlated subqueries, as
        # before, read the class table once per pupil: 0.5 s for the admin's list at 10 schools.)
        klass = aliased(ClassGroup)
        return (query.outerjoin(klass, klass.id == Pupil.class_group_id)
                .order_by(direction(klass.grade), direction(klass.letter), Pupil.last_name, Pupil.first_name, Pupil.id))


class PupilView(ScopedModelView):
    datamodel = PupilInterface(Pupil)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Ученики")
    show_title = add_title = edit_title = _l("Ученик")
    list_columns = ["class_group", *NAME_COLUMNS, "birth_date"]
    add_columns = edit_columns = ["school", "class_group", "last_name", "first_name", "middle_name", "birth_date", "enrolled_on", "left_on"]
    show_columns = add_columns
    show_template = "timetable/pupil_show.html"
    search_columns = ["class_group", "last_name", "first_name", "birth_date"]
    order_columns = ["class_group", *NAME_COLUMNS, "birth_date"]
    label_columns = {**NAME_LABELS, "school": _l("Школа"), "class_group": _l("Класс"), "birth_date": _l("Дата рождения"),
                     "enrolled_on": _l("Зачислен"), "left_on": _l("Выбыл")}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        can_link = self.appbuilder.sm.has_access("can_link", "PupilGuardianView")
        links = guardian_links(db.session, current_scope(), pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, guardian_links=links, can_link=can_link)


class GuardianView(ScopedModelView):
    datamodel = ScopedInterface(Guardian)
    # No "add" here: a guardian without a child is outside every school's scope. New guardians
    # come from the pupil's page (PupilGuardianView) or from the pupil import.
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.READ + ("can_edit", "can_delete")}
    list_title = _l("Родители и законные представители")
    show_title = add_title = edit_title = _l("Родитель (законный представитель)")
    list_columns = [*NAME_COLUMNS, "phone", "email"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "phone", "email"]
    show_columns = add_columns
    search_columns = ["last_name", "first_name", "phone", "email"]
    order_columns = [*NAME_COLUMNS, "phone", "email"]
    base_order = ("last_name", "asc")
    label_columns = {**NAME_LABELS, "phone": _l("Телефон"), "email": _l("Эл. почта")}


class PupilGuardianView(BaseView):
    """Add a guardian to a pupil (a new person, or one already known to the school, e.g. for a
    sibling) and remove the link; the guardian and the link are written together."""

    route_base = "/pupil-guardians"
    role_access = {R.SECRETARY: ("can_link",)}
    scope_routes = [("/<int:pk>/add", Pupil, lambda scope: changeable(scope, Pupil))]
    # Two ids (pupil, guardian): the matrix takes one; the pupil is checked by changeable_pupil() like /add.
    scope_routes_exempt = ["/<int:pk>/remove/<int:guardian_id>"]

    @expose("/<int:pk>/add", methods=["GET", "POST"])
    @has_access
    @permission_name("link")
    def add(self, pk):
        scope = current_scope()
        try:
            if request.method == "POST":
                fields = {name: request.form.get(name) or "" for name in GuardianForm.__dataclass_fields__}
                guardian, pupil = add_guardian(db.session, scope, pk, GuardianForm(**fields))
                flash(_("%(name)s добавлен(а) к ученику %(pupil)s.", name=guardian.full_name, pupil=pupil.full_name),
                      "success")
                return redirect(url_for("PupilView.show", pk=pupil.id))
            pupil = changeable_pupil(db.session, scope, pk)
        except NotInScope:
            abort(404)
        return self.render_template("timetable/guardian_add.html", title=_("Родитель ученика"), pupil=pupil,
                                    known=known_guardians(db.session, scope, pupil))

    @expose("/<int:pk>/remove/<int:guardian_id>", methods=["POST"])
    @has_access
    @permission_name("link")
    def remove(self, pk, guardian_id):
        try:
            pupil = remove_guardian(db.session, current_scope(), pk, guardian_id)
        except NotInScope:
            abort(404)
        flash(_("Связь с родителем удалена."), "success")
        return redirect(url_for("PupilView.show", pk=pupil.id))


def register(appbuilder) -> None:
    menu.add(appbuilder, PupilView, "Pupils", _l("Ученики"), menu.SCHOOL, "fa-child")
    menu.add(appbuilder, GuardianView, "Guardians", _l("Родители"), menu.SCHOOL, "fa-users")
    menu.add(appbuilder, StaffView, "Staff", _l("Работники"), menu.SCHOOL, "fa-id-badge")
    appbuilder.add_view_no_menu(PupilGuardianView)
