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
    format_month,
    format_percent,
    format_region_moment,
    format_share,
    natural_key,
    natural_text,
    parse_date,
    parse_decimal,
    parse_moment,
    parse_month,
    percent,
    shown,
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


def test_names_sort_the_same_way_in_sql_as_in_python():
    names = ["СОШ № 10", "Каб. 110", "сош № 2", "Гимназия № 3", "Каб. 9", "СОШ № 1", "Ёлочка", "Елена"]
    assert sorted(names, key=natural_text) == sorted(names, key=natural_key) == [
        "Гимназия № 3", "Елена", "Ёлочка", "Каб. 9", "Каб. 110", "СОШ № 1", "сош № 2", "СОШ № 10"]
    assert natural_text("СОШ № 2") == "сош № 0000000002" and natural_text(None) is None


def test_a_month_is_named_and_typed_in_russian():
    october = dt.date(2012, 10, 1)
    assert format_month(dt.date(2012, 10, 19)) == "октябрь 2012" and format_month(None) == ""
    typed = ["октябрь 2012", "Октябрь 2012", "октября 2012", "окт 2012", "10.2012", "2012-10", "23.10.2012",
             "2012-10-23", "  октябрь   2012 "]
    assert {text: parse_month(text) for text in typed} == {text: october for text in typed}
    assert parse_month("1.2013") == dt.date(2013, 1, 1) and parse_month("май 2013") == dt.date(2013, 5, 1)
    assert parse_month("") is None and parse_month(None) is None


@pytest.mark.parametrize("typed", ["13.2012", "2012-13", "брюмер 2012", "октябрь", "2012", "00.2012", "октябрь 1899"])
def test_anything_else_is_not_a_month(typed):
    with pytest.raises(NotADate):
        parse_month(typed)


def test_a_page_prints_dates_moments_and_numbers_the_russian_way():
    assert shown(dt.date(2001, 8, 14)) == "14.08.2001"
    assert shown(dt.datetime(2012, 8, 27, 9, 0)) == "27.08.2012 09:00"  # kept in the region's time
    assert shown(Decimal("1.0")) == "1" and shown(Decimal("4.50")) == "4,5" and shown(Decimal("75.00")) == "75"
    assert shown(0.25) == "0,25"
    assert shown("2012-10-19") is None and shown(5) is None and shown(None) is None  # printed as they are


def test_a_planned_share_reads_as_it_was_meant():
    assert format_share(Decimal("90.50")) == "90,5%" and format_share(Decimal("75.00")) == "75%"
    assert format_share(None) == "" and format_share(None, missing="—") == "—"


def test_a_moment_of_the_region_is_shown_as_it_is_kept():
    assert format_region_moment(dt.datetime(2012, 10, 19, 13, 30, 59)) == "19.10.2012 13:30"
    assert format_region_moment(None) == ""
