"""Register of analytical reports (order 2613 p.3.2): per month its due date (the campaign's report
day of the next month), when it was generated and by whom, when marked as sent and by whom.
The report's files (the xlsx and the Word document) are kept in the database: application servers
keep nothing on disk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from app import clock, formats
from app.errors import DomainError
from app.models import AnalyticalReport, Campaign, UsageSnapshot
from app.monitoring.adoption import DEFAULT_REPORT_DAY, all_campaigns, campaign_in
from app.monitoring.months import month_key, next_month
from app.monitoring.report import build_xlsx, report_data
from app.monitoring.report_docx import build_docx
from app.text import _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def due_date(session: Session, month: dt.date) -> dt.date:
    """The report for `month` is due on the campaign's report day of the following month (5th by default)."""
    return _due_date(all_campaigns(session), month)


def _due_date(campaigns: list[Campaign], month: dt.date) -> dt.date:
    campaign = campaign_in(campaigns, month)
    day = campaign.report_day if campaign else DEFAULT_REPORT_DAY
    return next_month(month).replace(day=day)


def report_filename(month: dt.date) -> str:
    return f"analiticheskaya-spravka-{month_key(month)}.xlsx"


FORMATS = ("xlsx", "docx")


def report_format(text: str | None) -> str:
    """The справка's format named by a form's value or a file's extension: 'xlsx' or 'docx'
    (case-blind, with or without the dot, or the whole file name). DomainError for anything else."""
    value = (text or "").strip().lower()
    kind = PurePath(value).suffix.lstrip(".") or value.lstrip(".")
    if kind not in FORMATS:
        raise DomainError(_("Справка формируется в xlsx или docx, а не «%(text)s»: укажите файл с расширением "
                            ".xlsx или .docx.", text=text or ""))
    return kind


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    mimetype: str


def report_file(report: AnalyticalReport, kind: str) -> ReportFile | None:
    """The register's file of `report` in format `kind` ('xlsx' or 'docx'); None when it has none
    (not generated, or generated before the Word document was kept)."""
    if kind == "docx":
        if not report.docx_content:
            return None
        return ReportFile(report.docx_content, str(PurePath(report.filename).with_suffix(".docx")), DOCX_TYPE)
    if not report.content:
        return None
    return ReportFile(report.content, report.filename, XLSX_TYPE)


def generate(session: Session, month: dt.date, *, user_id: int | None, generated_by: str | None) -> AnalyticalReport:
    """Generate the справка for `month` as xlsx and docx from one reading of the figures and record
    both in the register (`record_generation`). Commits."""
    data = report_data(session, month, generated_by=generated_by)
    return record_generation(session, month, build_xlsx(session, data), docx=build_docx(data), user_id=user_id,
                             now=data.generated_at)


def record_generation(session: Session, month: dt.date, content: bytes, *, docx: bytes | None = None,
                      user_id: int | None, now: dt.datetime | None = None) -> AnalyticalReport:
    """Store a freshly generated report for `month`, the xlsx `content` and its Word document `docx`
    (replacing the earlier files of the month, a docx too: the two are always of one generation). Commits.

    Regenerating keeps the sent mark: a report already sent stays sent on its date."""
    report = session.scalars(select(AnalyticalReport).where(AnalyticalReport.month == month)).first()
    if report is None:
        report = AnalyticalReport(month=month, due_on=due_date(session, month))
        session.add(report)
    report.generated_at = now or clock.region_now()
    report.generated_by_id = user_id
    report.filename = report_filename(month)
    report.content = content
    report.docx_content = docx
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
    report.sent_at = now or clock.region_now()
    report.sent_by_id = user_id
    session.commit()
    return report


@dataclass
class RegisterRow:
    month: dt.date
    due_on: dt.date
    report: AnalyticalReport | None   # loaded without its files (content, docx_content)
    has_file: bool = False
    has_docx: bool = False

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
    has_docx = func.coalesce(func.length(AnalyticalReport.docx_content), 0) > 0
    loaded = session.execute(select(AnalyticalReport, has_file, has_docx).options(
        defer(AnalyticalReport.content), defer(AnalyticalReport.docx_content))).all()
    reports = {r.month: r for r, filed, docx in loaded}
    with_file = {r.month for r, filed, docx in loaded if filed}
    with_docx = {r.month for r, filed, docx in loaded if docx}
    months = set(reports) | set(session.scalars(select(UsageSnapshot.month).distinct()))
    campaigns = all_campaigns(session)
    rows = []
    for month in sorted(months, reverse=True):
        report = reports.get(month)
        rows.append(RegisterRow(month, report.due_on if report else _due_date(campaigns, month), report,
                                month in with_file, month in with_docx))
    return rows
