"""Pupil import from a class list (xlsx or csv): parse, check every row, then write all or nothing.

Columns (by header, any order): ФИО, дата рождения, класс, ФИО родителя, телефон, e-mail.
Row numbers in messages are the spreadsheet's own (the header is row 1), so a secretary finds
the row in Excel. The checked rows travel between the preview and the confirmation as a signed
token (`sign_rows` / `unsign_rows`), confirmed once (`confirm_import`, app/import_tokens.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import formats
from app.errors import DomainError
from app.import_tokens import ImportTokens
from app.models import AcademicYear, ClassGroup, Guardian, GuardianLink, Pupil
from app.i18n import N_, _
from app.timetable import table_import
from app.timetable.table_import import RowError, refused_text
from app.xlsx_upload import XlsxLimits, read_xlsx

MAX_ROWS = 2000

# Canonical column -> accepted header spellings (lower case, spaces collapsed).
HEADERS = {
    "name": ("фио", "фио ученика", "ученик"),
    "birth_date": ("дата рождения", "дата рожд.", "д.р."),
    "class": ("класс",),
    "guardian": ("фио родителя", "родитель", "фио законного представителя"),
    "phone": ("телефон", "телефон родителя"),
    "email": ("e-mail", "email", "эл. почта", "электронная почта"),
}
REQUIRED = ("name", "birth_date", "class")
# The template's header row: accepted spellings of HEADERS, so it stays as written; messages translate it.
TEMPLATE_HEADER = [N_("ФИО"), N_("дата рождения"), N_("класс"), N_("ФИО родителя"), N_("телефон"), "e-mail"]
# The template's example row: sample data a school overwrites.
TEMPLATE_EXAMPLE = ["Иванова Мария Петровна", "14.03.2005", "7А", "Иванов Пётр Сергеевич", "+7 916 123-45-67",
                    "ivanov@example.ru"]

NAME_PART = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’\-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLASS_NAME = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*([A-Za-zА-Яа-яЁё])\s*$")
# Latin letters typed instead of their Cyrillic twins in class names.
LATIN_TWINS = str.maketrans("ABCEHKMOPTXabcehkmoptx", "АВСЕНКМОРТХавсенкмортх")


@dataclass
class PupilRow:
    number: int
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date
    class_group_id: int
    class_name: str
    guardian: tuple[str, str, str | None] | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def guardian_name(self) -> str:
        return " ".join(p for p in (self.guardian or ()) if p)


@dataclass
class Preview:
    rows: list[PupilRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    raw: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


@dataclass
class ImportResult:
    pupils: int = 0
    guardians_created: int = 0
    guardians_linked: int = 0


# --- reading ------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return formats.format_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_table(data: bytes, filename: str, limits: XlsxLimits | None = None) -> list[list[str]]:
    """The file's rows as lists of trimmed strings (dates as ДД.ММ.ГГГГ). xlsx or csv (UTF-8 or
    Windows-1251, separated by ';' or ','). Raises DomainError for anything else, and for an xlsx
    over `limits` or longer than MAX_ROWS (app.xlsx_upload reads no further)."""
    name = (filename or "").lower()
    if not data:
        raise DomainError(_("Файл пустой. Выберите список класса в формате xlsx или csv."))
    if name.endswith(".xlsx"):
        rows = [[_cell_text(v) for v in row] for row in read_xlsx(data, max_rows=MAX_ROWS, limits=limits)]
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(_("Не удалось прочитать csv: сохраните файл в кодировке UTF-8."))
        first_line = text.splitlines()[0] if text.splitlines() else ""
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        rows = [[_cell_text(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise DomainError(_("Загрузите файл xlsx или csv (можно взять шаблон на этой странице)."))
    return rows


# --- checking -----------------------------------------------------------------------------

def split_name(text: str) -> tuple[str, str, str | None] | None:
    """«Иванова Мария Петровна» -> parts; None unless surname and first name are present."""
    parts = text.split()
    if len(parts) < 2 or not all(NAME_PART.match(p) for p in parts):
        return None
    return parts[0], parts[1], " ".join(parts[2:]) or None


def parse_class(text: str) -> tuple[int, str] | None:
    match = CLASS_NAME.match(text or "")
    if not match:
        return None
    return int(match.group(1)), match.group(2).translate(LATIN_TWINS).upper()


def normalize_phone(text: str) -> str | None:
    """+7XXXXXXXXXX from 8 (916) 123-45-67 and the like; None when it is not a Russian number."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return "+7" + digits


def check_rows(session: Session, school_id: int, academic_year_id: int, raw: list[list[str]],
               reference: dt.date) -> Preview:
    """Check every row; nothing is written. `reference` is the date ages are checked against
    (the start of the academic year): a pupil must be 5 to 20 years old then."""
    columns, body = _body(raw)
    classes = {(c.grade, c.letter.upper()): c for c in session.scalars(select(ClassGroup).where(
        ClassGroup.school_id == school_id, ClassGroup.academic_year_id == academic_year_id))}
    existing = {
        (p.last_name.lower(), p.first_name.lower(), (p.middle_name or "").lower(), p.birth_date)
        for p in session.scalars(select(Pupil).where(Pupil.school_id == school_id))
    }
    seen: dict[tuple, int] = {}
    preview = Preview(raw=raw)
    for number, row in body:
        checked = _check_row(number, table_import.row_cells(columns, row, HEADERS), reference, classes, existing, seen)
        (preview.errors if isinstance(checked, RowError) else preview.rows).append(checked)
    return preview


