"""Organisation records: municipalities, schools, school years, study periods, holidays."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.models import AcademicYear, Holiday, Municipality, School, StudyPeriod
from app.security import roles as R
from app.views import menu
from app.views.base import ScopedModelView
from app.web.data import ScopedInterface

ALL_READ = {role: R.READ for role in R.ALL_ROLES if role not in (R.ADMIN, R.VENDOR, R.PARENT, R.PUPIL)}


class MunicipalityView(ScopedModelView):
    datamodel = ScopedInterface(Municipality)
    role_access = ALL_READ
    list_title = _l("Муниципальные образования")
    show_title = _l("Муниципальное образование")
    add_title = _l("Новое муниципальное образование")
    edit_title = _l("Муниципальное образование")
    # Not its schools: FAB's default record page listed every school of the municipality, under an
    # English label, to a school's users too, whose scope is their own school.
    list_columns = show_columns = ["name", "kind"]
    search_columns = ["name", "kind"]
    add_columns = edit_columns = ["name", "kind"]
    order_columns = ["name", "kind"]
    base_order = ("name", "asc")
    label_columns = {"name": _l("Название"), "kind": _l("Вид")}


class SchoolView(ScopedModelView):
    datamodel = ScopedInterface(School)
    role_access = {**ALL_READ, R.MUNICIPAL: R.UPDATE}
    list_title = _l("Школы")
    show_title = _l("Школа")
    add_title = _l("Новая школа")
    edit_title = _l("Школа")
    list_columns = ["short_name", "municipality", "kind", "journal_system"]
    search_columns = ["name", "short_name", "municipality", "kind", "journal_system"]
    add_columns = ["municipality", "name", "short_name", "kind", "is_general_education", "journal_system", "address"]
    edit_columns = ["name", "short_name", "kind", "is_general_education", "journal_system", "address"]
    show_columns = add_columns
    order_columns = ["short_name", "kind"]
    base_order = ("short_name", "asc")
    label_columns = {
        "name": _l("Полное название"),
        "short_name": _l("Краткое название"),
        "municipality": _l("Муниципальное образование"),
        "kind": _l("Тип"),
        "is_general_education": _l("Общеобразовательная"),
        "journal_system": _l("Система электронного журнала"),
        "address": _l("Адрес"),
    }


class AcademicYearView(ScopedModelView):
    datamodel = ScopedInterface(AcademicYear)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.READ}
    list_title = _l("Учебные годы")
    show_title = add_title = edit_title = _l("Учебный год")
    list_columns = add_columns = edit_columns = show_columns = ["name", "starts_on", "ends_on"]
    base_order = ("starts_on", "desc")
    label_columns = {"name": _l("Учебный год"), "starts_on": _l("Начало"), "ends_on": _l("Окончание")}


PERIOD_KINDS = {"quarter": _l("четверть"), "trimester": _l("триместр"), "half": _l("полугодие")}


class StudyPeriodView(ScopedModelView):
    datamodel = ScopedInterface(StudyPeriod)
    role_access = {R.SCHOOL_ADMIN: R.EDIT, R.SECRETARY: R.READ, R.TEACHER: R.READ}
    list_title = _l("Учебные периоды")
    show_title = add_title = edit_title = _l("Учебный период")
    list_columns = ["name", "kind", "academic_year", "starts_on", "ends_on", "locked_at"]
    add_columns = edit_columns = ["school", "academic_year", "kind", "number", "name", "starts_on", "ends_on"]
    show_columns = list_columns
    search_columns = ["academic_year", "kind", "name", "starts_on"]
    order_columns = ["name", "starts_on", "ends_on"]
    base_order = ("starts_on", "asc")
    formatters_columns = {"kind": lambda kind: PERIOD_KINDS.get(kind, kind)}
    search_code_columns = {"kind": PERIOD_KINDS}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Вид периода"), choices=list(PERIOD_KINDS.items()), default="quarter"),
    }
    label_columns = {
        "school": _l("Школа"), "academic_year": _l("Учебный год"), "kind": _l("Вид периода"),
        "number": _l("Номер"), "name": _l("Название"), "starts_on": _l("Начало"), "ends_on": _l("Окончание"),
        "locked_at": _l("Закрыт"),
    }


class HolidayView(ScopedModelView):
    datamodel = ScopedInterface(Holiday)
    role_access = {R.SCHOOL_ADMIN: R.EDIT, R.SECRETARY: R.READ}
    list_title = _l("Каникулы")
    show_title = add_title = edit_title = _l("Каникулы")
    list_columns = ["name", "starts_on", "ends_on", "grade_from", "grade_to"]
    add_columns = edit_columns = ["school", "academic_year", "name", "starts_on", "ends_on", "grade_from", "grade_to"]
    show_columns = add_columns
    search_columns = ["academic_year", "name", "starts_on", "grade_from", "grade_to"]
    order_columns = ["name", "starts_on", "ends_on", "grade_from"]
    base_order = ("starts_on", "asc")
    description_columns = {
        "grade_from": _l("Каникулы только для части параллелей: например, дополнительная неделя в феврале — "
                         "с 1 по 1 параллель."),
    }
    label_columns = {
        "school": _l("Школа"), "academic_year": _l("Учебный год"), "name": _l("Название"),
        "starts_on": _l("Начало"), "ends_on": _l("Окончание"),
        "grade_from": _l("С параллели"), "grade_to": _l("По параллель"),
    }


def register(appbuilder) -> None:
    menu.add(appbuilder, MunicipalityView, "Municipalities", _l("Муниципальные образования"), menu.CATALOGUES, "fa-map")
    menu.add(appbuilder, SchoolView, "Schools", _l("Школы"), menu.CATALOGUES, "fa-university")
    menu.add(appbuilder, AcademicYearView, "AcademicYears", _l("Учебные годы"), menu.CATALOGUES, "fa-calendar")
    menu.add(appbuilder, StudyPeriodView, "StudyPeriods", _l("Учебные периоды"), menu.SCHOOL, "fa-calendar")
    menu.add(appbuilder, HolidayView, "Holidays", _l("Каникулы"), menu.SCHOOL, "fa-sun-o")
