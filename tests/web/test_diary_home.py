"""The diary is the home page of parents and pupils: `/` is the week of the (first) child at its
landing day (app.diary.landing), and the landing counts as one diary visit.

The world of tests.diary_helpers: the week of 17–22.09.2012 of pupil_a (7А), quarters from
01.09.2012."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import DiaryVisit
from tests.diary_helpers import add_holiday, build_diary_week, day, sign_in


@pytest.fixture
def diary(session, world):
    return build_diary_week(session, world)


def landing_card(page: str) -> str:
    """The heading of the card marked as the landing day."""
    found = re.findall(r'<section class="diary-day[^"]* is-landing".*?<h3[^>]*>\s*(.*?)\s*<', page, re.S)
    assert len(found) == 1, found
    return found[0]


def test_parent_lands_on_todays_card_and_the_landing_is_one_visit(app, client, session, world, diary, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", day(2))  # Wednesday 19.09.2012
    sign_in(client, "parent")
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert landing_card(page) == "Среда, 19 сентября"
    assert "diary-landing-note" not in page
    session.expire_all()
    assert session.execute(select(DiaryVisit.pupil_id, DiaryVisit.day, DiaryVisit.visits)).all() == [
        (world.pupil_a.id, day(2), 1)]
    # The other child, one tap away, opens at today as well.
    other = client.get(f"/diary/{world.sibling_a.id}/").get_data(as_text=True)
    assert landing_card(other) == "Среда, 19 сентября"
    # A week asked for by date has no landing card.
    assert " is-landing" not in client.get(f"/diary/{world.pupil_a.id}/?date={day(0).isoformat()}").get_data(as_text=True)


def test_pupil_lands_on_monday_on_sunday_and_after_holidays_saying_so(app, client, session, world, diary, monkeypatch):
    sign_in(client, "pupil")
    monkeypatch.setitem(app.config, "TODAY", day(6))  # Sunday 23.09.2012
    page = client.get("/").get_data(as_text=True)
    assert landing_card(page) == "Понедельник, 24 сентября"

    add_holiday(session, world.school_a, world.year, "Осенние каникулы", day(7), day(12))  # 24–29.09
    monkeypatch.setitem(app.config, "TODAY", day(8))
    page = client.get("/").get_data(as_text=True)
    assert landing_card(page) == "Понедельник, 1 октября"
    assert "Сейчас каникулы (Осенние каникулы). Дневник открыт на первом учебном дне после них — 01.10.2012." in page
