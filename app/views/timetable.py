"""School structure and timetable views (classes; the timetable grid comes with its issue)."""
from flask_babel import lazy_gettext as _l

from app.models import ClassGroup
from app.security import roles as R
from app.views import menu
from app.views.base import ScopedInterface, ScopedModelView


class ClassGroupView(ScopedModelView):
    datamodel = ScopedInterface(ClassGroup)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Классы")
    show_title = add_title = edit_title = _l("Класс")
    list_columns = ["name", "academic_year", "shift", "class_teacher"]
    add_columns = edit_columns = ["school", "academic_year", "grade", "letter", "shift", "class_teacher"]
    show_columns = ["name", "academic_year", "shift", "class_teacher"]
    search_columns = ["grade", "letter", "academic_year", "class_teacher"]
    order_columns = ["academic_year", "shift"]
    base_order = ("grade", "asc")
    label_columns = {
        "name": _l("Класс"), "school": _l("Школа"), "academic_year": _l("Учебный год"), "grade": _l("Параллель"),
        "letter": _l("Литера"), "shift": _l("Смена"), "class_teacher": _l("Классный руководитель"),
    }


def register(appbuilder) -> None:
    menu.add(appbuilder, ClassGroupView, "Classes", _l("Классы"), menu.SCHOOL, "fa-users")
