"""The report's conclusions (app.monitoring.report.conclusions) from region totals written by hand."""
import datetime as dt
from decimal import Decimal as D

import pytest

from app.monitoring.adoption import MunicipalityShare, RegionTotals
from app.monitoring.report import conclusions
from app.monitoring.thresholds import Threshold

OCTOBER = dt.date(2012, 10, 1)
TARGET = D("75.0")
RULE = ("Школа считается использующей систему, если заполнено не менее 80,0% уроков "
        "и активны не менее 50,0% учителей.")
NO_DATA_IN = ("Школа без данных за месяц (другая система журнала без загруженных показателей или нет уроков в "
              "журнале) показана как «нет данных» и считается не использующей систему: она входит в знаменатель "
              "доли.")
NO_DATA_OUT = ("Школа без данных за месяц (другая система журнала без загруженных показателей или нет уроков в "
               "журнале) показана как «нет данных» и не входит в знаменатель доли: доля считается по школам с "
               "данными.")


def municipality(name, total, using, *, with_data=None, plan=None):
    share = None if total == 0 else (D(using) * 100 / D(total)).quantize(D("0.1"))
    with_data = total if with_data is None else with_data
    return MunicipalityShare(0, name, total, using, share, TARGET, plan_share=plan, with_data=with_data,
                             no_data=total - with_data)


def totals(rows, *, share, previous=None, meeting=0, snapshots=None, reasons=None, today=None, rule=True):
    total = sum(r.schools_total for r in rows)
    using = sum(r.schools_using for r in rows)
    return RegionTotals(OCTOBER, TARGET, total, using, share, 0, previous, len(rows), meeting,
                        sum(r.with_data for r in rows) if snapshots is None else snapshots, rows,
                        no_data=sum(r.no_data for r in rows), no_data_reasons=reasons or {},
                        no_data_in_denominator=rule, today=today)


def test_a_region_below_target_names_the_laggards_the_plans_missed_and_the_empty_municipalities():
    rows = [municipality("Альфинский район", 4, 3),                          # 75,0 %: meets the target
            municipality("Бетинский район", 4, 1, with_data=3, plan=D("50.0")),  # 25,0 %, plan missed
            municipality("Гаммский район", 2, 0, with_data=0)]                 # no figures at all
    reasons = {"vendor": 2, "no_lessons": 1}
    assert conclusions(totals(rows, share=D("40.0"), previous=D("30.0"), meeting=1, reasons=reasons),
                       Threshold()) == [
        "В октябре 2012 систему используют 4 из 10 общеобразовательных школ области (40,0%).",
        "Целевую долю 75,0% достигли 1 из 3 муниципальных образований.",
        "Доля по области ниже целевой на 35,0 п.п.",
        "По сравнению с предыдущим месяцем доля выросла на 10,0 п.п.",
        "Наименьшая доля среди не достигших цели: Бетинский район (25,0%).",
        "Не выполняют собственный план внедрения: Бетинский район.",
        "Нет данных за месяц у школ: 3 (другая система журнала, показатели не загружены — 2; "
        "нет уроков в журнале за месяц — 1).",
        "Нет показателей ни по одной школе в муниципальных образованиях: 1.",
        RULE,
        NO_DATA_IN,
    ]


def test_without_the_schools_lacking_data_in_the_denominator_the_first_line_says_of_how_many():
    rows = [municipality("Альфинский район", 4, 3), municipality("Бетинский район", 4, 1, with_data=2)]
    lines = conclusions(totals(rows, share=D("66.7"), reasons={"no_lessons": 2}, rule=False),
                        Threshold(no_data_in_denominator=False))
    assert lines[0] == ("В октябре 2012 систему используют 4 из 6 общеобразовательных школ области с данными "
                        "(66,7%); без данных — 2 из 8.")
    assert lines[-1] == NO_DATA_OUT


