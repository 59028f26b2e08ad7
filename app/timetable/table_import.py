"""What the school's list imports (pupils from a class list, staff from the list of employees)
share: finding the columns by their header, the template workbook a school fills in, the preview
bound to one school, and the confirmation written in one transaction.

Each import declares its own columns, checks its rows and writes them (app/timetable/pupil_import.py,
app/timetable/staff_import.py); the file itself is read by `pupil_import.read_table`.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from app.errors import DomainError
from app.exports.cells import write_row
from app.formats import fold_text
from app.import_tokens import ImportTokens
from app.i18n import _
from app.textinput import TextRefused, clean_column

Checked = TypeVar("Checked")
Written = TypeVar("Written")


@dataclass
class RowError:
    """A row of the file that cannot be written: its number in the spreadsheet and the reasons."""

    number: int
    reason: str


def refused_text(fields) -> list[str]:
    """The input rule's reasons (app/textinput) for [(column attribute, value, field label)]."""
    reasons = []
    for attribute, value, label in fields:
        try:
            clean_column(attribute, value, field=label)
        except TextRefused as refusal:
            reasons.append(refusal.message.rstrip("."))
    return reasons


def find_columns(header: Sequence[str], headers: Mapping[str, tuple[str, ...]], required: Sequence[str],
                 titles: Sequence[str]) -> dict[str, int]:
    """Column key -> its index in the file's header row.

    `headers` maps each key to its accepted spellings (lower case, spaces collapsed); a header
    matches case- and «ё»-blind, with or without a trailing colon. `titles` are the template's
    headers in the order of `headers`: a missing required column is named by its title.
    Raises DomainError naming every missing required column."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        title = fold_text(title.strip()).rstrip(":")
        for key, spellings in headers.items():
            if key not in found and title in {fold_text(spelling) for spelling in spellings}:
                found[key] = index
    missing = [titles[list(headers).index(key)] for key in required if key not in found]
    if missing:
        raise DomainError(_(
            "В первой строке файла нет столбцов: %(missing)s. Возьмите шаблон на этой странице.",
            missing=", ".join(f"«{_(m)}»" for m in missing)))
    return found


def row_cells(columns: Mapping[str, int], row: Sequence[str], keys: Iterable[str]) -> dict[str, str]:
    """The row's trimmed text by column key; "" for a column the file lacks or a short row."""
    return {key: row[columns[key]].strip() if key in columns and columns[key] < len(row) else "" for key in keys}


def template_xlsx(sheet_name: str, header: Sequence[str], example: Sequence[str], widths: Sequence[int]) -> bytes:
    """An import's template: the header row and one example row, every column text (so a phone
    number or a date stays as typed), the header frozen."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    write_row(sheet, 0, 0, header, bold)
    write_row(sheet, 1, 0, example, text)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width, text)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def sign_rows_for(tokens: ImportTokens, raw: list[list[str]], owner: dict, secret: str) -> str:
    """A tamper-proof token carrying the file's rows, for `owner` only ({"school": id}, a
    plan's {"assignment": id}), to the confirmation."""
    return tokens.sign({**owner, "rows": raw}, secret)


def unsign_rows_for(tokens: ImportTokens, token: str, owner: dict, secret: str, elsewhere: str) -> list[list[str]]:
    """The rows of a token made by `sign_rows_for` for this `owner`; DomainError for a token that
    is expired, damaged or of another import, and `elsewhere` for one made for another owner."""
    payload = tokens.unsign(token, secret)
    if any(payload.get(key) != value for key, value in owner.items()):
        raise DomainError(elsewhere)
    return payload["rows"]


def sign_school_rows(tokens: ImportTokens, raw: list[list[str]], school_id: int, secret: str) -> str:
    """A tamper-proof token carrying the file's rows, for `school_id` only, to the confirmation."""
    return sign_rows_for(tokens, raw, {"school": school_id}, secret)


def unsign_school_rows(tokens: ImportTokens, token: str, school_id: int, secret: str) -> list[list[str]]:
    """The rows of a token made by `sign_school_rows` for this school; DomainError for a token that
    is expired, damaged, of another import or made for another school."""
    return unsign_rows_for(tokens, token, {"school": school_id}, secret,
                           _("Предпросмотр сделан для другой школы: загрузите файл ещё раз."))


def in_one_transaction(session: Session,
                       confirm: Callable[[], tuple[Checked, Written | None]]) -> tuple[Checked, Written | None]:
    """Run an import's confirmation (which consumes its token, checks the rows again and writes
    them, or returns None for what was written when a row is wrong now) in one transaction:
    committed when written, rolled back otherwise, so a refused confirmation leaves its token
    unused and writes nothing."""
    try:
        checked, result = confirm()
        if result is None:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return checked, result
