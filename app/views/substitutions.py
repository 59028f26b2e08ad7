"""Substitutions where they happen: one lesson picked on a date from the timetable's weeks, the
school's day of substitutions (printable for the staff room) and the monthly register of
substitute hours (xlsx). The rules are app.timetable.substitute's; these views parse and render."""
from __future__ import annotations

import datetime as dt
import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _, lazy_gettext as _l

from app import clock, formats
from app.errors import DomainError
from app.extensions import db
from app.models import School
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.timetable import substitute
from app.timetable.clashes import weekday_name
from app.views import menu

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(name: str, source=None) -> int | None:
    try:
        return int((source or request.args).get(name, ""))
    except ValueError:
        return None


def _day(text: str | None):
    try:
        return formats.parse_date(text) if text else None
    except formats.NotADate:
        return None


def may_substitute(appbuilder) -> bool:
    """Substitutions are a school's: the permission, and a school (the administrator has none)."""
    return current_scope().school_id is not None and appbuilder.sm.has_access("can_substitute", "SubstituteView")


class SubstituteView(BaseView):
    """Pick a lesson on a date: another teacher, another subject, another room, or cancel it."""

    route_base = "/substitute"
    default_view = "day"
    # The secretary enters them (as the timetable); the administration reads the day and the register.
    role_access = {R.SECRETARY: ("can_substitute", "can_day"), R.SCHOOL_ADMIN: ("can_day",)}

    def _lesson(self, source, *, write: bool):
        assignment_id, number = _int("assignment", source), _int("n", source)
        day = _day(source.get("date"))
        if assignment_id is None or number is None or day is None:
            abort(404)
        try:
            return substitute.lesson_at(db.session, current_scope(), assignment_id, day, number, write=write)
        except NotInScope:
            abort(404)

    def _back(self, lesson):
        return redirect(url_for("SubstituteView.lesson", assignment=lesson.assignment.id,
                                date=formats.format_date(lesson.date), n=lesson.lesson_number))

    @expose("/lesson")
    @has_access
    @permission_name("substitute")
    def lesson(self):
        lesson = self._lesson(request.args, write=True)
        session = db.session
        candidates = substitute.free_teachers(session, lesson)
        back = request.args.get("back") or url_for("TimetableView.class_week", pk=lesson.class_group.id,
                                                   week=lesson.date.isoformat())
        return self.render_template(
            "timetable/substitute.html",
            title=_("Замена: %(cls)s, %(date)s, %(n)s-й урок", cls=lesson.class_group.name,
                    date=formats.format_date(lesson.date), n=lesson.lesson_number),
            lesson=lesson, weekday=weekday_name(lesson.date.isoweekday()),
            subject_teachers=[c for c in candidates if c.teaches_subject],
            other_teachers=[c for c in candidates if not c.teaches_subject],
            replacements=substitute.replacements(session, lesson), rooms=substitute.free_rooms(session, lesson),
            date_text=formats.format_date(lesson.date), back=back)

    def _post(self, action):
        lesson = self._lesson(request.form, write=True)
        try:
            message = action(lesson)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(lesson)
        flash(message, "success")
        return redirect(url_for("SubstituteView.day", date=formats.format_date(lesson.date)))

    @expose("/lesson/teacher", methods=["POST"])
    @has_access
    @permission_name("substitute")
    def teacher(self):
        def act(lesson):
            teacher_id = _int("teacher_id", request.form)
            if teacher_id is None:
                raise DomainError(_("Выберите заменяющего учителя."))
            row = substitute.substitute_teacher(db.session, lesson, teacher_id, request.form.get("reason"))
            return _("Замена записана: %(cls)s, %(date)s, %(n)s-й урок ведёт %(name)s", cls=lesson.class_group.name,
                     date=formats.format_date(lesson.date), n=lesson.lesson_number, name=row.substitute.short_name)
        return self._post(act)

    @expose("/lesson/subject", methods=["POST"])
    @has_access
    @permission_name("substitute")
    def subject(self):
        def act(lesson):
            replacement_id = _int("replacement_id", request.form)
            if replacement_id is None:
                raise DomainError(_("Выберите предмет, который пройдёт вместо урока."))
            row = substitute.replace_subject(db.session, lesson, replacement_id, request.form.get("reason"))
            return _("Замена записана: %(cls)s, %(date)s, %(n)s-й урок — %(subject)s, ведёт %(name)s",
                     cls=lesson.class_group.name, date=formats.format_date(lesson.date), n=lesson.lesson_number,
                     subject=row.replacement.subject.name, name=row.substitute.short_name)
        return self._post(act)

    @expose("/lesson/room", methods=["POST"])
    @has_access
    @permission_name("substitute")
    def room(self):
        def act(lesson):
            substitute.change_room(db.session, lesson, _int("room_id", request.form))
            return _("Кабинет на %(date)s записан.", date=formats.format_date(lesson.date))
        return self._post(act)

    @expose("/lesson/cancel", methods=["POST"])
    @has_access
    @permission_name("substitute")
    def cancel(self):
        def act(lesson):
            substitute.cancel_lesson(db.session, lesson, request.form.get("reason"))
            return _("Урок отменён: %(cls)s, %(date)s, %(n)s-й урок.", cls=lesson.class_group.name,
                     date=formats.format_date(lesson.date), n=lesson.lesson_number)
        return self._post(act)

    @expose("/lesson/remove", methods=["POST"])
    @has_access
    @permission_name("substitute")
    def remove(self):
        def act(lesson):
            substitute.remove(db.session, lesson)
            return _("Замена снята: урок идёт по расписанию.")
        return self._post(act)

    @expose("/day")
    @has_access
    @permission_name("day")
    def day(self):
        text = request.args.get("date")
        day = _day(text)
        if text and day is None:
            flash(_("«%(text)s» — не дата: введите её в виде дд.мм.гггг, например 23.10.2012.", text=text), "danger")
        day = day or clock.today()
        try:
            rows = substitute.day_substitutions(db.session, current_scope(), day)
        except NotInScope:
            abort(404)
        return self.render_template(
            "timetable/substitute_day.html", title=_("Замены на %(date)s", date=formats.format_date(day)),
            day=day, weekday=weekday_name(day.isoweekday()) if day.isoweekday() <= 6 else "", rows=rows,
            school=db.session.get(School, current_scope().school_id), can_substitute=may_substitute(self.appbuilder),
            previous=day - dt.timedelta(days=1), following=day + dt.timedelta(days=1))

    def _month(self):
        text = request.args.get("month")
        try:
            month = formats.parse_month(text) if text else None
        except formats.NotADate:
            month = None
        if text and month is None:
            flash(_("«%(text)s» — не месяц: введите его как «октябрь 2012» или 10.2012.", text=text), "danger")
        return month or clock.today().replace(day=1)

    @expose("/register")
    @has_access
    @permission_name("day")
    def register(self):
        month = self._month()
        try:
            register = substitute.monthly_register(db.session, current_scope(), month)
        except NotInScope:
            abort(404)
        return self.render_template(
            "timetable/substitute_register.html",
            title=_("Учёт замен: %(month)s", month=formats.format_month(month)), month=month, register=register,
            total=sum(t.hours for t in register))

    @expose("/register.xlsx")
    @has_access
    @permission_name("day")
    def register_xlsx(self):
        month = self._month()
        try:
            register = substitute.monthly_register(db.session, current_scope(), month)
        except NotInScope:
            abort(404)
        school = db.session.get(School, current_scope().school_id)
        data = substitute.register_xlsx(register, month, school.name if school else "")
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"zameny-{month:%Y-%m}.xlsx")


def register(appbuilder) -> None:
    menu.add(appbuilder, SubstituteView, "SubstitutionDay", _l("Замены на день"), menu.SCHOOL, "fa-exchange",
             shown_when=lambda: current_scope().school_id is not None)