def _body(raw: list[list[str]]) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The columns found in the header and the rows with anything in them, numbered as in the
    file; refuses a file without a header or pupils, or with too many rows."""
    if not raw or not any(raw[0]):
        raise DomainError(_("В файле нет строки заголовков. Возьмите шаблон на этой странице."))
    columns = table_import.find_columns(raw[0], HEADERS, REQUIRED, TEMPLATE_HEADER)
    body = [(n, row) for n, row in enumerate(raw[1:], start=2) if any(cell.strip() for cell in row)]
    if not body:
        raise DomainError(_("В файле нет ни одного ученика."))
    if len(body) > MAX_ROWS:
        raise DomainError(_("В файле больше %(n)s строк: разделите его на несколько.", n=MAX_ROWS))
    return columns, body


def _check_row(number: int, cells: dict[str, str], reference: dt.date, classes: dict, existing: set,
               seen: dict[tuple, int]) -> PupilRow | RowError:
    """One row: the pupil, the class and the guardian's contacts, then whether the pupil is already
    in the file (`seen`, filled here) or in the school (`existing`)."""
    name = split_name(cells["name"])
    reasons = [] if name else [_("ФИО ученика: нужны хотя бы фамилия и имя (буквами)")]
    birth, birth_reasons = _birth(cells["birth_date"], reference)
    reasons += birth_reasons
    parsed_class = parse_class(cells["class"])
    class_group = classes.get(parsed_class) if parsed_class else None
    if class_group is None:
        reasons.append(_("класса «%(v)s» нет в школе в этом учебном году", v=cells["class"]))
    guardian, phone, contact_reasons = _guardian(cells)
    reasons += contact_reasons + _text_reasons(name, guardian, phone, cells["email"])
    if name and birth:
        key = (name[0].lower(), name[1].lower(), (name[2] or "").lower(), birth)
        if key in seen:
            reasons.append(_("этот ученик уже есть в строке %(n)s", n=seen[key]))
        elif key in existing:
            reasons.append(_("такой ученик уже есть в школе"))
        seen.setdefault(key, number)
    if reasons:
        return RowError(number, "; ".join(reasons) + ".")
    return PupilRow(number=number, last_name=name[0], first_name=name[1], middle_name=name[2], birth_date=birth,
                    class_group_id=class_group.id, class_name=class_group.name, guardian=guardian, phone=phone,
                    email=cells["email"] or None)


def _birth(text: str, reference: dt.date) -> tuple[dt.date | None, list[str]]:
    """The birth date, and why it cannot be a pupil's: unreadable, or not 5 to 20 years old on
    `reference`."""
    birth = formats.date_or_none(text)
    if birth is None:
        return None, [_("дата рождения «%(v)s» не распознана, нужен формат ДД.ММ.ГГГГ", v=text)]
    age = reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))
    if not 5 <= age <= 20:
        return birth, [_("дата рождения %(d)s: возраст ученика %(age)s лет", d=formats.format_date(birth), age=age)]
    return birth, []


def _guardian(cells: dict[str, str]) -> tuple[tuple | None, str | None, list[str]]:
    """The guardian's name and normalized phone, and what is wrong with them or the e-mail."""
    reasons = []
    guardian = None
    phone_text, email_text = cells["phone"], cells["email"]
    if cells["guardian"]:
        guardian = split_name(cells["guardian"])
        if guardian is None:
            reasons.append(_("ФИО родителя: нужны хотя бы фамилия и имя (буквами)"))
    elif phone_text or email_text:
        reasons.append(_("телефон или e-mail указан, а ФИО родителя нет"))
    phone = normalize_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        reasons.append(_("телефон «%(v)s»: нужен российский номер из 10 цифр после +7", v=phone_text))
    if email_text and not EMAIL.match(email_text):
        reasons.append(_("e-mail «%(v)s» написан с ошибкой", v=email_text))
    return guardian, phone, reasons


def _text_reasons(name, guardian, phone, email) -> list[str]:
    """Why the row's names and contacts cannot be stored as they are (app.textinput's rule for
    their columns: length, invisible characters), one reason per field."""
    fields = [(Pupil.last_name, name and name[0], _("фамилия ученика")),
              (Pupil.first_name, name and name[1], _("имя ученика")),
              (Pupil.middle_name, name and name[2], _("отчество ученика")),
              (Guardian.last_name, guardian and guardian[0], _("фамилия родителя")),
              (Guardian.first_name, guardian and guardian[1], _("имя родителя")),
              (Guardian.middle_name, guardian and guardian[2], _("отчество родителя")),
              (Guardian.phone, phone, _("телефон")), (Guardian.email, email or None, "e-mail")]
    return refused_text(fields)


