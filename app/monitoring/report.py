"""The monthly analytical report (аналитическая справка, order 2613 p.3.2) as xlsx.

What the справка says is read once into a `ReportData` (`report_data`): the xlsx here and the
Word document of app/monitoring/report_docx.py are both written from it, so they cannot disagree.

Sheets: «Сводка» (region totals, conclusions generated from the figures), «Муниципалитеты»,
«Школы» (every indicator; no pupil names or birth dates anywhere), «Внедрение» (plan and
readiness status), «Диаграмма» (native Excel column chart of shares with the target line).
Every figure is written as a value, never a formula: xlsxwriter caches 0 for formulas, and the
report must read the same in any viewer. The builder reads; it writes nothing to the database.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app import clock, formats
from app.exports.cells import merge_cells, page_header_text, write_cell, write_row
from app.models import Campaign, JournalSystem, Municipality, RolloutPlan, School, SchoolReadiness, UsageSnapshot
from app.monitoring import registry
from app.monitoring.adoption import RegionTotals, campaign_for, municipality_shares
from app.monitoring.months import last_day, month_label, month_label_in
from app.monitoring.thresholds import Threshold, current_threshold
from app.rollout.status import OverdueMilestone, overdue_milestones
from app.security import roles as R
from app.security.scope import Scope, visible
from app.text import N_, _

# Labels and headers are marked here and translated where they are written (xlsxwriter takes
# plain str only, so no lazy strings): `source_label(...)`, `_translated(school_headers())`.
SOURCE_LABELS = {"computed": N_("рассчитано"), "imported": N_("загружено"), "entered": N_("введено вручную")}


def source_label(source: str) -> str:
    """Where a snapshot's figures came from, in Russian (an unknown code as it is)."""
    return _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


REGION = Scope(role=R.ADMIN)  # the region-wide report of the register: every municipality

SUMMARY_SHEET = N_("Сводка")
MUNICIPALITIES_SHEET = N_("Муниципалитеты")
SCHOOLS_SHEET = N_("Школы")
ROLLOUT_SHEET = N_("Внедрение")
CHART_SHEET = N_("Диаграмма")

MUNICIPALITY_HEADERS = (
    "№", N_("Муниципальное образование"), N_("Общеобразовательных школ"), N_("Используют систему"), N_("Доля, %"),
    N_("Целевая доля, %"), N_("Плановая доля, %"), N_("Дата планового показателя"), N_("Статус"),
    N_("Доля в предыдущем месяце, %"), N_("Изменение, п.п."), N_("Школ с показателями"),
)
SCHOOL_HEAD = (N_("Муниципальное образование"), N_("Школа"), N_("Система журнала"), N_("Источник данных"))
USES_SYSTEM_HEADER = N_("Использует систему")


def school_headers() -> tuple[str, ...]:
    """The «Школы» sheet's (and the CSV export's) header: the school, then each indicator of
    app.monitoring.registry with a pair's share after it, then the verdict."""
    figures = tuple(part.share_header if kind == "share" else part.label
                    for kind, part, _whole in registry.share_columns())
    return (*SCHOOL_HEAD, *figures, USES_SYSTEM_HEADER)


def school_figures(snapshot: UsageSnapshot) -> list[int | Decimal | None]:
    """A snapshot's figures in the order of `school_headers` (between the head and the verdict):
    the counts as they are, a share as a percent to 0.1 or None when its whole is 0."""
    return [formats.percent(getattr(snapshot, part.code), getattr(snapshot, whole.code)) if kind == "share"
            else getattr(snapshot, part.code)
            for kind, part, whole in registry.share_columns()]


SCHOOL_HEADERS = school_headers()  # as the app started; the writers call school_headers()
ROLLOUT_HEADERS = (
    N_("Муниципальное образование"), N_("План: документ"), N_("План: дата утверждения"), N_("Ответственный"),
    N_("Назначен"), N_("Школ"), N_("Нормативные акты приняты"), N_("Система выбрана"), N_("Оборудование готово"),
    N_("Сотрудников обучено"), N_("Сотрудников всего"), N_("Школ готово полностью"), N_("Статус"),
)


