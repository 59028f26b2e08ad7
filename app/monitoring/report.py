"""The monthly analytical report (аналитическая справка, order 2613 p.3.2) as xlsx.

What the справка says is read once into a `ReportData` (`report_data`): the xlsx here and the
Word document of app/monitoring/report_docx.py are both written from it, so they cannot disagree.

Sheets: «Сводка» (region totals, conclusions generated from the figures), «Муниципалитеты»,
«Школы» (every indicator, schools in the natural order of names; no pupil names or birth dates
anywhere), «Внедрение» (the control page's graded table, app.rollout.deadlines, written by the
control page's own xlsx writer), «Диаграмма» (native Excel column chart of shares with the
target line, in the order of the pages' chart, over its own table). Every figure is written as a
value, never a formula: xlsxwriter caches 0 for formulas, and the report must read the same in
any viewer. Percentages are percentage cells (75,6 % is kept as 0.756); a missing one is blank.
Every sheet has a page header. The builder reads; it writes nothing to the database.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from app import clock, formats
from app.formats import natural_key
from app.exports.cells import merge_cells, page_header_text, write_cell, write_row
from app.models import Campaign, JournalSystem, Municipality, School, UsageSnapshot
from app.monitoring import coverage, registry
from app.monitoring.adoption import RegionTotals, campaign_for, chart_order, chart_value, municipality_shares
from app.monitoring.months import counted_until, last_day, month_label, month_label_in
from app.monitoring.thresholds import Threshold, current_threshold, no_data_rule
from app.rollout.deadlines import DeadlineTable, OverdueMilestone, deadline_table, overdue_list
from app.rollout.export import PERCENT_FORMAT, fraction, write_deadlines
from app.security import roles as R
from app.security.scope import Scope, visible
from app.i18n import N_, _

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
    N_("Доля в предыдущем месяце, %"), N_("Изменение, п.п."), N_("Школ с показателями"), N_("Нет данных"),
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
        _using_line(totals),
        _("Целевую долю %(target)s достигли %(meeting)s из %(municipalities)s муниципальных образований.",
          target=_pct(totals.target_share), meeting=totals.municipalities_meeting_target,
          municipalities=totals.municipalities),
    ]
    if totals.share is not None:
        lines.append(_gap_line(totals.share - totals.target_share))
    lines.append(_("Месяц не завершён: изменение к предыдущему месяцу не рассчитывается.") if totals.incomplete
                 else _change_line(totals.change))
    lines += _behind_target_lines(totals.rows)
    lines += _off_plan_lines(totals.rows)
    lines += _missing_lines(totals)
    lines.append(_("Школа считается использующей систему, если заполнено не менее %(lessons)s уроков "
                   "и активны не менее %(teachers)s учителей.",
                   lessons=_pct(threshold.min_lessons_filled_share),
                   teachers=_pct(threshold.min_teachers_active_share)))
    lines.append(no_data_rule(threshold))
    return lines


def _month_in(totals: RegionTotals) -> str:
    """«октябре 2012», with «(неполный месяц: по 19.10.2012)» for a month in progress."""
    state = totals.state_label
    return f"{month_label_in(totals.month)} ({state})" if state else month_label_in(totals.month)


def _using_line(totals: RegionTotals) -> str:
    """How many schools use the system, out of the share's denominator by the methodology."""
    if totals.no_data_in_denominator or not totals.no_data:
        return _("В %(month_in)s систему используют %(using)s из %(total)s общеобразовательных школ области "
                 "(%(share)s).", month_in=_month_in(totals), using=totals.schools_using,
                 total=totals.schools_total, share=_pct(totals.share))
    return _("В %(month_in)s систему используют %(using)s из %(counted)s общеобразовательных школ области с "
             "данными (%(share)s); без данных — %(no_data)s из %(total)s.", month_in=_month_in(totals),
             using=totals.schools_using, counted=totals.schools_total - totals.no_data, share=_pct(totals.share),
             no_data=totals.no_data, total=totals.schools_total)


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
    """How many schools have no figures («нет данных») and why, and how many municipalities have
    none at all."""
    lines = []
    if totals.no_data:
        lines.append(_("Нет данных за месяц у школ: %(count)s (%(reasons)s).", count=totals.no_data,
                       reasons=coverage.reasons_text(totals.no_data_reasons)))
    empty = [r.name for r in totals.rows if r.with_data == 0 and r.schools_total]
    if empty:
        lines.append(_("Нет показателей ни по одной школе в муниципальных образованиях: %(count)s.", count=len(empty)))
    return lines


