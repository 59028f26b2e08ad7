"""Journal views (the mark grid comes with its issue); a scoped list of marks for now."""
from flask_babel import lazy_gettext as _l

from app.models import Mark
from app.security import roles as R
from app.views import menu
from app.views.base import ScopedInterface, ScopedModelView


class MarkView(ScopedModelView):
    datamodel = ScopedInterface(Mark)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.TEACHER: R.READ}
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Отметки")
    show_title = _l("Отметка")
    list_columns = ["lesson.date", "lesson.assignment", "pupil", "value", "mark_type"]
    show_columns = ["lesson.date", "lesson.assignment", "pupil", "value", "mark_type", "comment", "created_at"]
    base_order = ("id", "desc")
    label_columns = {
        "lesson.date": _l("Дата"), "lesson.assignment": _l("Класс и предмет"), "pupil": _l("Ученик"),
        "value": _l("Отметка"), "mark_type": _l("Вид работы"), "comment": _l("Комментарий"),
        "created_at": _l("Выставлена"),
    }


def register(appbuilder) -> None:
    menu.add(appbuilder, MarkView, "Marks", _l("Отметки"), menu.JOURNAL, "fa-list")
