"""The demo parent's diary on a phone (360×740) in the system Chromium: the demo week's marks and
homework, no horizontal scrolling, the second child one tap away, another family's child 404.
With GUIDE_SCREENSHOTS=1 it takes the parent guide's pictures (docs/img/parent-*.png)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_parent_reads_the_demo_week_on_a_phone(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "parent")
    response = page.goto(f"{live_server.url}/diary/")
    assert response.status == 200
    # The demo journal is filled up to Friday 19.10.2012: the diary opens on that week.
    assert "15 октября — 20 октября 2012" in page.locator(".diary-range").inner_text()
    assert page.locator(".diary-mark").count() > 0, "the demo teacher's marks"
    assert page.locator(".diary-homework").count() > 0, "the demo week's homework"
    assert page.locator(".diary-day").count() == 6
    assert no_horizontal_scroll(page)
    page.evaluate("() => window.scrollTo(0, 0)")  # it opens scrolled to today's card; the week from its top
    guide_shot(page, "parent-1-week")
    # Opening the diary is counted: the monitoring's "parents use the diary" comes from here.
    assert db_scalar(live_server, "SELECT count(*) FROM diary_visit") > 0

    # Print: no menu, no navigation; the six days stay.
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator(".diary-jump").is_visible()
    assert page.locator(".diary-day").first.is_visible()
    page.emulate_media(media="screen")

    # Jump to a date: the week of 10.09.2012, then back with «previous week».
    page.locator(".diary-jump summary").click()
    page.fill("#diary-date", "12.09.2012")
    page.keyboard.press("Escape")  # the calendar closes; the typed date stays
    guide_shot(page, "parent-2-jump")
    page.locator(".diary-jump button[type=submit]").click()
    page.wait_for_load_state()
    assert "10 сентября — 15 сентября 2012" in page.locator(".diary-range").inner_text()
    page.locator("a[rel=prev]").click()
    page.wait_for_load_state()
    assert "3 сентября — 8 сентября 2012" in page.locator(".diary-range").inner_text()
    assert no_horizontal_scroll(page)

    # The second child, one tap away; the progress page fits the phone as well.
    first = page.url
    children = page.locator(".diary-children a")
    assert children.count() == 2
    children.nth(1).click()
    page.wait_for_load_state()
    assert page.url != first and page.locator(".diary-who").inner_text() != ""
    page.locator(".diary-tabs a", has_text="Успеваемость").click()
    page.wait_for_load_state()
    assert page.locator(".diary-subject-card").count() > 0 and "Средний балл" in page.content()
    guide_shot(page, "parent-3-progress")
    assert no_horizontal_scroll(page)


def test_diary_pages_are_accessible(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "parent")
    for path in ("/diary/", "/diary/progress/"):
        page.goto(f"{live_server.url}{path}")
        violations = axe_violations(page)
        assert violations == [], (path, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])


def test_parent_cannot_reach_another_familys_child(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "parent")
    own = page.evaluate("async () => (await (await fetch('/api/v1/diary/children')).json()).result.map(c => c.id)")
    assert len(own) == 2
    stranger = next(pid for pid in range(1, 200) if pid not in own)
    assert page.goto(f"{live_server.url}/diary/{stranger}/").status == 404
    assert page.goto(f"{live_server.url}/diary/{stranger}/progress/").status == 404
    assert page.goto(f"{live_server.url}/api/v1/diary/{stranger}/week").status == 404
    assert "Такой страницы нет или у вас нет к ней доступа" in (
        page.goto(f"{live_server.url}/diary/{stranger}/") and page.content())