def _translated(headers) -> list[str]:
    return [_(h) for h in headers]


def _num(value):
    """Decimal -> float for the cell; None stays empty."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _fmt_pp(value: Decimal) -> str:
    return formats.format_decimal(abs(value), 1)


def _pct(value: Decimal | None) -> str:
    return formats.format_percent(value, sign=True)


def municipality_status(row) -> str:
    if row.with_data == 0:
        return _("нет данных")
    if row.meets_target:
        return _("целевая доля достигнута")
    return _("ниже целевой доли")


def conclusions(totals: RegionTotals, threshold: Threshold) -> list[str]:
    """Short Russian conclusions drawn from the figures (the same figures the sheets carry)."""
    if not totals.has_data:
        return [_("За %(month)s нет данных мониторинга: показатели школ не рассчитаны и не загружены. "
                  "Рассчитайте месяц (кнопка «Рассчитать» или команда monitoring compute) и загрузите "
                  "показатели школ, работающих в других системах, затем сформируйте справку заново.",
                  month=month_label(totals.month))]
    lines = [
        _("В %(month_in)s систему используют %(using)s из %(total)s общеобразовательных школ области (%(share)s).",
          month_in=month_label_in(totals.month), using=totals.schools_using, total=totals.schools_total,
          share=_pct(totals.share)),
        _("Целевую долю %(target)s достигли %(meeting)s из %(municipalities)s муниципальных образований.",
          target=_pct(totals.target_share), meeting=totals.municipalities_meeting_target,
          municipalities=totals.municipalities),
    ]
    if totals.share is not None:
        lines.append(_gap_line(totals.share - totals.target_share))
    lines.append(_change_line(totals.change))
    lines += _behind_target_lines(totals.rows)
    lines += _off_plan_lines(totals.rows)
    lines += _missing_lines(totals)
    lines.append(_("Школа считается использующей систему, если заполнено не менее %(lessons)s уроков "
                   "и активны не менее %(teachers)s учителей.",
                   lessons=_pct(threshold.min_lessons_filled_share),
                   teachers=_pct(threshold.min_teachers_active_share)))
    return lines


def _gap_line(gap: Decimal) -> str:
    """The region's share against the target, in percentage points (0 counts as above)."""
    if gap >= 0:
        return _("Доля по области выше целевой на %(pp)s п.п.", pp=_fmt_pp(gap))
    return _("Доля по области ниже целевой на %(pp)s п.п.", pp=_fmt_pp(gap))


def _change_line(change: Decimal | None) -> str:
    """The region's share against the previous month (None: that month has no share)."""
    if change is None:
        return _("Данных за предыдущий месяц нет: изменение не рассчитано.")
    if change > 0:
        return _("По сравнению с предыдущим месяцем доля выросла на %(pp)s п.п.", pp=_fmt_pp(change))
    if change < 0:
        return _("По сравнению с предыдущим месяцем доля снизилась на %(pp)s п.п.", pp=_fmt_pp(change))
    return _("По сравнению с предыдущим месяцем доля не изменилась.")


def _behind_target_lines(rows) -> list[str]:
    """The five municipalities with figures furthest below the target, lowest share first."""
    behind = sorted((r for r in rows if r.with_data and not r.meets_target and r.share is not None),
                    key=lambda r: (r.share, r.name))
    if not behind:
        return []
    names = ", ".join(f"{r.name} ({_pct(r.share)})" for r in behind[:5])
    return [_("Наименьшая доля среди не достигших цели: %(names)s%(more)s.",
              names=names, more=_and_more(len(behind) - 5))]


