"""Graded deadlines: a municipality's light by the share of its schools done, at each threshold's
boundary, the worst first, the usage share judged by September's figures, the thresholds kept as
data with their history. Every expected value is worked out by hand from the small worlds below."""
import datetime as dt
from decimal import Decimal

import pytest

from app.errors import DomainError
from app.rollout.deadlines import deadline_table
from app.rollout.labels import grade_text, legend_lines
from app.rollout.status import GREEN, GREY, RED, YELLOW
from app.security import roles as R
from app.rollout.thresholds import (
    LightThresholds, change_light_thresholds, current_light_thresholds, light_threshold_history,
)
from tests.factories import make_municipality, make_school, make_user
from tests.rollout_helpers import (
    PLAN_DUE, READINESS_DUE, USAGE_DUE, make_campaign, make_plan, make_readiness, make_snapshot,
)

D = dt.date
DAY = dt.timedelta(days=1)
AFTER_READINESS = READINESS_DUE + DAY        # 02.08.2012: the plan's and the schools' deadlines have passed
SEPTEMBER, OCTOBER = D(2012, 9, 1), D(2012, 10, 1)
MOMENT = dt.datetime(2012, 10, 19, 9, 30)


# --- the rule on numbers ------------------------------------------------------------------

@pytest.mark.parametrize("done, total, light", [
    (20, 20, GREEN),
    (19, 20, GREEN),     # exactly 95 %
    (949, 1000, YELLOW),  # 94,9 %
    (18, 20, YELLOW),
    (15, 20, YELLOW),    # exactly 75 %
    (749, 1000, RED),    # 74,9 %
    (14, 20, RED),
    (0, 1, RED),         # a municipality's own milestone not done
    (1, 1, GREEN),
])
def test_default_thresholds_at_their_boundaries(done, total, light):
    assert LightThresholds().light(done, total) == light


def test_edited_thresholds_move_the_boundaries():
    t = LightThresholds(Decimal("90"), Decimal("60"))
    assert [t.light(n, 10) for n in (10, 9, 8, 6, 5)] == [GREEN, GREEN, YELLOW, YELLOW, RED]


# --- a municipality of twenty schools -------------------------------------------------------

def _municipality(session, campaign, name, *, done=20, late=0, plan=True, schools=20):
    """`schools` schools; the first `done` ready on time (20.07.2012), of them the last `late` a week
    late (08.08.2012); the rest have no readiness at all. With `plan`, the plan and the responsible
    person are on time."""
    m = make_municipality(session, name)
    for n in range(1, schools + 1):
        school = make_school(session, m, f"СОШ № {n}")
        if n <= done:
            make_readiness(session, campaign, school, on=D(2012, 8, 8) if n > done - late else D(2012, 7, 20))
    if plan:
        make_plan(session, campaign, m, approved_on=PLAN_DUE, appointed_on=PLAN_DUE, targets=[(USAGE_DUE, "75")])
    return m


def _row(table, name):
    return next(r for r in table.rows if r.name == name)


@pytest.mark.parametrize("done, light", [(20, GREEN), (19, GREEN), (18, YELLOW), (15, YELLOW), (14, RED)])
def test_municipality_light_by_the_share_of_schools_done(session, done, light):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Истринский район", done=done)
    row = deadline_table(session, campaign, AFTER_READINESS).rows[0]
    assert row.light == light
    cell = row.cells["hardware_ready"]
    assert (cell.on_time, cell.late, cell.overdue, cell.not_due) == (done, 0, 20 - done, 0)
    assert cell.done_share == Decimal(done * 5)
    assert cell.light == light and cell.days_overdue == (1 if done < 20 else None)


def test_schools_done_late_count_as_done(session):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Истринский район", done=19, late=4)
    row = deadline_table(session, campaign, D(2012, 8, 10)).rows[0]
    cell = row.cells["staff_trained"]
    assert (cell.on_time, cell.late, cell.overdue) == (15, 4, 1)
    assert row.light == GREEN
    assert grade_text(cell) == "из 20 школ: в срок — 15, с опозданием — 4, просрочено — 1 (на 9 дн.)"


