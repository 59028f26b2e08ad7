"""«Журнал»: the teacher's mark grid, its JSON saves, cell history, period locking, class reports
and the archive copy. Thin: every rule lives in app.journal.*, every filter in app.security.scope."""
from __future__ import annotations

import io
import os
import tempfile

from flask import abort, after_this_request, current_app, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, has_access_api
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from app import clock, formats, uploads
from app.errors import DomainError
from app.extensions import db
from app.http import limit_uploads
from app.journal import (absence_notices, archive, assessment_settings, entries, grid, history, homework, listing,
                         period_close, reports, today)
from app.journal.access import lessons_listed
from app.security.clauses import NotInScope
from app.journal.catalogue import Catalogue, load_catalogue
from app.models import ClassGroup, Lesson, Mark, StudyPeriod, TeachingAssignment
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope, kept
from app.security.filters import ScopeFilter
from app.security.scope import journal_assignments, journal_classes
from app.today import registry as today_blocks
from app.views import layout, menu
from app.views.base import ScopedModelView
from app.web.data import ScopedInterface
from app.web.diary import school_calendar
from app.views.json_body import json_int, json_object, json_text, unreadable

TEACHER_PERMISSIONS = ("can_index", "can_grid", "can_save_cell", "can_save_lesson", "can_save_period_mark",
                       "can_fill_column", "can_absentees", "can_report", "can_report_xlsx", "can_archive",
                       "can_lesson_homework", "can_save_homework")
ADMIN_PERMISSIONS = TEACHER_PERMISSIONS + ("can_history",)


class MarkScopeFilter(ScopeFilter):
    """The marks the user may read, checked on each mark's lesson (joined; see `lessons_listed`).
    With the scope's «the mark's lesson is one of the school's», PostgreSQL read every mark of the
    region to list a director's fifty (1.5 s at 40 schools)."""

    def apply(self, query, value):
        # FAB's sorting by «lesson.date» finds this join (is_model_already_joined) and adds none.
        return query.join(Lesson, Lesson.id == Mark.lesson_id).filter(lessons_listed(current_scope(), Mark))


class MarkView(ScopedModelView):
    datamodel = ScopedInterface(Mark)
    scope_filter = MarkScopeFilter
    role_access = {R.SCHOOL_ADMIN: R.READ, R.TEACHER: R.READ}
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Отметки")
    show_title = _l("Отметка")
    list_columns = ["lesson.date", "lesson.assignment", "pupil", "value", "mark_type"]
    show_columns = ["lesson.date", "lesson.assignment", "pupil", "value", "mark_type", "comment", "created_at"]
    # FAB's default searches every column, the lesson among them: its drop-down listed every lesson
    # of the school's year (tens of thousands, a minute to draw, each shown as «<Lesson object>»).
    search_columns = ["pupil", "value", "mark_type", "created_at"]
    # The latest lessons' marks first, by the date the list shows.
    base_order = ("lesson.date", "desc")
    label_columns = {
        "lesson.date": _l("Дата"), "lesson.assignment": _l("Класс и предмет"), "pupil": _l("Ученик"),
        "value": _l("Отметка"), "mark_type": _l("Вид работы"), "comment": _l("Комментарий"),
        "created_at": _l("Выставлена"),
    }


def _actor() -> entries.Actor:
    return entries.Actor.of(g.user, request.remote_addr)


def _known(data: dict) -> entries.CellKnown:
    return _cell_known(data.get("known"))


def _cell_known(raw) -> entries.CellKnown:
    """A cell's versions as the page showed them: {"marks": {position: version}, "absence": version}."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise DomainError(unreadable())
    marks = raw.get("marks") or {}
    if not isinstance(marks, dict):
        raise DomainError(unreadable())
    return entries.CellKnown({json_int({"v": k}, "v"): json_int({"v": v}, "v") for k, v in marks.items()},
                             json_int(raw, "absence", optional=True))


def _column_known(data: dict) -> dict[int, entries.CellKnown]:
    """The versions of a lesson's column as the page showed them: {pupil id: a cell's versions}."""
    raw = data.get("known") or {}
    if not isinstance(raw, dict):
        raise DomainError(unreadable())
    return {json_int({"v": k}, "v"): _cell_known(v) for k, v in raw.items()}


def current_catalogue() -> Catalogue:
    """The work types and absence codes, from the app's cache while the reference version holds."""
    return kept("catalogue", "catalogue", lambda: load_catalogue(db.session))


