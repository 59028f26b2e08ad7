"""Register of analytical reports (order 2613 p.3.2): per month its due date (the campaign's report
day of the next month), when it was generated and by whom, when marked as sent and by whom.
The report file itself is kept in the database: application servers keep nothing on disk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from app import formats
from app.errors import DomainError
from app.models import AnalyticalReport, Campaign, UsageSnapshot
from app.monitoring.adoption import DEFAULT_REPORT_DAY, all_campaigns, campaign_in
from app.monitoring.months import month_key, next_month
from app.text import _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def due_date(session: Session, month: dt.date) -> dt.date:
    """The report for `month` is due on the campaign's report day of the following month (5th by default)."""
    return _due_date(all_campaigns(session), month)


def _due_date(campaigns: list[Campaign], month: dt.date) -> dt.date:
    campaign = campaign_in(campaigns, month)
    day = campaign.report_day if campaign else DEFAULT_REPORT_DAY
    return next_month(month).replace(day=day)


def report_filename(month: dt.date) -> str:
    return f"analiticheskaya-spravka-{month_key(month)}.xlsx"


def record_generation(session: Session, month: dt.date, content: bytes, *, user_id: int | None,
                      now: dt.datetime | None = None) -> AnalyticalReport:
    """Store a freshly generated report for `month` (replacing an earlier file of the month). Commits.

    Regenerating keeps the sent mark: a report already sent stays sent on its date."""
    report = session.scalars(select(AnalyticalReport).where(AnalyticalReport.month == month)).first()
    if report is None:
        report = AnalyticalReport(month=month, due_on=due_date(session, month))
        session.add(report)
    report.generated_at = now or dt.datetime.now()
    report.generated_by_id = user_id
    report.filename = report_filename(month)
    report.content = content
    session.commit()
    return report


def mark_sent(session: Session, report_id: int, *, user_id: int | None, now: dt.datetime | None = None) -> AnalyticalReport:
    """Mark a generated report as sent to the ministry. Commits."""
    report = session.get(AnalyticalReport, report_id)
    if report is None:
        raise DomainError(_("Такой справки нет в реестре."))
    if report.content is None:
        raise DomainError(_("Справка ещё не сформирована: сначала сформируйте её, потом отмечайте отправку."))
    if report.sent_at is not None:
        raise DomainError(_("Справка уже отмечена как отправленная %(day)s.", day=formats.format_date(report.sent_at)))
    report.sent_at = now or dt.datetime.now()
    report.sent_by_id = user_id
    session.commit()
    return report


@dataclass
class RegisterRow:
    month: dt.date
    due_on: dt.date
    report: AnalyticalReport | None   # loaded without its file (content)
    has_file: bool = False

    @property
    def generated_at(self):
        return self.report.generated_at if self.report else None

    @property
    def sent_at(self):
        return self.report.sent_at if self.report else None

    def is_late(self, today: dt.date) -> bool:
        """Sent after the due date, or not sent and the due date has passed."""
        if self.sent_at is not None:
            return self.sent_at.date() > self.due_on
        return today > self.due_on

    def is_pending(self) -> bool:
        return self.sent_at is None


def register_rows(session: Session) -> list[RegisterRow]:
    """Every month that has snapshots or a report, newest first. The reports' files are not
    loaded (a year of them is megabytes); `has_file` tells whether there is one."""
    has_file = func.coalesce(func.length(AnalyticalReport.content), 0) > 0
    loaded = session.execute(select(AnalyticalReport, has_file).options(defer(AnalyticalReport.content))).all()
    reports = {r.month: r for r, filed in loaded}
    with_file = {r.month for r, filed in loaded if filed}
    months = set(reports) | set(session.scalars(select(UsageSnapshot.month).distinct()))
    campaigns = all_campaigns(session)
    rows = []
    for month in sorted(months, reverse=True):
        report = reports.get(month)
        rows.append(RegisterRow(month, report.due_on if report else _due_date(campaigns, month), report,
                                month in with_file))
    return rows