def _and_more(rest: int) -> str:
    """' и ещё 3' after a list cut at five names; '' when nothing was cut."""
    return _(" и ещё %(count)s", count=rest) if rest > 0 else ""


@dataclass
class SchoolLine:
    municipality: str
    school: str
    system: str | None
    snapshot: UsageSnapshot | None
    no_data_reason: str | None = None   # app.monitoring.coverage reason when there is no snapshot

    @property
    def no_data_text(self) -> str:
        """«нет данных: нет уроков в журнале за месяц» for a school without figures."""
        reason = coverage.reason_label(self.no_data_reason) if self.no_data_reason else None
        return _("нет данных: %(reason)s", reason=reason) if reason else _("нет данных")


def school_lines(session: Session, scope: Scope, month: dt.date, *, until: dt.date | None = None) -> list[SchoolLine]:
    """Every school in scope with its snapshot for the month (None when it has none, with the
    reason; lessons counted up to `until`, the month's last day by default), by municipality and
    school in the natural order of names («СОШ № 2» before «СОШ № 10»)."""
    reason = case((UsageSnapshot.id.is_(None), coverage.no_data_reason(month, until or last_day(month))))
    rows = session.execute(
        select(Municipality.name, School.short_name, JournalSystem.name, UsageSnapshot, School.id, reason)
        .join(Municipality, Municipality.id == School.municipality_id)
        .outerjoin(JournalSystem, JournalSystem.id == School.journal_system_id)
        .outerjoin(UsageSnapshot, and_(UsageSnapshot.school_id == School.id, UsageSnapshot.month == month))
        .where(visible(scope, School))
    )
    ordered = sorted(rows, key=lambda r: (natural_key(r[0]), natural_key(r[1]), r[4]))
    return [SchoolLine(m, s, system, snapshot, missing) for m, s, system, snapshot, _id, missing in ordered]


@dataclass(frozen=True)
class ReportData:
    """What the справка for `month` says, read once for both of its documents (xlsx and docx).

    `deadlines` is the control page's graded table (app.rollout.deadlines) of the campaign in
    scope as of `overdue_on`: the month's last day, or today for a month not over yet (the
    справка describes its month, so generating it again later gives the same table); None
    without a campaign. The «Внедрение» sheet is that table, and `overdue` — the milestones
    overdue somewhere — is read off it, as the dashboard's list is."""

    month: dt.date
    scope: Scope
    totals: RegionTotals
    threshold: Threshold
    campaign: Campaign | None
    deadlines: DeadlineTable | None
    overdue_on: dt.date
    generated_at: dt.datetime
    generated_by: str | None
    today: dt.date | None = None      # the day it is generated on: a month in progress says so
    revision: int | None = None       # the register's revision it becomes

    @property
    def title(self) -> str:
        """A month in progress says so: «… за октябрь 2012 (неполный месяц: по 19.10.2012)»."""
        return _("Аналитическая справка об использовании электронных журналов и дневников за %(month)s",
                 month=month_and_state(self.totals))

    @property
    def basis(self) -> str:
        """The order the справка reports on: the campaign's, else order 2613."""
        if self.campaign is None:
            return _("Приказ Министерства образования Московской области № 2613 от 13.06.2012")
        return _("Приказ № %(number)s от %(date)s", number=self.campaign.order_number,
                 date=formats.format_date(self.campaign.order_date))

    @property
    def note(self) -> str:
        """«Приказ № 2613 от 13.06.2012. Сформирована 05.10.2012 10:00, Иванова.» (the region's time),
        with «Редакция 2: заменяет отправленную ранее.» from the second revision on."""
        made = f"{self.generated_at:%d.%m.%Y %H:%M}"
        if self.generated_by:
            note = _("%(basis)s. Сформирована %(when)s, %(who)s.", basis=self.basis, when=made, who=self.generated_by)
        else:
            note = _("%(basis)s. Сформирована %(when)s.", basis=self.basis, when=made)
        if self.revision and self.revision > 1:
            note += " " + _("Редакция %(revision)s: заменяет отправленную ранее.", revision=self.revision)
        return note

    @property
    def overdue(self) -> list[OverdueMilestone]:
        return overdue_list(self.deadlines) if self.deadlines is not None else []

    def conclusions(self) -> list[str]:
        return conclusions(self.totals, self.threshold)


