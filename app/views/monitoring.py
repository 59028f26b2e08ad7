"""Monitoring views (order 2613 p.1, p.3): snapshots, compute, thresholds, import, charts, the
region dashboard, the analytical report and its register. Thin: figures come from app.monitoring."""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext as _, lazy_gettext as _l

from app import clock, formats
from app.exports.cells import csv_row
from app.errors import DomainError
from app.extensions import db
from app.models import AnalyticalReport, Municipality, UsageSnapshot
from app.monitoring import adoption, coverage, imports, register as reports_register, registry
from app.monitoring.indicators import compute_month
from app.monitoring.months import (
    counted_until, first_of, last_complete_month, month_key, month_label, parse_month, previous_month,
)
from app.monitoring.report import (
    SOURCE_LABELS, school_figures, school_headers, school_lines, source_label,
)
from app.monitoring.thresholds import (
    change_thresholds, current_threshold, no_data_rule, threshold_history, uses_system,
)
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.security.scope import is_visible, visible
from app.rollout.deadlines import deadline_table, overdue_list
from app.rollout.status import active_campaign
from app.views import menu
from app.views.base import ScopedModelView
from app.web.data import ScopedInterface
from app.xlsx_upload import XlsxLimits


CSV_TYPE = "text/csv; charset=utf-8"


def snapshot_labels() -> dict:
    """Labels of the snapshot pages: the record's own fields and every indicator of the registry."""
    return {
        "school": _l("Школа"), "month": _l("Месяц"), "source": _l("Источник"),
        **{i.code: _l(i.shown_label) for i in registry.INDICATORS},
        "uses_system": _l("Использует систему"), "computed_at": _l("Рассчитано"), "import_batch": _l("Загрузка"),
    }