# --- writing ------------------------------------------------------------------------------

def import_pupils(session: Session, school_id: int, preview: Preview, enrolled_on: dt.date) -> ImportResult:
    """Write every checked row: pupils, their guardians (one guardian for siblings in the file or
    an existing guardian of the school with the same name and phone or e-mail) and the links.
    Refuses a preview with errors. Flushes; the caller commits (all rows or none)."""
    if preview.errors or not preview.rows:
        raise DomainError(_("В файле есть ошибки: исправьте их и загрузите файл ещё раз. Ничего не записано."))
    result = ImportResult()
    guardians: dict[tuple, Guardian] = {}
    for row in preview.rows:
        pupil = Pupil(school_id=school_id, class_group_id=row.class_group_id, last_name=row.last_name,
                      first_name=row.first_name, middle_name=row.middle_name, birth_date=row.birth_date,
                      enrolled_on=enrolled_on)
        session.add(pupil)
        result.pupils += 1
        if row.guardian is None:
            continue
        key = (row.guardian_name.lower(), row.phone or row.email or "")
        guardian = guardians.get(key)
        if guardian is None:
            guardian = _existing_guardian(session, school_id, row)
            if guardian is None:
                guardian = Guardian(last_name=row.guardian[0], first_name=row.guardian[1],
                                    middle_name=row.guardian[2], phone=row.phone, email=row.email)
                session.add(guardian)
                result.guardians_created += 1
            else:
                result.guardians_linked += 1
            guardians[key] = guardian
        session.add(GuardianLink(pupil=pupil, guardian=guardian))
    session.flush()
    return result


def _existing_guardian(session: Session, school_id: int, row: PupilRow) -> Guardian | None:
    """A guardian of a pupil of this school with the same ФИО and the same phone or e-mail."""
    contact = []
    if row.phone:
        contact.append(Guardian.phone == row.phone)
    if row.email:
        contact.append(Guardian.email == row.email)
    if not contact:
        return None
    # Names compared in Python: SQLite's lower() leaves Cyrillic as it is.
    candidates = session.scalars(
        select(Guardian).join(GuardianLink).join(Pupil).where(Pupil.school_id == school_id, or_(*contact))
    ).unique()
    wanted = (row.guardian[0].casefold(), row.guardian[1].casefold())
    for guardian in candidates:
        if (guardian.last_name.casefold(), guardian.first_name.casefold()) == wanted:
            return guardian
    return None


# --- the preview between two requests -----------------------------------------------------

TOKENS = ImportTokens("pupil-import", max_age=2 * 60 * 60)


def sign_rows(raw: list[list[str]], school_id: int, secret: str) -> str:
    """A tamper-proof token carrying the file's rows to the confirmation request."""
    return table_import.sign_school_rows(TOKENS, raw, school_id, secret)


def unsign_rows(token: str, school_id: int, secret: str) -> list[list[str]]:
    return table_import.unsign_school_rows(TOKENS, token, school_id, secret)


def confirm_import(session: Session, school_id: int, year: AcademicYear, token: str, secret: str,
                   enrolled_on: dt.date) -> tuple[Preview, ImportResult | None]:
    """Confirm a preview's token: check its rows again (the school may have changed since) and
    write them, once per token (app/import_tokens.py). Returns the preview and what was written,
    or None when a row is wrong now: then the caller rolls back, which leaves the token unused.
    Flushes; the caller commits."""
    raw = unsign_rows(token, school_id, secret)
    TOKENS.consume(session, token)
    preview = check_rows(session, school_id, year.id, raw, year.starts_on)
    if not preview.ok:
        return preview, None
    return preview, import_pupils(session, school_id, preview, enrolled_on)


def confirm_and_write(session: Session, school_id: int, year: AcademicYear, token: str, secret: str,
                      enrolled_on: dt.date) -> tuple[Preview, ImportResult | None]:
    """confirm_import in one transaction: commits what was written, or rolls back (the token stays
    unused) when a row is wrong now (result None) or anything is refused."""
    return table_import.in_one_transaction(
        session, lambda: confirm_import(session, school_id, year, token, secret, enrolled_on))


def import_year(session: Session, today: dt.date, school_id: int) -> AcademicYear | None:
    """The academic year of `today`, or else the latest year with classes in the school."""
    year = session.scalars(select(AcademicYear).where(AcademicYear.starts_on <= today,
                                                      AcademicYear.ends_on >= today)).first()
    has_classes = year is not None and session.scalar(select(ClassGroup.id).where(
        ClassGroup.school_id == school_id, ClassGroup.academic_year_id == year.id))
    if not has_classes:
        year = session.scalars(select(AcademicYear).join(ClassGroup, ClassGroup.academic_year_id == AcademicYear.id)
                               .where(ClassGroup.school_id == school_id)
                               .order_by(AcademicYear.starts_on.desc())).first()
    return year


def template_xlsx() -> bytes:
    """The class-list template: the header and one example row."""
    return table_import.template_xlsx(_("Ученики"), TEMPLATE_HEADER, TEMPLATE_EXAMPLE, (32, 15, 8, 32, 18, 26))
