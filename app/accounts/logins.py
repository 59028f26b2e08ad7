"""Logins made from names: «Иванова Мария Петровна» → ivanova.mp, unique among the accounts."""
from __future__ import annotations

import re

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import _

# The everyday Latin spelling of Russian names (the one people type in e-mail addresses and
# passwords): ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю yu, я ya; ъ and ь dropped.
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
})
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MAX_BASE = 40


def transliterate(text: str) -> str:
    """Lower-case Latin spelling of Russian text; other characters are kept as they are."""
    return text.lower().translate(_TRANSLIT)


def _letters(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", transliterate(text or ""))


def login_base(last_name: str, first_name: str, middle_name: str | None = None) -> str:
    """«Иванова», «Мария», «Петровна» → «ivanova.mp»; a name with no letters left → «user»."""
    surname = _letters(last_name)[:MAX_BASE]
    initials = _letters((first_name or "")[:1]) + _letters((middle_name or "")[:1])
    if surname and initials:
        return f"{surname}.{initials}"
    return surname or initials or "user"


def login_problem(login: str) -> str | None:
    """Why `login` cannot be a login (in Russian), or None."""
    if not LOGIN.match(login or ""):
        return _("Логин — от 3 до 64 символов: строчные латинские буквы, цифры, точка, дефис или "
                 "подчёркивание, первым — буква или цифра.")
    return None


def taken_logins(session: Session, candidates) -> set[str]:
    """Which of `candidates` (lower case) are logins already, compared case-blind. A malformed one
    (login_problem) is not looked up: it is refused anyway, and a NUL in it would make PostgreSQL
    refuse the whole statement."""
    wanted = {c.lower() for c in candidates if login_problem(c.lower()) is None}
    if not wanted:
        return set()
    return set(session.scalars(select(func.lower(User.username)).where(func.lower(User.username).in_(wanted))))


def unique_logins(session: Session, bases: list[str]) -> list[str]:
    """A free login for each base, in order: the base itself, else base2, base3, …; two equal
    bases in one call get different logins."""
    result: list[str] = []
    chosen: set[str] = set()
    for base in bases:
        taken = taken_logins(session, [base] + [f"{base}{n}" for n in range(2, 30)]) | chosen
        number = 1
        login = base
        while login in taken:
            number += 1
            login = f"{base}{number}"
            if number % 28 == 0:
                taken |= taken_logins(session, [f"{base}{n}" for n in range(number, number + 30)])
        chosen.add(login)
        result.append(login)
    return result
