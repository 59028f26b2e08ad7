"""People records: staff, pupils, guardians, and the staff import.

Lists read the way a secretary looks for people: pupils by class, then surname; staff and
guardians by surname. A guardian is added from the pupil's page (or by the pupil import), so
the new guardian is linked to a child of the school in the same transaction and stays in scope.
The staff import (app.timetable.staff_import) writes into the importing user's own school only."""
import io

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import asc, desc
from sqlalchemy.orm import aliased
from wtforms import BooleanField

from app import clock
from app.accounts import lifecycle
from app.accounts.families import pupil_logins
from app.errors import DomainError
from app.extensions import db
from app.security.clauses import NotInScope
from app.models import ClassGroup, Guardian, Pupil, Staff
from app.security import roles as R
from app.security.current import current_scope
from app.security.scope import changeable
from app.timetable import staff_import
from app.timetable.guardians import (
    GuardianForm,
    add_guardian,
    changeable_pupil,
    guardian_links,
    known_guardians,
    remove_guardian,
)
from app.views import menu
from app.views.membership import PupilClassesView
from app.views.base import ScopedModelView
from app.web.data import ScopedInterface
from app.xlsx_upload import XlsxLimits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NAME_LABELS = {
    "last_name": _l("Фамилия"), "first_name": _l("Имя"), "middle_name": _l("Отчество"),
    "full_name": _l("ФИО"), "short_name": _l("ФИО"),
}
NAME_COLUMNS = ["last_name", "first_name", "middle_name"]


class FollowedByAccounts:
    """A staff or pupil record whose accounts follow it: when an edit changes «Работает» or «Выбыл»,
    the logins are closed or opened again (app.accounts.lifecycle) in the edit's transaction."""

    def _edit(self, pk):
        g.access_before = lifecycle.access_field(db.session, self.datamodel.obj, pk)
        return super()._edit(pk)

    def pre_update(self, item):
        super().pre_update(item)  # the scope check flushes the row
        if lifecycle.changes_access(item, g.pop("access_before", ())):
            lifecycle.after_record_change(db.session, item, actor_id=current_scope().user_id, now=clock.now(),
                                          today=clock.today())


class StaffView(FollowedByAccounts, ScopedModelView):
    datamodel = ScopedInterface(Staff)
    role_access = {R.SCHOOL_ADMIN: R.EDIT, R.SECRETARY: R.READ, R.TEACHER: R.READ}
    list_title = _l("Работники школы")
    list_template = "people/staff_list.html"  # with the link to the staff import
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
    show_template = "accounts/staff_show.html"  # with «Выдать учётную запись»

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        can_issue = self.appbuilder.sm.has_access("can_issue", "StaffAccountsView")
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, can_issue=can_issue)


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


class PupilView(FollowedByAccounts, ScopedModelView):
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
        can_issue = self.appbuilder.sm.has_access("can_issue", "FamilyAccessView")
        can_move = self.appbuilder.sm.has_access("can_pupil", "PupilClassesView")
        pupil_login, guardian_logins = pupil_logins(db.session, current_scope(), pk) if can_issue else (None, {})
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, guardian_links=links, can_link=can_link,
                                    can_issue=can_issue, pupil_login=pupil_login, guardian_logins=guardian_logins,
                                    can_move=can_move)


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


class StaffImportView(BaseView):
    """Upload the school's staff list, see every row (new, or whom it updates) and every bad row,
    confirm: then all rows are written or none."""

    route_base = "/staff-import"
    default_view = "index"
    role_access = {R.SCHOOL_ADMIN: ("can_import",), R.SECRETARY: ("can_import",)}

    @staticmethod
    def _school_id() -> int:
        school_id = current_scope().school_id
        if school_id is None:
            raise DomainError(_("Импорт работников доступен администрации и секретарю школы."))
        return school_id

    def _page(self, title, preview=None, token=None):
        return self.render_template("people/staff_import.html", title=title, preview=preview, token=token)

    @expose("/", methods=["GET"])
    @has_access
    @permission_name("import")
    def index(self):
        return self._page(_("Импорт работников"))

    @expose("/template.xlsx")
    @has_access
    @permission_name("import")
    def template(self):
        return send_file(io.BytesIO(staff_import.template_xlsx()), mimetype=XLSX, as_attachment=True,
                         download_name="shablon-spisok-rabotnikov.xlsx")

    @expose("/preview", methods=["POST"])
    @has_access
    @permission_name("import")
    def preview(self):
        school_id = self._school_id()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise DomainError(_("Выберите файл со списком работников (xlsx или csv)."))
        raw = staff_import.read_list(data=upload.read(), filename=upload.filename,
                                     limits=XlsxLimits.from_config(current_app.config))
        checked = staff_import.check_rows(db.session, school_id, raw)
        token = staff_import.sign_rows(raw, school_id, current_app.config["SECRET_KEY"]) if checked.ok else None
        return self._page(_("Импорт работников: проверка"), checked, token)

    @expose("/confirm", methods=["POST"])
    @has_access
    @permission_name("import")
    def confirm(self):
        checked, result = staff_import.confirm_and_write(db.session, self._school_id(), request.form.get("token", ""),
                                                         current_app.config["SECRET_KEY"],
                                                         actor_id=current_scope().user_id)
        if result is None:
            return self._page(_("Импорт работников: проверка"), checked)
        flash(_("Добавлено работников: %(new)s; обновлено: %(updated)s.", new=result.created, updated=result.updated),
              "success")
        return redirect(url_for("StaffView.list"))


def register(appbuilder) -> None:
    menu.add(appbuilder, PupilView, "Pupils", _l("Ученики"), menu.SCHOOL, "fa-child")
    menu.add(appbuilder, GuardianView, "Guardians", _l("Родители"), menu.SCHOOL, "fa-users")
    menu.add(appbuilder, StaffView, "Staff", _l("Работники"), menu.SCHOOL, "fa-id-badge")
    # Its menu entry moves beside «Импорт учеников» once that is registered (app/views/__init__.py).
    menu.add(appbuilder, StaffImportView, "StaffImport", _l("Импорт работников"), menu.SCHOOL, "fa-upload")
    appbuilder.add_view_no_menu(PupilGuardianView)
    appbuilder.add_view_no_menu(PupilClassesView)
