"""Teacher completion report («Заполнение журналов») for the school administration (own school)
and the municipal coordinator (schools of the municipality: an overview, then one school): a page
and its xlsx. Thin: the figures come from app.monitoring.completion, the school check from the
scope module (a school out of scope answers 404)."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app import clock
from app.monitoring.completion import (
    MONTH,
    WEEK,
    Period,
    completion_report,
    completion_xlsx,
    latest_lesson_day,
    month_of,
    parse_period,
    report_schools,
    schools_overview,
    week_of,
)
from app.monitoring.months import month_key
from app.monitoring.register import XLSX_TYPE
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.views import menu


def _school_arg() -> int | None:
    """?school=<id>; anything but digits answers 404 like a school out of scope."""
    text = request.args.get("school")
    if not text:
        return None
    if not text.isdigit():
        abort(404)
    return int(text)


def _period(session, scope, school_id: int | None, today: dt.date) -> Period:
    """?period=week&date=YYYY-MM-DD or ?period=month&month=YYYY-MM; without a date, the last week
    (or this month) with lessons up to today."""
    kind = request.args.get("period") or WEEK
    day, month = request.args.get("date"), request.args.get("month")
    if kind == WEEK and not day:
        return week_of(latest_lesson_day(session, scope, school_id, today) or today)
    if kind == MONTH and not month:
        return month_of(latest_lesson_day(session, scope, school_id, today) or today)
    return parse_period(kind, day=day, month=month)


def _args(period: Period, school_id: int | None = None) -> dict:
    """URL arguments that show `period` (of the school) again: links, the xlsx download."""
    args = {"school": school_id} if school_id is not None else {}
    if period.kind == MONTH:
        return {**args, "period": MONTH, "month": period.key}
    return {**args, "period": WEEK, "date": period.start.isoformat()}


class CompletionView(BaseView):
    route_base = "/completion"
    default_view = "report"
    role_access = {
        R.SCHOOL_ADMIN: ("can_report", "can_export"),
        R.MUNICIPAL: ("can_report", "can_export"),
    }

    def _school_report(self, school_id: int):
        session, scope, today = read_session(), current_scope(), clock.today()
        report = completion_report(session, scope, school_id, _period(session, scope, school_id, today), today)
        if report is None:
            abort(404)
        return report

    @expose("/")
    @has_access
    def report(self):
        session, scope, today = read_session(), current_scope(), clock.today()
        school_id = _school_arg() or scope.school_id
        schools = report_schools(session, scope)
        common = dict(week=WEEK, month=MONTH, month_key=month_key, schools=schools)
        if school_id is None:  # a coordinator: the municipality's schools first
            period = _period(session, scope, None, today)
            return self.render_template(
                "completion/overview.html", period=period, lines=schools_overview(session, scope, period, today),
                school_id=None, args=_args(period), prev_args=_args(period.previous()),
                next_args=_args(period.next()), today=today, **common)
        report = self._school_report(school_id)
        period = report.period
        return self.render_template(
            "completion/report.html", report=report, period=period, school_id=report.school_id,
            args=_args(period, report.school_id), prev_args=_args(period.previous(), report.school_id),
            next_args=_args(period.next(), report.school_id), **common)

    @expose("/export")
    @has_access
    def export(self):
        school_id = _school_arg() or current_scope().school_id
        if school_id is None:
            abort(404)
        report = self._school_report(school_id)
        filename = f"zapolnenie-zhurnalov-{report.school_id}-{report.period.key}.xlsx"
        return Response(completion_xlsx(report), mimetype=XLSX_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def register(appbuilder) -> None:
    menu.add(appbuilder, CompletionView, "TeacherCompletion", _l("Заполнение журналов"), menu.JOURNAL,
             "fa-check-square-o")
