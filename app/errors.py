"""The one exception type for rule violations users must read (in Russian), and the Russian
sentence for a write the database refused."""
from __future__ import annotations

from app.i18n import _l


class DomainError(Exception):
    """A refused action. `str(error)` is a Russian sentence that says what to do."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def database_error_message(error: Exception) -> str:
    """What to tell the user when the database refused a write (a SQLAlchemy error): the raw text
    holds SQL and English."""
    text = str(getattr(error, "orig", error)).lower()
    if "unique" in text or "duplicate" in text:
        return str(_l("Такая запись уже есть: проверьте поля, которые должны быть уникальными."))
    if "foreign key" in text or "violates foreign" in text:
        return str(_l("Запись связана с другими данными; сначала измените или удалите их."))
    if "check" in text or "not null" in text or "null value" in text:
        return str(_l("Значения не проходят проверку: заполните обязательные поля допустимыми значениями."))
    return str(_l("Не удалось сохранить изменения в базе данных; ничего не изменено."))
