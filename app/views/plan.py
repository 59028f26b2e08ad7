"""«Тематическое планирование»: a teaching assignment's thematic plan (КТП), entered on its page or
imported from the teacher's xlsx; «Заполнить темы из плана» into a study period's lessons; copying
to the parallel classes; and, per teacher, whether the plans cover the year's lessons.
Thin: the rules are app.journal.plan, plan_import and plan_fill; scope is app.security.scope's."""
from __future__ import annotations

import io
from itertools import zip_longest

from flask import abort, current_app, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, has_access_api
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock, formats
from app.errors import DomainError
from app.extensions import db
from app.journal import plan, plan_fill, plan_import
from app.journal.entries import Actor
from app.models import TeachingAssignment
from app.replica import read_session
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.views import menu
from app.xlsx_upload import XlsxLimits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK_ROWS, MAX_BLANK_ROWS = 5, 50  # empty rows the editor offers below the plan
TEACHER_PERMISSIONS = ("can_index", "can_plan", "can_planned", "can_template", "can_save", "can_preview",
                       "can_confirm", "can_fill", "can_copy")
READER_PERMISSIONS = ("can_index", "can_plan", "can_planned")


def _user_id() -> int | None:
    return getattr(g.user, "id", None)


def _blank_rows() -> int:
    value = request.args.get("blank", "")
    return min(int(value), MAX_BLANK_ROWS) if value.isdigit() else BLANK_ROWS


def _posted_rows() -> list[dict[str, str]]:
    """The editor's rows as posted: four inputs per row, in the page's order."""
    form = request.form
    columns = [form.getlist(key) for key in plan.COLUMNS]
    return [dict(zip(plan.COLUMNS, (cell or "" for cell in cells))) for cells in zip_longest(*columns)]


def _editor_rows(page: plan.PlanPage, blank: int) -> list[dict[str, str]]:
    """The plan's topics as the editor's rows (a section where it begins), then `blank` empty ones."""
    rows = [{"number": str(t.position), "section": t.section if t.opens_section else "", "topic": t.topic,
             "hours": str(t.hours), "lessons": _lessons_label(t)} for t in page.topics]
    start = len(rows)
    return rows + [{"number": str(start + n), "section": "", "topic": "", "hours": "", "lessons": ""}
                   for n in range(1, blank + 1)]


def _lessons_label(topic: plan.ShownTopic) -> str:
    if topic.first_lesson == topic.last_lesson:
        return str(topic.first_lesson)
    return f"{topic.first_lesson}–{topic.last_lesson}"