def kept_periods(school_id: int):
    """The school's study periods, from its calendar kept per process (the diary's)."""
    return school_calendar(school_id).periods


def _period_arg() -> int | None:
    return _id_arg("period")


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def grid_rows(data: grid.Grid) -> list[tuple]:
    """The grid's rows as journal/_table.html draws them: per pupil (the pupil, its name escaped,
    its cells), the cells in the lessons' order, each (lesson id, «, day» escaped, editable, the
    cell's text, its marks' versions, its absence's version, absent, outside the pupil's days in
    the class: read-only and greyed); an empty cell has the text ""
    and is one tuple per column. The template prints the cells unescaped (bench: the journal grid),
    so the text it prints is escaped here: the name once per row, the day once per column, and a
    cell's text once per distinct text (a mark is a number; a cell with an absence code or several
    marks has one of a few dozen texts)."""
    columns = [(lesson.id, str(lesson.id), str(escape(f", {lesson.day}")), lesson.editable, False)
               for lesson in data.lessons]
    empty = {lesson_id: (shown_id, day, editable, "", None, None, False, False)
             for lesson_id, shown_id, day, editable, _outside in columns}
    texts: dict[str, str] = {}
    dates = [lesson.date for lesson in data.lessons]
    rows = []
    for pupil in data.pupils:
        if dates and not (pupil.member_on(dates[0]) and pupil.member_on(dates[-1])):
            # In the class for part of the period only: the other days' cells are read-only, greyed.
            pupil_columns = [(lesson_id, shown_id, day, editable and pupil.member_on(date), not pupil.member_on(date))
                             for (lesson_id, shown_id, day, editable, _outside), date in zip(columns, dates)]
            pupil_empty = {lesson_id: (shown_id, day, editable, "", None, None, False, outside)
                           for lesson_id, shown_id, day, editable, outside in pupil_columns}
            rows.append((pupil, escape(pupil.name), _row_cells(pupil, pupil_columns, pupil_empty, texts)))
        else:
            rows.append((pupil, escape(pupil.name), _row_cells(pupil, columns, empty, texts)))
    return rows


def _row_cells(pupil: grid.PupilRow, columns: list[tuple], empty: dict[int, tuple], texts: dict[str, str]) -> list[tuple]:
    cells = pupil.cells
    row = []
    for lesson_id, shown_id, day, editable, outside in columns:
        cell = cells.get(lesson_id)
        if cell is None:
            row.append(empty[lesson_id])
            continue
        marks = cell.marks
        if cell.absence is None and len(marks) == 1:  # most filled cells: one mark, no absence
            mark = marks[0]
            row.append((shown_id, day, editable, str(mark.value), f"{mark.position}:{mark.version}", None, False,
                        outside))
            continue
        versions = ",".join([f"{m.position}:{m.version}" for m in marks])
        text = texts.get(cell.text)
        if text is None:
            text = texts[cell.text] = str(escape(cell.text))
        row.append((shown_id, day, editable, text, versions, cell.absence_version, bool(cell.absence), outside))
    return row


