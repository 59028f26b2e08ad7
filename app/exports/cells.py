"""Cell values for spreadsheet and CSV exports."""
from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass.

    Numbers stay numbers (a negative number is not text and is not touched)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
