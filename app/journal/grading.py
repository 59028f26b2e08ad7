"""Grading rules shared by the journal and the diary.

Written on the diary branch with only the weighted average the diary needs; the journal branch
brings the full module (same function, same signature) and wins when the two are merged.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

TWO_PLACES = Decimal("0.01")


def weighted_average(marks: Iterable[tuple[int, Decimal]]) -> Decimal | None:
    """Weighted average of marks, rounded half-up to 2 decimals; None when there are no marks.

    `marks` are (value, weight) pairs: value 2..5, weight > 0 (the work type's weight, e.g.
    answer in class 1.0, test 2.0). Formula: Σ(value × weight) / Σ(weight).
    Example: 5 (weight 1), 3 (weight 2) -> (5 + 6) / 3 = 3.666… -> 3.67.
    """
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        weight = Decimal(weight)
        total += Decimal(value) * weight
        weights += weight
    if weights == 0:
        return None
    return (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
