"""Rollout views (order 2613): campaign and milestones, municipal plans, school readiness with
evidence files, the control page of p.5 with its xlsx export, consultations, trainings and the
library of methodical materials (p.2).

Which campaign a page shows: `?campaign=<id>` if given, otherwise the active campaign of
app.rollout.status.active_campaign — the one running on "today" (starts_on ≤ today ≤ ends_on),
else the latest started. "Today" is app.clock.today() (config TODAY from APP_TODAY, for demos and
browser tests) or the server's date; the control page also takes `?on=ДД.ММ.ГГГГ|ISO` to show
the state as of another day."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.security.clauses import NotInScope
from app import clock, formats, uploads
from app.errors import DomainError
from app.extensions import db
from app.http import limit_uploads, stored_file, upload_limit_mb
from app.models import (
    Campaign,
    Consultation,
    JournalSystem,
    Material,
    Milestone,
    Municipality,
    ReadinessEvidence,
    RolloutPlan,
    School,
    Training,
)
from app.replica import read_session
from app.rollout import editing, records
from app.rollout.deadlines import LIGHTS, SORTS, deadline_table
from app.rollout.evidence import validate_evidence
from app.rollout.export import cell_share, control_xlsx
from app.rollout.labels import GRADE_LABELS, ITEM_LABELS, LIGHT_LABELS, STATUS_LABELS, grade_text, legend_lines
from app.rollout.status import SCHOOL_ITEMS, STATUSES, active_campaign, evaluate
from app.rollout.thresholds import change_light_thresholds, current_light_thresholds, light_threshold_history
from app.security import audit
from app.security import roles as R
from app.security.current import current_scope
from app.security.scope import visible
from app.views import menu
from app.views.base import ScopedModelView, UploadField
from app.web.data import ScopedInterface

REGION_READERS = (R.MINISTRY, R.MONITORING, R.METHODIST)


# --- helpers shared by the pages ---------------------------------------------------------

def chosen_campaign(session, today: dt.date) -> Campaign | None:
    raw = request.args.get("campaign", "")
    if raw.isdigit():
        campaign = session.get(Campaign, int(raw))
        if campaign is None:
            abort(404)
        return campaign
    return active_campaign(session, today)


def _user_id():
    user = getattr(g, "user", None)
    return getattr(user, "id", None)


def _as_read(item, attribute: str):
    """The value `attribute` of a row had when it was read, before a form set it anew."""
    history = sa_inspect(item).attrs[attribute].history
    return next(iter(history.deleted or history.unchanged), None)


def _render_no_campaign(view):
    return view.render_template("rollout/no_campaign.html"), 200


def _municipality_chooser(view):
    """For users tied to no municipality (administrator, region roles): pick one to open."""
    municipalities = records.municipality_choices(read_session(), current_scope())
    return view.render_template("rollout/choose.html", municipalities=municipalities)


# --- the control page (p.5) --------------------------------------------------------------

class RolloutControlView(BaseView):
    """Municipalities × milestones graded by the share of schools done, worst first, with the
    legend, filters, drill-down and xlsx; the monitoring role edits the light's thresholds."""

    route_base = "/rollout/control"
    default_view = "index"
    role_access = {
        **{role: ("can_index", "can_xlsx") for role in (*REGION_READERS, R.MUNICIPAL)},
        R.MONITORING: ("can_index", "can_xlsx", "can_thresholds"),
    }

    def _table(self, session):
        today = clock.today()
        raw_on = request.args.get("on", "").strip()
        if raw_on:
            day, error = editing.parse_date(raw_on, _("Дата"))
            if error:
                flash(error, "warning")
            elif day:
                today = day
        campaign = chosen_campaign(session, today)
        if campaign is None:
            return None, today
        sort = request.args.get("sort", "worst")
        table = deadline_table(
            session, campaign, today,
            where=visible(current_scope(), Municipality),
            light=request.args.get("light") or None,
            milestone=request.args.get("milestone") or None,
            status=request.args.get("status") or None,
            name=request.args.get("q") or None,
            sort=sort if sort in SORTS else "worst",
        )
        return table, today

    @expose("/")
    @has_access
    def index(self):
        session = read_session()
        table, today = self._table(session)
        if table is None:
            return _render_no_campaign(self)
        campaigns = records.campaigns_latest_first(session)
        return self.render_template(
            "rollout/control.html", table=table, today=today, campaigns=campaigns, args=request.args,
            status_labels=STATUS_LABELS, grade_labels=GRADE_LABELS, statuses=STATUSES, lights=LIGHTS,
            grade_text=grade_text, cell_share=cell_share, pct=formats.format_percent, legend=legend_lines(table),
            can_change_thresholds=self.appbuilder.sm.has_access("can_thresholds", self.class_permission_name),
        )

    @expose("/xlsx")
    @has_access
    def xlsx(self):
        table, today = self._table(read_session())
        if table is None:
            abort(404)
        name = f"kontrol-vnedreniya-{today:%Y-%m-%d}.xlsx"
        return Response(
            control_xlsx(table),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    @expose("/thresholds", methods=["GET", "POST"])
    @has_access
    def thresholds(self):
        """The light's thresholds and their history; POST records new ones."""
        error = None
        if request.method == "POST":
            try:
                change_light_thresholds(db.session, green_share=request.form.get("green", ""),
                                        yellow_share=request.form.get("yellow", ""), user_id=_user_id(),
                                        now=clock.now())
            except DomainError as refusal:
                error = refusal.message
            else:
                flash(_("Пороги светофора изменены."), "success")
                return redirect(url_for("RolloutControlView.thresholds"))
        session = read_session()
        return self.render_template("rollout/thresholds.html", thresholds=current_light_thresholds(session),
                                    history=light_threshold_history(session), error=error,
                                    form=request.form if error else None, pct=_threshold_text,
                                    moment=formats.format_moment), (400 if error else 200)


def _threshold_text(value) -> str:
    """A threshold as typed back into its field: 95, 92,5."""
    return formats.format_decimal(value, None, trim=True)


# --- municipality: plan, schools ---------------------------------------------------------

class RolloutPlanView(BaseView):
    """The municipality's page (status, plan, schools with chosen systems) and the plan form."""

    route_base = "/rollout/municipality"
    default_view = "mine"
    scope_routes = [("/<int:municipality_id>", Municipality), ("/<int:municipality_id>/plan", Municipality)]
    role_access = {
        R.MUNICIPAL: ("can_mine", "can_show", "can_plan"),
        **{role: ("can_mine", "can_show", "can_plan") for role in REGION_READERS},
    }

    @expose("/")
    @has_access
    def mine(self):
        scope = current_scope()
        if scope.municipality_id is None:
            return _municipality_chooser(self)
        return redirect(url_for("RolloutPlanView.show", municipality_id=scope.municipality_id))

    @expose("/<int:municipality_id>")
    @has_access
    def show(self, municipality_id: int):
        session = read_session()
        scope = current_scope()
        try:
            municipality = records.visible_municipality(session, scope, municipality_id)
        except NotInScope:
            abort(404)
        today = clock.today()
        campaign = chosen_campaign(session, today)
        if campaign is None:
            return _render_no_campaign(self)
        where = visible(scope, Municipality)
        row = evaluate(session, campaign, today, where=where, municipality_id=municipality_id)[0]
        graded = deadline_table(session, campaign, today, where=where, municipality_id=municipality_id)
        plan = session.get(RolloutPlan, row.plan_id) if row.plan_id else None
        return self.render_template(
            "rollout/municipality.html", municipality=municipality, campaign=campaign, today=today, row=row,
            graded=graded.rows[0], legend=legend_lines(graded), plan=plan, status_labels=STATUS_LABELS,
            light_labels=LIGHT_LABELS, grade_labels=GRADE_LABELS, item_labels=ITEM_LABELS, grade_text=grade_text,
            cell_share=cell_share, pct=formats.format_percent, school_items=SCHOOL_ITEMS,
            can_edit_plan=records.plan_editable(session, scope, plan, campaign, municipality_id),
        )

    @expose("/<int:municipality_id>/plan", methods=["GET", "POST"])
    @has_access
    def plan(self, municipality_id: int):
        session = db.session
        scope = current_scope()
        try:
            municipality = records.visible_municipality(session, scope, municipality_id)
            today = clock.today()
            campaign = chosen_campaign(session, today)
            if campaign is None:
                return _render_no_campaign(self)
            plan = records.plan_of(session, scope, campaign, municipality_id)
        except NotInScope:
            abort(404)
        editable = records.plan_editable(session, scope, plan, campaign, municipality_id)
        school_total = records.school_count(session, municipality_id)
        errors: list[str] = []
        form = None
        if request.method == "POST":
            if not editable:
                abort(403)
            form = request.form
            data = editing.parse_plan_form(form, school_total)
            errors = data.errors
            if not errors:
                try:
                    records.save_plan(session, scope, campaign, municipality_id, plan, data,
                                      user_id=_user_id(), now=clock.region_now())
                except NotInScope:
                    abort(404)
                flash(_("План внедрения сохранён."), "success")
                return redirect(url_for("RolloutPlanView.show", municipality_id=municipality_id,
                                        **({"campaign": request.args["campaign"]} if "campaign" in request.args else {})))
        return self.render_template(
            "rollout/plan.html", municipality=municipality, campaign=campaign, plan=plan, form=form,
            errors=errors, editable=editable, school_total=school_total,
        ), (400 if errors else 200)


# --- school readiness (p.4.2) ------------------------------------------------------------

class ReadinessView(BaseView):
    """The readiness checklist of one school, with optional evidence files per item."""

    route_base = "/rollout/readiness"
    default_view = "mine"
    scope_routes = [("/school/<int:school_id>", School), ("/evidence/<int:evidence_id>", ReadinessEvidence)]
    # POST-only (the matrix reads with GET); their scope is tested in tests/web/test_rollout_pages.py.
    scope_routes_exempt = ["/school/<int:school_id>/evidence/<item>", "/evidence/<int:evidence_id>/delete"]
    _edit = ("can_school", "can_evidence", "can_evidence_upload", "can_evidence_delete")
    role_access = {
        R.SCHOOL_ADMIN: ("can_mine", *_edit),
        R.MUNICIPAL: ("can_mine", *_edit),
        **{role: ("can_mine", "can_school", "can_evidence") for role in REGION_READERS},
    }

    @expose("/")
    @has_access
    def mine(self):
        scope = current_scope()
        if scope.school_id:
            return redirect(url_for("ReadinessView.school", school_id=scope.school_id))
        if scope.municipality_id:
            return redirect(url_for("RolloutPlanView.show", municipality_id=scope.municipality_id))
        return _municipality_chooser(self)

    def _load(self, session, school_id):
        scope = current_scope()
        try:
            school = records.visible_school(session, scope, school_id)
            today = clock.today()
            campaign = chosen_campaign(session, today)
            readiness = records.readiness_of(session, scope, campaign, school_id) if campaign is not None else None
        except NotInScope:
            abort(404)
        return school, campaign, readiness, today

    @expose("/school/<int:school_id>", methods=["GET", "POST"])
    @has_access
    def school(self, school_id: int):
        session = db.session
        school, campaign, readiness, today = self._load(session, school_id)
        if campaign is None:
            return _render_no_campaign(self)
        editable = records.readiness_editable(session, current_scope(), readiness, campaign, school_id)
        systems = records.journal_systems(session)
        errors: list[str] = []
        form = None
        if request.method == "POST":
            if not editable:
                abort(403)
            form = request.form
            data = editing.parse_readiness_form(form, {s.id for s in systems})
            errors = data.errors
            if not errors:
                try:
                    records.save_readiness(session, current_scope(), campaign, school, readiness, data,
                                           user_id=_user_id(), now=clock.region_now())
                except NotInScope:
                    abort(404)
                flash(_("Готовность школы сохранена."), "success")
                return redirect(url_for("ReadinessView.school", school_id=school_id))
        rows = evaluate(session, campaign, today, municipality_id=school.municipality_id)
        school_row = next((s for s in rows[0].schools if s.school_id == school_id), None) if rows else None
        evidence = {e.item: e for e in readiness.evidence} if readiness is not None else {}
        return self.render_template(
            "rollout/readiness.html", school=school, campaign=campaign, readiness=readiness, form=form,
            errors=errors, editable=editable, systems=systems, school_row=school_row, evidence=evidence,
            item_labels=ITEM_LABELS, status_labels=STATUS_LABELS, light_labels=LIGHT_LABELS,
            school_items=SCHOOL_ITEMS, today=today,
            accept=uploads.ACCEPT, types=uploads.TYPES,
            # The school's own staff have no municipality page (a 403 behind the link).
            municipality_page=self.appbuilder.sm.has_access("can_show", RolloutPlanView.__name__),
        ), (400 if errors else 200)

    @expose("/school/<int:school_id>/evidence/<item>", methods=["POST"])
    @has_access
    def evidence_upload(self, school_id: int, item: str):
        session = db.session
        school, campaign, readiness, _today = self._load(session, school_id)
        if campaign is None or item not in SCHOOL_ITEMS:
            abort(404)
        if not records.readiness_editable(session, current_scope(), readiness, campaign, school_id):
            abort(403)
        upload = request.files.get("file")
        try:
            data = upload.read() if upload else b""
            checked = validate_evidence(item, upload.filename if upload else "", data)
        except DomainError as refusal:
            flash(refusal.message, "danger")
            return redirect(url_for("ReadinessView.school", school_id=school_id))
        try:
            records.store_evidence(session, current_scope(), campaign, school_id, readiness, item, checked,
                                   user_id=_user_id(), now=clock.region_now())
        except NotInScope:
            abort(404)
        flash(_("Файл «%(name)s» загружен.", name=checked.filename), "success")
        return redirect(url_for("ReadinessView.school", school_id=school_id))

    @expose("/evidence/<int:evidence_id>")
    @has_access
    def evidence(self, evidence_id: int):
        try:
            e = records.visible_evidence(read_session(), current_scope(), evidence_id)
        except NotInScope:
            abort(404)
        return stored_file(e.data, e.filename, e.content_type)

    @expose("/evidence/<int:evidence_id>/delete", methods=["POST"])
    @has_access
    def evidence_delete(self, evidence_id: int):
        try:
            school_id = records.delete_evidence(db.session, current_scope(), evidence_id)
        except NotInScope:
            abort(404)
        except records.ReadOnly:
            abort(403)
        flash(_("Файл удалён."), "success")
        return redirect(url_for("ReadinessView.school", school_id=school_id))


# --- campaign and milestones (administrator edits; a later campaign is a new row) -----------

READ_ALL = {role: R.READ for role in (*REGION_READERS, R.MUNICIPAL, R.SCHOOL_ADMIN)}
MILESTONE_LEVELS = {"municipality": _l("муниципалитет"), "school": _l("каждая школа")}


class MilestoneView(ScopedModelView):
    datamodel = ScopedInterface(Milestone)
    role_access = READ_ALL
    list_title = _l("Сроки приказа")
    show_title = add_title = edit_title = _l("Срок приказа")
    list_columns = ["campaign", "order_item", "title", "level", "due_on"]
    add_columns = edit_columns = show_columns = ["campaign", "code", "level", "order_item", "title", "due_on"]
    base_order = ("due_on", "asc")
    label_columns = {
        "campaign": _l("Кампания"), "code": _l("Показатель"), "level": _l("Уровень"),
        "order_item": _l("Пункт приказа"), "title": _l("Что сделать"), "due_on": _l("Срок"),
    }
    # The code and the level are words of the status rules (app.rollout.status); pages and forms
    # name them in Russian (the record pages showed «plan_approved» and «municipality»).
    formatters_columns = {"code": lambda code: ITEM_LABELS.get(code, code),
                          "level": lambda level: MILESTONE_LEVELS.get(level, level)}
    search_code_columns = {"code": ITEM_LABELS, "level": MILESTONE_LEVELS}
    add_form_extra_fields = edit_form_extra_fields = {
        "code": SelectField(_l("Показатель"), choices=list(ITEM_LABELS.items())),
        "level": SelectField(_l("Уровень"), choices=list(MILESTONE_LEVELS.items())),
    }


class CampaignView(ScopedModelView):
    datamodel = ScopedInterface(Campaign)
    role_access = READ_ALL
    related_views = [MilestoneView]
    list_title = _l("Кампании внедрения")
    show_title = add_title = edit_title = _l("Кампания внедрения")
    list_columns = ["title", "order_number", "order_date", "starts_on", "ends_on", "target_share"]
    add_columns = edit_columns = show_columns = [
        "title", "order_number", "order_date", "target_share", "report_day", "starts_on", "ends_on"]
    search_columns = ["title", "order_number", "order_date", "starts_on"]
    base_order = ("starts_on", "desc")
    label_columns = {
        "title": _l("Название"), "order_number": _l("Номер приказа"), "order_date": _l("Дата приказа"),
        "target_share": _l("Целевая доля школ, %"), "report_day": _l("Справка до (число месяца)"),
        "starts_on": _l("Начало"), "ends_on": _l("Окончание"),
    }


class JournalSystemView(ScopedModelView):
    datamodel = ScopedInterface(JournalSystem)
    role_access = READ_ALL
    list_title = _l("Системы электронного журнала")
    show_title = add_title = edit_title = _l("Система электронного журнала")
    list_columns = add_columns = edit_columns = show_columns = ["name", "vendor", "is_own"]
    base_order = ("name", "asc")
    label_columns = {"name": _l("Название"), "vendor": _l("Поставщик"), "is_own": _l("Наша система")}


# --- methodical support (p.2) ------------------------------------------------------------

CONSULTATION_STATUS = {
    "new": _l("новое"), "in_progress": _l("в работе"), "answered": _l("есть ответ"), "closed": _l("закрыто"),
}


class ConsultationQuestionWidget(RenderTemplateWidget):
    """What was asked, read-only above the methodist's answer form: who asked, when, the topic and
    the question's text with its line breaks."""

    template = "rollout/_consultation_question.html"


class ConsultationView(ScopedModelView):
    """Schools and municipalities ask (add); methodists answer (edit). Scope: methodists see all,
    a school its own requests, a municipality its own and its schools'."""

    datamodel = ScopedInterface(Consultation)
    role_access = {
        R.METHODIST: R.UPDATE,
        R.MUNICIPAL: R.READ + ("can_add",),
        R.SCHOOL_ADMIN: R.READ + ("can_add",),
        R.MINISTRY: R.READ,
    }
    list_title = _l("Консультации")
    show_title = edit_title = _l("Консультация")
    add_title = _l("Новый вопрос методисту")
    list_columns = ["asked_on", "municipality", "school", "topic", "status", "answered_on"]
    show_columns = ["asked_on", "municipality", "school", "asked_by", "topic", "question", "status",
                    "methodist", "answer", "answered_on"]
    add_columns = ["topic", "question"]
    edit_columns = ["status", "answer"]
    search_columns = ["topic", "status", "municipality"]
    order_columns = ["asked_on", "topic", "answered_on"]
    base_order = ("asked_on", "desc")
    label_columns = {
        "asked_on": _l("Дата вопроса"), "municipality": _l("Муниципальное образование"), "school": _l("Школа"),
        "asked_by": _l("Кто спросил"), "topic": _l("Тема"), "question": _l("Вопрос"), "status": _l("Состояние"),
        "methodist": _l("Методист"), "answer": _l("Ответ"),
        "answered_on": _l("Дата ответа"),
    }
    formatters_columns = {"status": lambda value: str(CONSULTATION_STATUS.get(value, value))}
    search_code_columns = {"status": CONSULTATION_STATUS}
    # A list of the states by their Russian names: a state typed by hand that is not one of them
    # was refused with the answer lost.
    edit_form_extra_fields = {"status": SelectField(_l("Состояние"), choices=list(CONSULTATION_STATUS.items()))}
    # The answer form shows the question above it: the methodist answers what they read.
    edit_template = "rollout/consultation_edit.html"

    def pre_add(self, item):
        scope = current_scope()
        item.municipality_id = scope.municipality_id
        item.school_id = scope.school_id
        item.asked_by_id = _user_id()
        item.asked_on = clock.today()
        item.status = "new"
        if item.municipality_id is None:
            raise DomainError(_("Вопрос задают школа или муниципальный координатор: у вашей учётной записи нет муниципалитета."))
        super().pre_add(item)

    def _get_related_views_widgets(self, item, *args, **kwargs):
        # The one place where FAB's edit hands over the row it has read (in its scope: 404 outside
        # it) together with the page's widgets: the question panel takes that row instead of
        # reading it a second time. FAB's record page passes here too, with no edit form: no panel.
        widgets = super()._get_related_views_widgets(item, *args, **kwargs)
        if "edit" in widgets:
            widgets["question"] = ConsultationQuestionWidget(consultation=item)
        return widgets

    def pre_update(self, item):
        if item.status not in CONSULTATION_STATUS:
            raise DomainError(_("Состояние: new, in_progress, answered или closed."))
        previous = _as_read(item, "answer")
        if (item.answer or "").strip():
            # «Методист» and «Дата ответа» say who answered the school and when: set by the first
            # answer only. A later change of the answer, by its author or another methodist, keeps
            # them; the audit log records who changed it and what it said before.
            if not (previous or "").strip():
                item.methodist_id = _user_id()
            if item.answered_on is None:
                item.answered_on = max(clock.today(), item.asked_on)
            if item.status in ("new", "in_progress"):
                item.status = "answered"
        super().pre_update(item)
        g.corrected_answer = previous if (previous or "").strip() and item.answer != previous else None

    def post_update(self, item):
        previous = g.pop("corrected_answer", None)
        if previous is not None:  # saved: only now is it a correction
            audit.answer_corrected(item.id, item.methodist_id, previous)
        super().post_update(item)


class TrainingView(ScopedModelView):
    datamodel = ScopedInterface(Training)
    role_access = {R.METHODIST: R.EDIT, R.MUNICIPAL: R.READ, R.SCHOOL_ADMIN: R.READ, R.MINISTRY: R.READ}
    list_title = _l("Обучающие мероприятия")
    show_title = add_title = edit_title = _l("Обучающее мероприятие")
    list_columns = ["held_on", "topic", "municipality", "participants", "methodist"]
    add_columns = edit_columns = ["held_on", "topic", "municipality", "participants", "note"]
    show_columns = ["held_on", "topic", "municipality", "participants", "methodist", "note"]
    search_columns = ["topic", "municipality", "held_on"]
    base_order = ("held_on", "desc")
    label_columns = {
        "held_on": _l("Дата"), "topic": _l("Тема"), "municipality": _l("Муниципальное образование"),
        "participants": _l("Участников"), "methodist": _l("Методист"), "note": _l("Примечание"),
    }
    description_columns = {"municipality": _l("Пусто — для всего региона")}
    # Checked on the form, which keeps what was typed; the database's own check would refuse the
    # row only after the form is gone.
    validators_columns = {"participants": [
        InputRequired(_l("Укажите число участников.")),
        NumberRange(min=0, message=_l("Число участников не может быть отрицательным."))]}

    def pre_add(self, item):
        item.methodist_id = _user_id()
        super().pre_add(item)


# Who reads the library besides the methodists who keep it: everyone working on the rollout.
MATERIAL_READERS = (R.MINISTRY, R.MONITORING, R.MUNICIPAL, R.SCHOOL_ADMIN, R.SECRETARY, R.TEACHER)


def attachment_link(attachment) -> Markup | str:
    """The «Файл» column: the file's name as its download link, and its size; a dash without a file."""
    if attachment is None:
        return "—"
    kilobytes = -(-attachment.size_bytes // 1024)
    return Markup('<a href="{}">{}</a> ({})').format(
        url_for("MaterialView.file", pk=attachment.material_id), attachment.filename, _("%(kb)s КБ", kb=kilobytes))


class MaterialView(ScopedModelView):
    """The library of methodical materials: methodists publish a title, a description and one file
    (the author and the date are set on adding); everyone working on the rollout reads the list and
    downloads the files, which are kept in the database."""

    datamodel = ScopedInterface(Material)
    role_access = {
        R.METHODIST: R.EDIT + ("can_file",),
        **{role: R.READ + ("can_file",) for role in MATERIAL_READERS},
    }
    scope_routes = [("/file/<int:pk>", Material)]
    list_title = _l("Методические материалы")
    show_title = edit_title = _l("Методический материал")
    add_title = _l("Новый методический материал")
    list_columns = ["title", "published_on", "author", "attachment"]
    show_columns = ["title", "description", "published_on", "author", "attachment"]
    add_columns = edit_columns = ["title", "description", "file"]
    search_columns = ["title"]
    order_columns = ["title", "published_on"]
    base_order = ("published_on", "desc")  # FAB adds the id as the tie-breaker: the latest first
    label_columns = {
        "title": _l("Название"), "description": _l("Описание"), "published_on": _l("Дата публикации"),
        "author": _l("Автор"), "attachment": _l("Файл"), "file": _l("Файл"),
    }
    formatters_columns = {"attachment": attachment_link}
    validators_columns = {"title": [DataRequired()]}  # FAB's own check lets a title of spaces through
    # The limit as the server enforces it (app.http.upload_limit), worked out when the form is shown.
    add_form_extra_fields = {"file": UploadField(_l("Файл"), required=True, description=LazyString(
        lambda: _("Файлы %(types)s, не более %(mb)s МБ.",
                  types=uploads.TYPES, mb=upload_limit_mb("MaterialView.add"))))}
    edit_form_extra_fields = {"file": UploadField(_l("Новый файл"), required=False, description=LazyString(
        lambda: _("Оставьте пустым, чтобы сохранить прежний файл. Файлы %(types)s, не более %(mb)s МБ.",
                  types=uploads.TYPES, mb=upload_limit_mb("MaterialView.edit"))))}

    def pre_add(self, item):
        item.published_on = clock.today()
        item.author_id = _user_id()
        super().pre_add(item)

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk: int):
        try:
            row = records.material_file(read_session(), current_scope(), pk)
        except NotInScope:
            abort(404)
        return stored_file(row.data, row.filename, row.content_type)


class _MenuFor:
    """Stands in as a menu entry's view so that only these roles get the entry
    (app.security.roles.view_permissions reads `role_access`); the pages behind it keep the
    permissions of their own view."""

    def __init__(self, *roles):
        self.role_access = {role: () for role in roles}


def _link(appbuilder, name, endpoint, label, icon, *roles):
    appbuilder.add_link(name, href=endpoint, icon=icon, label=label, category=menu.ROLLOUT,
                        category_label=menu.LABELS[menu.ROLLOUT], baseview=_MenuFor(*roles))


def register(appbuilder) -> None:
    # One file of at most uploads.MAX_UPLOAD_BYTES each: a request over the whole limit is told that.
    limit_uploads(current_app, uploads.MAX_UPLOAD_BYTES,
                  "ReadinessView.evidence_upload", "MaterialView.add", "MaterialView.edit")
    menu.add(appbuilder, RolloutControlView, "RolloutControl", _l("Контроль исполнения приказа"), menu.ROLLOUT, "fa-traffic-light")
    _link(appbuilder, "LightThresholds", "RolloutControlView.thresholds", _l("Пороги светофора"), "fa-sliders",
          R.MONITORING)
    appbuilder.add_view_no_menu(RolloutPlanView)
    appbuilder.add_view_no_menu(ReadinessView)
    _link(appbuilder, "MyMunicipality", "RolloutPlanView.mine", _l("План внедрения и школы"), "fa-list-ol", R.MUNICIPAL)
    _link(appbuilder, "MySchoolReadiness", "ReadinessView.mine", _l("Готовность школы"), "fa-check-square-o", R.SCHOOL_ADMIN)
    menu.add(appbuilder, ConsultationView, "Consultations", _l("Консультации"), menu.ROLLOUT, "fa-question-circle")
    menu.add(appbuilder, TrainingView, "Trainings", _l("Обучение"), menu.ROLLOUT, "fa-graduation-cap")
    menu.add(appbuilder, MaterialView, "Materials", _l("Методические материалы"), menu.ROLLOUT, "fa-book")
    menu.add(appbuilder, CampaignView, "Campaigns", _l("Кампании внедрения"), menu.ROLLOUT, "fa-flag")
    appbuilder.add_view_no_menu(MilestoneView)
    menu.add(appbuilder, JournalSystemView, "JournalSystems", _l("Системы электронного журнала"), menu.CATALOGUES, "fa-laptop")
