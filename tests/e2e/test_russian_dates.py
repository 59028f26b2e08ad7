"""Dates in a browser whose language is English: the calendar beside a date input opens in Russian
(October 2012 reads «октябрь 2012», the week starts on Monday, «пн»), a picked day is written as
дд.мм.гггг, a date typed as 14.08.2001 stays as typed (FAB's calendar rewrote it as «29-04-03»)
and both are saved; a month chooser offers the months by their Russian names and fills «сентябрь
2012»."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, db_scalar, sign_in

pytestmark = pytest.mark.e2e

SECRETARY_PUPIL = """SELECT p.id FROM pupil p JOIN user_scope s ON s.school_id = p.school_id
                     JOIN ab_user u ON u.id = s.user_id WHERE u.username = 'secretary' AND p.user_id IS NULL
                     ORDER BY p.id LIMIT 1"""
CALENDAR = ".datepicker-dropdown"


@pytest.fixture
def browser_context_args(browser_context_args):
    """An English browser: whatever it would show, the page's calendar and dates are Russian."""
    return {**browser_context_args, "locale": "en-US"}


def test_the_calendar_opens_in_russian_and_fills_the_date_the_russian_way(guarded_page, live_server):
    page, url = guarded_page, live_server.url
    assert page.evaluate("navigator.language") == "en-US"
    pupil_id = db_scalar(live_server, SECRETARY_PUPIL)
    sign_in(page, live_server, "secretary")
    page.goto(f"{url}/pupilview/edit/{pupil_id}")
    assert axe_violations(page) == []

    # An empty date opens the calendar on the app's today, 19.10.2012, in Russian.
    page.fill("#enrolled_on", "")
    page.click("#enrolled_on")
    calendar = page.locator(CALENDAR)
    calendar.wait_for(state="visible")
    assert calendar.locator(".datepicker-days th.datepicker-switch").inner_text().lower() == "октябрь 2012"
    assert calendar.locator(".datepicker-days th.dow").all_inner_texts() == ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    calendar.locator(".datepicker-days td.day:not(.old):not(.new)", has_text="23").first.click()
    assert page.input_value("#enrolled_on") == "23.10.2012"
    calendar.wait_for(state="hidden")

    # A typed date stays as typed when the input is left.
    page.fill("#birth_date", "")
    page.type("#birth_date", "14.08.2001")
    page.keyboard.press("Tab")
    assert page.input_value("#birth_date") == "14.08.2001"

    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить").click()
    assert "/edit/" not in page.url
    assert str(db_scalar(live_server, "SELECT enrolled_on FROM pupil WHERE id = :id", id=pupil_id)) == "2012-10-23"
    assert str(db_scalar(live_server, "SELECT birth_date FROM pupil WHERE id = :id", id=pupil_id)) == "2001-08-14"
    page.goto(f"{url}/pupilview/show/{pupil_id}")
    shown = page.locator("main").inner_text()
    assert "23.10.2012" in shown and "14.08.2001" in shown and "2012-10-23" not in shown


def test_the_month_chooser_names_the_months_in_russian(guarded_page, live_server):
    page, url = guarded_page, live_server.url
    sign_in(page, live_server, "director")
    page.goto(f"{url}/completion/")
    page.fill("#month-pick", "")
    page.click("#month-pick")
    calendar = page.locator(CALENDAR)
    calendar.wait_for(state="visible")
    months = calendar.locator(".datepicker-months span.month").all_inner_texts()
    assert [month.lower() for month in months] == ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен",
                                                    "окт", "ноя", "дек"]
    calendar.locator(".datepicker-months span.month", has_text="сен").click()
    assert page.input_value("#month-pick") == "сентябрь 2012"
    page.check("#period-month")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**period=month**")
    assert page.input_value("#month-pick") == "сентябрь 2012"
    assert "сентябрь 2012" in page.locator("main").inner_text().lower()
