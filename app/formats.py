"""How dates and numbers read for Russian users: one place to parse and format them.

- Dates are shown as дд.мм.гггг; a moment of the region's business (a mark's entry, a lock, a
  report: app.clock.region_now) is kept and shown in the region's time (`format_region_moment`),
  a technical one kept in UTC (a session, a code) in Moscow time (`format_moment`, `local_date`); typed dates are accepted as дд.мм.гггг, ISO (гггг-мм-дд,
  what a date input sends) or дд/мм/гггг (spreadsheets), within one set of plausible years; a
  moment (a command's option) as ISO 8601 or дд.мм.гггг чч:мм, within the same years.
- A month is shown by its name, «октябрь 2012», and typed so, or as мм.гггг, гггг-мм (addresses,
  commands) or any date of it; the first day of the month stands for it.
- Numbers have the decimal comma: 4,25; 75,6; a weight or a number of hours without a trailing
  zero: 1; 1,5. Typed numbers are accepted with a comma or a point, spaces between thousands.
- Percentages are computed one way: part / whole × 100, rounded half-up to 0.1, and shown one way:
  66,7 (66,7% where no column header or template says «%»), «—» for none.
- Names with numbers sort naturally: «СОШ № 2» before «СОШ № 10»; names compare case-blind, with
  «ё» as «е» (fold_text, also the SQL `fold()` of app.name_search on SQLite). In SQL the same
  order is that of `natural_text` (the SQL `natural()` of app.name_search).
- `shown` is what a page prints for a value of any of these kinds (the templates' `{{ value }}`).

No Flask imports: domain modules, views, exports and messages all use it; templates through the
filters app.views.layout registers (`date`, `moment`, `month`, `decimal`, `percent`, `share`).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from app.i18n import N_, _

FIRST_YEAR, LAST_YEAR = 1900, 2100
DATE_PATTERNS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")
MOMENT_PATTERNS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S")
ONE_PLACE = Decimal("0.1")
_DIGITS = re.compile(r"(\d+)")
# Numbers inside names are padded to this many digits for the SQL order (natural_text).
NATURAL_DIGITS = 10
MONTH_NAMES = (  # as a calendar heads a month: «октябрь 2012»
    N_("январь"), N_("февраль"), N_("март"), N_("апрель"), N_("май"), N_("июнь"),
    N_("июль"), N_("август"), N_("сентябрь"), N_("октябрь"), N_("ноябрь"), N_("декабрь"),
)
MONTH_NAMES_OF = (  # as a date reads: «23 октября 2012»; typed months are accepted so too
    N_("января"), N_("февраля"), N_("марта"), N_("апреля"), N_("мая"), N_("июня"),
    N_("июля"), N_("августа"), N_("сентября"), N_("октября"), N_("ноября"), N_("декабря"),
)
_MONTH_NUMBERS = re.compile(r"(\d{1,2})[./-](\d{4})|(\d{4})-(\d{1,2})")
_MONTH_WORDS = re.compile(r"([^\W\d_]+)\.?\s+(\d{4})")
# The region's time zone (BABEL_DEFAULT_TIMEZONE too).
LOCAL_ZONE = ZoneInfo("Europe/Moscow")


class NotADate(ValueError):
    """A typed value that is not a date of the accepted forms and years."""


class NotANumber(ValueError):
    """A typed value that is not a number."""


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


def parse_moment(text: str | None) -> dt.datetime | None:
    """The moment typed as ISO 8601 (2012-10-19T18:00) or 19.10.2012 18:00; a date alone is its
    midnight; None when nothing is typed. Raises NotADate for anything else, and for a year outside
    FIRST_YEAR…LAST_YEAR."""
    value = (text or "").strip()
    if not value:
        return None
    for pattern in MOMENT_PATTERNS:
        try:
            moment = dt.datetime.strptime(value, pattern)
            break
        except ValueError:
            continue
    else:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = dt.datetime.combine(parse_date(value), dt.time())  # NotADate if no date either
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise NotADate(value)
    return moment


def parse_month(text: str | None) -> dt.date | None:
    """The first day of the month typed as «октябрь 2012» (or «октября 2012», any case), 10.2012,
    2012-10 or any date of it (23.10.2012, 2012-10-01); None when nothing is typed. Raises
    NotADate for anything else, and for a year outside FIRST_YEAR…LAST_YEAR."""
    value = " ".join((text or "").split())
    if not value:
        return None
    numbers = _MONTH_NUMBERS.fullmatch(value)
    words = _MONTH_WORDS.fullmatch(value)
    if numbers:
        month, year = (int(numbers[1]), int(numbers[2])) if numbers[1] else (int(numbers[4]), int(numbers[3]))
    elif words:
        month, year = _month_number(words[1]), int(words[2])
    else:
        return parse_date(value).replace(day=1)  # NotADate if it is no date either
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotADate(value)
    return dt.date(year, month, 1)


def _month_number(word: str) -> int:
    """1…12 for a month's name as `format_month` or a date writes it («октябрь», «октября») or its
    first three letters («окт»); 0 for any other word."""
    word = fold_text(word)
    for number, (name, name_of) in enumerate(zip(MONTH_NAMES, MONTH_NAMES_OF), start=1):
        if word in (fold_text(_(name)), fold_text(_(name_of))) or (len(word) == 3 and fold_text(_(name)).startswith(word)):
            return number
    return 0


def format_month(day: dt.date | None) -> str:
    """«октябрь 2012» for any day of the month; "" for none."""
    return "" if day is None else f"{_(MONTH_NAMES[day.month - 1])} {day.year}"


def format_date(day: dt.date | dt.datetime | None) -> str:
    """«19.10.2012»; "" for no date."""
    return "" if day is None else day.strftime("%d.%m.%Y")


def local_date(moment: dt.datetime) -> dt.date:
    """The date in Moscow of `moment`, a naive UTC time as the database keeps it: a code that
    expires at 22:30 UTC on the 18th expires on the 19th for its reader."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_ZONE).date()