class ThematicPlanView(BaseView):
    """The plans of a teacher's classes and subjects, and the school's view of all of them."""

    route_base = "/plan"
    default_view = "index"
    role_access = {R.TEACHER: TEACHER_PERMISSIONS, R.SCHOOL_ADMIN: READER_PERMISSIONS}
    scope_routes = [
        ("/<int:assignment_id>/", TeachingAssignment, plan.plans_readable),
        ("/api/<int:assignment_id>/planned", TeachingAssignment, plan.plans_readable),
        ("/<int:assignment_id>/save", TeachingAssignment, plan.plans_changeable),
        ("/<int:assignment_id>/preview", TeachingAssignment, plan.plans_changeable),
        ("/<int:assignment_id>/confirm", TeachingAssignment, plan.plans_changeable),
        ("/<int:assignment_id>/fill", TeachingAssignment, plan.plans_changeable),
        ("/<int:assignment_id>/copy", TeachingAssignment, plan.plans_changeable),
    ]

    @expose("/")
    @has_access
    def index(self):
        scope = current_scope()
        own = scope.role == R.TEACHER
        data = plan.coverage(read_session(), scope, clock.today(), own=own)
        return self.render_template("plan/index.html", coverage=data, own=own, title=_("Тематическое планирование"))

    @expose("/template.xlsx")
    @has_access
    def template(self):
        return send_file(io.BytesIO(plan_import.template_xlsx()), mimetype=XLSX, as_attachment=True,
                         download_name="shablon-ktp.xlsx")

    def _page(self, assignment_id: int, *, rows=None, errors=None, preview=None, token=None, status: int = 200):
        try:
            page = plan.plan_page(db.session, current_scope(), assignment_id, clock.today())
        except NotInScope:
            abort(404)
        return self.render_template(
            "plan/plan.html", page=page, rows=rows if rows is not None else _editor_rows(page, _blank_rows()),
            errors=errors or [], preview=preview, token=token, blank=_blank_rows(),
            title=_("План: %(label)s", label=page.heading.label)), status

    def _back(self, assignment_id: int):
        return redirect(url_for("ThematicPlanView.plan", assignment_id=assignment_id))

    @expose("/<int:assignment_id>/")
    @has_access
    def plan(self, assignment_id: int):
        return self._page(assignment_id)

    @expose("/api/<int:assignment_id>/planned")
    @has_access_api
    def planned(self, assignment_id: int):
        """The topics the plan gives the study period's lessons that have none, for the journal grid
        to show in grey: {"topics": {lesson id: topic}} (empty without a plan or a period)."""
        period = request.args.get("period", "")
        try:
            topics = plan_fill.planned_topics(read_session(), current_scope(), assignment_id,
                                              int(period) if period.isdigit() else None)
        except NotInScope:
            abort(404)
        return jsonify(topics={str(lesson_id): topic for lesson_id, topic in topics.items()})

    @expose("/<int:assignment_id>/save", methods=["POST"])
    @has_access
    def save(self, assignment_id: int):
        version = request.form.get("version", "")
        rows = _posted_rows()
        try:
            checked = plan.save_plan(db.session, current_scope(), assignment_id, rows,
                                     int(version) if version.isdigit() else None, user_id=_user_id(), now=clock.now())
        except NotInScope:
            abort(404)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(assignment_id)
        if checked.errors:
            return self._page(assignment_id, rows=rows, errors=checked.errors, status=400)
        flash(_("План сохранён: тем %(n)s, часов %(hours)s.", n=len(checked.rows), hours=checked.hours), "success")
        return self._back(assignment_id)

    @expose("/<int:assignment_id>/preview", methods=["POST"])
    @has_access
    def preview(self, assignment_id: int):
        upload = request.files.get("file")
        try:
            raw, checked = plan_import.preview_upload(
                db.session, current_scope(), assignment_id, data=upload.read() if upload else None,
                filename=upload.filename if upload else None, limits=XlsxLimits.from_config(current_app.config))
        except NotInScope:
            abort(404)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(assignment_id)
        token = plan_import.sign_rows(raw, assignment_id, current_app.config["SECRET_KEY"]) if checked.ok else None
        return self._page(assignment_id, preview=checked, token=token)

    @expose("/<int:assignment_id>/confirm", methods=["POST"])
    @has_access
    def confirm(self, assignment_id: int):
        try:
            checked, written = plan_import.confirm_and_write(
                db.session, current_scope(), assignment_id, request.form.get("token", ""),
                current_app.config["SECRET_KEY"], user_id=_user_id(), now=clock.now())
        except NotInScope:
            abort(404)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(assignment_id)
        if written is None:
            return self._page(assignment_id, preview=checked)
        flash(_("План загружен из файла: тем %(n)s, часов %(hours)s.", n=written, hours=checked.checked.hours),
              "success")
        return self._back(assignment_id)

    @expose("/<int:assignment_id>/fill", methods=["POST"])
    @has_access
    def fill(self, assignment_id: int):
        period = request.form.get("period", "")
        try:
            report = plan_fill.fill_topics(db.session, current_scope(), Actor.of(g.user, request.remote_addr),
                                           assignment_id, int(period) if period.isdigit() else None)
        except NotInScope:
            abort(404)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(assignment_id)
        return self.render_template("plan/filled.html", report=report, assignment_id=assignment_id,
                                    format_date=formats.format_date, title=_("Темы из плана"))

    @expose("/<int:assignment_id>/copy", methods=["POST"])
    @has_access
    def copy(self, assignment_id: int):
        targets = [int(value) for value in request.form.getlist("target") if value.isdigit()]
        try:
            written = plan.copy_to_parallels(db.session, current_scope(), assignment_id, targets,
                                             user_id=_user_id(), now=clock.now())
        except NotInScope:
            abort(404)
        except DomainError as error:
            flash(error.message, "danger")
            return self._back(assignment_id)
        flash(_("План скопирован: %(classes)s.", classes=", ".join(written)), "success")
        return self._back(assignment_id)


def register(appbuilder) -> None:
    menu.add(appbuilder, ThematicPlanView, "ThematicPlans", _l("Тематическое планирование"), menu.JOURNAL,
             "fa-list-ol")