def _off_plan_lines(rows) -> list[str]:
    """The first five municipalities below their own rollout plan."""
    off_plan = [r for r in rows if r.meets_plan is False]
    if not off_plan:
        return []
    names = ", ".join(r.name for r in off_plan[:5])
    return [_("Не выполняют собственный план внедрения: %(names)s%(more)s.",
              names=names, more=_and_more(len(off_plan) - 5))]


def _missing_lines(totals: RegionTotals) -> list[str]:
    """How many municipalities have no school's figures, else how many schools lack them."""
    no_data = [r.name for r in totals.rows if r.with_data == 0 and r.schools_total]
    if no_data:
        return [_("Нет показателей ни по одной школе в муниципальных образованиях: %(count)s.", count=len(no_data))]
    missing = totals.schools_total - sum(r.with_data for r in totals.rows)
    if missing > 0:
        return [_("Нет показателей за месяц у части школ: %(count)s.", count=missing)]
    return []


def _and_more(rest: int) -> str:
    """' и ещё 3' after a list cut at five names; '' when nothing was cut."""
    return _(" и ещё %(count)s", count=rest) if rest > 0 else ""


@dataclass
class SchoolLine:
    municipality: str
    school: str
    system: str | None
    snapshot: UsageSnapshot | None


def school_lines(session: Session, scope: Scope, month: dt.date) -> list[SchoolLine]:
    """Every school in scope with its snapshot for the month (None when it has none)."""
    rows = session.execute(
        select(Municipality.name, School.short_name, JournalSystem.name, UsageSnapshot)
        .join(Municipality, Municipality.id == School.municipality_id)
        .outerjoin(JournalSystem, JournalSystem.id == School.journal_system_id)
        .outerjoin(UsageSnapshot, and_(UsageSnapshot.school_id == School.id, UsageSnapshot.month == month))
        .where(visible(scope, School))
        .order_by(Municipality.name, School.short_name)
    )
    return [SchoolLine(m, s, system, snapshot) for m, s, system, snapshot in rows]


@dataclass
class RolloutLine:
    municipality: str
    plan: RolloutPlan | None
    schools: int
    normative_acts: int
    system_chosen: int
    hardware_ready: int
    staff_trained: int
    staff_total: int
    ready: int

    @property
    def problems(self) -> list[str]:
        """What the plan and readiness fields lack (see the note on the sheet); [] when in order."""
        problems = []
        if self.plan is None or self.plan.approval_doc_date is None:
            problems.append(_("план не утверждён"))
        if self.plan is None or not self.plan.responsible_full_name:
            problems.append(_("ответственный не назначен"))
        if self.schools and self.ready < self.schools:
            problems.append(_("не готовы школ: %(count)s", count=self.schools - self.ready))
        return problems

    @property
    def status(self) -> str:
        """A simple status from the plan and readiness fields (see the note on the sheet)."""
        return "; ".join(self.problems) or _("в норме")


def rollout_lines(session: Session, scope: Scope, month: dt.date) -> list[RolloutLine]:
    campaign = campaign_for(session, month)
    plans = {}
    readiness = {}
    if campaign is not None:
        plans = {p.municipality_id: p for p in session.scalars(
            select(RolloutPlan).where(RolloutPlan.campaign_id == campaign.id, visible(scope, RolloutPlan)))}
        done = lambda column: func.sum(case((column.is_not(None), 1), else_=0))  # noqa: E731
        ready = and_(SchoolReadiness.normative_acts_on.is_not(None), SchoolReadiness.system_chosen_on.is_not(None),
                     SchoolReadiness.hardware_ready_on.is_not(None))
        for row in session.execute(
            select(School.municipality_id, done(SchoolReadiness.normative_acts_on), done(SchoolReadiness.system_chosen_on),
                   done(SchoolReadiness.hardware_ready_on), func.sum(func.coalesce(SchoolReadiness.staff_trained, 0)),
                   func.sum(func.coalesce(SchoolReadiness.staff_total, 0)), func.sum(case((ready, 1), else_=0)))
            .join(School, School.id == SchoolReadiness.school_id)
            .where(SchoolReadiness.campaign_id == campaign.id, visible(scope, School))
            .group_by(School.municipality_id)
        ):
            readiness[row[0]] = [int(v or 0) for v in row[1:]]
    schools = dict(session.execute(
        select(School.municipality_id, func.count()).where(visible(scope, School), School.is_general_education.is_(True))
        .group_by(School.municipality_id)).all())
    lines = []
    for municipality_id, name in session.execute(
        select(Municipality.id, Municipality.name).where(visible(scope, Municipality)).order_by(Municipality.name)
    ):
        counts = readiness.get(municipality_id, [0] * 6)
        lines.append(RolloutLine(name, plans.get(municipality_id), schools.get(municipality_id, 0), *counts))
    return lines


