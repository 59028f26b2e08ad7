"""School structure and timetable: the secretary's and the director's working screens.

Generic lists (classes, subjects, load, subgroups, rooms, bells, substitutions) are scoped FAB
views; the weekly grid, the lesson calendar and the pupil import are custom BaseViews. The rules
live in app.timetable; these views only read the request, check scope and render."""
from __future__ import annotations

import datetime as dt
import io

from flask import abort, current_app, flash, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _, lazy_gettext as _l
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterGreater, FilterSmaller, SQLAFilterConverter
from sqlalchemy import Time
from wtforms import BooleanField, TimeField
from wtforms.validators import InputRequired

from app import clock, formats
from app.errors import DomainError
from app.extensions import db
from app.security.clauses import NotInScope
from app.models import (
    AcademicYear,
    BellSchedule,
    ClassGroup,
    Room,
    School,
    Staff,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableSlot,
)
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.security.scope import changeable
from app.timetable import WEEKDAYS
from app.timetable import calendar as lesson_calendar
from app.timetable import export, pupil_import
from app.timetable import grid as week_grid
from app.timetable.clashes import WEEKDAY_NAMES, class_warnings, week_of, week_slots
from app.views import menu
from app.views.base import ScopedModelView
from app.views.json_body import json_int, json_object, json_text
from app.views.substitutions import may_substitute
from app.web.data import ScopedInterface
from app.xlsx_upload import XlsxLimits

def checkbox(label) -> BooleanField:
    """A NOT NULL boolean as an optional checkbox (FAB would make an unticked box «required»)."""
    return BooleanField(label, default=False)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ClassGroupView(ScopedModelView):
    datamodel = ScopedInterface(ClassGroup)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Классы")
    show_title = add_title = edit_title = _l("Класс")
    list_columns = ["name", "academic_year", "shift", "class_teacher"]
    add_columns = edit_columns = ["school", "academic_year", "grade", "letter", "shift", "class_teacher"]
    show_columns = ["name", "academic_year", "shift", "class_teacher"]
    show_template = "timetable/class_show.html"  # with «Выдать доступ классу»
    search_columns = ["grade", "letter", "academic_year", "class_teacher"]
    order_columns = ["shift"]  # FAB cannot sort by a relation (the year)
    base_order = ("grade", "asc")
    label_columns = {
        "name": _l("Класс"), "school": _l("Школа"), "academic_year": _l("Учебный год"), "grade": _l("Параллель"),
        "letter": _l("Литера"), "shift": _l("Смена"), "class_teacher": _l("Классный руководитель"),
    }


def _own_school() -> School | None:
    """The user's school (None for region-wide users): the default of a school field."""
    school_id = current_scope().school_id
    return db.session.get(School, school_id) if school_id is not None else None