def test_a_month_in_progress_says_so_and_draws_no_trend():
    rows = [municipality("Альфинский район", 4, 3)]
    lines = conclusions(totals(rows, share=D("75.0"), previous=D("50.0"), meeting=1, today=dt.date(2012, 10, 19)),
                        Threshold())
    assert lines[0] == ("В октябре 2012 (неполный месяц: по 19.10.2012) систему используют 3 из 4 "
                        "общеобразовательных школ области (75,0%).")
    assert lines[3] == "Месяц не завершён: изменение к предыдущему месяцу не рассчитывается."
    assert not any("выросла" in line for line in lines)


@pytest.mark.parametrize("previous,sentence", [
    (None, "Данных за предыдущий месяц нет: изменение не рассчитано."),
    (D("80.0"), "По сравнению с предыдущим месяцем доля не изменилась."),
    (D("82.5"), "По сравнению с предыдущим месяцем доля снизилась на 2,5 п.п."),
])
def test_a_region_above_target_says_by_how_much_and_how_the_share_moved(previous, sentence):
    rows = [municipality("Альфинский район", 5, 4), municipality("Бетинский район", 5, 4)]
    assert conclusions(totals(rows, share=D("80.0"), previous=previous, meeting=2), Threshold()) == [
        "В октябре 2012 систему используют 8 из 10 общеобразовательных школ области (80,0%).",
        "Целевую долю 75,0% достигли 2 из 2 муниципальных образований.",
        "Доля по области выше целевой на 5,0 п.п.",
        sentence,
        RULE,
        NO_DATA_IN,
    ]


def test_at_the_target_exactly_the_gap_is_zero_above():
    rows = [municipality("Альфинский район", 4, 3)]
    assert conclusions(totals(rows, share=D("75.0"), previous=D("75.0"), meeting=1), Threshold())[2] == \
        "Доля по области выше целевой на 0,0 п.п."


def test_long_lists_name_five_and_count_the_rest_and_schools_without_figures_are_counted():
    # seven municipalities under target and under their plan; two schools without figures
    rows = [municipality(name, 10, using, with_data=10 - (name == "Ж-ский район") * 2, plan=D("90.0"))
            for name, using in (("Ж-ский район", 1), ("Е-ский район", 2), ("Д-ский район", 2), ("Г-ский район", 3),
                                ("В-ский район", 4), ("Б-ский район", 5), ("А-ский район", 6))]
    lines = conclusions(totals(rows, share=D("32.9"), previous=D("32.9"), reasons={"not_computed": 2}),
                        Threshold(D("70.0"), D("40.0")))
    assert lines[4:] == [
        "Наименьшая доля среди не достигших цели: Ж-ский район (10,0%), Д-ский район (20,0%), "
        "Е-ский район (20,0%), Г-ский район (30,0%), В-ский район (40,0%) и ещё 2.",
        "Не выполняют собственный план внедрения: Ж-ский район, Е-ский район, Д-ский район, Г-ский район, "
        "В-ский район и ещё 2.",
        "Нет данных за месяц у школ: 2 (уроки есть, месяц не рассчитан — 2).",
        "Школа считается использующей систему, если заполнено не менее 70,0% уроков "
        "и активны не менее 40,0% учителей.",
        NO_DATA_IN,
    ]


def test_a_region_without_shares_says_neither_gap_nor_change():
    rows = [municipality("Альфинский район", 0, 0, with_data=0)]
    assert conclusions(totals(rows, share=None, previous=D("10.0"), snapshots=1), Threshold()) == [
        "В октябре 2012 систему используют 0 из 0 общеобразовательных школ области (—).",
        "Целевую долю 75,0% достигли 0 из 1 муниципальных образований.",
        "Данных за предыдущий месяц нет: изменение не рассчитано.",
        RULE,
        NO_DATA_IN,
    ]


def test_a_month_without_snapshots_says_how_to_get_them():
    rows = [municipality("Альфинский район", 4, 0, with_data=0)]
    assert conclusions(totals(rows, share=D("0.0"), snapshots=0), Threshold()) == [
        "За октябрь 2012 нет данных мониторинга: показатели школ не рассчитаны и не загружены. "
        "Рассчитайте месяц (кнопка «Рассчитать» или команда monitoring compute) и загрузите "
        "показатели школ, работающих в других системах, затем сформируйте справку заново.",
    ]
