"""The one rule for text that people type or import: what is stored is what can be read and typed.

    from app.textinput import TextRefused, clean_text, clean_column

`clean_text(value, multiline=..., max_length=..., required=...)` is the pure rule; app.models
applies it to every String/Text column of every mapped model through attribute events (FAB forms,
the REST API, imports and the journal all set attributes), and `clean_column(Model.attr, value)`
gives code that writes with Core statements (the journal) the same rule for a column.

In order:
1. Unicode NFC: «е» + combining acute (U+0301) becomes the single letter «é», so equal names compare
   equal and a length counts letters.
2. Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are removed: nobody sees or types them.
3. Line breaks: in a multi-line column (Text: homework, answers, notes) CRLF and CR become LF and
   the spaces at the end of each line go; a single-line column (String: names, topics, reasons)
   refuses a tab or a line break between words.
4. Leading and trailing whitespace is stripped; in a single-line value every run of spaces (also
   no-break ones) becomes one space.
5. Control characters (NUL and the rest of Unicode's Cc, lone surrogates) and the bidi overrides
   and isolates (U+202A–U+202E, U+2066–U+2069) are refused: they cut a value short in a database,
   or show it reversed («Иванов» typed with U+202E reads «вонавИ»).
6. Nothing left: refused where a value is required, None where the column is optional (a topic
   of a tab and a newline is no topic).
7. Longer than the column declares (in characters, after the steps above): refused, never cut,
   on SQLite as on PostgreSQL.

A refusal is a TextRefused (a DomainError): a Russian sentence naming the field and what to do.
None and non-text values pass unchanged (the database's NOT NULL and the schemas judge them).
"""
from __future__ import annotations

import re
import unicodedata

from app.errors import DomainError
from app.i18n import _, _l

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")
SPACES = re.compile(r"[^\S\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")  # spaces, not line breaks or tabs
TRAILING_SPACES = re.compile(r"[^\S\n]+$", re.MULTILINE)

# Field names for refusals raised by the attribute events, by column name (the forms name their
# own labels, the imports their own columns).
FIELD_LABELS = {
    "name": _l("Название"), "short_name": _l("Краткое название"), "kind": _l("Вид"), "code": _l("Код"),
    "address": _l("Адрес"), "last_name": _l("Фамилия"), "first_name": _l("Имя"), "middle_name": _l("Отчество"),
    "position": _l("Должность"), "email": _l("Эл. почта"), "phone": _l("Телефон"), "relation": _l("Кем приходится"),
    "letter": _l("Буква класса"), "topic": _l("Тема"), "homework": _l("Домашнее задание"),
    "reason": _l("Причина"), "comment": _l("Комментарий"), "value": _l("Отметка"), "title": _l("Название"),
    "vendor": _l("Поставщик"), "order_number": _l("Номер приказа"), "question": _l("Вопрос"),
    "answer": _l("Ответ"), "note": _l("Заметка"), "description": _l("Описание"), "filename": _l("Имя файла"),
    "hardware_note": _l("Оснащение"), "responsible_full_name": _l("ФИО ответственного"),
    "responsible_position": _l("Должность ответственного"), "responsible_phone": _l("Телефон ответственного"),
    "responsible_email": _l("Эл. почта ответственного"), "approval_doc_number": _l("Номер документа"),
    "username": _l("Логин"), "section": _l("Раздел"),
}


class TextRefused(DomainError):
    """Text that cannot be stored as typed: what is wrong and what to do, naming the field."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message, code="text_refused")
        self.field = field


def _character_name(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean_text(value, *, multiline: bool, max_length: int | None, required: bool, field: str = "") -> str | None:
    """The value to store for text typed into a field (see the module docstring for the steps).

    `max_length` in characters (None: no limit); `field` names the field in refusals. Returns the
    cleaned text, or None for an optional field left blank. Raises TextRefused."""
    if value is None or not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).translate(ZERO_WIDTH)
    text = LINE_BREAKS.sub("\n", text)
    if multiline:
        text = TRAILING_SPACES.sub("", text).strip()
    else:
        text = SPACES.sub(" ", text.strip())
    for char in text:
        if char in BIDI_CONTROLS:
            raise TextRefused(_("«%(field)s»: в тексте есть невидимый знак смены направления письма (%(char)s). "
                                "Наберите значение заново, не копируя его.", field=field, char=_character_name(char)),
                              field=field)
        if char in "\t\n" and not multiline:
            raise TextRefused(_("«%(field)s»: текст должен быть в одну строку, без переносов строк и табуляции.",
                                field=field), field=field)
        if char not in "\t\n" and unicodedata.category(char) in ("Cc", "Cs"):
            raise TextRefused(_("«%(field)s»: в тексте есть невидимый управляющий символ (%(char)s). "
                                "Наберите значение заново, не копируя его.", field=field, char=_character_name(char)),
                              field=field)
    if not text:
        if required:
            raise TextRefused(_("«%(field)s»: заполните поле (одни пробелы не считаются).", field=field), field=field)
        return None
    if max_length is not None and len(text) > max_length:
        raise TextRefused(_("«%(field)s»: не длиннее %(limit)s знаков, а введено %(length)s. Сократите текст.",
                            field=field, limit=max_length, length=len(text)), field=field)
    return text


def column_rule(column) -> dict | None:
    """clean_text's keyword arguments for a table column, or None when the rule does not apply
    (not text, an enumeration, or a column marked `info={"clean_text": False}`)."""
    from sqlalchemy import Enum, String, Text

    kind = column.type
    if not isinstance(kind, String) or isinstance(kind, Enum) or not column.info.get("clean_text", True):
        return None
    return {"multiline": isinstance(kind, Text), "max_length": kind.length, "required": not column.nullable}


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def clean_column(attribute, value, *, field: str | None = None):
    """`value` cleaned by the rule of a mapped column (`Lesson.topic`), named `field` in refusals
    (by default the column's label in FIELD_LABELS)."""
    column = attribute.property.columns[0]
    rule = column_rule(column)
    if rule is None:
        return value
    return clean_text(value, field=field or field_label(attribute.key), **rule)