def test_a_deadline_that_has_not_passed_is_grey(session):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Истринский район", done=5)
    on_the_day = deadline_table(session, campaign, READINESS_DUE).rows[0]
    assert on_the_day.cells["hardware_ready"].light == GREY
    assert on_the_day.light == GREEN  # only the plan's deadline has passed, and the plan is done
    assert grade_text(on_the_day.cells["hardware_ready"]) == "из 20 школ: в срок — 5, ещё не выполнили — 15"
    before_all = deadline_table(session, campaign, PLAN_DUE).rows[0]
    assert before_all.light == GREY


def test_one_missing_plan_is_red_whatever_the_schools(session):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Истринский район", plan=False)
    row = deadline_table(session, campaign, AFTER_READINESS).rows[0]
    assert row.light == RED
    assert row.cells["hardware_ready"].light == GREEN
    assert grade_text(row.cells["plan_approved"]) == "просрочено на 32 дн."


def test_a_municipality_without_schools_is_judged_by_its_own_milestones(session):
    campaign = make_campaign(session)
    m = make_municipality(session, "Район без школ")
    make_plan(session, campaign, m, approved_on=PLAN_DUE + 3 * DAY, appointed_on=PLAN_DUE,
              targets=[(USAGE_DUE, "75")])
    row = deadline_table(session, campaign, AFTER_READINESS).rows[0]
    assert row.cells["hardware_ready"].light is None and row.cells["hardware_ready"].status is None
    assert grade_text(row.cells["hardware_ready"]) == "нет школ"
    assert grade_text(row.cells["plan_approved"]) == "выполнено с опозданием на 3 дн., 04.07.2012"
    assert row.light == GREEN


def test_rows_come_worst_first(session):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Апрелевский район", done=20, schools=4)                 # green
    _municipality(session, campaign, "Борский район", done=18)                                # yellow, 90 %
    _municipality(session, campaign, "Вязский район", done=16)                                # yellow, 80 %
    _municipality(session, campaign, "Гжельский район", done=14)                              # red, 70 %
    _municipality(session, campaign, "Дмитровский район", done=20, schools=4, plan=False)     # red, 0 %
    table = deadline_table(session, campaign, AFTER_READINESS)
    assert [(r.name, r.light) for r in table.rows] == [
        ("Дмитровский район", RED), ("Гжельский район", RED), ("Вязский район", YELLOW),
        ("Борский район", YELLOW), ("Апрелевский район", GREEN)]
    assert table.lights == {RED: 2, YELLOW: 2, GREEN: 1, GREY: 0}
    by_name = deadline_table(session, campaign, AFTER_READINESS, sort="name")
    assert [r.name[0] for r in by_name.rows] == ["А", "Б", "В", "Г", "Д"]


def test_the_thresholds_kept_as_data_change_the_light(app, session):
    campaign = make_campaign(session)
    _municipality(session, campaign, "Истринский район", done=18)
    assert deadline_table(session, campaign, AFTER_READINESS).rows[0].light == YELLOW
    monitor = make_user(session, app.appbuilder.sm, "monitor2", R.MONITORING)
    change_light_thresholds(session, green_share="90", yellow_share="60", user_id=monitor.id, now=MOMENT)
    table = deadline_table(session, campaign, AFTER_READINESS)
    assert table.rows[0].light == GREEN
    assert "не менее 90 % школ" in legend_lines(table)[1] and "меньше 60 % школ" in legend_lines(table)[1]


# --- the usage share (p.4.3) is judged by September's figures --------------------------------------