def report_data(session: Session, month: dt.date, *, scope: Scope = REGION, generated_at: dt.datetime | None = None,
                generated_by: str | None = None, today: dt.date | None = None,
                revision: int | None = None) -> ReportData:
    """Read what the справка for `month` says within `scope` (the region by default). Writes nothing.

    `today` (default: the app's today): a month in progress on it says so in the titles, counts its
    lessons up to it and shows no change. `revision`: the register's revision it becomes."""
    today = today or clock.today()
    campaign = campaign_for(session, month)
    threshold = current_threshold(session)
    overdue_on = min(last_day(month), today)
    return ReportData(
        month=month, scope=scope, totals=municipality_shares(session, scope, month, today=today, threshold=threshold),
        threshold=threshold, campaign=campaign,
        deadlines=deadline_table(session, campaign, overdue_on, where=visible(scope, Municipality))
        if campaign is not None else None,
        overdue_on=overdue_on, generated_at=generated_at or clock.region_now(), generated_by=generated_by,
        today=today, revision=revision)


def build_report(session: Session, month: dt.date, *, scope: Scope = REGION, generated_at: dt.datetime | None = None,
                 generated_by: str | None = None, today: dt.date | None = None, revision: int | None = None) -> bytes:
    """The analytical report for `month` as xlsx bytes. A month without data gives a report that says so;
    a month in progress on `today` says so (see `report_data`)."""
    return build_xlsx(session, report_data(session, month, scope=scope, generated_at=generated_at,
                                           generated_by=generated_by, today=today, revision=revision))


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
    _write_municipalities(municipalities, f, totals, month)
    _write_schools(schools, f, school_lines(session, scope, month, until=_until(data)), month)
    _write_rollout(book, rollout, f, data)
    _write_chart(book, chart_sheet, f, totals, month)
    book.close()
    return buffer.getvalue()


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"}),
        "text": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "pct": book.add_format({"border": 1, "num_format": PERCENT_FORMAT}),
        "pp": book.add_format({"border": 1, "num_format": "0.0"}),
        "date": book.add_format({"border": 1, "num_format": "dd.mm.yyyy"}),
        "bold_text": book.add_format({"border": 1, "bold": True}),
        "bold_int": book.add_format({"border": 1, "bold": True, "num_format": "0"}),
        "bold_pct": book.add_format({"border": 1, "bold": True, "num_format": PERCENT_FORMAT}),
        "bold_pp": book.add_format({"border": 1, "bold": True, "num_format": "0.0"}),
        "bad": book.add_format({"border": 1, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "good": book.add_format({"border": 1, "font_color": "#006100", "bg_color": "#C6EFCE"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def _page(sheet, header_row: int, last_row: int, last_col: int, title: str, frozen_cols: int = 0) -> None:
    """A4 landscape, one page wide, header rows (and `frozen_cols` name columns) frozen, the header
    repeated on every page, autofilter."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header("&L" + page_header_text(title) + "&R" + _("Стр. &P из &N"))
    sheet.repeat_rows(0, header_row)
    sheet.freeze_panes(header_row + 1, frozen_cols)
    sheet.autofilter(header_row, 0, max(last_row, header_row), last_col)


def _summary_rows(totals: RegionTotals, threshold) -> list[tuple[str, object, str]]:
    """(label, value, format) of the summary table; None is written as «нет данных», a str as it is."""
    change = _("не рассчитывается: месяц не завершён") if totals.incomplete else _num(totals.change)
    return [
        (_("Общеобразовательных школ"), totals.schools_total, "int"),
        (_("Используют систему"), totals.schools_using, "int"),
        (_("Не используют систему (по показателям)"), totals.not_using, "int"),
        (_("Нет данных за месяц"), totals.no_data, "int"),
        *((_("  из них: %(reason)s", reason=coverage.reason_label(reason)), totals.no_data_reasons[reason], "int")
          for reason in coverage.REASONS if totals.no_data_reasons.get(reason)),
        (_("Доля школ, использующих систему, %"), _num(totals.share), "pct"),
        (_("Доля в предыдущем месяце, %"), _num(totals.previous_share), "pct"),
        (_("Изменение, п.п."), change, "pp"),
        (_("Целевая доля, %"), _num(totals.target_share), "pct"),
        (_("Муниципальных образований"), totals.municipalities, "int"),
        (_("Достигли целевой доли"), totals.municipalities_meeting_target, "int"),
        (_("Школ с показателями за месяц"), totals.snapshots, "int"),
        (_("Порог: заполнено уроков не менее, %"), _num(threshold.min_lessons_filled_share), "pct"),
        (_("Порог: активных учителей не менее, %"), _num(threshold.min_teachers_active_share), "pct"),
        (_("Школы без данных в знаменателе доли"), _("да") if totals.no_data_in_denominator else _("нет"), "text"),
    ]


def _write_summary(ws, f, data: ReportData):
    write_cell(ws, 0, 0, data.title, f["title"])
    write_cell(ws, 1, 0, data.note, f["note"])
    header = 3
    write_row(ws, header, 0, (_("Показатель"), _("Значение")), f["header"])
    rows = _summary_rows(data.totals, data.threshold)
    for i, (label, value, kind) in enumerate(rows, header + 1):
        write_cell(ws, i, 0, label, f["text"])
        if value is None:
            write_cell(ws, i, 1, _("нет данных"), f["text"])
        elif isinstance(value, str):
            write_cell(ws, i, 1, value, f["text"])
        else:
            ws.write_number(i, 1, fraction(value) if kind == "pct" else value, f[kind])
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
                           month=month_and_state(totals)), f["title"])
    header = 2
    write_row(ws, header, 0, _translated(MUNICIPALITY_HEADERS), f["header"])
    row = header
    for number, m in enumerate(totals.rows, 1):
        row += 1
        ws.write_number(row, 0, number, f["int"])
        write_cell(ws, row, 1, m.name, f["text"])
        ws.write_number(row, 2, m.schools_total, f["int"])
        ws.write_number(row, 3, m.schools_using, f["int"])
        _share(ws, row, 4, m.share, f["pct"])
        _share(ws, row, 5, m.target_share, f["pct"])
        _share(ws, row, 6, m.plan_share, f["pct"])
        if m.plan_date:
            ws.write_datetime(row, 7, dt.datetime.combine(m.plan_date, dt.time()), f["date"])
        else:
            ws.write_blank(row, 7, None, f["text"])
        status = municipality_status(m)
        write_cell(ws, row, 8, status, f["good"] if m.meets_target and m.with_data else f["bad"] if m.with_data else f["text"])
        _share(ws, row, 9, m.previous_share, f["pct"])
        _maybe(ws, row, 10, m.change, f["pp"])
        ws.write_number(row, 11, m.with_data, f["int"])
        ws.write_number(row, 12, m.no_data, f["int"])
    last_data_row = row
    row += 1
    write_cell(ws, row, 1, _("Итого по области"), f["bold_text"])
    ws.write_number(row, 2, totals.schools_total, f["bold_int"])
    ws.write_number(row, 3, totals.schools_using, f["bold_int"])
    _share(ws, row, 4, totals.share, f["bold_pct"])
    _share(ws, row, 5, totals.target_share, f["bold_pct"])
    _share(ws, row, 9, totals.previous_share, f["bold_pct"])
    _maybe(ws, row, 10, totals.change, f["bold_pp"])
    ws.write_number(row, 11, totals.snapshots, f["bold_int"])
    ws.write_number(row, 12, totals.no_data, f["bold_int"])
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 11, 13)
    ws.set_column(8, 8, 24)
    _page(ws, header, last_data_row, len(MUNICIPALITY_HEADERS) - 1, _(MUNICIPALITIES_SHEET), frozen_cols=2)
    return last_data_row


def _share(ws, row, col, value, fmt):
    """A percentage (75.6) as a percentage cell (0.756, shown 75,6 %); None as a blank."""
    _maybe(ws, row, col, fraction(value), fmt)


def _until(data: ReportData) -> dt.date | None:
    """The last day whose lessons count for the справка's month (None: the month's last day)."""
    return counted_until(data.month, data.today) if data.today else None


def month_and_state(totals: RegionTotals) -> str:
    """«октябрь 2012 (неполный месяц: по 19.10.2012)», or the month alone once complete."""
    label = month_label(totals.month)
    return f"{label} ({totals.state_label})" if totals.state_label else label


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
            write_cell(ws, row, 3, line.no_data_text, f["text"])
            for col in range(4, len(headers) - 1):
                ws.write_blank(row, col, None, f["text"])
            write_cell(ws, row, len(headers) - 1, _("нет данных"), f["text"])
            continue
        write_cell(ws, row, 3, source_label(s.source), f["text"])
        col = 4
        for (kind, _part, _whole), value in zip(registry.share_columns(), school_figures(s)):
            if kind == "share":
                _share(ws, row, col, value, f["pct"])
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
    _page(ws, header, row, len(headers) - 1, _(SCHOOLS_SHEET), frozen_cols=2)


def _write_rollout(book, ws, f, data: ReportData) -> None:
    """The control page's table as of the report's day, written by the control page's own xlsx writer."""
    if data.deadlines is None:
        write_cell(ws, 0, 0, _("Кампания внедрения не задана: сроков приказа нет."), f["title"])
        ws.set_header("&L" + page_header_text(_(ROLLOUT_SHEET)) + "&R" + _("Стр. &P из &N"))
        return
    write_deadlines(book, ws, data.deadlines, _("Выполнение сроков приказа на %(day)s",
                                                day=formats.format_date(data.overdue_on)), _(ROLLOUT_SHEET))


CHART_HEADERS = (N_("Муниципальное образование"), N_("Доля, %"), N_("Целевая доля, %"), N_("Плановая доля, %"))
CHART_TABLE_ROW = 34    # the chart's own data, below the chart (0-based row of its header)
BAR_COLOR = "#8EA9DB"   # at or above the target
BELOW_COLOR = "#F4B183"  # below the target: the warning colour
PLAN_COLOR = "#1F3864"


def _write_chart(book, ws, f, totals: RegionTotals, month):
    """A column chart of the shares, lowest first (the order of the pages' chart,
    adoption.chart_order), drawn from its own table below it: bars below the target in the
    warning colour, the target as a line, each municipality's plan as a marker, the value at the
    foot of each bar (clear of the markers). A municipality without figures has no cell at all
    in the table, so the chart's cached values leave a gap there rather than a 0."""
    write_cell(ws, 0, 0, _("Доля школ, использующих систему, за %(month)s: столбцы — доля (ниже цели — оранжевые), "
                           "линия — целевая доля %(target)s, ромбы — плановая доля муниципального образования",
                           month=month_and_state(totals), target=_pct(totals.target_share)), f["title"])
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L" + page_header_text(_(CHART_SHEET)) + "&R" + _("Стр. &P из &N"))
    if not totals.has_data or not totals.rows:
        write_cell(ws, 2, 0, _("За %(month)s нет данных мониторинга: диаграмма не построена.", month=month_label(month)),
                   f["note"])
        return
    rows = chart_order(totals.rows)
    first, last = _write_chart_table(ws, f, rows)
    sheet = "'" + _(CHART_SHEET) + "'"

    def column(letter: str) -> str:
        return f"={sheet}!${letter}${first + 1}:${letter}${last + 1}"

    bars = book.add_chart({"type": "column"})
    bars.add_series({
        "name": _("Доля, %"), "categories": column("A"), "values": column("B"),
        "fill": {"color": BAR_COLOR}, "border": {"color": "#2F5597"}, "gap": 40,
        "points": [_bar_point(r, totals.target_share) for r in rows],
        "data_labels": {"value": True, "num_format": "0.0%", "position": "inside_base",
                        "font": {"rotation": -90, "size": 7, "color": "#000000"}},
    })
    lines = book.add_chart({"type": "line"})
    lines.add_series({
        "name": _("Целевая доля, %"), "categories": column("A"), "values": column("C"),
        "line": {"color": "#C00000", "width": 2.25, "dash_type": "dash"}, "marker": {"type": "none"},
    })
    if any(r.plan_share is not None for r in rows):
        lines.add_series({
            "name": _("Плановая доля, %"), "categories": column("A"), "values": column("D"),
            "line": {"none": True},
            "marker": {"type": "diamond", "size": 7, "fill": {"color": PLAN_COLOR}, "border": {"color": "#FFFFFF"}},
        })
    bars.combine(lines)
    bars.show_blanks_as("gap")
    bars.set_title({"name": _("Доля школ, использующих систему, %(month)s", month=month_and_state(totals))})
    bars.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
    bars.set_x_axis({"num_font": {"rotation": -60, "size": 8}})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 1400, "height": 620})
    ws.insert_chart(2, 0, bars)


def _bar_point(row, target: Decimal) -> dict | None:
    """A bar below the target in the warning colour; the others (and gaps) as the series."""
    value = chart_value(row)
    if value is not None and value < target:
        return {"fill": {"color": BELOW_COLOR}, "border": {"color": "#C55A11"}}
    return None


def _write_chart_table(ws, f, rows) -> tuple[int, int]:
    """The chart's data in the chart's order; returns its first and last data rows (0-based)."""
    write_row(ws, CHART_TABLE_ROW, 0, _translated(CHART_HEADERS), f["header"])
    row = CHART_TABLE_ROW
    for r in rows:
        row += 1
        write_cell(ws, row, 0, r.name, f["text"])
        for col, value in ((1, chart_value(r)), (2, r.target_share), (3, r.plan_share)):
            if value is not None:  # no cell at all: a blank cell would be cached as 0
                ws.write_number(row, col, fraction(value), f["pct"])
    ws.set_column(0, 0, 40)
    ws.set_column(1, 3, 14)
    return CHART_TABLE_ROW + 1, row
