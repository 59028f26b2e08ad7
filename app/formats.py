"""How dates and numbers read for Russian users: one place to parse and format them.

- Dates are shown as дд.мм.гггг; typed dates are accepted as дд.мм.гггг, ISO (гггг-мм-дд, what a
  date input sends) or дд/мм/гггг (spreadsheets), within one set of plausible years.
- Numbers have the decimal comma: 4,25; 75,6.
- Percentages are computed one way: part / whole × 100, rounded half-up to 0.1.
- Names with numbers sort naturally: «СОШ № 2» before «СОШ № 10»; names compare case-blind, with
  «ё» as «е» (fold_text, also the SQL `fold()` of app.search on SQLite).

No Flask imports: domain modules, views, exports and messages all use it.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

FIRST_YEAR, LAST_YEAR = 1900, 2100
DATE_PATTERNS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")
ONE_PLACE = Decimal("0.1")
_DIGITS = re.compile(r"(\d+)")


class NotADate(ValueError):
    """A typed value that is not a date of the accepted forms and years."""


def parse_date(text: str | None) -> dt.date | None:
    """The date typed as 23.10.2012, 2012-10-23 or 23/10/2012; None when nothing is typed.

    Raises NotADate for anything else, and for a year outside FIRST_YEAR…LAST_YEAR."""
    value = (text or "").strip()
    if not value:
        return None
    for pattern in DATE_PATTERNS:
        try:
            day = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            return day
        break
    raise NotADate(value)


def date_or_none(text: str | None) -> dt.date | None:
    """`parse_date`, with None for anything that is not a date (an optional address argument)."""
    try:
        return parse_date(text)
    except NotADate:
        return None


def format_date(day: dt.date | dt.datetime | None) -> str:
    """«19.10.2012»; "" for no date."""
    return "" if day is None else day.strftime("%d.%m.%Y")


def format_decimal(value, places: int | None = 2) -> str:
    """A number with the decimal comma and `places` digits after it: 4,25 (None: the digits the
    number has, as a Decimal keeps them). "" for None."""
    if value is None:
        return ""
    return (str(value) if places is None else f"{value:.{places}f}").replace(".", ",")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100, rounded half-up to 0.1; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def format_average(average: Decimal | None, missing: str = "") -> str:
    """A weighted average as a teacher reads it: «4,25»; `missing` where there are no marks."""
    return missing if average is None else format_decimal(average)


def fold_text(text: str | None) -> str | None:
    """`text` as names are compared: lower case, «ё» as «е». None stays None (SQL NULL)."""
    return None if text is None else text.lower().replace("ё", "е")


def natural_key(text: str | None) -> tuple:
    """A sort key that orders the numbers inside names by value: «СОШ № 2» before «СОШ № 10»,
    case-blind and «ё» as «е»."""
    parts = _DIGITS.split(fold_text(text or ""))
    return tuple((0, int(part), "") if index % 2 else (1, 0, part) for index, part in enumerate(parts))
