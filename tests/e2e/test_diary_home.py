"""The demo parent on a phone (360×740): right after login, today's lessons of a child; the other
child one tap away; a header that neither wraps nor clips. With GUIDE_SCREENSHOTS=1 it takes the
parent guide's picture of the home page (docs/img/parent-1-today.png)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}

# Boxes of the header's parts and whether any text in it is cut (scrollWidth beyond the box).
HEADER = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top,
                                                                     bottom: r.bottom, height: r.height}; };
  const brand = document.querySelector('.navbar-brand');
  const shown = [...brand.querySelectorAll('span')].filter((s) => s.getClientRects().length);
  return {header: box(document.querySelector('header.top')), brand: box(brand),
          text: shown.map((s) => s.textContent.trim()), lines: shown.map((s) => s.getClientRects().length),
          toggle: box(document.querySelector('.navbar-toggle')),
          clipped: brand.scrollWidth > brand.clientWidth + 1, width: window.innerWidth,
          pageWide: document.documentElement.scrollWidth > window.innerWidth};
}"""


def visits(server) -> int:
    """Diary visits counted on the demo date (the demo's own history included)."""
    return db_scalar(server, "SELECT coalesce(sum(visits), 0) FROM diary_visit WHERE day = '2012-10-19'")


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                                       return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }""", selector)


def test_parent_lands_on_todays_diary_and_switches_child_in_one_tap(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size(PHONE)
    before = visits(live_server)
    sign_in(page, live_server, "parent")
    assert page.url == f"{live_server.url}/"
    # The demo date is Friday 19.10.2012: its card is the landing one, scrolled into view.
    landing = page.locator(".diary-day.is-landing")
    assert landing.count() == 1
    assert "Пятница, 19 октября" in landing.locator(".diary-date").inner_text()
    assert "сегодня" in landing.inner_text()
    assert landing.locator(".diary-lesson").count() > 0
    assert in_viewport(page, ".diary-day.is-landing")
    assert page.evaluate("() => window.scrollY") > 0, "Friday's card is further down than one screen"
    guide_shot(page, "parent-1-today")
    # The landing is one visit of the first child's diary.
    assert visits(live_server) == before + 1

    # The header fits: the short title on one line, not cut, left of the menu button.
    header = page.evaluate(HEADER)
    assert header["text"] == ["Электронный журнал"]
    assert header["lines"] == [1] and not header["clipped"], header
    assert header["brand"]["right"] <= header["toggle"]["left"], header
    assert header["header"]["height"] <= 60, header
    assert not header["pageWide"]
    assert axe_violations(page) == []

    # The other child is one tap away from where the page stands: the switch stays in view.
    first = page.locator(".diary-who").inner_text()
    children = page.locator(".diary-children a")
    assert children.count() == 2
    assert in_viewport(page, ".diary-children")
    children.nth(1).click()
    page.wait_for_load_state()
    assert page.locator(".diary-who").inner_text() != first
    assert "Пятница, 19 октября" in page.locator(".diary-day.is-landing .diary-date").inner_text()
    assert in_viewport(page, ".diary-day.is-landing")
    assert visits(live_server) == before + 2


def test_desktop_header_keeps_the_full_title(guarded_page, live_server):
    page = guarded_page
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "teacher")
    header = page.evaluate(HEADER)
    assert header["text"] == ["Электронный журнал Московской области"]
    assert header["lines"] == [1] and not header["clipped"], header
