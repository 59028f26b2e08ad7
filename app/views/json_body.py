"""The JSON body of our pages' own requests (the journal's cells, the timetable's cells), read once.

A body that is not an object (`[1]`, `"x"`, no body), a number that is not a whole number, or one
outside the database's integer (10^20 overflowed SQLite and PostgreSQL: a 500) is refused with
the caller's Russian message (DomainError: 400, nothing written).
"""
from __future__ import annotations

from flask import request

from app.errors import DomainError
from app.i18n import _

# Every id and number these bodies carry is an INTEGER column: 32 bits, signed.
INT_MIN, INT_MAX = -2**31 + 1, 2**31 - 1


def unreadable() -> str:
    return _("Запрос не распознан: обновите страницу и повторите.")


def json_object(message: str | None = None) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(message or unreadable())
    return data


def json_int(data: dict, key: str, *, optional: bool = False, message: str | None = None) -> int | None:
    """`data[key]` as an int: a JSON number or a string of digits; None, "" or a missing key is
    None when `optional`. A bool, a fraction or a number out of the INTEGER range is refused."""
    value = data.get(key)
    if value in (None, "") and optional:
        return None
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise DomainError(message or unreadable())
    return value


def json_text(data: dict, key: str, *, message: str | None = None) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(message or unreadable())
    return value
