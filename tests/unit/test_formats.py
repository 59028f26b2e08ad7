"""Dates and numbers for Russian users (app.formats), checked by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.formats import (
    NotADate,
    NotANumber,
    format_average,
    format_date,
    format_decimal,
    format_moment,
    format_percent,
    natural_key,
    parse_date,
    parse_decimal,
    parse_moment,
    percent,
)


def test_dates_are_typed_in_russian_iso_or_spreadsheet_form():
    assert parse_date("23.10.2012") == parse_date("2012-10-23") == parse_date(" 23/10/2012 ") == dt.date(2012, 10, 23)
    assert parse_date("") is None and parse_date(None) is None and parse_date("   ") is None


@pytest.mark.parametrize("typed", ["29-04-03", "31.02.2012", "23.10.12", "завтра", "10.09.1899", "01.01.2101"])
def test_anything_else_is_not_a_date(typed):
    with pytest.raises(NotADate):
        parse_date(typed)


def test_dates_and_numbers_are_shown_the_russian_way():
    assert format_date(dt.date(2012, 9, 1)) == "01.09.2012" and format_date(None) == ""
    # Stored in UTC, read in Moscow time (UTC+4 in 2012): 21:30 UTC is already the next day.
    assert format_moment(dt.datetime(2012, 10, 19, 9, 5, 59)) == "19.10.2012 13:05" and format_moment(None) == ""
    assert format_moment(dt.datetime(2012, 10, 19, 21, 30)) == "20.10.2012 01:30"
    assert format_decimal(Decimal("4.254")) == "4,25" and format_decimal(Decimal("75.6"), 1) == "75,6"
    assert format_decimal(Decimal("66.7"), None) == "66,7" and format_decimal(Decimal("3.67"), None) == "3,67"
    assert format_average(Decimal("3.67")) == "3,67"
    assert format_average(None) == "" and format_average(None, missing="—") == "—"


def test_weights_and_hours_are_shown_without_a_trailing_zero():
    assert format_decimal(Decimal("1.0"), 1, trim=True) == "1" and format_decimal(Decimal("1.5"), 1, trim=True) == "1,5"
    assert format_decimal(Decimal("2"), 1, trim=True) == "2" and format_decimal(Decimal("10.0"), 1, trim=True) == "10"
    assert format_decimal(Decimal("1.50"), None, trim=True) == "1,5" and format_decimal(None, 1, trim=True) == ""


def test_numbers_are_typed_with_a_comma_or_a_point_and_spaces_between_thousands():
    assert parse_decimal("4,25") == parse_decimal(" 4.25 ") == Decimal("4.25")
    assert parse_decimal("1 250") == parse_decimal("1\xa0250") == Decimal("1250")
    assert parse_decimal(12.0) == Decimal("12.0")  # a spreadsheet's number cell
    assert parse_decimal("") is None and parse_decimal(None) is None and parse_decimal("  ") is None


@pytest.mark.parametrize("typed", ["четыре", "4,2,5", "NaN", "Infinity", "-inf", "75%"])
def test_anything_else_is_not_a_number(typed):
    with pytest.raises(NotANumber):
        parse_decimal(typed)


def test_a_moment_is_typed_in_iso_or_russian_form():
    evening = dt.datetime(2012, 10, 19, 18, 0)
    assert parse_moment("2012-10-19T18:00") == parse_moment("19.10.2012 18:00") == evening
    assert parse_moment("2012-10-19 18:00:00") == parse_moment("19.10.2012 18:00:00") == evening
    assert parse_moment("19.10.2012") == parse_moment("2012-10-19") == dt.datetime(2012, 10, 19)
    assert parse_moment("") is None and parse_moment(None) is None


@pytest.mark.parametrize("typed", ["вчера", "19.10.2012 25:00", "1899-12-31T23:00", "2101-01-01 00:00"])
def test_anything_else_is_not_a_moment(typed):
    with pytest.raises(NotADate):
        parse_moment(typed)


def test_percentages_are_shown_one_way():
    assert format_percent(Decimal("66.7")) == "66,7" and format_percent(Decimal("75")) == "75,0"
    assert format_percent(Decimal("66.7"), sign=True) == "66,7%"
    assert format_percent(None) == "—" and format_percent(None, missing="") == ""


def test_percent_rounds_half_up_to_a_tenth():
    assert percent(2, 3) == Decimal("66.7") and percent(1, 8) == Decimal("12.5")  # 12,5 exactly
    assert percent(1, 16) == Decimal("6.3")  # 6,25 → 6,3
    assert percent(0, 5) == Decimal("0.0") and percent(3, 0) is None


def test_names_with_numbers_sort_by_their_value():
    schools = ["СОШ № 10", "сош № 2", "СОШ № 1", "Гимназия № 3", "СОШ № 12"]
    assert sorted(schools, key=natural_key) == ["Гимназия № 3", "СОШ № 1", "сош № 2", "СОШ № 10", "СОШ № 12"]
    assert sorted(["Ёлкина", "Егорова", "Жукова"], key=natural_key) == ["Егорова", "Ёлкина", "Жукова"]