def test_usage_share_judged_by_september_figures(session):
    campaign = make_campaign(session)
    m = make_municipality(session, "Истринский район")
    schools = [make_school(session, m, f"СОШ № {n}") for n in range(1, 5)]
    make_plan(session, campaign, m, approved_on=PLAN_DUE, appointed_on=PLAN_DUE, targets=[(USAGE_DUE, "75")])
    for school in schools:                                   # June: all four use it — says nothing about p.4.3
        make_snapshot(session, school, D(2012, 6, 1))
    for school, uses in zip(schools, (True, True, False, False)):
        make_snapshot(session, school, SEPTEMBER, uses=uses)  # September: 2 of 4, 50 %
    cell = deadline_table(session, campaign, D(2012, 9, 20)).rows[0].cells["usage_share"]
    assert (cell.overdue, cell.days_overdue, cell.using, cell.using_share, cell.light) == (1, 19, 2, Decimal("50.0"), RED)
    assert grade_text(cell) == "просрочено на 19 дн. (сентябрь 2012: используют 2 из 4 школ)"
    for school, uses in zip(schools, (True, True, True, False)):
        make_snapshot(session, school, OCTOBER, uses=uses)    # October: 3 of 4, the target reached late
    cell = deadline_table(session, campaign, D(2012, 10, 19)).rows[0].cells["usage_share"]
    assert (cell.late, cell.done_on, cell.light) == (1, OCTOBER, GREEN)
    assert grade_text(cell) == ("выполнено с опозданием: цель достигнута в октябре 2012 "
                                "(сентябрь 2012: используют 2 из 4 школ)")


def test_usage_share_on_time_and_without_figures(session):
    campaign = make_campaign(session)
    m = make_municipality(session, "Истринский район")
    schools = [make_school(session, m, f"СОШ № {n}") for n in range(1, 5)]
    quiet = make_municipality(session, "Тихий район")
    make_school(session, quiet, "СОШ № 1")
    for school, uses in zip(schools, (True, True, True, False)):
        make_snapshot(session, school, SEPTEMBER, uses=uses)  # 3 of 4: exactly 75 %
    table = deadline_table(session, campaign, D(2012, 10, 19), sort="name")
    on_time = table.rows[0].cells["usage_share"]
    assert (on_time.on_time, on_time.using_share) == (1, Decimal("75.0"))
    assert grade_text(on_time) == "выполнено в срок (сентябрь 2012: используют 3 из 4 школ)"
    assert grade_text(table.rows[1].cells["usage_share"]) == "просрочено на 48 дн. (сентябрь 2012: нет данных)"
    assert "по показателям за сентябрь 2012" in legend_lines(table)[3]


# --- the thresholds as data ---------------------------------------------------------------

def test_thresholds_default_then_the_latest_change_with_its_history(app, session):
    assert current_light_thresholds(session) == LightThresholds()
    monitor = make_user(session, app.appbuilder.sm, "monitor2", R.MONITORING)
    change_light_thresholds(session, green_share="90", yellow_share="70,5", user_id=monitor.id, now=MOMENT)
    change_light_thresholds(session, green_share=" 92,5 ", yellow_share="75", user_id=None, now=MOMENT + DAY)
    current = current_light_thresholds(session)
    assert (current.green_share, current.yellow_share, current.changed_at) == (
        Decimal("92.50"), Decimal("75.00"), MOMENT + DAY)
    history = light_threshold_history(session)
    assert [(h.green_share, h.yellow_share) for h in history] == [
        (Decimal("92.50"), Decimal("75.00")), (Decimal("90.00"), Decimal("70.50"))]
    assert history[1].changed_by_id == monitor.id


@pytest.mark.parametrize("green, yellow, message", [
    ("120", "75", "Зелёный: введите число от 0 до 100."),
    ("девяносто", "75", "Зелёный: введите число от 0 до 100."),
    ("95", "", "Жёлтый: введите число от 0 до 100."),
    ("80", "85", "Порог жёлтого (85 %) не может быть выше порога зелёного (80 %)."),
])
def test_wrong_thresholds_are_refused_and_change_nothing(session, green, yellow, message):
    with pytest.raises(DomainError) as refused:
        change_light_thresholds(session, green_share=green, yellow_share=yellow, user_id=None, now=MOMENT)
    assert refused.value.message == message
    assert light_threshold_history(session) == []