class UsageSnapshotView(ScopedModelView):
    """Snapshots per school and month; the monitoring role may enter a school's figures by hand."""

    datamodel = ScopedInterface(UsageSnapshot)
    role_access = {R.MONITORING: R.EDIT, R.MINISTRY: R.READ, R.MUNICIPAL: R.READ}
    list_title = _l("Показатели использования по школам")
    show_title = _l("Показатели школы за месяц")
    add_title = _l("Ввод показателей школы вручную")
    edit_title = _l("Показатели школы за месяц")
    # The list shows the figures that decide the verdict first; the card and the form show every
    # indicator of app.monitoring.registry in its order.
    list_columns = ["school", "month", "source", "lessons_filled", "lessons_due", "teachers_active",
                    "teachers_total", "marks_entered", "diary_visits", "uses_system"]
    show_columns = ["school", "month", "source", *registry.codes(), "uses_system", "computed_at", "import_batch"]
    add_columns = edit_columns = ["school", "month", *registry.codes()]
    search_columns = ["school", "month", "source", "uses_system"]
    order_columns = ["month", "source", "lessons_due", "uses_system"]
    base_order = ("month", "desc")
    month_columns = ("month",)  # typed and shown as «октябрь 2012»
    label_columns = snapshot_labels()
    # The source is a code of the monitoring rules; the list showed «entered» and «computed».
    formatters_columns = {"source": source_label}
    # Searched by the same names (typing «entered» was the only way to find hand-entered figures).
    search_code_columns = {"source": {code: _l(label) for code, label in SOURCE_LABELS.items()}}

    def _entered(self, item):
        item.month = item.month.replace(day=1) if item.month else item.month
        item.source = "entered"
        item.entered_by_id = g.user.id
        item.computed_at = clock.region_now()
        item.uses_system = uses_system(
            current_threshold(self.datamodel.session),
            lessons_filled=item.lessons_filled or 0, lessons_due=item.lessons_due or 0,
            teachers_active=item.teachers_active or 0, teachers_total=item.teachers_total or 0)

    def pre_add(self, item):
        self._entered(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._entered(item)
        super().pre_update(item)


def _month_arg() -> dt.date:
    """?month=YYYY-MM, else the last complete month (a month in progress only when asked for)."""
    text = request.values.get("month")
    if text:
        return parse_month(text)
    return last_complete_month(clock.today())


class MonitoringView(BaseView):
    route_base = "/monitoring"
    default_view = "dashboard"
    scope_routes = [("/register/<int:report_id>/file", AnalyticalReport),
                    ("/register/<int:report_id>/sent", AnalyticalReport)]
    _everyone = ("can_dashboard", "can_charts", "can_export")
    role_access = {
        R.MONITORING: _everyone + ("can_compute", "can_thresholds", "can_import", "can_report", "can_register",
                                   "can_mark_sent"),
        R.MINISTRY: _everyone + ("can_register",),
        R.MUNICIPAL: _everyone,
    }

    # --- pages to read -------------------------------------------------------------------

    @expose("/dashboard")
    @has_access
    def dashboard(self):
        session = read_session()
        scope = current_scope()
        month = _month_arg()
        today = clock.today()
        threshold = current_threshold(session)
        totals = adoption.municipality_shares(session, scope, month, today=today, threshold=threshold)
        series = adoption.region_series(session, scope, until=month, today=today, threshold=threshold)
        # The reports still to send, for those who keep the register.
        keeps_register = self.appbuilder.sm.has_access("can_register", self.class_permission_name)
        rows = reports_register.register_rows(session) if keeps_register else []
        pending = [r for r in rows if r.is_pending()]
        campaign = active_campaign(session, today)
        # The control page's own table, so the list says what the control page says.
        overdue = overdue_list(deadline_table(session, campaign, today, where=visible(scope, Municipality))
                               ) if campaign else []
        return self.render_template(
            "monitoring/dashboard.html", month=month, month_label=month_label(month), month_key=month_key(month),
            previous_label=month_label(previous_month(month)), totals=totals, series=series, pending=pending,
            chart_rows=adoption.chart_order(totals.rows),
            today=today, overdue=overdue, threshold=threshold, no_data_rule=no_data_rule(threshold),
            no_data_reasons=_reasons(totals), month_links=_month_links(month, today),
            can_compute=self._may("can_compute"), can_report=self._may("can_report"),
        )

    def _may(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(permission, self.class_permission_name)

    @expose("/charts")
    @has_access
    def charts(self):
        session = read_session()
        scope = current_scope()
        month = _month_arg()
        today = clock.today()
        indicator = request.args.get("indicator", "lessons_filled")
        indicators = adoption.distribution_indicators()
        if indicator not in indicators:
            indicator = next(iter(indicators))
        bins, undefined, no_data = adoption.indicator_distribution(session, scope, month, indicator)
        threshold = current_threshold(session)
        totals = adoption.municipality_shares(session, scope, month, today=today, threshold=threshold)
        series = adoption.region_series(session, scope, until=month, today=today, threshold=threshold)
        return self.render_template(
            "monitoring/charts.html", month=month, month_label=month_label(month), month_key=month_key(month),
            totals=totals, chart_rows=adoption.chart_order(totals.rows), series=series, bins=bins,
            undefined=undefined, no_data=no_data, indicator=indicator, indicators=indicators,
            no_data_rule=no_data_rule(threshold), no_data_reasons=_reasons(totals),
            month_links=_month_links(month, today),
        )

    @expose("/export")
    @has_access
    def export(self):
        """The month's school figures in the user's scope as CSV (no personal data)."""
        session = read_session()
        month = _month_arg()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(csv_row([_(header) for header in school_headers()]))
        for line in school_lines(session, current_scope(), month, until=counted_until(month, clock.today())):
            s = line.snapshot
            head = [line.municipality, line.school, line.system or ""]
            if s is None:
                writer.writerow(csv_row(head + [line.no_data_text]))
                continue
            figures = [formats.format_percent(value, missing="") if kind == "share" else value
                       for (kind, _part, _whole), value in zip(registry.share_columns(), school_figures(s))]
            cells = [source_label(s.source), *figures, _("да") if s.uses_system else _("нет")]
            writer.writerow(csv_row(head + cells))
        return Response(out.getvalue().encode("utf-8-sig"), mimetype=CSV_TYPE, headers={
            "Content-Disposition": f'attachment; filename="monitoring-{month_key(month)}.csv"'})

    # --- the monitoring role's work --------------------------------------------------------

    @expose("/compute", methods=["POST"])
    @has_access
    def compute(self):
        month = parse_month(request.form.get("month"))
        result = compute_month(db.session, month)
        flash(result.message(), "success")
        return redirect(url_for("MonitoringView.dashboard", month=month_key(month)))

    @expose("/thresholds", methods=["GET", "POST"])
    @has_access
    def thresholds(self):
        if request.method == "POST":
            rule = request.form.get("no_data")
            count = change_thresholds(db.session, lessons_filled_share=request.form.get("lessons_filled", ""),
                                      teachers_active_share=request.form.get("teachers_active", ""),
                                      user_id=g.user.id, no_data_in_denominator={"in": True, "out": False}.get(rule))
            flash(_("Пороги изменены; вердикт пересчитан для записей: %(n)s.", n=count), "success")
            return redirect(url_for("MonitoringView.thresholds"))
        threshold = current_threshold(db.session)
        return self.render_template("monitoring/thresholds.html", threshold=threshold,
                                    history=threshold_history(db.session), no_data_rule=no_data_rule(threshold))

    @expose("/import", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    def import_file(self):
        session = db.session
        scope = current_scope()
        batches = imports.recent_batches(session, scope)
        default_month = month_key(last_complete_month(clock.today()))
        if request.method == "GET":
            return self.render_template("monitoring/import.html", batches=batches, preview=None,
                                        month_value=request.args.get("month", default_month))
        month = parse_month(request.form.get("month"))
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise DomainError(_("Выберите файл для загрузки."))
        raw = imports.read_table(upload.read(), upload.filename, XlsxLimits.from_config(current_app.config))
        preview = imports.validate(session, scope, month, raw, upload.filename)
        token = imports.preview_token(preview, current_app.secret_key) if preview.ok else None
        return self.render_template("monitoring/import.html", batches=batches, preview=preview, token=token,
                                    month_value=month_key(month), month_label=month_label(month))

    @expose("/import/confirm", methods=["POST"])
    @has_access
    @permission_name("import")
    def import_confirm(self):
        batch = imports.confirm_import(db.session, current_scope(), request.form.get("token", ""),
                                       current_app.secret_key, user_id=g.user.id)
        flash(_("Загружено строк: %(n)s за %(month)s.", n=batch.rows_accepted, month=month_label(batch.month)),
              "success")
        return redirect(url_for("MonitoringView.import_file"))

    @expose("/import/template")
    @has_access
    @permission_name("import")
    def import_template(self):
        scope = current_scope()
        if request.args.get("format") == "csv":
            return Response(imports.template_csv(db.session, scope), mimetype=CSV_TYPE, headers={
                "Content-Disposition": 'attachment; filename="shablon-pokazateley.csv"'})
        return Response(imports.template_xlsx(db.session, scope), mimetype=reports_register.XLSX_TYPE, headers={
            "Content-Disposition": 'attachment; filename="shablon-pokazateley.xlsx"'})

    @expose("/report", methods=["POST"])
    @has_access
    def report(self):
        """Generate the month's report (xlsx and docx), record it in the register and download the
        format asked for (`format`: xlsx by default, or docx)."""
        month = parse_month(request.form.get("month"))
        kind = reports_register.report_format(request.form.get("format") or "xlsx")
        who = f"{g.user.first_name} {g.user.last_name}".strip()
        entry = reports_register.generate(db.session, month, user_id=g.user.id, generated_by=who)
        return _download(reports_register.report_file(entry, kind))

    @expose("/register")
    @has_access
    def register(self):
        rows = reports_register.register_rows(read_session())
        return self.render_template("monitoring/register.html", rows=rows, today=clock.today(),
                                    can_mark_sent=self._may("can_mark_sent"), can_report=self._may("can_report"))

    @expose("/register/<int:report_id>/file")
    @has_access
    @permission_name("register")
    def register_file(self, report_id: int):
        """A recorded report's file: the xlsx, or the Word document with ?format=docx."""
        kind = reports_register.report_format(request.args.get("format") or "xlsx")
        entry = read_session().get(AnalyticalReport, report_id)
        if entry is None or not is_visible(read_session(), current_scope(), AnalyticalReport, report_id):
            abort(404)
        return _download(reports_register.report_file(entry, kind))

    @expose("/register/<int:report_id>/sent", methods=["POST"])
    @has_access
    def mark_sent(self, report_id: int):
        if not is_visible(db.session, current_scope(), AnalyticalReport, report_id):
            abort(404)
        entry = reports_register.mark_sent(db.session, report_id, user_id=g.user.id)
        flash(_("Справка за %(month)s отмечена как отправленная.", month=month_label(entry.month)), "success")
        return redirect(url_for("MonitoringView.register"))


def _month_links(month: dt.date, today: dt.date) -> list[tuple[str, str, str]]:
    """(month key, label, element id) of the links beside the month picker: back to the last
    complete month, and on to the month in progress (shown only when asked for)."""
    complete, current = last_complete_month(today), first_of(today)
    links = []
    if month != complete:
        links.append((month_key(complete), _("Последний полный месяц: %(month)s", month=month_label(complete)),
                      "month-complete"))
    if month != current:
        links.append((month_key(current), _("Текущий месяц: %(month)s (неполный)", month=month_label(current)),
                      "month-current"))
    return links


def _reasons(totals) -> list[tuple[str, int]]:
    """(reason in Russian, schools) of the schools without figures, in the coverage module's order."""
    return [(coverage.reason_label(r), totals.no_data_reasons[r]) for r in coverage.REASONS
            if totals.no_data_reasons.get(r)]


def _download(file: reports_register.ReportFile | None) -> Response:
    if file is None:
        abort(404)
    return Response(file.content, mimetype=file.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{file.filename}"'})


def _pct(value) -> str:
    """66.7 -> '66,7'; None -> '—' (the percent sign is the template's)."""
    return formats.format_percent(value)


def _raw(value) -> str:
    """The number for a chart's data attribute: '66.7'; None -> ''."""
    return "" if value is None else "%.1f" % value


def _signed(value) -> str:
    """A change in percentage points: '+1,5', '-0,3', '0,0'; None -> '—'."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + _pct(value)


class _MenuAccess:
    """Stands for a MonitoringView page in a menu link, so roles.sync_roles grants the menu entry
    exactly to the roles that may open the page."""

    def __init__(self, *permissions: str):
        self.role_access = {role: permissions for role, granted in MonitoringView.role_access.items()
                            if set(permissions) <= set(granted)}


def register(appbuilder) -> None:
    current_app.jinja_env.globals.update(monitoring_pct=_pct, monitoring_raw=_raw, monitoring_signed=_signed)

    def link(name, label, href, icon, permission):
        appbuilder.add_link(name, label=label, href=href, icon=icon, category=menu.MONITORING,
                            category_label=menu.LABELS[menu.MONITORING], baseview=_MenuAccess(permission))

    appbuilder.add_view(MonitoringView, "MonitoringDashboard", label=_l("Сводка по области"), icon="fa-tachometer",
                        category=menu.MONITORING, category_label=menu.LABELS[menu.MONITORING])
    link("MonitoringCharts", _l("Диаграммы внедрения"), "/monitoring/charts", "fa-bar-chart", "can_charts")
    menu.add(appbuilder, UsageSnapshotView, "UsageSnapshots", _l("Показатели школ"), menu.MONITORING, "fa-table")
    link("MonitoringImport", _l("Загрузка показателей"), "/monitoring/import", "fa-upload", "can_import")
    link("MonitoringThresholds", _l("Пороги вердикта"), "/monitoring/thresholds", "fa-sliders", "can_thresholds")
    link("MonitoringRegister", _l("Реестр аналитических справок"), "/monitoring/register", "fa-file-excel-o",
         "can_register")
