"""Teacher completion report («Заполнение журналов») for the school administration (own school)
and the municipal coordinator (schools of the municipality): a page and its xlsx. Thin: the
figures come from app.monitoring.completion, the school check from the scope module."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.monitoring.completion import (
    MONTH,
    WEEK,
    Period,
    completion_report,
    completion_xlsx,
    latest_lesson_day,
    parse_period,
    report_schools,
    week_of,
)
from app.monitoring.months import month_key
from app.monitoring.register import XLSX_TYPE
from app.reading import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.views import menu


class CompletionView(BaseView):
    route_base = "/completion"
    default_view = "report"
    role_access = {
        R.SCHOOL_ADMIN: ("can_report", "can_export"),
        R.MUNICIPAL: ("can_report", "can_export"),
    }

    def _school_id(self, schools) -> int:
        """?school=<id> (404 unless in scope), else the user's own school, else the first in scope."""
        text = request.args.get("school")
        if text:
            if not text.isdigit():
                abort(404)
            return int(text)
        own = current_scope().school_id
        if own is not None:
            return own
        if not schools:
            abort(404)
        return schools[0][0]

    def _build(self):
        session = read_session()
        scope = current_scope()
        today = dt.date.today()
        schools = report_schools(session, scope)
        school_id = self._school_id(schools)
        kind = request.args.get("period") or WEEK
        day, month = request.args.get("date"), request.args.get("month")
        if kind == WEEK and not day:
            period = week_of(latest_lesson_day(session, scope, school_id, today) or today)
        elif kind == MONTH and not month:
            period = parse_period(MONTH, month=month_key(today))
        else:
            period = parse_period(kind, day=day, month=month)
        report = completion_report(session, scope, school_id, period, today)
        if report is None:
            abort(404)
        return report, schools

    @expose("/")
    @has_access
    def report(self):
        report, schools = self._build()
        period = report.period
        return self.render_template(
            "completion/report.html", report=report, schools=schools, week=WEEK, month=MONTH, month_key=month_key,
            args=_args(report.school_id, period), prev_args=_args(report.school_id, period.previous()),
            next_args=_args(report.school_id, period.next()))

    @expose("/export")
    @has_access
    def export(self):
        report, _schools = self._build()
        filename = f"zapolnenie-zhurnalov-{report.school_id}-{report.period.key}.xlsx"
        return Response(completion_xlsx(report), mimetype=XLSX_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _args(school_id: int, period: Period) -> dict:
    """URL arguments that show `period` of the school again (links, the xlsx download)."""
    if period.kind == MONTH:
        return {"school": school_id, "period": MONTH, "month": period.key}
    return {"school": school_id, "period": WEEK, "date": period.start.isoformat()}


def register(appbuilder) -> None:
    menu.add(appbuilder, CompletionView, "TeacherCompletion", _l("Заполнение журналов"), menu.JOURNAL,
             "fa-check-square-o")
