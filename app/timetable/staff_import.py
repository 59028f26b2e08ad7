"""Staff import from the school's list of employees (xlsx or csv): parse, check every row, then
write all or nothing.

Columns (by header, any order): ФИО, должность, ведёт уроки (да/нет), эл. почта, телефон.
A row whose person already works (or worked) in the school — the same ФИО, case- and «ё»-blind,
or the same e-mail — updates that record instead of adding a second one: position, «ведёт
уроки», e-mail and phone (an empty cell keeps what is recorded), and marks them working again.
The preview says which rows are new and whom the others update. Row numbers are the
spreadsheet's own (the header is row 1). The checked rows travel between the preview and the
confirmation as a signed token, confirmed once (app/import_tokens.py), as in the pupil import.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.accounts import lifecycle
from app.errors import DomainError
from app.formats import fold_text
from app.import_tokens import ImportTokens
from app.models import Staff
from app.i18n import N_, _
from app.timetable import table_import
from app.timetable.table_import import RowError, refused_text
from app.timetable.pupil_import import EMAIL, MAX_ROWS, normalize_phone, read_table, split_name
from app.xlsx_upload import XlsxLimits

# Canonical column -> accepted header spellings (lower case, spaces collapsed; «ё» may be «е»).
HEADERS = {
    "name": ("фио", "фио работника", "работник", "сотрудник"),
    "position": ("должность",),
    "teaches": ("ведёт уроки", "ведёт уроки (да/нет)", "учитель"),
    "email": ("эл. почта", "e-mail", "email", "электронная почта"),
    "phone": ("телефон",),
}
REQUIRED = ("name", "position", "teaches")
# The template's header row: accepted spellings of HEADERS, so it stays as written; messages translate it.
TEMPLATE_HEADER = [N_("ФИО"), N_("должность"), N_("ведёт уроки (да/нет)"), N_("эл. почта"), N_("телефон")]
# The template's example row: sample data a school overwrites.
TEMPLATE_EXAMPLE = ["Петрова Анна Сергеевна", "учитель математики", "да", "petrova@example.ru", "+7 916 765-43-21"]
# What the «ведёт уроки» column takes, case-blind.
TEACHES = {"да": True, "нет": False}


@dataclass
class StaffRow:
    """A checked row: the person, and the staff record it updates (None: a new one)."""

    number: int
    last_name: str
    first_name: str
    middle_name: str
    position: str
    is_teacher: bool
    email: str | None = None
    phone: str | None = None
    staff_id: int | None = None
    recorded_name: str | None = None  # the updated record's ФИО as the school has it

    @property
    def full_name(self) -> str:
        return " ".join((self.last_name, self.first_name, self.middle_name))

    @property
    def is_new(self) -> bool:
        return self.staff_id is None


@dataclass
class Preview:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    raw: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def new_rows(self) -> int:
        return sum(row.is_new for row in self.rows)

    @property
    def updating_rows(self) -> int:
        return len(self.rows) - self.new_rows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


# --- reading ------------------------------------------------------------------------------

def read_list(*, data: bytes, filename: str, limits: XlsxLimits | None = None) -> list[list[str]]:
    """The staff list's rows as lists of trimmed strings: the pupil import's reader (xlsx or csv,
    within `limits`), with its own word for an empty file."""
    if not data:
        raise DomainError(_("Файл пустой. Выберите список работников в формате xlsx или csv."))
    return read_table(data=data, filename=filename, limits=limits)


# --- checking -----------------------------------------------------------------------------

def _name_key(parts) -> str:
    """How two ФИО are compared: the words, lower case, «ё» as «е»."""
    return fold_text(" ".join(p for p in parts if p))


class _SchoolStaff:
    """The school's staff records (working or not), found by name or e-mail."""

    def __init__(self, session: Session, school_id: int):
        self.by_name: dict[str, list[Staff]] = {}
        self.by_email: dict[str, list[Staff]] = {}
        for staff in session.scalars(select(Staff).where(Staff.school_id == school_id).order_by(Staff.id)):
            self.by_name.setdefault(_name_key((staff.last_name, staff.first_name, staff.middle_name)), []).append(staff)
            if staff.email:
                self.by_email.setdefault(staff.email.casefold(), []).append(staff)

    def match(self, name_key: str, email: str | None) -> tuple[Staff | None, str | None]:
        """The record a row updates, or None for a new person; with the reason when the row points
        at no single record."""
        by_name = self.by_name.get(name_key, [])
        by_email = self.by_email.get(email.casefold(), []) if email else []
        if by_name and by_email:
            found = [staff for staff in by_name if staff in by_email]
            if not found:
                return None, _("ФИО совпадает с работником %(a)s, а эл. почта %(email)s — с работником %(b)s: "
                               "исправьте строку", a=by_name[0].full_name, email=email, b=by_email[0].full_name)
        else:
            found = by_name or by_email
        if len(found) > 1 and not by_email:
            return None, _("в школе несколько работников с таким ФИО: укажите эл. почту одного из них")
        if len(found) > 1:
            return None, _("эл. почта %(email)s записана у нескольких работников школы: %(names)s",
                           email=email, names=", ".join(staff.full_name for staff in found))
        return (found[0] if found else None), None


