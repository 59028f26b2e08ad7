"""People records: staff, pupils, guardians."""
from flask_babel import lazy_gettext as _l

from app.models import Guardian, Pupil, Staff
from app.security import roles as R
from app.views import menu
from app.views.base import ScopedInterface, ScopedModelView

NAME_LABELS = {
    "last_name": _l("Фамилия"), "first_name": _l("Имя"), "middle_name": _l("Отчество"),
    "full_name": _l("ФИО"), "short_name": _l("ФИО"),
}


class StaffView(ScopedModelView):
    datamodel = ScopedInterface(Staff)
    role_access = {R.SCHOOL_ADMIN: R.EDIT, R.SECRETARY: R.READ, R.TEACHER: R.READ}
    list_title = _l("Работники школы")
    show_title = add_title = edit_title = _l("Работник школы")
    list_columns = ["full_name", "position", "is_teacher", "active"]
    add_columns = edit_columns = ["school", "last_name", "first_name", "middle_name", "position", "is_teacher", "email", "phone", "active"]
    show_columns = add_columns
    search_columns = ["last_name", "first_name", "position", "is_teacher", "active"]
    order_columns = ["position"]
    base_order = ("last_name", "asc")
    label_columns = {**NAME_LABELS, "school": _l("Школа"), "position": _l("Должность"), "is_teacher": _l("Учитель"),
                     "email": _l("Эл. почта"), "phone": _l("Телефон"), "active": _l("Работает")}


class PupilView(ScopedModelView):
    datamodel = ScopedInterface(Pupil)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Ученики")
    show_title = add_title = edit_title = _l("Ученик")
    list_columns = ["class_group", "full_name", "birth_date"]
    add_columns = edit_columns = ["school", "class_group", "last_name", "first_name", "middle_name", "birth_date", "enrolled_on", "left_on"]
    show_columns = add_columns
    search_columns = ["class_group", "last_name", "first_name", "birth_date"]
    order_columns = ["birth_date"]
    base_order = ("last_name", "asc")
    label_columns = {**NAME_LABELS, "school": _l("Школа"), "class_group": _l("Класс"), "birth_date": _l("Дата рождения"),
                     "enrolled_on": _l("Зачислен"), "left_on": _l("Выбыл")}


class GuardianView(ScopedModelView):
    datamodel = ScopedInterface(Guardian)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT}
    list_title = _l("Родители и законные представители")
    show_title = add_title = edit_title = _l("Родитель (законный представитель)")
    list_columns = ["full_name", "phone", "email"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "phone", "email"]
    show_columns = add_columns
    search_columns = ["last_name", "first_name", "phone", "email"]
    base_order = ("last_name", "asc")
    label_columns = {**NAME_LABELS, "phone": _l("Телефон"), "email": _l("Эл. почта")}


def register(appbuilder) -> None:
    menu.add(appbuilder, PupilView, "Pupils", _l("Ученики"), menu.SCHOOL, "fa-child")
    menu.add(appbuilder, GuardianView, "Guardians", _l("Родители"), menu.SCHOOL, "fa-users")
    menu.add(appbuilder, StaffView, "Staff", _l("Работники"), menu.SCHOOL, "fa-id-badge")