class JournalView(BaseView):
    """The journal pages of teachers, class teachers and the school administration."""

    route_base = "/journal"
    default_view = "index"
    role_access = {R.TEACHER: TEACHER_PERMISSIONS, R.SCHOOL_ADMIN: ADMIN_PERMISSIONS}
    scope_routes = [
        ("/<int:assignment_id>/", TeachingAssignment, journal_assignments),
        ("/api/lesson/<int:lesson_id>/homework", Lesson),
        ("/class/<int:class_group_id>/report", ClassGroup, journal_classes),
        ("/class/<int:class_group_id>/report.xlsx", ClassGroup, journal_classes),
        ("/class/<int:class_group_id>/archive.xlsx", ClassGroup, journal_classes),
    ]

    # --- pages ------------------------------------------------------------------------------------

    @expose("/")
    @has_access
    def index(self):
        scope = current_scope()
        session = read_session()
        own, classes = listing.journal_index(session, scope)
        return self.render_template("journal/index.html", own=own, classes=classes,
                                    scope=scope, title=_("Журнал"))

    @expose("/<int:assignment_id>/")
    @has_access
    def grid(self, assignment_id: int):
        scope = current_scope()
        try:
            if request.args.get("period") == "year":
                data = grid.build_year(db.session, scope, assignment_id, periods_of=kept_periods)
                return self.render_template("journal/year.html", year=data, title=_("Итоговые отметки"),
                                            history_allowed=self._history_allowed())
            data = grid.build_grid(db.session, scope, assignment_id, _period_arg(), today=clock.today(),
                                   catalogue=current_catalogue(), periods_of=kept_periods, lesson_id=_id_arg("lesson"))
        except NotInScope:
            abort(404)
        history_allowed = self._history_allowed()
        table = layout.render_unfinalized("journal/_table.html", grid=data, rows=grid_rows(data),
                                          fmt=formats.format_average, history_allowed=history_allowed)
        # Parents' absence notices on the shown lessons: one statement, a list and journal-notices.js.
        notices = absence_notices.grid_hints(db.session, scope, data.assignment.class_group_id, data.lessons)
        return self.render_template("journal/grid.html", grid=data, table=table, title=_("Журнал"),
                                    history_allowed=history_allowed, notices=notices,
                                    homework_accept=uploads.ACCEPT, homework_types=uploads.TYPES,
                                    homework_max_files=homework.MAX_FILES)

    def _history_allowed(self) -> bool:
        return self.appbuilder.sm.has_access("can_history", self.class_permission_name)

    @staticmethod
    def _class_report(class_group_id: int):
        """(the class report for ?period= or the current period (grid.current_period), the periods) or 404."""
        scope, session = current_scope(), read_session()
        try:
            class_group = reports.readable_class(session, scope, class_group_id)
            periods = grid.school_periods(session, class_group, kept_periods)
            current = grid.current_period(periods, clock.today())
            period_id = _period_arg() or (current.id if current else None)
            if period_id is None:
                raise NotInScope("no periods")
            return reports.class_report(session, scope, class_group_id, period_id), periods
        except NotInScope:
            abort(404)

    @expose("/class/<int:class_group_id>/report")
    @has_access
    def report(self, class_group_id: int):
        data, periods = self._class_report(class_group_id)
        return self.render_template("journal/report.html", report=data, periods=periods, title=_("Итоги класса"),
                                    fmt=lambda v: "—" if v is None else formats.format_decimal(v, None))

    @expose("/class/<int:class_group_id>/report.xlsx")
    @has_access
    def report_xlsx(self, class_group_id: int):
        data, _periods = self._class_report(class_group_id)
        stream = io.BytesIO()
        reports.report_xlsx(data, stream)
        stream.seek(0)
        return send_file(stream, as_attachment=True,
                         download_name=f"itogi-{data.class_group.grade}{data.class_group.letter}-{data.period.number}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @expose("/class/<int:class_group_id>/archive.xlsx")
    @has_access
    def archive(self, class_group_id: int):
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            name = archive.write_archive(read_session(), current_scope(), class_group_id, _period_arg(), path)
        except NotInScope:
            os.unlink(path)
            abort(404)

        @after_this_request
        def cleanup(response):
            try:
                os.unlink(path)
            except OSError:
                pass
            return response

        with open(path, "rb") as handle_file:
            data = io.BytesIO(handle_file.read())
        return send_file(data, as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    # --- JSON saves -------------------------------------------------------------------------------

    @expose("/api/cell", methods=["POST"])
    @has_access_api
    def save_cell(self):
        scope = current_scope()
        data = json_object()
        lesson_id, pupil_id = json_int(data, "lesson_id"), json_int(data, "pupil_id")
        assignment_id, period_id = json_int(data, "assignment_id"), json_int(data, "period_id", optional=True)
        try:
            saved = entries.save_cell(db.session, scope, _actor(), lesson_id=lesson_id, pupil_id=pupil_id,
                                      text=json_text(data, "text"), known=_known(data),
                                      mark_type_id=json_int(data, "mark_type_id", optional=True),
                                      reason=json_text(data, "reason"), today=clock.today(),
                                      catalogue=current_catalogue(), assignment_id=assignment_id)
        except NotInScope:
            abort(404)
        except entries.StaleVersion as stale:
            return self._stale_cell_reply(scope, lesson_id, pupil_id, assignment_id, period_id, stale.message), 409
        # The reply shows the values just written; only the pupil's summary is read again.
        try:
            summary = grid.pupil_summary(db.session, scope, assignment_id, period_id, pupil_id, saved.catalogue,
                                         today=clock.today(), known_period=saved.period)
        except NotInScope:
            abort(404)
        return jsonify({"cell": grid.written_cell(saved.state, saved.catalogue).as_json(),
                        "summary": summary.summary_json()})

    def _stale_cell_reply(self, scope, lesson_id, pupil_id, assignment_id, period_id, error):
        try:
            cell = grid.cell_state(db.session, scope, lesson_id, pupil_id)
            summary = grid.pupil_summary(db.session, scope, assignment_id, period_id, pupil_id,
                                         current_catalogue(), today=clock.today())
        except NotInScope:
            abort(404)
        return jsonify({"cell": cell.as_json(), "summary": summary.summary_json(), "error": error, "code": "stale"})

    @expose("/api/lesson", methods=["POST"])
    @has_access_api
    def save_lesson(self):
        data = json_object()
        try:
            lesson = entries.save_lesson_text(db.session, current_scope(), _actor(), lesson_id=json_int(data, "lesson_id"),
                                              topic=json_text(data, "topic"), version=json_int(data, "version"),
                                              reason=json_text(data, "reason"))
        except NotInScope:
            abort(404)
        except entries.StaleVersion:
            lesson = db.session.get(entries.Lesson, json_int(data, "lesson_id"))
            return jsonify(error=_("Тему уже изменил другой пользователь, данные обновлены"), code="stale",
                           lesson=self._lesson_json(lesson)), 409
        return jsonify(lesson=self._lesson_json(lesson))

    @staticmethod
    def _lesson_json(lesson) -> dict:
        return {"id": lesson.id, "topic": lesson.topic or "", "version": lesson.version}

    @expose("/api/lesson/<int:lesson_id>/homework")
    @has_access_api
    def lesson_homework(self, lesson_id: int):
        """The lesson's homework for the lesson panel: the tasks, who they may be for, the next
        lesson's date (the default due day). Read from the primary: the panel reads it back after
        a save."""
        try:
            data = homework.lesson_homework(db.session, current_scope(), lesson_id)
        except NotInScope:
            abort(404)
        return jsonify(lesson=data.as_json())

    @expose("/api/homework", methods=["POST"])
    @has_access_api
    def save_homework(self):
        """One task of a lesson (multipart: the fields and the new files); the reply is the lesson's
        homework as it then stands."""
        form = request.form
        lesson_id = json_int(form, "lesson_id")
        files = tuple(uploads.check_upload(upload.filename, upload.read())
                      for upload in request.files.getlist("files") if upload and upload.filename)
        given = homework.HomeworkInput(
            audience=json_text(form, "audience"), text=json_text(form, "text"), due_on=json_text(form, "due_on"),
            version=json_int(form, "version", optional=True), files=files,
            remove_files=tuple(json_int({"v": value}, "v") for value in form.getlist("remove_files")))
        scope = current_scope()
        try:
            data = homework.save_homework(db.session, scope, _actor(), lesson_id=lesson_id, given=given,
                                          reason=json_text(form, "reason"))
        except NotInScope:
            abort(404)
        except entries.StaleVersion:
            try:
                data = homework.lesson_homework(db.session, scope, lesson_id)
            except NotInScope:
                abort(404)
            return jsonify(error=_("Задание уже изменил другой пользователь, данные обновлены"), code="stale",
                           lesson=data.as_json()), 409
        return jsonify(lesson=data.as_json())

    @expose("/api/period-mark", methods=["POST"])
    @has_access_api
    def save_period_mark(self):
        data = json_object()
        period_id = json_int(data, "period_id", optional=True)
        try:
            row = entries.save_period_mark(db.session, current_scope(), _actor(),
                                           assignment_id=json_int(data, "assignment_id"), pupil_id=json_int(data, "pupil_id"),
                                           study_period_id=period_id, value=json_text(data, "value"),
                                           version=json_int(data, "version", optional=True), reason=json_text(data, "reason"))
        except NotInScope:
            abort(404)
        except entries.StaleVersion:
            return jsonify(error=_("Итоговую отметку уже изменил другой пользователь: обновите страницу"),
                           code="stale"), 409
        return jsonify(value=row.value if row else "", version=row.version if row else None)

    @expose("/api/fill", methods=["POST"])
    @has_access_api
    def fill_column(self):
        scope, data = current_scope(), json_object()
        lesson_id = json_int(data, "lesson_id")
        try:
            count = entries.fill_lesson(db.session, scope, _actor(), lesson_id=lesson_id, text=json_text(data, "text"),
                                        known=_column_known(data),
                                        mark_type_id=json_int(data, "mark_type_id", optional=True),
                                        reason=json_text(data, "reason"), today=clock.today(),
                                        catalogue=current_catalogue())
        except NotInScope:
            abort(404)
        except entries.StaleVersion as stale:
            return self._stale_column_reply(scope, lesson_id, stale.message), 409
        return jsonify(filled=count)

    @expose("/api/absentees", methods=["POST"])
    @has_access_api
    def absentees(self):
        scope, data = current_scope(), json_object()
        lesson_id = json_int(data, "lesson_id")
        raw = data.get("absent") or {}
        if not isinstance(raw, dict):
            raise DomainError(unreadable())
        absent = {json_int({"v": k}, "v"): json_text({"v": v}, "v") for k, v in raw.items()}
        try:
            count = entries.record_absentees(db.session, scope, _actor(), lesson_id=lesson_id, absent=absent,
                                             known=_column_known(data), reason=json_text(data, "reason"),
                                             today=clock.today(), catalogue=current_catalogue())
        except NotInScope:
            abort(404)
        except entries.StaleVersion as stale:
            return self._stale_column_reply(scope, lesson_id, stale.message), 409
        return jsonify(changed=count)

    @staticmethod
    def _stale_column_reply(scope, lesson_id, error):
        """A column save refused as stale: the column's cells as they now stand, for the page to show."""
        try:
            cells = grid.column_cells(db.session, scope, lesson_id)
        except NotInScope:
            abort(404)
        return jsonify({"cells": {str(pupil_id): cell.as_json() for pupil_id, cell in cells.items()},
                        "error": error, "code": "stale"})

    @expose("/api/history")
    @has_access_api
    def history(self):
        lesson_id = request.args.get("lesson", "")
        pupil_id = request.args.get("pupil", "")
        if not lesson_id.isdigit():
            abort(404)
        rows = history.cell_history(read_session(), current_scope(), int(lesson_id),
                                    int(pupil_id) if pupil_id.isdigit() else None)
        if rows is None:
            abort(404)
        return jsonify(history=rows)


class PeriodLockView(BaseView):
    """The administration closes study periods (teachers can no longer change them) and reopens them:
    the close page shows what is missing first (app.journal.period_close guards the close)."""

    route_base = "/journal/periods"
    default_view = "periods"
    role_access = {R.SCHOOL_ADMIN: ("can_periods", "can_close_check", "can_lock_period")}
    scope_routes = [("/<int:period_id>/close", StudyPeriod), ("/<int:period_id>/lock", StudyPeriod)]

    @expose("/")
    @has_access
    def periods(self):
        scope = current_scope()
        session = read_session()
        rows = listing.periods_listed(session, scope)
        events = period_close.history(session, scope, [p.id for p in rows])
        return self.render_template("journal/periods.html", periods=rows, events=events, today=clock.today(),
                                    title=_("Закрытие периодов"))

    @expose("/<int:period_id>/close")
    @has_access
    def close_check(self, period_id: int):
        return self._close_page(period_id)

    def _close_page(self, period_id: int, *, error: str | None = None, reason: str = "", early: bool = False):
        try:
            check = period_close.close_check(read_session(), current_scope(), period_id)
        except NotInScope:
            abort(404)
        return self.render_template("journal/period_close.html", check=check, error=error, reason=reason,
                                    early=early, title=_("Закрытие периода «%(name)s»", name=check.period.name))

    @expose("/<int:period_id>/lock", methods=["POST"])
    @has_access
    def lock_period(self, period_id: int):
        closing = request.form.get("action") == "lock"
        reason = request.form.get("reason", "")
        early = request.form.get("early") == "1"
        try:
            if closing:
                period = period_close.close_period(db.session, current_scope(), _actor(), study_period_id=period_id,
                                                   reason=reason, early=early)
            else:
                period = period_close.reopen_period(db.session, current_scope(), _actor(), study_period_id=period_id,
                                                    reason=reason)
        except NotInScope:
            abort(404)
        except DomainError as error:
            if closing:
                return self._close_page(period_id, error=error.message, reason=reason, early=early), 400
            flash(error.message, "danger")
            return redirect(url_for("PeriodLockView.periods"))
        flash(_("Период «%(name)s» закрыт.", name=period.name) if closing
              else _("Период «%(name)s» открыт для изменений.", name=period.name), "success")
        return redirect(url_for("PeriodLockView.periods"))


class TeacherWeekView(BaseView):
    """«Моя неделя»: the teacher's lessons Monday to Saturday, each a link to its journal column."""

    route_base = "/journal/week"
    default_view = "week"
    role_access = {R.TEACHER: ("can_week",)}

    @expose("/")
    @has_access
    def week(self):
        day = formats.date_or_none(request.args.get("date")) or clock.today()
        data = today.teacher_week(db.session, current_scope(), day, clock.today())
        return self.render_template("today/week.html", week=data, format_date=formats.format_date,
                                    title=_("Моя неделя"))


MODE_FIELD = "mode-"    # mode-<subject id>-<period id>: one cell of the class's matrix
SHOWN_FIELD = "shown-"  # shown-<subject id>-<period id>: the mode the page showed in the cell
WHOLE_FIELD = "all-"    # all-<period id>: every subject of the period


def _cell_of(name: str) -> tuple[int, int]:
    subject_id, _sep, period_id = name.partition("-")
    if not (subject_id.isdigit() and period_id.isdigit()):
        raise DomainError(unreadable())
    return int(subject_id), int(period_id)


def _assessment_form(form) -> tuple[dict, dict[int, str], dict]:
    """The matrix form's cells, whole-period choices and shown cells as ids; a malformed name is refused."""
    cells, whole, shown = {}, {}, {}
    for name, value in form.items():
        if name.startswith(MODE_FIELD):
            cells[_cell_of(name[len(MODE_FIELD):])] = value
        elif name.startswith(SHOWN_FIELD):
            shown[_cell_of(name[len(SHOWN_FIELD):])] = value
        elif name.startswith(WHOLE_FIELD):
            period_id = name[len(WHOLE_FIELD):]
            if not period_id.isdigit():
                raise DomainError(unreadable())
            whole[int(period_id)] = value
    return cells, whole, shown


class AssessmentView(BaseView):
    """The administration sets which subjects a class is taught without marks, per study period."""

    route_base = "/journal/assessment"
    default_view = "classes"
    role_access = {R.SCHOOL_ADMIN: ("can_classes", "can_matrix")}
    scope_routes = [("/<int:class_group_id>/", ClassGroup)]

    @expose("/")
    @has_access
    def classes(self):
        rows = assessment_settings.classes_overview(read_session(), current_scope(), clock.today())
        return self.render_template("journal/assessment_classes.html", classes=rows,
                                    title=_("Предметы без отметок"))

    @expose("/<int:class_group_id>/", methods=["GET", "POST"])
    @has_access
    def matrix(self, class_group_id: int):
        status = 200
        try:
            if request.method == "POST":
                try:
                    cells, whole, shown = _assessment_form(request.form)
                    changed = assessment_settings.save_class_assessment(
                        db.session, current_scope(), g.user.id, class_group_id, cells, whole,
                        now=clock.region_now(), shown=shown)
                    flash(_("Сохранено. Изменено клеток: %(n)s.", n=changed), "success")
                    return redirect(url_for("AssessmentView.matrix", class_group_id=class_group_id))
                except DomainError as refusal:
                    flash(refusal.message, "danger")
                    status = 400
            data = assessment_settings.class_matrix(db.session, current_scope(), class_group_id)
        except NotInScope:
            abort(404)
        return self.render_template("journal/assessment_matrix.html", matrix=data,
                                    title=_("Предметы без отметок: %(name)s", name=data.class_name)), status


def register(appbuilder) -> None:
    menu.add(appbuilder, JournalView, "Journal", _l("Журнал"), menu.JOURNAL, "fa-table")
    limit_uploads(current_app, uploads.MAX_UPLOAD_BYTES, "JournalView.save_homework")
    menu.add(appbuilder, TeacherWeekView, "TeacherWeek", _l("Моя неделя"), menu.JOURNAL, "fa-calendar")
    today_blocks.register(*today.BLOCKS)
    menu.add(appbuilder, PeriodLockView, "StudyPeriodLocks", _l("Закрытие периодов"), menu.JOURNAL, "fa-lock")
    menu.add(appbuilder, AssessmentView, "SubjectAssessment", _l("Предметы без отметок"), menu.JOURNAL,
             "fa-check-square-o")
    menu.add(appbuilder, MarkView, "Marks", _l("Отметки"), menu.JOURNAL, "fa-list")
