"""Grading rules: weighted average, the rounding rule, period-mark proposals, year marks, «накопляемость».

Plain functions on plain values (no database), so every rule has a hand-checked unit test in
tests/unit/test_journal_grading.py and is described for users in docs/journal-formulas.md.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

# The period-result codes (н/а, осв., зач., незач.) live with the model; grading.EXEMPT etc. are used across app/journal.
from app.models.journal import EXEMPT, FAILED, MARK_VALUES, NOT_ASSESSED, PASSED, PERIOD_MARK_VALUES

TWO_PLACES = Decimal("0.01")

# The school's rounding rule for proposing a period mark from the average: the fractional part at
# or above this threshold rounds up. 0.5 is the ordinary arithmetic rule (3.50 -> 4, 3.49 -> 3);
# a school with a stricter regulation (e.g. 0.6) passes its own threshold.
DEFAULT_ROUND_UP_FROM = Decimal("0.50")


def weighted_average(marks: Iterable[tuple[int, Decimal]]) -> Decimal | None:
    """Weighted average of marks, rounded half-up to 2 decimals; None when there are no marks.

    `marks` are (value, weight) pairs: value 2..5, weight > 0 (the work type's weight, e.g.
    answer in class 1.0, test 2.0). Formula: Σ(value × weight) / Σ(weight).
    Example: 5 (weight 1), 3 (weight 2) -> (5 + 6) / 3 = 3.666… -> 3.67.
    """
    total = weights = 0  # exact: whole marks times Decimal (or whole) weights
    for value, weight in marks:
        total += value * weight
        weights += weight
    if weights == 0:
        return None
    return (Decimal(total) / Decimal(weights)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round_mark(average: Decimal | None, round_up_from: Decimal = DEFAULT_ROUND_UP_FROM) -> int | None:
    """Whole mark for an average by the school's rule: the fraction ≥ `round_up_from` rounds up.

    The average is the 2-decimal figure the teacher sees (so 3.495 shown as 3.50 gives 4).
    None in, None out. The result stays within the scale 2..5.
    """
    if average is None:
        return None
    average = Decimal(average).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    whole = int(average)  # averages are positive, int() is the floor
    if average - whole >= round_up_from:
        whole += 1
    return max(MARK_VALUES[0], min(MARK_VALUES[-1], whole))


def propose_period_mark(average: Decimal | None, round_up_from: Decimal = DEFAULT_ROUND_UP_FROM) -> str | None:
    """The period mark proposed to the teacher from the weighted average (as text: "4").

    No marks (average None) proposes nothing: the teacher decides (often «н/а»). The teacher
    confirms or changes the proposal; only a confirmed period mark is stored.
    """
    mark = round_mark(average, round_up_from)
    return None if mark is None else str(mark)


def propose_year_mark(period_marks: Iterable[str | None],
                      round_up_from: Decimal = DEFAULT_ROUND_UP_FROM) -> str | None:
    """Year mark proposed from the period marks of the year.

    The numeric period marks (2..5) are averaged arithmetically and rounded by the same rule as
    period marks (4, 4, 5, 5 -> 4.50 -> 5; 3, 4, 4, 4 -> 3.75 -> 4). «осв.» periods are left out.
    Without any numeric mark: «незач.» if any period is «незач.», else «зач.» if any is «зач.»,
    else «н/а» if any is «н/а», else «осв.» if all are «осв.»; no period marks at all -> None.
    A numeric mark wins over «н/а» in another period: the teacher sees the proposal and decides.
    """
    values = [v for v in period_marks if v]
    numbers = [int(v) for v in values if v.isdigit()]
    if numbers:
        average = (Decimal(sum(numbers)) / len(numbers)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        return propose_period_mark(average, round_up_from)
    for word in (FAILED, PASSED, NOT_ASSESSED):
        if word in values:
            return word
    if values and all(v == EXEMPT for v in values):
        return EXEMPT
    return None


def is_period_mark_value(value: str) -> bool:
    return value in PERIOD_MARK_VALUES


def required_marks(hours_per_week: Decimal | float | int) -> int:
    """Least number of current marks a pupil needs for a period mark («накопляемость»).

    Default regional practice: 1 hour a week (or less) -> 3 marks, 2 hours -> 5, 3 or more -> 7.
    """
    hours = Decimal(str(hours_per_week))
    if hours <= 1:
        return 3
    if hours <= 2:
        return 5
    return 7


SHORTAGE_WARNING_DAYS = 14


def shortage_warning_due(period_ends_on: dt.date, today: dt.date, days: int = SHORTAGE_WARNING_DAYS) -> bool:
    """True from `days` (default 14) days before the period's last day to the end of the period.

    After the period has ended the warning stays on (the period mark is still to be set).
    """
    return today >= period_ends_on - dt.timedelta(days=days)


def has_shortage(mark_count: int, hours_per_week, exempt: bool = False) -> bool:
    """A pupil below the «накопляемость» minimum (an exempt pupil never is)."""
    return not exempt and mark_count < required_marks(hours_per_week)
