"""Dates and numbers for Russian users (app.formats), checked by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.formats import NotADate, format_average, format_date, format_decimal, natural_key, parse_date, percent


def test_dates_are_typed_in_russian_iso_or_spreadsheet_form():
    assert parse_date("23.10.2012") == parse_date("2012-10-23") == parse_date(" 23/10/2012 ") == dt.date(2012, 10, 23)
    assert parse_date("") is None and parse_date(None) is None and parse_date("   ") is None


@pytest.mark.parametrize("typed", ["29-04-03", "31.02.2012", "23.10.12", "завтра", "10.09.1899", "01.01.2101"])
def test_anything_else_is_not_a_date(typed):
    with pytest.raises(NotADate):
        parse_date(typed)


def test_dates_and_numbers_are_shown_the_russian_way():
    assert format_date(dt.date(2012, 9, 1)) == "01.09.2012" and format_date(None) == ""
    assert format_decimal(Decimal("4.254")) == "4,25" and format_decimal(Decimal("75.6"), 1) == "75,6"
    assert format_decimal(Decimal("66.7"), None) == "66,7" and format_decimal(Decimal("3.67"), None) == "3,67"
    assert format_average(Decimal("3.67")) == "3,67"
    assert format_average(None) == "" and format_average(None, missing="—") == "—"


def test_percent_rounds_half_up_to_a_tenth():
    assert percent(2, 3) == Decimal("66.7") and percent(1, 8) == Decimal("12.5")  # 12,5 exactly
    assert percent(1, 16) == Decimal("6.3")  # 6,25 → 6,3
    assert percent(0, 5) == Decimal("0.0") and percent(3, 0) is None


def test_names_with_numbers_sort_by_their_value():
    schools = ["СОШ № 10", "сош № 2", "СОШ № 1", "Гимназия № 3", "СОШ № 12"]
    assert sorted(schools, key=natural_key) == ["Гимназия № 3", "СОШ № 1", "сош № 2", "СОШ № 10", "СОШ № 12"]
    assert sorted(["Ёлкина", "Егорова", "Жукова"], key=natural_key) == ["Егорова", "Ёлкина", "Жукова"]
