"""Import of usage snapshots for schools on other vendors' systems, from an xlsx or csv file.

The flow: `read_table(data, filename)` turns the file into raw rows; `validate(session, scope,
month, rows)` checks EVERY row and lists each bad one with its spreadsheet row number and a
Russian reason; `apply_import` writes all rows in one transaction, or refuses and writes nothing.
Between the preview and the confirmation the rows travel in a signed token (`preview_token`),
confirmed once (`confirm_import`, app/import_tokens.py).
A re-import of a month replaces that month's imported snapshots (in the importer's scope) and
records an ImportBatch with who and when.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import xlsxwriter
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import clock, formats
from app.exports.cells import csv_row, write_cell, write_row
from app.errors import DomainError
from app.import_tokens import ImportTokens
from app.models import ImportBatch, JournalSystem, Municipality, School, UsageSnapshot
from app.monitoring import registry
from app.monitoring.months import month_key, month_label, parse_month
from app.monitoring.thresholds import current_threshold, uses_system
from app.security.scope import WRITABLE, Scope, visible
from app.i18n import N_, _
from app.uploads import safe_filename
from app.xlsx_upload import XlsxLimits, read_xlsx

SCHOOL_ID = "school_id"


def columns() -> dict[str, str]:
    """key -> header in the template: the school's code and name, then every indicator of
    app.monitoring.registry. The headers are the file format: the import matches a file's header
    row against these Russian source strings and the template carries them as they are;
    messages show them through gettext."""
    return {SCHOOL_ID: N_("Код школы"), "school": N_("Школа")} | {i.code: i.import_header for i in registry.INDICATORS}


COLUMNS = columns()  # the template's header as the app started (tests build files from it)
MAX_ROWS = 5000
MAX_COUNT = 10_000_000
TOKENS = ImportTokens("monitoring-import", max_age=60 * 60)


@dataclass
class RowError:
    row: int        # the spreadsheet's row number (the header is row 1)
    message: str


@dataclass
class Preview:
    month: dt.date
    filename: str
    raw: list[tuple[int, dict]] = field(default_factory=list)      # what the file said, for the confirm token
    rows: list[tuple[int, School, dict[str, int]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _normalize(header) -> str:
    return " ".join(str(header or "").replace("\ufeff", "").split()).lower()


def _keys_by_header() -> dict[str, str]:
    """A header as a file may spell it (normalized) -> key: the template's header, any spelling
    the registry accepts, or the key itself."""
    keys = {_normalize(h): k for k, h in columns().items()} | {k: k for k in columns()}
    for indicator in registry.INDICATORS:
        keys |= {_normalize(spelling): indicator.code for spelling in indicator.spellings}
    return keys


def read_table(data: bytes, filename: str, limits: XlsxLimits | None = None) -> list[tuple[int, dict]]:
    """Raw rows [(row number, {key: cell})] of an xlsx or csv file; blank rows are skipped.

    Raises DomainError when the file cannot be read, lacks a required column, has more than
    MAX_ROWS rows, or is an xlsx over `limits` (app.xlsx_upload)."""
    table = _file_rows(data, filename, limits)
    if not table:
        raise DomainError(_("Файл пуст: в нём нет строки заголовков."))
    header, *body = table
    keys = _header_keys(header)
    rows = []
    for number, cells in enumerate(body, 2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        rows.append((number, {k: _plain(c) for k, c in zip(keys, cells) if k}))
    if len(rows) > MAX_ROWS:
        raise DomainError(_("В файле больше %(max)s строк: разделите его на несколько файлов.", max=MAX_ROWS))
    return rows


def _file_rows(data: bytes, filename: str, limits: XlsxLimits | None) -> list[list]:
    """The file's rows as read by its kind (by the name's extension)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return read_xlsx(data, max_rows=MAX_ROWS, limits=limits)
    if name.endswith(".csv"):
        return _csv_rows(data)
    raise DomainError(_("Загрузите файл в формате .xlsx или .csv (шаблон можно скачать на этой странице)."))


def _header_keys(header: list) -> list[str | None]:
    """The column key of each header cell (None for columns we do not read); refuses a header
    without a required column."""
    by_header = _keys_by_header()
    keys = [by_header.get(_normalize(h)) for h in header]
    headers = columns()
    missing = [headers[k] for k in (SCHOOL_ID, *registry.table_order()) if k not in keys]
    if missing:
        raise DomainError(_("В файле нет столбцов: %(columns)s. Возьмите шаблон на этой странице "
                            "и не меняйте строку заголовков.",
                            columns=", ".join(f"«{_(m)}»" for m in missing)))
    return keys