class _SeenInFile:
    """The rows met so far: a person (by ФИО or e-mail) or an existing record twice is refused."""

    def __init__(self):
        self.names: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.records: dict[int, int] = {}

    def reasons(self, number: int, name_key: str, email: str | None, record: Staff | None) -> list[str]:
        email_key = email.casefold() if email else None
        reasons = []
        if name_key in self.names:
            reasons.append(_("этот работник уже есть в строке %(n)s", n=self.names[name_key]))
        elif email_key in self.emails:
            reasons.append(_("эл. почта %(v)s уже указана в строке %(n)s", v=email, n=self.emails[email_key]))
        elif record is not None and record.id in self.records:
            reasons.append(_("обновляет того же работника (%(name)s), что и строка %(n)s",
                             name=record.full_name, n=self.records[record.id]))
        self.names.setdefault(name_key, number)
        if email_key:
            self.emails.setdefault(email_key, number)
        if record is not None:
            self.records.setdefault(record.id, number)
        return reasons


def _field_reasons(name_text: str, name, position: str, teaches_text: str, email: str | None, phone_text: str,
                   phone: str | None) -> list[str]:
    """Why the row's cells, each on its own, cannot be taken."""
    reasons = []
    if not name_text:
        reasons.append(_("ФИО не заполнено"))
    elif name is None:
        reasons.append(_("ФИО «%(v)s»: нужны фамилия, имя и отчество — три слова, только буквы", v=name_text))
    if not position:
        reasons.append(_("должность не заполнена"))
    if not teaches_text:
        reasons.append(_("«ведёт уроки» не заполнено: напишите «да» или «нет»"))
    elif fold_text(teaches_text) not in TEACHES:
        reasons.append(_("«ведёт уроки»: «%(v)s» — напишите «да» или «нет»", v=teaches_text))
    if email and not EMAIL.match(email):
        reasons.append(_("эл. почта «%(v)s» написана с ошибкой", v=email))
    if phone_text and phone is None:
        reasons.append(_("телефон «%(v)s»: нужен российский номер из 10 цифр после +7", v=phone_text))
    return reasons + _text_reasons(name, position, email, phone)