@dataclass(frozen=True)
class ReportData:
    """What the справка for `month` says, read once for both of its documents (xlsx and docx).

    `overdue` are the campaign's milestones overdue somewhere in scope as of `overdue_on`: the
    month's last day, or today for a month not over yet (the справка describes its month, so
    generating it again later gives the same list)."""

    month: dt.date
    scope: Scope
    totals: RegionTotals
    threshold: Threshold
    campaign: Campaign | None
    overdue: list[OverdueMilestone]
    overdue_on: dt.date
    generated_at: dt.datetime
    generated_by: str | None

    @property
    def title(self) -> str:
        return _("Аналитическая справка об использовании электронных журналов и дневников за %(month)s",
                 month=month_label(self.month))

    @property
    def basis(self) -> str:
        """The order the справка reports on: the campaign's, else order 2613."""
        if self.campaign is None:
            return _("Приказ Министерства образования Московской области № 2613 от 13.06.2012")
        return _("Приказ № %(number)s от %(date)s", number=self.campaign.order_number,
                 date=formats.format_date(self.campaign.order_date))

    @property
    def note(self) -> str:
        """«Приказ № 2613 от 13.06.2012. Сформирована 05.10.2012 10:00, Иванова.»"""
        made = f"{self.generated_at:%d.%m.%Y %H:%M}"
        if self.generated_by:
            return _("%(basis)s. Сформирована %(when)s, %(who)s.", basis=self.basis, when=made, who=self.generated_by)
        return _("%(basis)s. Сформирована %(when)s.", basis=self.basis, when=made)

    def conclusions(self) -> list[str]:
        return conclusions(self.totals, self.threshold)


def report_data(session: Session, month: dt.date, *, scope: Scope = REGION, generated_at: dt.datetime | None = None,
                generated_by: str | None = None) -> ReportData:
    """Read what the справка for `month` says within `scope` (the region by default). Writes nothing."""
    campaign = campaign_for(session, month)
    overdue_on = min(last_day(month), clock.today())
    return ReportData(
        month=month, scope=scope, totals=municipality_shares(session, scope, month),
        threshold=current_threshold(session), campaign=campaign,
        overdue=overdue_milestones(session, campaign, overdue_on, where=visible(scope, Municipality)),
        overdue_on=overdue_on, generated_at=generated_at or dt.datetime.now(), generated_by=generated_by)


def build_report(session: Session, month: dt.date, *, scope: Scope = REGION, generated_at: dt.datetime | None = None,
                 generated_by: str | None = None) -> bytes:
    """The analytical report for `month` as xlsx bytes. A month without data gives a report that says so."""
    return build_xlsx(session, report_data(session, month, scope=scope, generated_at=generated_at,
                                           generated_by=generated_by))


