"""Grading rules with hand-checked numbers."""
import datetime as dt
from decimal import Decimal as D

import pytest

from app import formats
from app.journal import grading
from app.journal.reports import MarkCounts


def test_weighted_average_weights_each_mark_by_its_work_type():
    # 5 (answer, 1.0) and 3 (test, 2.0): (5 + 6) / 3 = 3.666… -> 3.67
    assert grading.weighted_average([(5, D("1.0")), (3, D("2.0"))]) == D("3.67")


def test_weighted_average_rounds_half_up_to_two_places():
    # (4·1 + 5·1.5 + 3·1.5) / 4 = 16 / 4 = 4.00; (5 + 4 + 4) / 3 = 4.333… -> 4.33; 4.125 -> 4.13
    assert grading.weighted_average([(4, 1), (5, D("1.5")), (3, D("1.5"))]) == D("4.00")
    assert grading.weighted_average([(5, 1), (4, 1), (4, 1)]) == D("4.33")
    assert grading.weighted_average([(5, 1), (4, 1), (4, 1), (3, D("1")), (5, 1), (4, 1), (4, 1), (4, 1)]) == D("4.13")


def test_weighted_average_of_nothing_is_none():
    assert grading.weighted_average([]) is None


@pytest.mark.parametrize("average, mark", [
    (D("3.49"), 3), (D("3.50"), 4), (D("3.495"), 4), (D("4.99"), 5), (D("2.00"), 2), (D("1.80"), 2), (D("5.00"), 5),
])
def test_round_mark_rounds_up_from_half(average, mark):
    assert grading.round_mark(average) == mark


def test_stricter_school_threshold_keeps_three_and_a_half_down():
    assert grading.round_mark(D("3.50"), round_up_from=D("0.60")) == 3
    assert grading.round_mark(D("3.60"), round_up_from=D("0.60")) == 4


def test_period_mark_proposal_is_text_and_none_without_marks():
    assert grading.propose_period_mark(D("4.50")) == "5"
    assert grading.propose_period_mark(None) is None


@pytest.mark.parametrize("periods, year", [
    (["4", "4", "5", "5"], "5"),      # 4.50 -> 5
    (["3", "4", "4", "4"], "4"),      # 3.75 -> 4
    (["3", "3", "4", "3"], "3"),      # 3.25 -> 3
    (["4", "осв.", "5", "4"], "4"),   # 4.33 -> 4, the exempt period left out
    (["н/а", "н/а"], "н/а"),
    (["зач.", "зач."], "зач."),
    (["зач.", "незач."], "незач."),
    (["осв.", "осв."], "осв."),
    ([], None),
])
def test_year_mark_from_period_marks(periods, year):
    assert grading.propose_year_mark(periods) == year


@pytest.mark.parametrize("hours, needed", [(D("0.5"), 3), (1, 3), (2, 5), (D("1.5"), 5), (3, 7), (5, 7)])
def test_required_marks_grow_with_hours(hours, needed):
    assert grading.required_marks(hours) == needed


def test_shortage_warning_starts_two_weeks_before_period_end():
    end = dt.date(2012, 10, 27)
    assert not grading.shortage_warning_due(end, dt.date(2012, 10, 12))
    assert grading.shortage_warning_due(end, dt.date(2012, 10, 13))
    assert grading.has_shortage(2, 1) and not grading.has_shortage(3, 1)
    assert not grading.has_shortage(0, 1, exempt=True)


def test_class_report_formulas_on_hand_counted_marks():
    counts = MarkCounts()
    for value in ["5", "5", "4", "4", "4", "3", "2", "н/а", "осв."]:
        counts.add(value)
    # N = 8 (осв. not counted); passing 6 -> 75.0 %; quality 5 -> 62.5 %
    assert counts.assessed == 8
    assert counts.success == D("75.0")
    assert counts.quality == D("62.5")
    # СОУ = (2·100 + 3·64 + 36 + 16 + 7) / 8 = 451 / 8 = 56.375 -> 56.4
    assert counts.sou == D("56.4")
    # average of numeric marks: (10 + 12 + 3 + 2) / 7 = 3.857… -> 3.86
    assert counts.average == D("3.86")


def test_format_average_uses_decimal_comma():
    assert formats.format_average(D("4.5")) == "4,50"
    assert formats.format_average(None) == ""