def _plain(cell):
    """Cell value as something JSON can carry (for the preview token)."""
    if cell is None or isinstance(cell, (int, str)):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else cell
    return str(cell)


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("Файл CSV не читается: сохраните его в кодировке UTF-8."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _count(value, header: str) -> tuple[int | None, str | None]:
    if value is None or str(value).strip() == "":
        return None, _("не заполнен столбец «%(column)s»", column=_(header))
    try:
        number = formats.parse_decimal(value)
    except formats.NotANumber:
        number = None
    if number is None or number != number.to_integral_value() or number < 0 \
            or number > MAX_COUNT:
        return None, _("«%(column)s»: ожидается целое неотрицательное число, указано «%(value)s»",
                       column=_(header), value=value)
    return int(number), None


def recent_batches(session: Session, scope: Scope, limit: int = 20) -> list[ImportBatch]:
    """The latest imports the user may see, newest first."""
    return list(session.scalars(select(ImportBatch).where(visible(scope, ImportBatch))
                                .order_by(ImportBatch.uploaded_at.desc()).limit(limit)))


def importable_schools(scope: Scope):
    """SELECT of ids of schools whose snapshots this user may import (raises if none at all)."""
    if not (scope.is_admin or UsageSnapshot in WRITABLE.get(scope.role, set())):
        raise DomainError(_("Загружать показатели может только мониторинг или поставщик системы."))
    return select(School.id).where(visible(scope, School))


def validate(session: Session, scope: Scope, month: dt.date, raw: list[tuple[int, dict]], filename: str = "") -> Preview:
    """Check every row (never stops at the first error). Reads only; writes nothing."""
    preview = Preview(month=month, filename=filename, raw=raw)
    if not raw:
        preview.errors.append(RowError(0, _("В файле нет ни одной строки с показателями.")))
        return preview
    schools, own = _named_schools(session, scope, raw)
    seen: dict[int, int] = {}
    headers = columns()
    for number, cells in raw:
        school_id, reasons = _school_reasons(cells, headers, schools, own, seen)
        values, value_reasons = _values(cells, headers)
        reasons += value_reasons
        if reasons:
            preview.errors.append(RowError(number, "; ".join(reasons)))
        else:
            seen[school_id] = number
            preview.rows.append((number, schools[school_id], values))
    return preview


def _named_schools(session: Session, scope: Scope, raw: list[tuple[int, dict]]) -> tuple[dict[int, School], set[int]]:
    """The schools the file names that the user may import for ({id: school}), and which of them
    keep their journal in this system."""
    ids = set()
    for _number, cells in raw:
        try:
            ids.add(int(str(cells.get(SCHOOL_ID)).strip()))
        except (TypeError, ValueError):
            pass
    allowed = set(session.scalars(importable_schools(scope).where(School.id.in_(ids or {0}))))
    schools = {s.id: s for s in session.scalars(select(School).where(School.id.in_(allowed or {0})))}
    own = set(session.scalars(
        select(School.id).join(JournalSystem, JournalSystem.id == School.journal_system_id)
        .where(JournalSystem.is_own.is_(True), School.id.in_(allowed or {0}))))
    return schools, own


def _school_reasons(cells: dict, headers: dict, schools: dict, own: set, seen: dict) -> tuple[int | None, list[str]]:
    """The row's school id and what is wrong with it: not a number, unknown or out of reach, a
    school of this system, or named by an earlier row."""
    school_id, problem = _count(cells.get(SCHOOL_ID), headers[SCHOOL_ID])
    if problem:
        return school_id, [problem]
    if school_id not in schools:
        return school_id, [_("школа с кодом %(code)s не найдена или вне вашей зоны ответственности", code=school_id)]
    if school_id in own:
        return school_id, [_("школа «%(school)s» работает в этой системе: её показатели рассчитываются "
                             "автоматически, загружать их не нужно", school=schools[school_id].short_name)]
    if school_id in seen:
        return school_id, [_("школа с кодом %(code)s уже есть в строке %(row)s", code=school_id, row=seen[school_id])]
    return school_id, []


def _values(cells: dict, headers: dict) -> tuple[dict, list[str]]:
    """The row's indicator values and what is wrong with them (not a count, a part above its whole)."""
    reasons, values = [], {}
    for key in registry.codes():
        value, problem = _count(cells.get(key), headers[key])
        if problem:
            reasons.append(problem)
        values[key] = value
    for part, whole in registry.pairs():
        if values[part] is not None and values[whole] is not None and values[part] > values[whole]:
            reasons.append(_("«%(part)s» (%(part_value)s) больше, чем «%(whole)s» (%(whole_value)s)",
                             part=_(headers[part]), part_value=values[part],
                             whole=_(headers[whole]), whole_value=values[whole]))
    return values, reasons


def apply_import(session: Session, scope: Scope, preview: Preview, *, user_id: int | None,
                 now: dt.datetime | None = None) -> ImportBatch:
    """Write a valid preview: all rows or, if anything is wrong, nothing (DomainError). Commits.

    Replaces the month's earlier imported snapshots in the importer's scope, and any snapshot of
    the month for the schools in the file."""
    if not preview.ok:
        raise DomainError(_("Файл не загружен: исправьте ошибки в строках (%(count)s) и загрузите его снова.",
                            count=len(preview.errors)))
    now = now or clock.region_now()
    threshold = current_threshold(session)
    month = preview.month
    try:
        session.execute(delete(UsageSnapshot).where(
            UsageSnapshot.month == month, UsageSnapshot.source == "imported",
            UsageSnapshot.school_id.in_(importable_schools(scope))).execution_options(synchronize_session=False))
        session.execute(delete(UsageSnapshot).where(
            UsageSnapshot.month == month, UsageSnapshot.school_id.in_([school.id for _number, school, _values in preview.rows]))
            .execution_options(synchronize_session=False))
        filename = safe_filename(preview.filename) if preview.filename else None
        batch = ImportBatch(month=month, source="file", filename=filename,
                            rows_accepted=len(preview.rows), rows_rejected=0, uploaded_by_id=user_id, uploaded_at=now)
        session.add(batch)
        session.flush()
        for _number, school, values in preview.rows:
            session.add(UsageSnapshot(
                school_id=school.id, month=month, source="imported", import_batch_id=batch.id, computed_at=now,
                uses_system=uses_system(threshold, **{k: values[k] for k in (
                    "lessons_filled", "lessons_due", "teachers_active", "teachers_total")}),
                **values,
            ))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return batch


def preview_token(preview: Preview, secret: str) -> str:
    """A tamper-proof token carrying a valid preview's month and rows to the confirmation."""
    return TOKENS.sign({"month": month_key(preview.month), "filename": preview.filename, "rows": preview.raw}, secret)


def confirm_import(session: Session, scope: Scope, token: str, secret: str, *, user_id: int | None,
                   now: dt.datetime | None = None) -> ImportBatch:
    """Confirm a preview's token: validate its rows again and write them, once per token
    (app/import_tokens.py). Commits; refuses with DomainError and writes nothing otherwise."""
    data = TOKENS.unsign(token, secret)
    month = parse_month(data["month"])
    raw = [(int(number), dict(cells)) for number, cells in data["rows"]]
    TOKENS.consume(session, token)
    try:
        preview = validate(session, scope, month, raw, data.get("filename", ""))
        return apply_import(session, scope, preview, user_id=user_id, now=now)
    except Exception:
        session.rollback()  # the token stays unused
        raise


def template_schools(session: Session, scope: Scope) -> list[tuple[int, str, str, str]]:
    """(id, municipality, school, system) of the schools on other systems that this user may import."""
    rows = session.execute(
        select(School.id, Municipality.name, School.short_name, JournalSystem.name)
        .join(Municipality, Municipality.id == School.municipality_id)
        .outerjoin(JournalSystem, JournalSystem.id == School.journal_system_id)
        .where(School.id.in_(importable_schools(scope)), (JournalSystem.is_own.is_not(True)) | (School.journal_system_id.is_(None)))
        .order_by(Municipality.name, School.short_name)
    )
    return [tuple(r) for r in rows]


def template_xlsx(session: Session, scope: Scope, month: dt.date | None = None) -> bytes:
    """The import template: the header row, one row per importable school with its code and name."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("Показатели"))
    head = book.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "border": 1})
    headers = list(columns().values())
    write_row(sheet, 0, 0, headers, head)  # the source headers: read_table matches them
    no_system = _("система не выбрана")  # not inside the f-string: the extractor would miss it
    for row, (school_id, municipality, school, system) in enumerate(template_schools(session, scope), 1):
        sheet.write_number(row, 0, school_id)
        write_cell(sheet, row, 1, f"{school} ({municipality}; {system or no_system})")
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, len(headers) - 1, 14)
    sheet.freeze_panes(1, 2)
    help_sheet = book.add_worksheet(_("Инструкция"))
    lines = [
        _("Заполните по одной строке на школу за один месяц (%(month)s).", month=month_label(month)) if month
        else _("Заполните по одной строке на школу за один месяц."),
        _("«Код школы» не меняйте; столбец «Школа» только для справки."),
        _("Все показатели — целые неотрицательные числа за месяц."),
        _("Учителей активных — учителя, заполнявшие журнал в этом месяце; не больше, чем учителей всего."),
        _("Уроков заполнено — уроки с записанной темой; не больше, чем уроков по расписанию."),
        _("Отметок вовремя — выставленные не позднее следующего дня после урока; не больше, чем всех отметок."),
        _("Учеников с доступом к дневнику — у ученика или его родителя есть вход в дневник."),
        _("Если хоть одна строка с ошибкой, файл не загружается целиком: исправьте ошибки и загрузите снова."),
        _("Повторная загрузка за тот же месяц заменяет ранее загруженные показатели."),
    ]
    for i, line in enumerate(lines):
        write_cell(help_sheet, i, 0, line)
    help_sheet.set_column(0, 0, 110)
    book.close()
    return buffer.getvalue()


def template_csv(session: Session, scope: Scope) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(csv_row(columns().values()))
    for school_id, municipality, school, system in template_schools(session, scope):
        writer.writerow(csv_row([school_id, f"{school} ({municipality})"] + [""] * len(registry.INDICATORS)))
    return out.getvalue().encode("utf-8-sig")
