"""The password policy: why a password is refused, in a Russian sentence, or None.

1. At least MIN_PASSWORD_LENGTH characters; not a common or pattern-made password
   (common_passwords.txt, compared in lower case, also without leading and trailing digits and
   symbols); not one of the `refused` passwords (the demo password outside the local demo).
2. zxcvbn's estimate of the guesses needed, at least STAFF_SCORE (10^8 guesses) for staff and
   region roles and FAMILY_SCORE (10^6) for parents and pupils; an account whose roles are not
   known is held to STAFF_SCORE. zxcvbn knows English words and the Latin keyboard only, so it
   checks the password twice, as typed and as the keys a Cyrillic password was typed on
   (йцукен → qwerty), the weaker result counting; and it is given as dictionary words the
   account's own names and login, then common Russian words (russian_words.txt), each also as
   typed on the Latin layout (москва → vjcrdf) and transliterated (moskva).

zxcvbn's feedback is English: the reason is our own Russian sentence, chosen by the kind of the
longest pattern zxcvbn found (a dictionary word, a keyboard row, a repeat, a sequence, a date).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zxcvbn import zxcvbn

from app.accounts.logins import transliterate
from app.security.roles import FAMILY_ROLES
from app.i18n import _

MIN_PASSWORD_LENGTH = 10
STAFF_SCORE = 3
FAMILY_SCORE = 2
# zxcvbn's running time grows with the length; a longer password is judged by its first 72 characters.
CHECKED_LENGTH = 72
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
RUSSIAN_WORDS_FILE = Path(__file__).with_name("russian_words.txt")
# The Latin key each Cyrillic letter shares on a Russian (ЙЦУКЕН) keyboard.
_CYRILLIC_KEYS = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюё" "ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`" "QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~",
)
_TRAILING_NOISE = re.compile(r"[\d\W_]+$")
_LEADING_NOISE = re.compile(r"^[\d\W_]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def russian_words() -> tuple[str, ...]:
    lines = RUSSIAN_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(line.strip().lower() for line in lines if line.strip() and not line.startswith("#")))


def as_latin_keys(text: str) -> str:
    """`text` as the keys it is typed on with the Russian layout: «йцукен» → «qwerty»."""
    return text.translate(_CYRILLIC_KEYS)


def _word_forms(words) -> list[str]:
    """Each word as written, as typed on the Latin layout and transliterated, without repeats."""
    forms = []
    for word in words:
        word = word.strip().lower()
        if word:
            forms += [word, as_latin_keys(word), transliterate(word)]
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def _russian_forms() -> tuple[str, ...]:
    return tuple(_word_forms(russian_words()))


def required_score(roles) -> int:
    """The zxcvbn score a password of an account with these role names needs: FAMILY_SCORE when
    every role is a parent's or a pupil's, else (staff, region roles, or roles unknown) STAFF_SCORE."""
    roles = set(roles or ())
    return FAMILY_SCORE if roles and roles <= set(FAMILY_ROLES) else STAFF_SCORE


def _own_name_parts(names) -> list[str]:
    """The account's names and login, and the parts of each (an e-mail's name, a double surname)."""
    parts = []
    for name in names:
        name = str(name or "").strip().lower()
        parts += [name, *re.split(r"[\W_]+", name.split("@")[0])]
    return [part for part in dict.fromkeys(parts) if len(part) >= 3]


@dataclass(frozen=True)
class _Estimate:
    score: int
    sequence: list
    russian_layout: bool


def _estimate(password: str, own: list[str]) -> _Estimate:
    """zxcvbn's estimate, the weaker of the password as typed and as its Latin keys."""
    # zxcvbn ranks a word by its last place in the list: the account's own words must not come again.
    known = set(own)
    inputs = own + [word for word in _russian_forms() if word not in known]
    typed = password[:CHECKED_LENGTH]
    keys = as_latin_keys(typed)
    results = [(zxcvbn(typed, user_inputs=inputs), False)]
    if keys != typed:
        results.append((zxcvbn(keys, user_inputs=inputs), True))
    result, russian_layout = min(results, key=lambda pair: pair[0]["score"])
    return _Estimate(result["score"], result["sequence"], russian_layout)


def _reason(estimate: _Estimate, own_count: int) -> str:
    """Our Russian sentence for the longest pattern zxcvbn found in a weak password."""
    found = [match for match in estimate.sequence if match["pattern"] != "bruteforce"]
    if not found:
        return _("Пароль слишком простой: сделайте его длиннее, например из трёх-четырёх несвязанных слов.")
    match = max(found, key=lambda m: len(m["token"]))
    if match["pattern"] == "dictionary" and match["dictionary_name"] == "user_inputs" and match["rank"] <= own_count:
        return _("Пароль содержит ваше имя, фамилию или логин: их пробуют первыми. Придумайте другой.")
    if estimate.russian_layout and (match["pattern"] == "spatial" or match.get("dictionary_name") == "passwords"):
        return _("Это ряд клавиш или распространённый пароль, набранный в русской раскладке: придумайте другой.")
    return _pattern_reason(match)


def _pattern_reason(match: dict) -> str:
    """The sentence for the kind of a match: a common password, a word, a keyboard row, a repeat,
    a sequence; anything else (a date, a year) as a date."""
    pattern = match["pattern"]
    if pattern == "dictionary" and match["dictionary_name"] == "passwords":
        return _("Этот пароль слишком распространён и легко угадывается: придумайте другой.")
    if pattern == "dictionary":
        return _("Пароль построен на распространённом слове или имени: добавьте ещё два-три несвязанных слова.")
    if pattern == "spatial":
        return _("Пароль набран рядом соседних клавиш: такие пароли подбирают первыми.")
    if pattern == "repeat":
        return _("Пароль состоит из повторов: «abcabc» угадать почти так же легко, как «abc».")
    if pattern == "sequence":
        return _("Пароль содержит последовательность вроде «abc» или «6543»: её легко угадать.")
    return _("Пароль держится на дате или годе: их легко угадать. Добавьте несколько несвязанных слов.")


def password_problem(password: str | None, *, names=(), roles=(), refused=()) -> str | None:
    """Why `password` is refused (a Russian sentence), or None when it is acceptable.

    `names`: the account's login, first and last name, e-mail (dictionary words for zxcvbn);
    `roles`: its role names (required_score; none = unknown = the staff level); `refused`:
    passwords refused whatever their strength (the demo password)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Пароль слишком короткий: нужно не менее %(n)s символов.", n=MIN_PASSWORD_LENGTH)
    if password in refused:
        return _("Это пароль демонстрационных входов, он известен всем: придумайте другой.")
    lowered = password.lower()
    core = _LEADING_NOISE.sub("", _TRAILING_NOISE.sub("", lowered))
    unpunctuated = re.sub(r"[\W_]+$", "", lowered)
    known = common_passwords()
    if len(set(lowered)) <= 2 or lowered in known or unpunctuated in known or (len(core) >= 4 and core in known):
        return _("Этот пароль слишком распространён и легко угадывается: придумайте другой.")
    own = _word_forms(_own_name_parts(names))
    estimate = _estimate(password, own)
    if estimate.score >= required_score(roles):
        return None
    return _reason(estimate, len(own))