class SubjectView(ScopedModelView):
    """Subjects of the regional catalogue (no school) and the school's own."""

    datamodel = ScopedInterface(Subject)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Предметы")
    show_title = add_title = edit_title = _l("Предмет")
    list_columns = ["name", "short_name", "school"]
    add_columns = edit_columns = show_columns = ["school", "name", "short_name"]
    search_columns = ["name", "short_name"]
    order_columns = ["name", "short_name"]
    base_order = ("name", "asc")
    label_columns = {"name": _l("Название"), "short_name": _l("Краткое название"),
                     "school": _l("Школа (пусто — региональный справочник)")}
    description_columns = {"school": _l("Оставьте пустым только для предмета регионального справочника.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A school's secretary adds subjects of their school: the drop-down starts at it.
        self.add_form.school.kwargs["default"] = _own_school

    def _refuse_regional(self, item):
        # The form sets the relation; `school_id` follows it only at the flush (a new subject's is
        # None until then, so every secretary's subject counted as a regional one).
        if item.school is None and not current_scope().is_admin:
            db.session.rollback()
            raise DomainError(_("Предметы регионального справочника меняет только администратор; "
                                "добавьте предмет своей школы."))

    def pre_add(self, item):
        self._refuse_regional(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._refuse_regional(item)
        super().pre_update(item)

    def pre_delete(self, item):
        self._refuse_regional(item)
        super().pre_delete(item)


class TeachingAssignmentView(ScopedModelView):
    datamodel = ScopedInterface(TeachingAssignment)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Учебная нагрузка")
    show_title = add_title = edit_title = _l("Нагрузка")
    list_columns = ["class_group", "subject", "subgroup", "teacher", "hours_per_week"]
    add_columns = edit_columns = show_columns = ["class_group", "subject", "subgroup", "teacher", "hours_per_week"]
    search_columns = ["class_group", "subject", "teacher", "subgroup"]
    order_columns = ["hours_per_week"]
    base_order = ("class_group_id", "asc")
    label_columns = {"class_group": _l("Класс"), "subject": _l("Предмет"), "subgroup": _l("Подгруппа"),
                     "teacher": _l("Учитель"), "hours_per_week": _l("Часов в неделю")}
    description_columns = {"subgroup": _l("Пусто — урок всего класса."),
                           "hours_per_week": _l("Например, 4 или 1,5 (через неделю).")}

    def pre_add(self, item):
        self._check_subgroup(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._check_subgroup(item)
        super().pre_update(item)

    @staticmethod
    def _check_subgroup(item):
        if item.subgroup is not None and item.class_group is not None and item.subgroup.class_group_id != item.class_group.id:
            db.session.rollback()
            raise DomainError(_("Подгруппа «%(group)s» из другого класса: выберите подгруппу класса %(cls)s.",
                                group=item.subgroup.name, cls=item.class_group.name))


class SubgroupView(ScopedModelView):
    datamodel = ScopedInterface(Subgroup)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Подгруппы")
    show_title = add_title = edit_title = _l("Подгруппа")
    list_columns = ["class_group", "name"]
    add_columns = edit_columns = show_columns = ["class_group", "name", "pupils"]
    search_columns = ["class_group", "name"]
    order_columns = ["name"]
    base_order = ("class_group_id", "asc")
    label_columns = {"class_group": _l("Класс"), "name": _l("Название"), "pupils": _l("Ученики")}


class RoomView(ScopedModelView):
    datamodel = ScopedInterface(Room)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Кабинеты")
    show_title = add_title = edit_title = _l("Кабинет")
    list_columns = ["name", "shareable"]
    add_columns = edit_columns = show_columns = ["school", "name", "shareable"]
    search_columns = ["name", "shareable"]
    order_columns = ["name", "shareable"]
    base_order = ("name", "asc")
    label_columns = {"school": _l("Школа"), "name": _l("Кабинет"), "shareable": _l("Общий (несколько классов сразу)")}
    add_form_extra_fields = edit_form_extra_fields = {"shareable": checkbox(_l("Общий (несколько классов сразу)"))}


class _TimeFilterConverter(SQLAFilterConverter):
    conversion_table = SQLAFilterConverter.conversion_table + (("is_time", [FilterEqual, FilterGreater, FilterSmaller]),)


class _BellInterface(ScopedInterface):
    """FAB has no filters for TIME columns (and warns at every start); bell times get the basic ones."""

    filter_converter_class = _TimeFilterConverter

    def is_time(self, col_name: str) -> bool:
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)


class BellScheduleView(ScopedModelView):
    datamodel = _BellInterface(BellSchedule)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.EDIT, R.TEACHER: R.READ}
    list_title = _l("Расписание звонков")
    show_title = add_title = edit_title = _l("Звонок")
    list_columns = ["shift", "lesson_number", "starts_at", "ends_at"]
    add_columns = edit_columns = show_columns = ["school", "shift", "lesson_number", "starts_at", "ends_at"]
    search_columns = ["shift", "lesson_number"]
    order_columns = ["shift", "lesson_number", "starts_at"]
    base_order = ("lesson_number", "asc")
    label_columns = {"school": _l("Школа"), "shift": _l("Смена"), "lesson_number": _l("Номер урока"),
                     "starts_at": _l("Начало"), "ends_at": _l("Окончание")}
    add_form_extra_fields = edit_form_extra_fields = {
        "starts_at": TimeField(_l("Начало"), format="%H:%M", widget=BS3TextFieldWidget(),
                               validators=[InputRequired()], description=_l("ЧЧ:ММ, например 08:30")),
        "ends_at": TimeField(_l("Окончание"), format="%H:%M", widget=BS3TextFieldWidget(),
                             validators=[InputRequired()], description=_l("ЧЧ:ММ, например 09:15")),
    }


class SubstitutionView(ScopedModelView):
    """The history of substitutions, to search; they are entered from the timetable's weeks
    (SubstituteView), where the free teachers and rooms are offered."""

    datamodel = ScopedInterface(Substitution)
    role_access = {R.SCHOOL_ADMIN: R.READ, R.SECRETARY: R.READ, R.TEACHER: R.READ}
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Замены: история")
    show_title = _l("Замена")
    list_columns = ["date", "lesson_number", "assignment", "assignment.teacher", "substitute", "replacement", "room",
                    "cancelled", "reason"]
    show_columns = list_columns
    search_columns = ["date", "assignment", "substitute", "cancelled"]
    order_columns = ["date", "lesson_number"]
    base_order = ("date", "desc")
    label_columns = {"date": _l("Дата"), "lesson_number": _l("Урок"), "assignment": _l("Класс и предмет"),
                     "assignment.teacher": _l("Учитель по нагрузке"), "substitute": _l("Заменяющий учитель"),
                     "replacement": _l("Другой предмет"), "room": _l("Кабинет на этот день"),
                     "cancelled": _l("Урок отменён"), "reason": _l("Причина")}


# --- the weekly grid ----------------------------------------------------------------------

def _first_school_monday(year: AcademicYear) -> dt.date:
    start = year.starts_on
    return week_of(start + dt.timedelta(days=2)) if start.isoweekday() >= 6 else week_of(start)


def _week(year: AcademicYear | None) -> dt.date:
    """The Monday of the requested week, or of today clamped into the academic year."""
    asked = formats.date_or_none(request.args.get("week"))
    if asked:
        return week_of(asked)
    today = clock.today()
    if year is not None and not (year.starts_on <= today <= year.ends_on):
        return _first_school_monday(year)
    return week_of(today)


def _visible_or_404(session, model, pk, *, write=False):
    try:
        return week_grid.scoped_row(session, current_scope(), model, pk, write=write)
    except NotInScope:
        abort(404)


class TimetableView(BaseView):
    """The week per class (editable), per teacher and per room; xlsx export."""

    route_base = "/timetable"
    default_view = "index"
    role_access = {
        R.SECRETARY: ("can_grid", "can_edit", "can_download"),
        R.SCHOOL_ADMIN: ("can_grid", "can_download"),
        R.TEACHER: ("can_grid", "can_download"),
    }
    scope_routes = [
        ("/class/<int:pk>", ClassGroup),
        ("/teacher/<int:pk>", Staff),
        ("/room/<int:pk>", Room),
        ("/class/<int:pk>/cell", ClassGroup, lambda scope: changeable(scope, ClassGroup)),
        ("/class/<int:pk>/cell/clear", ClassGroup, lambda scope: changeable(scope, ClassGroup)),
    ]

    def _can_edit(self) -> bool:
        return self.appbuilder.sm.has_access("can_edit", self.class_permission_name)

    def _can_substitute(self) -> bool:
        return may_substitute(self.appbuilder)

    @expose("/")
    @has_access
    @permission_name("grid")
    def index(self):
        session = read_session()
        scope = current_scope()
        classes, teachers, rooms = week_grid.grid_choices(session, scope)
        # The school's timetable is the user's own school's: the administrator has none (a 404).
        return self.render_template("timetable/index.html", classes=classes, teachers=teachers, rooms=rooms,
                                    title=_("Расписание"), school_export=scope.school_id is not None)

    def _grid_page(self, *, title, monday, bells, grid, mode, class_group=None, year=None, export_args=None,
                   subs=None, extras=None):
        numbers = sorted({b.lesson_number for b in bells} | {n for (_d, n) in grid})
        times = {b.lesson_number: b for b in bells}
        days = [(w, monday + dt.timedelta(days=w - 1)) for w in WEEKDAYS]
        context = dict(title=title, monday=monday, numbers=numbers, times=times, grid=grid, days=days,
                       weekday_names=WEEKDAY_NAMES, mode=mode, class_group=class_group,
                       prev_week=monday - dt.timedelta(weeks=1), next_week=monday + dt.timedelta(weeks=1),
                       export_args=export_args or {}, editable=False, subs=subs or {}, extras=extras or {},
                       can_substitute=self._can_substitute())
        choices = week_grid.class_edit_choices(db.session, current_scope(), class_group) \
            if mode == "class" and self._can_edit() else None
        if choices is not None:
            context.update(choices, editable=True)
            first = _first_school_monday(year)
            context["valid_from"] = year.starts_on if monday <= first else monday
        if class_group is not None:
            context["warnings"] = class_warnings(db.session, class_group, monday)
            context["sibling_classes"] = week_grid.sibling_classes(db.session, current_scope(), class_group)
        return self.render_template("timetable/grid.html", **context)

    @expose("/class/<int:pk>")
    @has_access
    @permission_name("grid")
    def class_week(self, pk):
        session = db.session
        class_group = _visible_or_404(session, ClassGroup, pk)
        year = class_group.academic_year
        monday = _week(year)
        bells = week_grid.bells(session, class_group.school_id, class_group.shift)
        grid = week_slots(session, TimetableSlot.class_group_id == class_group.id, monday)
        subs = week_grid.week_substitutions(session, TeachingAssignment.class_group_id == class_group.id, monday)
        return self._grid_page(title=_("Расписание %(cls)s класса", cls=class_group.name), monday=monday,
                               bells=bells, grid=grid, mode="class", class_group=class_group, year=year,
                               export_args={"kind": "class", "id": class_group.id}, subs=subs)

    @expose("/teacher/<int:pk>")
    @has_access
    @permission_name("grid")
    def teacher_week(self, pk):
        session = read_session()
        teacher = _visible_or_404(session, Staff, pk)
        monday = _week(None)
        bells = week_grid.bells(session, teacher.school_id)
        grid = week_slots(session, TeachingAssignment.teacher_id == teacher.id, monday)
        subs = week_grid.week_substitutions(session, TeachingAssignment.teacher_id == teacher.id, monday)
        # Lessons this teacher takes over from colleagues that week.
        extras: dict = {}
        taken = week_grid.week_substitutions(session, Substitution.substitute_id == teacher.id, monday)
        for (weekday, number, _a), sub in sorted(taken.items()):
            extras.setdefault((weekday, number), []).append(_(
                "Замена: %(cls)s, %(subject)s", cls=sub.assignment.class_group.name,
                subject=(sub.replacement or sub.assignment).subject.name))
        return self._grid_page(title=_("Расписание учителя %(name)s", name=teacher.full_name), monday=monday,
                               bells=bells, grid=grid, mode="teacher",
                               export_args={"kind": "teacher", "id": teacher.id}, subs=subs, extras=extras)

    @expose("/room/<int:pk>")
    @has_access
    @permission_name("grid")
    def room_week(self, pk):
        session = read_session()
        room = _visible_or_404(session, Room, pk)
        monday = _week(None)
        bells = week_grid.bells(session, room.school_id)
        grid = week_slots(session, TimetableSlot.room_id == room.id, monday)
        return self._grid_page(title=_("Занятость кабинета %(room)s", room=room.name), monday=monday,
                               bells=bells, grid=grid, mode="room")

    def _cell_request(self, pk):
        class_group = _visible_or_404(db.session, ClassGroup, pk, write=True)
        data = json_object()
        where = _("Не указана клетка расписания (день и номер урока).")
        weekday = json_int(data, "weekday", message=where)
        number = json_int(data, "lesson_number", message=where)
        if weekday not in WEEKDAY_NAMES:
            raise DomainError(where)
        valid_from = formats.date_or_none(json_text(data, "valid_from"))
        if valid_from is None:
            raise DomainError(_("Укажите дату, с которой действует изменение."))
        week_grid.check_valid_from(class_group, valid_from)
        return class_group, data, weekday, number, valid_from

    def _cell_reply(self, class_group, weekday, number, valid_from, result):
        # The cell as shown in the page's week (which may differ from the change's start date).
        monday = week_of(formats.date_or_none(json_text(json_object(), "week")) or valid_from)
        day = monday + dt.timedelta(days=weekday - 1)
        slots = [s for s in week_slots(db.session, TimetableSlot.class_group_id == class_group.id, monday)
                 .get((weekday, number), [])]
        subs = week_grid.week_substitutions(db.session, TeachingAssignment.class_group_id == class_group.id, monday)
        html = self.render_template("timetable/_cell.html", slots=slots, mode="class", subs=subs, extras={},
                                    weekday=weekday, number=number, day=day, can_substitute=self._can_substitute())
        regenerate = lesson_calendar.out_of_step_message(class_group, number, result.out_of_step)
        return jsonify(html=html, warnings=result.warnings, weekday=weekday, lesson_number=number, regenerate=regenerate,
                       message=_("Сохранено; изменение действует с %(date)s.", date=formats.format_date(valid_from)))

    @expose("/class/<int:pk>/cell", methods=["POST"])
    @has_access
    @permission_name("edit")
    def save(self, pk):
        class_group, data, weekday, number, valid_from = self._cell_request(pk)
        assignment_id = json_int(data, "assignment_id", message=_("Выберите предмет и учителя из нагрузки этого класса."))
        room_id = json_int(data, "room_id", optional=True, message=_("Выберите кабинет из списка."))
        result = week_grid.save_class_cell(db.session, current_scope(), class_group, weekday, number, assignment_id,
                                      room_id, valid_from, add=bool(data.get("add")))
        return self._cell_reply(class_group, weekday, number, valid_from, result)

    @expose("/class/<int:pk>/cell/clear", methods=["POST"])
    @has_access
    @permission_name("edit")
    def clear(self, pk):
        class_group, data, weekday, number, valid_from = self._cell_request(pk)
        result = week_grid.clear_class_cell(db.session, current_scope(), class_group, weekday, number, valid_from)
        return self._cell_reply(class_group, weekday, number, valid_from, result)

    @expose("/export")
    @has_access
    @permission_name("download")
    def download(self):
        session = read_session()
        kind = request.args.get("kind", "class")
        on = formats.date_or_none(request.args.get("week")) or clock.today()
        try:
            pk = int(request.args.get("id", "0"))
        except ValueError:
            abort(404)
        if kind == "class":
            class_group = _visible_or_404(session, ClassGroup, pk)
            data = export.class_timetable_xlsx(session, [class_group], on)
            name = f"raspisanie-{class_group.grade}{class_group.letter}.xlsx"
        elif kind == "teacher":
            teacher = _visible_or_404(session, Staff, pk)
            data = export.teacher_timetable_xlsx(session, teacher, on)
            name = f"raspisanie-uchitel-{teacher.id}.xlsx"
        elif kind == "school":
            try:
                classes = week_grid.school_classes(session, current_scope())
            except NotInScope:
                abort(404)
            data = export.class_timetable_xlsx(session, classes, on)
            name = "raspisanie-shkoly.xlsx"
        else:
            abort(404)
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


# --- the lesson calendar ------------------------------------------------------------------

class LessonCalendarView(BaseView):
    """Generate the lessons of a study period from the timetable; show what changed."""

    route_base = "/lesson-calendar"
    default_view = "index"
    role_access = {R.SECRETARY: ("can_generate",), R.SCHOOL_ADMIN: ("can_generate",)}

    @expose("/", methods=["GET", "POST"])
    @has_access
    @permission_name("generate")
    def index(self):
        periods, classes = lesson_calendar.calendar_choices(db.session, current_scope())
        report = period = None
        if request.method == "POST":
            period = next((p for p in periods if str(p.id) == request.form.get("period_id")), None)
            if period is None:
                raise DomainError(_("Выберите учебный период."))
            class_ids = None
            if request.form.get("class_id"):
                chosen = next((c for c in classes if str(c.id) == request.form["class_id"]), None)
                if chosen is None or chosen.school_id != period.school_id:
                    raise DomainError(_("Выберите класс той же школы, что и период."))
                class_ids = [chosen.id]
            try:
                report = lesson_calendar.generate_for(db.session, current_scope(), period, class_ids)
            except NotInScope:
                abort(404)
        return self.render_template("timetable/calendar.html", title=_("Календарь уроков"), periods=periods,
                                    classes=classes, report=report, period=period,
                                    chosen_class=request.form.get("class_id", ""))


# --- pupil import -------------------------------------------------------------------------

class PupilImportView(BaseView):
    """Upload a class list, see every bad row, confirm: then all rows are written or none."""

    route_base = "/pupil-import"
    default_view = "index"
    role_access = {R.SECRETARY: ("can_import",)}

    def _school_and_year(self):
        school_id = current_scope().school_id
        if school_id is None:
            raise DomainError(_("Импорт учеников доступен сотруднику школы."))
        year = pupil_import.import_year(db.session, clock.today(), school_id)
        if year is None:
            raise DomainError(_("Сначала заведите классы школы на учебный год."))
        return school_id, year

    def _check(self, school_id, year, raw):
        return pupil_import.check_rows(db.session, school_id, year.id, raw, year.starts_on)

    @expose("/", methods=["GET"])
    @has_access
    @permission_name("import")
    def index(self):
        return self.render_template("timetable/import.html", title=_("Импорт учеников"), preview=None)

    @expose("/template.xlsx")
    @has_access
    @permission_name("import")
    def template(self):
        return send_file(io.BytesIO(pupil_import.template_xlsx()), mimetype=XLSX, as_attachment=True,
                         download_name="shablon-spisok-klassa.xlsx")

    @expose("/preview", methods=["POST"])
    @has_access
    @permission_name("import")
    def preview(self):
        school_id, year = self._school_and_year()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise DomainError(_("Выберите файл со списком класса (xlsx или csv)."))
        raw = pupil_import.read_table(upload.read(), upload.filename, XlsxLimits.from_config(current_app.config))
        checked = self._check(school_id, year, raw)
        token = pupil_import.sign_rows(raw, school_id, current_app.config["SECRET_KEY"]) if checked.ok else None
        return self.render_template("timetable/import.html", title=_("Импорт учеников: проверка"), preview=checked,
                                    token=token, year=year, filename=upload.filename)

    @expose("/confirm", methods=["POST"])
    @has_access
    @permission_name("import")
    def confirm(self):
        school_id, year = self._school_and_year()
        enrolled_on = clock.today() if year.starts_on <= clock.today() <= year.ends_on else year.starts_on
        checked, result = pupil_import.confirm_and_write(db.session, school_id, year, request.form.get("token", ""),
                                                         current_app.config["SECRET_KEY"], enrolled_on)
        if result is None:
            return self.render_template("timetable/import.html", title=_("Импорт учеников: проверка"),
                                        preview=checked, token=None, year=year, filename="")
        flash(_("Записано учеников: %(p)s; новых родителей: %(g)s; привязано к уже известным родителям: %(l)s.",
                p=result.pupils, g=result.guardians_created, l=result.guardians_linked), "success")
        return redirect(url_for("PupilView.list"))


def register(appbuilder) -> None:
    menu.add(appbuilder, ClassGroupView, "Classes", _l("Классы"), menu.SCHOOL, "fa-users")
    menu.add(appbuilder, TimetableView, "Timetable", _l("Расписание"), menu.SCHOOL, "fa-th")
    menu.add(appbuilder, TeachingAssignmentView, "TeachingLoad", _l("Учебная нагрузка"), menu.SCHOOL, "fa-briefcase")
    menu.add(appbuilder, SubstitutionView, "Substitutions", _l("Замены"), menu.SCHOOL, "fa-exchange")
    menu.add(appbuilder, LessonCalendarView, "LessonCalendar", _l("Календарь уроков"), menu.SCHOOL, "fa-calendar-check-o")
    menu.add(appbuilder, PupilImportView, "PupilImport", _l("Импорт учеников"), menu.SCHOOL, "fa-upload")
    menu.add(appbuilder, SubjectView, "Subjects", _l("Предметы"), menu.SCHOOL, "fa-book")
    menu.add(appbuilder, SubgroupView, "Subgroups", _l("Подгруппы"), menu.SCHOOL, "fa-object-group")
    menu.add(appbuilder, RoomView, "Rooms", _l("Кабинеты"), menu.SCHOOL, "fa-building")
    menu.add(appbuilder, BellScheduleView, "Bells", _l("Расписание звонков"), menu.SCHOOL, "fa-bell")
