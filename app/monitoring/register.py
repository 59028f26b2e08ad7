"""Register of analytical reports (order 2613 p.3.2): per month its due date (the campaign's report
day of the next month) and its revisions: when each was generated and by whom, when marked as sent
and by whom. A sent revision never changes; generating the month again makes the next revision.
The report's files (the xlsx and the Word document) are kept in the database: application servers
keep nothing on disk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from app import clock, formats
from app.errors import DomainError
from app.models import AnalyticalReport, Campaign, UsageSnapshot
from app.monitoring.adoption import DEFAULT_REPORT_DAY, all_campaigns, campaign_in
from app.monitoring.months import month_key, next_month
from app.monitoring.report import build_xlsx, report_data
from app.monitoring.report_docx import build_docx
from app.i18n import _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def due_date(session: Session, month: dt.date) -> dt.date:
    """The report for `month` is due on the campaign's report day of the following month (5th by default)."""
    return _due_date(all_campaigns(session), month)


def _due_date(campaigns: list[Campaign], month: dt.date) -> dt.date:
    campaign = campaign_in(campaigns, month)
    day = campaign.report_day if campaign else DEFAULT_REPORT_DAY
    return next_month(month).replace(day=day)


def report_filename(month: dt.date, revision: int = 1) -> str:
    """«analiticheskaya-spravka-2012-09.xlsx»; a later revision says which («…-2012-09-red2.xlsx»)."""
    suffix = f"-red{revision}" if revision > 1 else ""
    return f"analiticheskaya-spravka-{month_key(month)}{suffix}.xlsx"


def _latest(session: Session, month: dt.date) -> AnalyticalReport | None:
    return session.scalars(select(AnalyticalReport).where(AnalyticalReport.month == month)
                           .order_by(AnalyticalReport.revision.desc()).limit(1)).first()


def revision_to_write(session: Session, month: dt.date) -> int:
    """The revision a generation of `month` writes now: 1 for the first; the latest while it is not
    sent (it is replaced); the next one once the latest was sent (a sent справка never changes)."""
    latest = _latest(session, month)
    if latest is None:
        return 1
    return latest.revision + 1 if latest.sent_at is not None else latest.revision


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


def generate(session: Session, month: dt.date, *, user_id: int | None, generated_by: str | None,
             today: dt.date | None = None) -> AnalyticalReport:
    """Generate the справка for `month` as xlsx and docx from one reading of the figures and record
    both in the register as the revision `revision_to_write` names (`record_generation`). Commits."""
    data = report_data(session, month, generated_by=generated_by, today=today,
                       revision=revision_to_write(session, month))
    return record_generation(session, month, build_xlsx(session, data), docx=build_docx(data), user_id=user_id,
                             now=data.generated_at)


def record_generation(session: Session, month: dt.date, content: bytes, *, docx: bytes | None = None,
                      user_id: int | None, now: dt.datetime | None = None) -> AnalyticalReport:
    """Store a freshly generated report for `month`, the xlsx `content` and its Word document `docx`
    (the two are always of one generation), and return its revision. Commits.

    The latest revision is replaced while it is not sent; once sent it is never touched again, and
    the generation becomes the next revision (`revision_to_write`)."""
    latest = _latest(session, month)
    if latest is None or latest.sent_at is not None:
        report = AnalyticalReport(month=month, revision=latest.revision + 1 if latest else 1,
                                  due_on=latest.due_on if latest else due_date(session, month))
        session.add(report)
    else:
        report = latest
    report.generated_at = now or clock.region_now()
    report.generated_by_id = user_id
    report.filename = report_filename(month, report.revision)
    report.content = content
    report.docx_content = docx
    try:
        session.commit()
    except IntegrityError:  # another generation of the month made this revision a moment ago
        session.rollback()
        raise DomainError(_("Справку за этот месяц только что сформировал другой пользователь: обновите реестр "
                            "и сформируйте её снова, если нужно.")) from None
    return report


def mark_sent(session: Session, report_id: int, *, user_id: int | None, now: dt.datetime | None = None) -> AnalyticalReport:
    """Mark a generated revision as sent to the ministry (the region's time). Commits."""
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
    report: AnalyticalReport | None   # the latest revision, loaded without its files (content, docx_content)
    has_file: bool = False            # the latest revision has an xlsx
    has_docx: bool = False            # the latest revision has a Word document
    revisions: list[AnalyticalReport] = field(default_factory=list)  # every revision, newest first
    with_file: set[int] = field(default_factory=set)                 # ids of revisions with an xlsx
    with_docx: set[int] = field(default_factory=set)                 # ids of revisions with a docx

    @property
    def generated_at(self):
        return self.report.generated_at if self.report else None

    @property
    def first_sent(self) -> AnalyticalReport | None:
        """The revision sent first: the month's справка reached the ministry then."""
        sent = [r for r in self.revisions if r.sent_at is not None]
        return min(sent, key=lambda r: r.sent_at) if sent else None

    @property
    def sent_at(self):
        first = self.first_sent
        return first.sent_at if first else None

    def is_late(self, today: dt.date) -> bool:
        """First sent after the due date, or not sent and the due date has passed."""
        if self.sent_at is not None:
            return self.sent_at.date() > self.due_on
        return today > self.due_on

    def is_pending(self) -> bool:
        """Something to send: no revision yet, or the latest one not sent."""
        return self.report is None or self.report.sent_at is None


def register_rows(session: Session) -> list[RegisterRow]:
    """Every month that has snapshots or a report, newest first, with its revisions newest first.
    The reports' files are not loaded (a year of them is megabytes); `with_file` tells which
    revisions have one."""
    has_file = func.coalesce(func.length(AnalyticalReport.content), 0) > 0
    has_docx = func.coalesce(func.length(AnalyticalReport.docx_content), 0) > 0
    loaded = session.execute(select(AnalyticalReport, has_file, has_docx)
                             .options(defer(AnalyticalReport.content), defer(AnalyticalReport.docx_content))
                             .order_by(AnalyticalReport.month, AnalyticalReport.revision.desc())).all()
    revisions: dict[dt.date, list[AnalyticalReport]] = {}
    with_file, with_docx = set(), set()
    for report, filed, docx in loaded:
        revisions.setdefault(report.month, []).append(report)
        if filed:
            with_file.add(report.id)
        if docx:
            with_docx.add(report.id)
    months = set(revisions) | set(session.scalars(select(UsageSnapshot.month).distinct()))
    campaigns = all_campaigns(session)
    rows = []
    for month in sorted(months, reverse=True):
        mine = revisions.get(month, [])
        latest = mine[0] if mine else None
        ids = {r.id for r in mine}
        rows.append(RegisterRow(month, latest.due_on if latest else _due_date(campaigns, month), latest,
                                latest is not None and latest.id in with_file,
                                latest is not None and latest.id in with_docx, mine,
                                ids & with_file, ids & with_docx))
    return rows