def build_xlsx(session: Session, data: ReportData) -> bytes:
    """The справка of `data` as xlsx bytes (the school and rollout sheets read within its scope)."""
    month, scope, totals = data.month, data.scope, data.totals
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": _("Аналитическая справка за %(month)s", month=month_label(month)),
                         "author": data.generated_by or ""})
    f = _formats(book)

    summary = book.add_worksheet(_(SUMMARY_SHEET))
    municipalities = book.add_worksheet(_(MUNICIPALITIES_SHEET))
    schools = book.add_worksheet(_(SCHOOLS_SHEET))
    rollout = book.add_worksheet(_(ROLLOUT_SHEET))
    chart_sheet = book.add_worksheet(_(CHART_SHEET))

    _write_summary(summary, f, data)
    last_row = _write_municipalities(municipalities, f, totals, month)
    _write_schools(schools, f, school_lines(session, scope, month), month)
    _write_rollout(rollout, f, rollout_lines(session, scope, month), month)
    _write_chart(book, chart_sheet, f, totals, last_row, month)
    book.close()
    return buffer.getvalue()


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"}),
        "text": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "pct": book.add_format({"border": 1, "num_format": "0.0"}),
        "date": book.add_format({"border": 1, "num_format": "dd.mm.yyyy"}),
        "bold_text": book.add_format({"border": 1, "bold": True}),
        "bold_int": book.add_format({"border": 1, "bold": True, "num_format": "0"}),
        "bold_pct": book.add_format({"border": 1, "bold": True, "num_format": "0.0"}),
        "bad": book.add_format({"border": 1, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "good": book.add_format({"border": 1, "font_color": "#006100", "bg_color": "#C6EFCE"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def _page(sheet, header_row: int, last_row: int, last_col: int, title: str) -> None:
    """A4 landscape, one page wide, header rows frozen and repeated on every page, autofilter."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header("&L" + page_header_text(title) + "&R" + _("Стр. &P из &N"))
    sheet.repeat_rows(0, header_row)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, max(last_row, header_row), last_col)


def _write_summary(ws, f, data: ReportData):
    totals, threshold = data.totals, data.threshold
    write_cell(ws, 0, 0, data.title, f["title"])
    write_cell(ws, 1, 0, data.note, f["note"])
    header = 3
    write_row(ws, header, 0, (_("Показатель"), _("Значение")), f["header"])
    rows = [
        (_("Общеобразовательных школ"), totals.schools_total, "int"),
        (_("Используют систему"), totals.schools_using, "int"),
        (_("Доля школ, использующих систему, %"), _num(totals.share), "pct"),
        (_("Доля в предыдущем месяце, %"), _num(totals.previous_share), "pct"),
        (_("Изменение, п.п."), _num(totals.change), "pct"),
        (_("Целевая доля, %"), _num(totals.target_share), "pct"),
        (_("Муниципальных образований"), totals.municipalities, "int"),
        (_("Достигли целевой доли"), totals.municipalities_meeting_target, "int"),
        (_("Школ с показателями за месяц"), totals.snapshots, "int"),
        (_("Порог: заполнено уроков не менее, %"), _num(threshold.min_lessons_filled_share), "pct"),
        (_("Порог: активных учителей не менее, %"), _num(threshold.min_teachers_active_share), "pct"),
    ]
    for i, (label, value, kind) in enumerate(rows, header + 1):
        write_cell(ws, i, 0, label, f["text"])
        if value is None:
            write_cell(ws, i, 1, _("нет данных"), f["text"])
        else:
            ws.write_number(i, 1, value, f[kind])
    last = header + len(rows)
    write_cell(ws, last + 2, 0, _("Выводы"), f["title"])
    for i, line in enumerate(data.conclusions(), last + 3):
        merge_cells(ws, i, 0, i, 5, line, f["wrap"])
        ws.set_row(i, 32)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 5, 18)
    _page(ws, header, last, 1, _(SUMMARY_SHEET))


def _write_municipalities(ws, f, totals: RegionTotals, month) -> int:
    write_cell(ws, 0, 0, _("Доля школ, использующих систему, по муниципальным образованиям за %(month)s",
                           month=month_label(month)), f["title"])
    header = 2
    write_row(ws, header, 0, _translated(MUNICIPALITY_HEADERS), f["header"])
    row = header
    for number, m in enumerate(totals.rows, 1):
        row += 1
        ws.write_number(row, 0, number, f["int"])
        write_cell(ws, row, 1, m.name, f["text"])
        ws.write_number(row, 2, m.schools_total, f["int"])
        ws.write_number(row, 3, m.schools_using, f["int"])
        _maybe(ws, row, 4, m.share, f["pct"])
        ws.write_number(row, 5, _num(m.target_share), f["pct"])
        _maybe(ws, row, 6, m.plan_share, f["pct"])
        if m.plan_date:
            ws.write_datetime(row, 7, dt.datetime.combine(m.plan_date, dt.time()), f["date"])
        else:
            ws.write_blank(row, 7, None, f["text"])
        status = municipality_status(m)
        write_cell(ws, row, 8, status, f["good"] if m.meets_target and m.with_data else f["bad"] if m.with_data else f["text"])
        _maybe(ws, row, 9, m.previous_share, f["pct"])
        _maybe(ws, row, 10, m.change, f["pct"])
        ws.write_number(row, 11, m.with_data, f["int"])
    last_data_row = row
    row += 1
    write_cell(ws, row, 1, _("Итого по области"), f["bold_text"])
    ws.write_number(row, 2, totals.schools_total, f["bold_int"])
    ws.write_number(row, 3, totals.schools_using, f["bold_int"])
    _maybe(ws, row, 4, totals.share, f["bold_pct"])
    ws.write_number(row, 5, _num(totals.target_share), f["bold_pct"])
    _maybe(ws, row, 9, totals.previous_share, f["bold_pct"])
    _maybe(ws, row, 10, totals.change, f["bold_pct"])
    ws.write_number(row, 11, totals.snapshots, f["bold_int"])
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 11, 13)
    ws.set_column(8, 8, 24)
    _page(ws, header, last_data_row, len(MUNICIPALITY_HEADERS) - 1, _(MUNICIPALITIES_SHEET))
    return last_data_row


def _maybe(ws, row, col, value, fmt):
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, _num(value), fmt)


def _write_schools(ws, f, lines: list[SchoolLine], month):
    write_cell(ws, 0, 0, _("Показатели использования системы по школам за %(month)s", month=month_label(month)), f["title"])
    header = 2
    headers = school_headers()
    write_row(ws, header, 0, _translated(headers), f["header"])
    row = header
    for line in lines:
        row += 1
        s = line.snapshot
        write_cell(ws, row, 0, line.municipality, f["text"])
        write_cell(ws, row, 1, line.school, f["text"])
        write_cell(ws, row, 2, line.system or _("не выбрана"), f["text"])
        if s is None:
            write_cell(ws, row, 3, _("нет данных"), f["text"])
            for col in range(4, len(headers)):
                ws.write_blank(row, col, None, f["text"])
            continue
        write_cell(ws, row, 3, source_label(s.source), f["text"])
        col = 4
        for (kind, _part, _whole), value in zip(registry.share_columns(), school_figures(s)):
            if kind == "share":
                _maybe(ws, row, col, value, f["pct"])
            else:
                ws.write_number(row, col, value, f["int"])
            col += 1
        write_cell(ws, row, col, _("да") if s.uses_system else _("нет"), f["good"] if s.uses_system else f["bad"])
    if not lines:
        write_cell(ws, header + 1, 0, _("Нет школ."), f["note"])
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3, 16)
    ws.set_column(4, len(headers) - 1, 11)
    _page(ws, header, row, len(headers) - 1, _(SCHOOLS_SHEET))


def _write_rollout(ws, f, lines: list[RolloutLine], month):
    write_cell(ws, 0, 0, _("Выполнение планов внедрения и готовность школ на %(month)s", month=month_label(month)), f["title"])
    write_cell(ws, 1, 0, _("Статус рассчитан по полям плана внедрения и готовности школ: утверждён ли план, назначен ли "
                           "ответственный, все ли школы приняли нормативные акты, выбрали систему и подготовили оборудование."),
               f["note"])
    header = 3
    write_row(ws, header, 0, _translated(ROLLOUT_HEADERS), f["header"])
    row = header
    for line in lines:
        row += 1
        plan = line.plan
        write_cell(ws, row, 0, line.municipality, f["text"])
        write_cell(ws, row, 1, plan.approval_doc_number if plan and plan.approval_doc_number else "", f["text"])
        _date(ws, row, 2, plan.approval_doc_date if plan else None, f)
        write_cell(ws, row, 3, plan.responsible_full_name if plan and plan.responsible_full_name else "", f["text"])
        _date(ws, row, 4, plan.responsible_appointed_on if plan else None, f)
        for col, value in enumerate((line.schools, line.normative_acts, line.system_chosen, line.hardware_ready,
                                     line.staff_trained, line.staff_total, line.ready), 5):
            ws.write_number(row, col, value, f["int"])
        write_cell(ws, row, 12, line.status, f["bad"] if line.problems else f["good"])
    ws.set_column(0, 0, 34)
    ws.set_column(1, 4, 16)
    ws.set_column(3, 3, 28)
    ws.set_column(5, 11, 12)
    ws.set_column(12, 12, 40)
    _page(ws, header, row, len(ROLLOUT_HEADERS) - 1, _(ROLLOUT_SHEET))


def _date(ws, row, col, value, f):
    if value is None:
        ws.write_blank(row, col, None, f["text"])
    else:
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), f["date"])


def _write_chart(book, ws, f, totals: RegionTotals, last_row: int, month):
    write_cell(ws, 0, 0, _("Доля школ, использующих систему, за %(month)s: столбцы — доля, линия — целевая доля %(target)s, "
                           "точки — плановая доля муниципального образования",
                           month=month_label(month), target=_pct(totals.target_share)), f["title"])
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    if not totals.has_data or not totals.rows:
        write_cell(ws, 2, 0, _("За %(month)s нет данных мониторинга: диаграмма не построена.", month=month_label(month)),
                   f["note"])
        return
    first = 3  # the municipality sheet's first data row (0-based)
    sheet = "'" + _(MUNICIPALITIES_SHEET) + "'"
    bars = book.add_chart({"type": "column"})
    bars.add_series({
        "name": _("Доля, %"),
        "categories": f"={sheet}!$B${first + 1}:$B${last_row + 1}",
        "values": f"={sheet}!$E${first + 1}:$E${last_row + 1}",
        "fill": {"color": "#4472C4"},
        "gap": 50,
    })
    target = book.add_chart({"type": "line"})
    target.add_series({
        "name": _("Целевая доля, %"),
        "categories": f"={sheet}!$B${first + 1}:$B${last_row + 1}",
        "values": f"={sheet}!$F${first + 1}:$F${last_row + 1}",
        "line": {"color": "#C00000", "width": 2.25, "dash_type": "dash"},
        "marker": {"type": "none"},
    })
    if any(r.plan_share is not None for r in totals.rows):
        target.add_series({
            "name": _("Плановая доля, %"),
            "categories": f"={sheet}!$B${first + 1}:$B${last_row + 1}",
            "values": f"={sheet}!$G${first + 1}:$G${last_row + 1}",
            "line": {"none": True},
            "marker": {"type": "diamond", "size": 7, "fill": {"color": "#ED7D31"}, "border": {"color": "#ED7D31"}},
        })
    bars.combine(target)
    bars.set_title({"name": _("Доля школ, использующих систему, %(month)s", month=month_label(month))})
    bars.set_y_axis({"min": 0, "max": 100, "name": "%", "major_gridlines": {"visible": True}})
    bars.set_x_axis({"num_font": {"rotation": -60, "size": 8}})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 1400, "height": 620})
    ws.insert_chart(2, 0, bars)
