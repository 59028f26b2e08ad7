"""A thematic plan from the teacher's file (xlsx or csv) in the layout teachers keep: №, раздел,
тема, часы. Parse, check every row, preview, then write all or nothing.

Columns are found by their header (any order, other columns such as a planned date ignored); the
header may sit below a title line or two, as in most teachers' files. Row numbers in messages are
the spreadsheet's own. The rows are checked as the plan page's are (app.journal.plan:
`check_topic_rows`): a row with a section alone is a heading, a topic row keeps the section above
it. Confirming replaces the plan's topics; the lessons' written topics are left as they are. The
rows travel from the preview to the confirmation as a signed token for this assignment, confirmed
once (app/import_tokens.py), as in the pupil and staff imports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.import_tokens import ImportTokens
from app.journal.plan import CheckedRows, PlanHeading, check_topic_rows, open_heading, write_topics
from app.models import PlanTopic, ThematicPlan
from app.security.scope import Scope
from app.i18n import N_, _
from app.timetable import table_import
from app.timetable.pupil_import import read_table
from app.xlsx_upload import XlsxLimits

# Canonical column -> accepted header spellings (lower case, spaces collapsed; «ё» may be «е»).
HEADERS = {
    "number": ("№", "№ п/п", "№ урока", "номер", "номер урока", "n"),
    "section": ("раздел", "раздел программы", "название раздела", "модуль", "глава"),
    "topic": ("тема", "тема урока", "темы уроков", "название темы", "тема занятия"),
    "hours": ("часы", "часов", "кол-во часов", "количество часов", "кол-во ч.", "кол-во ч", "ч.", "час"),
}
REQUIRED = ("topic", "hours")
# The template's header row: accepted spellings of HEADERS, so it stays as written; messages translate it.
TEMPLATE_HEADER = ["№", N_("раздел"), N_("тема"), N_("часы")]
TEMPLATE_EXAMPLE = ["1", "Натуральные числа и шкалы", "Обозначение натуральных чисел", "2"]
HEADER_SEARCHED = 10  # rows above the header a file may have (the plan's title, the teacher's name)


@dataclass
class Preview:
    heading: PlanHeading
    checked: CheckedRows = field(default_factory=CheckedRows)
    replaces: int = 0  # topics of the plan as it stands, which the import replaces

    @property
    def ok(self) -> bool:
        return self.checked.ok


def read_plan_file(*, data: bytes, filename: str, limits: XlsxLimits | None = None) -> list[list[str]]:
    """The file's rows as lists of trimmed strings (xlsx or csv, within `limits`: the pupil
    import's reader), with the plan's own word for an empty file."""
    if not data:
        raise DomainError(_("Файл пустой. Выберите файл плана в формате xlsx или csv."))
    return read_table(data=data, filename=filename, limits=limits)


def _columns(raw: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The index of the header row (the first of the first HEADER_SEARCHED rows that has the
    required columns) and its columns; DomainError when none has them."""
    for index, row in enumerate(raw[:HEADER_SEARCHED]):
        if not any(cell.strip() for cell in row):
            continue
        try:
            return index, table_import.find_columns(row, HEADERS, REQUIRED, TEMPLATE_HEADER)
        except DomainError:
            continue
    raise DomainError(_("В начале файла нет строки заголовков со столбцами «тема» и «часы» (могут быть и «№», "
                        "«раздел»). Возьмите шаблон на этой странице."))


def _body(raw: list[list[str]]) -> list[tuple[int, dict[str, str]]]:
    """The rows under the header with their spreadsheet numbers, trimmed cells by column key."""
    header, columns = _columns(raw)
    body = []
    for number, row in enumerate(raw[header + 1:], start=header + 2):
        cells = {key: row[index].strip() if index < len(row) else "" for key, index in columns.items()}
        body.append((number, cells))
    return body


def check_file(session: Session, scope: Scope, assignment_id: int, raw: list[list[str]]) -> Preview:
    """The preview of the file's rows for the plan of `assignment_id` (NotInScope unless the user
    may change it): every row checked, with the number of topics it would replace."""
    heading = open_heading(session, scope, assignment_id, to_change=True)
    checked = check_topic_rows(_body(raw))
    if not checked.rows and not checked.errors:
        raise DomainError(_("В файле нет ни одной темы."))
    replaces = session.scalar(select(func.count(PlanTopic.id)).join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
                              .where(ThematicPlan.assignment_id == assignment_id)) or 0
    return Preview(heading, checked, replaces)


def preview_upload(session: Session, scope: Scope, assignment_id: int, *, data: bytes | None, filename: str | None,
                   limits: XlsxLimits | None = None) -> tuple[list[list[str]], Preview]:
    """An uploaded file's rows and their preview for the plan of `assignment_id`: NotInScope
    first, unless the user may change the plan; then DomainError for no file, or one that cannot
    be read."""
    open_heading(session, scope, assignment_id, to_change=True)
    if not filename:
        raise DomainError(_("Выберите файл плана (xlsx или csv)."))
    raw = read_plan_file(data=data or b"", filename=filename, limits=limits)
    return raw, check_file(session, scope, assignment_id, raw)


# --- the preview between two requests -----------------------------------------------------

TOKENS = ImportTokens("plan-import", max_age=2 * 60 * 60)


def sign_rows(raw: list[list[str]], assignment_id: int, secret: str) -> str:
    """A tamper-proof token carrying the file's rows, for this assignment's plan only."""
    return table_import.sign_rows_for(TOKENS, raw, {"assignment": assignment_id}, secret)


def unsign_rows(token: str, assignment_id: int, secret: str) -> list[list[str]]:
    return table_import.unsign_rows_for(TOKENS, token, {"assignment": assignment_id}, secret,
                                        _("Предпросмотр сделан для плана другого класса или предмета: "
                                          "загрузите файл ещё раз."))


def confirm_import(session: Session, scope: Scope, assignment_id: int, token: str, secret: str, *,
                   user_id: int | None, now: dt.datetime) -> tuple[Preview, int | None]:
    """Confirm a preview's token: check its rows again and make them the plan, once per token.
    Returns the preview and the number of topics written, or None when a row is wrong now (the
    caller rolls back, which leaves the token unused). Flushes; the caller commits."""
    open_heading(session, scope, assignment_id, to_change=True)
    raw = unsign_rows(token, assignment_id, secret)
    TOKENS.consume(session, token)
    preview = check_file(session, scope, assignment_id, raw)
    if not preview.ok:
        return preview, None
    write_topics(session, assignment_id, preview.checked.rows, user_id=user_id, now=now)
    return preview, len(preview.checked.rows)


def confirm_and_write(session: Session, scope: Scope, assignment_id: int, token: str, secret: str, *,
                      user_id: int | None, now: dt.datetime) -> tuple[Preview, int | None]:
    """confirm_import in one transaction: commits what was written, or rolls back (the token stays
    unused) when a row is wrong now or anything is refused."""
    return table_import.in_one_transaction(session, lambda: confirm_import(
        session, scope, assignment_id, token, secret, user_id=user_id, now=now))


def template_xlsx() -> bytes:
    """The plan template: the header and one example row."""
    return table_import.template_xlsx(_("План"), TEMPLATE_HEADER, TEMPLATE_EXAMPLE,
                                      (6, 34, 60, 8))