def _body(raw: list[list[str]]) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The file's columns and its filled rows with their spreadsheet numbers; DomainError for a
    file without the header, without a person or too long."""
    if not raw or not any(raw[0]):
        raise DomainError(_("В файле нет строки заголовков. Возьмите шаблон на этой странице."))
    columns = table_import.find_columns(raw[0], HEADERS, REQUIRED, TEMPLATE_HEADER)
    body = [(n, row) for n, row in enumerate(raw[1:], start=2) if any(cell.strip() for cell in row)]
    if not body:
        raise DomainError(_("В файле нет ни одного работника."))
    if len(body) > MAX_ROWS:
        raise DomainError(_("В файле больше %(n)s строк: разделите его на несколько.", n=MAX_ROWS))
    return columns, body


def _check_row(number: int, cells: dict[str, str], school_staff: _SchoolStaff,
               seen: _SeenInFile) -> StaffRow | RowError:
    """One row checked: the StaffRow to write, or its RowError with every reason at once."""
    name_text, position, teaches = cells["name"], cells["position"], cells["teaches"]
    email, phone_text = cells["email"] or None, cells["phone"]
    name = split_name(name_text) if len(name_text.split()) == 3 else None
    phone = normalize_phone(phone_text) if phone_text else None
    reasons = _field_reasons(name_text, name, position, teaches, email, phone_text, phone)
    record = None
    if name:
        record, refusal = school_staff.match(_name_key(name), email)
        reasons += [refusal] if refusal else []
        reasons += seen.reasons(number, _name_key(name), email if email and EMAIL.match(email) else None, record)
    if reasons:
        return RowError(number, "; ".join(reasons) + ".")
    return StaffRow(number=number, last_name=name[0], first_name=name[1], middle_name=name[2], position=position,
                    is_teacher=TEACHES[fold_text(teaches)], email=email, phone=phone,
                    staff_id=record and record.id, recorded_name=record and record.full_name)


def check_rows(session: Session, school_id: int, raw: list[list[str]]) -> Preview:
    """Check every row of the school's staff list; nothing is written. Each good row is either a
    new person or names the one existing record it updates (see the module docstring)."""
    columns, body = _body(raw)
    school_staff, seen = _SchoolStaff(session, school_id), _SeenInFile()
    preview = Preview(raw=raw)
    for number, row in body:
        checked = _check_row(number, table_import.row_cells(columns, row, HEADERS), school_staff, seen)
        (preview.errors if isinstance(checked, RowError) else preview.rows).append(checked)
    return preview


def _text_reasons(name, position, email, phone) -> list[str]:
    """Why the row's text cannot be stored as it is (app.textinput's rule for the staff columns:
    length, invisible characters), one reason per field."""
    fields = [(Staff.last_name, name and name[0], _("фамилия")), (Staff.first_name, name and name[1], _("имя")),
              (Staff.middle_name, name and name[2], _("отчество")), (Staff.position, position or None, _("должность")),
              (Staff.email, email, _("эл. почта")), (Staff.phone, phone, _("телефон"))]
    return refused_text(fields)


# --- writing ------------------------------------------------------------------------------

def import_staff(session: Session, school_id: int, preview: Preview, *, actor_id: int | None = None,
                 now: dt.datetime | None = None) -> ImportResult:
    """Write every checked row: a new staff record of the school, or the update of the record the
    row names (position, «ведёт уроки», e-mail and phone where the row has them; working again,
    and so is the login of one who was not: app.accounts.lifecycle, recorded as `actor_id`'s at
    `now`). Refuses a preview with errors. Flushes; the caller commits (all rows or none)."""
    if preview.errors or not preview.rows:
        raise DomainError(_("В файле есть ошибки: исправьте их и загрузите файл ещё раз. Ничего не записано."))
    result = ImportResult()
    returning: list[int] = []
    for row in preview.rows:
        if row.is_new:
            session.add(Staff(school_id=school_id, last_name=row.last_name, first_name=row.first_name,
                              middle_name=row.middle_name, position=row.position, is_teacher=row.is_teacher,
                              email=row.email, phone=row.phone, active=True))
            result.created += 1
            continue
        staff = session.get(Staff, row.staff_id)
        if staff is None or staff.school_id != school_id:
            raise DomainError(_("Работник из строки %(n)s больше не числится в школе: загрузите файл ещё раз.",
                                n=row.number))
        if not staff.active:
            returning.append(staff.id)
        staff.position, staff.is_teacher, staff.active = row.position, row.is_teacher, True
        staff.email = row.email or staff.email
        staff.phone = row.phone or staff.phone
        result.updated += 1
    session.flush()
    lifecycle.sync_staff(session, returning, actor_id=actor_id, now=now or clock.now())
    return result


# --- the preview between two requests -----------------------------------------------------

TOKENS = ImportTokens("staff-import", max_age=2 * 60 * 60)


def sign_rows(raw: list[list[str]], school_id: int, secret: str) -> str:
    """A tamper-proof token carrying the file's rows to the confirmation request."""
    return table_import.sign_school_rows(TOKENS, raw, school_id, secret)


def unsign_rows(token: str, school_id: int, secret: str) -> list[list[str]]:
    return table_import.unsign_school_rows(TOKENS, token, school_id, secret)


def confirm_import(session: Session, school_id: int, token: str, secret: str, *,
                   actor_id: int | None = None) -> tuple[Preview, ImportResult | None]:
    """Confirm a preview's token: check its rows again (the staff may have changed since) and write
    them, once per token. Returns the preview and what was written, or None when a row is wrong
    now: then the caller rolls back, which leaves the token unused. Flushes; the caller commits."""
    raw = unsign_rows(token, school_id, secret)
    TOKENS.consume(session, token)
    preview = check_rows(session, school_id, raw)
    if not preview.ok:
        return preview, None
    return preview, import_staff(session, school_id, preview, actor_id=actor_id)


def confirm_and_write(session: Session, school_id: int, token: str, secret: str, *,
                      actor_id: int | None = None) -> tuple[Preview, ImportResult | None]:
    """confirm_import in one transaction: commits what was written, or rolls back (the token stays
    unused) when a row is wrong now (result None) or anything is refused."""
    return table_import.in_one_transaction(
        session, lambda: confirm_import(session, school_id, token, secret, actor_id=actor_id))


def template_xlsx() -> bytes:
    """The staff-list template: the header and one example row."""
    return table_import.template_xlsx(_("Работники"), TEMPLATE_HEADER, TEMPLATE_EXAMPLE, (34, 26, 20, 28, 18))