def format_region_moment(moment: dt.datetime | None) -> str:
    """«19.10.2012 13:30»: a moment kept in the region's time (app.clock.region_now: a mark's entry,
    a period's lock, a report's generation), to the minute, as it is kept; "" for none. A technical
    moment kept in UTC is `format_moment`'s."""
    return "" if moment is None else moment.strftime("%d.%m.%Y %H:%M")


def format_moment(moment: dt.datetime | None) -> str:
    """«19.10.2012 13:30»: a naive UTC time as the database keeps it, in Moscow time, to the
    minute; "" for none."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")


def format_decimal(value, places: int | None = 2, *, trim: bool = False) -> str:
    """A number with the decimal comma and `places` digits after it: 4,25 (None: the digits the
    number has, as a Decimal keeps them). `trim`: without the zeros that end the fraction, and
    without the comma when none is left (a weight of 1,0 reads «1», 1,50 reads «1,5»). "" for
    None."""
    if value is None:
        return ""
    text = (str(value) if places is None else f"{value:.{places}f}").replace(".", ",")
    return text.rstrip("0").rstrip(",") if trim and "," in text else text


def parse_decimal(text) -> Decimal | None:
    """A number typed the Russian way or a spreadsheet's: «4,25», «4.25», «1 250» (spaces and
    no-break spaces between thousands are dropped); None when nothing is typed. Raises NotANumber
    for anything else, infinities and NaN included. Ranges are the caller's to check."""
    value = "" if text is None else str(text).strip()
    if not value:
        return None
    try:
        number = Decimal(value.replace("\xa0", "").replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise NotANumber(value) from None
    if not number.is_finite():
        raise NotANumber(value)
    return number


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100, rounded half-up to 0.1; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None, *, sign: bool = False, missing: str = "—") -> str:
    """A percentage as computed by `percent`: «66,7» (`sign`: «66,7%»); `missing` for None."""
    if value is None:
        return missing
    return format_decimal(value, 1) + ("%" if sign else "")


def format_share(value, *, missing: str = "") -> str:
    """A percentage someone typed or a plan states (a target share of 75.00 or 90.50): «75%»,
    «90,5%», as it was meant, without the zeros a numeric column adds; `missing` for None."""
    return missing if value is None else format_decimal(value, None, trim=True) + "%"


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


def natural_text(text: str | None) -> str | None:
    """A text whose plain order is the natural order of names: `fold_text`, with every number
    padded to NATURAL_DIGITS digits («сош № 0000000002» before «сош № 0000000010»). What the SQL
    `natural()` of app.name_search computes; None stays None."""
    if text is None:
        return None
    return _DIGITS.sub(lambda number: number[1].rjust(NATURAL_DIGITS, "0"), fold_text(text))


def shown(value) -> str | None:
    """A date, a moment or a number as a page prints it: 19.10.2012; 19.10.2012 13:30 (a moment as
    kept: the region's time, `format_region_moment`); 4,25 and 1,5 (without the zeros a numeric
    column adds: an hour's 1.0 reads «1»). None for a value of any other kind (the caller prints
    it as it is)."""
    if isinstance(value, dt.datetime):
        return format_region_moment(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_decimal(value, None, trim=True)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)), None, trim=True)
    return None
